import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Guard, GuardLevel, Route, RouteHandler } from '../../model/repo-index.ts';
import { describeJsCall, isAsyncJsFunction, isJsFunction, jsStringValue } from '../../parse/js-syntax.ts';
import { normalisePath } from './fastapi.ts';
import { isAuthGuardName } from './guard-names.ts';
import {
  findLocalDeclaration,
  functionOfBinding,
  importOf,
  jsModuleInfo,
  requireSource,
  resolveJsExport,
  resolveJsModule,
  resolveJsReference,
  unwrapJsExpression,
} from './js-modules.ts';
import { inlineAuthChecks, shortText } from './nextjs.ts';

const ROUTE_METHODS: Record<string, string> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  del: 'DELETE',
  options: 'OPTIONS',
  head: 'HEAD',
  all: 'ANY',
};
const CALL_MARKERS = [...Object.keys(ROUTE_METHODS), 'use', 'route'].map((m) => `.${m}(`);
/** `x.get(…)`, `x.use(…)`, `x.route(…)` calls, filtered by the parser so the JS side sees only candidates. */
const REGISTRATION_CALL = {
  kind: 'call_expression',
  has: { field: 'function', kind: 'member_expression', has: { field: 'property', regex: `^(${[...Object.keys(ROUTE_METHODS), 'use', 'route'].join('|')})$` } },
};
const OWNER_DECLARATOR = { kind: 'variable_declarator', has: { field: 'value', regex: '(express|Router)' } };
/** Middleware whose names read as auth but that only set up sessions, limits, parsing or logging. */
const NON_AUTH_MIDDLEWARE = /(rate_?limit|limiter|throttl|slowdown|cors|helmet|morgan|logger|multer|upload|csrf|csurf|compression|parser|static|swagger)/i;
const NON_AUTH_BARE = /^(session|cookieSession|expressSession|initialize|sessionMiddleware|sessionStore)$/i;
/** Names of routers we could not resolve: never count them as guards (`authRouter`). */
const ROUTER_NAME = /(router|routes|routing|controller|api)$/i;
/** Parameter names that hold an app or router passed to a route-registering function. */
const OWNER_PARAM = /^(app|application|router|apiRouter|routes|expressApp)$/i;

interface Owner {
  key: string;
  file: ParsedFile;
  name: string;
  kind: 'app' | 'router';
  /** Program or function node the owner is declared in. */
  scope: SyntaxNode;
  /** For an app/router received as a function parameter: the function and the parameter index. */
  param?: { fn: SyntaxNode; index: number };
  uses: UseGuard[];
}
interface Position {
  file: string;
  index: number;
}
interface UseGuard {
  /** Path segments the `use` is scoped to ([] for all paths). */
  segments: string[];
  guard: Guard;
  pos: Position;
  /** Paths excluded with express-unless: `jwt({…}).unless({ path: ['/login'] })`. */
  unless: (string | RegExp)[];
}
interface Mount {
  parent: string;
  prefix: string;
  guards: Guard[];
  pos: Position;
}
interface RawRoute {
  owner: string;
  method: string;
  path: string;
  at: Location;
  handler: RouteHandler;
  guards: Guard[];
  pos: Position;
}

interface Graph {
  files: ParsedFiles;
  owners: Map<string, Owner>;
  byFile: Map<string, Owner[]>;
  mounts: Map<string, Mount[]>;
  raw: RawRoute[];
}

/**
 * Express routes with full paths and the guards that apply: middleware arguments (route),
 * `router.use(auth)` before the route (router), `app.use(auth)` before the mount or route (app),
 * and guards passed with a mount (`app.use('/api', requireAuth, apiRouter)`). Express runs
 * middleware in registration order, so only `use` calls made before a route count for it.
 */
