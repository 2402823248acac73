import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Run the real CLI entry point, as a user would. An audit of a folder inside this repository (an
 * example app, a fixture) runs with `--no-history` unless the test says otherwise, so the tests
 * never write `.shipgate/history.jsonl` into the source tree and never read each other's runs;
 * tests of the history audit temporary repositories.
 */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): { code: number; stdout: string; stderr: string } {
  const cwd = options.cwd ?? PROJECT_ROOT;
  if (args[0] === 'audit' && !args.includes('--history') && !args.includes('--no-history')) {
    const target = path.resolve(cwd, args[1] && !args[1].startsWith('-') ? args[1] : '.');
    if (target === PROJECT_ROOT || target.startsWith(`${PROJECT_ROOT}${path.sep}`)) args = [...args, '--no-history'];
  }
  const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin/shipgate.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
