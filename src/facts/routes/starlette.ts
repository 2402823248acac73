import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Guard, GuardLevel, RequestInput, Route } from '../../model/repo-index.ts';
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

type Loader = ReturnType<typeof cachedPyModuleLoader>;

const VIEW_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
/** Middleware that does not authenticate anyone; `AuthenticationMiddleware` only fills `request.user`. */
const NOT_AUTH_MIDDLEWARE =
  /^(AuthenticationMiddleware|SessionMiddleware|CORSMiddleware|GZipMiddleware|TrustedHostMiddleware|HTTPSRedirectMiddleware|ProxyHeadersMiddleware|CSRFMiddleware|ServerErrorMiddleware|ExceptionMiddleware)$/;
/** A project middleware that answers 401/403 (or raises) turns unauthenticated callers away. */
const REJECTS_CALLER =
  /(status_code\s*=\s*40[13]\b|,\s*40[13]\s*\)|HTTP_40[13]_|HTTPException\(\s*(status_code\s*=\s*)?40[13]\b|Unauthorized|Forbidden|PermissionDenied|WWW-Authenticate|jwt\.decode|compare_digest|RedirectResponse\([^)]*login)/;
/** A handler that checks the authenticated user itself and refuses otherwise. */
const HANDLER_AUTH_CHECK = /(\.user\.is_authenticated|request\.auth\b|has_required_scope\()/;
/** The file is one the FastAPI extractor reads (it handles `@app.route` on a `Starlette()` there). */
const FASTAPI_FILE = /fastapi|APIRouter|FastAPI/;

interface AppNode {
  key: string;
  kind: 'app' | 'router';
  file: ParsedFile;
  call: SyntaxNode;
  guards: Guard[];
  mounted: boolean;
  /** Routes added later: `app.add_route(...)`, `@app.route(...)`, `app.mount(...)`. */
  extra: { kind: 'route' | 'mount'; file: ParsedFile; node: SyntaxNode; fn?: SyntaxNode }[];
}
interface Walk {
  prefix: string;
  guards: Guard[];
  depth: number;
}
interface Endpoint {
  method: string;
  fn: SyntaxNode;
  file: ParsedFile;
  cls?: SyntaxNode;
}

const APP_CALL = { kind: 'call', has: { field: 'function', regex: '(^|\\.)(Starlette|Router)$' } };
const OWNER_METHOD_CALL = {
  kind: 'call',
  has: { field: 'function', kind: 'attribute', has: { field: 'attribute', regex: '^(add_route|add_websocket_route|mount|add_middleware|route|websocket_route)$' } },
};

/**
 * Starlette routes declared as tables: `Starlette(routes=[Route(...), Mount(...), WebSocketRoute(...)])`,
 * route lists in variables or other modules, `Mount(app=sub_app)`, `HTTPEndpoint` classes (a route per
 * method), with `@requires(...)` and project middlewares that answer 401/403 as guards.
 */
export function extractStarletteRoutes(files: ParsedFiles): Route[] {
  const pyFiles = files.ofKind('python', { containing: ['starlette', 'Starlette', 'Route(', 'Mount('] });
  const load = cachedPyModuleLoader(files);
  const apps = new Map<string, AppNode>();
  const names = new Map<string, string>();

  for (const file of pyFiles) {
    try {
      for (const call of file.findAll(APP_CALL)) {
        const described = describePyCall(call);
        if (!described || !isStarletteName(file, described.callee)) continue;
        const kind = described.callee.split('.').pop() === 'Starlette' ? 'app' : 'router';
        const key = `${file.path}@${call.range().start.index}`;
        apps.set(key, { key, kind, file, call, guards: middlewareGuards(file, described.keywords.get('middleware'), kind === 'app' ? 'app' : 'router', load), mounted: false, extra: [] });
        const assign = call.parent();
        const target = assign?.kind() === 'assignment' ? assign.field('left') : undefined;
        if (target?.kind() === 'identifier') names.set(scopedKey(file, call, target.text()), key);
      }
    } catch {
      // one odd file never loses the others
    }
  }

  // Methods on an application: add_route, mount, add_middleware, and (outside FastAPI files) @app.route.
  for (const file of pyFiles) {
    try {
      const decoratorsToo = !FASTAPI_FILE.test(file.text);
      for (const node of file.findAll(OWNER_METHOD_CALL)) {
        const callee = node.field('function')!;
        const app = appOf(file, node, callee.field('object')?.text() ?? '', apps, names, load);
        if (!app) continue;
        const method = callee.field('attribute')!.text();
        const decorated = node.parent()?.kind() === 'decorator' ? node.parent()!.parent()?.field('definition') : undefined;
        if (method === 'add_middleware') {
          const cls = describePyCall(node)?.args[0];
          if (cls) app.guards.push(...middlewareClassGuard(file, cls, node, 'app', load));
        } else if (method === 'route' || method === 'websocket_route') {
          if (decoratorsToo && decorated?.kind() === 'function_definition') app.extra.push({ kind: 'route', file, node, fn: decorated });
        } else if (method === 'mount') app.extra.push({ kind: 'mount', file, node });
        else app.extra.push({ kind: 'route', file, node });
      }
    } catch {
      // as above
    }
  }

  const routes: Route[] = [];
  const seen = new Set<string>();
  const consumed = new Set<string>();
  const emit = (file: ParsedFile, at: Location, path: string, endpoint: Endpoint, guards: Guard[]) => {
    const full = normalisePath(path);
    const id = `${endpoint.method} ${full} ${at.file}:${at.startLine}:${endpoint.fn.range().start.index}`;
    if (seen.has(id)) return;
    seen.add(id);
    routes.push(buildRoute(file, at, endpoint, full, guards));
  };

  const walkApp = (app: AppNode, walk: Walk) => {
    if (walk.depth > 8) return;
    const inner: Walk = { ...walk, guards: [...app.guards, ...walk.guards], depth: walk.depth + 1 };
    const routesArg = describePyCall(app.call)?.keywords.get('routes') ?? (app.kind === 'router' ? describePyCall(app.call)?.args[0] : undefined);
    if (routesArg) walkList(app.file, routesArg, app.call, inner);
    for (const extra of app.extra) {
      try {
        walkExtra(extra, inner);
      } catch {
        // as above
      }
    }
  };

  const walkExtra = (extra: AppNode['extra'][number], walk: Walk) => {
    const call = describePyCall(extra.node);
    if (!call) return;
    const attr = call.callee.split('.').pop();
    const path = pyStringValue(call.args[0] ?? call.keywords.get('path'));
    if (path === undefined) return;
    if (extra.kind === 'mount') {
      const sub = call.args[1] ?? call.keywords.get('app');
      if (sub) walkMountedApp(extra.file, sub, extra.node, { ...walk, prefix: walk.prefix + path });
      return;
    }
    const isWs = attr === 'websocket_route' || attr === 'add_websocket_route';
    const at = extra.fn ? extra.file.locateLines(extra.node.range().start.line + 1, extra.fn.range().start.line + 1) : extra.file.locate(extra.node);
    const target: PyValue<ParsedFile> | undefined = extra.fn
      ? { kind: 'function', file: extra.file, fn: extra.fn }
      : evaluateSafely(extra.file, call.args[1] ?? call.keywords.get('route') ?? call.keywords.get('endpoint'), extra.node, load);
    for (const endpoint of endpointsOf(target, isWs ? ['WEBSOCKET'] : methodsOf(call.keywords.get('methods')), load))
      emit(extra.file, at, walk.prefix + path, endpoint, walk.guards);
  };

  const walkMountedApp = (file: ParsedFile, sub: SyntaxNode, at: SyntaxNode, walk: Walk) => {
    for (const app of appsOfExpression(file, sub, at, apps, names, load)) {
      app.mounted = true;
      walkApp(app, walk);
    }
  };

  const walkList = (file: ParsedFile, expr: SyntaxNode, at: SyntaxNode, walk: Walk) => {
    if (walk.depth > 10) return;
    for (const { file: listFile, list } of resolveLists(file, expr, at, load)) {
      consumed.add(`${listFile.path}@${list.range().start.index}`);
      for (const item of list.children()) {
        if (item.kind() === 'list_splat') {
          const inner = item.children().find((c) => c.isNamed());
          if (inner) walkList(listFile, inner, item, { ...walk, depth: walk.depth + 1 });
          continue;
        }
        try {
          walkItem(listFile, item, walk);
        } catch {
          // one odd table entry never loses the others
        }
      }
    }
  };

  const walkItem = (file: ParsedFile, item: SyntaxNode, walk: Walk) => {
    const call = describePyCall(item);
    if (!call || !isStarletteName(file, call.callee)) return;
    const ctor = call.callee.split('.').pop();
    const path = ctor === 'Host' ? '' : pyStringValue(call.args[0] ?? call.keywords.get('path'));
    if (path === undefined) return;
    if (ctor === 'Mount' || ctor === 'Host') {
      const guards = [...middlewareGuards(file, call.keywords.get('middleware'), 'router', load), ...walk.guards];
      const next: Walk = { prefix: walk.prefix + path, guards, depth: walk.depth + 1 };
      const routesArg = call.keywords.get('routes');
      if (routesArg) walkList(file, routesArg, item, next);
      const sub = call.keywords.get('app') ?? (ctor === 'Mount' && !routesArg ? call.args[1] : undefined) ?? (ctor === 'Host' ? call.args[1] : undefined);
      if (sub) walkMountedApp(file, sub, item, next);
      return;
    }
    if (ctor !== 'Route' && ctor !== 'WebSocketRoute') return;
    const target = evaluateSafely(file, call.args[1] ?? call.keywords.get('endpoint'), item, load);
    const methods = ctor === 'WebSocketRoute' ? ['WEBSOCKET'] : methodsOf(call.keywords.get('methods'));
    const guards = [...middlewareGuards(file, call.keywords.get('middleware'), 'route', load), ...walk.guards];
    for (const endpoint of endpointsOf(target, methods, load)) emit(file, file.locate(item), walk.prefix + path, endpoint, guards);
  };

  // Apps mounted on an application of another framework (`fastapi_app.mount("/legacy", legacy)`).
  for (const file of files.ofKind('python', { containing: ['.mount('] })) {
    try {
      for (const call of file.findAll(FOREIGN_MOUNT)) {
        const described = describePyCall(call);
        const receiver = call.field('function')?.field('object')?.text() ?? '';
        const path = pyStringValue(described?.args[0] ?? described?.keywords.get('path'));
        const sub = described?.args[1] ?? described?.keywords.get('app');
        if (!described || !sub || path === undefined || appOf(file, call, receiver, apps, names, load)) continue;
        walkMountedApp(file, sub, call, { prefix: path, guards: hostMiddlewareGuards(file, receiver), depth: 0 });
      }
    } catch {
      // as above
    }
  }

  // Applications first (a mounted one is reached through its parent), then routers nobody mounts.
  const ordered = [...apps.values()];
  for (const app of ordered) {
    try {
      if (app.kind === 'app' && !isMountedSomewhere(app, files, apps, names, load)) walkApp(app, { prefix: '', guards: [], depth: 0 });
    } catch {
      // keep the routes found so far
    }
  }
  for (const app of ordered) {
    try {
      if (!app.mounted && app.kind === 'router' && !isMountedSomewhere(app, files, apps, names, load)) walkApp(app, { prefix: '', guards: [], depth: 0 });
    } catch {
      // as above
    }
  }

  // Route lists no application visibly takes (`Starlette(routes=build_routes())`): the only app's, if there is one.
  const rootApps = ordered.filter((a) => a.kind === 'app' && !a.mounted);
  const fallbackGuards = rootApps.length === 1 ? rootApps[0].guards : [];
  for (const file of pyFiles) {
    if (!file.ast) continue;
    try {
      for (const assigns of pyModuleAssignments(file.ast).values()) {
        const list = assigns[assigns.length - 1].field('right');
        if (list?.kind() !== 'list' || consumed.has(`${file.path}@${list.range().start.index}`)) continue;
        if (!list.children().some((c) => isTableItem(file, c))) continue;
        walkList(file, list, list, { prefix: '', guards: fallbackGuards, depth: 0 });
      }
    } catch {
      // as above
    }
  }
  return routes;
}

const FOREIGN_MOUNT = { kind: 'call', has: { field: 'function', kind: 'attribute', has: { field: 'attribute', regex: '^mount$' } } };

/**
 * Auth middleware of the host app a Starlette app is mounted on (it wraps the mounted app too):
 * `host.add_middleware(AuthMiddleware)` with an auth name, or `@host.middleware("http")` that refuses.
 */
function hostMiddlewareGuards(file: ParsedFile, receiver: string): Guard[] {
  const guards: Guard[] = [];
  if (!/^[\w.]+$/.test(receiver)) return guards;
  for (const call of file.findAll({ kind: 'call', has: { field: 'function', regex: `^${receiver.replace(/\./g, '\\.')}\\.(add_middleware|middleware)$` } })) {
    const described = describePyCall(call);
    const first = described?.args[0];
    if (!described || !first) continue;
    if (described.callee.endsWith('.add_middleware')) {
      const name = first.text().split('.').pop() ?? '';
      if (!NOT_AUTH_MIDDLEWARE.test(name) && isAuthGuardName(name)) guards.push({ name: `add_middleware(${name})`, level: 'app', at: file.locate(call) });
      continue;
    }
    const fn = call.parent()?.kind() === 'decorator' ? call.parent()!.parent()?.field('definition') : undefined;
    if (fn && REJECTS_CALLER.test(fn.text())) guards.push({ name: `middleware ${pyFunctionName(fn)}`, level: 'app', at: file.locate(call) });
  }
  return guards;
}

function buildRoute(file: ParsedFile, at: Location, endpoint: Endpoint, path: string, guards: Guard[]): Route {
  const { fn } = endpoint;
  const clsName = endpoint.cls?.field('name')?.text();
  return {
    framework: 'starlette',
    method: endpoint.method,
    path,
    at,
    handler: {
      name: clsName ? `${clsName}.${pyFunctionName(fn)}` : pyFunctionName(fn),
      file: endpoint.file.path,
      startLine: fn.range().start.line + 1,
      endLine: fn.range().end.line + 1,
      isAsync: isAsyncPyFunction(fn),
      node: fn,
    },
    guards: [...handlerGuards(endpoint), ...guards],
    inputs: handlerInputs(file, at, endpoint, path),
  };
}

/** The functions a route runs: the endpoint function, or one method per verb of an `HTTPEndpoint` class. */
function endpointsOf(target: PyValue<ParsedFile> | undefined, methods: string[], load: Loader): Endpoint[] {
  if (target?.kind === 'function') return methods.map((method) => ({ method, fn: target.fn, file: target.file }));
  if (target?.kind !== 'class') return [];
  const classes = [{ file: target.file, cls: target.cls }, ...safeBases(target.file, target.cls, load)];
  const find = (name: string) => {
    for (const c of classes) {
      const fn = pyDefinitions(c.cls).get(name);
      if (fn?.kind() === 'function_definition') return { fn, file: c.file };
    }
    return undefined;
  };
  if (methods.includes('WEBSOCKET')) {
    const fn = find('on_receive') ?? find('on_connect');
    return fn ? [{ method: 'WEBSOCKET', fn: fn.fn, file: fn.file, cls: target.cls }] : [];
  }
  const out: Endpoint[] = [];
  for (const verb of VIEW_METHODS) {
    const fn = find(verb);
    if (fn) out.push({ method: verb.toUpperCase(), fn: fn.fn, file: fn.file, cls: target.cls });
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

function methodsOf(node: SyntaxNode | undefined): string[] {
  if (!node) return ['GET'];
  const methods = [...node.text().matchAll(/["'](\w+)["']/g)].map((m) => m[1].toUpperCase());
  return methods.length ? [...new Set(methods)] : ['GET'];
}

function evaluateSafely(file: ParsedFile, expr: SyntaxNode | undefined, at: SyntaxNode, load: Loader): PyValue<ParsedFile> | undefined {
  if (!expr) return undefined;
  try {
    return evaluatePyExpression(expr, { file, fn: enclosingPyFunction(at) }, load);
  } catch {
    return undefined;
  }
}

/** `@requires("authenticated")`, auth-named decorators, and an inline `request.user.is_authenticated` check that refuses. */
function handlerGuards(endpoint: Endpoint): Guard[] {
  const { fn, file, cls } = endpoint;
  const guards: Guard[] = [];
  for (const d of [...pyDecorators(fn), ...(cls ? pyDecorators(cls) : [])]) {
    const name = d.kind() === 'call' ? (d.field('function')?.text() ?? '') : d.text();
    if (/(^|\.)requires$/.test(name) || isAuthGuardName(name)) guards.push({ name: d.text(), level: 'route', at: file.locate(d) });
  }
  const body = fn.field('body');
  const text = body?.text() ?? '';
  if (body && HANDLER_AUTH_CHECK.test(text) && REJECTS_CALLER.test(text)) {
    const check = body.find({ rule: { kind: 'if_statement', regex: HANDLER_AUTH_CHECK.source } });
    if (check) guards.push({ name: (check.field('condition')?.text() ?? 'request.user check').slice(0, 80), level: 'route', at: file.locate(check.field('condition') ?? check) });
  }
  return guards;
}

function handlerInputs(file: ParsedFile, at: Location, endpoint: Endpoint, path: string): RequestInput[] {
  const declared: RequestInput[] = [...path.matchAll(/\{(\w+)(?::(\w+))?\}/g)].map((m) => ({
    name: m[1],
    source: 'path' as const,
    ...(m[2] ? { type: m[2] } : {}),
    at,
  }));
  const params = pyParameters(endpoint.fn);
  const requestParam = params[params[0]?.name === 'self' ? 1 : 0]?.name;
  if (endpoint.method === 'WEBSOCKET') {
    return requestParam ? [...declared, { name: requestParam, source: 'websocket', param: requestParam, at: endpoint.file === file ? file.locate(endpoint.fn) : at }] : declared;
  }
  const names = new Set<string>();
  if (requestParam) names.add(requestParam);
  try {
    return [...declared, ...pyRequestReads(endpoint.file, endpoint.fn, names)];
  } catch {
    return declared;
  }
}

/** Guards of a `middleware=[Middleware(Cls, ...)]` list, written inline or in a variable. */
function middlewareGuards(file: ParsedFile, expr: SyntaxNode | undefined, level: GuardLevel, load: Loader): Guard[] {
  if (!expr) return [];
  const guards: Guard[] = [];
  for (const { file: listFile, list } of resolveLists(file, expr, expr, load)) {
    for (const item of list.children()) {
      if (!item.isNamed() || item.kind() === 'comment') continue;
      const call = describePyCall(item);
      const cls = call && /(^|\.)Middleware$/.test(call.callee) ? call.args[0] : item;
      if (cls) guards.push(...middlewareClassGuard(listFile, cls, item, level, load));
    }
  }
  return guards;
}

function middlewareClassGuard(file: ParsedFile, cls: SyntaxNode, item: SyntaxNode, level: GuardLevel, load: Loader): Guard[] {
  const name = cls.text().split('.').pop() ?? '';
  if (NOT_AUTH_MIDDLEWARE.test(name)) return [];
  const value = evaluateSafely(file, cls, item, load);
  let isGuard: boolean;
  if (value?.kind === 'class') isGuard = REJECTS_CALLER.test(value.cls.text());
  else if (value?.kind === 'function') isGuard = REJECTS_CALLER.test(value.fn.text());
  else isGuard = isAuthGuardName(name);
  return isGuard ? [{ name: `middleware ${name}`, level, at: file.locate(item) }] : [];
}

/** The list literals an expression stands for: `[...]`, a variable, an imported list, `a + b`. */
export function resolveLists(file: ParsedFile, expr: SyntaxNode, at: SyntaxNode, load: Loader, depth = 0): { file: ParsedFile; list: SyntaxNode }[] {
  if (depth > 6) return [];
  switch (String(expr.kind())) {
    case 'list':
    case 'tuple':
      return [{ file, list: expr }];
    case 'binary_operator': {
      const sides = [expr.field('left'), expr.field('right')].filter((s): s is SyntaxNode => !!s);
      return sides.flatMap((s) => resolveLists(file, s, at, load, depth + 1));
    }
    case 'identifier': {
      const name = expr.text();
      const fn = enclosingPyFunction(at);
      if (fn) {
        const local = fn.findAll({ rule: { kind: 'assignment', has: { field: 'left', regex: `^${name}$` } } }).filter((a) => enclosingPyFunction(a)?.range().start.index === fn.range().start.index);
        const right = local[local.length - 1]?.field('right');
        if (right) return resolveLists(file, right, right, load, depth + 1);
      }
      if (!file.ast) return [];
      const assigns = pyModuleAssignments(file.ast).get(name);
      const right = assigns?.[assigns.length - 1]?.field('right');
      if (right) return resolveLists(file, right, right, load, depth + 1);
      const imported = pyImports(file.ast).get(name);
      const target = imported?.name ? load(file, imported.module) : undefined;
      if (target?.ast && imported?.name) {
        const there = pyModuleAssignments(target.ast).get(imported.name);
        const value = there?.[there.length - 1]?.field('right');
        if (value) return resolveLists(target, value, value, load, depth + 1);
      }
      return [];
    }
    case 'attribute': {
      // `routes.urlpatterns`, where `routes` is an imported project module.
      const object = expr.field('object')?.text() ?? '';
      const attr = expr.field('attribute')?.text() ?? '';
      const imported = file.ast ? pyImports(file.ast).get(object) : undefined;
      if (!imported || object.includes('.')) return [];
      const target = load(file, imported.name ? (imported.module.endsWith('.') ? imported.module + imported.name : `${imported.module}.${imported.name}`) : imported.module);
      const there = target?.ast ? pyModuleAssignments(target.ast).get(attr) : undefined;
      const value = there?.[there.length - 1]?.field('right');
      return target && value ? resolveLists(target, value, value, load, depth + 1) : [];
    }
    default:
      return [];
  }
}

/** The application or router an expression names: a variable bound to `Starlette(...)`, an inline `Router(...)`, or a factory's return. */
function appsOfExpression(file: ParsedFile, expr: SyntaxNode, at: SyntaxNode, apps: Map<string, AppNode>, names: Map<string, string>, load: Loader): AppNode[] {
  if (expr.kind() === 'call') {
    const inline = apps.get(`${file.path}@${expr.range().start.index}`);
    if (inline) return [inline];
    const callee = expr.field('function');
    const value = callee ? evaluateSafely(file, callee, at, load) : undefined;
    if (value?.kind !== 'function') return [];
    const out: AppNode[] = [];
    for (const ret of value.fn.findAll({ rule: { kind: 'return_statement' } })) {
      const returned = ret.children().find((c) => c.isNamed());
      if (returned) out.push(...appsOfExpression(value.file, returned, returned, apps, names, load));
    }
    return out;
  }
  const app = /^[\w.]+$/.test(expr.text()) ? appOf(file, at, expr.text(), apps, names, load) : undefined;
  return app ? [app] : [];
}

/** The app a name refers to at `node`: local, module-level, or imported from a project module. */
function appOf(file: ParsedFile, node: SyntaxNode, name: string, apps: Map<string, AppNode>, names: Map<string, string>, load: Loader): AppNode | undefined {
  const local = names.get(scopedKey(file, node, name)) ?? names.get(`${file.path}#-1#${name}`);
  if (local) return apps.get(local);
  if (!file.ast) return undefined;
  const [head, ...tail] = name.split('.');
  const imported = pyImports(file.ast).get(head);
  if (!imported || tail.length > 1) return undefined;
  const module = tail.length ? (imported.name ? (imported.module.endsWith('.') ? imported.module + imported.name : `${imported.module}.${imported.name}`) : imported.module) : imported.module;
  const member = tail.length ? tail[0] : imported.name;
  const target = member ? load(file, module) : undefined;
  const key = target && member ? names.get(`${target.path}#-1#${member}`) : undefined;
  return key ? apps.get(key) : undefined;
}

/** Whether some `Mount(app=...)` / `app.mount(...)` takes this app, so it is walked from its parent instead. */
function isMountedSomewhere(app: AppNode, files: ParsedFiles, apps: Map<string, AppNode>, names: Map<string, string>, load: Loader): boolean {
  if (app.mounted) return true;
  const memo = mountedMemo.get(apps);
  if (memo) return memo.has(app.key);
  const mountedKeys = new Set<string>();
  for (const file of files.ofKind('python', { containing: ['Mount(', 'Host(', '.mount('] })) {
    for (const call of file.findAll({ kind: 'call', has: { field: 'function', regex: '(^|\\.)(Mount|Host|mount)$' } })) {
      const described = describePyCall(call);
      if (!described) continue;
      const sub = described.keywords.get('app') ?? (described.keywords.get('routes') ? undefined : described.args[1]);
      if (!sub) continue;
      try {
        for (const target of appsOfExpression(file, sub, call, apps, names, load)) mountedKeys.add(target.key);
      } catch {
        // ignore this mount
      }
    }
  }
  mountedMemo.set(apps, mountedKeys);
  return mountedKeys.has(app.key);
}
const mountedMemo = new WeakMap<Map<string, AppNode>, Set<string>>();

function isTableItem(file: ParsedFile, node: SyntaxNode): boolean {
  const call = describePyCall(node);
  return !!call && /(^|\.)(Route|Mount|WebSocketRoute|Host)$/.test(call.callee) && isStarletteName(file, call.callee);
}

/** `Route`, `routing.Route`, `Starlette` … imported from starlette (or FastAPI's re-exports). */
function isStarletteName(file: ParsedFile, callee: string): boolean {
  if (!file.ast) return false;
  const [head] = callee.split('.');
  const imported = pyImports(file.ast).get(head);
  return !!imported && /^(starlette|fastapi)(\.|$)/.test(imported.module);
}

function scopedKey(file: ParsedFile, node: SyntaxNode, name: string): string {
  return `${file.path}#${enclosingPyFunction(node)?.range().start.index ?? -1}#${name}`;
}