export function extractExpressRoutes(files: ParsedFiles): Route[] {
  const graph: Graph = { files, owners: new Map(), byFile: new Map(), mounts: new Map(), raw: [] };
  const candidates = files.ofKind('js', { containing: CALL_MARKERS, includeTests: false });

  for (const file of files.ofKind('js', { containing: ['express'], includeTests: false })) safely(() => collectDeclaredOwners(graph, file));
  for (const file of candidates) safely(() => collectParameterOwners(graph, file));
  const paramOwners = [...graph.owners.values()].filter((o) => o.param);
  if (paramOwners.length) for (const file of candidates) safely(() => collectParameterMounts(graph, file, paramOwners));
  for (const file of candidates) safely(() => collectRegistrations(graph, file));

  const routes: Route[] = [];
  for (const r of graph.raw) {
    let chains: { prefix: string; guards: Guard[] }[] = [{ prefix: '', guards: [] }];
    safely(() => (chains = mountChains(graph, r.owner, r.path, r.pos, 0, new Set())));
    for (const chain of chains) {
      routes.push({
        framework: 'express',
        method: r.method,
        path: normalisePath(chain.prefix + r.path),
        at: r.at,
        handler: r.handler,
        guards: dedupeGuards([...r.guards, ...chain.guards]),
        inputs: [],
      });
    }
  }
  return routes;
}

function safely(work: () => void): void {
  try {
    work();
  } catch {
    // a file we cannot follow is skipped; the others still count
  }
}

// ---------------------------------------------------------------- owners

function addOwner(graph: Graph, owner: Omit<Owner, 'key' | 'uses'>): Owner {
  const key = `${owner.file.path}#${owner.name}@${owner.scope.range().start.index}`;
  const existing = graph.owners.get(key);
  if (existing) return existing;
  const full: Owner = { ...owner, key, uses: [] };
  graph.owners.set(key, full);
  const list = graph.byFile.get(owner.file.path) ?? [];
  list.push(full);
  graph.byFile.set(owner.file.path, list);
  return full;
}

/** Local names bound to the express package: `express` (callable, has `.Router`) and `Router`. */
function expressBindings(file: ParsedFile): { express: Set<string>; router: Set<string> } {
  const express = new Set<string>();
  const router = new Set<string>();
  for (const [local, imported] of jsModuleInfo(file).imports) {
    if (imported.source !== 'express') continue;
    if (imported.name === 'default' || imported.name === '*') express.add(local);
    else if (imported.name === 'Router') router.add(local);
  }
  return { express, router };
}

function ownerKindOfValue(value: SyntaxNode, names: { express: Set<string>; router: Set<string> }): 'app' | 'router' | undefined {
  const node = unwrapJsExpression(value);
  if (node.kind() !== 'call_expression') return undefined;
  const fn = unwrapJsExpression(node.field('function') ?? node);
  if (fn.kind() === 'identifier') {
    if (names.express.has(fn.text())) return 'app';
    if (names.router.has(fn.text())) return 'router';
    return undefined;
  }
  if (fn.kind() === 'call_expression' && requireSource(fn) === 'express') return 'app';
  if (fn.kind() === 'member_expression' && fn.field('property')?.text() === 'Router') {
    const object = fn.field('object');
    if (object && (names.express.has(object.text()) || requireSource(object) === 'express')) return 'router';
  }
  return undefined;
}

function scopeOf(node: SyntaxNode, file: ParsedFile): SyntaxNode {
  for (let current = node.parent(); current; current = current.parent()) if (isJsFunction(current)) return current;
  return file.ast!;
}

/** `const app = express()`, `const router = express.Router()` / `Router()`, `export const router = Router()`. */
function collectDeclaredOwners(graph: Graph, file: ParsedFile): void {
  if (!file.ast) return;
  const names = expressBindings(file);
  for (const declarator of file.findAll(OWNER_DECLARATOR)) {
    const id = declarator.field('name');
    const value = declarator.field('value');
    if (id?.kind() !== 'identifier' || !value) continue;
    const kind = ownerKindOfValue(value, names);
    if (kind) addOwner(graph, { file, name: id.text(), kind, scope: scopeOf(declarator, file) });
  }
}

