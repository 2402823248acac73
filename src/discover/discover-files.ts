import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import ignore, { type Ignore } from 'ignore';
import type { SkippedFile, ToolDiagnostic } from '../model/finding.ts';
import type { FileKind, SourceLanguage } from '../model/parsed-file.ts';
import { findCoverageReports, type CoverageReportFile } from './coverage-reports.ts';
import { classifyFile, generatedReason, isLockfilePath, isTestPath, LOCKFILE_MAX_BYTES, VENDORED_DIRS } from './classify.ts';

const run = promisify(execFile);

export interface DiscoverOptions {
  /** Files larger than this are skipped (bytes). */
  maxFileBytes: number;
  /** The limit for Python and JS/TS source files (bytes); `maxFileBytes` when absent. */
  maxSourceFileBytes?: number;
  /** Extra ignore globs (gitignore syntax) from the user's config. */
  ignore: string[];
}

export interface DiscoveredFile {
  path: string;
  absolutePath: string;
  kind: FileKind;
  language?: SourceLanguage;
  size: number;
  isTest: boolean;
}

export interface Discovery {
  /** The audited folder, resolved (symbolic links followed). */
  root: string;
  files: DiscoveredFile[];
  skipped: SkippedFile[];
  diagnostics: ToolDiagnostic[];
  /** Paths tracked by git, or null when the root is not inside a git work tree. */
  gitTracked: Set<string> | null;
  /** Tracked paths that a .gitignore pattern matches now. */
  gitTrackedButIgnored: Set<string>;
  /** Whether the file list came from git or from walking the folder. */
  source: 'git' | 'walk';
  /** Files left out by the config's `ignore` globs (present, but not audited). */
  ignoredByConfig: string[];
  /** The commit checked out (HEAD), when the root is in a git work tree with at least one commit. */
  headCommit?: string;
  /** Coverage reports found by name, also in skipped output folders and git-ignored (parse/coverage-report.ts reads them). */
  coverageReports: CoverageReportFile[];
  /** Every file path found (tracked, untracked and not ignored, or walked), before any was skipped or ignored by the config. */
  allPaths: string[];
}

export async function discoverFiles(root: string, options: DiscoverOptions): Promise<Discovery> {
  const absoluteRoot = await realpath(path.resolve(root));
  const skipped: SkippedFile[] = [];
  const diagnostics: ToolDiagnostic[] = [];
  const userIgnore = ignore().add(options.ignore);

  const git = await listGitFiles(absoluteRoot);
  let candidates: string[];
  if (git) {
    candidates = git.all;
  } else {
    candidates = await walk(absoluteRoot, skipped);
  }

  const files: DiscoveredFile[] = [];
  const ignoredByConfig: string[] = [];
  const vendoredSeen = new Set<string>();
  for (const relativePath of candidates.sort()) {
    const vendored = vendoredPrefix(relativePath);
    if (vendored) {
      // shipgate's own history and triage files are not part of the audited code (and not worth a skip line).
      if (vendored.dir === '.shipgate' || vendored.dir.endsWith('/.shipgate')) continue;
      if (!vendoredSeen.has(vendored.dir)) {
        vendoredSeen.add(vendored.dir);
        skipped.push({ file: `${vendored.dir}/`, reason: vendored.reason });
      }
      continue;
    }
    if (options.ignore.length && userIgnore.ignores(relativePath)) {
      ignoredByConfig.push(relativePath);
      continue;
    }
    const generated = generatedReason(relativePath);
    if (generated) {
      skipped.push({ file: relativePath, reason: generated });
      continue;
    }
    const absolutePath = path.join(absoluteRoot, relativePath);
    const entry = await inspectEntry(absoluteRoot, absolutePath);
    if ('reason' in entry) {
      if (entry.reason) skipped.push({ file: relativePath, reason: entry.reason });
      continue;
    }
    const { kind, language } = classifyFile(relativePath);
    const baseLimit = kind === 'python' || kind === 'js' ? (options.maxSourceFileBytes ?? options.maxFileBytes) : options.maxFileBytes;
    const limit = isLockfilePath(relativePath) ? Math.max(baseLimit, LOCKFILE_MAX_BYTES) : baseLimit;
    if (entry.size > limit) {
      skipped.push({ file: relativePath, reason: `larger than ${formatBytes(limit)}: ${formatBytes(entry.size)}` });
      continue;
    }
    files.push({ path: relativePath, absolutePath, kind, language, size: entry.size, isTest: isTestPath(relativePath) });
  }
  if (!git) diagnostics.push({ kind: 'git', message: 'Not a git work tree: files were found by walking the folder, and git-tracking checks were skipped.' });
  const coverageReports = await findCoverageReports(absoluteRoot, candidates);
  return {
    root: absoluteRoot,
    coverageReports,
    files,
    skipped,
    diagnostics,
    gitTracked: git ? git.tracked : null,
    gitTrackedButIgnored: git ? git.trackedButIgnored : new Set(),
    source: git ? 'git' : 'walk',
    ignoredByConfig,
    ...(git?.headCommit ? { headCommit: git.headCommit } : {}),
    allPaths: candidates,
  };
}

