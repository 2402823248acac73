/**
 * Dependency facts, read once: the manifests that declare dependencies (package.json,
 * requirements*.txt / *.in / constraints, pyproject.toml — PEP 621, PEP 735 groups, Poetry, PDM,
 * uv — and Pipfile), each dependency with how its spec constrains the version, the lockfile that
 * pins each manifest (a lockfile in its folder or a workspace root above; for requirements files
 * a constraints file or their own exact pins), and the version each dependency resolves to. The
 * `packages` list holds every version installed according to lockfiles and exact pins, transitive
 * ones included: the input of the vulnerability check.
 */
import { dirOf } from './repo-paths.ts';
import type { Dependency, DependencyManifest, LockedPackage, PackageManager, RepoIndex } from '../model/repo-index.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { constraintKind, exactVersionOf, normalisePypiName, type Ecosystem } from '../parse/version-syntax.ts';
import semver from 'semver';
import { readLockfiles, type Lockfile } from './lockfiles.ts';

export interface DependencyFacts {
  dependencies: Dependency[];
  packages: LockedPackage[];
  manifests: DependencyManifest[];
  lockfiles: Lockfile[];
}

/** Fixture and sample trees inside a repository: their manifests are data, not what the service installs. */
const FIXTURE_DIR = /(^|\/)(fixtures?|__fixtures__|testdata|test-data)\//;

interface ManifestRead {
  file: ParsedFile;
  ecosystem: Ecosystem;
  /** The manager the manifest itself names (Poetry tables, `packageManager`), before lockfiles are seen. */
  manager: PackageManager;
  deps: Dependency[];
  /** requirements: `-c constraints.txt` files it names. */
  constraints: string[];
  workspaceRoot: boolean;
}

const cache = new WeakMap<ParsedFiles, DependencyFacts>();

/** Dependencies declared in the repository's manifests (kept for callers that need only those). */
export function extractDependencies(files: ParsedFiles): Dependency[] {
  return extractDependencyFacts(files).dependencies;
}

export function extractDependencyFacts(files: ParsedFiles): DependencyFacts {
  const cached = cache.get(files);
  if (cached) return cached;
  const reads: ManifestRead[] = [];
  for (const file of files.ofKind('json', { containing: ['ependencies', 'workspaces'] })) {
    if (/(^|\/)package\.json$/.test(file.path)) {
      const read = readPackageJson(file);
      if (read) reads.push(read);
    }
  }
  for (const file of files.ofKind('requirements')) reads.push(readRequirements(file));
  for (const file of files.ofKind('toml')) {
    if (/(^|\/)pyproject\.toml$/.test(file.path)) {
      const read = readPyproject(file);
      if (read) reads.push(read);
    } else if (/(^|\/)Pipfile$/.test(file.path)) {
      const read = readPipfile(file);
      if (read) reads.push(read);
    }
  }
  const lockfiles = readLockfiles(files).filter((l) => !FIXTURE_DIR.test(l.file));
  const facts = associate(files, reads, lockfiles);
  cache.set(files, facts);
  return facts;
}

// ---- package.json ----

function readPackageJson(file: ParsedFile): ManifestRead | undefined {
  const json = file.json as Record<string, unknown> | undefined;
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const deps: Dependency[] = [];
  for (const [section, dev] of [
    ['dependencies', false],
    ['devDependencies', true],
    ['optionalDependencies', false],
    ['peerDependencies', false],
  ] as const) {
    const entries = json[section];
    if (!entries || typeof entries !== 'object') continue;
    const sectionAt = file.text.indexOf(`"${section}"`);
    for (const [name, rawSpec] of Object.entries(entries as Record<string, unknown>)) {
      const spec = typeof rawSpec === 'string' ? rawSpec : String(rawSpec);
      deps.push({
        ecosystem: 'npm',
        name,
        spec,
        manifest: file.path,
        line: lineAfter(file, sectionAt, `"${name}"`),
        dev,
        constraint: constraintKind('npm', spec),
      });
    }
  }
  const workspaceRoot = Array.isArray(json.workspaces) || (typeof json.workspaces === 'object' && json.workspaces !== null);
  if (!deps.length && !workspaceRoot) return undefined;
  const declared = typeof json.packageManager === 'string' ? /^(npm|yarn|pnpm|bun)@/.exec(json.packageManager)?.[1] : undefined;
  return { file, ecosystem: 'npm', manager: (declared as PackageManager | undefined) ?? 'npm', deps, constraints: [], workspaceRoot };
}