function parameterNames(fn: SyntaxNode): string[] {
  const params = fn.field('parameters') ?? fn.children().find((c) => c.kind() === 'formal_parameters');
  if (!params) {
    const single = fn.field('parameter'); // `app => …`
    return single ? [single.text()] : [];
  }
  return params
    .children()
    .filter((c) => c.isNamed() && c.kind() !== 'comment')
    .map((p) => {
      if (p.kind() === 'identifier') return p.text();
      const pattern = p.field('pattern') ?? p.children().find((c) => c.kind() === 'identifier');
      return pattern?.kind() === 'identifier' ? pattern.text() : '';
    });
}

/** `module.exports = (app) => { app.get(…) }`: the parameter is an owner, mounted where the function is called with one. */
function collectParameterOwners(graph: Graph, file: ParsedFile): void {
  for (const call of registrationCalls(file)) {
    const fn = call.field('function');
    if (fn?.kind() !== 'member_expression') continue;
    const property = fn.field('property')?.text() ?? '';
    if (!(property in ROUTE_METHODS) && property !== 'use' && property !== 'route') continue;
    const object = fn.field('object');
    if (object?.kind() !== 'identifier' || !OWNER_PARAM.test(object.text())) continue;
    if (ownerInScope(graph, file, object.text(), call)) continue;
    for (let current = call.parent(); current; current = current.parent()) {
      if (!isJsFunction(current)) continue;
      const index = parameterNames(current).indexOf(object.text());
      if (index < 0) continue;
      if (property !== 'use' && property !== 'route' && !looksLikeRouteCall(call)) break;
      addOwner(graph, { file, name: object.text(), kind: /app|server|express/i.test(object.text()) ? 'app' : 'router', scope: current, param: { fn: current, index } });
      break;
    }
  }
}

/** `x.get('/path', …, handler)` with a literal path and a handler-like last argument (not `{ params }` or a body literal). */
function looksLikeRouteCall(call: SyntaxNode): boolean {
  const args = callArgs(call);
  if (args.length < 2 || pathValues(args[0]) === undefined) return false;
  const last = args[args.length - 1];
  return isJsFunction(last) || ['identifier', 'member_expression', 'call_expression'].includes(String(last.kind()));
}

/** `registerRoutes(app)`, `require('./routes')(app)`: mount the function's parameter owner on the argument. */
function collectParameterMounts(graph: Graph, file: ParsedFile, paramOwners: Owner[]): void {
  // names in this file that may stand for an owner: local owners and imports
  const names = [...new Set([...(graph.byFile.get(file.path) ?? []).map((o) => o.name), ...jsModuleInfo(file).imports.keys()])].filter((n) => /^[\w$]+$/.test(n));
  if (!names.length) return;
  const rule = { kind: 'call_expression', has: { field: 'arguments', has: { kind: 'identifier', regex: `^(${names.map((n) => n.replace(/\$/g, '\\$')).join('|')})$` } } };
  for (const call of file.findAll(rule)) {
    const args = callArgs(call);
    if (!args.length || args.length > 6) continue;
    const callee = call.field('function');
    if (!callee || callee.kind() === 'member_expression' && (callee.field('property')?.text() ?? '') in ROUTE_METHODS) continue;
    const argOwners = args.map((a) => (a.kind() === 'identifier' || a.kind() === 'member_expression' ? resolveOwnerRef(graph, file, a, false) : undefined));
    if (!argOwners.some(Boolean)) continue;
    const fn = resolveCalledFunction(graph, file, callee);
    if (!fn) continue;
    for (const owner of paramOwners) {
      if (owner.file.path !== fn.file.path || owner.param!.fn.range().start.index !== fn.node.range().start.index) continue;
      const parent = argOwners[owner.param!.index];
      if (parent && parent !== owner.key) addMount(graph, owner.key, { parent, prefix: '', guards: [], pos: positionOf(file, call) });
    }
  }
}

