/**
 * State shared by the requests of a process, and which handlers write and read it: module-level
 * collections (`active_calls = {}`, `const sessions = new Map()`), module-level instances whose
 * attributes handlers set directly or through the instance's own methods (`agent_brain.start_call`
 * → `self.current_system_prompt = …`), collection attributes of such singletons
 * (`manager.active_connections.append(ws)`), class attributes changed through `cls.` /
 * `ClassName.` or mutated through `self.` when the class body owns them (`hits: dict = {}` shared
 * by every instance), and names a handler rebinds with `global`.
 *
 * Two rules read it: `module-state-mutated-in-handler` (state that leaks between concurrent
 * requests) and `in-memory-store-per-process` (stores that break with several processes). Every
 * write carries the routes that reach it and the call chain (`start_session → _remember`).
 *
 * Not state: objects created inside the handler, request-scoped contexts (`flask.g`,
 * `request.state`, `contextvars.ContextVar.set`, `threading.local()`), queues (`put` is not a
 * write), `lru_cache`, names only read, lazily created singletons (`if x is None: x = load()`).
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import type { Route } from '../model/repo-index.ts';
import { isJsFunction } from '../parse/js-syntax.ts';
import {
  evaluatePyExpression,
  pyClassState,
  pyDecorators,
  pyGlobalNames,
  pyImports,
  pyLocalBinding,
  pyModuleAssignments,
  pyOwnNodes,
  pyParameters,
  type PyModuleLoader,
} from '../parse/python-syntax.ts';
import { functionKey, jsCallGraph, pyCallGraph, type CallStep, type ReachedFunction } from './call-reach.ts';
import { resolveJsReference, unwrapJsExpression, type JsBinding } from './routes/js-modules.ts';
import { handlersWithRoutes } from './routes/route-scope.ts';

/** A route handler that reaches a write, with the calls in between. */
export interface StateReacher {
  routes: Route[];
  handler: string;
  chain: CallStep[];
}

export type WriteHow =
  /** `store[k] = v`, `store.append(v)`, `del store[k]` on a collection. */
  | 'collection'
  /** `instance.attr = v` (directly, or `self.attr = v` in a method of a shared instance). */
  | 'attribute'
  /** `global name; name = v`, `ClassName.attr = v`, `let x; x = v` (JS). */
  | 'rebind';

export interface StateAccess {
  file: ParsedFile;
  node: SyntaxNode;
  how: WriteHow | 'read';
  /** The attribute an `attribute` write sets. */
  attribute?: string;
  /** `del`, `pop`, `remove`, `clear`, `discard`, `delete` (JS): the write takes entries out. */
  removes: boolean;
  /** The write can add a new entry: `x[key] = v` with a computed key, `append`, `add`, `setdefault`, `.set(id, …)`, `push`. */
  adds: boolean;
  /** Inside `with lock:` / `async with self._lock:` / `lock.acquire()` … `release()`. */
  locked: boolean;
  reachers: StateReacher[];
}

export interface SharedState {
  key: string;
  runtime: 'python' | 'node';
  file: ParsedFile;
  /** As the code names it: `active_calls`, `agent_brain`, `manager.active_connections`, `RateLimiter.hits`. */
  name: string;
  /** `collection` (dict/list/set/Map/array/object), `instance` of a project class, or a plain `value`. */
  kind: 'collection' | 'instance' | 'value';
  /** `dict`, `deque`, `Map`, the class of an instance. */
  type: string;
  /** Where it is created (the module-level assignment, the `self.x = []` of a singleton, the class-body line). */
  at: Location;
  /** How it is held: a module-level name, an attribute of a module-level instance, or a class attribute. */
  scope: 'module' | 'singleton-member' | 'class';
  /** For a `singleton-member`: the key of the module-level instance that holds it. */
  owner?: string;
  /** A size bound in its type: `deque(maxlen=…)`, `TTLCache(maxsize=…)`, `LRUCache`. */
  bounded: boolean;
  /** Some code anywhere in the project takes entries out (`del`, `pop`, `clear`, `.delete(…)`, a TTL sweep). */
  removedSomewhere: boolean;
  /** Handlers add entries and nothing bounds or removes them: it grows with the traffic. */
  grows: boolean;
  writes: StateAccess[];
  /** Handlers that read it (collections only). */
  reads: StateAccess[];
}

/** Hops from a handler into project code. */
const MAX_HOPS = 4;

const cache = new WeakMap<ParsedFiles, SharedState[]>();

/** Shared state written by the route handlers of an audit, computed once. */
export function sharedState(routes: Route[], files: ParsedFiles): SharedState[] {
  let states = cache.get(files);
  if (!states) cache.set(files, (states = [...collectPython(routes, files), ...collectJs(routes, files)]));
  return states;
}

/** "POST /sessions (start_session → _remember)": each route once, by its shortest chain. */
export function reacherLabels(reachers: StateReacher[]): string[] {
  const byRoute = new Map<string, { chain: string; length: number }>();
  for (const r of reachers) {
    const chain = [r.handler, ...r.chain.map((s) => s.text)].join(' → ');
    for (const route of r.routes) {
      const key = `${route.method} ${route.path}`;
      const known = byRoute.get(key);
      if (!known || r.chain.length < known.length) byRoute.set(key, { chain, length: r.chain.length });
    }
  }
  return [...byRoute].map(([route, { chain }]) => `${route} (${chain})`);
}

