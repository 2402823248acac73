import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Guard, RequestInput, Route } from '../../model/repo-index.ts';
import {
  describePyCall,
  enclosingPyFunction,
  evaluatePyExpression,
  isAsyncPyFunction,
  pyBaseClasses,
  pyDecorators,
  pyDefinitions,
  pyFunctionName,
  pyImports,
  pyModuleAssignments,
  pyParameters,
  pyStringValue,
  type PyValue,
} from '../../parse/python-syntax.ts';
import { normalisePath } from './fastapi.ts';
import { isAuthGuardName } from './guard-names.ts';
import { cachedPyModuleLoader } from './python-modules.ts';
import { pyRequestReads } from './python-request-inputs.ts';
import { resolveLists } from './starlette.ts';

type Loader = ReturnType<typeof cachedPyModuleLoader>;

/** `router.add_get(...)` and friends → method; `add_route` and `add_view` take theirs from the call / the view class. */
const ADD_METHODS: Record<string, string> = {
  add_get: 'GET',
  add_post: 'POST',
  add_put: 'PUT',
  add_patch: 'PATCH',
  add_delete: 'DELETE',
  add_head: 'HEAD',
  add_options: 'OPTIONS',
  add_route: '',
  add_view: '*',
};
/** `web.get('/x', h)` route definitions and `@routes.get('/x')` table decorators. */
const DEF_METHODS: Record<string, string> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  head: 'HEAD',
  options: 'OPTIONS',
  route: '',
  view: '*',
};
const VIEW_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** What a middleware or handler does when it turns a caller away. */
const REJECTS_CALLER =
  /(HTTPUnauthorized|HTTPForbidden|status\s*=\s*40[13]\b|check_authorized|check_permission|jwt\.decode|compare_digest|verify_token|verify_jwt|WWW-Authenticate|HTTP(Found|SeeOther|TemporaryRedirect)\([^)]*login)/i;
/** Middleware that reads as auth by name but authenticates nobody. */
const NOT_AUTH_MIDDLEWARE = /(session|cors|error|csrf|normali[sz]e|static|trailing|compress|gzip|logging|timing)/i;

interface Owner {
  key: string;
  kind: 'app' | 'table';
  guards: Guard[];
}
interface Edge {
  parent: string;
  prefix: string;
}
interface RawRoute {
  owners: string[];
  method: string;
  path: string;
  at: Location;
  file: ParsedFile;
  handler: PyValue<ParsedFile> | undefined;
}

const APP_CTOR = { kind: 'assignment', has: { field: 'right', kind: 'call', has: { field: 'function', regex: '(^|\\.)(Application|RouteTableDef)$' } } };
const REGISTRATION = {
  kind: 'call',
  has: { field: 'function', kind: 'attribute', has: { field: 'attribute', regex: '^(add_(get|post|put|patch|delete|head|options|route|view|routes|subapp)|append)$' } },
};
const DECORATED = { any: [{ kind: 'function_definition' }, { kind: 'class_definition' }], inside: { kind: 'decorated_definition' } };

/**
 * aiohttp routes: `app.router.add_get(...)`, `app.add_routes([web.get(...)])`, `web.RouteTableDef`
 * decorators, class-based `web.View`s (one route per method), sub-apps with their prefixes, and
 * the guards of auth middlewares (app level) and `check_authorized`-style checks (route level).
 */