function resolveCalledFunction(graph: Graph, file: ParsedFile, callee: SyntaxNode): { file: ParsedFile; node: SyntaxNode } | undefined {
  const source = requireSource(callee);
  if (source) {
    const target = resolveJsModule(graph.files, file.path, source);
    const found = target ? resolveJsExport(graph.files, target, 'default') : undefined;
    if (!found) return undefined;
    if (found.localName) {
      const fn = functionOfBinding(findLocalDeclaration(found.file, found.localName));
      return fn ? { file: found.file, node: fn } : undefined;
    }
    const node = unwrapJsExpression(found.node);
    return isJsFunction(node) ? { file: found.file, node } : undefined;
  }
  const binding = resolveJsReference(graph.files, file, callee);
  const fn = functionOfBinding(binding);
  return fn && binding ? { file: binding.file, node: fn } : undefined;
}

function ownerInScope(graph: Graph, file: ParsedFile, name: string, at: SyntaxNode): Owner | undefined {
  const index = at.range().start.index;
  let best: Owner | undefined;
  for (const owner of graph.byFile.get(file.path) ?? []) {
    if (owner.name !== name) continue;
    const range = owner.scope.range();
    if (range.start.index > index || range.end.index < index) continue;
    if (!best || range.start.index > best.scope.range().start.index) best = owner;
  }
  return best;
}

function programOwner(graph: Graph, file: ParsedFile, name: string): Owner | undefined {
  return (graph.byFile.get(file.path) ?? []).find((o) => o.name === name && o.scope.kind() === 'program');
}

function ownerFromExport(graph: Graph, file: ParsedFile, exportName: string): string | undefined {
  const found = resolveJsExport(graph.files, file, exportName);
  if (!found?.localName) return undefined;
  return programOwner(graph, found.file, found.localName)?.key;
}

/**
 * The owner (app or router) an expression refers to: a local owner, an imported router
 * (`import agents from './routes/agents'`, `require('./routes/agents')`, `routes.agents`), or —
 * when `allowFactory` — the router a factory returns (`createAgentsRouter(deps)`).
 */
function resolveOwnerRef(graph: Graph, file: ParsedFile, ref: SyntaxNode, allowFactory: boolean, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  const node = unwrapJsExpression(ref);
  const kind = node.kind();
  if (kind === 'identifier') {
    const name = node.text();
    const local = ownerInScope(graph, file, name, node);
    if (local) return local.key;
    const imported = importOf(file, name, node);
    if (!imported) {
      const declaration = findLocalDeclaration(file, name, node);
      const value = declaration?.value ? unwrapJsExpression(declaration.value) : undefined;
      return value && (value.kind() === 'identifier' || value.kind() === 'member_expression' || value.kind() === 'call_expression')
        ? resolveOwnerRef(graph, file, value, allowFactory, depth + 1)
        : undefined;
    }
    if (imported.name === '*') return undefined;
    const target = resolveJsModule(graph.files, file.path, imported.source);
    return target ? ownerFromExport(graph, target, imported.name) : undefined;
  }
  if (kind === 'member_expression') {
    const object = unwrapJsExpression(node.field('object') ?? node);
    const property = node.field('property')?.text();
    if (!property) return undefined;
    let target: ParsedFile | undefined;
    const source = requireSource(object);
    if (source) target = resolveJsModule(graph.files, file.path, source);
    else if (object.kind() === 'identifier') {
      const imported = importOf(file, object.text(), object);
      if (imported && (imported.name === '*' || imported.name === 'default')) target = resolveJsModule(graph.files, file.path, imported.source);
    }
    return target ? ownerFromExport(graph, target, property) : undefined;
  }
  if (kind === 'call_expression') {
    const source = requireSource(node);
    if (source) {
      const target = resolveJsModule(graph.files, file.path, source);
      return target ? ownerFromExport(graph, target, 'default') : undefined;
    }
    if (!allowFactory) return undefined;
    const callee = node.field('function');
    const fn = callee ? resolveCalledFunction(graph, file, callee) : undefined;
    return fn ? ownerReturnedBy(graph, fn.file, fn.node) : undefined;
  }
  return undefined;
}