// ---- requirements files ----

/** One PEP 508 requirement: name, extras, spec (operators or `@ url`), markers dropped. */
export function parsePep508(text: string): { name: string; spec: string } | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/.exec(text);
  if (!m) return undefined;
  let rest = m[3].trim();
  if (rest.startsWith('@')) return { name: normalisePypiName(m[1]), spec: rest.split(/\s+;/)[0].trim() };
  rest = rest.split(';')[0].trim().replace(/^\((.*)\)$/, '$1').trim();
  return { name: normalisePypiName(m[1]), spec: rest };
}

function readRequirements(file: ParsedFile): ManifestRead {
  const deps: Dependency[] = [];
  const constraints: string[] = [];
  const dev = /(^|[/_.-])(dev|test|tests|testing|lint|docs|ci)([/_.-]|$)/i.test(file.path);
  const compiled = /autogenerated by pip-compile|uv pip compile|pip-compile|rye|pdm export|poetry export/i.test(file.text.slice(0, 2000));
  const lines = file.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i].replace(/\r$/, '');
    // Continuation lines (`\`) carry --hash options of the same requirement.
    while (text.trimEnd().endsWith('\\') && i + 1 < lines.length) text = `${text.trimEnd().slice(0, -1)} ${lines[++i].replace(/\r$/, '')}`;
    text = text.replace(/(^|\s)#.*$/, '').trim();
    if (!text) continue;
    if (text.startsWith('-')) {
      const c = /^(?:-c|--constraint)[\s=]+(\S+)/.exec(text);
      if (c) constraints.push(joinRelative(file.path, c[1]));
      const editable = /^(?:-e|--editable)[\s=]+(\S+)/.exec(text);
      if (editable) {
        const egg = /#egg=([A-Za-z0-9._-]+)/.exec(editable[1]);
        if (egg) deps.push({ ecosystem: 'pypi', name: normalisePypiName(egg[1]), spec: editable[1], manifest: file.path, line: start + 1, dev, constraint: /^(\.|\/|file:)/.test(editable[1]) ? 'local' : 'url' });
      }
      continue;
    }
    // A bare URL or path (`./libs/shared`, `https://…/pkg.whl`) without a name.
    if (/^(\.{0,2}\/|https?:|git\+|file:)/.test(text)) continue;
    const req = parsePep508(text.replace(/\s--hash[=\s]\S+/g, '').replace(/\s--\S+/g, ''));
    if (!req) continue;
    deps.push({ ecosystem: 'pypi', name: req.name, spec: req.spec, manifest: file.path, line: start + 1, dev, constraint: constraintKind('pypi', req.spec) });
  }
  const manager: PackageManager = compiled || /\.in$/.test(file.path) ? 'pip-tools' : 'pip';
  return { file, ecosystem: 'pypi', manager, deps, constraints, workspaceRoot: false };
}

function joinRelative(from: string, target: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part) parts.push(part);
  }
  return parts.join('/');
}

// ---- pyproject.toml ----