export function extractAiohttpRoutes(files: ParsedFiles): Route[] {
  const pyFiles = files.ofKind('python', {
    containing: ['aiohttp', 'add_get', 'add_post', 'add_put', 'add_patch', 'add_delete', 'add_route', 'add_routes', 'add_view', 'RouteTableDef', 'add_subapp'],
  });
  const load = cachedPyModuleLoader(files);
  const owners = new Map<string, Owner>();
  const edges = new Map<string, Edge[]>();
  const raw: RawRoute[] = [];
  const listOwners = new Map<string, SyntaxNode>();

  // 1. Applications and route tables, wherever they are built.
  for (const file of pyFiles) {
    if (!file.ast) continue;
    for (const assign of file.findAll(APP_CTOR)) {
      try {
        const target = assign.field('left');
        const call = describePyCall(assign.field('right')!);
        if (!target || target.kind() !== 'identifier' || !call) continue;
        const ctor = call.callee.split('.').pop();
        if (ctor === 'Application' && !isAiohttpName(file, call.callee)) continue;
        const k = scopedKey(file, assign, target.text());
        const guards = ctor === 'Application' ? middlewareGuards(file, call.keywords.get('middlewares'), load) : [];
        owners.set(k, { key: k, kind: ctor === 'Application' ? 'app' : 'table', guards });
      } catch {
        // one odd assignment costs only itself
      }
    }
    // `routes = [web.get(...), ...]` lists at module level, added later by name.
    try {
      for (const [name, assigns] of pyModuleAssignments(file.ast)) {
        const right = assigns[assigns.length - 1].field('right');
        if (right?.kind() === 'list' && right.children().some((c) => isRouteDefCall(file, c))) {
          const k = `${file.path}#-1#${name}`;
          if (!owners.has(k)) owners.set(k, { key: k, kind: 'table', guards: [] });
          listOwners.set(k, right);
        }
      }
    } catch {
      // as above
    }
  }

  // 2. Registrations, sub-apps and added middlewares.
  for (const file of pyFiles) {
    try {
      for (const node of file.findAll(REGISTRATION)) {
        const call = describePyCall(node);
        if (!call) continue;
        const parts = call.callee.split('.');
        const method = parts.pop()!;
        if (method === 'append') {
          // app.middlewares.append(auth_middleware)
          if (parts.pop() !== 'middlewares' || !call.args[0]) continue;
          for (const k of ownersOf(files, file, node, parts.join('.'), owners, load))
            owners.get(k)?.guards.push(...middlewareGuards(file, call.args[0], load, true));
          continue;
        }
        if (parts[parts.length - 1] === 'router') parts.pop();
        const receiver = parts.join('.');
        if (!receiver) continue;
        const targets = ownersOf(files, file, node, receiver, owners, load);
        if (method === 'add_subapp') {
          const prefix = pyStringValue(call.args[0] ?? call.keywords.get('prefix')) ?? '';
          const sub = call.args[1] ?? call.keywords.get('subapp');
          for (const child of sub ? subAppOwners(files, file, node, sub, owners, load) : [])
            for (const parent of targets) pushEdge(edges, child, { parent, prefix });
          continue;
        }
        if (method === 'add_routes') {
          const list = call.args[0] ?? call.keywords.get('routes');
          if (!list) continue;
          if (list.kind() === 'list') {
            for (const item of list.children()) raw.push(...routeDefinitions(file, item, targets, load));
          } else {
            const tables = /^[\w.]+$/.test(list.text()) ? ownersOf(files, file, node, list.text(), owners, load).filter((k) => owners.get(k)?.kind === 'table') : [];
            for (const table of tables) for (const parent of targets) pushEdge(edges, table, { parent, prefix: '' });
            // A list built in the function itself: `routes = [web.get(...)]; app.add_routes(routes)`.
            if (!tables.length)
              for (const resolved of resolveLists(file, list, node, load))
                for (const item of resolved.list.children()) raw.push(...routeDefinitions(resolved.file, item, targets, load));
          }
          continue;
        }
        if (method === 'add_route' && !targets.length && /^\w+$/.test(receiver)) {
          // `resource = app.router.add_resource("/x")` (often wrapped in aiohttp_cors's `cors.add(...)`), then `resource.add_route("GET", h)`.
          const resource = resourceOf(files, file, node, receiver, owners, load);
          const handlerNode = call.args[1] ?? call.keywords.get('handler');
          const verb = (pyStringValue(call.args[0] ?? call.keywords.get('method')) ?? '').toUpperCase();
          if (resource && handlerNode && verb)
            raw.push({
              owners: resource.owners.length ? resource.owners : ['?'],
              method: verb,
              path: resource.path,
              at: file.locate(node),
              file,
              handler: evaluatePyExpression(handlerNode, { file, fn: enclosingPyFunction(node) }, load),
            });
          continue;
        }
        if (!targets.length && !isAiohttpRouterCall(call.callee)) continue;
        const declared = ADD_METHODS[method];
        if (declared === undefined) continue;
        const args = declared === '' ? call.args.slice(1) : call.args;
        const verb = declared === '' ? (pyStringValue(call.args[0] ?? call.keywords.get('method')) ?? '').toUpperCase() : declared;
        const path = pyStringValue(args[0] ?? call.keywords.get('path'));
        const handlerNode = args[1] ?? call.keywords.get('handler');
        if (path === undefined || !handlerNode || !verb) continue;
        raw.push({
          owners: targets.length ? targets : ['?'],
          method: verb,
          path,
          at: file.locate(node),
          file,
          handler: evaluatePyExpression(handlerNode, { file, fn: enclosingPyFunction(node) }, load),
        });
      }
      // `@routes.get('/x')` on functions and `@routes.view('/x')` on classes.
      for (const def of file.findAll(DECORATED)) {
        for (const decorator of pyDecorators(def)) {
          const call = describePyCall(decorator);
          if (!call) continue;
          const dot = call.callee.lastIndexOf('.');
          if (dot <= 0) continue;
          const declared = DEF_METHODS[call.callee.slice(dot + 1)];
          if (declared === undefined) continue;
          const tables = ownersOf(files, file, decorator, call.callee.slice(0, dot), owners, load).filter((k) => owners.get(k)?.kind === 'table');
          if (!tables.length) continue;
          const args = declared === '' ? call.args.slice(1) : call.args;
          const verb = declared === '' ? (pyStringValue(call.args[0]) ?? '').toUpperCase() : declared;
          const path = pyStringValue(args[0] ?? call.keywords.get('path'));
          if (path === undefined || !verb) continue;
          const handler: PyValue<ParsedFile> =
            def.kind() === 'class_definition' ? { kind: 'class', file, cls: def } : { kind: 'function', file, fn: def };
          raw.push({ owners: tables, method: verb, path, at: file.locateLines(decorator.range().start.line + 1, def.range().start.line + 1), file, handler });
        }
      }
    } catch {
      // one odd file never loses the routes of the others
    }
  }

  // 3. Module-level route lists (`routes = [web.get(...)]`) are their own tables.
  for (const [k, list] of listOwners) {
    const file = files.get(k.split('#')[0]);
    if (!file) continue;
    try {
      for (const item of list.children()) raw.push(...routeDefinitions(file, item, [k], load));
    } catch {
      // as above
    }
  }

  // Tables and routes no app visibly takes belong to the one application, when there is exactly one.
  const rootApps = [...owners.values()].filter((o) => o.kind === 'app' && !edges.has(o.key));
  const fallback = rootApps.length === 1 ? rootApps[0].key : undefined;

  const routes: Route[] = [];
  const seen = new Set<string>();
  for (const r of raw) {
    try {
      for (const ownerKey of r.owners) {
        for (const chain of chainsOf(ownerKey, owners, edges, fallback)) {
          for (const endpoint of endpointsOf(r, load)) {
            const path = normalisePath(chain.prefix + r.path);
            const id = `${endpoint.method} ${path} ${r.at.file}:${r.at.startLine} ${endpoint.fn.range().start.index}`;
            if (seen.has(id)) continue;
            seen.add(id);
            routes.push(buildRoute(r, endpoint, path, chain.guards));
          }
        }
      }
    } catch {
      // one odd route never loses the others
    }
  }
  return routes;
}