/** The router a factory function creates and returns. */
function ownerReturnedBy(graph: Graph, file: ParsedFile, fn: SyntaxNode): string | undefined {
  const start = fn.range().start.index;
  const inside = (graph.byFile.get(file.path) ?? []).filter((o) => !o.param && o.scope.range().start.index === start);
  if (!inside.length) return undefined;
  const returned = fn.findAll({ rule: { kind: 'return_statement' } }).map((r) => r.text().replace(/^return\s+/, '').replace(/;$/, '').trim());
  return (inside.find((o) => returned.includes(o.name)) ?? (inside.length === 1 ? inside[0] : undefined))?.key;
}

function addMount(graph: Graph, child: string, mount: Mount): void {
  const list = graph.mounts.get(child) ?? [];
  list.push(mount);
  graph.mounts.set(child, list);
}

// ---------------------------------------------------------------- registrations

function collectRegistrations(graph: Graph, file: ParsedFile): void {
  const info = jsModuleInfo(file);
  const known = new Set([...(graph.byFile.get(file.path) ?? []).map((o) => o.name), ...info.imports.keys()]);
  for (const call of registrationCalls(file)) {
    try {
      const fn = call.field('function');
      if (fn?.kind() !== 'member_expression') continue;
      const property = fn.field('property')?.text() ?? '';
      const isMethod = property in ROUTE_METHODS;
      if (!isMethod && property !== 'use' && property !== 'route') continue;
      const object = fn.field('object');
      if (!object) continue;
      const head = /^[\w$]+/.exec(object.text())?.[0];
      if (object.kind() === 'call_expression' && !requireSource(object)) continue; // chains are followed from `.route()`
      if (!head || (!known.has(head) && head !== 'require')) continue;
      const owner = resolveOwnerRef(graph, file, object, false);
      if (!owner) continue;
      if (property === 'use') registerUse(graph, file, call, owner);
      else if (property === 'route') registerRouteChain(graph, file, call, owner);
      else registerRoute(graph, file, call, fn, owner, ROUTE_METHODS[property], []);
    } catch {
      // skip this call
    }
  }
}

const registrationCache = new WeakMap<ParsedFile, SyntaxNode[]>();
function registrationCalls(file: ParsedFile): SyntaxNode[] {
  let calls = registrationCache.get(file);
  if (!calls) {
    calls = file.findAll(REGISTRATION_CALL);
    registrationCache.set(file, calls);
  }
  return calls;
}

function callArgs(call: SyntaxNode): SyntaxNode[] {
  const described = describeJsCall(call);
  if (!described) return [];
  const out: SyntaxNode[] = [];
  for (const arg of described.args) {
    const node = unwrapJsExpression(arg);
    if (node.kind() === 'array' && out.length > 0) out.push(...node.children().filter((c) => c.isNamed() && c.kind() !== 'comment'));
    else out.push(node);
  }
  return out;
}

/** Route paths of a path argument: a string, a template, an array of them, a regex, or a named constant. */
function pathValues(node: SyntaxNode, file?: ParsedFile, allowNamed = false): string[] | undefined {
  const kind = node.kind();
  const literal = jsStringValue(node);
  if (literal !== undefined) return literal.startsWith('/') || literal === '*' ? [literal] : undefined;
  if (kind === 'template_string') {
    const text = node.text().slice(1, -1).replace(/\$\{\s*([^}]*?)\s*\}/g, (_, expr: string) => `{${expr}}`);
    return text.startsWith('/') || text.startsWith('{') ? [text] : undefined;
  }
  if (kind === 'regex') return [node.text()];
  if (kind === 'array') {
    const items = node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
    const values = items.flatMap((c) => pathValues(c, file, allowNamed) ?? []);
    return values.length ? values : undefined;
  }
  if ((kind === 'identifier' || kind === 'member_expression') && allowNamed) {
    if (file && kind === 'identifier') {
      const value = findLocalDeclaration(file, node.text(), node)?.value;
      const constant = value ? jsStringValue(value) : undefined;
      if (constant?.startsWith('/')) return [constant];
    }
    return [`{${node.text()}}`];
  }
  return undefined;
}