type Toml = Record<string, unknown>;
const asTable = (v: unknown): Toml | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Toml) : undefined);
const asStrings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function readPyproject(file: ParsedFile): ManifestRead | undefined {
  const toml = file.toml;
  if (!toml) return undefined;
  const deps: Dependency[] = [];
  const project = asTable(toml.project);
  const tool = asTable(toml.tool);
  const poetry = asTable(tool?.poetry);
  const pep508 = (entries: string[], dev: boolean) => {
    for (const entry of entries) {
      const req = parsePep508(entry);
      if (!req) continue;
      deps.push({ ecosystem: 'pypi', name: req.name, spec: req.spec, manifest: file.path, line: lineOfString(file, entry), dev, constraint: constraintKind('pypi', req.spec) });
    }
  };
  pep508(asStrings(project?.dependencies), false);
  for (const list of Object.values(asTable(project?.['optional-dependencies']) ?? {})) pep508(asStrings(list), true);
  for (const list of Object.values(asTable(toml['dependency-groups']) ?? {})) pep508(asStrings(list), true);
  for (const list of Object.values(asTable(asTable(tool?.pdm)?.['dev-dependencies']) ?? {})) pep508(asStrings(list), true);
  pep508(asStrings(asTable(tool?.uv)?.['dev-dependencies']), true);
  const poetryTables: [Toml | undefined, boolean, string][] = [
    [asTable(poetry?.dependencies), false, 'tool.poetry.dependencies'],
    [asTable(poetry?.['dev-dependencies']), true, 'tool.poetry.dev-dependencies'],
  ];
  for (const [group, table] of Object.entries(asTable(poetry?.group) ?? {})) poetryTables.push([asTable(asTable(table)?.dependencies), true, `tool.poetry.group.${group}.dependencies`]);
  for (const [table, dev, header] of poetryTables) {
    if (!table) continue;
    const headerAt = file.text.indexOf(`[${header}]`);
    for (const [name, value] of Object.entries(table)) {
      if (name === 'python') continue;
      const spec = poetrySpec(value);
      deps.push({ ecosystem: 'pypi', name: normalisePypiName(name), spec: spec.spec, manifest: file.path, line: lineOfKeyAfter(file, headerAt, name), dev, constraint: spec.kind ?? constraintKind('pypi', spec.spec) });
    }
  }
  if (!deps.length) return undefined;
  const manager: PackageManager = poetry ? 'poetry' : tool?.pdm ? 'pdm' : tool?.uv ? 'uv' : 'pip';
  return { file, ecosystem: 'pypi', manager, deps, constraints: [], workspaceRoot: !!asTable(asTable(tool?.uv)?.workspace) };
}

/** Poetry / Pipfile values: `"^1.2"`, `"*"`, `{ version = "…", extras = […] }`, `{ git = "…" }`, `{ path = "…" }`, or a list of those. */
function poetrySpec(value: unknown): { spec: string; kind?: 'url' | 'local' } {
  if (typeof value === 'string') return { spec: value };
  if (Array.isArray(value)) return poetrySpec(value[0]);
  const table = asTable(value);
  if (!table) return { spec: '' };
  if (typeof table.version === 'string') return { spec: table.version };
  if (typeof table.git === 'string') return { spec: `git+${table.git}${typeof table.rev === 'string' ? `@${table.rev}` : ''}`, kind: 'url' };
  if (typeof table.url === 'string') return { spec: table.url, kind: 'url' };
  if (typeof table.path === 'string' || typeof table.file === 'string') return { spec: String(table.path ?? table.file), kind: 'local' };
  return { spec: '' };
}

// ---- Pipfile ----

function readPipfile(file: ParsedFile): ManifestRead | undefined {
  const toml = file.toml;
  if (!toml) return undefined;
  const deps: Dependency[] = [];
  for (const [section, dev] of [
    ['packages', false],
    ['dev-packages', true],
  ] as const) {
    const table = asTable(toml[section]);
    if (!table) continue;
    const headerAt = file.text.indexOf(`[${section}]`);
    for (const [name, value] of Object.entries(table)) {
      const spec = poetrySpec(value);
      deps.push({ ecosystem: 'pypi', name: normalisePypiName(name), spec: spec.spec, manifest: file.path, line: lineOfKeyAfter(file, headerAt, name), dev, constraint: spec.kind ?? constraintKind('pypi', spec.spec) });
    }
  }
  return deps.length ? { file, ecosystem: 'pypi', manager: 'pipenv', deps, constraints: [], workspaceRoot: false } : undefined;
}

/**
 * Manifests a lockfile is expected for: package.json, Pipfile, and pyproject.toml projects. A
 * requirements file is its own lock when pinned (dependency-version-unpinned judges its lines),
 * and a pyproject next to requirements files is usually installed through them.
 */