function buildRoute(r: RawRoute, endpoint: { method: string; fn: SyntaxNode; file: ParsedFile; cls?: SyntaxNode }, path: string, chainGuards: Guard[]): Route {
  const { fn, file } = endpoint;
  return {
    framework: 'aiohttp',
    method: endpoint.method,
    path,
    at: r.at,
    handler: {
      name: endpoint.cls ? `${endpoint.cls.field('name')?.text() ?? '?'}.${pyFunctionName(fn)}` : pyFunctionName(fn),
      file: file.path,
      startLine: fn.range().start.line + 1,
      endLine: fn.range().end.line + 1,
      isAsync: isAsyncPyFunction(fn),
      node: fn,
    },
    guards: [...handlerGuards(file, fn, endpoint.cls), ...chainGuards],
    inputs: handlerInputs(r, path, file, fn, !!endpoint.cls),
  };
}

/** The functions a route runs: the handler, or one method per HTTP verb of a class-based view. */
function endpointsOf(r: RawRoute, load: Loader): { method: string; fn: SyntaxNode; file: ParsedFile; cls?: SyntaxNode }[] {
  const h = r.handler;
  if (h?.kind === 'function') return [{ method: r.method === '*' ? 'ANY' : r.method, fn: h.fn, file: h.file }];
  if (h?.kind !== 'class') return [];
  const out: { method: string; fn: SyntaxNode; file: ParsedFile; cls?: SyntaxNode }[] = [];
  const classes = [{ file: h.file, cls: h.cls }, ...safeBases(h.file, h.cls, load)];
  for (const verb of VIEW_METHODS) {
    if (r.method !== '*' && r.method !== verb.toUpperCase()) continue;
    for (const c of classes) {
      const fn = pyDefinitions(c.cls).get(verb);
      if (fn?.kind() === 'function_definition') {
        out.push({ method: verb.toUpperCase(), fn, file: c.file, cls: h.cls });
        break;
      }
    }
  }
  return out;
}

