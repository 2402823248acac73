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
  const bySuffix = pathSuffixIndex(files);
  const exact = bySuffix.get(`${rest}.py`) ?? [];
  const pkg = bySuffix.get(`${rest}/__init__.py`) ?? [];
  // In the order of `ofKind('python')`, as a filter over it would give.
  const candidates = (pkg.length ? [...exact, ...pkg].sort((a, b) => a[0] - b[0]).map(([, f]) => f) : exact.map(([, f]) => f)).filter((f) =>
    isImportRoot(files, f.path, rest),
  );
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

/** Python files by every trailing run of path segments (`c.py`, `b/c.py`, `a/b/c.py`), with their position; built once per file set. */
const suffixIndexes = new WeakMap<ParsedFiles, Map<string, [number, ParsedFile][]>>();
function pathSuffixIndex(files: ParsedFiles): Map<string, [number, ParsedFile][]> {
  let index = suffixIndexes.get(files);
  if (index) return index;
  index = new Map();
  files.ofKind('python').forEach((f, position) => {
    const parts = f.path.split('/');
    for (let i = parts.length - 1; i >= 0; i--) {
      const key = parts.slice(i).join('/');
      let list = index!.get(key);
      if (!list) index!.set(key, (list = []));
      list.push([position, f]);
    }
  });
  suffixIndexes.set(files, index);
  return index;
}

/**
 * An absolute import `a.b` can only name `P/a/b.py` when `P` is an import root, not itself a
 * package: `import time` is the standard library, not `app/utils/time.py` inside package `app.utils`.
 */
function isImportRoot(files: ParsedFiles, filePath: string, modulePath: string): boolean {
  const suffix = filePath.endsWith('/__init__.py') ? `${modulePath}/__init__.py` : `${modulePath}.py`;
  const root = filePath.slice(0, filePath.length - suffix.length).replace(/\/$/, '');
  return root === '' || !files.get(`${root}/__init__.py`);
}

/** `resolvePyModule` as a loader for the Python expression resolver, remembered per importing folder and module name. */
export function cachedPyModuleLoader(files: ParsedFiles): (from: ParsedFile, module: string) => ParsedFile | undefined {
  const cache = new Map<string, ParsedFile | undefined>();
  return (from, module) => {
    const key = `${module.startsWith('.') ? from.path : from.path.slice(0, from.path.lastIndexOf('/') + 1)}\0${module}`;
    if (!cache.has(key)) cache.set(key, resolvePyModule(files, from.path, module));
    return cache.get(key);
  };
}

/**
 * The project module and name a call like `send_email(...)` or `mailer.send_email(...)` refers
 * to, through the file's imports (`from app.mailer import send_email`, `from app import mailer`).
 * Undefined when the head is not imported or the callee is a longer attribute chain.
 */
export function importedCalleeTarget(
  imports: ReadonlyMap<string, { module: string; name?: string }>,
  callee: string,
): { module: string; name: string } | undefined {
  const [head, ...rest] = callee.split('.');
  const imported = imports.get(head);
  if (!imported || rest.length > 1) return undefined;
  if (rest.length === 0) return { module: imported.module, name: imported.name ?? '' };
  const module = imported.name ? (imported.module.endsWith('.') ? imported.module + imported.name : `${imported.module}.${imported.name}`) : imported.module;
  return { module, name: rest[0] };
}

/** `pkg.` + `mod` → `pkg.mod`; a relative base (`..`) takes the name without a dot. */
export function joinPyModule(base: string, ...parts: string[]): string {
  const tail = parts.filter(Boolean).join('.');
  if (!tail) return base;
  return base.endsWith('.') ? base + tail : `${base}.${tail}`;
}

/**
 * The module and name a dotted reference such as `router`, `items.router` or
 * `app.api.routes.items.router` points at through the file's imports: `from pkg import mod;
 * mod.router`, `import pkg.mod; pkg.mod.router`, `import pkg.mod as alias; alias.router`,
 * `from pkg.mod import router`. Undefined when the head is not imported.
 */
export function importedReference(imports: ReadonlyMap<string, { module: string; name?: string }>, text: string): { module: string; name: string } | undefined {
  const [head, ...tail] = text.split('.');
  const imported = imports.get(head);
  if (!imported) return undefined;
  if (tail.length === 0) return imported.name ? { module: imported.module, name: imported.name } : undefined;
  const name = tail[tail.length - 1];
  const middle = tail.slice(0, -1);
  if (imported.name) return { module: joinPyModule(imported.module, imported.name, ...middle), name }; // from pkg import mod; mod.router
  if (imported.module === head || imported.module.startsWith(`${head}.`)) return { module: [head, ...middle].join('.'), name }; // import pkg.mod
  return { module: joinPyModule(imported.module, ...middle), name }; // import pkg.mod as alias
}
