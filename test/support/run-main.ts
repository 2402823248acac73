/**
 * The CLI's `main()` run in this process, with stdout and stderr captured and environment
 * variables set for the call: the same code path as `bin/shipgate.js` without a new Node process
 * per call (a few seconds each on a loaded machine). Tests that need a working directory or the
 * real process boundary (stdout purity, hooks) use runCli instead.
 */
import { main } from '../../src/cli/main.ts';

export async function runMain(args: string[], options: { env?: Record<string, string> } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const env = { NO_COLOR: '1', ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  Object.assign(process.env, env);
  process.stdout.write = ((chunk: string | Uint8Array) => stdout.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(['node', 'shipgate', ...args]);
    return { code, stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
