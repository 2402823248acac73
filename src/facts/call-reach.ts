/**
 * The project code a request handler runs: the functions and methods it calls, followed across
 * modules a few hops deep, each with the call chain that reaches it (`handle_call →
 * agent_brain.set_prompt`). Python follows plain calls, methods of module-level instances and of
 * `self`, constructors (`Service()` runs `Service.__init__`) and FastAPI `Depends(...)`
 * dependencies; JS/TS follows imported and local functions, object and class members.
 *
 * Rules ask it one question — "what does this handler reach?" — and judge each reached function
 * once: the callee list of every function is resolved once per audit, so the cost is the size of
 * the reached sets, not handlers × project functions.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import type { Route } from '../model/repo-index.ts';
import {
  evaluatePyExpression,
  isAsyncPyFunction,
  pyBaseClasses,
  pyDefinitions,
  pyFunctionTarget,
  pyOwnNodes,
  pyParameters,
  type PyModuleLoader,
} from '../parse/python-syntax.ts';
import { isAsyncJsFunction } from '../parse/js-syntax.ts';
import { codeSpanText } from '../parse/syntax.ts';
import { cachedPyModuleLoader } from './routes/python-modules.ts';
import { functionOfBinding, resolveJsReference } from './routes/js-modules.ts';
import { handlersWithRoutes } from './routes/route-scope.ts';

/** One call on the way from a handler to a function. */
export interface CallStep {
  file: ParsedFile;
  /** The call (or the `Depends(...)` default) in the caller. */
  call: SyntaxNode;
  /** The callee as written, shortened: `agent_brain.set_prompt`, `Depends(get_db)`, `ChatService`. */
  text: string;
}

/** How a function is entered from its caller. */
export type EdgeKind = 'call' | 'dependency' | 'constructor';

export interface CallEdge {
  step: CallStep;
  kind: EdgeKind;
  /** The call's result is awaited (`await helper()`), for async callees. */
  awaited: boolean;
  target: ReachedFunction;
}

export interface ReachedFunction {
  file: ParsedFile;
  fn: SyntaxNode;
  /** The class of a method. */
  cls?: SyntaxNode;
  /** `synthesize_voice`, `AgentBrain.respond`. */
  label: string;
  isAsync: boolean;
  /** `path:offset`, computed once. */
  key?: string;
}

export interface ReachPath extends ReachedFunction {
  /** Calls from the starting function to this one, in order (empty for the start itself). */
  chain: CallStep[];
  /** Edge kinds along the chain. */
  kinds: EdgeKind[];
}

export interface ReachOptions {
  /** Hops to follow (default 4). */
  maxDepth?: number;
  /** Return false to leave an edge (and what lies behind it) out: offloaded calls, sync dependencies. */
  follow?: (edge: CallEdge, from: ReachedFunction) => boolean;
}

/** `path:offset` of a function: cached on reach objects, which are created once per function. */
export const functionKey = (f: { file: ParsedFile; fn: SyntaxNode; key?: string }) => (f.key ??= `${f.file.path}:${f.fn.range().start.index}`);

/** `a → b → c` for messages, from a handler name and the chain. */
export function describeChain(start: string, chain: CallStep[], last?: string): string {
  return [start, ...chain.map((s) => s.text), ...(last ? [last] : [])].join(' → ');
}

const stepText = (node: SyntaxNode) => codeSpanText(node, 48).replace(/\s+/g, ' ');

/** Python: callees of each project function, resolved once. */
export class PyCallGraph {
  readonly load: PyModuleLoader<ParsedFile>;
  private readonly edges = new Map<string, CallEdge[]>();
  private readonly asyncOf = new WeakMap<SyntaxNode, boolean>();
  /** Names of every function, method and class in the project's Python code: only calls ending in one can reach project code. */
  private readonly projectNames: Set<string>;

