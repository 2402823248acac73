/**
 * discoverFiles: .gitignore semantics when walking a plain folder (must agree with git), the git
 * file list (untracked-not-ignored files, tracked-but-ignored files), and vendored folders.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverFiles, type Discovery } from '../src/discover/discover-files.ts';

const OPTIONS = { maxFileBytes: 1 << 20, ignore: [] as string[] };

const roots: string[] = [];
function tempRoot(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-discover-'));
  roots.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const git = (root: string, ...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const paths = (d: Discovery) => d.files.map((f) => f.path).sort();

/** Ignore rules at several levels, with negations within one file and across levels. */
const IGNORE_TREE: Record<string, string> = {
  '.gitignore': ['*.log', '/anchored.py', 'generated/*', '!generated/keep.py', 'cache/', 'docs/**/draft.md', ''].join('\n'),
  'app.py': 'print(1)\n',
  'anchored.py': 'x = 1\n',
  'debug.log': 'log\n',
  'generated/out.py': 'x = 1\n',
  'generated/keep.py': 'x = 1\n',
  'cache/data.py': 'x = 1\n',
  'cache-notes.py': 'x = 1\n',
  'docs/guide.md': '# Guide\n',
  'docs/a/b/draft.md': '# Draft\n',
  'sub/.gitignore': ['*.txt', '/local.py', ''].join('\n'),
  'sub/anchored.py': 'x = 1\n',
  'sub/local.py': 'x = 1\n',
  'sub/notes.txt': 'notes\n',
  'sub/deeper/more.txt': 'more\n',
  'sub/deeper/local.py': 'x = 1\n',
  'sub/deeper/main.py': 'x = 1\n',
};

const IGNORE_TREE_EXPECTED = [
  '.gitignore',
  'app.py',
  'cache-notes.py',
  'docs/guide.md',
  'generated/keep.py',
  'sub/.gitignore',
  'sub/anchored.py',
  'sub/deeper/local.py',
  'sub/deeper/main.py',
];

describe('walk mode (not a git work tree)', () => {
  it('honours root and nested .gitignore files, anchoring, directory patterns and negation within a file', async () => {
    const root = tempRoot(IGNORE_TREE);
    const found = await discoverFiles(root, OPTIONS);
    expect(found.source).toBe('walk');
    expect(found.gitTracked).toBeNull();
    expect(paths(found)).toEqual(IGNORE_TREE_EXPECTED);
    expect(found.diagnostics.map((d) => d.kind)).toContain('git');
  });

  it('agrees with git on the same tree', async () => {
    const root = tempRoot(IGNORE_TREE);
    const walked = paths(await discoverFiles(root, OPTIONS));
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    const listed = await discoverFiles(root, OPTIONS);
    expect(listed.source).toBe('git');
    expect(walked).toEqual(paths(listed));
  });

  it('lets a nested .gitignore re-include with ! what a parent excluded', async () => {
    const tree = {
      '.gitignore': '*.log\n',
      'app.log': 'x\n',
      'sub/.gitignore': '!keep.log\n',
      'sub/keep.log': 'x\n',
      'sub/other.log': 'x\n',
    };
    const root = tempRoot(tree);
    const walked = paths(await discoverFiles(root, OPTIONS));
    expect(walked).toEqual(['.gitignore', 'sub/.gitignore', 'sub/keep.log']);
  });

  it('applies the configured ignore globs', async () => {
    const root = tempRoot({ 'app.py': 'x\n', 'legacy/old.py': 'x\n', 'scripts/seed.py': 'x\n' });
    expect(paths(await discoverFiles(root, { ...OPTIONS, ignore: ['legacy/', 'seed.py'] }))).toEqual(['app.py']);
  });
});

