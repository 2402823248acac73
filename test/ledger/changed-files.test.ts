/** --changed-since: which files a change touches, relative to the audited folder. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changedFilesSince } from '../../src/ledger/changed-files.ts';
import { LedgerInputError } from '../../src/ledger/errors.ts';
import { writeTree } from '../support/fixture-case.ts';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const git = (root: string, ...args: string[]) =>
  execFileSync('git', ['-C', root, '-c', 'user.name=T', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' });

function repo(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-changed-'));
  roots.push(root);
  git(root, 'init', '-q', '-b', 'main');
  return root;
}

describe('changedFilesSince', () => {
  it('lists branch commits since the merge base, staged, unstaged and untracked files, but not changes on the base since', async () => {
    const root = repo();
    writeTree(root, { 'a.py': '1\n', 'b.py': '1\n', 'c.py': '1\n', 'd.py': '1\n', 'old name.py': '1\n', '.gitignore': 'ignored.log\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    git(root, 'checkout', '-qb', 'feature');
    writeFileSync(path.join(root, 'a.py'), '2\n');
    git(root, 'mv', 'old name.py', 'new name.py');
    git(root, 'commit', '-qam', 'feature work');
    // main moves on: its change is not part of the feature.
    git(root, 'checkout', '-q', 'main');
    writeFileSync(path.join(root, 'd.py'), '2\n');
    git(root, 'commit', '-qam', 'main work');
    git(root, 'checkout', '-q', 'feature');
    writeFileSync(path.join(root, 'b.py'), '2\n');
    git(root, 'add', 'b.py');
    writeFileSync(path.join(root, 'c.py'), '2\n');
    writeTree(root, { 'new/ñ file.py': '1\n', 'ignored.log': 'x\n' });

    const changed = await changedFilesSince(root, 'main');
    expect(changed.files).toEqual(['a.py', 'b.py', 'c.py', 'new name.py', 'new/ñ file.py', 'old name.py']);
    expect(changed.commit).toBe(git(root, 'rev-parse', 'main').trim());
    expect((await changedFilesSince(root, 'HEAD')).files).toEqual(['b.py', 'c.py', 'new/ñ file.py']);
  });

  it('gives paths relative to an audited subfolder and leaves out changes elsewhere', async () => {
    const root = repo();
    writeTree(root, { 'api/app.py': '1\n', 'web/page.ts': '1\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    writeTree(root, { 'api/app.py': '2\n', 'web/page.ts': '2\n', 'api/new.py': '1\n' });
    expect((await changedFilesSince(path.join(root, 'api'), 'HEAD')).files).toEqual(['app.py', 'new.py']);
  });

  it('treats everything staged or new as the change before the first commit', async () => {
    const root = repo();
    writeTree(root, { 'app.py': '1\n', 'later.py': '1\n' });
    git(root, 'add', 'app.py');
    expect(await changedFilesSince(root, 'HEAD')).toEqual({ ref: 'HEAD', commit: '', files: ['app.py', 'later.py'] });
    await expect(changedFilesSince(root, 'main')).rejects.toThrow(LedgerInputError);
  });

  it('refuses refs git cannot resolve, option-like refs and folders outside git, naming them', async () => {
    const root = repo();
    writeTree(root, { 'a.py': '1\n' });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    await expect(changedFilesSince(root, 'origin/main')).rejects.toThrow('--changed-since: git cannot resolve "origin/main" to a commit');
    await expect(changedFilesSince(root, '--output=/tmp/x')).rejects.toThrow('"--output=/tmp/x" is not a git ref');
    const plain = mkdtempSync(path.join(tmpdir(), 'shipgate-plain-'));
    roots.push(plain);
    await expect(changedFilesSince(plain, 'HEAD')).rejects.toThrow(/needs a git work tree/);
  });
});