/** Routes of reachers, "POST /sessions", each once. */
export function reacherRoutes(reachers: StateReacher[]): string[] {
  return [...new Set(reachers.flatMap((r) => r.routes.map((route) => `${route.method} ${route.path}`)))];
}

/** Every write's reachers, merged. */
export function writers(state: SharedState): StateReacher[] {
  return state.writes.flatMap((w) => w.reachers);
}

// ── Python ────────────────────────────────────────────────────────────────────────────────────

/** Methods that change a dict, list, set or deque in place. */
const MUTATORS = new Set(['append', 'extend', 'insert', 'remove', 'pop', 'popitem', 'clear', 'update', 'setdefault', 'add', 'discard', 'appendleft', 'popleft', 'extendleft', 'sort', 'reverse']);
const REMOVERS = new Set(['remove', 'pop', 'popitem', 'clear', 'discard', 'popleft', 'delete']);
const ADDERS = new Set(['append', 'extend', 'insert', 'add', 'setdefault', 'appendleft', 'extendleft', 'update']);
/** Constructors of mutable collections, as called (`dict()`, `collections.deque(...)`, `cachetools.TTLCache(...)`). */
const COLLECTION_CTOR = /^(collections\.)?(dict|list|set|defaultdict|OrderedDict|deque|Counter|ChainMap)$|^cachetools\.(TTLCache|LRUCache|LFUCache|RRCache|FIFOCache|Cache|TLRUCache)$/;
const COLLECTION_LITERAL: Record<string, string> = {
  dictionary: 'dict',
  list: 'list',
  set: 'set',
  dictionary_comprehension: 'dict',
  list_comprehension: 'list',
  set_comprehension: 'set',
};
const SCALAR_TYPES: Record<string, string> = { true: 'bool', false: 'bool', integer: 'int', float: 'float', string: 'str', none: 'None' };
const LOCK_NAME = /lock|mutex|semaphore|Lock\(|Semaphore\(/i;

type Step = { kind: 'attribute'; name: string } | { kind: 'subscript' } | { kind: 'mutator'; name: string };

interface Decl {
  file: ParsedFile;
  name: string;
  assign: SyntaxNode;
  kind: 'collection' | 'instance' | 'value';
  type: string;
  bounded: boolean;
  /** The class of an instance. */
  cls?: { file: ParsedFile; node: SyntaxNode };
}

interface RawWrite {
  node: SyntaxNode;
  root: string;
  rootNode: SyntaxNode;
  steps: Step[];
  rebind: boolean;
  removes: boolean;
  adds: boolean;
}

/** The identifier an assignment target or call receiver starts from, and the steps from it (`a.b[k]` → a, [.b, []]). */
function chainOf(expr: SyntaxNode): { root: SyntaxNode; steps: Step[] } | undefined {
  const steps: Step[] = [];
  let node: SyntaxNode | null = expr;
  while (node) {
    const kind = node.kind();
    if (kind === 'identifier') return { root: node, steps };
    if (kind === 'attribute') {
      steps.unshift({ kind: 'attribute', name: node.field('attribute')?.text() ?? '' });
      node = node.field('object');
    } else if (kind === 'subscript') {
      steps.unshift({ kind: 'subscript' });
      node = node.field('value');
    } else if (kind === 'parenthesized_expression') node = node.children().find((c) => c.isNamed()) ?? null;
    else return undefined;
  }
  return undefined;
}

const rawWritesMemo = new WeakMap<SyntaxNode, RawWrite[]>();

/** In-place writes a function's own body makes: `x[k] = v`, `x.attr = v`, `del x[k]`, `x.append(v)`, and `global x; x = v`. */
function writesIn(fn: SyntaxNode): RawWrite[] {
  const known = rawWritesMemo.get(fn);
  if (known) return known;
  const out: RawWrite[] = [];
  const globals = /\bglobal\b/.test(fn.text()) ? pyGlobalNames(fn) : new Set<string>();
  const targets: { node: SyntaxNode; target: SyntaxNode; removes: boolean }[] = [];
  for (const node of pyOwnNodes(fn, ['assignment', 'augmented_assignment', 'delete_statement', 'call'])) {
    const kind = node.kind();
    if (kind === 'call') {
      const callee = node.field('function');
      const method = callee?.kind() === 'attribute' ? callee.field('attribute')?.text() : undefined;
      const receiver = callee?.field('object');
      if (!method || !receiver || !MUTATORS.has(method)) continue;
      const chain = chainOf(receiver);
      if (chain) out.push({ node, root: chain.root.text(), rootNode: chain.root, steps: [...chain.steps, { kind: 'mutator', name: method }], rebind: false, removes: REMOVERS.has(method), adds: ADDERS.has(method) });
    } else if (kind === 'delete_statement') {
      for (const target of node.children()) {
        if (target.kind() === 'attribute' || target.kind() === 'subscript') targets.push({ node, target, removes: true });
        for (const part of target.kind() === 'expression_list' ? target.children() : [])
          if (part.kind() === 'attribute' || part.kind() === 'subscript') targets.push({ node, target: part, removes: true });
      }
    } else {
      const left = node.field('left');
      if (!left) continue;
      if (left.kind() === 'identifier') {
        if (globals.has(left.text()) && !isLazyInit(node, left.text(), fn)) out.push({ node, root: left.text(), rootNode: left, steps: [], rebind: true, removes: false, adds: false });
      } else if (left.kind() === 'pattern_list' || left.kind() === 'tuple_pattern') {
        for (const part of left.children()) {
          if (part.kind() === 'identifier' && globals.has(part.text())) out.push({ node, root: part.text(), rootNode: part, steps: [], rebind: true, removes: false, adds: false });
          else if (part.kind() === 'attribute' || part.kind() === 'subscript') targets.push({ node, target: part, removes: false });
        }
      } else targets.push({ node, target: left, removes: false });
    }
  }
  for (const { node, target, removes } of targets) {
    const chain = chainOf(target);
    // `x[key] = v` with a computed key adds an entry; `x["calls"] += 1` only updates a fixed one.
    const key = target.kind() === 'subscript' ? target.field('subscript') : undefined;
    const adds = !removes && !!key && !/^(string|integer|float|true|false|none)$/.test(String(key.kind()));
    if (chain) out.push({ node, root: chain.root.text(), rootNode: chain.root, steps: chain.steps, rebind: false, removes, adds });
  }
  rawWritesMemo.set(fn, out);
  return out;
}

/** `if x is None: x = load()` — a lazily created singleton, written once. */
function isLazyInit(assign: SyntaxNode, name: string, fn: SyntaxNode): boolean {
  const test = new RegExp(`\\b${name}\\s+is\\s+None\\b|\\bnot\\s+${name}\\b`);
  const stop = fn.range().start.index;
  for (let current = assign.parent(); current && current.range().start.index > stop; current = current.parent())
    if (current.kind() === 'if_statement' && test.test(current.field('condition')?.text() ?? '')) return true;
  return false;
}

/** Inside `with lock:` / `async with self._lock:` (up to the function), or between `lock.acquire()` and `release()`. */
function isLocked(node: SyntaxNode, fn: SyntaxNode): boolean {
  const stop = fn.range().start.index;
  for (let current = node.parent(); current && current.range().start.index >= stop; current = current.parent()) {
    if (current.kind() === 'with_statement') {
      const items = current.children().find((c) => c.kind() === 'with_clause')?.text() ?? '';
      if (LOCK_NAME.test(items)) return true;
    }
    if (current.kind() === 'function_definition') break;
  }
  const before = fn.text().slice(0, node.range().start.index - stop);
  return /\.acquire\(\s*\)/.test(before) && LOCK_NAME.test(before.slice(before.lastIndexOf('.acquire(') - 40));
}

function classify(file: ParsedFile, name: string, assign: SyntaxNode, load: PyModuleLoader<ParsedFile>): Decl {
  const right = assign.field('right');
  const base = { file, name, assign, bounded: false };
  if (!right) return { ...base, kind: 'value', type: 'value' };
  const literal = COLLECTION_LITERAL[String(right.kind())];
  if (literal) return { ...base, kind: 'collection', type: literal };
  const scalar = SCALAR_TYPES[String(right.kind())];
  if (scalar) return { ...base, kind: 'value', type: scalar };
  if (right.kind() !== 'call') return { ...base, kind: 'value', type: 'value' };
  const callee = right.field('function');
  const value = callee ? evaluatePyExpression(callee, { file }, load) : undefined;
  if (value?.kind === 'external' && COLLECTION_CTOR.test(value.path)) {
    const type = value.path.replace(/^(collections|cachetools)\./, '');
    const bounded = /^cachetools\./.test(value.path) || (type === 'deque' && /\bmaxlen\s*=\s*(?!None\b)/.test(right.text()));
    return { ...base, kind: 'collection', type, bounded };
  }
  if (value?.kind === 'class') return { ...base, kind: 'instance', type: value.cls.field('name')?.text() ?? 'object', cls: { file: value.file, node: value.cls } };
  return { ...base, kind: 'value', type: 'value' };
}

/** Module-level names written by `for`-less code at import time that hold a value computed by a decorator: `lru_cache` functions are not state. */
function isCachedFunction(fn: SyntaxNode): boolean {
  return pyDecorators(fn).some((d) => /(^|\.)(lru_cache|cache|cached|cached_property)\b/.test(d.text()));
}

interface PyVisit {
  target: ReachedFunction;
  chain: CallStep[];
  /** The module-level instance `self` is, when the method was called on one (`agent_brain.respond()`). */
  shared?: Decl;
}

function collectPython(allRoutes: Route[], files: ParsedFiles): SharedState[] {
  const graph = pyCallGraph(files);
  const load = graph.load;
  const states = new Map<string, SharedState>();
  const declarations = new Map<string, Decl | undefined>();

  const declarationOf = (file: ParsedFile, name: string): Decl | undefined => {
    const key = `${file.path}#${name}`;
    if (!declarations.has(key)) declarations.set(key, findDeclaration(file, name, load));
    return declarations.get(key);
  };

  /** The module-level declaration an expression names (`brain`, `state.brain`), when it is not local to `fn`. */
  const moduleDecl = (file: ParsedFile, fn: SyntaxNode, expr: SyntaxNode): Decl | undefined => {
    const chain = chainOf(expr);
    if (!chain) return undefined;
    const local = pyLocalBinding(fn, chain.root.text(), undefined, file);
    if (local && local !== 'global') return undefined;
    if (!chain.steps.length) return declarationOf(file, chain.root.text());
    const rootValue = evaluatePyExpression(chain.root, { file, fn }, load);
    if (rootValue?.kind === 'module' && rootValue.file && chain.steps.length === 1 && chain.steps[0].kind === 'attribute') return declarationOf(rootValue.file, chain.steps[0].name);
    return undefined;
  };

  const stateFor = (decl: Decl, scope: SharedState['scope'], member?: { name: string; at: Location; type: string; kind: SharedState['kind']; bounded: boolean }): SharedState => {
    const key = member ? `${decl.file.path}#${decl.name}.${member.name}` : `${decl.file.path}#${decl.name}`;
    let state = states.get(key);
    if (!state) {
      state = {
        key,
        runtime: 'python',
        file: decl.file,
        name: member ? `${decl.name}.${member.name}` : decl.name,
        kind: member?.kind ?? decl.kind,
        type: member?.type ?? decl.type,
        at: member?.at ?? decl.file.locate(decl.assign),
        scope,
        owner: member ? `${decl.file.path}#${decl.name}` : undefined,
        bounded: member?.bounded ?? decl.bounded,
        removedSomewhere: false,
        grows: false,
        writes: [],
        reads: [],
      };
      states.set(key, state);
    }
    return state;
  };

  /** Accesses by state key and node, so a write reached from many handlers is one access with many reachers. */
  const accessIndex = new Map<string, StateAccess>();
  /** The accesses a function (reached through a given shared instance) makes, resolved on its first visit. */
  let collecting: StateAccess[] | undefined;
  const addAccess = (state: SharedState, file: ParsedFile, node: SyntaxNode, how: StateAccess['how'], reacher: StateReacher, fn: SyntaxNode, extra: { attribute?: string; removes?: boolean; adds?: boolean } = {}) => {
    const key = `${state.key}\0${how === 'read' ? 'r' : 'w'}\0${file.path}:${node.range().start.index}`;
    let access = accessIndex.get(key);
    if (!access) {
      access = { file, node, how, attribute: extra.attribute, removes: extra.removes ?? false, adds: extra.adds ?? false, locked: how !== 'read' && isLocked(node, fn), reachers: [] };
      accessIndex.set(key, access);
      (how === 'read' ? state.reads : state.writes).push(access);
    }
    addReacher(access, reacher);
    collecting?.push(access);
  };
  const addReacher = (access: StateAccess, reacher: StateReacher) => {
    const last = access.reachers[access.reachers.length - 1];
    if (!last || last.handler !== reacher.handler || last.routes !== reacher.routes) access.reachers.push(reacher);
  };
  const resolvedAccesses = new Map<string, StateAccess[]>();

  /** Class attribute `Class.attr` (body-level), as shared state. */
  const classAttribute = (file: ParsedFile, cls: SyntaxNode, attr: string): Decl | undefined => {
    const assigns = pyClassState(file, cls).classAttributes.get(attr);
    const assign = assigns?.[assigns.length - 1];
    if (!assign) return undefined;
    const className = cls.field('name')?.text() ?? 'Class';
    return { ...classify(file, `${className}.${attr}`, assign, load), name: `${className}.${attr}` };
  };

  const visitWrites = (visit: PyVisit, reacher: StateReacher) => {
    const { file, fn, cls } = visit.target;
    if (isCachedFunction(fn)) return;
    const selfName = cls ? pyParameters(fn)[0]?.name : undefined;
    const isClassMethod = cls ? pyDecorators(fn).some((d) => d.text() === 'classmethod') : false;
    const locality = new Map<string, boolean>();
    for (const write of writesIn(fn)) {
      // `self.…` inside a method.
      if (cls && selfName && write.root === selfName && !write.rebind && write.steps[0]?.kind === 'attribute') {
        const attr = write.steps[0].name;
        if (isClassMethod) {
          const decl = classAttribute(file, cls, attr);
          if (decl) recordClassWrite(decl, write, reacher, fn, file);
          continue;
        }
        if (visit.shared) {
          if (write.steps.length >= 2 && write.steps[1].kind !== 'attribute') {
            // A collection attribute of a shared instance: `self.connections.append(ws)`.
            const state = stateFor(visit.shared, 'singleton-member', memberOf(visit.shared, attr));
            addAccess(state, file, write.node, 'collection', reacher, fn, { removes: write.removes, adds: write.adds });
          } else {
            const state = stateFor(visit.shared, 'module');
            addAccess(state, file, write.node, 'attribute', reacher, fn, { attribute: attr });
          }
          continue;
        }
        // A per-request instance mutating a collection its class body owns: shared by every instance.
        const { instanceAttributes } = pyClassState(file, cls);
        if (write.steps.length >= 2 && write.steps[1].kind !== 'attribute' && !instanceAttributes.has(attr)) {
          const decl = classAttribute(file, cls, attr);
          if (decl?.kind === 'collection') addAccess(stateFor(decl, 'class'), file, write.node, 'collection', reacher, fn, { removes: write.removes, adds: write.adds });
        }
        continue;
      }
      if (!locality.has(write.root)) {
        const local = pyLocalBinding(fn, write.root, undefined, file);
        locality.set(write.root, !!local && local !== 'global');
      }
      if (locality.get(write.root)) continue;
      // `ClassName.attr = …` / `ClassName.attr[k] = …`.
      if (!write.rebind && write.steps[0]?.kind === 'attribute') {
        const rootValue = evaluatePyExpression(write.rootNode, { file, fn }, load);
        if (rootValue?.kind === 'class') {
          const decl = classAttribute(rootValue.file, rootValue.cls, write.steps[0].name);
          if (decl) recordClassWrite(decl, write, reacher, fn, file);
          continue;
        }
        if (rootValue?.kind === 'module' && rootValue.file) {
          const decl = declarationOf(rootValue.file, write.steps[0].name);
          if (decl) recordModuleWrite(decl, write.steps.slice(1), write, reacher, fn, file);
          continue;
        }
      }
      const decl = declarationOf(file, write.root);
      if (write.rebind) {
        const state = decl ? stateFor(decl, 'module') : undefined;
        if (state) addAccess(state, file, write.node, 'rebind', reacher, fn);
        continue;
      }
      if (decl) recordModuleWrite(decl, write.steps, write, reacher, fn, file);
    }
  };

  const recordModuleWrite = (decl: Decl, steps: Step[], write: RawWrite, reacher: StateReacher, fn: SyntaxNode, file: ParsedFile) => {
    if (!steps.length) return;
    if (decl.kind === 'collection' && steps[0].kind !== 'attribute') addAccess(stateFor(decl, 'module'), file, write.node, 'collection', reacher, fn, { removes: write.removes, adds: write.adds });
    else if (decl.kind === 'instance' && steps[0].kind === 'attribute') {
      // `brain.history.append(x)` on a module-level instance: its collection attribute.
      if (steps.length >= 2 && steps[1].kind !== 'attribute') addAccess(stateFor(decl, 'singleton-member', memberOf(decl, steps[0].name)), file, write.node, 'collection', reacher, fn, { removes: write.removes, adds: write.adds });
      else addAccess(stateFor(decl, 'module'), file, write.node, 'attribute', reacher, fn, { attribute: steps[0].name });
    }
  };

  const recordClassWrite = (decl: Decl, write: RawWrite, reacher: StateReacher, fn: SyntaxNode, file: ParsedFile) => {
    if (write.steps.length === 1) addAccess(stateFor(decl, 'class'), file, write.node, 'rebind', reacher, fn);
    else if (decl.kind === 'collection' && write.steps[1].kind !== 'attribute') addAccess(stateFor(decl, 'class'), file, write.node, 'collection', reacher, fn, { removes: write.removes, adds: write.adds });
  };

  /** A collection attribute of a shared instance, created in its class (`self.connections: list = []`). */
  const memberOf = (decl: Decl, attr: string): { name: string; at: Location; type: string; kind: SharedState['kind']; bounded: boolean } => {
    const cls = decl.cls;
    if (cls) {
      for (const method of cls.node.field('body')?.children() ?? []) {
        const def = method.kind() === 'decorated_definition' ? method.field('definition') : method;
        if (def?.kind() !== 'function_definition') continue;
        const self = pyParameters(def)[0]?.name;
        for (const assign of pyOwnNodes(def, 'assignment')) {
          const left = assign.field('left');
          if (left?.kind() !== 'attribute' || left.field('object')?.text() !== self || left.field('attribute')?.text() !== attr) continue;
          const classified = classify(cls.file, attr, assign, load);
          return { name: attr, at: cls.file.locate(assign), type: classified.kind === 'collection' ? classified.type : 'collection', kind: 'collection', bounded: classified.bounded };
        }
      }
    }
    return { name: attr, at: decl.file.locate(decl.assign), type: 'collection', kind: 'collection', bounded: false };
  };

  /** The shared instance a call's receiver is: `self` of a shared visit, or a module-level instance. */
  const receiverOf = (call: SyntaxNode, visit: PyVisit): Decl | undefined => {
    const callee = call.field('function');
    if (callee?.kind() !== 'attribute') return undefined;
    const object = callee.field('object');
    if (!object) return undefined;
    const { file, fn, cls } = visit.target;
    if (cls && object.kind() === 'identifier' && object.text() === pyParameters(fn)[0]?.name) return visit.shared;
    const decl = moduleDecl(file, fn, object);
    return decl?.kind === 'instance' ? decl : undefined;
  };

  /** The receiver of an edge depends only on the edge and on what `self` is in the caller: resolved once per pair. */
  const receivers = new WeakMap<object, Map<Decl | undefined, Decl | undefined>>();
  const receiverFor = (edge: object & { step: CallStep }, visit: PyVisit): Decl | undefined => {
    let bySelf = receivers.get(edge);
    if (!bySelf) receivers.set(edge, (bySelf = new Map()));
    if (!bySelf.has(visit.shared)) bySelf.set(visit.shared, receiverOf(edge.step.call, visit));
    return bySelf.get(visit.shared);
  };
  const handlerVisits: { visit: PyVisit; reacher: StateReacher }[] = [];
  for (const { file, fn, routes } of handlersWithRoutes(allRoutes, files, 'python')) {
    const handler = fn.field('name')?.text() ?? routes[0].handler.name;
    const start = graph.start(file, fn, handler);
    let frontier: PyVisit[] = [{ target: start, chain: [] }];
    const seen = new Set<string>();
    for (let depth = 0; frontier.length; depth++) {
      const next: PyVisit[] = [];
      for (const visit of frontier) {
        const key = `${functionKey(visit.target)}|${visit.shared ? `${visit.shared.file.path}#${visit.shared.name}` : ''}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const reacher: StateReacher = { routes, handler, chain: visit.chain };
        const known = resolvedAccesses.get(key);
        if (known) for (const access of known) addReacher(access, reacher);
        else {
          collecting = [];
          visitWrites(visit, reacher);
          resolvedAccesses.set(key, collecting);
          collecting = undefined;
        }
        handlerVisits.push({ visit, reacher });
        if (depth >= MAX_HOPS) continue;
        for (const edge of graph.callees(visit.target)) {
          const shared = edge.kind === 'call' ? receiverFor(edge, visit) : undefined;
          next.push({ target: edge.target, chain: [...visit.chain, edge.step], shared });
        }
      }
      frontier = next;
    }
  }

  // Reads of module-level collections by the same handlers (for "written by … read by …").
  const collections = [...states.values()].filter((s) => s.kind === 'collection' && s.scope === 'module');
  if (collections.length) {
    const names = new Set(collections.map((s) => s.name));
    /** Per function: its identifiers that name a collection, found once. */
    const candidates = new Map<string, SyntaxNode[]>();
    for (const { visit, reacher } of handlerVisits) {
      const { file, fn } = visit.target;
      const fnKey = functionKey(visit.target);
      let ids = candidates.get(fnKey);
      if (!ids) {
        const text = fn.text();
        candidates.set(fnKey, (ids = [...names].some((n) => text.includes(n)) ? pyOwnNodes(fn, 'identifier').filter((id) => names.has(id.text())) : []));
      }
      for (const id of ids) {
        if (!names.has(id.text())) continue;
        const parent = id.parent();
        // Skip the target of a write, already counted, and attribute names (`x.name`).
        if (parent?.kind() === 'attribute' && parent.field('attribute')?.range().start.index === id.range().start.index) continue;
        const decl = moduleDecl(file, fn, id);
        const state = decl ? states.get(`${decl.file.path}#${decl.name}`) : undefined;
        if (!state || state.writes.some((w) => w.file.path === file.path && w.node.range().start.index <= id.range().start.index && w.node.range().end.index >= id.range().end.index)) continue;
        addAccess(state, file, id, 'read', reacher, fn);
      }
    }
  }

  for (const state of states.values()) {
    state.removedSomewhere = state.writes.some((w) => w.removes) || removedInProject(state, files);
    state.grows = state.kind === 'collection' && !state.bounded && !state.removedSomewhere && state.writes.some((w) => w.adds);
  }
  return [...states.values()];
}

/**
 * Any `del name[…]`, `name.pop(…)`, `name.clear()` … anywhere in the project's Python code, or a
 * reset to an empty collection besides the one that creates it (`x = {}` at module level,
 * `self.x = []` in `__init__`).
 */
function removedInProject(state: SharedState, files: ParsedFiles): boolean {
  const leaf = state.name.split('.').pop() ?? state.name;
  const removal = new RegExp(`\\bdel\\s+[\\w.]*\\b${leaf}\\[|\\b${leaf}\\s*\\.\\s*(pop|popitem|remove|clear|discard|popleft|expire)\\(`);
  const reset = new RegExp(`\\b${leaf}\\s*(?::[^=\\n]+)?=\\s*(\\{\\}|\\[\\]|set\\(\\)|dict\\(\\)|list\\(\\))`, 'g');
  let resets = 0;
  for (const file of files.ofKind('python', { containing: [leaf], includeTests: false })) {
    if (removal.test(file.text)) return true;
    resets += file.text.match(reset)?.length ?? 0;
  }
  return resets > 1;
}

/** The module-level assignment that declares `name` in `file`, following `from x import name` into project modules. */
function findDeclaration(file: ParsedFile, name: string, load: PyModuleLoader<ParsedFile>, depth = 0): Decl | undefined {
  const root = file.ast;
  if (!root || depth > 3) return undefined;
  const assigns = pyModuleAssignments(root).get(name);
  if (assigns?.length) {
    const classified = assigns.map((assign) => classify(file, name, assign, load));
    return classified.find((d) => d.kind !== 'value') ?? classified[0];
  }
  const imported = pyImports(root).get(name);
  if (!imported?.name) return undefined;
  const target = load(file, imported.module);
  return target ? findDeclaration(target, imported.name, load, depth + 1) : undefined;
}

// ── JS / TS ───────────────────────────────────────────────────────────────────────────────────

/** Methods that change a Map, Set or array in place. */
const JS_MUTATORS = new Set(['set', 'delete', 'clear', 'add', 'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
const JS_REMOVERS = new Set(['delete', 'clear', 'pop', 'shift', 'splice']);
/** Nodes that may write: mutator calls and `delete x[k]` are picked natively (the loop re-checks them). */
const JS_WRITE_CANDIDATES = {
  any: [
    { kind: 'call_expression', has: { field: 'function', kind: 'member_expression', has: { field: 'property', regex: `^(${[...JS_MUTATORS].join('|')})$` } } },
    { kind: 'assignment_expression' },
    { kind: 'augmented_assignment_expression' },
    { kind: 'update_expression' },
    { kind: 'unary_expression', regex: '^delete\\b' },
  ],
};

/** `a.b[k]` → a, [.b, []] (through TS wrappers); undefined when it does not start from a plain name. */
function jsChainOf(expr: SyntaxNode): { root: SyntaxNode; steps: Step[] } | undefined {
  const steps: Step[] = [];
  let node = unwrapJsExpression(expr);
  for (;;) {
    const kind = node.kind();
    if (kind === 'identifier') return { root: node, steps };
    const object = node.field('object');
    if (!object) return undefined;
    if (kind === 'member_expression') steps.unshift({ kind: 'attribute', name: node.field('property')?.text() ?? '' });
    else if (kind === 'subscript_expression') steps.unshift({ kind: 'subscript' });
    else return undefined;
    node = unwrapJsExpression(object);
  }
}

/** Whether a parameter of a function between `node` and `top` (inclusive) is called `name`. */
function jsParameterShadows(node: SyntaxNode, top: SyntaxNode, name: string): boolean {
  const stop = top.range().start.index;
  for (let current = node.parent(); current && current.range().start.index >= stop; current = current.parent()) {
    if (!isJsFunction(current) && current.kind() !== 'catch_clause') continue;
    const params = current.field('parameters') ?? current.field('parameter');
    if (params && (params.kind() === 'identifier' ? params.text() === name : params.findAll({ rule: { kind: 'identifier' } }).some((id) => id.text() === name))) return true;
    if (current.kind() === 'catch_clause' && current.children().some((c) => c.kind() === 'identifier' && c.text() === name)) return true;
  }
  return false;
}

interface JsDecl {
  file: ParsedFile;
  name: string;
  assign: SyntaxNode;
  kind: SharedState['kind'];
  type: string;
  rebindable: boolean;
  bounded: boolean;
}

/** The module-level `const`/`let`/`var` a binding is, classified; undefined for anything else. */
function jsModuleState(binding: JsBinding, files: ParsedFiles): JsDecl | undefined {
  const declarator = binding.declaration;
  if (declarator.kind() !== 'variable_declarator') return undefined;
  const list = declarator.parent();
  if (!list || !/^(lexical_declaration|variable_declaration)$/.test(String(list.kind()))) return undefined;
  const top = list.parent()?.kind() === 'export_statement' ? list.parent()?.parent() : list.parent();
  if (top?.kind() !== 'program') return undefined;
  const base = { file: binding.file, name: binding.name, assign: list, rebindable: !/^const\b/.test(list.text()), bounded: false };
  const value = binding.value ? unwrapJsExpression(binding.value) : undefined;
  if (value?.kind() === 'object') return { ...base, kind: 'collection', type: 'object' };
  if (value?.kind() === 'array') return { ...base, kind: 'collection', type: 'array' };
  if (value?.kind() === 'new_expression') {
    const ctor = value.field('constructor');
    const name = ctor?.text() ?? '';
    if (/^(Map|Set|Array)$/.test(name)) return { ...base, kind: 'collection', type: name === 'Array' ? 'array' : name };
    if (/^(LRUCache|LRU|TTLCache|NodeCache|QuickLRU)$/.test(name)) return { ...base, kind: 'collection', type: name, bounded: true };
    const cls = ctor ? resolveJsReference(files, binding.file, ctor) : undefined;
    const clsNode = cls?.value ?? cls?.declaration;
    if (clsNode && /class/.test(String(clsNode.kind()))) return { ...base, kind: 'instance', type: cls?.name ?? name };
  }
  return { ...base, kind: 'value', type: 'value' };
}

type JsWrite = { decl: JsDecl; node: SyntaxNode; how: WriteHow; attribute?: string; removes: boolean; adds: boolean };
const jsWritesMemo = new WeakMap<SyntaxNode, JsWrite[]>();
const JS_ADDERS = new Set(['set', 'add', 'push', 'unshift']);

/** Writes a JS function (callbacks included) makes to module-level state, resolved to the declarations. */
function jsStateWrites(fn: SyntaxNode, file: ParsedFile, files: ParsedFiles): JsWrite[] {
  const known = jsWritesMemo.get(fn);
  if (known) return known;
  const candidates: { node: SyntaxNode; target: SyntaxNode; mutator?: string }[] = [];
  for (const node of fn.findAll({ rule: JS_WRITE_CANDIDATES })) {
    const kind = node.kind();
    if (kind === 'call_expression') {
      const callee = node.field('function');
      const method = callee?.kind() === 'member_expression' ? callee.field('property')?.text() : undefined;
      const object = callee?.field('object');
      if (method && object && JS_MUTATORS.has(method)) candidates.push({ node, target: object, mutator: method });
    } else if (kind === 'unary_expression') {
      const argument = node.field('argument');
      if (argument && node.field('operator')?.text() === 'delete') candidates.push({ node, target: argument, mutator: 'delete' });
    } else {
      const target = kind === 'update_expression' ? node.field('argument') : node.field('left');
      if (target) candidates.push({ node, target });
    }
  }
  const out: JsWrite[] = [];
  for (const { node, target, mutator } of candidates) {
    const chain = jsChainOf(target);
    if (!chain || jsParameterShadows(chain.root, fn, chain.root.text())) continue;
    const steps: Step[] = mutator ? [...chain.steps, { kind: 'mutator', name: mutator }] : chain.steps;
    const binding = resolveJsReference(files, file, chain.root);
    const decl = binding ? jsModuleState(binding, files) : undefined;
    if (!decl) continue;
    const removes = !!mutator && JS_REMOVERS.has(mutator);
    // `.set(id, v)` / `.push(v)` / `obj[id] = v` add entries; `obj.count += 1` or `.set('total', n)` update a fixed one.
    const firstArg = mutator ? node.field('arguments')?.children().find((c) => c.isNamed()) : undefined;
    const subscript = !mutator && target.kind() === 'subscript_expression' ? target.field('index') : undefined;
    const adds =
      (!!mutator && JS_ADDERS.has(mutator) && !(mutator === 'set' && firstArg && /^(string|number)$/.test(String(firstArg.kind())))) ||
      (!!subscript && !/^(string|number)$/.test(String(subscript.kind())));
    if (!steps.length) {
      if (decl.rebindable) out.push({ decl, node, how: 'rebind', removes, adds: false });
    } else if (decl.kind === 'collection') out.push({ decl, node, how: 'collection', removes, adds });
    else if (decl.kind === 'instance' && steps[0].kind === 'attribute') out.push({ decl, node, how: 'attribute', attribute: steps[0].name, removes, adds: false });
  }
  jsWritesMemo.set(fn, out);
  return out;
}

function collectJs(routes: Route[], files: ParsedFiles): SharedState[] {
  const graph = jsCallGraph(files);
  const states = new Map<string, SharedState>();
  for (const { file, fn, routes: handlerRoutes } of handlersWithRoutes(routes, files, 'js')) {
    const handler = handlerRoutes[0].handler.name === '<anonymous>' ? 'inline handler' : handlerRoutes[0].handler.name;
    for (const path of graph.reach(graph.start(file, fn, handler), { maxDepth: MAX_HOPS })) {
      const reacher: StateReacher = { routes: handlerRoutes, handler, chain: path.chain };
      for (const write of jsStateWrites(path.fn, path.file, files)) {
        const key = `${write.decl.file.path}#${write.decl.name}`;
        let state = states.get(key);
        if (!state) {
          state = {
            key,
            runtime: 'node',
            file: write.decl.file,
            name: write.decl.name,
            kind: write.decl.kind,
            type: write.decl.type,
            at: write.decl.file.locate(write.decl.assign),
            scope: 'module',
            bounded: write.decl.bounded,
            removedSomewhere: false,
            grows: false,
            writes: [],
            reads: [],
          };
          states.set(key, state);
        }
        const existing = state.writes.find((w) => w.file.path === path.file.path && w.node.range().start.index === write.node.range().start.index);
        if (existing) existing.reachers.push(reacher);
        else state.writes.push({ file: path.file, node: write.node, how: write.how, attribute: write.attribute, removes: write.removes, adds: write.adds, locked: false, reachers: [reacher] });
      }
    }
  }
  for (const state of states.values()) {
    const pattern = new RegExp(`\\b${state.name}\\s*\\.\\s*(delete|clear|shift|splice|pop)\\(|\\bdelete\\s+${state.name}\\b|\\b${state.name}\\.length\\s*=|\\b${state.name}\\.size\\s*[>>=]`);
    state.removedSomewhere = state.writes.some((w) => w.removes) || files.ofKind('js', { containing: [state.name], includeTests: false }).some((f) => pattern.test(f.text));
    state.grows = state.kind === 'collection' && !state.bounded && !state.removedSomewhere && state.writes.some((w) => w.adds);
  }
  return [...states.values()];
}
