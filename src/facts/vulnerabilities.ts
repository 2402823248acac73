/**
 * Known vulnerabilities of the installed package versions: every version a lockfile or an exact
 * pin records (`index.packages`) matched against the advisories audit() loaded
 * (`index.advisories`), with where the package is declared and installed and the command that
 * upgrades it with the project's own package manager. Dependencies declared as a range with no
 * lockfile are listed as `unresolved`: their installed version cannot be told from the repository.
 * Computed once per index; the rule and the dependency assessment read the same result.
 */
import type { Dependency, LockedPackage, PackageManager, RepoIndex } from '../model/repo-index.ts';
import type { Severity } from '../model/rule.ts';
import { compareVersions } from '../parse/version-syntax.ts';
import { managerOfPath } from './lockfiles.ts';
import { indexAdvisories, matchAdvisories, type AdvisoryMatch } from './osv-match.ts';

export interface VulnerablePackage {
  ecosystem: 'npm' | 'pypi';
  name: string;
  version: string;
  /** Where the version is recorded: the lockfile entry, or the requirements line that pins it. */
  installedAt: { file: string; line?: number };
  /** The manifest line that declares it, for a direct dependency. */
  declaredAt?: { file: string; line?: number; spec: string };
  direct: boolean;
  dev: boolean;
  manager: PackageManager;
  advisories: AdvisoryMatch[];
  severity: Severity;
  /** The lowest version that fixes every advisory; undefined when one of them has no fix. */
  fixedIn?: string;
  /** The command (or edit) that upgrades it. */
  upgrade: string;
}

export interface VulnerabilityFacts {
  /** Advisories were consulted without error. */
  checked: boolean;
  /** Package versions checked. */
  checkedPackages: number;
  vulnerable: VulnerablePackage[];
  /** Declared with a range or no version and pinned by no lockfile: cannot be checked. */
  unresolved: Dependency[];
}

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const cache = new WeakMap<RepoIndex, VulnerabilityFacts>();

export function vulnerabilityFacts(index: RepoIndex): VulnerabilityFacts {
  const cached = cache.get(index);
  if (cached) return cached;
  const unresolved = index.dependencies.filter((d) => !d.resolved && d.constraint !== 'local' && index.manifests.some((m) => m.file === d.manifest));
  const checked = index.advisories.source.kind !== 'none' && !index.advisories.source.error;
  const vulnerable: VulnerablePackage[] = [];
  if (checked && index.advisories.records.length) {
    const advisoryIndex = indexAdvisories(index.advisories.records);
    for (const pkg of index.packages) {
      const advisories = matchAdvisories(advisoryIndex, pkg);
      if (!advisories.length) continue;
      const declared = index.dependencies.find((d) => d.ecosystem === pkg.ecosystem && d.name === pkg.name && d.resolved?.file === pkg.lockfile && d.resolved.version === pkg.version);
      const manager = managerOf(index, pkg);
      const fixedIn = advisories.every((a) => a.fixedIn) ? highest(pkg.ecosystem, advisories.map((a) => a.fixedIn!)) : undefined;
      const direct = pkg.direct || !!declared;
      vulnerable.push({
        ecosystem: pkg.ecosystem,
        name: pkg.name,
        version: pkg.version,
        installedAt: { file: pkg.lockfile, ...(pkg.line ? { line: pkg.line } : {}) },
        ...(declared ? { declaredAt: { file: declared.manifest, ...(declared.line ? { line: declared.line } : {}), spec: declared.spec } } : {}),
        direct,
        dev: declared ? declared.dev : !!pkg.dev,
        manager,
        advisories,
        severity: advisories.map((a) => a.severity).sort((a, b) => SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b))[0],
        ...(fixedIn ? { fixedIn } : {}),
        upgrade: upgradeCommand(manager, pkg, direct, fixedIn, declared),
      });
    }
  }
  const facts = { checked, checkedPackages: checked ? index.packages.length : 0, vulnerable, unresolved };
  cache.set(index, facts);
  return facts;
}

function highest(ecosystem: 'npm' | 'pypi', versions: string[]): string {
  return versions.reduce((best, v) => ((compareVersions(ecosystem, v, best) ?? 0) > 0 ? v : best));
}

function managerOf(index: RepoIndex, pkg: LockedPackage): PackageManager {
  const manifest = index.manifests.find((m) => m.lockfile === pkg.lockfile) ?? index.manifests.find((m) => m.file === pkg.lockfile);
  if (manifest) return manifest.manager;
  if (pkg.ecosystem === 'pypi' && !/\.lock$/.test(pkg.lockfile)) return 'pip';
  return managerOfPath(pkg.lockfile);
}

/**
 * The upgrade in the project's own package manager, as an instruction with the commands in code
 * spans; transitive packages are raised through an override or a targeted lock update.
 */
export function upgradeCommand(manager: PackageManager, pkg: Pick<LockedPackage, 'name' | 'lockfile'>, direct: boolean, fixedIn: string | undefined, declared?: Dependency): string {
  const name = pkg.name;
  if (!fixedIn) return `no fixed release is published: replace or remove ${name}, or make sure the vulnerable feature is not reachable`;
  const v = fixedIn;
  switch (manager) {
    case 'npm':
      return direct ? `run \`npm install ${name}@^${v}\`` : `add \`"overrides": { "${name}": "^${v}" }\` to package.json and run \`npm install\``;
    case 'yarn':
      return direct ? `run \`yarn up ${name}@^${v}\`` : `run \`yarn up -R ${name}\` (or add a \`"resolutions": { "${name}": "^${v}" }\` entry)`;
    case 'pnpm':
      return direct ? `run \`pnpm add ${name}@^${v}\`` : `add \`"pnpm": { "overrides": { "${name}": "^${v}" } }\` to package.json and run \`pnpm install\``;
    case 'bun':
      return `run \`bun add ${name}@^${v}\``;
    case 'poetry':
      return direct ? `run \`poetry add "${name}>=${v}"\`` : `run \`poetry update ${name}\``;
    case 'uv':
      return direct ? `run \`uv add "${name}>=${v}"\`` : `run \`uv lock --upgrade-package ${name}\``;
    case 'pdm':
      return direct ? `run \`pdm add "${name}>=${v}"\`` : `run \`pdm update ${name}\``;
    case 'pipenv':
      return direct ? `run \`pipenv install "${name}>=${v}"\`` : `run \`pipenv update ${name}\``;
    case 'pip-tools':
      return `run \`pip-compile --upgrade-package ${name}==${v}\` and \`pip-sync\``;
    default: {
      const file = declared?.manifest ?? pkg.lockfile;
      return `set \`${name}==${v}\` in ${file} and reinstall (\`pip install -r ${file}\`)`;
    }
  }
}
