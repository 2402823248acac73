import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Guard, GuardLevel, RequestInput, RequestInputSource, Route } from '../../model/repo-index.ts';
import {
  describePyCall,
  evaluatePyType,
  isAsyncPyFunction,
  pyBaseClasses,
  pyModuleAssignments,
  pyDecorators,
  pyFunctionName,
  pyImports,
  pyParameters,
  pyStringValue,
} from '../../parse/python-syntax.ts';
import { isAuthGuardName } from './guard-names.ts';
import { cachedPyModuleLoader, importedReference, joinPyModule, resolvePyModule } from './python-modules.ts';
import { pyRequestReads } from './python-request-inputs.ts';

const ROUTE_METHODS: Record<string, string> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  options: 'OPTIONS',
  head: 'HEAD',
  api_route: 'ANY',
  websocket: 'WEBSOCKET',
  route: 'ANY',
};
const NON_AUTH_MIDDLEWARE = /^(CORSMiddleware|GZipMiddleware|TrustedHostMiddleware|HTTPSRedirectMiddleware|SessionMiddleware|ProxyHeadersMiddleware)$/;

interface RouteOwner {
  file: string;
  name: string;
  kind: 'app' | 'router';
  prefix: string;
  guards: Guard[];
}
interface Mount {
  parent: string; // key of the owner it is included into
  prefix: string;
  guards: Guard[];
}
interface RawRoute {
  owner: string;
  method: string;
  path: string;
  decorator: SyntaxNode;
  fn: SyntaxNode;
  file: ParsedFile;
  guards: Guard[];
}

const key = (file: string, name: string) => `${file}#${name}`;

/** Native pre-filters (each loop still checks the full condition): `x = FastAPI(…)`-like assignments, */
const OWNER_ASSIGNMENT = { kind: 'assignment', has: { field: 'right', kind: 'call', has: { field: 'function', regex: '(FastAPI|APIRouter|Starlette)$' } } };
/** `x.include_router(…)` / `x.add_middleware(…)` calls, */
const MOUNT_CALL = { kind: 'call', has: { field: 'function', regex: '\\.(include_router|add_middleware)$' } };
/** and functions with decorators (the parent of a decorated `def` is its `decorated_definition`). */
const DECORATED_FUNCTION = { kind: 'function_definition', inside: { kind: 'decorated_definition' } };

