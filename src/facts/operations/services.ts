/**
 * The deployable services of a repository: each folder that holds a web application (a FastAPI,
 * Flask, Django, Starlette, aiohttp app; an Express, Fastify, NestJS, Hono, Koa or Node HTTP
 * server; a Next.js app), with where the app is created. Operations rows are judged per service
 * ("backend: Sentry initialised; api-gateway: none"), and repository-level findings anchor on a
 * service's entry.
 */
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { RepoIndex } from '../../model/repo-index.ts';
import { describeJsCall } from '../../parse/js-syntax.ts';
import { findPyCalls, pyQualifiedName } from '../../parse/python-syntax.ts';
import { findAllIn, findCallsByCallee } from '../../parse/syntax.ts';
import { jsModuleInfo, jsQualifiedName } from '../routes/js-modules.ts';
import { baseName, dirOf, isWithin } from './signals.ts';

export type ServiceFramework = 'fastapi' | 'flask' | 'django' | 'starlette' | 'aiohttp' | 'quart' | 'sanic' | 'litestar' | 'express' | 'fastify' | 'nestjs' | 'hono' | 'koa' | 'node-http' | 'nextjs';

export interface ServiceUnit {
  /** Folder of the service ('' = the repository root). */
  root: string;
  /** The folder name, or the repository's for the root. */
  name: string;
  language: 'python' | 'node';
  framework: ServiceFramework;
  /** Where the application object is created or the server started (`FastAPI(`, `express()`, `manage.py`). */
  entry: Location;
}

const PY_APPS: { framework: ServiceFramework; qualified: RegExp }[] = [
  { framework: 'fastapi', qualified: /^fastapi\.(?:applications\.)?FastAPI$/ },
  { framework: 'flask', qualified: /^flask\.(?:app\.)?Flask$/ },
  { framework: 'quart', qualified: /^quart\.Quart$/ },
  { framework: 'starlette', qualified: /^starlette\.applications\.Starlette$/ },
  { framework: 'aiohttp', qualified: /^aiohttp\.web\.Application$|^aiohttp\.web_app\.Application$/ },
  { framework: 'sanic', qualified: /^sanic\.Sanic$/ },
  { framework: 'litestar', qualified: /^litestar\.Litestar$/ },
  { framework: 'django', qualified: /^django\.core\.(?:wsgi\.get_wsgi_application|asgi\.get_asgi_application)$/ },
];
const PY_LITERALS = ['FastAPI', 'Flask', 'Quart', 'Starlette', 'Application', 'Sanic', 'Litestar', 'get_wsgi_application', 'get_asgi_application'];

const JS_APPS: { framework: ServiceFramework; qualified: RegExp }[] = [
  { framework: 'express', qualified: /^express$/ },
  { framework: 'fastify', qualified: /^fastify(?:\.fastify|\.default)?$/ },
  { framework: 'nestjs', qualified: /^@nestjs\/core\.NestFactory\.create$/ },
  { framework: 'hono', qualified: /^hono\.Hono$/ },
  { framework: 'koa', qualified: /^koa$/ },
  { framework: 'node-http', qualified: /^(?:node:)?https?\.createServer$/ },
];
const JS_LITERALS = ['express', 'fastify', 'NestFactory', 'Hono', 'koa', 'createServer'];

const PY_MANIFEST = /(^|\/)(requirements[^/]*\.txt|pyproject\.toml|Pipfile|setup\.py|setup\.cfg)$/;
const JS_MANIFEST = /(^|\/)package\.json$/;
/** Entry files preferred as the anchor when a service creates its app in several places. */
const ENTRY_NAME = /^(main|app|server|index|wsgi|asgi|manage|application)\.[a-z]+$/;

