import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ToolDiagnostic } from '../model/finding.ts';
import type { HistoryScan, HistorySecret } from '../model/repo-index.ts';
import { findProviderSecrets, hasProviderNeedle } from './secret-formats.ts';

/** Commit header marker in the `git log` format below: NUL, then hash, date, author. */
const HEADER = '\u0000';

/** Number of commits reachable from any ref; undefined outside a git work tree. */
export function countCommits(root: string): number | undefined {
  const result = spawnSync('git', ['rev-list', '--all', '--count', '--', '.'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const n = Number(result.stdout.trim());
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Known-format secrets in lines added by any commit on any branch, streamed from `git log -p`
 * so memory stays flat however long the history. Each distinct secret is reported once, at the
 * oldest commit that added it (when it was first exposed), with how many commits added it.
 */
export async function scanGitHistory(root: string, options: { maxCommits?: number } = {}, diagnostics: ToolDiagnostic[] = []): Promise<HistoryScan> {
  // `--relative` keeps to the audited folder (it may be a sub-folder of a bigger repository) and
  // prints paths relative to it, as every other finding's path is.
  const args = ['log', '--all', '-p', '-U0', '--relative', '--no-color', '--no-ext-diff', '--no-textconv', '--diff-filter=AM', "--format=%x00%H%x00%aI%x00%an"];
  if (options.maxCommits) args.push(`--max-count=${options.maxCommits}`);
  args.push('--', '.');
  const child = spawn('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const found = new Map<string, HistorySecret>();
  let commits = 0;
  let commit = { hash: '', date: '', author: '' };
  let file = '';
  let lineNo = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 2000) stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.startsWith(HEADER)) {
      const [, hash, date, author] = line.split(HEADER);
      commit = { hash, date, author };
      commits++;
      continue;
    }
    if (line.startsWith('+++ ')) {
      file = line.startsWith('+++ b/') ? line.slice(6) : '';
      continue;
    }
    if (line.startsWith('@@')) {
      lineNo = Number(/\+(\d+)/.exec(line)?.[1] ?? 0);
      continue;
    }
    if (!line.startsWith('+') || !file) continue;
    const added = line.slice(1);
    const at = lineNo++;
    if (added.length > 4000 || !hasProviderNeedle(added)) continue;
    for (const match of findProviderSecrets(added)) {
      const previous = found.get(match.value);
      // `git log` walks newest first: a later line of the stream is an older commit.
      found.set(match.value, {
        provider: match.format.provider,
        value: match.value,
        commit: commit.hash,
        date: commit.date,
        author: commit.author,
        file,
        line: at,
        occurrences: (previous?.occurrences ?? 0) + 1,
      });
    }
  }
  const code = await new Promise<number>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', (c) => resolve(c ?? 0))));
  if (code !== 0) diagnostics.push({ kind: 'git', message: `git history could not be read completely: ${stderr.trim().split('\n')[0] || `git log exited with ${code}`}` });
  return { scanned: true, commits, secrets: [...found.values()] };
}
