import type { Location } from './finding.ts';
import type { SyntaxNode } from './parsed-file.ts';
import type { Domain } from './rule.ts';

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
  name: string;
  /** The version or range as written, '' when unpinned. */
  spec: string;
  manifest: string;
  line?: number;
  dev: boolean;
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
  /** Non-blank lines per language, for metrics. */
  linesOfCode: { python: number; js: number; other: number };
}