/** Every service of the repository, sorted by root. Test code and fixtures never count. */
export function findServices(index: RepoIndex, files: ParsedFiles): ServiceUnit[] {
  const pyRoots = files.all.filter((f) => PY_MANIFEST.test(f.path) && !f.isTest).map((f) => dirOf(f.path));
  const jsRoots = files.all.filter((f) => JS_MANIFEST.test(f.path) && !f.isTest).map((f) => dirOf(f.path));
  const candidates: { root: string; language: 'python' | 'node'; framework: ServiceFramework; file: ParsedFile; entry: Location }[] = [];

  for (const file of files.ofKind('python', { containing: PY_LITERALS, includeTests: false })) {
    if (!file.ast) continue;
    for (const call of findPyCalls(file.ast, /^[\w.]*(FastAPI|Flask|Quart|Starlette|Application|Sanic|Litestar|get_wsgi_application|get_asgi_application)$/)) {
      const qualified = pyQualifiedName(file.ast, call.callee);
      const app = PY_APPS.find((a) => a.qualified.test(qualified));
      if (app) candidates.push({ root: nearestRoot(file.path, pyRoots), language: 'python', framework: app.framework, file, entry: file.locate(call.node) });
    }
  }
  for (const file of files.ofKind('python', { containing: ['execute_from_command_line'], includeTests: false })) {
    if (baseName(file.path) !== 'manage.py') continue;
    const line = file.text.split('\n').findIndex((l) => l.includes('execute_from_command_line')) + 1;
    candidates.push({ root: nearestRoot(file.path, pyRoots), language: 'python', framework: 'django', file, entry: file.locateLines(Math.max(1, line)) });
  }
  for (const file of files.ofKind('js', { containing: JS_LITERALS, includeTests: false })) {
    if (!file.ast) continue;
    // Only callees headed by a name imported from a server package (whatever it is called locally).
    const heads = [...jsModuleInfo(file).imports].filter(([, imp]) => /^(express|fastify|@nestjs\/core|hono|koa|(node:)?https?)$/.test(imp.source)).map(([local]) => local.replace(/[^\w$]/g, '').replace(/\$/g, '\\$'));
    if (!heads.length) continue;
    const filter = new RegExp(`^(${heads.join('|')})(\\.|$)`);
    for (const node of [...findCallsByCallee(file.ast, 'call_expression', filter), ...findAllIn(file.ast, { kind: 'new_expression', has: { field: 'constructor', regex: filter.source } })]) {
      const callee = calleeText(node);
      if (!callee) continue;
      const qualified = jsQualifiedName(file, callee);
      const app = JS_APPS.find((a) => a.qualified.test(qualified));
      if (app) candidates.push({ root: nearestRoot(file.path, jsRoots), language: 'node', framework: app.framework, file, entry: file.locate(node) });
    }
  }
  // Next.js: the package that depends on `next` (or holds next.config.*), anchored on its config or package.json.
  const nextRoots = new Set<string>();
  for (const dep of index.dependencies) if (dep.ecosystem === 'npm' && dep.name === 'next' && !dep.dev) nextRoots.add(dirOf(dep.manifest));
  for (const file of files.all) if (/(^|\/)next\.config\.[cm]?[jt]s$/.test(file.path)) nextRoots.add(dirOf(file.path));
  for (const root of nextRoots) {
    const config = files.all.find((f) => f.path === `${root ? `${root}/` : ''}next.config.js` || /(^|\/)next\.config\.[cm]?[jt]s$/.test(f.path) && dirOf(f.path) === root);
    const manifest = files.get(root ? `${root}/package.json` : 'package.json');
    const anchor = config ?? manifest;
    if (anchor) candidates.push({ root, language: 'node', framework: 'nextjs', file: anchor, entry: { file: anchor.path, startLine: 1, endLine: 1, snippet: anchor.line(1).trim() } });
  }

  // A web framework was detected but no app creation found (an unusual factory, generated code): one service at the root.
  if (!candidates.length) {
    const web = index.frameworks.find((f) => ['fastapi', 'flask', 'django', 'starlette', 'aiohttp', 'express', 'nextjs'].includes(f.name));
    const anchor = web ? files.get(web.evidence.file) : undefined;
    if (web && anchor)
      candidates.push({ root: '', language: anchor.kind === 'python' || anchor.kind === 'requirements' || anchor.kind === 'toml' ? 'python' : 'node', framework: web.name as ServiceFramework, file: anchor, entry: web.evidence });
  }
  const byKey = new Map<string, (typeof candidates)[number][]>();
  for (const c of candidates) {
    const key = `${c.root}\0${c.language}`;
    byKey.set(key, [...(byKey.get(key) ?? []), c]);
  }
  const out: ServiceUnit[] = [];
  for (const group of byKey.values()) {
    // A Next.js app with a custom server is still the Next.js service; otherwise the first app created in an entry-named file.
    const chosen = [...group].sort((a, b) => rank(a) - rank(b) || (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : (a.entry.startLine ?? 0) - (b.entry.startLine ?? 0)))[0];
    out.push({ root: chosen.root, name: chosen.root ? baseName(chosen.root) : (manifestName(files, chosen.language) ?? (baseName(index.root) || 'repository')), language: chosen.language, framework: chosen.framework, entry: chosen.entry });
  }
  return out.sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : a.language < b.language ? -1 : 1));
}

/** The project name the root manifest declares (package.json `name`, pyproject `[project].name` / `[tool.poetry].name`). */
function manifestName(files: ParsedFiles, language: 'python' | 'node'): string | undefined {
  if (language === 'node') {
    const name = (files.get('package.json')?.json as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && name ? name : undefined;
  }
  const toml = files.get('pyproject.toml')?.toml as { project?: { name?: unknown }; tool?: { poetry?: { name?: unknown } } } | undefined;
  const name = toml?.project?.name ?? toml?.tool?.poetry?.name;
  return typeof name === 'string' && name ? name : undefined;
}

function rank(c: { framework: ServiceFramework; file: ParsedFile }): number {
  if (c.framework === 'nextjs') return 0;
  return ENTRY_NAME.test(baseName(c.file.path)) ? 1 : 2;
}

function calleeText(node: SyntaxNode): string | undefined {
  if (node.kind() === 'new_expression') return node.field('constructor')?.text();
  return describeJsCall(node)?.callee;
}

/** The deepest folder among `roots` that holds `path`; '' when none does. */
function nearestRoot(path: string, roots: string[]): string {
  let best = '';
  let found = false;
  for (const root of roots) {
    if (!isWithin(path, root)) continue;
    if (!found || root.length > best.length) {
      best = root;
      found = true;
    }
  }
  return best;
}

/** The service a file belongs to: the one with the deepest root holding it (undefined when none does). */
export function serviceOf(path: string, services: ServiceUnit[], language?: 'python' | 'node'): ServiceUnit | undefined {
  let best: ServiceUnit | undefined;
  for (const s of services) {
    if (language && s.language !== language) continue;
    if (!isWithin(path, s.root)) continue;
    if (!best || s.root.length > best.root.length) best = s;
  }
  return best;
}
