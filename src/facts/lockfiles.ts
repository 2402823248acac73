/**
 * Lockfiles → the exact package versions a repository installs, direct and transitive, with the
 * line each is recorded on. npm (package-lock.json v1–v3, npm-shrinkwrap.json), Yarn (classic v1
 * and Berry), pnpm (lockfile v5–v9), Poetry, uv, PDM and Pipenv (Pipfile.lock). JSON lockfiles
 * come parsed from parse/; the TOML and YAML ones are read line by line — their layout is fixed by
 * the tools that write them, and a line reader gives the line numbers findings need without a
 * second full parse of files that reach megabytes.
 */
import type { LockedPackage, PackageManager } from '../model/repo-index.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { isLockfilePath } from '../discover/classify.ts';
import { normalisePypiName, type Ecosystem } from '../parse/version-syntax.ts';

export interface Lockfile {
  file: string;
  ecosystem: Ecosystem;
  manager: PackageManager;
  packages: LockedPackage[];
  /** Direct dependencies the lockfile itself records (pnpm importers, npm root entry), name → version. */
  direct: Map<string, string>;
  /** Yarn Berry (`__metadata`) vs classic, for the upgrade command. */
  variant?: 'berry' | 'classic';
}

const NPM_LOCK = /(^|\/)(package-lock|npm-shrinkwrap)\.json$/;
const YARN_LOCK = /(^|\/)yarn\.lock$/;
const PNPM_LOCK = /(^|\/)pnpm-lock\.ya?ml$/;
const POETRY_LOCK = /(^|\/)poetry\.lock$/;
const UV_LOCK = /(^|\/)uv\.lock$/;
const PDM_LOCK = /(^|\/)pdm\.lock$/;
const PIPFILE_LOCK = /(^|\/)Pipfile\.lock$/;

export function readLockfiles(files: ParsedFiles): Lockfile[] {
  const out: Lockfile[] = [];
  for (const file of files.all) {
    if (!isLockfilePath(file.path)) continue;
    try {
      const lock = readLockfile(file);
      if (lock) out.push(lock);
    } catch {
      // A lockfile in a shape no reader knows: treat it as present with no versions.
      out.push({ file: file.path, ecosystem: /Pipfile|poetry|uv|pdm/.test(file.path) ? 'pypi' : 'npm', manager: managerOfPath(file.path), packages: [], direct: new Map() });
    }
  }
  return out;
}

/** The package manager that writes a lockfile of this name. */
export function managerOfPath(path: string): PackageManager {
  if (YARN_LOCK.test(path)) return 'yarn';
  if (PNPM_LOCK.test(path)) return 'pnpm';
  if (POETRY_LOCK.test(path)) return 'poetry';
  if (UV_LOCK.test(path)) return 'uv';
  if (PDM_LOCK.test(path)) return 'pdm';
  if (PIPFILE_LOCK.test(path)) return 'pipenv';
  if (/bun\.lock$/.test(path)) return 'bun';
  return 'npm';
}

function readLockfile(file: ParsedFile): Lockfile | undefined {
  const path = file.path;
  if (NPM_LOCK.test(path)) return readNpmLock(file);
  if (YARN_LOCK.test(path)) return readYarnLock(file);
  if (PNPM_LOCK.test(path)) return readPnpmLock(file);
  if (POETRY_LOCK.test(path) || UV_LOCK.test(path) || PDM_LOCK.test(path)) return readTomlPackageArray(file, managerOfPath(path));
  if (PIPFILE_LOCK.test(path)) return readPipfileLock(file);
  return { file: path, ecosystem: 'npm', manager: 'bun', packages: [], direct: new Map() };
}

/** Finds keys in document order, so locating every package is one pass over the text. */
class Cursor {
  private offset = 0;
  constructor(private readonly file: ParsedFile) {}
  line(needle: string): number | undefined {
    let at = this.file.text.indexOf(needle, this.offset);
    if (at < 0) at = this.file.text.indexOf(needle);
    if (at < 0) return undefined;
    this.offset = at + needle.length;
    return this.file.position(at).line;
  }
}

// ---- npm ----