function safeBases(file: ParsedFile, cls: SyntaxNode, load: Loader): { file: ParsedFile; cls: SyntaxNode }[] {
  try {
    return pyBaseClasses(file, cls, load);
  } catch {
    return [];
  }
}

function handlerInputs(r: RawRoute, path: string, file: ParsedFile, fn: SyntaxNode, isMethod: boolean): RequestInput[] {
  const declared: RequestInput[] = [...path.matchAll(/\{(\w+)(?::((?:[^{}]|\{[^{}]*\})*))?\}/g)].map((m) => ({
    name: m[1],
    source: 'path' as const,
    ...(m[2] && /^\\d[+*]$|^\[0-9\][+*]$/.test(m[2]) ? { type: 'int' } : {}),
    at: r.at,
  }));
  const names = new Set<string>();
  const params = pyParameters(fn);
  if (isMethod) names.add('self.request');
  else if (params[0]?.name) names.add(params[params[0].name === 'self' ? 1 : 0]?.name ?? params[0].name);
  let reads: RequestInput[] = [];
  try {
    reads = pyRequestReads(file, fn, names);
  } catch {
    reads = [];
  }
  return [...declared, ...reads];
}

/** Route-level guards: auth decorators and `check_authorized`-style checks or 401/403 raised in the handler. */
function handlerGuards(file: ParsedFile, fn: SyntaxNode, cls?: SyntaxNode): Guard[] {
  const guards: Guard[] = [];
  for (const d of [...pyDecorators(fn), ...(cls ? pyDecorators(cls) : [])]) {
    const name = d.kind() === 'call' ? (d.field('function')?.text() ?? '') : d.text();
    if (isAuthGuardName(name)) guards.push({ name: d.text(), level: 'route', at: file.locate(d) });
  }
  const body = fn.field('body');
  if (!body || !REJECTS_CALLER.test(body.text())) return guards;
  const check = body.find({ rule: { kind: 'call', has: { field: 'function', regex: '(^|\\.)(check_authorized|check_permission)$' } } });
  if (check) {
    guards.push({ name: check.text().slice(0, 80), level: 'route', at: file.locate(check) });
    return guards;
  }
  // `raise web.HTTPUnauthorized()`, or the aiohttp-session idiom `raise web.HTTPFound("/login")`.
  const raise = body.find({ rule: { kind: 'raise_statement', regex: 'HTTPUnauthorized|HTTPForbidden|HTTP(Found|SeeOther|TemporaryRedirect)\\([^)]*(?i:login)' } });
  if (raise) guards.push({ name: raise.text().slice(0, 80), level: 'route', at: file.locate(raise) });
  return guards;
}

/** Guards of a `middlewares=[...]` list (or one middleware): project middlewares that turn callers away, auth-named library ones. */
function middlewareGuards(listFile: ParsedFile, list: SyntaxNode | undefined, load: Loader, single = false): Guard[] {
  if (!list) return [];
  const items: { file: ParsedFile; item: SyntaxNode }[] = single
    ? [{ file: listFile, item: list }]
    : resolveLists(listFile, list, list, load).flatMap((l) => l.list.children().filter((c) => c.isNamed() && c.kind() !== 'comment').map((item) => ({ file: l.file, item })));
  const guards: Guard[] = [];
  for (const { file, item } of items) {
    const calleeNode = item.kind() === 'call' ? item.field('function') : item;
    if (!calleeNode) continue;
    let value: PyValue<ParsedFile> | undefined;
    try {
      value = evaluatePyExpression(calleeNode, { file, fn: enclosingPyFunction(item) }, load);
    } catch {
      value = undefined;
    }
    const name = calleeNode.text();
    let isGuard: boolean;
    if (value?.kind === 'function') isGuard = REJECTS_CALLER.test(value.fn.text());
    else if (value?.kind === 'class' || value?.kind === 'instance') isGuard = REJECTS_CALLER.test(value.cls.text());
    else isGuard = isAuthGuardName(name) && !NOT_AUTH_MIDDLEWARE.test(name.split('.').pop() ?? name);
    if (isGuard) guards.push({ name: `middleware ${item.text().slice(0, 80)}`, level: 'app', at: file.locate(item) });
  }
  return guards;
}

