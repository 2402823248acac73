import type { ParsedFile, ParsedFiles } from '../../model/parsed-file.ts';

/**
 * Find the project file for a Python module name as imported from `fromFile`. Handles relative
 * imports (`.routers.agents`) and absolute ones rooted anywhere in the repo (a backend/ folder
 * that is its own import root), preferring the candidate nearest to the importing file.
 */
export function resolvePyModule(files: ParsedFiles, fromFile: string, module: string): ParsedFile | undefined {
  const dots = /^\.*/.exec(module)![0].length;
  const rest = module.slice(dots).split('.').filter(Boolean).join('/');
  if (dots > 0) {
    const dir = fromFile.split('/').slice(0, -1);
    const base = dir.slice(0, dir.length - (dots - 1)).join('/');
    const stem = [base, rest].filter(Boolean).join('/');
    return files.get(`${stem}.py`) ?? files.get(`${stem}/__init__.py`);
  }
  if (!rest) return undefined;
  const candidates = files
    .ofKind('python')
    .filter((f) => f.path === `${rest}.py` || f.path === `${rest}/__init__.py` || f.path.endsWith(`/${rest}.py`) || f.path.endsWith(`/${rest}/__init__.py`));
  if (candidates.length <= 1) return candidates[0];
  const fromDir = fromFile.split('/');
  const shared = (p: string) => {
    const parts = p.split('/');
    let n = 0;
    while (n < parts.length && parts[n] === fromDir[n]) n++;
    return n;
  };
  return candidates.sort((a, b) => shared(b.path) - shared(a.path) || a.path.length - b.path.length)[0];
}