describe('git mode', () => {
  it('lists tracked files and untracked files that are not ignored, never untracked ignored ones', async () => {
    const root = tempRoot({ '.gitignore': '*.log\n', 'app.py': 'x\n' });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    writeFileSync(path.join(root, 'new.py'), 'x\n');
    mkdirSync(path.join(root, 'pkg'));
    writeFileSync(path.join(root, 'pkg/untracked.py'), 'x\n');
    writeFileSync(path.join(root, 'server.log'), 'x\n');
    const found = await discoverFiles(root, OPTIONS);
    expect(found.source).toBe('git');
    expect(paths(found)).toEqual(['.gitignore', 'app.py', 'new.py', 'pkg/untracked.py']);
    expect([...found.gitTracked!].sort()).toEqual(['.gitignore', 'app.py']);
    expect(found.diagnostics.filter((d) => d.kind === 'git')).toEqual([]);
  });

  it('lists files tracked before .gitignore excluded them, and marks them tracked-but-ignored', async () => {
    const root = tempRoot({ '.env': 'SECRET_KEY=abc\n', 'app.py': 'x\n', 'config/prod.env': 'X=1\n' });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    writeFileSync(path.join(root, '.gitignore'), '.env\n*.env\n');
    const found = await discoverFiles(root, OPTIONS);
    expect(paths(found)).toEqual(['.env', '.gitignore', 'app.py', 'config/prod.env']);
    expect([...found.gitTrackedButIgnored].sort()).toEqual(['.env', 'config/prod.env']);
    expect(found.gitTracked!.has('.env')).toBe(true);
    expect(found.gitTracked!.has('.gitignore')).toBe(false);
  });

  it('silently drops tracked files deleted from the work tree', async () => {
    const root = tempRoot({ 'app.py': 'x\n', 'gone.py': 'x\n' });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    unlinkSync(path.join(root, 'gone.py'));
    const found = await discoverFiles(root, OPTIONS);
    expect(paths(found)).toEqual(['app.py']);
    expect(found.skipped).toEqual([]);
  });

  it('audits a subfolder of a repository with paths relative to that subfolder', async () => {
    const root = tempRoot({ 'README.md': '# x\n', 'services/api/main.py': 'x\n', 'services/api/lib/db.py': 'x\n', 'services/web/index.ts': 'x\n' });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    const found = await discoverFiles(path.join(root, 'services/api'), OPTIONS);
    expect(found.source).toBe('git');
    expect(paths(found)).toEqual(['lib/db.py', 'main.py']);
  });

  it('walks a folder that the enclosing repository ignores', async () => {
    const root = tempRoot({ '.gitignore': 'tmp/\n', 'README.md': '# x\n', 'tmp/checkout/app.py': 'x\n' });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    const found = await discoverFiles(path.join(root, 'tmp/checkout'), OPTIONS);
    expect(paths(found)).toEqual(['app.py']);
  });
});

describe.each(['walk', 'git'] as const)('vendored folders (%s mode)', (mode) => {
  it('are recorded once each, with nothing inside them listed', async () => {
    const root = tempRoot({
      'app.ts': 'x\n',
      'node_modules/a/index.js': 'x\n',
      'node_modules/a/lib/b.js': 'x\n',
      'node_modules/b/node_modules/c/index.js': 'x\n',
      'packages/web/node_modules/d/index.js': 'x\n',
      'packages/web/src/main.ts': 'x\n',
      '.venv/lib/python3.12/site-packages/x/__init__.py': 'x\n',
      'api/__pycache__/main.cpython-312.pyc': 'x\n',
      'api/main.py': 'x\n',
    });
    if (mode === 'git') {
      git(root, 'init', '-q');
      git(root, 'add', '-A');
    }
    const found = await discoverFiles(root, OPTIONS);
    expect(found.source).toBe(mode);
    expect(paths(found)).toEqual(['api/main.py', 'app.ts', 'packages/web/src/main.ts']);
    expect(found.skipped.map((s) => s.file).sort()).toEqual(['.venv/', 'api/__pycache__/', 'node_modules/', 'packages/web/node_modules/']);
    expect(found.skipped.every((s) => s.reason.length > 0)).toBe(true);
  });
});

describe('size limits', () => {
  it('reads source files up to the (higher) source limit and skips other files above the general one', async () => {
    const big = 'x = 1\n'.repeat(400_000); // 2.4 MB
    const root = tempRoot({ 'api/server.py': big, 'data/dump.json': `[${'1,'.repeat(1_300_000)}1]`, 'web/app.ts': 'export const x = 1;\n'.repeat(130_000) });
    const discovery = await discoverFiles(root, { ...OPTIONS, maxSourceFileBytes: 8 << 20 });
    expect(paths(discovery)).toEqual(['api/server.py', 'web/app.ts']);
    expect(discovery.skipped).toEqual([{ file: 'data/dump.json', reason: 'larger than 1.0 MB: 2.5 MB' }]);
    const strict = await discoverFiles(root, OPTIONS);
    expect(paths(strict)).toEqual([]);
  });
});
