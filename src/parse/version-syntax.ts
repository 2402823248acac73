/**
 * Version strings and version constraints of the two package ecosystems shipgate reads: npm
 * (semver, through npm's own `semver` package) and PyPI (PEP 440, through `@renovatebot/pep440`).
 * The only importer of both libraries, so OSV matching, pinning checks and upgrade advice share
 * one notion of "which version is newer" and "is this spec an exact pin".
 */
import pep440 from '@renovatebot/pep440';
import semver from 'semver';

export type Ecosystem = 'npm' | 'pypi';

/**
 * How a dependency's version is constrained where it is declared:
 * - `exact`: one version (`==1.2.3`, `1.2.3` in package.json or Poetry)
 * - `range`: a bounded range (`^1.2.3`, `~=1.2`, `>=1,<2`)
 * - `open`: a lower bound only (`>=1.2`): any future major release is accepted
 * - `any`: no constraint at all (`flask`, `*`, `latest`, '')
 * - `url`: a git repository or archive URL (`git+https://…`, `github:user/repo`)
 * - `local`: a path or workspace link (`file:../lib`, `workspace:*`, `-e ./pkg`)
 */
export type ConstraintKind = 'exact' | 'range' | 'open' | 'any' | 'url' | 'local';

/** PEP 503 normalised project name: `Flask_SQLAlchemy` → `flask-sqlalchemy`. */
export function normalisePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The canonical spelling of a package name for comparisons in its ecosystem. */
export function normalisePackageName(ecosystem: Ecosystem, name: string): string {
  return ecosystem === 'pypi' ? normalisePypiName(name) : name.toLowerCase();
}

export function isValidVersion(ecosystem: Ecosystem, version: string): boolean {
  return ecosystem === 'npm' ? semver.valid(version, { loose: true }) !== null : pep440.valid(version) !== null;
}

/**
 * Order of two versions (negative: a is older), or undefined when either is not a valid version
 * of the ecosystem. OSV's `introduced: "0"` is the smallest version of every ecosystem.
 */
export function compareVersions(ecosystem: Ecosystem, a: string, b: string): number | undefined {
  if (a === b) return 0;
  if (a === '0') return isValidVersion(ecosystem, b) || b === '0' ? -1 : undefined;
  if (b === '0') return isValidVersion(ecosystem, a) ? 1 : undefined;
  if (ecosystem === 'npm') {
    const x = semver.parse(a, { loose: true });
    const y = semver.parse(b, { loose: true });
    return x && y ? semver.compare(x, y) : undefined;
  }
  if (!pep440.valid(a) || !pep440.valid(b)) return undefined;
  return Math.sign(pep440.compare(a, b));
}

/** The one version an exact spec names (`==1.2.3`, `1.2.3`, `=v1.2.3`), else undefined. */
export function exactVersionOf(ecosystem: Ecosystem, spec: string): string | undefined {
  const s = spec.trim();
  if (ecosystem === 'npm') {
    const bare = s.replace(/^=\s*/, '');
    const v = semver.valid(bare, { loose: true });
    return v ?? undefined;
  }
  const m = /^(===?)\s*([^\s,;*]+)$/.exec(s);
  if (m) return pep440.valid(m[2]) ? m[2] : m[1] === '===' ? m[2] : undefined;
  // Poetry and Pipfile write an exact version without an operator.
  return /^[0-9][^\s,;*^~<>=!]*$/.test(s) && pep440.valid(s) ? s : undefined;
}

/** Classify a version spec as written in a manifest. */
export function constraintKind(ecosystem: Ecosystem, spec: string): ConstraintKind {
  const s = spec.trim();
  if (!s || s === '*' || /^(latest|x|X)$/.test(s)) return 'any';
  if (ecosystem === 'npm') {
    if (/^(file:|link:|workspace:|portal:|\.{0,2}\/)/.test(s)) return 'local';
    if (/^(git\+|git:|github:|gitlab:|bitbucket:|https?:)/.test(s) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(s)) return 'url';
    if (s.startsWith('npm:')) {
      const at = s.lastIndexOf('@');
      return at > 4 ? constraintKind('npm', s.slice(at + 1)) : 'any';
    }
    if (exactVersionOf('npm', s)) return 'exact';
    if (semver.validRange(s, { loose: true }) === null) return 'any'; // a dist-tag such as `next` or `beta`
    if (/^>=?\s*[\w.-]+$/.test(s) || /(^|\|\|)\s*>=?\s*[\w.-]+\s*($|\|\|)/.test(s)) return 'open';
    return 'range';
  }
  if (/^(@|git\+|https?:|file:)/.test(s) || /\s@\s/.test(s)) return /file:|^@\s*\.|^\.{0,2}\//.test(s) ? 'local' : 'url';
  if (/^\.{0,2}\//.test(s)) return 'local';
  if (exactVersionOf('pypi', s)) return 'exact';
  // Poetry caret / tilde ranges are bounded.
  if (/^[\^~]/.test(s) && !s.startsWith('~=')) return 'range';
  const clauses = s.split(',').map((c) => c.trim()).filter(Boolean);
  const upper = clauses.some((c) => /^(<|<=|~=|==\s*[^,]*\*)/.test(c));
  return upper ? 'range' : 'open';
}

/** The highest of some versions (ignores invalid ones); undefined when none is valid. */
export function maxVersion(ecosystem: Ecosystem, versions: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const v of versions) {
    if (!isValidVersion(ecosystem, v)) continue;
    if (best === undefined || (compareVersions(ecosystem, v, best) ?? 0) > 0) best = v;
  }
  return best;
}
