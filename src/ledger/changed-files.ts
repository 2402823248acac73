/**
 * `--changed-since REF`: the files a change touches, relative to the audit root. That is what
 * `git diff --name-only REF...HEAD` lists (committed on this branch since it left REF), plus what
 * is not committed yet — staged and unstaged edits (`git diff HEAD`) and new untracked files — so
 * a pre-commit hook (`--changed-since HEAD`) sees the change being committed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { LedgerInputError } from './errors.ts';
import type { ChangedFiles } from './scope.ts';

const run = promisify(execFile);

async function git(root: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', root, '-c', 'core.quotepath=off', ...args], { maxBuffer: 1 << 28 });
  return stdout;
}

export async function changedFilesSince(root: string, ref: string): Promise<ChangedFiles> {
  if (!ref.trim() || ref.startsWith('-')) throw new LedgerInputError(`--changed-since: "${ref}" is not a git ref`);
  const inside = await git(root, ['rev-parse', '--is-inside-work-tree']).then(
    (out) => out.trim() === 'true',
    () => false,
  );
  if (!inside) throw new LedgerInputError(`--changed-since needs a git work tree; ${root} is not in one`);
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).then(
    (out) => out.trim(),
    () => '',
  );
  const names = (out: string) => out.split('\0').filter(Boolean);
  if (!commit && ref === 'HEAD' && !(await git(root, ['rev-list', '-n', '1', '--all']).then((out) => out.trim(), () => ''))) {
    // The first commit of a repository (a pre-commit hook runs before HEAD exists): everything staged or new is the change.
    const files = new Set([...names(await git(root, ['diff', '--name-only', '-z', '--relative', '--cached', '--'])), ...names(await git(root, ['ls-files', '--others', '--exclude-standard', '-z']))]);
    return { ref, commit: '', files: [...files].sort() };
  }
  if (!commit) throw new LedgerInputError(`--changed-since: git cannot resolve "${ref}" to a commit in this repository (a branch, tag or commit, e.g. origin/main)`);
  const hasHead = await git(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then(
    () => true,
    () => false,
  );
  const files = new Set<string>();
  if (hasHead) {
    // Three dots: changes on this side since the merge base. Unrelated histories have no merge base: compare the trees.
    const committed = await git(root, ['diff', '--name-only', '-z', '--relative', '--no-renames', `${commit}...HEAD`, '--']).catch(() =>
      git(root, ['diff', '--name-only', '-z', '--relative', '--no-renames', commit, 'HEAD', '--']),
    );
    for (const f of names(committed)) files.add(f);
    for (const f of names(await git(root, ['diff', '--name-only', '-z', '--relative', '--no-renames', 'HEAD', '--']))) files.add(f);
  } else {
    for (const f of names(await git(root, ['diff', '--name-only', '-z', '--relative', '--no-renames', '--cached', '--']))) files.add(f);
  }
  for (const f of names(await git(root, ['ls-files', '--others', '--exclude-standard', '-z']))) files.add(f);
  return { ref, commit, files: [...files].sort() };
}
