/**
 * The audit must complete on hostile repositories and say what it skipped and why: binary, huge,
 * non-UTF-8, unparsable and minified files, symlink loops and links out of the root, odd file
 * names, vendored folders, deep nesting, empty and git-only folders. Run once as a plain folder
 * (walk mode) and once as a git work tree (git mode).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { audit } from '../src/audit.ts';
import type { AuditReport } from '../src/model/audit-report.ts';

/** Every path the pipeline hands to fs/promises readFile: proves what was (not) read. */
const reads = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = (async (...args: Parameters<typeof actual.readFile>) => {
    reads.push(String(args[0]));
    return actual.readFile(...args);
  }) as typeof actual.readFile;
  return { ...actual, readFile, default: { ...actual, readFile } };
});

const MB = 1024 * 1024;
const UNGUARDED_ROUTE = (name: string) =>
  `from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.delete("/${name}/{item_id}")\nasync def delete_${name}(item_id: str):\n    return {"deleted": item_id}\n`;

/** Odd but legal names; each holds a small valid FastAPI app so it must be audited, not skipped. */
const ODD_NAMES = ['with space.py', 'café.py', '-rf.py', '$(rm).py', "it's.py", 'new\nline.py'];
const DEEP_DIR = Array.from({ length: 30 }, (_, i) => `level${String(i + 1).padStart(2, '0')}`).join('/');

/** Writes `megabytes` MB in 1 MB chunks, so no 50 MB string is ever held. */
function writeLargeFile(file: string, megabytes: number, line: string): void {
  const chunk = Buffer.alloc(MB, line);
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < megabytes; i++) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

function write(root: string, rel: string, content: string | Buffer): void {
  const target = path.join(root, rel);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
}

