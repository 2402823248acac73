/**
 * Flask routes: `Flask` apps (also built in an app factory), blueprints registered across modules
 * and nested, `@app.route` / `@bp.get` decorators, `add_url_rule` with functions and class-based
 * views (`MethodView.as_view`), and Flask-RESTful / flask-restx / flask-smorest resources. Guards
 * come from auth decorators on the view, `decorators` / `method_decorators` on view classes, Api
 * and Namespace `decorators=[…]`, and `before_request` hooks that reject unauthenticated callers
 * (minus the endpoints or paths they exempt).
 */
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Guard, GuardLevel, RequestInput, Route } from '../../model/repo-index.ts';
import {
  describePyCall,
  evaluatePyExpression,
  isAsyncPyFunction,
  pyBaseClasses,
  pyDecorators,
  pyDefinitions,
  pyFunctionName,
  pyImports,
  pyModuleAssignments,
  pyOwnNodes,
  pyParameters,
  pyQualifiedName,
  pyStringValue,
  type PyModuleLoader,
} from '../../parse/python-syntax.ts';
import { normalisePath } from './fastapi.ts';
import { isAuthGuardName } from './guard-names.ts';
import { cachedPyModuleLoader, importedReference, resolvePyModule } from './python-modules.ts';
import { pyRequestReads } from './python-request-inputs.ts';

type OwnerKind = 'app' | 'blueprint' | 'api' | 'namespace';

/** Which routes a hook's early return or conditional check singles out. */
interface RouteMatcher {
  field: 'endpoint' | 'path' | 'blueprint';
  op: 'eq' | 'prefix' | 'contains';
  values: string[];
}
/** A guard that applies to every route of an owner, except (or only) the routes its hook names. */
interface ScopedGuard {
  guard: Guard;
  /** Routes the hook lets through without checking. */
  exempt: RouteMatcher[];
  /** When set, the hook checks only these routes. */
  only?: RouteMatcher[];
}
interface Owner {
  key: string;
  file: string;
  name: string;
  kind: OwnerKind;
  prefix: string;
  /** Blueprint name (the first argument of `Blueprint('auth', …)`), the head of its endpoints. */
  bpName?: string;
  guards: ScopedGuard[];
  /** `before_app_request` hooks: guards for every route of the app the blueprint is registered on. */
  appGuards: ScopedGuard[];
}
interface Mount {
  parent: string;
  /** `register_blueprint(bp, url_prefix=…)` replaces the blueprint's own prefix; undefined keeps it. */
  prefix?: string;
  name?: string;
}
interface Chain {
  prefix: string;
  guards: ScopedGuard[];
  endpointHead: string[];
  root: string;
}
interface RawRoute {
  owner: string;
  /** `NoteAPI.get` for a method of a class-based view; the function name otherwise. */
  handlerName?: string;
  method: string;
  path: string;
  at: Location;
  fn: SyntaxNode;
  file: ParsedFile;
  guards: Guard[];
  endpoint: string;
}

const key = (file: string, name: string) => `${file}#${name}`;

const FLASK_MODULES = /^(flask|flask_restful|flask_restx|flask_restplus|flask_smorest|apiflask)(\.|$)/;
const OWNER_CTORS: Record<string, OwnerKind> = {
  Flask: 'app',
  APIFlask: 'app',
  Blueprint: 'blueprint',
  APIBlueprint: 'blueprint',
  Api: 'api',
  Namespace: 'namespace',
};
const SHORTCUT_METHODS: Record<string, string> = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE' };
const VIEW_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

/** `x = Flask(…)`, `bp = Blueprint(…)`, `api = Api(…)`, `ns = api.namespace(…)` anywhere (app factories too). */
const OWNER_ASSIGNMENT = {
  kind: 'assignment',
  has: { field: 'right', kind: 'call', has: { field: 'function', regex: '(Flask|Blueprint|Api|Namespace|\\.namespace)$' } },
};
const OWNER_CALL = {
  kind: 'call',
  has: { field: 'function', regex: '\\.(register_blueprint|init_app|add_namespace|add_url_rule|add_resource|before_request|before_app_request)$' },
};
const DECORATED = { any: [{ kind: 'function_definition' }, { kind: 'class_definition' }], inside: { kind: 'decorated_definition' } };
/** All three in one walk of each file, sorted into kinds afterwards. */
/** `app.route('/x', methods=['POST'])(view)`: the decorator applied by hand. */
const ROUTE_APPLIED = { kind: 'call', has: { field: 'function', kind: 'call', has: { field: 'function', regex: '\\.(route|get|post|put|patch|delete)$' } } };
const INTERESTING = { any: [OWNER_ASSIGNMENT, OWNER_CALL, DECORATED, ROUTE_APPLIED] };