interface NpmLockJson {
  lockfileVersion?: number;
  packages?: Record<string, { version?: string; dev?: boolean; devOptional?: boolean; link?: boolean; name?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
  dependencies?: Record<string, NpmV1Entry>;
}
interface NpmV1Entry {
  version?: string;
  dev?: boolean;
  dependencies?: Record<string, NpmV1Entry>;
}

function readNpmLock(file: ParsedFile): Lockfile {
  const lock: Lockfile = { file: file.path, ecosystem: 'npm', manager: 'npm', packages: [], direct: new Map() };
  const json = file.json as NpmLockJson | undefined;
  if (!json || typeof json !== 'object') return lock;
  const cursor = new Cursor(file);
  if (json.packages && typeof json.packages === 'object') {
    const root = json.packages[''];
    const rootDeps = new Set([...Object.keys(root?.dependencies ?? {}), ...Object.keys(root?.devDependencies ?? {})]);
    for (const [key, entry] of Object.entries(json.packages)) {
      if (!key.includes('node_modules/') || !entry || entry.link || typeof entry.version !== 'string') continue;
      const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const direct = key === `node_modules/${name}` && rootDeps.has(name);
      if (direct) lock.direct.set(name, entry.version);
      lock.packages.push({ ecosystem: 'npm', name, version: entry.version, lockfile: file.path, line: cursor.line(`"${key}"`), dev: !!(entry.dev || entry.devOptional), direct });
    }
    return lock;
  }
  // lockfileVersion 1: nested `dependencies`.
  const walk = (deps: Record<string, NpmV1Entry> | undefined, depth: number) => {
    for (const [name, entry] of Object.entries(deps ?? {})) {
      if (!entry || typeof entry.version !== 'string') continue;
      // v1 records git and file dependencies with their URL as the version.
      if (/^[0-9]/.test(entry.version)) {
        if (depth === 0) lock.direct.set(name, entry.version);
        lock.packages.push({ ecosystem: 'npm', name, version: entry.version, lockfile: file.path, line: cursor.line(`"${name}": {`), dev: !!entry.dev, direct: false });
      }
      if (depth < 20) walk(entry.dependencies, depth + 1);
    }
  };
  walk(json.dependencies, 0);
  return lock;
}

// ---- Yarn ----

/** `"@babel/core@^7.0.0", "@babel/core@^7.1.0":` (classic) or `"lodash@npm:^4.17.21":` (Berry). */
function readYarnLock(file: ParsedFile): Lockfile {
  const lock: Lockfile = { file: file.path, ecosystem: 'npm', manager: 'yarn', packages: [], direct: new Map(), variant: /^__metadata:/m.test(file.text) ? 'berry' : 'classic' };
  const lines = file.text.split('\n');
  let current: { names: string[]; descriptors: string[]; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    if (!raw.trim() || raw.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(raw)) {
      current = undefined;
      if (!raw.endsWith(':') || raw.startsWith('__metadata')) continue;
      const descriptors = raw
        .slice(0, -1)
        .split(/,\s*/)
        .map((d) => d.trim().replace(/^"|"$/g, ''));
      const names = [...new Set(descriptors.map(yarnDescriptorName).filter((n): n is string => !!n))];
      if (names.length) current = { names, descriptors, line: i + 1 };
      continue;
    }
    if (!current) continue;
    const version = /^\s{2}version:?\s+"?([^"\s]+)"?\s*$/.exec(raw);
    if (!version) continue;
    // Workspace and patch entries carry versions like `0.0.0-use.local`: not installable packages.
    if (current.descriptors.every((d) => /@(workspace|link|portal|file):/.test(d))) {
      current = undefined;
      continue;
    }
    for (const name of current.names) lock.packages.push({ ecosystem: 'npm', name, version: version[1], lockfile: file.path, line: current.line, direct: false, descriptors: current.descriptors });
    current = undefined;
  }
  return lock;
}

function yarnDescriptorName(descriptor: string): string | undefined {
  const at = descriptor.indexOf('@', 1);
  if (at <= 0) return undefined;
  return descriptor.slice(0, at);
}

// ---- pnpm ----

/**
 * `packages:` keys: `/lodash/4.17.21:` (v5), `/lodash@4.17.21:` (v6), `lodash@4.17.21:` (v9),
 * each possibly quoted and with a peer-dependency suffix (`(react@18.2.0)` or `_react@18.2.0`).
 * Direct dependencies from `importers:` (or the top-level `dependencies:` of single-project v5 files).
 */