/** Returns the odd names the filesystem accepted. */
function buildHostileRepo(root: string): string[] {
  write(root, 'requirements.txt', 'fastapi==0.115.0\nuvicorn==0.30.0\n');
  write(root, '.gitignore', '*.tmp\n');
  write(root, 'scratch.tmp', 'ignored by .gitignore\n');
  write(root, 'ok.py', UNGUARDED_ROUTE('widgets'));

  // Binary: a PNG header (with NULs), and a .py that is really binary.
  write(root, 'logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]));
  write(root, 'weird.py', Buffer.concat([Buffer.from('import os\n'), Buffer.from([0, 0, 0, 1, 2, 3]), Buffer.from('\nprint(os)\n')]));
  // Huge: must be skipped by size, never read.
  writeLargeFile(path.join(root, 'big.log'), 50, 'GET /health 200 0.001s\n');
  writeLargeFile(path.join(root, 'huge.py'), 50, 'value = compute(1, 2, 3)\n');
  // Not UTF-8: a Latin-1 é (0xE9) in a comment.
  write(root, 'latin1.py', Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nx = 1\n')]));
  // Syntax errors.
  write(root, 'broken.py', 'def f(:\n  return\n');
  write(root, 'broken.ts', 'export function f(a: number {\n  return a +;\n}\n');
  // Empty files.
  write(root, 'empty.py', '');
  write(root, 'empty.ts', '');
  // Minified: by name, and by shape (one very long line).
  write(root, 'app.min.js', 'var a=1;function b(c){return c+a}\n');
  write(root, 'bundle.js', `${Array.from({ length: 4000 }, (_, i) => `function f${i}(a){return a*${i}}`).join(';')}\n`);
  // Vendored folders, also nested.
  write(root, 'node_modules/express/index.js', "module.exports = require('./lib/express');\n");
  write(root, 'node_modules/express/lib/express.js', 'exports.app = function () {};\n');
  write(root, 'web/node_modules/left-pad/index.js', 'module.exports = (s) => s;\n');
  write(root, '.venv/lib/python3.12/site-packages/requests/__init__.py', UNGUARDED_ROUTE('vendored'));
  // Deeply nested, and audited.
  write(root, `${DEEP_DIR}/deep.py`, UNGUARDED_ROUTE('deep'));

  // Symbolic links: loops, out of the root, broken, and a link to a file inside the root.
  mkdirSync(path.join(root, 'a'), { recursive: true });
  symlinkSync('.', path.join(root, 'loop'));
  symlinkSync('../a', path.join(root, 'a/b'));
  symlinkSync('/etc', path.join(root, 'escape'));
  symlinkSync('/etc/hostname', path.join(root, 'escape-file.py'));
  symlinkSync('does-not-exist.py', path.join(root, 'dangling.py'));
  symlinkSync('ok.py', path.join(root, 'alias.py'));
  // A FIFO: reading it would block forever.
  execFileSync('mkfifo', [path.join(root, 'pipe.py')]);

  const accepted: string[] = [];
  for (const name of ODD_NAMES) {
    try {
      writeFileSync(path.join(root, name), UNGUARDED_ROUTE(`odd${accepted.length}`));
      accepted.push(name);
    } catch {
      /* this filesystem refuses the name (e.g. a newline): nothing to test */
    }
  }
  return accepted;
}

function gitInit(root: string): void {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
}

/** Every repository path the report mentions. */
function reportedPaths(report: AuditReport): string[] {
  return [
    ...report.skipped.map((s) => s.file),
    ...report.findings.flatMap((f) => [f.location.file, ...f.related.map((r) => r.file)]),
    ...report.diagnostics.flatMap((d) => (d.file ? [d.file] : [])),
    ...report.frameworks.map((f) => f.file),
    ...report.routes.map((r) => r.file),
  ];
}

const roots: string[] = [];
function tempRoot(label: string): string {
  const root = mkdtempSync(path.join(tmpdir(), `shipgate-robust-${label}-`));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** One hostile tree, audited as a plain folder (walk mode), then again after `git init && git add -A`. */
const hostile = {} as { root: string; oddNames: string[]; runs: Record<'walk' | 'git', { report: AuditReport; reads: string[] }> };
beforeAll(async () => {
  hostile.root = tempRoot('hostile');
  hostile.oddNames = buildHostileRepo(hostile.root);
  const auditRecordingReads = async () => {
    reads.length = 0;
    const report = await audit({ root: hostile.root });
    return { report, reads: [...reads] };
  };
  const walk = await auditRecordingReads();
  gitInit(hostile.root);
  hostile.runs = { walk, git: await auditRecordingReads() };
});

describe.each(['walk', 'git'] as const)('a hostile repository (%s mode)', (mode) => {
  let root: string;
  let oddNames: string[];
  let report: AuditReport;
  let readsDuringAudit: string[];

  beforeAll(() => {
    ({ root, oddNames } = hostile);
    ({ report, reads: readsDuringAudit } = hostile.runs[mode]);
  });

  it('takes the expected discovery path', () => {
    const notGit = report.diagnostics.some((d) => d.kind === 'git');
    expect(notGit).toBe(mode === 'walk');
  });

  it('skips each problem file with a reason', () => {
    const reasons = Object.fromEntries(report.skipped.map((s) => [s.file, s.reason]));
    expect(reasons['logo.png']).toMatch(/binary/);
    expect(reasons['weird.py']).toMatch(/binary/);
    expect(reasons['big.log']).toMatch(/^larger than 1\.0 MB: 50\.0 MB$/);
    expect(reasons['huge.py']).toMatch(/^larger than/);
    expect(reasons['latin1.py']).toMatch(/not valid UTF-8/);
    expect(reasons['loop']).toMatch(/symbolic link to a directory/);
    expect(reasons['a/b']).toMatch(/symbolic link to a directory/);
    expect(reasons['escape']).toMatch(/symbolic link pointing outside/);
    expect(reasons['escape-file.py']).toMatch(/symbolic link pointing outside/);
    expect(reasons['dangling.py']).toMatch(/broken symbolic link/);
    expect(reasons['alias.py']).toMatch(/symbolic link/);
    expect(reasons['app.min.js']).toMatch(/minified/);
    expect(reasons['bundle.js']).toMatch(/minified|generated/);
    expect(reasons['node_modules/']).toMatch(/vendored/);
    expect(reasons['web/node_modules/']).toMatch(/vendored/);
    expect(reasons['.venv/']).toMatch(/virtual environment/);
    // git does not index FIFOs; the walk must not open one.
    if (mode === 'walk') expect(reasons['pipe.py']).toMatch(/not a regular file/);
    else expect(reasons['pipe.py']).toBeUndefined();
  });

  it('records each vendored folder once and nothing inside it', () => {
    const vendored = report.skipped.filter((s) => /(^|\/)(node_modules|\.venv)\//.test(s.file));
    expect(vendored.map((s) => s.file).sort()).toEqual(['.venv/', 'node_modules/', 'web/node_modules/']);
  });

  it('neither skips nor reports files that are fine or ignored', () => {
    const skipped = new Set(report.skipped.map((s) => s.file));
    for (const name of ['ok.py', 'empty.py', 'empty.ts', 'broken.py', 'broken.ts', 'requirements.txt', `${DEEP_DIR}/deep.py`, ...oddNames])
      expect(skipped.has(name), name).toBe(false);
    expect(reportedPaths(report)).not.toContain('scratch.tmp');
  });

  it('reports a parse-error diagnostic for each file with syntax errors', () => {
    const parseErrors = report.diagnostics.filter((d) => d.kind === 'parse-error').map((d) => d.file);
    expect(parseErrors).toContain('broken.py');
    expect(parseErrors).toContain('broken.ts');
    expect(parseErrors).not.toContain('ok.py');
  });

  it('still finds the unguarded route in the valid files, odd names and deep paths included', () => {
    const flagged = new Set(report.findings.filter((f) => f.ruleId === 'route-missing-auth').map((f) => f.location.file));
    expect(flagged).toContain('ok.py');
    expect(flagged).toContain(`${DEEP_DIR}/deep.py`);
    for (const name of oddNames) expect(flagged, name).toContain(name);
    expect([...flagged].some((f) => f.startsWith('.venv/'))).toBe(false);
  });

  it('never reads or reports anything outside the root, nor the huge files', () => {
    for (const file of reportedPaths(report)) {
      expect(file.startsWith('/') || file.startsWith('..'), file).toBe(false);
    }
    const realRoot = execFileSync('realpath', [root], { encoding: 'utf8' }).trim();
    for (const file of readsDuringAudit) {
      expect(file.startsWith(realRoot + path.sep), `read outside the root: ${file}`).toBe(true);
    }
    const readNames = readsDuringAudit.map((f) => path.relative(realRoot, f));
    expect(readNames).toContain('ok.py');
    for (const name of ['huge.py', 'big.log', 'pipe.py', 'escape-file.py', 'dangling.py', 'alias.py', 'scratch.tmp'])
      expect(readNames, name).not.toContain(name);
    expect(readNames.some((f) => f.startsWith('node_modules/') || f.startsWith('.venv/'))).toBe(false);
  });
});

describe('degenerate folders', () => {
  it('audits an empty folder', async () => {
    const root = tempRoot('empty');
    const report = await audit({ root });
    expect(report.findings).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.summary.filesAudited).toBe(0);
    expect(report.summary.linesOfCode.total).toBe(0);
  });

  it('audits a folder holding only an initialised .git', async () => {
    const root = tempRoot('git-only');
    execFileSync('git', ['-C', root, 'init', '-q']);
    const report = await audit({ root });
    expect(report.findings).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.summary.filesAudited).toBe(0);
    expect(report.diagnostics.some((d) => d.kind === 'git')).toBe(false);
  });

  it('audits a folder holding only an empty .git folder (not a repository)', async () => {
    const root = tempRoot('git-empty');
    mkdirSync(path.join(root, '.git'));
    const report = await audit({ root });
    expect(report.findings).toEqual([]);
    expect(report.skipped).toEqual([]);
    expect(report.summary.filesAudited).toBe(0);
  });
});
