/**
 * Django and Django REST framework routes: the URLconf tree from ROOT_URLCONF (path / re_path /
 * url, include of modules, lists and routers), function and class-based views, DRF routers and
 * ViewSet actions, and the guards that apply to each route (login_required and friends, auth
 * mixins, method_decorator, DRF permission_classes and DEFAULT_PERMISSION_CLASSES, the admin site).
 */
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Guard, GuardLevel, RequestInput, Route, RouteHandler } from '../../model/repo-index.ts';
import {
  describePyCall,
  evaluatePyExpression,
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
import { cachedPyModuleLoader, resolvePyModule } from './python-modules.ts';
import { pyRequestObjectNames, pyRequestReads } from './python-request-inputs.ts';

type Loader = (from: ParsedFile, module: string) => ParsedFile | undefined;

interface PermSpec {
  /** The permission expressions as written (`IsAuthenticated`, `IsAdminUser | ReadOnly`); undefined when not a literal list. */
  elements?: string[];
  /** What the guard is called in the route table. */
  label: string;
  at: Location;
}

interface Settings {
  rootUrlconfs: { file: ParsedFile; module: string }[];
  drfDefault?: PermSpec;
  /** Middleware that sends every anonymous request to the login page (Django 5.1's LoginRequiredMiddleware or a project one). */
  loginMiddleware?: { name: string; at: Location };
}

interface Ctx {
  files: ParsedFiles;
  load: Loader;
  settings: Settings;
  /** Project functions whose body rejects the caller (403, PermissionDenied, redirect_to_login …), by name. */
  rejecting: Set<string>;
  routes: Route[];
  /** URLconf modules reached through include(), so the fallback can tell roots from included modules. */
  included: Set<string>;
  listMemo: Map<string, Item[] | null>;
  handlerMemo: Map<string, HandlerFacts>;
  classMemo: Map<string, ClassInfo>;
}

interface Scope {
  prefix: string;
  inputs: RequestInput[];
  guards: Guard[];
  depth: number;
  stack: string[];
}

/** One entry of a URL pattern list: a `path(...)` call, `router.urls`, or anything else (ignored). */
interface Item {
  file: ParsedFile;
  node: SyntaxNode;
}

interface ClassInfo {
  file: ParsedFile;
  cls: SyntaxNode;
  name: string;
  /** Methods defined by the class or a project base, first in method resolution order. */
  methods: Map<string, { file: ParsedFile; fn: SyntaxNode }>;
  /** Bases outside the project (Django, DRF, third-party), by last name, anywhere in the hierarchy. */
  external: string[];
  externalPaths: string[];
  isDrf: boolean;
  isViewSet: boolean;
  permission?: PermSpec;
  /** `get_permissions()` branches on `self.action` / `self.request.method`: the permissions each branch returns. */
  actionPermissions?: { keys: Set<string>; negated: boolean; names: string[]; spec: PermSpec }[];
  classGuards: Guard[];
  methodGuards: Map<string, Guard[]>;
  lookup: string;
  httpMethodNames?: string[];
  loginNotRequired: boolean;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** HTTP methods that Django and DRF generic views answer without the subclass defining them. */
const PROVIDED_METHODS: Record<string, string[]> = {
  TemplateView: ['GET'],
  RedirectView: ['GET'],
  ListView: ['GET'],
  DetailView: ['GET'],
  ArchiveIndexView: ['GET'],
  YearArchiveView: ['GET'],
  MonthArchiveView: ['GET'],
  WeekArchiveView: ['GET'],
  DayArchiveView: ['GET'],
  TodayArchiveView: ['GET'],
  DateDetailView: ['GET'],
  FormView: ['GET', 'POST'],
  CreateView: ['GET', 'POST'],
  UpdateView: ['GET', 'POST'],
  DeleteView: ['GET', 'POST', 'DELETE'],
  LoginView: ['GET', 'POST'],
  LogoutView: ['POST'],
  PasswordChangeView: ['GET', 'POST'],
  PasswordResetView: ['GET', 'POST'],
  PasswordResetConfirmView: ['GET', 'POST'],
  PasswordResetDoneView: ['GET'],
  PasswordResetCompleteView: ['GET'],
  PasswordChangeDoneView: ['GET'],
  CreateAPIView: ['POST'],
  ListAPIView: ['GET'],
  RetrieveAPIView: ['GET'],
  DestroyAPIView: ['DELETE'],
  UpdateAPIView: ['PUT', 'PATCH'],
  ListCreateAPIView: ['GET', 'POST'],
  RetrieveUpdateAPIView: ['GET', 'PUT', 'PATCH'],
  RetrieveDestroyAPIView: ['GET', 'DELETE'],
  RetrieveUpdateDestroyAPIView: ['GET', 'PUT', 'PATCH', 'DELETE'],
  ObtainAuthToken: ['POST'],
  TokenObtainPairView: ['POST'],
  TokenRefreshView: ['POST'],
  TokenVerifyView: ['POST'],
  TokenBlacklistView: ['POST'],
  TokenObtainSlidingView: ['POST'],
  TokenRefreshSlidingView: ['POST'],
};

/** ViewSet actions that DRF's model viewsets and mixins provide. */
const PROVIDED_ACTIONS: Record<string, string[]> = {
  ModelViewSet: ['list', 'create', 'retrieve', 'update', 'partial_update', 'destroy'],
  ReadOnlyModelViewSet: ['list', 'retrieve'],
  ListModelMixin: ['list'],
  CreateModelMixin: ['create'],
  RetrieveModelMixin: ['retrieve'],
  UpdateModelMixin: ['update', 'partial_update'],
  DestroyModelMixin: ['destroy'],
};

/** Router actions: the HTTP method and whether the route addresses one object (`{prefix}/{pk}/`). */
const ROUTER_ACTIONS: { action: string; method: string; detail: boolean }[] = [
  { action: 'list', method: 'GET', detail: false },
  { action: 'create', method: 'POST', detail: false },
  { action: 'retrieve', method: 'GET', detail: true },
  { action: 'update', method: 'PUT', detail: true },
  { action: 'partial_update', method: 'PATCH', detail: true },
  { action: 'destroy', method: 'DELETE', detail: true },
];

const DRF_VIEW_BASES = /^(APIView|GenericAPIView|ViewSet|GenericViewSet|ModelViewSet|ReadOnlyModelViewSet|ViewSetMixin|(List|Create|Retrieve|Update|Destroy|ListCreate|RetrieveUpdate|RetrieveDestroy|RetrieveUpdateDestroy)APIView|ObtainAuthToken)$/;
/** Django's view decorators that authenticate or authorise the caller. */
const GUARD_DECORATORS = /^(login_required|permission_required|user_passes_test|staff_member_required|superuser_required|staff_required|admin_required)$/;
/** Decorators whose names look like auth by the shared heuristic but that let anyone in. */
const NOT_GUARD_DECORATORS =
  /^(csrf_exempt|csrf_protect|ensure_csrf_cookie|requires_csrf_token|require_http_methods|require_GET|require_POST|require_safe|login_not_required|api_view|authentication_classes|permission_classes|throttle_classes|renderer_classes|parser_classes|schema|extend_schema|swagger_auto_schema|never_cache|cache_page|cache_control|vary_on_cookie|vary_on_headers|sensitive_post_parameters|sensitive_variables|xframe_options_exempt|xframe_options_deny|xframe_options_sameorigin|atomic|action|method_decorator|sync_to_async|async_to_sync)$/;
const GUARD_MIXINS = /^(LoginRequired|PermissionRequired|UserPassesTest|Staff(user|Member)?Required|SuperuserRequired|GroupRequired|MultiplePermissionsRequired|AnyPermissionRequired)Mixin$/;
/** A project function that turns callers away: a decorator or `dispatch` with this in its body is a guard. */
const REJECTS_CALLER =
  /(HttpResponseForbidden|HttpResponse(Unauthorized)?\([^)]*status\s*=\s*40[13]|status\s*=\s*40[13]\b|HTTP_40[13]_|PermissionDenied|NotAuthenticated|AuthenticationFailed|redirect_to_login|compare_digest|jwt\.decode|if\s+not\s+[\w.]*\.is_(authenticated|staff|superuser)\b)/;
const CONVERTER_TYPES: Record<string, string> = { int: 'int', str: 'str', slug: 'slug', uuid: 'UUID', path: 'path' };

const bare = (text: string) => text.replace(/\(.*$/s, '').trim().split('.').pop() ?? text;
const calleeName = (node: SyntaxNode) => (node.kind() === 'call' ? (node.field('function')?.text() ?? '') : node.text());
const namedChildren = (node: SyntaxNode) => node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');

/** Django / DRF routes of the project, with full paths, guards and path inputs. */
export function extractDjangoRoutes(files: ParsedFiles): Route[] {
  const ctx: Ctx = {
    files,
    load: cachedPyModuleLoader(files),
    settings: readSettings(files),
    rejecting: collectRejectingFunctions(files),
    routes: [],
    included: new Set(),
    listMemo: new Map(),
    classMemo: new Map(),
    handlerMemo: new Map(),
  };
  const root: Scope = { prefix: '', inputs: [], guards: [], depth: 0, stack: [] };

  const roots = ctx.settings.rootUrlconfs.map((r) => resolvePyModule(files, r.file.path, r.module)).filter((f): f is ParsedFile => !!f);
  if (roots.length) {
    for (const file of new Set(roots)) walkModule(ctx, file, root);
    return dedupe(ctx.routes);
  }
  // No ROOT_URLCONF we can follow: every URLconf that no other URLconf includes is a root.
  const candidates = files.ofKind('python', { containing: ['urlpatterns'] }).filter((f) => f.ast && (pyModuleAssignments(f.ast).has('urlpatterns') || /\burlpatterns\s*\+=/.test(f.text)));
  const byRoot = new Map<string, Route[]>();
  for (const file of candidates) {
    ctx.routes = [];
    walkModule(ctx, file, root);
    byRoot.set(file.path, ctx.routes);
  }
  return dedupe(candidates.filter((f) => !ctx.included.has(f.path)).flatMap((f) => byRoot.get(f.path) ?? []));
}

function dedupe(routes: Route[]): Route[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const k = `${r.method} ${r.path} ${r.handler.file}:${r.handler.startLine}:${r.handler.name} ${r.at.file}:${r.at.startLine}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ── Settings ────────────────────────────────────────────────────────────────────────────────

function readSettings(files: ParsedFiles): Settings {
  const settings: Settings = { rootUrlconfs: [] };
  for (const file of files.ofKind('python', { containing: ['ROOT_URLCONF', 'DEFAULT_PERMISSION_CLASSES', 'MIDDLEWARE'] })) {
    if (!file.ast) continue;
    try {
      for (const assign of pyModuleAssignments(file.ast).get('ROOT_URLCONF') ?? []) {
        const module = pyStringValue(assign.field('right'));
        if (module) settings.rootUrlconfs.push({ file, module });
      }
      for (const str of file.findAll({ kind: 'string', regex: 'DEFAULT_PERMISSION_CLASSES' })) {
        if (pyStringValue(str) !== 'DEFAULT_PERMISSION_CLASSES') continue;
        const parent = str.parent();
        let value: SyntaxNode | null | undefined;
        if (parent?.kind() === 'pair') value = parent.field('value');
        else if (parent?.kind() === 'subscript' && parent.parent()?.kind() === 'assignment') value = parent.parent()!.field('right');
        if (!value) continue;
        const elements = [...value.text().matchAll(/["']([\w.]+)["']/g)].map((m) => bare(m[1]));
        const spec: PermSpec = { elements, label: `DEFAULT_PERMISSION_CLASSES: ${elements.join(', ')}`, at: file.locate(parent!) };
        // Split settings (base.py, production.py): a restrictive default anywhere wins over an open one.
        if (!settings.drfDefault || (permissionGuards(spec, 'POST', 'app').length && !permissionGuards(settings.drfDefault, 'POST', 'app').length)) settings.drfDefault = spec;
      }
      for (const str of file.findAll({ kind: 'string', regex: 'Middleware|middleware' })) {
        if (!isInsideAssignmentTo(str, /^MIDDLEWARE(_CLASSES)?$/)) continue;
        const dotted = pyStringValue(str) ?? '';
        if (/LoginRequiredMiddleware$/.test(dotted) || projectMiddlewareRejects(files, file, dotted)) settings.loginMiddleware ??= { name: bare(dotted), at: file.locate(str) };
      }
    } catch {
      // odd settings file: skip it
    }
  }
  return settings;
}

/** Authentication, not just identification: the check reads who the user is and turns anonymous callers away. */
const CHECKS_LOGIN = /(is_authenticated|is_anonymous|redirect_to_login|LOGIN_URL|HTTP_AUTHORIZATION|[Aa]uthorization|jwt\.decode)/;

/** A project middleware (`core.middleware.RequireLoginMiddleware`) whose code rejects requests from anonymous users. */
function projectMiddlewareRejects(files: ParsedFiles, settingsFile: ParsedFile, dotted: string): boolean {
  const dot = dotted.lastIndexOf('.');
  if (dot <= 0 || /^django\./.test(dotted)) return false;
  const module = resolvePyModule(files, settingsFile.path, dotted.slice(0, dot));
  const def = module?.ast ? pyDefinitions(module.ast).get(dotted.slice(dot + 1)) : undefined;
  if (!def) return false;
  const text = def.text();
  return CHECKS_LOGIN.test(text) && (REJECTS_CALLER.test(text) || /\bredirect\(/.test(text));
}

function isInsideAssignmentTo(node: SyntaxNode, name: RegExp): boolean {
  for (let current = node.parent(); current; current = current.parent()) {
    if (current.kind() === 'assignment' || current.kind() === 'augmented_assignment') return name.test(current.field('left')?.text() ?? '');
    if (current.kind() === 'call' && name.test(current.field('function')?.text() ?? '')) return true;
  }
  return false;
}

function collectRejectingFunctions(files: ParsedFiles): Set<string> {
  const names = new Set<string>();
  for (const file of files.ofKind('python', { containing: ['Forbidden', 'PermissionDenied', '40', 'redirect_to_login', 'is_authenticated', 'is_staff', 'compare_digest', 'jwt', 'NotAuthenticated', 'AuthenticationFailed'] })) {
    if (!REJECTS_CALLER.test(file.text)) continue;
    for (const fn of file.findAll({ kind: 'function_definition' })) if (REJECTS_CALLER.test(fn.text())) names.add(pyFunctionName(fn));
  }
  return names;
}

// ── URL pattern lists ─────────────────────────────────────────────────────────────────────────

function isModuleLevel(node: SyntaxNode): boolean {
  for (let current = node.parent(); current; current = current.parent()) {
    const kind = current.kind();
    if (kind === 'function_definition' || kind === 'class_definition' || kind === 'lambda') return false;
  }
  return true;
}

/** The entries of a module-level list variable (`urlpatterns`), following `=`, `+=`, `.append` and `.extend` in source order. */
function moduleListItems(ctx: Ctx, file: ParsedFile, name: string, depth: number): Item[] {
  const memoKey = `${file.path}#${name}`;
  const known = ctx.listMemo.get(memoKey);
  if (known !== undefined) return known ?? [];
  ctx.listMemo.set(memoKey, null);
  let items: Item[] = [];
  if (file.ast && depth < 16) {
    const statements = file
      .findAll({ any: [{ kind: 'assignment' }, { kind: 'augmented_assignment' }, { kind: 'call', has: { field: 'function', regex: `^${name}\\.(append|extend|insert)$` } }] })
      .filter((n) => (n.kind() === 'call' || n.field('left')?.text() === name) && isModuleLevel(n))
      .sort((a, b) => a.range().start.index - b.range().start.index);
    for (const stmt of statements) {
      try {
        if (stmt.kind() === 'call') {
          const call = describePyCall(stmt);
          const arg = call?.args[call.callee.endsWith('.insert') ? 1 : 0];
          if (arg) items = [...items, ...patternItems(ctx, file, arg, { name, items }, depth + 1)];
          continue;
        }
        const right = stmt.field('right');
        if (!right) continue;
        const value = patternItems(ctx, file, right, { name, items }, depth + 1);
        items = stmt.kind() === 'augmented_assignment' ? [...items, ...value] : value;
      } catch {
        // one odd statement never costs the rest of the list
      }
    }
  }
  ctx.listMemo.set(memoKey, items);
  return items;
}

/** Entries of a pattern-list expression: list literals, `+`, splats, variables (also imported ones), `format_suffix_patterns(...)`. */
function patternItems(ctx: Ctx, file: ParsedFile, expr: SyntaxNode, self: { name: string; items: Item[] } | undefined, depth: number): Item[] {
  if (depth > 24) return [];
  switch (expr.kind()) {
    case 'list':
    case 'tuple':
    case 'parenthesized_expression':
      return namedChildren(expr).flatMap((c) => (c.kind() === 'call' || c.kind() === 'attribute' ? [{ file, node: c }] : patternItems(ctx, file, c, self, depth + 1)));
    case 'list_splat':
      return namedChildren(expr).flatMap((c) => patternItems(ctx, file, c, self, depth + 1));
    case 'binary_operator':
      if (expr.field('operator')?.text() !== '+') return [];
      return [expr.field('left'), expr.field('right')].flatMap((side) => (side ? patternItems(ctx, file, side, self, depth + 1) : []));
    case 'identifier': {
      if (self && expr.text() === self.name) return self.items;
      const target = resolveListName(ctx, file, expr.text());
      return target ? moduleListItems(ctx, target.file, target.name, depth + 1) : [];
    }
    case 'attribute': {
      const attr = expr.field('attribute')?.text();
      if (attr === 'urls') return [{ file, node: expr }];
      const object = expr.field('object');
      const value = object ? evaluatePyExpression(object, { file }, ctx.load) : undefined;
      if (value?.kind === 'module' && value.file && attr) return moduleListItems(ctx, value.file, attr, depth + 1);
      return [];
    }
    case 'call': {
      const callee = bare(calleeName(expr));
      if (/^(path|re_path|url)$/.test(callee) || callee === 'get_urls') return [{ file, node: expr }];
      if (/^(format_suffix_patterns|i18n_patterns|patterns|list|tuple)$/.test(callee)) {
        const call = describePyCall(expr);
        // `patterns('prefix', url(...), ...)` (Django < 1.10) takes a view prefix first
        const args = (call?.args ?? []).filter((a, i) => !(callee === 'patterns' && i === 0 && a.kind() === 'string'));
        return args.flatMap((a) => (a.kind() === 'call' ? [{ file, node: a }] : patternItems(ctx, file, a, self, depth + 1)));
      }
      return [];
    }
    default:
      return [];
  }
}

/** A list variable by name: defined in this module, or imported from a project module (`from .api import api_patterns`). */
function resolveListName(ctx: Ctx, file: ParsedFile, name: string): { file: ParsedFile; name: string } | undefined {
  if (!file.ast) return undefined;
  if (pyModuleAssignments(file.ast).has(name)) return { file, name };
  const imported = pyImports(file.ast).get(name);
  if (!imported?.name) return undefined;
  const target = ctx.load(file, imported.module);
  if (target?.ast && pyModuleAssignments(target.ast).has(imported.name)) return { file: target, name: imported.name };
  return undefined;
}

function walkModule(ctx: Ctx, file: ParsedFile, scope: Scope): void {
  if (scope.depth > 12 || scope.stack.includes(file.path)) return;
  const inner = { ...scope, stack: [...scope.stack, file.path] };
  for (const item of moduleListItems(ctx, file, 'urlpatterns', 0)) walkItem(ctx, item, inner);
}

function walkItem(ctx: Ctx, item: Item, scope: Scope): void {
  try {
    const { file, node } = item;
    if (node.kind() === 'call' && /^(path|re_path|url)$/.test(bare(calleeName(node)))) walkPattern(ctx, file, node, scope);
    else if (node.kind() === 'attribute' && node.field('attribute')?.text() === 'urls') walkRouter(ctx, file, node.field('object'), scope);
    else if (node.kind() === 'call' && bare(calleeName(node)) === 'get_urls') walkRouter(ctx, file, node.field('function')?.field('object'), scope);
  } catch {
    // an odd pattern is skipped; the others still count
  }
}

function walkPattern(ctx: Ctx, file: ParsedFile, callNode: SyntaxNode, scope: Scope): void {
  const call = describePyCall(callNode)!;
  const isRegex = bare(call.callee) !== 'path';
  const routeNode = call.args[0] ?? call.keywords.get('route') ?? call.keywords.get('regex');
  const view = call.args[1] ?? call.keywords.get('view');
  if (!routeNode || !view) return;
  const raw = stringOf(file, routeNode);
  if (raw === undefined) return;
  const piece = isRegex ? raw.replace(/^\^/, '').replace(/\$$/, '') : raw;
  const inner: Scope = {
    ...scope,
    prefix: scope.prefix + piece,
    inputs: [...scope.inputs, ...pathInputs(piece, isRegex, file.locate(routeNode))],
    depth: scope.depth + 1,
  };
  walkView(ctx, file, view, inner, callNode);
}

/** A string literal, or a module-level constant holding one. */
function stringOf(file: ParsedFile, node: SyntaxNode): string | undefined {
  const literal = pyStringValue(node);
  if (literal !== undefined || node.kind() !== 'identifier' || !file.ast) return literal;
  const assigns = pyModuleAssignments(file.ast).get(node.text());
  return pyStringValue(assigns?.[assigns.length - 1]?.field('right'));
}

/** `<int:pk>` converters and `(?P<name>…)` groups of one pattern piece. */
function pathInputs(piece: string, isRegex: boolean, at: Location): RequestInput[] {
  const out: RequestInput[] = [];
  if (isRegex) {
    for (const m of piece.matchAll(/\(\?P<(\w+)>([^)]*)\)/g)) {
      const numeric = /^(\\d|\[0-9\])([+*]|\{\d+(,\d*)?\})$/.test(m[2]);
      out.push({ name: m[1], source: 'path', type: numeric ? 'int' : 'str', at });
    }
  } else {
    for (const m of piece.matchAll(/<(?:(\w+):)?(\w+)>/g)) out.push({ name: m[2], source: 'path', type: m[1] ? (CONVERTER_TYPES[m[1]] ?? m[1]) : 'str', at });
  }
  // DRF router placeholders (`{pk}`) are added by walkRouter itself
  return out;
}

function walkView(ctx: Ctx, file: ParsedFile, viewNode: SyntaxNode, scope: Scope, registration: SyntaxNode): void {
  let view = viewNode;
  const wrapperGuards: Guard[] = [];
  for (let hops = 0; hops < 8; hops++) {
    if (view.kind() === 'attribute' && /(^|[._])site\.urls$/.test(view.text())) {
      emitAdmin(ctx, file, view, scope, registration);
      return;
    }
    if (view.kind() === 'attribute' && view.field('attribute')?.text() === 'urls') {
      walkNinja(ctx, file, view.field('object'), { ...scope, guards: [...scope.guards, ...wrapperGuards] });
      return;
    }
    if (view.kind() !== 'call') break;
    const call = describePyCall(view)!;
    const name = bare(call.callee);
    if (name === 'include') {
      const target = call.args[0] ?? call.keywords.get('arg');
      if (target) walkInclude(ctx, file, target, { ...scope, guards: [...scope.guards, ...wrapperGuards] }, registration);
      return;
    }
    if (name === 'decorator_include') {
      const decorators = call.args[0];
      const target = call.args[1];
      if (!target) return;
      const guards = decorators ? namedChildrenOrSelf(decorators).flatMap((d) => decoratorGuards(ctx, file, d, 'route')) : [];
      walkInclude(ctx, file, target, { ...scope, guards: [...scope.guards, ...wrapperGuards, ...guards] });
      return;
    }
    if (name === 'as_view') {
      const classExpr = view.field('function')?.field('object');
      if (classExpr) walkClassView(ctx, file, classExpr, call.args[0], { ...scope, guards: [...scope.guards, ...wrapperGuards] }, registration);
      return;
    }
    // A wrapper around the view: login_required(View.as_view()), csrf_exempt(view), cache_page(60)(view)
    const wrapped = call.args[0];
    if (!wrapped || call.args.length > 1) return;
    wrapperGuards.push(...decoratorGuards(ctx, file, view.field('function')!, 'route'));
    view = wrapped;
  }
  if (view.kind() !== 'identifier' && view.kind() !== 'attribute') return;
  const value = evaluateView(ctx, file, view);
  const guarded = { ...scope, guards: [...scope.guards, ...wrapperGuards] };
  if (value?.kind === 'function') emitFunctionView(ctx, value.file as ParsedFile, value.fn, guarded, file.locate(registration));
  else if (value?.kind === 'external' && /(^|\.)obtain_(jwt_)?(auth_)?token$|(^|\.)(obtain|refresh|verify)_jwt_token$/.test(value.path))
    emitExternal(ctx, file, view.text(), ['POST'], guarded, registration, false);
}

/** What a view expression names; a bare name that only a `from .views import *` can supply is looked up in the star-imported project modules. */
function evaluateView(ctx: Ctx, file: ParsedFile, expr: SyntaxNode): PyValue<ParsedFile> | undefined {
  const value = evaluatePyExpression(expr, { file }, ctx.load);
  if (expr.kind() !== 'identifier' || (value && value.kind !== 'external') || !file.ast) return value;
  for (const stmt of file.findAll({ kind: 'import_from_statement', has: { kind: 'wildcard_import' } })) {
    const module = stmt.field('module_name')?.text();
    const target = module ? ctx.load(file, module) : undefined;
    const def = target?.ast ? pyDefinitions(target.ast).get(expr.text()) : undefined;
    if (target && def?.kind() === 'function_definition') return { kind: 'function', file: target, fn: def };
    if (target && def?.kind() === 'class_definition') return { kind: 'class', file: target, cls: def };
  }
  return value;
}

const namedChildrenOrSelf = (node: SyntaxNode) => (node.kind() === 'list' || node.kind() === 'tuple' ? namedChildren(node) : [node]);

function walkInclude(ctx: Ctx, file: ParsedFile, target: SyntaxNode, scope: Scope, registration?: SyntaxNode): void {
  // include(admin.site.urls), as Django < 2.0 wrote it
  if (registration && target.kind() === 'attribute' && /(^|[._])site\.urls$/.test(target.text())) {
    emitAdmin(ctx, file, target, scope, registration);
    return;
  }
  // include(('app.urls', 'app'), namespace='x') / include((patterns, 'app_name'))
  if (target.kind() === 'tuple' || target.kind() === 'parenthesized_expression') {
    const first = namedChildren(target)[0];
    if (first) walkInclude(ctx, file, first, scope, registration);
    return;
  }
  const module = pyStringValue(target);
  if (module !== undefined) {
    const included = resolvePyModule(ctx.files, file.path, module);
    if (included) {
      ctx.included.add(included.path);
      walkModule(ctx, included, scope);
    }
    return;
  }
  const list = target.kind() === 'identifier' ? resolveListName(ctx, file, target.text()) : undefined;
  if (list) {
    if (list.file !== file) ctx.included.add(list.file.path);
    for (const item of patternItems(ctx, file, target, undefined, 0)) walkItem(ctx, item, scope);
    return;
  }
  if (target.kind() === 'list' || target.kind() === 'binary_operator') {
    for (const item of patternItems(ctx, file, target, undefined, 0)) walkItem(ctx, item, scope);
    return;
  }
  if (target.kind() === 'attribute' && target.field('attribute')?.text() === 'urls') {
    walkRouter(ctx, file, target.field('object'), scope);
    return;
  }
  if (target.kind() === 'identifier' || target.kind() === 'attribute') {
    const value = evaluatePyExpression(target, { file }, ctx.load);
    if (value?.kind === 'module' && value.file) {
      ctx.included.add(value.file.path);
      walkModule(ctx, value.file as ParsedFile, scope);
    } else if (target.kind() === 'attribute') {
      for (const item of patternItems(ctx, file, target, undefined, 0)) walkItem(ctx, item, scope);
    }
  }
}

// ── Views ────────────────────────────────────────────────────────────────────────────────────

function handlerOf(ctx: Ctx, file: ParsedFile, fn: SyntaxNode, name: string): RouteHandler {
  const facts = handlerFacts(ctx, file, fn);
  return { name, file: file.path, startLine: facts.startLine, endLine: facts.endLine, isAsync: facts.isAsync, node: fn };
}

/** Path inputs (with `param` filled in when the handler has a parameter of that name), then what the handler reads from the request. */
interface HandlerFacts {
  startLine: number;
  endLine: number;
  isAsync: boolean;
  params: Set<string>;
  reads: RequestInput[];
  inline: Guard[];
}

/** What a handler function declares and reads, worked out once however many routes it serves. */
function handlerFacts(ctx: Ctx, file: ParsedFile, fn: SyntaxNode): HandlerFacts {
  const memoKey = `${file.path}:${fn.range().start.index}`;
  let facts = ctx.handlerMemo.get(memoKey);
  if (facts) return facts;
  const params = pyParameters(fn);
  // The request is the view's first parameter (after `self` in a class-based view), whatever it is called, or `self.request`.
  const requestNames = pyRequestObjectNames(file, fn);
  const first = params.find((p) => p.name !== 'self' && p.name !== 'cls');
  if (first?.name && !first.annotation && !first.default) requestNames.add(first.name);
  let reads: RequestInput[] = [];
  try {
    reads = pyRequestReads(file, fn, requestNames);
  } catch {
    // no body reads for this handler
  }
  const range = fn.range();
  const isAsync = fn.children().some((c) => c.kind() === 'async');
  facts = { startLine: range.start.line + 1, endLine: range.end.line + 1, isAsync, params: new Set(params.map((p) => p.name)), reads, inline: inlineGuards(file, fn) };
  ctx.handlerMemo.set(memoKey, facts);
  return facts;
}

/** Path inputs (with `param` filled in when the handler has a parameter of that name), then what the handler reads from the request. */
function routeInputs(ctx: Ctx, inputs: RequestInput[], file: ParsedFile | undefined, fn: SyntaxNode | undefined): RequestInput[] {
  if (!file || !fn) return inputs.map((i) => ({ ...i }));
  const facts = handlerFacts(ctx, file, fn);
  return [...inputs.map((i) => (facts.params.has(i.name) ? { ...i, param: i.name } : { ...i })), ...facts.reads.map((r) => ({ ...r }))];
}

function push(ctx: Ctx, route: Omit<Route, 'framework'>): void {
  ctx.routes.push({ framework: 'django', ...route, path: normalisePath(route.path) });
}

function emitAdmin(ctx: Ctx, file: ParsedFile, view: SyntaxNode, scope: Scope, registration: SyntaxNode): void {
  const at = file.locate(registration);
  push(ctx, {
    method: 'ANY',
    path: scope.prefix,
    at,
    handler: { name: view.text(), file: file.path, startLine: at.startLine ?? 1, endLine: at.endLine ?? at.startLine ?? 1, isAsync: false },
    guards: [...scope.guards, { name: `${view.text().replace(/\.urls$/, '')} (staff login)`, level: 'route', at: file.locate(view) }],
    inputs: scope.inputs.map((i) => ({ ...i })),
  });
}

/** A view outside the project (DRF's obtain_auth_token, simplejwt's token views, Django's auth views): a route with no handler body. */
function emitExternal(ctx: Ctx, file: ParsedFile, name: string, methods: string[], scope: Scope, registration: SyntaxNode, isDrf: boolean): void {
  const at = file.locate(registration);
  for (const method of methods) {
    push(ctx, {
      method,
      path: scope.prefix,
      at,
      handler: { name, file: file.path, startLine: at.startLine ?? 1, endLine: at.endLine ?? at.startLine ?? 1, isAsync: false },
      guards: [...scope.guards, ...(isDrf ? defaultGuards(ctx, method) : []), ...middlewareGuards(ctx, false)],
      inputs: scope.inputs.map((i) => ({ ...i })),
    });
  }
}

function emitFunctionView(ctx: Ctx, file: ParsedFile, fn: SyntaxNode, scope: Scope, at: Location): void {
  let methods: string[] | undefined;
  let isDrf = false;
  let permission: PermSpec | undefined;
  let loginNotRequired = false;
  const guards: Guard[] = [];
  for (const dec of pyDecorators(fn)) {
    const name = bare(calleeName(dec));
    const call = describePyCall(dec);
    if (name === 'require_http_methods' && call?.args[0]) methods = stringsIn(call.args[0]).map((m) => m.toUpperCase());
    else if (name === 'require_POST') methods = ['POST'];
    else if (name === 'require_GET' || name === 'require_safe') methods = ['GET'];
    else if (name === 'api_view') {
      isDrf = true;
      const list = call?.args[0] ?? call?.keywords.get('http_method_names');
      methods = list ? stringsIn(list).map((m) => m.toUpperCase()) : ['GET'];
    } else if (name === 'permission_classes' && call?.args[0]) permission = permSpec(file, call.args[0], dec);
    else if (name === 'login_not_required') loginNotRequired = true;
    else guards.push(...decoratorGuards(ctx, file, dec, 'route'));
  }
  for (const method of methods?.length ? methods : unrestrictedMethods(fn)) {
    push(ctx, {
      method,
      path: scope.prefix,
      at,
      handler: handlerOf(ctx, file, fn, pyFunctionName(fn)),
      guards: [
        ...scope.guards,
        ...guards,
        ...handlerFacts(ctx, file, fn).inline,
        ...(isDrf ? (permission ? permissionGuards(permission, method, 'route') : defaultGuards(ctx, method)) : []),
        ...middlewareGuards(ctx, loginNotRequired),
      ],
      inputs: routeInputs(ctx, scope.inputs, file, fn),
    });
  }
}

/** A request body read, or a write: model saves and deletes, queryset updates, many-to-many changes, raw SQL, mail, login/logout. */
const READS_BODY_OR_WRITES =
  /\.(POST|body|FILES|data|method)\b|\.(save|delete|create|bulk_create|bulk_update|get_or_create|update_or_create|execute|executemany|send|send_mail)\(|(\)|\bobjects)\.update\(|\w\.\w+\.(add|remove|set|clear)\(|\b(send_mail|login|logout)\(/;

/**
 * The methods a function view without a method decorator handles, as its body shows: Django
 * sends it every method, so `ANY` unless the body reads neither a request body nor `request.method`
 * and writes nothing (then it is a page that only reads: `GET`), or branches on `request.method`
 * (then the methods it names, and GET for the form it shows otherwise).
 */
function unrestrictedMethods(fn: SyntaxNode): string[] {
  const body = fn.field('body')?.text() ?? '';
  const named = new Set<string>();
  for (const m of body.matchAll(/\.method\s*(?:==|!=|\bin\b|\bnot\s+in\b)\s*[([{]?\s*((?:["'][A-Za-z]+["']\s*,?\s*)+)|["']([A-Za-z]+)["']\s*==\s*\w+\.method\b/g))
    for (const word of (m[1] ?? m[2] ?? '').matchAll(/[A-Za-z]+/g)) named.add(word[0].toUpperCase());
  if (named.size) return [...new Set(['GET', ...named])];
  if (READS_BODY_OR_WRITES.test(body)) return ['ANY'];
  return ['GET'];
}

function stringsIn(node: SyntaxNode): string[] {
  return [...node.text().matchAll(/["'](\w+)["']/g)].map((m) => m[1]);
}

function walkClassView(ctx: Ctx, file: ParsedFile, classExpr: SyntaxNode, initArg: SyntaxNode | undefined, scope: Scope, registration: SyntaxNode): void {
  const value = evaluateView(ctx, file, classExpr);
  if (value?.kind === 'external') {
    const name = bare(value.path);
    const methods = PROVIDED_METHODS[name];
    if (methods) emitExternal(ctx, file, name, methods, scope, registration, DRF_VIEW_BASES.test(name) || /^Token\w+View$/.test(name));
    return;
  }
  if (value?.kind !== 'class') return;
  const info = classInfo(ctx, value.file as ParsedFile, value.cls);
  const at = file.locate(registration);
  // `UserViewSet.as_view({'get': 'list', 'post': 'create'})`
  if (initArg?.kind() === 'dictionary') {
    for (const pair of namedChildren(initArg)) {
      const method = pyStringValue(pair.field('key'))?.toUpperCase();
      const action = pyStringValue(pair.field('value'));
      if (method && action) emitClassRoute(ctx, info, action, method, scope.prefix, at, scope, []);
    }
    return;
  }
  if (info.isViewSet) return;
  for (const method of classHttpMethods(info)) emitClassRoute(ctx, info, method.toLowerCase(), method, scope.prefix, at, scope, []);
}

function classHttpMethods(info: ClassInfo): string[] {
  const methods = new Set<string>();
  for (const base of info.external) for (const m of PROVIDED_METHODS[base] ?? []) methods.add(m);
  for (const m of HTTP_METHODS) if (info.methods.has(m)) methods.add(m.toUpperCase());
  // `head` falls back to `get` in Django; listing it separately adds nothing
  if (methods.has('GET')) methods.delete('HEAD');
  methods.delete('OPTIONS');
  let out = [...methods];
  if (info.httpMethodNames) out = out.filter((m) => info.httpMethodNames!.includes(m.toLowerCase()));
  return out;
}

/** One route served by a method (or ViewSet action) of a class-based view. */
function emitClassRoute(
  ctx: Ctx,
  info: ClassInfo,
  action: string,
  method: string,
  path: string,
  at: Location,
  scope: Scope,
  extraInputs: RequestInput[],
  actionPermission?: PermSpec,
): void {
  const defined = info.methods.get(action);
  const handler: RouteHandler = defined
    ? handlerOf(ctx, defined.file, defined.fn, `${info.name}.${action}`)
    : { name: `${info.name}.${action}`, file: info.file.path, startLine: info.cls.range().start.line + 1, endLine: info.cls.range().start.line + 1, isAsync: false };
  const branch = info.actionPermissions?.find((b) => b.names.length && (b.keys.has(action) || b.keys.has(method.toLowerCase())) !== b.negated);
  const permission = actionPermission ?? branch?.spec ?? info.permission;
  const guards = [
    ...scope.guards,
    ...info.classGuards,
    ...(info.methodGuards.get(action) ?? []),
    ...(defined ? [...pyDecorators(defined.fn).flatMap((d) => decoratorGuards(ctx, defined.file, d, 'route')), ...handlerFacts(ctx, defined.file, defined.fn).inline] : []),
    ...(info.isDrf ? (permission ? permissionGuards(permission, method, 'route') : defaultGuards(ctx, method)) : []),
    ...middlewareGuards(ctx, info.loginNotRequired),
  ];
  push(ctx, { method, path, at, handler, guards: uniqueGuards(guards), inputs: routeInputs(ctx, [...scope.inputs, ...extraInputs], defined?.file, defined?.fn) });
}

function uniqueGuards(guards: Guard[]): Guard[] {
  const seen = new Set<string>();
  return guards.filter((g) => {
    const k = `${g.level}:${g.name}:${g.at.file}:${g.at.startLine}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Methods, bases, permissions and guards of a class-based view, through its project base classes. */
function classInfo(ctx: Ctx, file: ParsedFile, cls: SyntaxNode): ClassInfo {
  const memoKey = `${file.path}:${cls.range().start.index}`;
  const known = ctx.classMemo.get(memoKey);
  if (known) return known;
  const info: ClassInfo = {
    file,
    cls,
    name: cls.field('name')?.text() ?? '<class>',
    methods: new Map(),
    external: [],
    externalPaths: [],
    isDrf: false,
    isViewSet: false,
    classGuards: [],
    methodGuards: new Map(),
    lookup: 'pk',
    loginNotRequired: false,
  };
  ctx.classMemo.set(memoKey, info);
  let lookupKwarg: string | undefined;
  let lookupField: string | undefined;
  let getPermissions: { file: ParsedFile; fn: SyntaxNode } | undefined;
  const visited = new Set<string>();
  const visit = (f: ParsedFile, c: SyntaxNode, depth: number, isSelf: boolean) => {
    const k = `${f.path}:${c.range().start.index}`;
    if (visited.has(k) || depth > 8) return;
    visited.add(k);
    const className = c.field('name')?.text() ?? '';
    const namedGuard = !isSelf && (GUARD_MIXINS.test(className) || (/Mixin$/.test(className) && isAuthGuardName(className)));
    if (namedGuard) info.classGuards.push({ name: className, level: 'route', at: f.locate(c.field('name') ?? c) });
    for (const [name, def] of pyDefinitions(c)) {
      if (def.kind() !== 'function_definition') continue;
      // Every `dispatch` on the way counts: an override usually ends in super().dispatch(...).
      if (name === 'dispatch') {
        for (const dec of pyDecorators(def)) info.classGuards.push(...decoratorGuards(ctx, f, dec, 'route'));
        if (!namedGuard && REJECTS_CALLER.test(def.text()))
          info.classGuards.push({ name: `${className}.dispatch`, level: 'route', at: f.locateLines(def.range().start.line + 1) });
      }
      if (info.methods.has(name)) continue;
      info.methods.set(name, { file: f, fn: def });
      if (name === 'get_permissions') getPermissions = { file: f, fn: def };
    }
    for (const stmt of c.field('body')?.children() ?? []) {
      const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((x) => x.kind() === 'assignment') : undefined;
      const left = assign?.field('left')?.text();
      const right = assign?.field('right');
      if (!assign || !right) continue;
      if (left === 'permission_classes' && !info.permission) info.permission = permSpec(f, right, assign);
      else if (left === 'lookup_url_kwarg' && lookupKwarg === undefined) lookupKwarg = pyStringValue(right);
      else if (left === 'lookup_field' && lookupField === undefined) lookupField = pyStringValue(right);
      else if (left === 'http_method_names' && !info.httpMethodNames) info.httpMethodNames = stringsIn(right).map((m) => m.toLowerCase());
    }
    for (const dec of pyDecorators(c)) {
      const name = bare(calleeName(dec));
      const call = describePyCall(dec);
      if (name === 'method_decorator' && call) {
        const target = pyStringValue(call.keywords.get('name')) ?? 'dispatch';
        const inner = call.args[0] ?? call.keywords.get('decorator');
        if (inner && namedChildrenOrSelf(inner).some((d) => bare(calleeName(d)) === 'login_not_required')) info.loginNotRequired = true;
        const guards = inner ? namedChildrenOrSelf(inner).flatMap((d) => decoratorGuards(ctx, f, d, 'route')) : [];
        if (target === 'dispatch') info.classGuards.push(...guards);
        else info.methodGuards.set(target, [...(info.methodGuards.get(target) ?? []), ...guards]);
      } else if (name === 'login_not_required') info.loginNotRequired = true;
      else info.classGuards.push(...decoratorGuards(ctx, f, dec, 'route'));
    }
    for (const base of c.field('superclasses')?.children() ?? []) {
      if (!base.isNamed() || base.kind() === 'keyword_argument' || base.kind() === 'comment') continue;
      const value = evaluatePyExpression(base, { file: f }, ctx.load);
      if (value?.kind === 'class') {
        visit(value.file as ParsedFile, value.cls, depth + 1, false);
        continue;
      }
      const path = value?.kind === 'external' ? value.path : base.text();
      const name = bare(path);
      info.external.push(name);
      info.externalPaths.push(path);
      if (GUARD_MIXINS.test(name) || (/Mixin$/.test(name) && isAuthGuardName(name))) info.classGuards.push({ name, level: 'route', at: f.locate(base) });
    }
  };
  try {
    visit(file, cls, 0, true);
  } catch {
    // keep what was found
  }
  info.lookup = lookupKwarg ?? lookupField ?? 'pk';
  info.isViewSet = info.external.some((n) => /ViewSet(Mixin)?$/.test(n));
  info.isDrf = info.isViewSet || info.external.some((n) => DRF_VIEW_BASES.test(n)) || info.externalPaths.some((p) => p.includes('rest_framework'));
  if (getPermissions) {
    const { file: gf, fn } = getPermissions;
    const at = gf.locateLines(fn.range().start.line + 1);
    const label = `${info.name}.get_permissions()`;
    const branches = actionBranches(fn);
    // What the method returns outside the per-action branches applies to every other action.
    let restText = fn.text();
    for (const b of branches) restText = restText.replace(b.text, '');
    const rest = permissionNames(restText);
    if (rest.length) info.permission = { elements: rest, label, at };
    info.actionPermissions = branches.map((b) => ({ ...b, spec: { elements: b.names, label, at } }));
  }
  return info;
}

const PERMISSION_NAME = /\b(Is[A-Z]\w*|Has[A-Z]\w*|Allow\w+|\w*Permissions?\b|TokenHas\w*|DjangoModelPermissions\w*)/g;

/** Permission classes named in a piece of code (`IsAuthenticated()`, `permissions.AllowAny`). */
function permissionNames(text: string): string[] {
  return [...new Set([...text.matchAll(PERMISSION_NAME)].map((m) => m[1]).filter((n) => !/^(get_permissions|permissions|Permission|BasePermission)$/.test(n)))];
}

/**
 * `if self.action in ("list", "retrieve"): return [AllowAny()]` and `if self.request.method in SAFE_METHODS:`
 * branches at the top of get_permissions, with the actions or (lower-case) methods they select.
 */
function actionBranches(fn: SyntaxNode): { keys: Set<string>; negated: boolean; names: string[]; text: string }[] {
  const out: { keys: Set<string>; negated: boolean; names: string[]; text: string }[] = [];
  const clauses: { condition: SyntaxNode | null; body: SyntaxNode | null }[] = [];
  for (const stmt of fn.field('body')?.children() ?? []) {
    if (stmt.kind() !== 'if_statement') continue;
    clauses.push({ condition: stmt.field('condition'), body: stmt.field('consequence') });
    for (const c of stmt.children()) if (c.kind() === 'elif_clause') clauses.push({ condition: c.field('condition'), body: c.field('consequence') });
  }
  for (const { condition, body } of clauses) {
    const text = condition?.text() ?? '';
    if (!body || !/\b(action|method)\b/.test(text)) continue;
    const keys = new Set([...text.matchAll(/["'](\w+)["']/g)].map((m) => m[1].toLowerCase()));
    if (/SAFE_METHODS/.test(text)) for (const m of ['get', 'head', 'options']) keys.add(m);
    if (keys.size) out.push({ keys, negated: /!=|\bnot\s+in\b/.test(text), names: permissionNames(body.text()), text: body.text() });
  }
  return out;
}

// ── DRF routers ──────────────────────────────────────────────────────────────────────────────

interface RouterDef {
  file: ParsedFile;
  name: string;
  /** For drf-nested-routers: the path a nested router hangs under (`users/{user_pk}/`). */
  base: string;
  baseInputs: RequestInput[];
}

function resolveRouter(ctx: Ctx, file: ParsedFile, objectExpr: SyntaxNode | null | undefined, depth = 0): RouterDef | undefined {
  if (depth > 4) return undefined;
  const found = resolveModuleObject(ctx, file, objectExpr, /Router$/);
  if (!found) return undefined;
  const target = { file: found.file, name: found.name };
  const call = found.call;
  if (/^Nested/.test(bare(call.callee))) {
    const parentPrefix = pyStringValue(call.args[1] ?? call.keywords.get('parent_prefix')) ?? '';
    const lookup = pyStringValue(call.keywords.get('lookup')) ?? 'parent';
    const at = target.file.locate(call.node);
    const parent = resolveRouter(ctx, target.file, call.args[0], depth + 1);
    return {
      ...target,
      base: `${parent?.base ?? ''}${parentPrefix}/{${lookup}_pk}/`,
      baseInputs: [...(parent?.baseInputs ?? []), { name: `${lookup}_pk`, source: 'path', type: 'str', at }],
    };
  }
  return { ...target, base: '', baseInputs: [] };
}

function walkRouter(ctx: Ctx, file: ParsedFile, objectExpr: SyntaxNode | null | undefined, scope: Scope): void {
  const router = resolveRouter(ctx, file, objectExpr);
  if (!router) {
    walkNinja(ctx, file, objectExpr, scope);
    return;
  }
  const registrations = [
    ...router.file.findAll({ kind: 'call', has: { field: 'function', regex: `^${router.name}\\.register$` } }).map((n) => ({ file: router.file, n })),
    ...(router.file !== file && objectExpr ? file.findAll({ kind: 'call', has: { field: 'function', regex: `^${objectExpr.text()}\\.register$` } }).map((n) => ({ file, n })) : []),
  ];
  for (const { file: regFile, n } of registrations) {
    try {
      const call = describePyCall(n)!;
      const prefixNode = call.args[0] ?? call.keywords.get('prefix');
      const viewsetNode = call.args[1] ?? call.keywords.get('viewset');
      const prefix = prefixNode ? stringOf(regFile, prefixNode) : undefined;
      if (prefix === undefined || !viewsetNode) continue;
      const value = evaluateView(ctx, regFile, viewsetNode);
      if (value?.kind !== 'class') continue;
      const info = classInfo(ctx, value.file as ParsedFile, value.cls);
      const at = regFile.locate(n);
      const listPath = `${scope.prefix}${router.base}${prefix}/`;
      const lookupInput: RequestInput = { name: info.lookup, source: 'path', type: 'str', at };
      const detailPath = `${listPath}{${info.lookup}}/`;
      const baseInputs = [...router.baseInputs, ...pathInputs(prefix, true, at)];
      const actions = new Set<string>();
      for (const base of info.external) for (const a of PROVIDED_ACTIONS[base] ?? []) actions.add(a);
      for (const { action } of ROUTER_ACTIONS) if (info.methods.has(action)) actions.add(action);
      const inner = { ...scope, inputs: [...scope.inputs, ...baseInputs] };
      for (const { action, method, detail } of ROUTER_ACTIONS) {
        if (!actions.has(action)) continue;
        emitClassRoute(ctx, info, action, method, detail ? detailPath : listPath, at, inner, detail ? [lookupInput] : []);
      }
      for (const [name, { file: fnFile, fn }] of info.methods) {
        const dec = pyDecorators(fn).find((d) => /^(action|detail_route|list_route)$/.test(bare(calleeName(d))));
        if (!dec) continue;
        const decCall = describePyCall(dec);
        const detail = bare(calleeName(dec)) === 'detail_route' || decCall?.keywords.get('detail')?.text() === 'True';
        const urlPath = pyStringValue(decCall?.keywords.get('url_path')) ?? name;
        const methods = decCall?.keywords.get('methods') ? stringsIn(decCall.keywords.get('methods')!).map((m) => m.toUpperCase()) : ['GET'];
        const permissionNode = decCall?.keywords.get('permission_classes');
        const actionPermission = permissionNode ? permSpec(fnFile, permissionNode, permissionNode) : undefined;
        const actionAt = fnFile.locateLines(dec.range().start.line + 1, fn.range().start.line + 1);
        for (const method of methods.length ? methods : ['GET'])
          emitClassRoute(ctx, info, name, method, `${detail ? detailPath : listPath}${urlPath}/`, actionAt, inner, detail ? [lookupInput] : [], actionPermission);
      }
    } catch {
      // skip this registration
    }
  }
}

// ── Guards ───────────────────────────────────────────────────────────────────────────────────

/** The guard a decorator (or url wrapper) adds: Django's auth decorators, method_decorator(...) of one, project decorators that reject callers, auth-named ones. */
function decoratorGuards(ctx: Ctx, file: ParsedFile, dec: SyntaxNode, level: GuardLevel): Guard[] {
  const head = dec.kind() === 'call' ? dec.field('function') : dec;
  if (!head) return [];
  // cache_page(60)(view) / permission_required('x')(view): the callee is itself a call
  const name = bare(head.kind() === 'call' ? calleeName(head) : head.text());
  if (name === 'method_decorator' && dec.kind() === 'call') {
    const inner = describePyCall(dec)?.args[0];
    return inner ? namedChildrenOrSelf(inner).flatMap((d) => decoratorGuards(ctx, file, d, level)) : [];
  }
  if (NOT_GUARD_DECORATORS.test(name)) return [];
  if (GUARD_DECORATORS.test(name) || ctx.rejecting.has(name) || isAuthGuardName(name)) return [{ name: dec.text().slice(0, 120), level, at: file.locate(dec) }];
  return [];
}

const USER_CHECK = /\bnot\s+[\w.]*user\.(is_authenticated|is_staff|is_superuser|is_active|has_perms?\()|[\w.]*user\.is_anonymous\b/;
const REJECTION = /\b(return\s+(redirect|HttpResponseRedirect|HttpResponseForbidden|redirect_to_login|(Json|Http)?Response\([^)]*status\s*=\s*(40[13]|status\.HTTP_40[13]\w*))|raise\s+(PermissionDenied|NotAuthenticated|AuthenticationFailed|Http404))/;

/** `if not request.user.is_authenticated: return redirect(...)` written at the top level of the view body. */
function inlineGuards(file: ParsedFile, fn: SyntaxNode): Guard[] {
  for (const stmt of fn.field('body')?.children() ?? []) {
    if (stmt.kind() !== 'if_statement') continue;
    const condition = stmt.field('condition');
    const consequence = stmt.field('consequence');
    if (condition && consequence && USER_CHECK.test(condition.text()) && REJECTION.test(consequence.text()))
      return [{ name: `if ${condition.text().slice(0, 80)}`, level: 'route', at: file.locate(condition) }];
  }
  return [];
}

function permSpec(file: ParsedFile, value: SyntaxNode, where: SyntaxNode): PermSpec {
  const literal = value.kind() === 'list' || value.kind() === 'tuple';
  const elements = literal ? namedChildren(value).map((c) => c.text()) : undefined;
  const label = `permission_classes: ${elements ? elements.join(', ') : value.text()}`;
  return { elements, label: label.slice(0, 120), at: file.locate(where) };
}

/**
 * Whether a DRF permission list requires an authenticated caller for this method: `AllowAny`
 * (or `X | AllowAny`) lets anyone in, `...OrReadOnly` classes only guard writes, an empty list
 * is public, anything else (IsAuthenticated, IsAdminUser, custom classes) is a guard.
 */
function permissionGuards(spec: PermSpec, method: string, level: GuardLevel): Guard[] {
  if (!spec.elements) return [{ name: spec.label, level, at: spec.at }];
  const safe = SAFE_METHODS.has(method);
  const operandGuards = (operand: string) => {
    const name = bare(operand.replace(/[()\s]/g, ' ').trim().split(/\s+/).pop() ?? operand);
    if (name === 'AllowAny') return false;
    if (/ReadOnly$|OrReadOnly|OrAnonReadOnly/.test(name)) return !safe;
    return true;
  };
  const elementGuards = (element: string) => element.split('|').every((alt) => alt.split('&').some((part) => operandGuards(part.replace(/\(\)\s*$/, ''))));
  return spec.elements.some(elementGuards) ? [{ name: spec.label, level, at: spec.at }] : [];
}

function defaultGuards(ctx: Ctx, method: string): Guard[] {
  return ctx.settings.drfDefault ? permissionGuards(ctx.settings.drfDefault, method, 'app') : [];
}

function middlewareGuards(ctx: Ctx, exempt: boolean): Guard[] {
  const middleware = ctx.settings.loginMiddleware;
  return middleware && !exempt ? [{ name: middleware.name, level: 'app', at: middleware.at }] : [];
}

// ── Django Ninja ─────────────────────────────────────────────────────────────────────────────

const NINJA_METHODS: Record<string, string> = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE' };
const NINJA_PARAM_SOURCES: Record<string, RequestInput['source']> = { Query: 'query', Path: 'path', Body: 'body', Form: 'form', File: 'file', Header: 'header', Cookie: 'cookie' };
const NINJA_SCALAR = /^(Optional\[)?(int|str|float|bool|date|datetime|UUID|uuid\.UUID|Decimal|list\[(int|str)\]|List\[(int|str)\])\]?(\s*\|\s*None)?$/;

/** A module-level `name = Ctor(...)` object by reference (also imported from another project module), when its constructor matches. */
function resolveModuleObject(ctx: Ctx, file: ParsedFile, expr: SyntaxNode | null | undefined, ctor: RegExp): { file: ParsedFile; name: string; call: ReturnType<typeof describePyCall> & object } | undefined {
  if (!expr || expr.kind() !== 'identifier' || !file.ast) return undefined;
  let target = { file, name: expr.text() };
  if (!pyModuleAssignments(file.ast).has(target.name)) {
    const imported = pyImports(file.ast).get(target.name);
    const other = imported?.name ? ctx.load(file, imported.module) : undefined;
    if (!other?.ast || !imported?.name || !pyModuleAssignments(other.ast).has(imported.name)) return undefined;
    target = { file: other, name: imported.name };
  }
  const assigns = pyModuleAssignments(target.file.ast!).get(target.name) ?? [];
  const right = assigns[assigns.length - 1]?.field('right');
  const call = right ? describePyCall(right) : undefined;
  return call && ctor.test(bare(call.callee)) ? { ...target, call } : undefined;
}

/** `auth=` of a Ninja API, router or operation: a guard, explicitly none (`auth=None`), or not set. */
function ninjaAuth(file: ParsedFile, value: SyntaxNode | undefined, level: GuardLevel): Guard[] | undefined {
  if (!value) return undefined;
  if (value.text() === 'None' || value.text() === '[]') return [];
  return [{ name: `auth=${value.text()}`.slice(0, 120), level, at: file.locate(value) }];
}

/** Routes of a Django Ninja API mounted with `path("api/", api.urls)`: its operations and those of the routers added to it. */
function walkNinja(ctx: Ctx, file: ParsedFile, apiExpr: SyntaxNode | null | undefined, scope: Scope): void {
  const api = resolveModuleObject(ctx, file, apiExpr, /^Ninja(Extra)?API$/);
  if (!api) return;
  const apiAuth = ninjaAuth(api.file, api.call.keywords.get('auth'), 'app') ?? [];
  walkNinjaOwner(ctx, api.file, api.name, scope.prefix, scope, apiAuth, 0);
}

function walkNinjaOwner(ctx: Ctx, file: ParsedFile, name: string, prefix: string, scope: Scope, inherited: Guard[], depth: number): void {
  if (depth > 6) return;
  // Operations: `@api.get("/items/{item_id}")` in the owner's module or where it is imported.
  const users = [file, ...ctx.files.ofKind('python', { containing: [name] }).filter((f) => f !== file && f.ast && [...pyImports(f.ast).values()].some((i) => i.name === name && ctx.load(f, i.module) === file))];
  for (const user of users) {
    const local = user === file ? name : ([...pyImports(user.ast!).entries()].find(([, i]) => i.name === name)?.[0] ?? name);
    for (const fn of user.findAll({ kind: 'function_definition', inside: { kind: 'decorated_definition' } })) {
      for (const dec of pyDecorators(fn)) {
        const call = describePyCall(dec);
        if (!call || !call.callee.startsWith(`${local}.`)) continue;
        const attr = call.callee.slice(local.length + 1);
        let methods: string[];
        let pathNode: SyntaxNode | undefined;
        if (NINJA_METHODS[attr]) {
          methods = [NINJA_METHODS[attr]];
          pathNode = call.args[0] ?? call.keywords.get('path');
        } else if (attr === 'api_operation') {
          methods = call.args[0] ? stringsIn(call.args[0]).map((m) => m.toUpperCase()) : [];
          pathNode = call.args[1] ?? call.keywords.get('path');
        } else continue;
        const path = pathNode ? pyStringValue(pathNode) : undefined;
        if (path === undefined) continue;
        const own = ninjaAuth(user, call.keywords.get('auth'), 'route');
        const guards = [...scope.guards, ...(own ?? inherited)];
        const at = user.locateLines(dec.range().start.line + 1, fn.range().start.line + 1);
        for (const method of methods)
          push(ctx, { method, path: prefix + path, at, handler: handlerOf(ctx, user, fn, pyFunctionName(fn)), guards, inputs: ninjaInputs(user, fn, path, scope.inputs, at) });
      }
    }
  }
  // Routers: `api.add_router("/orders", orders_router, auth=...)`, also given as a module string.
  for (const user of users) {
    const local = user === file ? name : ([...pyImports(user.ast!).entries()].find(([, i]) => i.name === name)?.[0] ?? name);
    for (const node of user.findAll({ kind: 'call', has: { field: 'function', regex: `^${local}\\.add_router$` } })) {
      try {
        const call = describePyCall(node)!;
        const sub = pyStringValue(call.args[0] ?? call.keywords.get('prefix')) ?? '';
        const routerNode = call.args[1] ?? call.keywords.get('router');
        if (!routerNode) continue;
        let router: { file: ParsedFile; name: string; call: { keywords: Map<string, SyntaxNode> } } | undefined;
        const dotted = pyStringValue(routerNode);
        if (dotted !== undefined) {
          const dot = dotted.lastIndexOf('.');
          const module = dot > 0 ? resolvePyModule(ctx.files, user.path, dotted.slice(0, dot)) : undefined;
          const assigns = module?.ast ? pyModuleAssignments(module.ast).get(dotted.slice(dot + 1)) : undefined;
          const rc = assigns?.length ? describePyCall(assigns[assigns.length - 1].field('right')!) : undefined;
          if (module && rc && bare(rc.callee) === 'Router') router = { file: module, name: dotted.slice(dot + 1), call: rc };
        } else router = resolveModuleObject(ctx, user, routerNode, /^Router$/);
        if (!router) continue;
        const guards = ninjaAuth(user, call.keywords.get('auth'), 'router') ?? ninjaAuth(router.file, router.call.keywords.get('auth'), 'router') ?? inherited;
        walkNinjaOwner(ctx, router.file, router.name, prefix + sub, scope, guards, depth + 1);
      } catch {
        // skip this router
      }
    }
  }
}

/** Ninja operation inputs: `{item_id}` / `{int:item_id}` path parameters, then the function's other parameters by their annotation. */
function ninjaInputs(file: ParsedFile, fn: SyntaxNode, path: string, inherited: RequestInput[], at: Location): RequestInput[] {
  const params = pyParameters(fn);
  const byName = new Map(params.map((p) => [p.name, p]));
  const out: RequestInput[] = inherited.map((i) => ({ ...i }));
  const inPath = new Set<string>();
  for (const m of path.matchAll(/\{(?:(\w+):)?(\w+)\}/g)) {
    inPath.add(m[2]);
    const param = byName.get(m[2]);
    out.push({ name: m[2], source: 'path', param: param ? m[2] : undefined, type: param?.annotation?.text() ?? (m[1] ? (CONVERTER_TYPES[m[1]] ?? m[1]) : 'str'), at });
  }
  params.slice(1).forEach((p) => {
    if (!p.name || inPath.has(p.name) || p.name === 'self') return;
    const annotation = p.annotation?.text() ?? '';
    const marker = /^(Query|Path|Body|Form|File|Header|Cookie)\[/.exec(annotation)?.[1] ?? /^(Query|Path|Body|Form|File|Header|Cookie)\(/.exec(p.default?.text() ?? '')?.[1];
    const source = marker ? NINJA_PARAM_SOURCES[marker] : /UploadedFile/.test(annotation) ? 'file' : !annotation || NINJA_SCALAR.test(annotation) ? 'query' : 'body';
    out.push({ name: source === 'body' ? '*' : p.name, source, param: p.name, type: annotation || undefined, at: file.locate(p.node) });
  });
  try {
    return [...out, ...pyRequestReads(file, fn, new Set([params[0]?.name ?? 'request']))];
  } catch {
    return out;
  }
}
