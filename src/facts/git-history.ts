import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ToolDiagnostic } from '../model/finding.ts';
import type { HistoryScan, HistorySecret } from '../model/repo-index.ts';
import { classifyFile, isTestPath } from '../discover/classify.ts';
import { describeSecretHit, scanSnippet, type SecretHit } from './secret-scan.ts';

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
 * Secrets in lines added by any commit on any branch, streamed from `git log -p` so memory stays
 * flat however long the history. Each hunk's added lines are read together by the same scanner as
 * the files (so a private key added across many lines is one secret); kept are known formats,
 * private keys and JWTs anywhere, credentials in URLs, and generated-looking values of
 * secret-named holders outside tests and docs — guessable defaults and placeholders stay out of
 * history findings. Each distinct secret is reported once, at the oldest commit that added it
 * (when it was first exposed), with how many commits added it.
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
  /** Added lines of the current hunk: scanned together when the hunk ends. */
  let hunk: string[] = [];
  let hunkStart = 0;
  const kinds = new Map<string, ReturnType<typeof classifyFile>['kind']>();
  const kindOf = (path: string) => kinds.get(path) ?? kinds.set(path, classifyFile(path).kind).get(path)!;
  const flush = () => {
    if (hunk.length && file) {
      for (const hit of scanSnippet(file, kindOf(file), hunk.join('\n'), hunkStart)) {
        if (!keepInHistory(hit, file)) continue;
        const previous = found.get(hit.value);
        // `git log` walks newest first: a later line of the stream is an older commit.
        found.set(hit.value, {
          provider: describeSecretHit(hit),
          value: hit.value,
          commit: commit.hash,
          date: commit.date,
          author: commit.author,
          file,
          line: hit.line,
          occurrences: (previous?.occurrences ?? 0) + 1,
        });
      }
    }
    hunk = [];
  };
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 2000) stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.startsWith(HEADER)) {
      flush();
      const [, hash, date, author] = line.split(HEADER);
      commit = { hash, date, author };
      commits++;
      continue;
    }
    if (line.startsWith('+++ ')) {
      flush();
      file = line.startsWith('+++ b/') ? line.slice(6) : '';
      continue;
    }
    if (line.startsWith('@@')) {
      flush();
      lineNo = Number(/\+(\d+)/.exec(line)?.[1] ?? 0);
      hunkStart = lineNo;
      continue;
    }
    if (!line.startsWith('+') || !file) continue;
    const added = line.slice(1);
    lineNo++;
    // A minified or generated line is not read (as in the file scan); the hunk keeps its numbering.
    hunk.push(added.length > 4000 ? '' : added);
  }
  flush();
  const code = await new Promise<number>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('close', (c) => resolve(c ?? 0))));
  if (code !== 0) diagnostics.push({ kind: 'git', message: `git history could not be read completely: ${stderr.trim().split('\n')[0] || `git log exited with ${code}`}` });
  return { scanned: true, commits, secrets: [...found.values()] };
}

/** Known formats, private keys, JWTs and URL credentials anywhere; generated-looking named values outside tests and docs. */
function keepInHistory(hit: SecretHit, file: string): boolean {
  if (hit.detector === 'provider' || hit.detector === 'private-key' || hit.detector === 'jwt') return true;
  if (hit.strength === 'weak' || isTestPath(file) || /(^|\/)(docs?|examples?|samples?)\//i.test(file) || /\.(?:md|mdx|rst|txt|adoc)$/i.test(file)) return false;
  if (hit.detector === 'url-credentials') return true;
  return hit.strength === 'live' && (hit.confidence === 'high' || hit.value.length >= 12);
}
