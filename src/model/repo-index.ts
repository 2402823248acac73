import type { Location } from './finding.ts';
import type { SyntaxNode } from './parsed-file.ts';
import type { Domain } from './rule.ts';
import type { AdvisoryData } from './advisory.ts';
import type { ConstraintKind } from '../parse/version-syntax.ts';

export type RouteFramework = 'fastapi' | 'flask' | 'django' | 'express' | 'nextjs' | 'starlette' | 'aiohttp' | 'fastify' | 'nestjs' | 'hono';
export type GuardLevel = 'route' | 'router' | 'app';

/** A control that authenticates the caller before the handler runs. */
export interface Guard {
  /** As written: `Depends(get_current_user)`, `requireAuth`, `Security(api_key_header)`. */
  name: string;
  level: GuardLevel;
  at: Location;
}

export interface RouteHandler {
  name: string;
  file: string;
  startLine: number;
  endLine: number;
  isAsync: boolean;
  /** The function's syntax node, when the handler is a function in a parsed file. Not serialised. */
  node?: SyntaxNode;
}

/** Where a piece of client-controlled request data enters a handler. */
export type RequestInputSource = 'path' | 'query' | 'body' | 'form' | 'file' | 'header' | 'cookie' | 'websocket';

export interface RequestInput {
  /** The parameter or key name as the client sends it (`user_id`, `q`), or `*` for a whole body. */
  name: string;
  source: RequestInputSource;
  /** The handler parameter that receives it (FastAPI `q: str`, Flask `<int:id>` → `id`), when there is one. */
  param?: string;
  /** The declared type when known (`int`, `UUID`, `CreateUser`), so rules can tell numbers from free text. */
  type?: string;
  at: Location;
}

export interface Route {
  framework: RouteFramework;
  /** Upper-case HTTP method, `WEBSOCKET`, or `ANY`. */
  method: string;
  /** Full path including router and mount prefixes. */
  path: string;
  /** Where the route is declared (decorator or registration call). */
  at: Location;
  handler: RouteHandler;
  guards: Guard[];
  /**
   * Request data the handler reads: declared parameters (FastAPI params, Flask/Django path
   * converters) and reads in its body (`request.args['q']`, `await request.json()`). Empty when
   * the extractor cannot tell.
   */
  inputs: RequestInput[];
}

export interface DetectedFramework {
  name: Domain;
  evidence: Location;
}

export interface Dependency {
  ecosystem: 'pypi' | 'npm';
  /** As npm spells it; PyPI names PEP 503-normalised (`flask-sqlalchemy`). */
  name: string;
  /** The version or range as written, '' when unpinned. */
  spec: string;
  manifest: string;
  line?: number;
  dev: boolean;
  /** How `spec` constrains the version: exact, range, open (lower bound only), any, url, local. */
  constraint?: ConstraintKind;
  /** The version installed, from the manifest's lockfile or an exact pin; undefined when a range cannot be resolved. */
  resolved?: { version: string; file: string; line?: number };
}

export type PackageManager = 'npm' | 'yarn' | 'pnpm' | 'bun' | 'pip' | 'pip-tools' | 'poetry' | 'uv' | 'pipenv' | 'pdm';

/** One package version a lockfile (or a fully pinned requirements file) installs, direct or transitive. */
export interface LockedPackage {
  ecosystem: 'pypi' | 'npm';
  name: string;
  version: string;
  /** The lockfile, or the requirements file whose exact pin records it. */
  lockfile: string;
  line?: number;
  dev?: boolean;
  /** Declared by a manifest (not only pulled in by another package). */
  direct: boolean;
  /** Yarn: the `name@range` descriptors the entry resolves. */
  descriptors?: string[];
}

/** A file that declares dependencies, and what pins them. */
export interface DependencyManifest {
  file: string;
  ecosystem: 'pypi' | 'npm';
  manager: PackageManager;
  /** The lockfile that pins this manifest's dependencies (its folder or a workspace root above), null when none does. */
  lockfile: string | null;
  /** The manifest pins every dependency exactly itself (a pip-compile / `uv pip compile` output, `==` everywhere). */
  selfPinned: boolean;
  dependencies: number;
}

/** A known-format secret found in a line some commit added (on any branch). */
export interface HistorySecret {
  provider: string;
  /** The secret itself: rules pass it to `secrets` so every output redacts it. */
  value: string;
  /** The oldest commit that added it: when it was first exposed. */
  commit: string;
  /** Author date of that commit, ISO 8601. */
  date: string;
  author: string;
  file: string;
  line: number;
  /** How many commits added a line with it. */
  occurrences: number;
}

export interface HistoryScan {
  scanned: boolean;
  commits: number;
  secrets: HistorySecret[];
  /** Why the history was not scanned (not a git work tree, too many commits, turned off). */
  skippedBecause?: string;
}

/** A coverage report found in the repository (committed or left by a local test run), read by parse/. */
export interface CoverageReport {
  /** Relative path of the report. */
  file: string;
  format: 'cobertura' | 'lcov' | 'istanbul' | 'istanbul-summary' | 'coverage.py-json';
  /** Lines (statements for Istanbul) covered and coverable, over every file the report measured. */
  covered: number;
  total: number;
  /** Per measured file, as the report names it (made relative to the repository when it can be). */
  files: { file: string; covered: number; total: number }[];
  /** The report's own timestamp when it records one (Cobertura `timestamp`, coverage.py `meta.timestamp`), ISO 8601. */
  generatedAt?: string;
}

/** Compliance profile: asked for with --profile / config `profile`. */
export type ComplianceProfile = 'hipaa' | 'gdpr';

export interface RepoIndex {
  /** Absolute path of the audited folder. */
  root: string;
  domains: ReadonlySet<Domain>;
  frameworks: DetectedFramework[];
  routes: Route[];
  dependencies: Dependency[];
  /** Paths tracked by git; null when the root is not a git work tree. */
  gitTracked: ReadonlySet<string> | null;
  /** Tracked paths that match a .gitignore pattern now (committed before being ignored). */
  gitTrackedButIgnored: ReadonlySet<string>;
  /** Secrets in the git history, when it was scanned (`--git-history`, or automatically for short histories). */
  history: HistoryScan;
  /** Package versions installed according to lockfiles and exact pins, transitive ones included. */
  packages: LockedPackage[];
  /** Files that declare dependencies, each with the lockfile that pins it. */
  manifests: DependencyManifest[];
  /** Advisories loaded for this audit (--osv-db / --online), or an empty set with the reason. */
  advisories: AdvisoryData;
  /** Coverage reports found in the repository (parsed by parse/coverage-report.ts). */
  coverage: CoverageReport[];
  /** The compliance profile asked for (--profile, config `profile`); undefined when none was. */
  profile?: ComplianceProfile;
  /** Non-blank lines per language, for metrics. */
  linesOfCode: { python: number; js: number; other: number };
  /**
   * Every file path in the repository — audited, or skipped as binary, oversized, generated,
   * vendored or ignored by the config — so rules can tell whether a file that code or docs
   * reference exists. Git-ignored files that are not tracked are not in it.
   */
  paths: ReadonlySet<string>;
}