/** `web.get('/x', h)`, `web.route('POST', '/x', h)`, `web.view('/x', View)` items of a route list. */
function routeDefinitions(file: ParsedFile, item: SyntaxNode, owners: string[], load: Loader): RawRoute[] {
  if (!isRouteDefCall(file, item)) return [];
  const call = describePyCall(item)!;
  const declared = DEF_METHODS[call.callee.split('.').pop()!];
  const args = declared === '' ? call.args.slice(1) : call.args;
  const verb = declared === '' ? (pyStringValue(call.args[0] ?? call.keywords.get('method')) ?? '').toUpperCase() : declared;
  const path = pyStringValue(args[0] ?? call.keywords.get('path'));
  const handlerNode = args[1] ?? call.keywords.get('handler');
  if (path === undefined || !handlerNode || !verb) return [];
  return [
    {
      owners: owners.length ? owners : ['?'],
      method: verb,
      path,
      at: file.locate(item),
      file,
      handler: evaluatePyExpression(handlerNode, { file, fn: enclosingPyFunction(item) }, load),
    },
  ];
}

function isRouteDefCall(file: ParsedFile, node: SyntaxNode): boolean {
  if (node.kind() !== 'call') return false;
  const callee = node.field('function')?.text() ?? '';
  const last = callee.split('.').pop() ?? '';
  if (DEF_METHODS[last] === undefined) return false;
  // `web.get`, `aiohttp.web.post`, or `get` imported from aiohttp.web.
  if (/^(web|aiohttp\.web)\.\w+$/.test(callee)) return true;
  if (callee.includes('.') || !file.ast) return false;
  const imported = pyImports(file.ast).get(callee);
  return !!imported && /^aiohttp(\.web)?$/.test(imported.module);
}

function isAiohttpName(file: ParsedFile, callee: string): boolean {
  if (/^(web|aiohttp\.web)\.Application$/.test(callee)) return true;
  const imported = file.ast ? pyImports(file.ast).get(callee.split('.')[0]) : undefined;
  return !!imported && /^aiohttp(\.web)?$/.test(imported.module);
}

function isAiohttpRouterCall(callee: string): boolean {
  return /\.router\.add_\w+$/.test(callee);
}

function scopedKey(file: ParsedFile, node: SyntaxNode, name: string): string {
  return `${file.path}#${enclosingPyFunction(node)?.range().start.index ?? -1}#${name}`;
}

function pushEdge(edges: Map<string, Edge[]>, child: string, edge: Edge): void {
  const list = edges.get(child) ?? [];
  if (!list.some((e) => e.parent === edge.parent && e.prefix === edge.prefix)) list.push(edge);
  edges.set(child, list);
}

/**
 * The applications or tables an expression names at `node`: a local or module-level owner, one
 * imported from a project module, or — for a function parameter (`def setup_routes(app)`) —
 * whatever the callers of that function pass.
 */
function ownersOf(files: ParsedFiles, file: ParsedFile, node: SyntaxNode, receiver: string, owners: Map<string, Owner>, load: Loader, depth = 0): string[] {
  const fn = enclosingPyFunction(node);
  const local = `${file.path}#${fn?.range().start.index ?? -1}#${receiver}`;
  if (owners.has(local)) return [local];
  const moduleKey = `${file.path}#-1#${receiver}`;
  if (owners.has(moduleKey)) return [moduleKey];
  if (!file.ast) return [];
  const [head, ...tail] = receiver.split('.');
  const imported = pyImports(file.ast).get(head);
  if (imported && tail.length <= 1) {
    const module = tail.length ? (imported.name ? joinModule(imported.module, imported.name) : imported.module) : imported.module;
    const name = tail.length ? tail[0] : imported.name;
    const target = name ? load(file, module) : undefined;
    if (target && name && owners.has(`${target.path}#-1#${name}`)) return [`${target.path}#-1#${name}`];
    return [];
  }
  // A parameter of the enclosing function: follow the calls to it, one level deep per hop.
  if (!fn || tail.length || depth > 2) return [];
  const index = pyParameters(fn).findIndex((p) => p.name === receiver);
  if (index < 0) return [];
  let memo = callerOwnersMemo.get(owners);
  if (!memo) callerOwnersMemo.set(owners, (memo = new Map()));
  const memoKey = `${file.path}:${fn.range().start.index}:${receiver}`;
  const known = memo.get(memoKey);
  if (known) return known;
  memo.set(memoKey, []);
  const fnName = pyFunctionName(fn);
  const out = new Set<string>();
  for (const caller of files.ofKind('python', { containing: [`${fnName}(`] })) {
    for (const call of caller.findAll({ kind: 'call', has: { field: 'function', regex: `(^|\\.)${fnName}$` } })) {
      const described = describePyCall(call);
      const arg = described?.args[index] ?? described?.keywords.get(receiver);
      if (!arg || !/^[\w.]+$/.test(arg.text())) continue;
      for (const k of ownersOf(files, caller, call, arg.text(), owners, load, depth + 1)) out.add(k);
    }
  }
  memo.set(memoKey, [...out]);
  return [...out];
}
/** What the callers of a `setup_routes(app)`-style function pass, per extraction (keyed by its owner map). */
const callerOwnersMemo = new WeakMap<Map<string, Owner>, Map<string, string[]>>();