/** Files that can declare Flask routes, owners or mounts (a views module may never import flask itself). */
const CANDIDATE = /\b(flask|Flask|Blueprint)\b|\.(route|add_url_rule|add_resource|register_blueprint|before_request|before_app_request|resource)\(|@\s*[\w.]+\.(get|post|put|patch|delete)\(|\.before_(app_)?request\b/;

/**
 * A decorator or hook rejects unauthenticated callers when its body aborts or answers 401/403,
 * checks Flask-Login's `is_authenticated`, decodes or verifies a token, compares a credential or
 * redirects to a login page.
 */
const REJECTS_CALLER =
  /(\babort\(\s*(40[13]|HTTPStatus\.(UNAUTHORIZED|FORBIDDEN)|code\s*=\s*40[13])|,\s*40[13]\b|\(\s*40[13]\s*[,)]|status(_code)?\s*=\s*40[13]|HTTPStatus\.(UNAUTHORIZED|FORBIDDEN)|\b(Unauthorized|Forbidden)\(|raise\s+(Unauthorized|Forbidden)\b|\bis_authenticated\b|\bjwt\.decode\(|verify_jwt_in_request|compare_digest|WWW-Authenticate|url_for\(\s*['"][\w.]*log_?in['"]|redirect\(\s*['"][^'"]*log_?in|\bunauthorized\(\)|verify_(token|password|api_?key|signature|auth)|check_(auth|token|api_?key|password|credentials))/;

/** Auth-looking decorator names that only manage a database session or a transaction. */
const NOT_AUTH_DECORATOR = /(db_?session|session_?scope|with_session|transaction|commit|csrf|cache|limit)/i;

/** Flask routes with full paths, guards (route, blueprint and app level) and declared path inputs. */
export function extractFlaskRoutes(files: ParsedFiles): Route[] {
  const pyFiles = files.ofKind('python').filter((f) => f.ast && CANDIDATE.test(f.text));
  const load = cachedPyModuleLoader(files);
  const owners = new Map<string, Owner>();
  const mounts = new Map<string, Mount[]>();
  const pendingMounts: { file: ParsedFile; child: string; parentRef: SyntaxNode; prefix?: string }[] = [];
  const authFunctions = new AuthFunctions(load);
  const nodes = new Map<ParsedFile, { assignments: SyntaxNode[]; calls: SyntaxNode[]; definitions: SyntaxNode[]; applied: SyntaxNode[] }>();
  const nodesOf = (file: ParsedFile) => {
    let found = nodes.get(file);
    if (!found) {
      found = { assignments: [], calls: [], definitions: [], applied: [] };
      for (const node of file.findAll(INTERESTING)) {
        const kind = node.kind();
        if (kind === 'assignment') found.assignments.push(node);
        else if (kind === 'call' && node.field('function')?.kind() === 'call') found.applied.push(node);
        else if (kind === 'call') found.calls.push(node);
        else found.definitions.push(node);
      }
      nodes.set(file, found);
    }
    return found;
  };

  // 1. Owners: apps, blueprints, Api and Namespace objects.
  for (const file of pyFiles) {
    for (const assign of nodesOf(file).assignments) {
      guarded(() => {
        const target = assign.field('left');
        const call = describePyCall(assign.field('right') ?? assign);
        if (!target || target.kind() !== 'identifier' || !call) return;
        const name = target.text();
        const k = key(file.path, name);
        if (call.callee.endsWith('.namespace')) {
          // `ns = api.namespace('users', path='/users')`: mounted on the api once owners are known.
          const nsName = pyStringValue(call.args[0] ?? call.keywords.get('name')) ?? '';
          const path = pyStringValue(call.keywords.get('path')) ?? (nsName ? `/${nsName}` : '');
          const parentRef = assign.field('right')?.field('function')?.field('object');
          if (!parentRef) return;
          owners.set(k, newOwner(k, file.path, name, 'namespace', path, guardsFromDecoratorList(file, call.keywords.get('decorators'), 'router', authFunctions)));
          pendingMounts.push({ file, child: k, parentRef, prefix: undefined });
          return;
        }
        const kind = ownerKindOf(file, call.callee);
        if (!kind) return;
        let prefix = '';
        let bpName: string | undefined;
        if (kind === 'blueprint') {
          prefix = pyStringValue(call.keywords.get('url_prefix')) ?? '';
          bpName = pyStringValue(call.args[0] ?? call.keywords.get('name'));
        } else if (kind === 'api') prefix = pyStringValue(call.keywords.get('prefix')) ?? '';
        else if (kind === 'namespace') {
          const nsName = pyStringValue(call.args[0] ?? call.keywords.get('name')) ?? '';
          prefix = pyStringValue(call.keywords.get('path')) ?? (nsName ? `/${nsName}` : '');
        }
        const guards = kind === 'app' ? [] : guardsFromDecoratorList(file, call.keywords.get('decorators'), 'router', authFunctions);
        owners.set(k, newOwner(k, file.path, name, kind, prefix, guards, bpName));
        // `Api(app)` / `Api(blueprint)` attaches the api right away.
        const attachedTo = kind === 'api' ? (call.args[0] ?? call.keywords.get('app')) : undefined;
        if (attachedTo && attachedTo.text() !== 'None') pendingMounts.push({ file, child: k, parentRef: attachedTo });
      });
    }
  }

  const resolver = new OwnerResolver(files, pyFiles, owners, load);
  for (const m of pendingMounts) {
    guarded(() => {
      const parent = resolver.resolve(m.file, m.parentRef.text(), m.parentRef);
      if (parent && parent !== m.child) addMount(mounts, m.child, { parent, prefix: m.prefix });
    });
  }

  // 2. Mounts and hooks registered by call: register_blueprint, init_app, add_namespace, before_request(fn).
  const registrations: { file: ParsedFile; call: NonNullable<ReturnType<typeof describePyCall>>; owner: string; attr: string }[] = [];
  for (const file of pyFiles) {
    for (const node of nodesOf(file).calls) {
      guarded(() => {
        const call = describePyCall(node);
        if (!call) return;
        const dot = call.callee.lastIndexOf('.');
        const attr = call.callee.slice(dot + 1);
        const objectText = call.callee.slice(0, dot);
        const owner =
          resolver.resolve(file, objectText, node) ??
          (/^(register_blueprint|add_url_rule|add_resource|add_namespace|before_request|before_app_request)$/.test(attr) ? resolver.implicitOwner(file, objectText, node) : undefined);
        if (!owner) return;
        const ownerInfo = owners.get(owner)!;
        if (attr === 'register_blueprint' || attr === 'add_namespace') {
          const child = call.args[0] ? resolver.resolve(file, call.args[0].text(), node) : undefined;
          if (!child || child === owner) return;
          const prefixNode = call.keywords.get(attr === 'register_blueprint' ? 'url_prefix' : 'path');
          addMount(mounts, child, { parent: owner, prefix: prefixNode ? (pyStringValue(prefixNode) ?? '') : undefined, name: pyStringValue(call.keywords.get('name')) });
        } else if (attr === 'init_app') {
          if (ownerInfo.kind !== 'api' || !call.args[0]) return;
          const parent = resolver.resolve(file, call.args[0].text(), node);
          if (parent && parent !== owner) addMount(mounts, owner, { parent });
        } else if (attr === 'before_request' || attr === 'before_app_request') {
          const target = call.args[0];
          const value = target ? evaluatePyExpression(target, { file }, load) : undefined;
          const hook = value?.kind === 'function' ? { file: value.file as ParsedFile, fn: value.fn } : undefined;
          if (!hook) return;
          addHook(files, ownerInfo, attr, hook.file, hook.fn, file.locate(node), authFunctions);
        } else registrations.push({ file, call, owner, attr });
      });
    }
  }

  // 3. Decorated functions and classes: route decorators and before_request hooks.
  const raw: RawRoute[] = [];
  for (const file of pyFiles) {
    guarded(() => {
      for (const def of nodesOf(file).definitions) {
        const decorators = pyDecorators(def);
        decorators.forEach((decorator, position) => {
          guarded(() => {
            const isCall = decorator.kind() === 'call';
            const callee = isCall ? (decorator.field('function')?.text() ?? '') : decorator.text();
            const dot = callee.lastIndexOf('.');
            if (dot < 0) return;
            const attr = callee.slice(dot + 1);
            const objectText = callee.slice(0, dot);
            if (!isCall && (attr === 'before_request' || attr === 'before_app_request') && def.kind() === 'function_definition') {
              const owner = resolver.resolve(file, objectText, def);
              if (owner) addHook(files, owners.get(owner)!, attr, file, def, file.locate(decorator), authFunctions);
              return;
            }
            if (!isCall || !(attr === 'route' || attr === 'resource' || attr in SHORTCUT_METHODS)) return;
            const call = describePyCall(decorator)!;
            const pathNode = call.args[0] ?? call.keywords.get('rule');
            const path = pyStringValue(pathNode);
            if (path === undefined) return;
            const owner = resolver.resolve(file, objectText, def) ?? (path.startsWith('/') ? resolver.implicitOwner(file, objectText, def) : undefined);
            if (!owner) return;
            const ownerKind = owners.get(owner)!.kind;
            if (def.kind() === 'function_definition') {
              if (attr === 'resource' || ownerKind === 'api' || ownerKind === 'namespace') return;
              // Decorators above the route decorator wrap the function after Flask registered it: they never run.
              const applied = decorators.slice(position + 1);
              const guards = guardsFromDecorators(file, applied, 'route', authFunctions);
              const endpoint = pyStringValue(call.keywords.get('endpoint')) ?? pyFunctionName(def);
              const at = file.locateLines(decorator.range().start.line + 1, def.range().start.line + 1);
              for (const method of routeMethods(attr, call.keywords.get('methods'), files, file))
                raw.push({ owner, method, path, at, fn: def, file, guards, endpoint });
            } else {
              if (attr in SHORTCUT_METHODS) return;
              const endpoint = pyStringValue(call.keywords.get('endpoint')) ?? (def.field('name')?.text() ?? '').toLowerCase();
              const paths = [path, ...call.args.slice(1).map((a) => pyStringValue(a)).filter((p): p is string => p !== undefined)];
              for (const p of paths) raw.push(...classRoutes(file, def, owner, p, endpoint, load, authFunctions));
            }
          });
        });
      }
    });
  }

  // `app.route('/x')(view)`
  for (const file of pyFiles) {
    for (const node of nodesOf(file).applied) {
      guarded(() => {
        const inner = describePyCall(node.field('function')!);
        const registered = describePyCall(node)?.args[0];
        const dot = inner?.callee.lastIndexOf('.') ?? -1;
        if (!inner || !registered || dot < 0) return;
        const path = pyStringValue(inner.args[0] ?? inner.keywords.get('rule'));
        const owner = path === undefined ? undefined : resolver.resolve(file, inner.callee.slice(0, dot), node);
        const { view, wrappers } = unwrapView(registered);
        const fn = owner ? resolveFunction(file, view, load) : undefined;
        if (!fn || path === undefined || !owner) return;
        const attr = inner.callee.slice(dot + 1);
        const guards = [...guardsFromDecorators(file, wrappers, 'route', authFunctions), ...guardsFromDecorators(fn.file, pyDecorators(fn.fn), 'route', authFunctions)];
        const endpoint = pyStringValue(inner.keywords.get('endpoint')) ?? pyFunctionName(fn.fn);
        for (const method of routeMethods(attr, inner.keywords.get('methods'), files, file))
          raw.push({ owner, method, path, at: file.locate(node), fn: fn.fn, file: fn.file, guards, endpoint });
      });
    }
  }

  // 4. Registrations by call: add_url_rule and add_resource.
  for (const { file, call, owner, attr } of registrations) {
    guarded(() => {
      const at = file.locate(call.node);
      if (attr === 'add_url_rule') {
        const path = pyStringValue(call.args[0] ?? call.keywords.get('rule'));
        const registered = call.keywords.get('view_func') ?? call.args[2];
        if (path === undefined || !registered) return;
        // `login_required(view)`, `auth.login_required(NoteAPI.as_view('note'))`: the wrappers guard the view.
        const { view, wrappers } = unwrapView(registered);
        const wrapperGuards = guardsFromDecorators(file, wrappers, 'route', authFunctions);
        const endpointKw = pyStringValue(call.keywords.get('endpoint') ?? call.args[1]);
        const asView = view.kind() === 'call' ? describePyCall(view) : undefined;
        if (asView && /\.as_view$/.test(asView.callee)) {
          const clsRef = view.field('function')?.field('object');
          const value = clsRef ? evaluatePyExpression(clsRef, { file }, load) : undefined;
          if (value?.kind !== 'class') return;
          const endpoint = endpointKw ?? pyStringValue(asView.args[0] ?? asView.keywords.get('name')) ?? '';
          for (const route of classRoutes(value.file, value.cls, owner, path, endpoint, load, authFunctions, call.keywords.get('methods')))
            raw.push({ ...route, guards: [...wrapperGuards, ...route.guards] });
          return;
        }
        const fn = resolveFunction(file, view, load);
        if (!fn) return;
        const guards = [...wrapperGuards, ...guardsFromDecorators(fn.file, pyDecorators(fn.fn), 'route', authFunctions)];
        const endpoint = endpointKw ?? pyFunctionName(fn.fn);
        for (const method of routeMethods('route', call.keywords.get('methods'), files, file)) raw.push({ owner, method, path, at, fn: fn.fn, file: fn.file, guards, endpoint });
      } else if (attr === 'add_resource') {
        const clsRef = call.args[0] ?? call.keywords.get('resource');
        const value = clsRef ? evaluatePyExpression(clsRef, { file }, load) : undefined;
        if (value?.kind !== 'class') return;
        const endpoint = pyStringValue(call.keywords.get('endpoint')) ?? (value.cls.field('name')?.text() ?? '').toLowerCase();
        const paths = (call.keywords.has('urls') ? [...(call.keywords.get('urls')!.children())] : call.args.slice(1))
          .map((a) => pyStringValue(a))
          .filter((p): p is string => p !== undefined);
        for (const path of paths) raw.push(...classRoutes(value.file as ParsedFile, value.cls, owner, path, endpoint, load, authFunctions));
      }
    });
  }

  // before_app_request hooks of a blueprint guard every route of the apps it is registered on.
  for (const owner of owners.values()) {
    if (!owner.appGuards.length) continue;
    for (const chain of mountChains(owner.key, owners, mounts)) {
      const root = owners.get(chain.root)!;
      for (const g of owner.appGuards) if (!root.guards.includes(g)) root.guards.push(g);
    }
  }

  const routes: Route[] = [];
  const seen = new Set<string>();
  // Handler facts and body reads (`request.args.get('q')`) once per view function, whatever the number of its routes.
  const handlers = new Map<string, { startLine: number; endLine: number; isAsync: boolean; params: Set<string>; reads: RequestInput[] }>();
  const handlerOf = (file: ParsedFile, fn: SyntaxNode) => {
    const range = fn.range();
    const k = `${file.path}:${range.start.index}`;
    let facts = handlers.get(k);
    if (!facts) {
      const reads: RequestInput[] = [];
      guarded(() => reads.push(...pyRequestReads(file, fn)));
      facts = {
        startLine: range.start.line + 1,
        endLine: range.end.line + 1,
        isAsync: isAsyncPyFunction(fn),
        params: new Set(pyParameters(fn).map((p) => p.name)),
        reads,
      };
      handlers.set(k, facts);
    }
    return { k, facts };
  };
  for (const r of raw) {
    for (const chain of mountChains(r.owner, owners, mounts)) {
      const path = normalisePath(chain.prefix + (r.path.startsWith('/') || !r.path ? r.path : `/${r.path}`));
      const { k: handlerKey, facts } = handlerOf(r.file, r.fn);
      const dedupe = `${r.method} ${path} ${handlerKey}`;
      if (seen.has(dedupe)) continue;
      seen.add(dedupe);
      const endpoint = [...chain.endpointHead, r.endpoint].join('.');
      const blueprint = chain.endpointHead.join('.');
      const guards = [
        ...r.guards,
        ...chain.guards.filter((g) => appliesTo(g, { endpoint, local: r.endpoint, path, blueprint })).map((g) => g.guard),
      ];
      routes.push({
        framework: 'flask',
        method: r.method,
        path,
        at: r.at,
        handler: {
          name: r.handlerName ?? pyFunctionName(r.fn),
          file: r.file.path,
          startLine: facts.startLine,
          endLine: facts.endLine,
          isAsync: facts.isAsync,
          node: r.fn,
        },
        guards,
        inputs: [...pathInputs(path, r.at, facts.params), ...facts.reads],
      });
    }
  }
  return routes;
}

function guarded(work: () => void): void {
  try {
    work();
  } catch {
    // One odd file or statement never costs the other routes.
  }
}

function newOwner(k: string, file: string, name: string, kind: OwnerKind, prefix: string, guards: ScopedGuard[], bpName?: string): Owner {
  return { key: k, file, name, kind, prefix, bpName, guards, appGuards: [] };
}

function addMount(mounts: Map<string, Mount[]>, child: string, mount: Mount): void {
  const list = mounts.get(child) ?? [];
  if (!list.some((m) => m.parent === mount.parent && m.prefix === mount.prefix)) list.push(mount);
  mounts.set(child, list);
}

/** The owner kind a constructor call makes, when the constructor comes from Flask or one of its REST extensions. */
function ownerKindOf(file: ParsedFile, callee: string): OwnerKind | undefined {
  const kind = OWNER_CTORS[callee.split('.').pop() ?? ''];
  if (!kind) return undefined;
  const qualified = pyQualifiedName(file.ast!, callee);
  return FLASK_MODULES.test(qualified) ? kind : undefined;
}

/** `methods=['GET', 'POST']` → one method each; the shortcut decorators name theirs; Flask's default is GET. */
function routeMethods(attr: string, methodsNode: SyntaxNode | undefined, files?: ParsedFiles, file?: ParsedFile): string[] {
  if (attr in SHORTCUT_METHODS) return [SHORTCUT_METHODS[attr]];
  if (!methodsNode) return ['GET'];
  // `methods=ALLOWED` names a list constant of the module (or one it imports).
  const listed =
    methodsNode.kind() === 'identifier' && files && file
      ? stringsOf(files, file, methodsNode).map((m) => m.toUpperCase())
      : [...methodsNode.text().matchAll(/["'](\w+)["']/g)].map((m) => m[1].toUpperCase());
  return listed.length ? [...new Set(listed)] : ['ANY'];
}

/** The chains of mounts from an owner up to the app: joined prefix, guards on the way, endpoint head. */
function mountChains(ownerKey: string, owners: Map<string, Owner>, mounts: Map<string, Mount[]>, depth = 0, seen = new Set<string>()): Chain[] {
  const owner = owners.get(ownerKey)!;
  const parents = (mounts.get(ownerKey) ?? []).filter((m) => !seen.has(m.parent) && owners.has(m.parent));
  const ownName = owner.kind === 'blueprint' ? (owner.bpName ?? owner.name) : undefined;
  if (!parents.length || depth > 8) return [{ prefix: owner.prefix, guards: owner.guards, endpointHead: ownName ? [ownName] : [], root: ownerKey }];
  const next = new Set(seen).add(ownerKey);
  return parents.flatMap((mount) =>
    mountChains(mount.parent, owners, mounts, depth + 1, next).map((up) => {
      const name = mount.name ?? ownName;
      return {
        prefix: up.prefix + (mount.prefix ?? owner.prefix),
        guards: [...owner.guards, ...up.guards],
        endpointHead: name ? [...up.endpointHead, name] : up.endpointHead,
        root: up.root,
      };
    }),
  );
}

/**
 * Resolves owner references (`bp`, `views.bp`, `from app import app`) to owner keys across
 * modules. A name that is a parameter of the enclosing function (`def register_blueprints(app)`)
 * resolves through the function's call sites (`register_blueprints(app)` in the factory).
 */
class OwnerResolver {
  private params = new Map<string, string | undefined>();
  constructor(
    private files: ParsedFiles,
    private candidates: ParsedFile[],
    private owners: Map<string, Owner>,
    private load: PyModuleLoader<ParsedFile>,
  ) {}

  resolve(file: ParsedFile, text: string, at?: SyntaxNode, depth = 0): string | undefined {
    if (depth > 4 || !text || !/^[\w.]+$/.test(text)) return undefined;
    const [head, ...tail] = text.split('.');
    const scope = at ? enclosingFunction(at) : undefined;
    if (scope && tail.length === 0) {
      const params = pyParameters(scope).map((p) => p.name);
      const index = params.indexOf(text);
      if (index >= 0) return this.viaCallSites(file, scope, text, params[0] === 'self' || params[0] === 'cls' ? index - 1 : index, depth);
    }
    if (this.owners.has(key(file.path, text))) return key(file.path, text);
    const imports = pyImports(file.ast!);
    const ref = importedReference(imports, text);
    if (!ref) return undefined;
    const { module, name } = ref;
    const target = resolvePyModule(this.files, file.path, module);
    if (target && target.path !== file.path) {
      if (this.owners.has(key(target.path, name))) return key(target.path, name);
      // re-exported: `from .views import bp` in a package __init__
      if (target.ast && pyImports(target.ast).has(name)) {
        const again = this.resolve(target, name, undefined, depth + 1);
        if (again) return again;
      }
    }
    return undefined;
  }

  /** The owner passed for parameter `name` of `fn` at its call sites in the project; the implicit owner when none is known. */
  private viaCallSites(file: ParsedFile, fn: SyntaxNode, name: string, index: number, depth: number): string | undefined {
    const k = `${file.path}#${name}@${fn.range().start.index}`;
    if (this.params.has(k)) return this.params.get(k) ?? (this.owners.has(k) ? k : undefined);
    this.params.set(k, undefined);
    const fnName = pyFunctionName(fn);
    let found: string | undefined;
    for (const other of this.candidates) {
      if (found || !other.text.includes(fnName)) continue;
      for (const call of other.findAll({ kind: 'call', has: { field: 'function', regex: `(^|\\.)${fnName}$` } })) {
        const callee = call.field('function');
        const value = callee ? evaluatePyExpression(callee, { file: other, fn: enclosingFunction(call) }, this.load) : undefined;
        if (value?.kind !== 'function' || value.file.path !== file.path || value.fn.range().start.index !== fn.range().start.index) continue;
        const described = describePyCall(call);
        const arg = described?.keywords.get(name) ?? (index >= 0 ? described?.args[index] : undefined);
        found = arg ? this.resolve(other, arg.text(), call, depth + 1) : undefined;
        if (found) break;
      }
    }
    this.params.set(k, found);
    return found ?? (this.owners.has(k) ? k : undefined);
  }

  /**
   * `def register_routes(app): @app.route('/x') …` with no call site that shows which app: the
   * routes still exist, on an owner of their own with no prefix.
   */
  implicitOwner(file: ParsedFile, text: string, at: SyntaxNode): string | undefined {
    if (!/^\w+$/.test(text)) return undefined;
    const scope = enclosingFunction(at);
    if (!scope || !pyParameters(scope).some((p) => p.name === text)) return undefined;
    const k = `${file.path}#${text}@${scope.range().start.index}`;
    if (!this.owners.has(k)) {
      const kind: OwnerKind = /api/i.test(text) ? 'api' : /bp|blueprint/i.test(text) ? 'blueprint' : 'app';
      this.owners.set(k, newOwner(k, file.path, text, kind, '', []));
    }
    return k;
  }
}

function enclosingFunction(node: SyntaxNode): SyntaxNode | undefined {
  let scope = node.parent();
  while (scope && scope.kind() !== 'function_definition') scope = scope.parent();
  return scope ?? undefined;
}


/** The view inside wrapper calls (`login_required(view)`, `cache.cached()(view)`), and the wrappers' callee expressions. */
function unwrapView(node: SyntaxNode): { view: SyntaxNode; wrappers: SyntaxNode[] } {
  const wrappers: SyntaxNode[] = [];
  let view = node;
  for (let depth = 0; depth < 4 && view.kind() === 'call'; depth++) {
    const callee = view.field('function');
    const inner = describePyCall(view)?.args[0];
    if (!callee || !inner || /\.as_view$/.test(callee.text())) break;
    wrappers.push(callee);
    view = inner;
  }
  return { view, wrappers };
}

function resolveFunction(file: ParsedFile, view: SyntaxNode, load: PyModuleLoader<ParsedFile>): { file: ParsedFile; fn: SyntaxNode } | undefined {
  const value = evaluatePyExpression(view, { file }, load);
  if (value?.kind === 'function') return { file: value.file, fn: value.fn };
  // A view defined inside the app factory next to its registration.
  if (view.kind() === 'identifier') {
    const fn = file.findAll({ kind: 'function_definition', has: { field: 'name', regex: `^${view.text()}$` } })[0];
    if (fn) return { file, fn };
  }
  return undefined;
}

/**
 * One route per HTTP method function of a class-based view (`MethodView`, `Resource`), or the
 * `methods` of a plain `View` served by `dispatch_request`. Guards: `decorators` and
 * `method_decorators` of the class (and its project base classes) and the method's own decorators.
 */
function classRoutes(
  file: ParsedFile,
  cls: SyntaxNode,
  owner: string,
  path: string,
  endpoint: string,
  load: PyModuleLoader<ParsedFile>,
  authFunctions: AuthFunctions,
  methodsOverride?: SyntaxNode,
): RawRoute[] {
  const className = cls.field('name')?.text() ?? '<class>';
  const chain = [{ file, cls }, ...pyBaseClasses(file, cls, load)];
  const methods = new Map<string, { file: ParsedFile; fn: SyntaxNode }>();
  let classDecorators: SyntaxNode | undefined;
  let methodDecorators: SyntaxNode | undefined;
  let declaredMethods: SyntaxNode | undefined;
  let decoratorsFile = file;
  let methodDecoratorsFile = file;
  for (const link of chain) {
    for (const [name, def] of pyDefinitions(link.cls)) {
      if (def.kind() !== 'function_definition') continue;
      if ((VIEW_METHODS.includes(name) || name === 'dispatch_request') && !methods.has(name)) methods.set(name, { file: link.file, fn: def });
    }
    for (const stmt of link.cls.field('body')?.children() ?? []) {
      const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.kind() === 'assignment') : undefined;
      const left = assign?.field('left')?.text();
      const right = assign?.field('right') ?? undefined;
      if (!right) continue;
      if (left === 'decorators' && !classDecorators) [classDecorators, decoratorsFile] = [right, link.file];
      if (left === 'method_decorators' && !methodDecorators) [methodDecorators, methodDecoratorsFile] = [right, link.file];
      if (left === 'methods' && !declaredMethods) declaredMethods = right;
    }
  }
  const classGuards = classDecorators ? guardsFromDecoratorList(decoratorsFile, classDecorators, 'route', authFunctions).map((g) => g.guard) : [];
  const out: RawRoute[] = [];
  const push = (method: string, target: { file: ParsedFile; fn: SyntaxNode }, methodName: string) => {
    const guards = [...classGuards, ...guardsFromDecorators(target.file, pyDecorators(target.fn), 'route', authFunctions)];
    if (methodDecorators) guards.push(...methodDecoratorGuards(methodDecoratorsFile, methodDecorators, methodName, authFunctions));
    // Each method is its own route: evidence from its first decorator to its `def` line.
    const decorators = pyDecorators(target.fn);
    const first = decorators.length ? decorators[0].range().start.line : target.fn.range().start.line;
    const at = target.file.locateLines(first + 1, target.fn.range().start.line + 1);
    out.push({ owner, handlerName: `${className}.${pyFunctionName(target.fn)}`, method, path, at, fn: target.fn, file: target.file, guards, endpoint });
  };
  const restrict = methodsOverride ?? declaredMethods;
  const allowed = restrict ? new Set([...restrict.text().matchAll(/["'](\w+)["']/g)].map((m) => m[1].toLowerCase())) : undefined;
  let any = false;
  for (const name of VIEW_METHODS) {
    const target = methods.get(name);
    if (!target || (allowed && allowed.size && !allowed.has(name))) continue;
    any = true;
    push(name.toUpperCase(), target, name);
  }
  const dispatch = methods.get('dispatch_request');
  if (!any && dispatch) {
    const listed = allowed && allowed.size ? [...allowed].map((m) => m.toUpperCase()) : ['GET'];
    for (const method of listed) push(method, dispatch, method.toLowerCase());
  }
  return out;
}

/** `method_decorators = [jwt_required()]` or `{'post': [login_required]}` for one method. */
function methodDecoratorGuards(file: ParsedFile, node: SyntaxNode, method: string, authFunctions: AuthFunctions): Guard[] {
  if (node.kind() !== 'dictionary') return guardsFromDecoratorList(file, node, 'route', authFunctions).map((g) => g.guard);
  const guards: Guard[] = [];
  for (const pair of node.children()) {
    if (pair.kind() !== 'pair') continue;
    if (pyStringValue(pair.field('key'))?.toLowerCase() !== method) continue;
    const value = pair.field('value');
    if (value) guards.push(...guardsFromDecoratorList(file, value, 'route', authFunctions).map((g) => g.guard));
  }
  return guards;
}

function guardsFromDecoratorList(file: ParsedFile, list: SyntaxNode | undefined, level: GuardLevel, authFunctions: AuthFunctions): ScopedGuard[] {
  if (!list || !/^(list|tuple)$/.test(String(list.kind()))) return [];
  const items = list.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  return guardsFromDecorators(file, items, level, authFunctions).map((guard) => ({ guard, exempt: [] }));
}

function guardsFromDecorators(file: ParsedFile, decorators: SyntaxNode[], level: GuardLevel, authFunctions: AuthFunctions): Guard[] {
  const guards: Guard[] = [];
  for (const decorator of decorators) {
    const head = decorator.kind() === 'call' ? decorator.field('function') : decorator;
    if (!head || !/^(identifier|attribute)$/.test(String(head.kind()))) continue;
    // `@jwt_required(optional=True)` lets anonymous callers in.
    if (decorator.kind() === 'call' && /\boptional\s*=\s*True\b/.test(decorator.text())) continue;
    const name = head.text();
    const bare = name.split('.').pop() ?? name;
    const byName = isAuthGuardName(name) && !NOT_AUTH_DECORATOR.test(bare);
    if (byName || authFunctions.rejects(file, head)) guards.push({ name: decorator.text(), level, at: file.locate(decorator) });
  }
  return guards;
}

/** Project functions (decorators, hooks) whose body rejects unauthenticated callers, remembered per function. */
class AuthFunctions {
  private memo = new Map<string, boolean>();
  constructor(private load: PyModuleLoader<ParsedFile>) {}

  /** Whether the decorator expression names a project function whose body rejects callers. */
  rejects(file: ParsedFile, expr: SyntaxNode): boolean {
    const value = evaluatePyExpression(expr, { file }, this.load);
    if (value?.kind !== 'function') return false;
    return this.bodyRejects(value.file, value.fn);
  }

  /** Whether a call inside `fn` runs a project function that rejects callers. */
  callRejects(file: ParsedFile, fn: SyntaxNode, call: SyntaxNode, depth = 1): boolean {
    const callee = call.field('function');
    if (!callee || !/^(identifier|attribute)$/.test(String(callee.kind()))) return false;
    const value = evaluatePyExpression(callee, { file, fn }, this.load);
    return value?.kind === 'function' && value.fn !== fn && this.bodyRejects(value.file, value.fn, depth);
  }

  /**
   * The function (or a project function it calls, two levels deep) rejects callers about their
   * identity, or it is itself wrapped in an auth decorator. CSRF checks answer 403 too, but
   * authenticate no one.
   */
  bodyRejects(file: ParsedFile, fn: SyntaxNode, depth = 0): boolean {
    const k = `${file.path}:${fn.range().start.index}`;
    const known = this.memo.get(k);
    if (known !== undefined) return known;
    this.memo.set(k, false);
    let result = false;
    if (!/csrf|xsrf/i.test(pyFunctionName(fn))) {
      result =
        textRejects(fn.text()) ||
        pyDecorators(fn).some((d) => {
          const head = d.kind() === 'call' ? d.field('function') : d;
          return !!head && isAuthGuardName(head.text()) && !NOT_AUTH_DECORATOR.test(head.text());
        });
      if (!result && depth < 2) result = pyOwnNodes(fn, 'call').some((call) => this.callRejects(file, fn, call, depth + 1));
    }
    this.memo.set(k, result);
    return result;
  }
}

/** Evidence that a rejection is about who the caller is, not about input, rate or CSRF. */
const AUTH_EVIDENCE = /(auth|log_?in|user|session|token|jwt|api_?key|apikey|credential|password|bearer|role|admin|permission|identity|principal|secret|signature)/i;
const STRONG_AUTH = /(is_authenticated|jwt|log_?in|api_?key|bearer|authorization|verify_(token|password))/i;

function textRejects(text: string): boolean {
  if (!REJECTS_CALLER.test(text) || !AUTH_EVIDENCE.test(text)) return false;
  return !/csrf|xsrf/i.test(text) || STRONG_AUTH.test(text);
}

/**
 * A `before_request` hook guards the owner's routes when it rejects callers (or is itself wrapped
 * in an auth decorator). Early returns for named endpoints or paths exempt those routes.
 */
function addHook(files: ParsedFiles, owner: Owner, attr: string, file: ParsedFile, fn: SyntaxNode, at: Location, authFunctions: AuthFunctions): void {
  if (!authFunctions.bodyRejects(file, fn)) return;
  const appWide = attr === 'before_app_request' || owner.kind === 'app';
  const level: GuardLevel = appWide ? 'app' : 'router';
  const scoped: ScopedGuard = { guard: { name: `${attr} ${pyFunctionName(fn)}`, level, at }, exempt: [] };
  for (const stmt of pyOwnNodes(fn, 'if_statement')) {
    const condition = stmt.field('condition');
    const consequence = stmt.field('consequence');
    if (!condition || !consequence || !/\brequest\.(endpoint|path|url_rule|blueprint|full_path)\b/.test(condition.text())) continue;
    const effect = blockEffect(consequence, (call) => authFunctions.callRejects(file, fn, call));
    if (!effect) continue;
    const matchers = conditionMatchers(files, file, condition);
    if (!matchers.length) continue;
    const positive = matchers.filter((m) => !m.negated).map((m) => m.matcher);
    const negative = matchers.filter((m) => m.negated).map((m) => m.matcher);
    if (effect === 'return') {
      scoped.exempt.push(...positive);
      if (negative.length) scoped.only = [...(scoped.only ?? []), ...negative];
    } else {
      scoped.exempt.push(...negative);
      if (positive.length && !negative.length) scoped.only = [...(scoped.only ?? []), ...positive];
    }
  }
  if (attr === 'before_app_request' && owner.kind !== 'app') owner.appGuards.push(scoped);
  else owner.guards.push(scoped);
}

/** 'return' for a block that only returns (lets the request through), 'reject' for one that rejects. */
function blockEffect(block: SyntaxNode, callRejects: (call: SyntaxNode) => boolean): 'return' | 'reject' | undefined {
  const statements = block.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
  if (statements.length && statements.every((s) => s.kind() === 'pass_statement' || (s.kind() === 'return_statement' && /^return(\s+None)?$/.test(s.text().trim()))))
    return 'return';
  if (REJECTS_CALLER.test(block.text())) return 'reject';
  return block.findAll({ rule: { kind: 'call' } }).some(callRejects) ? 'reject' : undefined;
}

/** `request.endpoint in PUBLIC`, `request.path.startswith('/public')`, `request.blueprint == 'auth'` … with their polarity. */
function conditionMatchers(files: ParsedFiles, file: ParsedFile, condition: SyntaxNode): { matcher: RouteMatcher; negated: boolean }[] {
  const out: { matcher: RouteMatcher; negated: boolean }[] = [];
  const nodes = [condition, ...condition.findAll({ rule: { any: [{ kind: 'comparison_operator' }, { kind: 'call' }] } })];
  for (const node of nodes) {
    if (node.kind() === 'comparison_operator') {
      const operands = node.children().filter((c) => c.isNamed());
      const opText = node.children().filter((c) => !c.isNamed()).map((c) => c.text()).join(' ');
      if (operands.length !== 2) continue;
      const [left, right] = operands;
      if (!/\bin\b|==|!=/.test(opText)) continue;
      const negated = /not in|!=/.test(opText);
      const field = requestField(left);
      if (!field) {
        // `"admin" in request.path`, `"static" == request.endpoint`
        const reversed = requestField(right);
        const value = pyStringValue(left);
        if (reversed && value !== undefined) out.push({ matcher: { field: reversed, op: /\bin\b/.test(opText) ? 'contains' : 'eq', values: [value] }, negated });
        continue;
      }
      const values = /\bin\b/.test(opText) ? stringsOf(files, file, right) : [pyStringValue(right)].filter((v): v is string => v !== undefined);
      if (values.length) out.push({ matcher: { field, op: 'eq', values }, negated });
    } else if (node.kind() === 'call') {
      const fn = node.field('function');
      if (fn?.kind() !== 'attribute' || fn.field('attribute')?.text() !== 'startswith') continue;
      const object = fn.field('object');
      const field = object ? requestField(object) : undefined;
      if (!field) continue;
      const arg = describePyCall(node)?.args[0];
      const values = arg ? (arg.kind() === 'string' ? [pyStringValue(arg)].filter((v): v is string => v !== undefined) : stringsOf(files, file, arg)) : [];
      const parent = node.parent();
      const negated = parent?.kind() === 'not_operator';
      if (values.length) out.push({ matcher: { field, op: 'prefix', values }, negated });
    }
  }
  return out;
}

function requestField(node: SyntaxNode): RouteMatcher['field'] | undefined {
  const text = node.text().replace(/\s+/g, '');
  if (/^(flask\.)?request\.endpoint$/.test(text)) return 'endpoint';
  if (/^(flask\.)?request\.(path|full_path)$/.test(text) || /^(flask\.)?request\.url_rule\.rule$/.test(text)) return 'path';
  if (/^(flask\.)?request\.blueprint$/.test(text)) return 'blueprint';
  return undefined;
}

/** String literals of a list/tuple/set (or `frozenset([...])`), or of the module-level constant it names. */
function stringsOf(files: ParsedFiles, file: ParsedFile, node: SyntaxNode, depth = 0): string[] {
  if (depth > 3) return [];
  if (node.kind() === 'identifier') {
    const assigns = pyModuleAssignments(file.ast!).get(node.text());
    const value = assigns?.[assigns.length - 1]?.field('right');
    if (value) return stringsOf(files, file, value, depth + 1);
    // `from app.config import PUBLIC_ENDPOINTS`
    const imported = pyImports(file.ast!).get(node.text());
    const target = imported?.name ? resolvePyModule(files, file.path, imported.module) : undefined;
    const remote = target?.ast ? pyModuleAssignments(target.ast).get(imported!.name!) : undefined;
    const remoteValue = remote?.[remote.length - 1]?.field('right');
    return target && remoteValue ? stringsOf(files, target, remoteValue, depth + 1) : [];
  }
  if (node.kind() === 'call') {
    const arg = describePyCall(node)?.args[0];
    return arg && /^(frozenset|set|tuple|list)$/.test(node.field('function')?.text() ?? '') ? stringsOf(files, file, arg, depth + 1) : [];
  }
  if (!/^(list|tuple|set|parenthesized_expression)$/.test(String(node.kind()))) return [];
  return node
    .children()
    .map((c) => pyStringValue(c))
    .filter((v): v is string => v !== undefined);
}

function appliesTo(scoped: ScopedGuard, route: { endpoint: string; local: string; path: string; blueprint: string }): boolean {
  const matches = (m: RouteMatcher) =>
    m.values.some((v) => {
      if (m.op === 'contains') return (m.field === 'endpoint' ? route.endpoint : m.field === 'blueprint' ? route.blueprint : route.path).includes(v);
      if (m.field === 'endpoint') return m.op === 'eq' ? v === route.endpoint || v === route.local : route.endpoint.startsWith(v) || route.local.startsWith(v);
      if (m.field === 'blueprint') return m.op === 'eq' ? v === route.blueprint : route.blueprint.startsWith(v);
      const path = route.path;
      return m.op === 'eq' ? normalisePath(v) === path : path.startsWith(v) || `${path}/`.startsWith(v);
    });
  if (scoped.only && !scoped.only.some(matches)) return false;
  return !scoped.exempt.some(matches);
}

/** `<int:user_id>` → { source: 'path', name: 'user_id', param: 'user_id', type: 'int' }; `<slug>` has Flask's default `string` converter (`str`). */
function pathInputs(path: string, at: Location, params: ReadonlySet<string>): RequestInput[] {
  const inputs: RequestInput[] = [];
  for (const m of path.matchAll(/<(?:(\w+)(?:\([^)>]*\))?:)?(\w+)>/g)) {
    const type = CONVERTER_TYPES[m[1] ?? 'string'] ?? m[1];
    inputs.push({ name: m[2], source: 'path', ...(params.has(m[2]) ? { param: m[2] } : {}), type, at });
  }
  return inputs;
}
/** Flask's converter names in the spelling the other extractors use for the same types. */
const CONVERTER_TYPES: Record<string, string> = { string: 'str', default: 'str', uuid: 'UUID' };