  constructor(readonly files: ParsedFiles) {
    this.load = cachedPyModuleLoader(files);
    this.projectNames = new Set();
    for (const file of files.ofKind('python'))
      for (const m of file.text.matchAll(/^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)/gm)) this.projectNames.add(m[1]);
  }

  private isAsync(fn: SyntaxNode): boolean {
    let known = this.asyncOf.get(fn);
    if (known === undefined) this.asyncOf.set(fn, (known = isAsyncPyFunction(fn)));
    return known;
  }

  /** The function a route handler node is, as a reach start. */
  start(file: ParsedFile, fn: SyntaxNode, label?: string): ReachedFunction {
    return { file, fn, label: label ?? fn.field('name')?.text() ?? '<anonymous>', isAsync: this.isAsync(fn) };
  }

  /** Project functions `fn`'s own body calls (and its FastAPI dependencies), in source order. */
  callees(from: ReachedFunction): CallEdge[] {
    const key = functionKey(from);
    let out = this.edges.get(key);
    if (out) return out;
    out = [];
    this.edges.set(key, out);
    const { file, fn } = from;
    const scope = { file, fn };
    const text = fn.text();
    // Only calls named like a project function, method or class can reach project code (`len(x)`,
    // `item.get(k)`, `secrets.token_hex()` cannot): a function whose text names none is not searched.
    let named = false;
    for (const m of text.matchAll(/([A-Za-z_]\w*)\s*\(/g)) if (this.projectNames.has(m[1])) named = true;
    for (const call of named ? pyOwnNodes(fn, 'call') : []) {
      const callee = call.field('function');
      if (!callee || (callee.kind() !== 'identifier' && callee.kind() !== 'attribute')) continue;
      const calleeText = callee.text();
      if (!this.projectNames.has(calleeText.slice(calleeText.lastIndexOf('.') + 1))) continue;
      const value = evaluatePyExpression(callee, scope, this.load);
      const awaited = call.parent()?.kind() === 'await';
      if (value?.kind === 'function') {
        const target = pyFunctionTarget(value);
        out.push({ step: { file, call, text: stepText(callee) }, kind: 'call', awaited, target: { ...target, isAsync: this.isAsync(target.fn) } });
      } else if (value?.kind === 'class') {
        const ctor = classInit(value.file, value.cls, this.load);
        if (ctor) out.push({ step: { file, call, text: stepText(callee) }, kind: 'constructor', awaited: false, target: { ...ctor, isAsync: false } });
      }
    }
    // Functions defined inside this one and used in it (`def run(): …; return _with_retry(run)`): they run for this call.
    for (const nested of /\bdef\s/.test(text.slice(4)) ? pyOwnNodes(fn, 'function_definition') : []) {
      const name = nested.field('name')?.text();
      if (!name) continue;
      const use = pyOwnNodes(fn, 'identifier').find((id) => id.text() === name && id.range().start.index > nested.range().end.index);
      if (!use) continue;
      const target = pyFunctionTarget({ file, fn: nested });
      out.push({ step: { file, call: use.parent()?.kind() === 'call' ? use.parent()! : use, text: name }, kind: 'call', awaited: false, target: { ...target, isAsync: this.isAsync(nested) } });
    }
    // FastAPI dependencies in the parameters: `db = Depends(get_db)`, `Annotated[Session, Depends(get_db)]`.
    for (const param of /\b(Depends|Security)\s*\(/.test(fn.field('parameters')?.text() ?? '') ? pyParameters(fn) : []) {
      for (const node of [param.default, param.annotation]) {
        if (!node || !/\b(Depends|Security)\s*\(/.test(node.text())) continue;
        for (const dep of node.findAll({ rule: { kind: 'call', has: { field: 'function', regex: '^(fastapi\\.)?(Depends|Security)$' } } })) {
          const arg = dep.field('arguments')?.children().find((c) => c.isNamed() && c.kind() !== 'keyword_argument' && c.kind() !== 'comment');
          if (!arg) continue;
          const value = evaluatePyExpression(arg, { file }, this.load);
          if (value?.kind !== 'function') continue;
          const target = pyFunctionTarget(value);
          out.push({ step: { file, call: dep, text: stepText(dep) }, kind: 'dependency', awaited: false, target: { ...target, isAsync: this.isAsync(target.fn) } });
        }
      }
    }
    return out;
  }

  /** Every project function `start` reaches (itself first), each once, by the shortest chain. */
  reach(start: ReachedFunction, options: ReachOptions = {}): ReachPath[] {
    return reachFrom(start, (f) => this.callees(f), options);
  }
}

/** `__init__` of a class or of its nearest project base class that defines one. */
function classInit(file: ParsedFile, cls: SyntaxNode, load: PyModuleLoader<ParsedFile>, depth = 0): { file: ParsedFile; fn: SyntaxNode; cls?: SyntaxNode; label: string } | undefined {
  const init = pyDefinitions(cls).get('__init__');
  if (init?.kind() === 'function_definition') return pyFunctionTarget({ file, fn: init, cls });
  if (depth > 4) return undefined;
  for (const base of pyBaseClasses(file, cls, load)) {
    const found = classInit(base.file, base.cls, load, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function reachFrom(start: ReachedFunction, callees: (f: ReachedFunction) => CallEdge[], options: ReachOptions): ReachPath[] {
  const maxDepth = options.maxDepth ?? 4;
  const seen = new Set<string>([functionKey(start)]);
  const out: ReachPath[] = [{ ...start, chain: [], kinds: [] }];
  let frontier: ReachPath[] = [out[0]];
  for (let depth = 0; depth < maxDepth && frontier.length; depth++) {
    const next: ReachPath[] = [];
    for (const current of frontier) {
      for (const edge of callees(current)) {
        const key = functionKey(edge.target);
        if (seen.has(key)) continue;
        if (options.follow && !options.follow(edge, current)) continue;
        seen.add(key);
        const path: ReachPath = { ...edge.target, chain: [...current.chain, edge.step], kinds: [...current.kinds, edge.kind] };
        out.push(path);
        next.push(path);
      }
    }
    frontier = next;
  }
  return out;
}

/** One graph per file set, shared by every rule of the audit. */
function graphOf<G>(cache: WeakMap<ParsedFiles, G>, files: ParsedFiles, make: (files: ParsedFiles) => G): G {
  let graph = cache.get(files);
  if (!graph) cache.set(files, (graph = make(files)));
  return graph;
}

const pyGraphs = new WeakMap<ParsedFiles, PyCallGraph>();
/** The Python call graph of a file set. */
export const pyCallGraph = (files: ParsedFiles): PyCallGraph => graphOf(pyGraphs, files, (f) => new PyCallGraph(f));

/** JS/TS: functions a function calls (callbacks included: they run on the same event loop), resolved once. */
export class JsCallGraph {
  private readonly edges = new Map<string, CallEdge[]>();

  constructor(readonly files: ParsedFiles) {}

  start(file: ParsedFile, fn: SyntaxNode, label: string): ReachedFunction {
    return { file, fn, label, isAsync: isAsyncJsFunction(fn) };
  }

  callees(from: ReachedFunction): CallEdge[] {
    const key = functionKey(from);
    let out = this.edges.get(key);
    if (out) return out;
    out = [];
    this.edges.set(key, out);
    const { file, fn } = from;
    const range = fn.range();
    for (const call of fn.findAll({ rule: { kind: 'call_expression' } })) {
      const callee = call.field('function');
      if (!callee || !/^(identifier|member_expression)$/.test(String(callee.kind()))) continue;
      const binding = resolveJsReference(this.files, file, callee);
      const target = functionOfBinding(binding);
      if (!binding || !target) continue;
      // A function nested in this one (a callback) is already searched as part of it.
      if (binding.file.path === file.path && target.range().start.index >= range.start.index && target.range().end.index <= range.end.index) continue;
      const awaited = call.parent()?.kind() === 'await_expression';
      out.push({ step: { file, call, text: stepText(callee) }, kind: 'call', awaited, target: { file: binding.file, fn: target, label: binding.name, isAsync: isAsyncJsFunction(target) } });
    }
    return out;
  }

  reach(start: ReachedFunction, options: ReachOptions = {}): ReachPath[] {
    return reachFrom(start, (f) => this.callees(f), options);
  }
}

const jsGraphs = new WeakMap<ParsedFiles, JsCallGraph>();
/** The JS/TS call graph of a file set. */
export const jsCallGraph = (files: ParsedFiles): JsCallGraph => graphOf(jsGraphs, files, (f) => new JsCallGraph(f));

/** A route handler that reaches a site, with the calls in between. */
export interface HandlerReacher {
  /** The handler function's key: one reacher per handler. */
  key: string;
  handler: string;
  routes: Route[];
  /** The handler's first line, noted with its routes. */
  handlerAt: Location;
  chain: CallStep[];
}

export interface ReachedSite<T> {
  /** The function the site is in. */
  reached: ReachPath;
  item: T;
  /** Handlers that reach it, shortest chain first. */
  reachers: HandlerReacher[];
}

export interface SiteSearch<T> {
  /** Sites in one reached function (called once per function). */
  python?: (path: ReachPath, graph: PyCallGraph) => T[];
  js?: (path: ReachPath) => T[];
  /** Which Python handlers to start from (default: all). */
  pythonRoute?: (route: Route) => boolean;
  /** Edges to follow from Python handlers (default: all). */
  follow?: ReachOptions['follow'];
  maxDepth?: number;
  /** Sites of one function with the same key are one site. */
  key: (item: T) => string;
}

const routeLabel = (r: Route) => `${r.method} ${r.path}`;
const reacherOrder = (a: HandlerReacher, b: HandlerReacher) => a.chain.length - b.chain.length || routeLabel(a.routes[0]).localeCompare(routeLabel(b.routes[0]));

/**
 * Sites (blocking calls, client constructors …) in the code that route handlers run: each
 * reached function is searched once, and every site lists the handlers that reach it with their
 * chains. Python and JS/TS handlers alike.
 */
export function sitesReachedFromRoutes<T>(routes: Route[], files: ParsedFiles, search: SiteSearch<T>): ReachedSite<T>[] {
  const sites = new Map<string, ReachedSite<T>>();
  const collect = <G extends { reach(start: ReachedFunction, options: ReachOptions): ReachPath[]; start(file: ParsedFile, fn: SyntaxNode, label: string): ReachedFunction }>(
    kind: 'python' | 'js',
    graph: G,
    judge: (path: ReachPath) => T[],
    filter: (route: Route) => boolean,
    follow?: ReachOptions['follow'],
  ) => {
    const memo = new Map<string, T[]>();
    for (const { file, fn, routes: served } of handlersWithRoutes(routes.filter(filter), files, kind)) {
      const name = kind === 'python' ? (fn.field('name')?.text() ?? served[0].handler.name) : served[0].handler.name === '<anonymous>' ? 'inline handler' : served[0].handler.name;
      const start = graph.start(file, fn, name);
      const handlerAt: Location = { ...file.locateLines(fn.range().start.line + 1), note: `handler of ${served.map(routeLabel).join(', ')}` };
      for (const path of graph.reach(start, { maxDepth: search.maxDepth ?? 4, follow })) {
        const key = functionKey(path);
        let items = memo.get(key);
        if (!items) memo.set(key, (items = judge(path)));
        for (const item of items) {
          const siteKey = `${key}#${search.key(item)}`;
          let site = sites.get(siteKey);
          if (!site) sites.set(siteKey, (site = { reached: path, item, reachers: [] }));
          if (!site.reachers.some((r) => r.key === functionKey(start))) site.reachers.push({ key: functionKey(start), handler: name, routes: served, handlerAt, chain: path.chain });
        }
      }
    }
  };
  if (search.python) {
    const graph = pyCallGraph(files);
    const judge = search.python;
    collect('python', graph, (path) => judge(path, graph), search.pythonRoute ?? (() => true), search.follow);
  }
  if (search.js) collect('js', jsCallGraph(files), search.js, () => true);
  for (const site of sites.values()) site.reachers.sort(reacherOrder);
  return [...sites.values()];
}

/** Related locations for a site's reachers: each handler, then each call of its chain. */
export function reacherLocations(reachers: HandlerReacher[], max = 5): Location[] {
  return reachers.slice(0, max).flatMap((r) => [r.handlerAt, ...r.chain.map((step, i) => step.file.locate(step.call, `${i === 0 ? r.handler : r.chain[i - 1].text} calls \`${step.text}\``))]);
}