/** The path and owners of a resource variable: `resource = [cors.add(]app.router.add_resource("/x")[)]` in the same function or module. */
function resourceOf(files: ParsedFiles, file: ParsedFile, node: SyntaxNode, name: string, owners: Map<string, Owner>, load: Loader): { path: string; owners: string[] } | undefined {
  const fn = enclosingPyFunction(node);
  const scope = fn ?? file.ast;
  if (!scope) return undefined;
  const assigns = scope
    .findAll({ rule: { kind: 'assignment', has: { field: 'left', regex: `^${name}$` } } })
    .filter((a) => enclosingPyFunction(a)?.range().start.index === fn?.range().start.index && a.range().start.index < node.range().start.index);
  const right = assigns[assigns.length - 1]?.field('right');
  const add = right?.kind() === 'call' && /\.add_resource$/.test(right.field('function')?.text() ?? '')
    ? right
    : right?.find({ rule: { kind: 'call', has: { field: 'function', regex: '\\.add_resource$' } } });
  const call = add ? describePyCall(add) : undefined;
  const path = pyStringValue(call?.args[0] ?? call?.keywords.get('path'));
  if (!call || path === undefined) return undefined;
  const parts = call.callee.split('.').slice(0, -1);
  if (parts[parts.length - 1] === 'router') parts.pop();
  return { path, owners: parts.length ? ownersOf(files, file, add!, parts.join('.'), owners, load) : [] };
}

/** `add_subapp('/api', api)` or `add_subapp('/api', create_api_app())`: the sub-application's owner key. */
function subAppOwners(files: ParsedFiles, file: ParsedFile, node: SyntaxNode, sub: SyntaxNode, owners: Map<string, Owner>, load: Loader): string[] {
  if (sub.kind() !== 'call') return /^[\w.]+$/.test(sub.text()) ? ownersOf(files, file, node, sub.text(), owners, load) : [];
  const callee = sub.field('function');
  const value = callee ? evaluatePyExpression(callee, { file, fn: enclosingPyFunction(node) }, load) : undefined;
  if (value?.kind !== 'function') return [];
  const out: string[] = [];
  for (const ret of value.fn.findAll({ rule: { kind: "return_statement" } })) {
    const returned = ret.children().find((c) => c.isNamed());
    if (returned?.kind() !== 'identifier') continue;
    const k = `${value.file.path}#${value.fn.range().start.index}#${returned.text()}`;
    if (owners.has(k)) out.push(k);
  }
  return out;
}

function joinModule(base: string, name: string): string {
  return base.endsWith('.') ? base + name : `${base}.${name}`;
}

/** Every way an owner reaches an application: the joined prefix and the app-level guards on the way. */
function chainsOf(ownerKey: string, owners: Map<string, Owner>, edges: Map<string, Edge[]>, fallback: string | undefined, depth = 0): { prefix: string; guards: Guard[] }[] {
  const owner = owners.get(ownerKey);
  const own = { prefix: '', guards: owner?.guards ?? [] };
  const parents = edges.get(ownerKey) ?? [];
  if (depth > 8) return [own];
  if (!parents.length) {
    // A table (or a route whose app is unknown) that no app visibly takes: the only app's, if there is one.
    if ((!owner || owner.kind === 'table') && fallback && fallback !== ownerKey) return chainsOf(fallback, owners, edges, undefined, depth + 1).map((up) => ({ prefix: up.prefix, guards: [...own.guards, ...up.guards] }));
    return [own];
  }
  return parents.flatMap((edge) =>
    chainsOf(edge.parent, owners, edges, fallback, depth + 1).map((up) => ({ prefix: up.prefix + edge.prefix, guards: [...own.guards, ...up.guards] })),
  );
}