function readPnpmLock(file: ParsedFile): Lockfile {
  const lock: Lockfile = { file: file.path, ecosystem: 'npm', manager: 'pnpm', packages: [], direct: new Map() };
  const lines = file.text.split('\n');
  let section = '';
  let importerDeps = false;
  let pendingDirect: string | undefined;
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    if (!raw.trim() || raw.trimStart().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    if (indent === 0) {
      section = raw.replace(/:.*$/, '');
      importerDeps = section === 'dependencies' || section === 'devDependencies' || section === 'optionalDependencies';
      continue;
    }
    if (section === 'packages' && indent === 2) {
      const key = raw.trim().replace(/:\s*$/, '').replace(/^['"]|['"]$/g, '');
      const parsed = pnpmPackageKey(key);
      if (!parsed) continue;
      const id = `${parsed.name}@${parsed.version}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const dev = /^\s{4}dev:\s*true/.test(lines[i + 1] ?? '') || /^\s{4}dev:\s*true/.test(lines[i + 2] ?? '');
      lock.packages.push({ ecosystem: 'npm', name: parsed.name, version: parsed.version, lockfile: file.path, line: i + 1, dev, direct: false });
      continue;
    }
    // Direct dependencies: `importers: / '.': / dependencies: / name: / version:` (v6+), or top-level `dependencies:` (v5 single project).
    const base = section === 'importers' ? 4 : 0;
    if (section === 'importers' && indent === 4) {
      importerDeps = /^(dependencies|devDependencies|optionalDependencies):/.test(raw.trim());
      continue;
    }
    if (!importerDeps || (section !== 'importers' && !/^(dependencies|devDependencies|optionalDependencies)$/.test(section))) continue;
    if (indent === base + 2) {
      const m = /^['"]?([^'":]+)['"]?:\s*(.*)$/.exec(raw.trim());
      if (m && m[2]) addPnpmDirect(lock, m[1], m[2]);
      else if (m) pendingDirect = m[1];
    } else if (indent === base + 4 && pendingDirect) {
      const v = /^version:\s*['"]?([^'"\s]+)/.exec(raw.trim());
      if (v) {
        addPnpmDirect(lock, pendingDirect, v[1]);
        pendingDirect = undefined;
      }
    }
  }
  for (const p of lock.packages) if (lock.direct.get(p.name) === p.version) p.direct = true;
  return lock;
}

function addPnpmDirect(lock: Lockfile, name: string, version: string): void {
  const clean = version.replace(/^['"]|['"]$/g, '').replace(/[(_].*$/, '');
  if (/^[0-9]/.test(clean)) lock.direct.set(name, clean);
}

export function pnpmPackageKey(key: string): { name: string; version: string } | undefined {
  const k = key.replace(/^\//, '').replace(/\(.*$/, '');
  // v5: `name/version` or `@scope/name/version`, peers after `_`.
  const v5 = /^((?:@[^/@]+\/)?[^/@]+)\/(\d[^_/]*)(?:_.*)?$/.exec(k);
  if (v5) return { name: v5[1], version: v5[2] };
  const at = k.indexOf('@', 1);
  if (at <= 0) return undefined;
  const version = k.slice(at + 1).replace(/_.*$/, '');
  return /^[0-9]/.test(version) ? { name: k.slice(0, at), version } : undefined;
}

// ---- Poetry, uv, PDM ----

/** `[[package]]` tables with `name = "…"` and `version = "…"` (uv marks the project itself with an editable/virtual source). */
function readTomlPackageArray(file: ParsedFile, manager: PackageManager): Lockfile {
  const lock: Lockfile = { file: file.path, ecosystem: 'pypi', manager, packages: [], direct: new Map() };
  const lines = file.text.split('\n');
  let entry: { name?: string; version?: string; line: number; dev: boolean; local: boolean } | undefined;
  const flush = () => {
    if (entry?.name && entry.version && !entry.local) lock.packages.push({ ecosystem: 'pypi', name: normalisePypiName(entry.name), version: entry.version, lockfile: file.path, line: entry.line, dev: entry.dev, direct: false });
    entry = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '[[package]]') {
      flush();
      entry = { line: i + 1, dev: false, local: false };
      continue;
    }
    if (line.startsWith('[')) {
      if (!line.startsWith('[package.') && !line.startsWith('[[package.')) flush();
      continue;
    }
    if (!entry) continue;
    const m = /^(name|version|category|source)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    const value = /^"([^"]*)"/.exec(m[2])?.[1];
    if (m[1] === 'name' && value !== undefined && entry.name === undefined) {
      entry.name = value;
      entry.line = i + 1;
    } else if (m[1] === 'version' && value !== undefined && entry.version === undefined) entry.version = value;
    else if (m[1] === 'category') entry.dev = value === 'dev';
    else if (m[1] === 'source') entry.local = /\b(editable|virtual|directory|path)\s*=/.test(m[2]);
  }
  flush();
  return lock;
}

// ---- Pipenv ----

function readPipfileLock(file: ParsedFile): Lockfile {
  const lock: Lockfile = { file: file.path, ecosystem: 'pypi', manager: 'pipenv', packages: [], direct: new Map() };
  const json = file.json as Record<string, Record<string, { version?: string }>> | undefined;
  if (!json || typeof json !== 'object') return lock;
  const cursor = new Cursor(file);
  for (const [section, dev] of [
    ['default', false],
    ['develop', true],
  ] as const) {
    const entries = json[section];
    if (!entries || typeof entries !== 'object') continue;
    cursor.line(`"${section}"`);
    for (const [name, entry] of Object.entries(entries)) {
      const version = typeof entry?.version === 'string' ? entry.version.replace(/^===?/, '') : undefined;
      if (!version) continue;
      lock.packages.push({ ecosystem: 'pypi', name: normalisePypiName(name), version, lockfile: file.path, line: cursor.line(`"${name}"`), dev, direct: false });
    }
  }
  return lock;
}