function positionOf(file: ParsedFile, node: SyntaxNode): Position {
  return { file: file.path, index: node.range().start.index };
}

function registerRoute(graph: Graph, file: ParsedFile, call: SyntaxNode, member: SyntaxNode, owner: string, method: string, chainGuards: Guard[], routePaths?: string[]): void {
  const args = callArgs(call);
  const rest = routePaths ? args : args.slice(1);
  if (!routePaths && args.length < 2) return;
  const paths = routePaths ?? pathValues(args[0], file, true);
  if (!paths || !rest.length) return;
  const property = member.field('property') ?? member;
  const ownerNode = graph.owners.get(owner);
  // `router.all('*', requireAuth)` / `app.all('/api/*', requireAuth)`: a guard for what is registered after it
  if (method === 'ANY' && !routePaths && ownerNode) {
    const onlyGuards = rest.map((a) => guardOf(file, a, ownerNode.kind === 'app' ? 'app' : 'router'));
    if (onlyGuards.every(Boolean)) {
      for (const path of paths) {
        const prefix = path.replace(/(\/?\*|\/?\(\.\*\)|\/:\w+[*+])$/, '');
        for (const guard of onlyGuards as Guard[]) ownerNode.uses.push({ segments: segmentsOf(prefix), guard, pos: positionOf(file, call), unless: [] });
      }
      return;
    }
  }
  const at = file.locateLines(property.range().start.line + 1, call.range().end.line + 1);
  const guards = [...chainGuards];
  for (const middleware of rest.slice(0, -1)) {
    const guard = guardOf(file, middleware, 'route');
    if (guard) guards.push(guard);
  }
  const handler = resolveHandler(graph, file, rest[rest.length - 1], at, guards, 0);
  if (handler.node) guards.push(...inlineAuthChecks(graph.files.get(handler.file) ?? file, handler.node));
  for (const path of paths) graph.raw.push({ owner, method, path, at, handler, guards, pos: positionOf(file, property) });
}

/** `app.route('/x').all(auth).get(h).post(v, h)`. */
function registerRouteChain(graph: Graph, file: ParsedFile, routeCall: SyntaxNode, owner: string): void {
  const args = callArgs(routeCall);
  const paths = args[0] ? pathValues(args[0], file, true) : undefined;
  if (!paths) return;
  const chainGuards: Guard[] = [];
  let current = routeCall;
  for (let i = 0; i < 12; i++) {
    const member = current.parent();
    if (member?.kind() !== 'member_expression') break;
    const call = member.parent();
    if (call?.kind() !== 'call_expression') break;
    const property = member.field('property')?.text() ?? '';
    const method = ROUTE_METHODS[property];
    if (method) {
      const linkArgs = callArgs(call);
      const linkGuards = linkArgs.map((a) => guardOf(file, a, 'route'));
      if (property === 'all' && linkArgs.length && linkGuards.every(Boolean)) chainGuards.push(...(linkGuards as Guard[]));
      else registerRoute(graph, file, call, member, owner, method, chainGuards, paths);
    }
    current = call;
  }
}

/** `x.use([path], ...middleware | routers)`. */
function registerUse(graph: Graph, file: ParsedFile, call: SyntaxNode, ownerKey: string): void {
  const owner = graph.owners.get(ownerKey);
  if (!owner) return;
  let args = callArgs(call);
  let prefix = '';
  const first = args[0] ? pathValues(args[0], file) : undefined;
  if (first && args.length > 1) {
    prefix = first[0];
    args = args.slice(1);
  }
  const level: GuardLevel = owner.kind === 'app' ? 'app' : 'router';
  const pos = positionOf(file, call);
  const before: Guard[] = [];
  for (const arg of args) {
    const child = resolveOwnerRef(graph, file, arg, true);
    if (child && child !== ownerKey) {
      addMount(graph, child, { parent: ownerKey, prefix, guards: [...before], pos });
      continue;
    }
    const guard = guardOf(file, arg, level);
    if (!guard) continue;
    before.push(guard);
    owner.uses.push({ segments: segmentsOf(prefix), guard, pos, unless: unlessPaths(arg) });
  }
}

