/**
 * Repository-relative path arithmetic (`/` separators, no leading `./`), and the folders of the
 * repository, for facts and rules that check whether something a file refers to exists.
 */
import type { RepoIndex } from '../model/repo-index.ts';

/** The folder of a path (`a/b/c.py` → `a/b`, `c.py` → ''). */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The last segment of a path (`a/b/c.py` → `c.py`). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `./a/../b//c` → `b/c`; `..` past the root is dropped. */
export function normalisePath(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

/** `dir` + a relative path, normalised. */
export function joinPath(dir: string, relative: string): string {
  return normalisePath(dir ? `${dir}/${relative}` : relative);
}

const folders = new WeakMap<RepoIndex, Set<string>>();

/** Every folder that holds a file of the repository (RepoIndex.paths), at any depth. Memoised per audit. */
export function repoFolders(index: RepoIndex): Set<string> {
  let dirs = folders.get(index);
  if (!dirs) {
    dirs = new Set();
    for (const p of index.paths) {
      const parts = p.replace(/\/$/, '').split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
    }
    folders.set(index, dirs);
  }
  return dirs;
}