function vendoredPrefix(relativePath: string): { dir: string; reason: string } | undefined {
  const parts = relativePath.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    const reason = VENDORED_DIRS.get(parts[i]);
    if (reason) return { dir: parts.slice(0, i + 1).join('/'), reason };
  }
  return undefined;
}

/** Regular file inside the root → its size; anything else → a skip reason ('' = silently ignore). */
async function inspectEntry(root: string, absolutePath: string): Promise<{ size: number } | { reason: string }> {
  let info;
  try {
    info = await lstat(absolutePath);
  } catch {
    return { reason: '' }; // listed by git but deleted in the work tree
  }
  if (info.isSymbolicLink()) {
    let target: string;
    try {
      target = await realpath(absolutePath);
    } catch {
      return { reason: 'broken symbolic link' };
    }
    if (target !== root && !target.startsWith(root + path.sep)) return { reason: 'symbolic link pointing outside the repository' };
    const targetInfo = await stat(target);
    if (!targetInfo.isFile()) return { reason: 'symbolic link to a directory (not followed)' };
    // A link to a file inside the repo: the target itself is audited under its own path.
    return { reason: 'symbolic link (its target is audited under its own path)' };
  }
  if (!info.isFile()) return { reason: info.isDirectory() ? '' : 'not a regular file' };
  return { size: info.size };
}

async function listGitFiles(
  root: string,
): Promise<{ all: string[]; tracked: Set<string>; trackedButIgnored: Set<string>; headCommit?: string } | null> {
  try {
    const inside = await run('git', ['-C', root, 'rev-parse', '--is-inside-work-tree'], { maxBuffer: 1 << 20 });
    if (inside.stdout.trim() !== 'true') return null;
    // A folder the enclosing repository ignores has no tracked files: walk it instead of finding nothing.
    const ignoredByParent = await run('git', ['-C', root, 'check-ignore', '-q', '.']).then(
      () => true,
      () => false,
    );
    if (ignoredByParent) return null;
    const opts = { maxBuffer: 1 << 30 };
    const gitLs = (...args: string[]) => run('git', ['-C', root, '-c', 'core.quotepath=off', 'ls-files', '-z', ...args], opts);
    const [tracked, untracked, ignoredTracked, head] = await Promise.all([
      gitLs('--cached'),
      gitLs('--others', '--exclude-standard'),
      gitLs('--cached', '--ignored', '--exclude-standard'),
      // A repository with no commit yet has no HEAD: not an error.
      run('git', ['-C', root, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then(
        (r) => r.stdout.trim(),
        () => '',
      ),
    ]);
    const trackedList = splitZ(tracked.stdout);
    const all = [...new Set([...trackedList, ...splitZ(untracked.stdout)])];
    return { all, tracked: new Set(trackedList), trackedButIgnored: new Set(splitZ(ignoredTracked.stdout)), ...(head ? { headCommit: head } : {}) };
  } catch {
    return null;
  }
}

function splitZ(out: string): string[] {
  return out.split('\0').filter((p) => p.length > 0);
}

/** Walk without git: honour .gitignore files at every level, never follow directory links. */
async function walk(root: string, skipped: SkippedFile[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string, rules: { base: string; ig: Ignore }[]): Promise<void> => {
    let entries;
    try {
      entries = await readdir(path.join(root, dir), { withFileTypes: true });
    } catch (error) {
      skipped.push({ file: dir || '.', reason: `unreadable directory (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    let scoped = rules;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        const text = await readFile(path.join(root, dir, '.gitignore'), 'utf8');
        scoped = [...rules, { base: dir, ig: ignore().add(text) }];
      } catch {
        /* unreadable .gitignore: audit everything below */
      }
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory() && VENDORED_DIRS.has(entry.name)) {
        if (entry.name !== '.git' && entry.name !== '.shipgate') skipped.push({ file: `${relative}/`, reason: VENDORED_DIRS.get(entry.name)! });
        continue;
      }
      const isDir = entry.isDirectory();
      if (isIgnored(scoped, relative, isDir)) continue;
      if (isDir) await visit(relative, scoped);
      else out.push(relative);
    }
  };
  await visit('', []);
  return out;
}

/** Git semantics: deeper .gitignore files are consulted last, and a `!pattern` there re-includes what a parent excluded. */
function isIgnored(rules: { base: string; ig: Ignore }[], relative: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { base, ig } of rules) {
    const sub = base ? relative.slice(base.length + 1) : relative;
    const verdict = ig.test(isDir ? `${sub}/` : sub);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KB`;
  return `${bytes} B`;
}