export function lockableManifests(index: Pick<RepoIndex, 'manifests'>): DependencyManifest[] {
  return index.manifests.filter((m) => {
    if (/requirements|constraints/i.test(m.file) && !/(^|\/)(pyproject\.toml|Pipfile)$/.test(m.file)) return false;
    if (/(^|\/)pyproject\.toml$/.test(m.file)) {
      const dir = m.file.slice(0, m.file.lastIndexOf('/') + 1);
      if (index.manifests.some((r) => r.file.startsWith(dir) && !r.file.slice(dir.length).includes('/') && /requirements[^/]*\.(txt|in|lock)$/.test(r.file))) return false;
    }
    return true;
  });
}

// ---- association ----

const LOCK_MANAGERS: Record<string, PackageManager[]> = {
  pyproject: ['poetry', 'uv', 'pdm'],
  pipfile: ['pipenv'],
  npm: ['npm', 'yarn', 'pnpm', 'bun'],
};

function associate(files: ParsedFiles, reads: ManifestRead[], lockfiles: Lockfile[]): DependencyFacts {
  const dependencies: Dependency[] = [];
  const manifests: DependencyManifest[] = [];
  const packages = new Map<string, LockedPackage>();
  const addPackage = (p: LockedPackage) => {
    const key = `${p.ecosystem}\0${p.name}\0${p.version}\0${p.lockfile}`;
    const known = packages.get(key);
    if (!known) packages.set(key, { ...p });
    else if (p.direct) known.direct = true;
  };
  const requirementReads = new Map(reads.filter((r) => r.file.kind === 'requirements').map((r) => [r.file.path, r]));
  const selfPinned = (r: ManifestRead) => r.deps.length > 0 && r.deps.every((d) => d.constraint === 'exact' || d.constraint === 'local');

  for (const read of reads) {
    const fixture = FIXTURE_DIR.test(read.file.path);
    let lock: Lockfile | undefined;
    let pinnedBy: ManifestRead | undefined;
    const kind = read.file.kind === 'requirements' ? 'requirements' : /Pipfile$/.test(read.file.path) ? 'pipfile' : read.ecosystem === 'npm' ? 'npm' : 'pyproject';
    if (kind === 'requirements') {
      // pip reads no lockfile: a requirements file is pinned by its own `==` pins, by a constraints file, or (a pip-tools `.in`) by its compiled `.txt`.
      const candidates = [...read.constraints, read.file.path.replace(/\.in$/, '.txt')].filter((p) => p !== read.file.path);
      pinnedBy = candidates.map((p) => requirementReads.get(p)).find((r) => r && selfPinned(r));
    } else {
      lock = nearestLockfile(read.file.path, lockfiles, LOCK_MANAGERS[kind]);
      if (!lock && kind === 'pyproject') {
        // An application that pins its installs in requirements.txt (the Dockerfile's `pip install -r`) next to a loose pyproject.
        const dir = dirOf(read.file.path);
        pinnedBy = [...requirementReads.values()].filter((r) => dirOf(r.file.path) === dir && selfPinned(r)).sort((a, b) => a.file.path.length - b.file.path.length || (a.file.path < b.file.path ? -1 : 1))[0];
      }
    }
    const pinnedVersions = new Map(pinnedBy?.deps.map((d) => [d.name, { version: exactVersionOf('pypi', d.spec) ?? '', line: d.line }]) ?? []);
    for (const dep of read.deps) {
      let resolved: Dependency['resolved'];
      if (lock) {
        const hit = resolveInLock(lock, dep);
        if (hit) resolved = { version: hit.version, file: lock.file, line: hit.line };
      }
      if (!resolved && pinnedBy) {
        const pin = pinnedVersions.get(dep.name);
        if (pin?.version) resolved = { version: pin.version, file: pinnedBy.file.path, line: pin.line };
      }
      if (!resolved && dep.constraint === 'exact') {
        const version = exactVersionOf(dep.ecosystem, dep.spec);
        if (version) resolved = { version, file: dep.manifest, line: dep.line };
      }
      const full: Dependency = resolved ? { ...dep, resolved } : dep;
      dependencies.push(full);
      if (fixture || !resolved) continue;
      // Versions a lockfile records are added from the lockfile below; exact pins outside any lockfile are installed as written.
      if (!lock) addPackage({ ecosystem: dep.ecosystem, name: dep.name, version: resolved.version, lockfile: resolved.file, line: resolved.line, dev: dep.dev, direct: true });
    }
    if (fixture || !read.deps.length) continue;
    const lockManager = lock?.manager;
    manifests.push({
      file: read.file.path,
      ecosystem: read.ecosystem,
      manager: lockManager ?? (pinnedBy?.manager === 'pip-tools' ? 'pip-tools' : read.manager),
      lockfile: lock?.file ?? pinnedBy?.file.path ?? null,
      selfPinned: kind === 'requirements' && selfPinned(read),
      dependencies: read.deps.length,
    });
  }
  const directNames = new Map<string, Set<string>>();
  for (const d of dependencies) {
    if (!d.resolved) continue;
    const set = directNames.get(d.resolved.file) ?? new Set();
    set.add(`${d.name}@${d.resolved.version}`);
    directNames.set(d.resolved.file, set);
  }
  for (const lock of lockfiles) {
    const direct = directNames.get(lock.file);
    for (const p of lock.packages) addPackage({ ...p, direct: p.direct || !!direct?.has(`${p.name}@${p.version}`) });
  }
  const sortedPackages = [...packages.values()].sort((a, b) => (a.lockfile < b.lockfile ? -1 : a.lockfile > b.lockfile ? 1 : 0) || (a.line ?? 0) - (b.line ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  void files;
  return { dependencies, packages: sortedPackages, manifests, lockfiles };
}


/** The lockfile in the manifest's folder, or the nearest folder above it (a workspace root). */
function nearestLockfile(manifest: string, lockfiles: Lockfile[], managers: PackageManager[]): Lockfile | undefined {
  let dir = dirOf(manifest);
  for (;;) {
    const here = lockfiles.filter((l) => dirOf(l.file) === dir && managers.includes(l.manager));
    if (here.length) return here.sort((a, b) => managers.indexOf(a.manager) - managers.indexOf(b.manager))[0];
    if (!dir) return undefined;
    dir = dirOf(dir);
  }
}

function resolveInLock(lock: Lockfile, dep: Dependency): { version: string; line?: number } | undefined {
  const direct = lock.direct.get(dep.name);
  const candidates = lock.packages.filter((p) => p.name === dep.name);
  if (!candidates.length) return undefined;
  if (direct) return candidates.find((p) => p.version === direct) ?? { version: direct };
  if (lock.manager === 'yarn') {
    const wanted = [`${dep.name}@${dep.spec}`, `${dep.name}@npm:${dep.spec}`];
    const hit = candidates.find((p) => p.descriptors?.some((d) => wanted.includes(d)));
    if (hit) return hit;
  }
  if (candidates.length === 1 || dep.ecosystem === 'pypi') return candidates[0];
  const topLevel = candidates.find((p) => p.direct);
  if (topLevel) return topLevel;
  const satisfying = candidates.find((p) => semver.satisfies(p.version, dep.spec, { loose: true }));
  return satisfying ?? candidates[0];
}

// ---- line lookup ----

function lineAfter(file: ParsedFile, from: number, needle: string): number | undefined {
  const at = file.text.indexOf(needle, Math.max(0, from));
  return at < 0 ? undefined : file.position(at).line;
}

function lineOfString(file: ParsedFile, value: string): number | undefined {
  for (const quoted of [`"${value}"`, `'${value}'`]) {
    const at = file.text.indexOf(quoted);
    if (at >= 0) return file.position(at).line;
  }
  return undefined;
}

function lineOfKeyAfter(file: ParsedFile, from: number, key: string): number | undefined {
  const re = new RegExp(`^\\s*["']?${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*=`, 'm');
  const text = file.text.slice(Math.max(0, from));
  const m = re.exec(text);
  return m ? file.position(Math.max(0, from) + m.index + (m[0].length - m[0].trimStart().length)).line : undefined;
}