/** FastAPI / Starlette routes with full paths and the guards that apply at route, router and app level. */
export function extractFastapiRoutes(files: ParsedFiles): Route[] {
  const pyFiles = files.ofKind('python', { containing: ['fastapi', 'APIRouter', 'FastAPI'] });
  const owners = new Map<string, RouteOwner>();
  const annotatedGuards = collectAnnotatedGuardAliases(files);
  const authDependencies = collectAuthDependencies(files);

  for (const file of pyFiles) {
    for (const assign of file.findAll(OWNER_ASSIGNMENT)) {
      if (assign.parent()?.parent()?.kind() !== 'module') continue;
      const target = assign.field('left');
      const call = describePyCall(assign.field('right') ?? assign);
      if (!target || target.kind() !== 'identifier' || !call) continue;
      const ctor = call.callee.split('.').pop();
      if (ctor !== 'FastAPI' && ctor !== 'APIRouter' && ctor !== 'Starlette') continue;
      owners.set(key(file.path, target.text()), {
        file: file.path,
        name: target.text(),
        kind: ctor === 'APIRouter' ? 'router' : 'app',
        prefix: pyStringValue(call.keywords.get('prefix')) ?? '',
        guards: guardsFromDependencyList(file, call.keywords.get('dependencies'), ctor === 'APIRouter' ? 'router' : 'app', authDependencies),
      });
    }
  }

  const mounts = new Map<string, Mount[]>();
  const raw: RawRoute[] = [];
  for (const file of pyFiles) {
    const imports = pyImports(file.ast!);
    const ownerOf = (name: string) => (owners.has(key(file.path, name)) ? key(file.path, name) : undefined);

    for (const callNode of file.findAll(MOUNT_CALL)) {
      const call = describePyCall(callNode);
      if (!call) continue;
      const dot = call.callee.lastIndexOf('.');
      if (dot < 0) continue;
      const objectName = call.callee.slice(0, dot);
      const method = call.callee.slice(dot + 1);
      const owner = ownerOf(objectName);
      if (!owner) continue;
      if (method === 'include_router' && call.args[0]) {
        const included = resolveRouterReference(files, file, imports, call.args[0], owners);
        if (!included) continue;
        const list = mounts.get(included) ?? [];
        list.push({
          parent: owner,
          prefix: pyStringValue(call.keywords.get('prefix')) ?? '',
          guards: guardsFromDependencyList(file, call.keywords.get('dependencies'), owners.get(owner)!.kind === 'app' ? 'app' : 'router', authDependencies),
        });
        mounts.set(included, list);
      } else if (method === 'add_middleware' && call.args[0]) {
        const name = call.args[0].text();
        if (!NON_AUTH_MIDDLEWARE.test(name) && isAuthGuardName(name))
          owners.get(owner)!.guards.push({ name: `add_middleware(${name})`, level: 'app', at: file.locate(callNode) });
      }
    }

    for (const fn of file.findAll(DECORATED_FUNCTION)) {
      for (const decorator of pyDecorators(fn)) {
        const call = describePyCall(decorator);
        if (!call) continue;
        const dot = call.callee.lastIndexOf('.');
        const owner = dot > 0 ? ownerOf(call.callee.slice(0, dot)) : undefined;
        const attr = call.callee.slice(dot + 1);
        if (!owner) continue;
        if (attr === 'middleware') {
          if (isAuthGuardName(pyFunctionName(fn)) || /authorization|bearer|verify_token|decode\(/i.test(fn.text()))
            owners.get(owner)!.guards.push({ name: `middleware ${pyFunctionName(fn)}`, level: 'app', at: file.locate(decorator) });
          continue;
        }
        const method = ROUTE_METHODS[attr];
        if (!method) continue;
        const path = pyStringValue(call.args[0] ?? call.keywords.get('path')) ?? '';
        const methodsKw = call.keywords.get('methods');
        const methods = methodsKw ? [...methodsKw.text().matchAll(/["'](\w+)["']/g)].map((m) => m[1].toUpperCase()) : [method];
        const guards = [
          ...guardsFromDependencyList(file, call.keywords.get('dependencies'), 'route', authDependencies),
          ...guardsFromParameters(file, fn, annotatedGuards, authDependencies),
        ];
        for (const m of methods.length ? methods : [method]) raw.push({ owner, method: m, path, decorator, fn, file, guards });
      }
    }
  }

  const routes: Route[] = [];
  const load = cachedPyModuleLoader(files);
  for (const r of raw) {
    for (const chain of mountChains(r.owner, owners, mounts)) {
      const path = normalisePath(chain.prefix + r.path);
      routes.push({
        framework: 'fastapi',
        method: r.method,
        path,
        // From the decorator to the `def` line, so the evidence shows which function the route runs.
        at: r.file.locateLines(r.decorator.range().start.line + 1, r.fn.range().start.line + 1),
        handler: {
          name: pyFunctionName(r.fn),
          file: r.file.path,
          startLine: r.fn.range().start.line + 1,
          endLine: r.fn.range().end.line + 1,
          isAsync: isAsyncPyFunction(r.fn),
          node: r.fn,
        },
        guards: [...r.guards, ...chain.guards],
        inputs: fastapiInputs(files, r.file, r.fn, path, load, r.file.locate(r.decorator)),
      });
    }
  }
  return routes;
}

/** Every way a router reaches an app: the joined prefix and the guards collected on the way. */
function mountChains(
  ownerKey: string,
  owners: Map<string, RouteOwner>,
  mounts: Map<string, Mount[]>,
  depth = 0,
): { prefix: string; guards: Guard[] }[] {
  const owner = owners.get(ownerKey)!;
  const own = { prefix: owner.prefix, guards: owner.guards };
  const parents = mounts.get(ownerKey) ?? [];
  if (!parents.length || depth > 8) return [own];
  return parents.flatMap((mount) =>
    mountChains(mount.parent, owners, mounts, depth + 1).map((up) => ({
      prefix: up.prefix + mount.prefix + own.prefix,
      guards: [...own.guards, ...mount.guards, ...up.guards],
    })),
  );
}

function resolveRouterReference(
  files: ParsedFiles,
  file: ParsedFile,
  imports: ReturnType<typeof pyImports>,
  ref: SyntaxNode,
  owners: Map<string, RouteOwner>,
): string | undefined {
  const text = ref.text();
  if (owners.has(key(file.path, text))) return key(file.path, text);
  const reference = importedReference(imports, text);
  if (!reference) return undefined;
  const { module, name } = reference;
  const [, ...tail] = text.split('.');
  const imported = imports.get(text.split('.')[0])!;
  const target = resolvePyModule(files, file.path, module);
  if (target && owners.has(key(target.path, name))) return key(target.path, name);
  // `from .routers import agents` where agents is a module whose router is named `router`
  if (tail.length === 0 && imported.name) {
    const moduleFile = resolvePyModule(files, file.path, joinPyModule(imported.module, imported.name));
    if (moduleFile && owners.has(key(moduleFile.path, 'router'))) return key(moduleFile.path, 'router');
  }
  return undefined;
}

function guardsFromDependencyList(file: ParsedFile, list: SyntaxNode | undefined, level: GuardLevel, authDependencies: Set<string>): Guard[] {
  if (!list) return [];
  const guards: Guard[] = [];
  for (const call of list.findAll({ rule: { kind: 'call' } })) {
    const guard = guardFromDependsCall(file, call, level, authDependencies);
    if (guard) guards.push(guard);
  }
  return guards;
}

/**
 * Project functions that reject unauthenticated callers, by name: their body raises 401/403,
 * decodes a JWT or compares a credential. `Depends(check_caller)` counts as a guard when
 * `check_caller` is one of them, whatever it is called.
 */
const REJECTS_CALLER = /(status_code\s*=\s*40[13]|HTTP_40[13]_|HTTPException\(\s*40[13]|jwt\.decode|compare_digest|verify_token|verify_password|credentials_exception|WWW-Authenticate)/;

function collectAuthDependencies(files: ParsedFiles): Set<string> {
  const names = new Set<string>();
  for (const file of files.ofKind('python', { containing: ['40', 'jwt', 'compare_digest', 'verify_'] })) {
    // A function's text is part of its file's: a file that never matches has no such function.
    if (!REJECTS_CALLER.test(file.text)) continue;
    for (const fn of file.findAll({ kind: 'function_definition' })) if (REJECTS_CALLER.test(fn.text())) names.add(pyFunctionName(fn));
  }
  return names;
}

function guardFromDependsCall(file: ParsedFile, node: SyntaxNode, level: GuardLevel, authDependencies: Set<string>): Guard | undefined {
  const call = describePyCall(node);
  if (!call) return undefined;
  const callee = call.callee.split('.').pop();
  if (callee === 'Security') return { name: node.text(), level, at: file.locate(node) };
  if (callee !== 'Depends') return undefined;
  const inner = call.args[0] ?? call.keywords.get('dependency');
  const innerName = inner?.text().split('.').pop() ?? '';
  if (inner && (isAuthGuardName(inner.text()) || authDependencies.has(innerName))) return { name: node.text(), level, at: file.locate(node) };
  return undefined;
}

function guardsFromParameters(file: ParsedFile, fn: SyntaxNode, aliases: Set<string>, authDependencies: Set<string>): Guard[] {
  const guards: Guard[] = [];
  for (const param of pyParameters(fn)) {
    for (const call of param.node.findAll({ rule: { kind: 'call' } })) {
      const guard = guardFromDependsCall(file, call, 'route', authDependencies);
      if (guard) guards.push(guard);
    }
    const annotation = param.annotation?.text();
    if (annotation && aliases.has(annotation)) guards.push({ name: `${param.name}: ${annotation}`, level: 'route', at: file.locate(param.node) });
  }
  return guards;
}

/** `CurrentUser = Annotated[User, Depends(get_current_user)]` aliases, by name, across the project. */
function collectAnnotatedGuardAliases(files: ParsedFiles): Set<string> {
  const aliases = new Set<string>();
  for (const file of files.ofKind('python', { containing: ['Annotated'] })) {
    for (const assign of file.findAll({ kind: 'assignment' })) {
      const left = assign.field('left');
      const right = assign.field('right') ?? assign.field('type');
      const text = right?.text() ?? '';
      if (!left || left.kind() !== 'identifier' || !text.startsWith('Annotated[')) continue;
      if (/\b(Security)\(/.test(text) || [...text.matchAll(/Depends\(\s*([\w.]+)/g)].some((m) => isAuthGuardName(m[1]))) aliases.add(left.text());
    }
    for (const alias of file.findAll({ kind: 'type_alias_statement' })) {
      const text = alias.text();
      const name = /^type\s+(\w+)/.exec(text)?.[1];
      if (name && /Annotated\[/.test(text) && /(Security\(|Depends\(\s*[\w.]*(auth|user|token|current))/i.test(text)) aliases.add(name);
    }
  }
  return aliases;
}

export function normalisePath(path: string): string {
  const joined = `/${path}`.replace(/\/{2,}/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

// ── Request inputs of a FastAPI handler ───────────────────────────────────────────────────────

type PyLoader = ReturnType<typeof cachedPyModuleLoader>;

/** FastAPI's parameter functions and where each reads from; `Depends`/`Security` inject, they read nothing. */
const PARAM_SOURCES: Record<string, RequestInputSource | 'injected'> = {
  Path: 'path',
  Query: 'query',
  Body: 'body',
  Form: 'form',
  File: 'file',
  Header: 'header',
  Cookie: 'cookie',
  Depends: 'injected',
  Security: 'injected',
};
/** Objects FastAPI passes in by type; none of them is a client value by itself. */
const FRAMEWORK_TYPES = /^(Request|HTTPConnection|Response|JSONResponse|BackgroundTasks|SecurityScopes|Session|AsyncSession|Connection|AsyncConnection|Database)$/;
/** Types FastAPI reads from the query string (or the path) rather than the body. */
const SCALAR_TYPES =
  /^(int|float|str|bool|bytes|complex|UUID|UUID[1-5]|datetime|date|time|timedelta|Decimal|EmailStr|NameEmail|HttpUrl|AnyUrl|AnyHttpUrl|SecretStr|Literal|PositiveInt|NegativeInt|NonNegativeInt|NonPositiveInt|PositiveFloat|NonNegativeFloat|StrictStr|StrictInt|StrictBool|conint|constr|confloat|condecimal|IPv4Address|IPv6Address|IPvAnyAddress|Any)$/;
const CONTAINER_TYPES = /^(list|List|set|Set|frozenset|FrozenSet|tuple|Tuple|Sequence)$/;
const MAPPING_TYPES = /^(dict|Dict|Mapping|MutableMapping|Json)$/;

/**
 * The client values a handler declares: path, query, body, form, file, header and cookie
 * parameters with their names as the client sends them, plus a WebSocket connection.
 */
function fastapiInputs(files: ParsedFiles, file: ParsedFile, fn: SyntaxNode, fullPath: string, load: PyLoader, routeAt: Location): RequestInput[] {
  const pathParams = new Set([...fullPath.matchAll(/\{(\w+)(?::[^}]*)?\}/g)].map((m) => m[1]));
  const inputs: RequestInput[] = [];
  const requestNames = new Set<string>();
  for (const param of pyParameters(fn)) {
    if (!param.name || param.name === 'self' || param.name === 'cls') continue;
    const typeName = param.annotation?.text().replace(/^Annotated\[\s*/, '').split(/[\s,[|]/)[0].split('.').pop();
    if (typeName && /^(Request|HTTPConnection)$/.test(typeName)) requestNames.add(param.name);
    try {
      const input = classifyFastapiParameter(files, file, param, pathParams, load);
      if (input) inputs.push(input);
    } catch {
      // an odd annotation costs this parameter only
    }
  }
  // A path parameter no handler parameter takes is still client input (a dependency reads it).
  for (const name of pathParams)
    if (!inputs.some((i) => i.source === 'path' && (i.param === name || i.name === name))) inputs.push({ name, source: 'path', at: routeAt });
  // `await request.json()`, `request.query_params["q"]` in a handler that takes the raw request.
  if (requestNames.size) {
    try {
      inputs.push(...pyRequestReads(file, fn, requestNames));
    } catch {
      // the declared inputs still stand
    }
  }
  return inputs;
}

function classifyFastapiParameter(
  files: ParsedFiles,
  file: ParsedFile,
  param: ReturnType<typeof pyParameters>[number],
  pathParams: Set<string>,
  load: PyLoader,
): RequestInput | undefined {
  const at = file.locate(param.node);
  let typeNode = param.annotation;
  const markers: SyntaxNode[] = [];
  if (param.default?.kind() === 'call') markers.push(param.default);
  // `Annotated[int, Query(gt=0)]`, also through an alias (`SessionDep = Annotated[Session, Depends(get_db)]`).
  for (let hops = 0; typeNode && hops < 3; hops++) {
    const annotated = unwrapAnnotated(typeNode);
    if (annotated) {
      typeNode = annotated.type;
      markers.push(...annotated.metadata);
      continue;
    }
    const text = typeNode.text();
    const alias = /^[A-Z_][\w]*$/.test(text) && !SCALAR_TYPES.test(text) && !FRAMEWORK_TYPES.test(text) ? annotatedAlias(files, file, text) : undefined;
    if (!alias) break;
    typeNode = alias.type;
    markers.push(...alias.metadata);
  }
  let source: RequestInputSource | undefined;
  let name = param.name;
  for (const marker of markers) {
    const call = describePyCall(marker);
    const kind = call && PARAM_SOURCES[call.callee.split('.').pop() ?? ''];
    if (!call || !kind) continue;
    if (kind === 'injected') return undefined;
    source = kind;
    const alias = pyStringValue(call.keywords.get('alias'));
    if (alias) name = alias;
    else if (kind === 'header' && call.keywords.get('convert_underscores')?.text() !== 'False') name = name.replace(/_/g, '-');
  }
  const type = typeNode?.text();
  const base = typeNode ? baseTypeName(typeNode.text()) : undefined;
  if (base && FRAMEWORK_TYPES.test(base.name) && !source) return undefined;
  if (base?.name === 'WebSocket') return { name: param.name, source: 'websocket', param: param.name, type, at };
  if (!source && base && (base.name === 'UploadFile' || base.element === 'UploadFile')) source = 'file';
  if (!source && pathParams.has(param.name)) source = 'path';
  if (!source) source = base && typeNode && isBodyType(files, file, typeNode, base, load) ? 'body' : 'query';
  if (source === 'body' && base && !base.element && !MAPPING_TYPES.test(base.name) && !SCALAR_TYPES.test(base.name) && markers.length === 0)
    return { name: '*', source, param: param.name, type, at };
  if (source === 'body' && base && MAPPING_TYPES.test(base.name) && markers.length === 0) return { name: '*', source, param: param.name, type, at };
  return { name, source, param: param.name, ...(type ? { type } : {}), at };
}

/** `Annotated[T, meta…]` → T and the calls in the metadata; undefined for any other type. */
function unwrapAnnotated(type: SyntaxNode): { type: SyntaxNode; metadata: SyntaxNode[] } | undefined {
  const generic = type.kind() === 'generic_type' ? type : type.children().find((c) => c.kind() === 'generic_type');
  if (!generic || !/^(typing\.|t\.|typing_extensions\.)?Annotated\[/.test(generic.text())) return undefined;
  const params = generic.children().find((c) => c.kind() === 'type_parameter');
  const parts = (params?.children() ?? []).filter((c) => c.isNamed() && c.kind() !== 'comment');
  if (!parts.length) return undefined;
  const metadata = parts.slice(1).flatMap((p) => (p.kind() === 'call' ? [p] : p.children().filter((c) => c.kind() === 'call')));
  return { type: parts[0], metadata };
}

/** A module-level `Name = Annotated[…]` (or `type Name = Annotated[…]`) in this file or the module it is imported from. */
function annotatedAlias(files: ParsedFiles, file: ParsedFile, name: string): { type: SyntaxNode; metadata: SyntaxNode[] } | undefined {
  if (name.includes('.') || !file.ast) return undefined;
  const local = aliasIn(file, name);
  if (local !== null) return local;
  const imported = pyImports(file.ast).get(name);
  if (!imported?.name) return undefined;
  const target = resolvePyModule(files, file.path, imported.module);
  return target ? (aliasIn(target, imported.name) ?? undefined) : undefined;
}

/** Module-level assignments per tree root, built once (every handler parameter asks). */
const moduleAssignmentsOf = new WeakMap<SyntaxNode, Map<string, SyntaxNode[]>>();

/** null when the file does not define the name at all (so the caller may look at imports). */
function aliasIn(file: ParsedFile, name: string): { type: SyntaxNode; metadata: SyntaxNode[] } | undefined | null {
  if (!file.ast) return null;
  let assignments = moduleAssignmentsOf.get(file.ast);
  if (!assignments) moduleAssignmentsOf.set(file.ast, (assignments = pyModuleAssignments(file.ast)));
  const assigns = assignments.get(name);
  const right = assigns?.[assigns.length - 1]?.field('right');
  if (right) return right.kind() === 'subscript' ? unwrapAnnotatedSubscript(right) : undefined;
  if (!file.text.includes(`type ${name}`)) return null;
  for (const alias of file.findAll({ kind: 'type_alias_statement' })) {
    const types = alias.children().filter((c) => c.kind() === 'type');
    if (types[0]?.text() === name && types[1]) return unwrapAnnotated(types[1]);
  }
  return null;
}

/** `Annotated[T, Depends(f)]` as a value (a subscript expression outside an annotation). */
function unwrapAnnotatedSubscript(node: SyntaxNode): { type: SyntaxNode; metadata: SyntaxNode[] } | undefined {
  if (!/^(typing\.|t\.|typing_extensions\.)?Annotated$/.test(node.field('value')?.text() ?? '')) return undefined;
  const parts = node.children().filter((c) => c.isNamed() && c.kind() !== 'comment').slice(1);
  if (!parts.length) return undefined;
  return { type: parts[0], metadata: parts.slice(1).filter((p) => p.kind() === 'call') };
}

/** The type's name without `Optional[…]` / `X | None` / module prefix, and the element of a list-like type. */
function baseTypeName(text: string): { name: string; element?: string } {
  let t = text.trim();
  for (let i = 0; i < 4; i++) {
    const optional = /^(?:typing\.)?Optional\[(.*)\]$/s.exec(t);
    const union = /^(?:typing\.)?Union\[(.*)\]$/s.exec(t);
    if (optional) t = optional[1].trim();
    else if (union) t = splitTopLevel(union[1]).find((p) => p !== 'None') ?? t;
    else if (splitTopLevel(t, '|').length > 1) t = splitTopLevel(t, '|').find((p) => p !== 'None') ?? t;
    else break;
  }
  const generic = /^([\w.]+)\[(.*)\]$/s.exec(t);
  const last = (s: string) => s.split('.').pop() ?? s;
  if (generic && CONTAINER_TYPES.test(last(generic[1]))) {
    const element = baseTypeName(splitTopLevel(generic[2])[0] ?? '').name;
    return { name: last(generic[1]), element };
  }
  return { name: last(generic ? generic[1] : t) };
}

function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '[' || ch === '(') depth++;
    if (ch === ']' || ch === ')') depth--;
    if (ch === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Whether FastAPI reads a parameter of this type from the body: models, dicts, lists of models. */
function isBodyType(files: ParsedFiles, file: ParsedFile, typeNode: SyntaxNode, base: { name: string; element?: string }, load: PyLoader): boolean {
  const name = base.element ?? base.name;
  if (MAPPING_TYPES.test(name)) return true;
  if (SCALAR_TYPES.test(name) || !/^[A-Z]/.test(name)) return false;
  // A project class: a model unless it is an Enum (enums are query values).
  const value = base.element ? undefined : evaluatePyType(typeNode, { file }, load);
  if (value?.kind === 'instance') return !isEnumClass(file, value.file, value.cls, load);
  if (value?.kind === 'external') return !/(^|\.)(enum|uuid|datetime|decimal|ipaddress|pathlib)\./.test(value.path);
  return true;
}

function isEnumClass(_file: ParsedFile, classFile: ParsedFile, cls: SyntaxNode, load: PyLoader, depth = 0): boolean {
  if (/\b(Enum|IntEnum|StrEnum|Flag|IntFlag)\b/.test(cls.field('superclasses')?.text() ?? '')) return true;
  if (depth > 4) return false;
  return pyBaseClasses(classFile, cls, load).some((b) => isEnumClass(_file, b.file, b.cls, load, depth + 1));
}