// ---------------------------------------------------------------- guards and handlers

function guardOf(file: ParsedFile, node: SyntaxNode, level: GuardLevel): Guard | undefined {
  const value = unwrapJsExpression(node);
  if (isJsFunction(value)) {
    // inline middleware that checks the caller itself
    const inline = inlineAuthChecks(file, value)[0];
    if (inline) return { ...inline, level };
    if (/\b40[13]\b/.test(value.text()) && /req\.(user|session|auth|headers\.authorization|headers\[['"]authorization)/i.test(value.text()))
      return { name: shortText(value.text(), 60), level, at: file.locate(value) };
    return undefined;
  }
  if (!['identifier', 'member_expression', 'call_expression'].includes(String(value.kind()))) return undefined;
  const text = value.text();
  const callee = text.replace(/\(.*$/s, '');
  const bare = callee.split('.').pop() ?? callee;
  if (NON_AUTH_BARE.test(bare) || NON_AUTH_MIDDLEWARE.test(callee)) return undefined;
  if (value.kind() !== 'call_expression' && ROUTER_NAME.test(bare)) return undefined;
  if (/(authRequired|credentialsRequired)\s*:\s*false/.test(text)) return undefined;
  if (!isAuthGuardName(text)) return undefined;
  return { name: shortText(text), level, at: file.locate(value) };
}

function resolveHandler(graph: Graph, file: ParsedFile, node: SyntaxNode, at: Location, guards: Guard[], depth: number, name?: string): RouteHandler {
  const value = unwrapJsExpression(node);
  const unresolved = (label: string): RouteHandler => ({
    name: label,
    file: file.path,
    startLine: at.startLine ?? 1,
    endLine: at.endLine ?? at.startLine ?? 1,
    isAsync: false,
  });
  const fromFunction = (fnFile: ParsedFile, fn: SyntaxNode, label: string): RouteHandler => ({
    name: label,
    file: fnFile.path,
    startLine: fn.range().start.line + 1,
    endLine: fn.range().end.line + 1,
    isAsync: isAsyncJsFunction(fn),
    node: fn,
  });
  if (depth > 5) return unresolved(name ?? shortText(value.text(), 60));
  if (isJsFunction(value)) return fromFunction(file, value, name ?? value.field('name')?.text() ?? '<anonymous>');
  const kind = value.kind();
  if (kind === 'identifier' || kind === 'member_expression') {
    const label = name ?? (kind === 'identifier' ? value.text() : shortText(value.text(), 60));
    const binding = resolveJsReference(graph.files, file, value);
    const fn = functionOfBinding(binding);
    if (fn && binding) return fromFunction(binding.file, fn, label);
    // const createAgent = asyncHandler(async (req, res) => …)
    const bound = binding?.value ? unwrapJsExpression(binding.value) : undefined;
    if (binding && bound?.kind() === 'call_expression') {
      const inner = resolveHandler(graph, binding.file, bound, at, guards, depth + 1, label);
      if (inner.node) return inner;
    }
    return unresolved(label);
  }
  if (kind === 'call_expression') {
    const described = describeJsCall(value);
    if (!described) return unresolved(name ?? shortText(value.text(), 60));
    const calleeNode = value.field('function');
    // controller.create.bind(controller)
    if (calleeNode?.kind() === 'member_expression' && calleeNode.field('property')?.text() === 'bind') {
      const target = calleeNode.field('object');
      if (target) return resolveHandler(graph, file, target, at, guards, depth + 1, name);
    }
    const wrapperGuard = guardOf(file, calleeNode ?? value, 'route');
    if (wrapperGuard && described.args.length) guards.push({ ...wrapperGuard, name: shortText(`${described.callee}(…)`) });
    for (const arg of [...described.args].reverse()) {
      const argValue = unwrapJsExpression(arg);
      if (!isJsFunction(argValue) && !['identifier', 'member_expression', 'call_expression'].includes(String(argValue.kind()))) continue;
      const inner = resolveHandler(graph, file, argValue, at, guards, depth + 1, name);
      if (inner.node) return inner;
    }
    return unresolved(name ?? shortText(value.text(), 60));
  }
  return unresolved(name ?? shortText(value.text(), 60));
}

// ---------------------------------------------------------------- mount chains

function isBefore(a: Position, b: Position, owner: Owner): boolean {
  if (a.file === b.file) return a.index < b.index;
  // the declaring file runs before the files that import the owner
  return b.file !== owner.file.path;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter(Boolean);
}

function prefixCovers(want: string[], have: string[]): boolean {
  if (!want.length) return true;
  if (have.length < want.length) return false;
  return want.every((segment, i) => segment === have[i] || segment.startsWith(':') || segment === '*' || have[i].startsWith(':') || have[i].startsWith('{'));
}

/** A router mounted in many places gives one route per place; beyond this many, the rest add nothing new. */
const MAX_CHAINS = 32;

/** Every way an owner reaches the top: the joined mount prefix and the guards collected on the way. */
function mountChains(graph: Graph, ownerKey: string, relPath: string, pos: Position, depth: number, seen: Set<string>): { prefix: string; guards: Guard[] }[] {
  const owner = graph.owners.get(ownerKey);
  if (!owner) return [{ prefix: '', guards: [] }];
  const have = segmentsOf(relPath);
  const own = owner.uses
    .filter((u) => isBefore(u.pos, pos, owner) && prefixCovers(u.segments, have) && !isExcepted(u.unless, relPath))
    .map((u) => u.guard);
  const parents = graph.mounts.get(ownerKey) ?? [];
  if (!parents.length || depth > 8 || seen.has(ownerKey)) return [{ prefix: '', guards: own }];
  const next = new Set(seen).add(ownerKey);
  return parents
    .flatMap((mount) =>
      mountChains(graph, mount.parent, `${mount.prefix}/${relPath}`, mount.pos, depth + 1, next).map((up) => ({
        prefix: up.prefix + mount.prefix,
        guards: [...own, ...mount.guards, ...up.guards],
      })),
    )
    .slice(0, MAX_CHAINS);
}

/** The `path` option of an express-unless `.unless({ path: [...] })` call on a middleware. */
function unlessPaths(node: SyntaxNode): (string | RegExp)[] {
  const text = node.text();
  const at = text.indexOf('.unless(');
  if (at < 0) return [];
  const out: (string | RegExp)[] = [];
  for (const literal of node.findAll({ rule: { any: [{ kind: 'string' }, { kind: 'regex' }] } })) {
    if (literal.range().start.index - node.range().start.index < at) continue;
    if (literal.kind() === 'regex') {
      try {
        out.push(new RegExp(literal.field('pattern')?.text() ?? literal.text().slice(1, -1)));
      } catch {
        // unreadable regex: ignore
      }
    } else {
      const value = jsStringValue(literal);
      if (value?.startsWith('/')) out.push(value);
    }
  }
  return out;
}

function isExcepted(unless: (string | RegExp)[], path: string): boolean {
  if (!unless.length) return false;
  const full = normalisePath(path);
  return unless.some((p) => (typeof p === 'string' ? normalisePath(p) === full : p.test(full)));
}

function dedupeGuards(guards: Guard[]): Guard[] {
  const seen = new Set<string>();
  return guards.filter((g) => {
    const key = `${g.level}|${g.name}|${g.at.file}:${g.at.startLine}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
