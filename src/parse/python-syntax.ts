/** Small, reusable questions about Python syntax trees (tree-sitter-python node kinds). */
import { findCallsByCallee, type SyntaxNode } from './syntax.ts';

export interface PyCall {
  node: SyntaxNode;
  /** The callee as written: `cursor.execute`, `Depends`, `app.get`. */
  callee: string;
  args: SyntaxNode[];
  keywords: Map<string, SyntaxNode>;
}

/** Describe a `call` node; undefined for any other node. */
export function describePyCall(node: SyntaxNode): PyCall | undefined {
  if (node.kind() !== 'call') return undefined;
  const fn = node.field('function');
  const argList = node.field('arguments');
  if (!fn) return undefined;
  const args: SyntaxNode[] = [];
  const keywords = new Map<string, SyntaxNode>();
  for (const child of argList?.children() ?? []) {
    if (!child.isNamed() || child.kind() === 'comment') continue;
    if (child.kind() === 'keyword_argument') {
      const name = child.field('name')?.text();
      const value = child.field('value');
      if (name && value) keywords.set(name, value);
    } else args.push(child);
  }
  return { node, callee: fn.text(), args, keywords };
}

/** All calls in a tree whose callee text matches. */
export function findPyCalls(root: SyntaxNode | undefined, callee: RegExp): PyCall[] {
  if (!root) return [];
  const out: PyCall[] = [];
  for (const node of findCallsByCallee(root, 'call', callee)) {
    const call = describePyCall(node);
    if (call) out.push(call);
  }
  return out;
}

/** The value of a plain string literal (no f-string interpolation); undefined otherwise. */
export function pyStringValue(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind() === 'concatenated_string') {
    const parts = node.children().filter((c) => c.kind() === 'string').map((c) => pyStringValue(c));
    return parts.every((p) => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.kind() !== 'string') return undefined;
  if (node.children().some((c) => c.kind() === 'interpolation')) return undefined;
  const raw = /^[a-zA-Z]*[rR]/.test(node.children().find((c) => c.kind() === 'string_start')?.text() ?? '');
  return node
    .children()
    .filter((c) => c.kind() === 'string_content' || c.kind() === 'escape_sequence')
    .map((c) => (raw ? c.text() : c.text().replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (m) => decodePyEscape(m))))
    .join('');
}

const SIMPLE_ESCAPES: Record<string, string> = { '\n': '', n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** `\\d` → `\d`, `\n` → newline, `\x41` → `A` (tree-sitter marks escapes only in non-raw strings). */
function decodePyEscape(escape: string): string {
  const body = escape.slice(1);
  if (body.length === 1 && body in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[body];
  const hex = /^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})$/.exec(body);
  if (hex) return String.fromCodePoint(parseInt(body.slice(1), 16));
  if (/^[0-7]{1,3}$/.test(body)) return String.fromCharCode(parseInt(body, 8));
  return escape;
}

/** Whether a string node is an f-string with at least one `{…}` interpolation. */
export function isPyFString(node: SyntaxNode): boolean {
  return node.kind() === 'string' && node.children().some((c) => c.kind() === 'interpolation');
}

export function enclosingPyFunction(node: SyntaxNode): SyntaxNode | undefined {
  let current = node.parent();
  while (current) {
    if (current.kind() === 'function_definition') return current;
    current = current.parent();
  }
  return undefined;
}

/** `async def` (tree-sitter gives the function an `async` token child; its text is never read, which is costly for long functions). */
export function isAsyncPyFunction(fn: SyntaxNode): boolean {
  const def = fn.kind() === 'decorated_definition' ? fn.field('definition') : fn;
  return !!def?.children().some((c) => c.kind() === 'async');
}

export function pyFunctionName(fn: SyntaxNode): string {
  return fn.field('name')?.text() ?? '<anonymous>';
}

/** Decorator expressions (without `@`) of a function_definition or class_definition. */
export function pyDecorators(definition: SyntaxNode): SyntaxNode[] {
  const parent = definition.parent();
  if (parent?.kind() !== 'decorated_definition') return [];
  return parent
    .children()
    .filter((c) => c.kind() === 'decorator')
    .map((d) => d.children().find((c) => c.isNamed() && c.kind() !== 'comment'))
    .filter((n): n is SyntaxNode => n !== undefined);
}

/** Top-level statements of a module (children of the root `module` node). */
export function pyModuleStatements(root: SyntaxNode): SyntaxNode[] {
  return root.children().filter((c) => c.isNamed());
}

/** Parameters of a function definition: name, annotation text, default node. */
export function pyParameters(fn: SyntaxNode): { name: string; annotation?: SyntaxNode; default?: SyntaxNode; node: SyntaxNode }[] {
  const params = fn.field('parameters');
  const out: { name: string; annotation?: SyntaxNode; default?: SyntaxNode; node: SyntaxNode }[] = [];
  for (const p of params?.children() ?? []) {
    switch (p.kind()) {
      case 'identifier':
        out.push({ name: p.text(), node: p });
        break;
      case 'typed_parameter': {
        const name = p.children().find((c) => c.kind() === 'identifier');
        out.push({ name: name?.text() ?? '', annotation: p.field('type') ?? undefined, node: p });
        break;
      }
      case 'default_parameter':
        out.push({ name: p.field('name')?.text() ?? '', default: p.field('value') ?? undefined, node: p });
        break;
      case 'typed_default_parameter':
        out.push({
          name: p.field('name')?.text() ?? '',
          annotation: p.field('type') ?? undefined,
          default: p.field('value') ?? undefined,
          node: p,
        });
        break;
      default:
        break;
    }
  }
  return out;
}

/** Python imports of a module: local name → { module, name } (name undefined for `import x`). */
const importsByRoot = new WeakMap<SyntaxNode, Map<string, { module: string; name?: string; line: number }>>();

/** Memoised per tree root: many rules ask for a module's imports once per handler. */
export function pyImports(root: SyntaxNode): Map<string, { module: string; name?: string; line: number }> {
  let cached = importsByRoot.get(root);
  if (!cached) {
    cached = collectPyImports(root);
    importsByRoot.set(root, cached);
  }
  return cached;
}

function collectPyImports(root: SyntaxNode): Map<string, { module: string; name?: string; line: number }> {
  const out = new Map<string, { module: string; name?: string; line: number }>();
  for (const stmt of root.findAll({ rule: { any: [{ kind: 'import_statement' }, { kind: 'import_from_statement' }] } })) {
    const line = stmt.range().start.line + 1;
    if (stmt.kind() === 'import_statement') {
      for (const child of stmt.children()) {
        if (child.kind() === 'dotted_name') out.set(child.text().split('.')[0], { module: child.text(), line });
        if (child.kind() === 'aliased_import')
          out.set(child.field('alias')?.text() ?? '', { module: child.field('name')?.text() ?? '', line });
      }
      continue;
    }
    const moduleNode = stmt.field('module_name');
    const module = moduleNode?.text() ?? '';
    for (const child of stmt.children()) {
      if (child === moduleNode || child.range().start.index === moduleNode?.range().start.index) continue;
      if (child.kind() === 'dotted_name') out.set(child.text(), { module, name: child.text(), line });
      if (child.kind() === 'aliased_import')
        out.set(child.field('alias')?.text() ?? '', { module, name: child.field('name')?.text() ?? '', line });
    }
  }
  return out;
}

const PY_ROUTE_DECORATOR = /\.(get|post|put|patch|delete|head|options|route|api_route|websocket)$/;

/** Route decorators of a function (`@app.get("/x")`, `@router.post(...)`, `@bp.route(...)`); [] for plain functions. */
export function pyRouteDecorators(fn: SyntaxNode): SyntaxNode[] {
  return pyDecorators(fn).filter((d) => d.kind() === 'call' && PY_ROUTE_DECORATOR.test(d.field('function')?.text() ?? ''));
}

const PY_FRAMEWORK_PARAM_TYPE = /^(Request|Response|WebSocket|BackgroundTasks|Session|AsyncSession|AsyncConnection|Connection|HTTPConnection|SecurityScopes)$/;

/**
 * Parameters of a route handler that carry client input (path, query, body, header and cookie
 * values): everything except `self`/`cls`, `Depends(...)`/`Security(...)` injections and framework
 * objects (`Request`, sessions). [] when the function is not a route handler.
 */
export function pyClientInputParameters(fn: SyntaxNode): { name: string; annotation?: SyntaxNode; default?: SyntaxNode; node: SyntaxNode }[] {
  if (!pyRouteDecorators(fn).length) return [];
  return pyParameters(fn).filter((p) => {
    if (!p.name || p.name === 'self' || p.name === 'cls') return false;
    const injected = /\b(Depends|Security)\s*\(/;
    if (p.default && injected.test(p.default.text())) return false;
    if (p.annotation && injected.test(p.annotation.text())) return false;
    const type = p.annotation?.text().replace(/^Annotated\[\s*/, '').split(/[\s,[|]/)[0].split('.').pop() ?? '';
    return !PY_FRAMEWORK_PARAM_TYPE.test(type);
  });
}

/**
 * Right-hand sides of `name = …`, `name: T = …` and `name += …` written in the same function as
 * `scope` (or at module level when scope is the module) before the character offset `before`,
 * in source order. Nested functions are not searched.
 */
export function pyAssignmentsBefore(scope: SyntaxNode, name: string, before: number): { value: SyntaxNode; augmented: boolean; node: SyntaxNode }[] {
  const out: { value: SyntaxNode; augmented: boolean; node: SyntaxNode }[] = [];
  const scopeStart = scope.range().start.index;
  for (const node of scope.findAll({ rule: { any: [{ kind: 'assignment' }, { kind: 'augmented_assignment' }] } })) {
    if (node.range().start.index >= before) continue;
    if (node.field('left')?.text() !== name) continue;
    const owner = enclosingPyFunction(node);
    if ((owner?.range().start.index ?? 0) !== (scope.kind() === 'function_definition' ? scopeStart : 0)) continue;
    if (scope.kind() !== 'function_definition' && owner) continue;
    const value = node.field('right');
    if (!value) continue;
    const augmented = node.kind() === 'augmented_assignment';
    if (augmented && node.field('operator')?.text() !== '+=') continue;
    out.push({ value, augmented, node });
  }
  return out;
}

/**
 * Functions of the same file that `fn` calls by plain name (`helper(...)`) or as a method of
 * `self`/`cls` (`self.helper(...)`), followed transitively up to `depth` calls deep. `fn` itself
 * is not included. Use it to look for a check that a handler delegates to a local helper.
 */
export function pyLocalCallees(fn: SyntaxNode, root: SyntaxNode, depth = 2): SyntaxNode[] {
  let byName = functionsByNameOf.get(root);
  if (!byName) {
    byName = new Map<string, SyntaxNode[]>();
    for (const def of root.findAll({ rule: { kind: 'function_definition' } })) {
      const name = def.field('name')?.text();
      if (!name) continue;
      byName.set(name, [...(byName.get(name) ?? []), def]);
    }
    functionsByNameOf.set(root, byName);
  }
  if (!byName.size) return [];
  const fnRange = fn.range();
  let results = localCalleesOf.get(root);
  if (!results) localCalleesOf.set(root, (results = new Map()));
  const resultKey = `${fnRange.start.index}:${fnRange.end.index}:${depth}`;
  const known = results.get(resultKey);
  if (known) return [...known];
  const seen = new Set<number>([fnRange.start.index]);
  const out: SyntaxNode[] = [];
  let frontier = [fn];
  for (let level = 0; level < depth && frontier.length; level++) {
    const next: SyntaxNode[] = [];
    for (const current of frontier) {
      for (const call of current.findAll({ rule: LOCAL_CALL_RULE })) {
        const callee = call.field('function');
        if (!callee) continue;
        let name: string | undefined;
        if (callee.kind() === 'identifier') name = callee.text();
        else if (callee.kind() === 'attribute' && /^(self|cls)$/.test(callee.field('object')?.text() ?? '')) name = callee.field('attribute')?.text();
        for (const def of (name && byName.get(name)) || []) {
          const start = def.range().start.index;
          if (seen.has(start)) continue;
          seen.add(start);
          out.push(def);
          next.push(def);
        }
      }
    }
    frontier = next;
  }
  results.set(resultKey, out);
  return [...out];
}

/** Results of `pyLocalCallees` per tree root, by the function's range and the depth (callers pass a function of that tree). */
const localCalleesOf = new WeakMap<SyntaxNode, Map<string, SyntaxNode[]>>();

/** Functions of a file by name, per tree root (the same object for the life of a parse). */
const functionsByNameOf = new WeakMap<SyntaxNode, Map<string, SyntaxNode[]>>();
/** Calls by plain name or on `self`/`cls`, picked natively (the loop re-checks them). */
const LOCAL_CALL_RULE = {
  kind: 'call',
  has: { field: 'function', any: [{ kind: 'identifier' }, { kind: 'attribute', has: { field: 'object', regex: '^(self|cls)$' } }] },
};

// ── Following a handler into the code it calls: scopes, bindings and what a name denotes ──────

const PY_SCOPE_KINDS = new Set(['function_definition', 'lambda', 'class_definition']);

function pyScopeStart(node: SyntaxNode): number {
  for (let current = node.parent(); current; current = current.parent())
    if (PY_SCOPE_KINDS.has(String(current.kind()))) return current.range().start.index;
  return -1;
}

/** Per-tree memo: `root` is a file's root node, the same object for the life of a parse. */
const pyTreeMemo = new WeakMap<SyntaxNode, Map<string, unknown>>();
const PY_IN_PROGRESS = Symbol('in progress');
/** Loader-dependent entries live with their loader (rules make one per `check`), so they are freed with it. */
const pyLoaderMemo = new WeakMap<object, WeakMap<SyntaxNode, Map<string, unknown>>>();
function memoPy<T>(root: SyntaxNode | undefined, key: string, compute: () => T, cycleValue?: T, load?: object): T {
  if (!root) return compute();
  let byRoot = pyTreeMemo;
  if (load) {
    let forLoader = pyLoaderMemo.get(load);
    if (!forLoader) pyLoaderMemo.set(load, (forLoader = new WeakMap()));
    byRoot = forLoader;
  }
  let memo = byRoot.get(root);
  if (!memo) byRoot.set(root, (memo = new Map()));
  if (memo.has(key)) {
    const value = memo.get(key);
    return (value === PY_IN_PROGRESS ? cycleValue : value) as T;
  }
  memo.set(key, PY_IN_PROGRESS);
  const value = compute();
  memo.set(key, value);
  return value;
}

/**
 * Nodes of `kind` that run as part of `scope` itself (a function, class or the module root): not
 * those inside nested functions, lambdas or classes. For a function only its body is searched, so
 * decorators and parameter defaults are left out.
 */
export function pyOwnNodes(scope: SyntaxNode, kind: string | string[]): SyntaxNode[] {
  return pyOwnNodesOfKinds(scope, typeof kind === 'string' ? [kind] : kind);
}

function pyOwnNodesOfKinds(scope: SyntaxNode, kinds: string[]): SyntaxNode[] {
  const isModule = scope.kind() === 'module';
  const body = isModule ? scope : scope.field('body');
  if (!body) return [];
  const start = isModule ? -1 : scope.range().start.index;
  const rule = kinds.length === 1 ? { kind: kinds[0] } : { any: kinds.map((kind) => ({ kind })) };
  const found = body.findAll({ rule });
  if (!found.length) return found;
  // Nested scopes of the body, as ranges: a node strictly inside one of them is not the scope's own.
  // (Only a node with exactly a nested scope's range is ambiguous; it falls back to the parent walk.)
  let nested = nestedScopesOf.get(scope);
  if (!nested) {
    nested = body.findAll({ rule: PY_SCOPE_RULE }).map((s) => {
      const r = s.range();
      return [r.start.index, r.end.index] as const;
    });
    nestedScopesOf.set(scope, nested);
  }
  if (!nested.length) return found;
  return found.filter((n) => {
    const r = n.range();
    const from = r.start.index;
    const to = r.end.index;
    let ambiguous = false;
    for (const [s, e] of nested) {
      if (s > from || to > e) continue;
      if (s < from || to < e) return false;
      ambiguous = true;
    }
    return ambiguous ? pyScopeStart(n) === start : true;
  });
}
const PY_SCOPE_RULE = { any: [{ kind: 'function_definition' }, { kind: 'lambda' }, { kind: 'class_definition' }] };
/** Nested scope ranges of a scope node, remembered while that node object lives. */
const nestedScopesOf = new WeakMap<SyntaxNode, (readonly [number, number])[]>();

/** Module-level (or class-level, given a class_definition) functions and classes by name, decorated ones unwrapped. */
export function pyDefinitions(scope: SyntaxNode): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  const body = scope.kind() === 'module' ? scope : scope.field('body');
  for (const child of body?.children() ?? []) {
    const def = child.kind() === 'decorated_definition' ? child.field('definition') : child;
    if (!def || (def.kind() !== 'function_definition' && def.kind() !== 'class_definition')) continue;
    const name = def.field('name')?.text();
    if (name) out.set(name, def);
  }
  return out;
}

/** Module-level `name = …` / `name: T = …` assignments (the `assignment` nodes), by target name, in source order. */
export function pyModuleAssignments(root: SyntaxNode): Map<string, SyntaxNode[]> {
  const out = new Map<string, SyntaxNode[]>();
  for (const stmt of root.children()) {
    if (stmt.kind() !== 'expression_statement') continue;
    const assign = stmt.children().find((c) => c.kind() === 'assignment');
    const left = assign?.field('left');
    if (!assign || left?.kind() !== 'identifier') continue;
    out.set(left.text(), [...(out.get(left.text()) ?? []), assign]);
  }
  return out;
}

const definitionsIn = (root: SyntaxNode | undefined, scope: SyntaxNode) => memoPy(root, `defs:${scope.kind()}:${scope.range().start.index}`, () => pyDefinitions(scope));
const assignmentsIn = (root: SyntaxNode | undefined) => (root ? memoPy(root, 'assigns', () => pyModuleAssignments(root)) : new Map<string, SyntaxNode[]>());

/** The class a method belongs to (through a decorator, if any); undefined for plain functions. */
export function pyClassOf(fn: SyntaxNode): SyntaxNode | undefined {
  let parent = fn.parent();
  if (parent?.kind() === 'decorated_definition') parent = parent.parent();
  const cls = parent?.kind() === 'block' ? parent.parent() : undefined;
  return cls?.kind() === 'class_definition' ? cls : undefined;
}

/** Names a function declares `global` (or `nonlocal`). */
export function pyGlobalNames(fn: SyntaxNode): Set<string> {
  const out = new Set<string>();
  for (const stmt of pyOwnNodesOfKinds(fn, ['global_statement', 'nonlocal_statement']))
    for (const c of stmt.children()) if (c.kind() === 'identifier') out.add(c.text());
  return out;
}

export interface PyLocalBinding {
  /** The parameter, assignment, `with … as`, loop or import node that binds the name. */
  node: SyntaxNode;
  /** The bound value when the source shows it (`x = value`, `with value as x`). */
  value?: SyntaxNode;
  /** A parameter's or annotated assignment's type. */
  annotation?: SyntaxNode;
  isParameter: boolean;
}

interface PyFunctionBindings {
  globals: Set<string>;
  params: Map<string, PyLocalBinding>;
  /** Name → bindings with the offset where each takes effect, in source order. */
  locals: Map<string, { at: number; binding: PyLocalBinding }[]>;
}

/** Identifiers a target pattern binds (`a`, `a, b`, `(a, [b, *c])`). */
function patternNames(pattern: SyntaxNode | null | undefined): string[] {
  if (!pattern) return [];
  if (pattern.kind() === 'identifier') return [pattern.text()];
  if (!/^(pattern_list|tuple_pattern|list_pattern|tuple|list|as_pattern_target|parenthesized_expression|list_splat_pattern)$/.test(String(pattern.kind()))) return [];
  return pattern.children().flatMap((c) => patternNames(c));
}

function importedNames(stmt: SyntaxNode): string[] {
  const moduleStart = stmt.field('module_name')?.range().start.index;
  const out: string[] = [];
  for (const c of stmt.children()) {
    if (c.range().start.index === moduleStart) continue;
    if (c.kind() === 'aliased_import') out.push(c.field('alias')?.text() ?? '');
    else if (c.kind() === 'dotted_name') out.push(stmt.kind() === 'import_statement' ? c.text().split('.')[0] : c.text());
  }
  return out;
}

function pyFunctionBindings(fn: SyntaxNode): PyFunctionBindings {
  const globals = new Set<string>();
  const params = new Map<string, PyLocalBinding>();
  const locals = new Map<string, { at: number; binding: PyLocalBinding }[]>();
  const add = (name: string, at: number, binding: PyLocalBinding) => {
    if (name) locals.set(name, [...(locals.get(name) ?? []), { at, binding }]);
  };
  for (const p of pyParameters(fn)) if (p.name) params.set(p.name, { node: p.node, annotation: p.annotation, isParameter: true });
  for (const p of fn.field('parameters')?.children() ?? [])
    if (/splat_pattern$/.test(String(p.kind())))
      for (const c of p.children()) if (c.kind() === 'identifier') params.set(c.text(), { node: p, isParameter: true });
  const kinds = ['global_statement', 'nonlocal_statement', 'assignment', 'augmented_assignment', 'named_expression', 'as_pattern', 'for_statement', 'import_statement', 'import_from_statement'];
  for (const node of pyOwnNodesOfKinds(fn, kinds)) {
    const end = node.range().end.index;
    switch (String(node.kind())) {
      case 'global_statement':
      case 'nonlocal_statement':
        for (const c of node.children()) if (c.kind() === 'identifier') globals.add(c.text());
        break;
      case 'assignment':
      case 'augmented_assignment': {
        const left = node.field('left');
        if (left?.kind() === 'identifier') {
          const plain = node.kind() === 'assignment';
          add(left.text(), end, { node, value: plain ? (node.field('right') ?? undefined) : undefined, annotation: node.field('type') ?? undefined, isParameter: false });
        } else for (const name of patternNames(left)) add(name, end, { node, isParameter: false });
        break;
      }
      case 'named_expression':
        add(node.field('name')?.text() ?? '', end, { node, value: node.field('value') ?? undefined, isParameter: false });
        break;
      case 'as_pattern': {
        const target = node.children().find((c) => c.kind() === 'as_pattern_target');
        const names = patternNames(target);
        const single = names.length === 1 && target?.children().find((c) => c.isNamed())?.kind() === 'identifier';
        const value = single && node.parent()?.kind() === 'with_item' ? node.children().find((c) => c.isNamed()) : undefined;
        for (const name of names) add(name, end, { node, value, isParameter: false });
        break;
      }
      case 'for_statement': {
        const left = node.field('left');
        for (const name of patternNames(left)) add(name, left?.range().end.index ?? end, { node, isParameter: false });
        break;
      }
      default:
        for (const name of importedNames(node)) add(name, end, { node, isParameter: false });
    }
  }
  return { globals, params, locals };
}

function lookupPyBinding(bindings: PyFunctionBindings, name: string, before: number): PyLocalBinding | 'global' | 'later' | undefined {
  if (bindings.globals.has(name)) return 'global';
  const param = bindings.params.get(name);
  if (param) return param;
  const entries = bindings.locals.get(name);
  if (!entries?.length) return undefined;
  let found: { at: number; binding: PyLocalBinding } | undefined;
  for (const entry of entries) if (entry.at <= before && (!found || entry.at >= found.at)) found = entry;
  return found ? found.binding : 'later';
}

/**
 * How `name` is bound inside `fn` itself: a parameter, or the last assignment / `with … as` /
 * `for` target / walrus / import that ends before the offset `before` (any when omitted).
 * `'global'` when the function declares it `global`; undefined when the name is not local to `fn`.
 * Pass the function's file to reuse the work across calls.
 */
export function pyLocalBinding(fn: SyntaxNode, name: string, before = Number.MAX_SAFE_INTEGER, file?: PySourceFile): PyLocalBinding | 'global' | undefined {
  const bindings = bindingsOf(file?.ast, fn);
  const found = lookupPyBinding(bindings, name, before);
  return found === 'later' ? (lookupPyBinding(bindings, name, Number.MAX_SAFE_INTEGER) as PyLocalBinding) : found;
}

/**
 * Every binding of `name` inside `fn` itself, with the offset where each takes effect, in source
 * order; parameters come first with offset -1. Taint tracking needs all of them, not only the
 * last: `x = "safe"` followed by `if c: x = user_input` can still hold the user's value.
 */
export function pyBindingsOf(fn: SyntaxNode, name: string, file?: PySourceFile): { at: number; binding: PyLocalBinding }[] {
  const bindings = bindingsOf(file?.ast, fn);
  const param = bindings.params.get(name);
  return [...(param ? [{ at: -1, binding: param }] : []), ...(bindings.locals.get(name) ?? [])];
}

const bindingsOf = (root: SyntaxNode | undefined, fn: SyntaxNode) => memoPy(root, `bindings:${fn.range().start.index}`, () => pyFunctionBindings(fn));

/** A parsed Python file as the resolvers below need it (`ParsedFile` satisfies it). */
export interface PySourceFile {
  readonly path: string;
  readonly ast?: SyntaxNode;
}

/** The project file of a module imported from `from` (facts' `resolvePyModule`); undefined outside the project. */
export type PyModuleLoader<F extends PySourceFile> = (from: F, module: string) => F | undefined;

/** Where a name is read: a file, and the function whose body reads it. */
export interface PyScope<F extends PySourceFile> {
  file: F;
  fn?: SyntaxNode;
}

/** What an expression denotes, as far as the source shows. */
export type PyValue<F extends PySourceFile> =
  | { kind: 'module'; name: string; file?: F; from: F }
  | { kind: 'function'; file: F; fn: SyntaxNode; cls?: SyntaxNode }
  | { kind: 'class'; file: F; cls: SyntaxNode }
  | { kind: 'instance'; file: F; cls: SyntaxNode }
  /** Outside the project, by qualified path: `boto3.client().put_object`, `open`; `()` marks a call's result, and a type annotation gives `T()`. */
  | { kind: 'external'; path: string };

/** Top-level modules that are never project code, even when a project file has the same name (`app/utils/time.py`). */
const PY_KNOWN_EXTERNAL = new Set(
  'abc aiohttp anthropic argon2 asyncio asyncpg bcrypt boto3 botocore chromadb collections contextlib cv2 dataclasses datetime elasticsearch elevenlabs enum fastapi functools hashlib httpx json logging motor openai os pandas passlib pathlib pinecone PIL psycopg psycopg2 pwdlib pydantic pymongo pymysql qdrant_client re redis requests sendgrid shutil smtplib sqlalchemy sqlite3 sqlmodel starlette stripe subprocess sys tenacity time twilio typing urllib uuid weaviate werkzeug'.split(' '),
);

const importsOf = (root: SyntaxNode) => memoPy(root, 'imports', () => pyImports(root));
const joinPyModule = (module: string, name: string) => (module.endsWith('.') ? `${module}${name}` : `${module}.${name}`);

/** Evaluation results depend on the loader, so they are memoised per loader and tree. */
const pyLoaderIds = new WeakMap<object, number>();
let pyNextLoaderId = 0;
function loaderKey(load: object): number {
  let id = pyLoaderIds.get(load);
  if (id === undefined) pyLoaderIds.set(load, (id = pyNextLoaderId++));
  return id;
}

/**
 * What an expression denotes: a project module, function, class or instance of a project class,
 * or an external path (`requests.Session().get`). Follows local and module assignments, imports
 * into other project modules, parameter annotations, `self.x = …` in the class, return
 * annotations and project base classes. Undefined when the source does not tell.
 */
export function evaluatePyExpression<F extends PySourceFile>(expr: SyntaxNode, scope: PyScope<F>, load: PyModuleLoader<F>, depth = 0): PyValue<F> | undefined {
  if (depth > 12) return undefined;
  switch (String(expr.kind())) {
    case 'identifier':
      return evaluatePyName(expr.text(), scope, load, depth, expr.range().start.index);
    case 'attribute': {
      const object = expr.field('object');
      const attr = expr.field('attribute')?.text();
      const base = object && attr ? evaluatePyExpression(object, scope, load, depth + 1) : undefined;
      return base && attr ? pyMemberOf(base, attr, load, depth + 1) : undefined;
    }
    case 'call': {
      const fnNode = expr.field('function');
      const callee = fnNode ? evaluatePyExpression(fnNode, scope, load, depth + 1) : undefined;
      if (callee?.kind === 'class') return { kind: 'instance', file: callee.file, cls: callee.cls };
      if (callee?.kind === 'external') return { kind: 'external', path: `${callee.path}()` };
      if (callee?.kind === 'function') {
        const returns = callee.fn.field('return_type');
        return returns ? evaluatePyType(returns, { file: callee.file }, load, depth + 1) : undefined;
      }
      return undefined;
    }
    case 'subscript': {
      const object = expr.field('value');
      const base = object ? evaluatePyExpression(object, scope, load, depth + 1) : undefined;
      return base?.kind === 'external' ? { kind: 'external', path: `${base.path}[]` } : undefined;
    }
    case 'await':
    case 'parenthesized_expression': {
      const inner = expr.children().find((c) => c.isNamed() && c.kind() !== 'comment');
      return inner ? evaluatePyExpression(inner, scope, load, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** The instance a type annotation describes: `ExportService`, `Annotated[OpenAI, Depends(...)]`, `Optional[X]`, `X | None`. */
export function evaluatePyType<F extends PySourceFile>(type: SyntaxNode, scope: PyScope<F>, load: PyModuleLoader<F>, depth = 0): PyValue<F> | undefined {
  if (depth > 12) return undefined;
  let node: SyntaxNode | undefined = type;
  while (node && node.kind() === 'type') node = node.children().find((c) => c.isNamed());
  if (!node) return undefined;
  if (node.kind() === 'generic_type' || node.kind() === 'subscript') {
    const head = node.children().find((c) => c.isNamed());
    if (!head || !/^(typing\.)?(Annotated|Optional)$/.test(head.text())) return undefined;
    const params = node.kind() === 'generic_type' ? node.children().find((c) => c.kind() === 'type_parameter') : node;
    const first = params?.children().filter((c) => c.isNamed())[node.kind() === 'subscript' ? 1 : 0];
    return first ? evaluatePyType(first, scope, load, depth + 1) : undefined;
  }
  if (node.kind() === 'binary_operator') {
    const sides = [node.field('left'), node.field('right')].filter((s): s is SyntaxNode => !!s && s.text() !== 'None');
    return sides.length === 1 ? evaluatePyType(sides[0], scope, load, depth + 1) : undefined;
  }
  if (node.kind() !== 'identifier' && node.kind() !== 'attribute') return undefined;
  const value = evaluatePyExpression(node, scope, load, depth + 1);
  if (value?.kind === 'class') return { kind: 'instance', file: value.file, cls: value.cls };
  if (value?.kind === 'external') return { kind: 'external', path: `${value.path}()` };
  return undefined;
}

function evaluatePyName<F extends PySourceFile>(name: string, scope: PyScope<F>, load: PyModuleLoader<F>, depth: number, at: number): PyValue<F> | undefined {
  const fn = scope.fn;
  if (fn) {
    const start = fn.range().start.index;
    const root = scope.file.ast;
    // What a method's first parameter denotes, worked out once per function (not per name read).
    const owner = memoPy(root, `owner:${start}`, () => {
      const cls = pyClassOf(fn);
      return { cls, first: cls ? pyParameters(fn)[0]?.name : undefined, classMethod: cls ? pyDecorators(fn).some((d) => d.text() === 'classmethod') : false };
    });
    const bindings = memoPy(root, `bindings:${start}`, () => pyFunctionBindings(fn));
    const cls = owner.cls;
    if (cls && (name === 'self' || name === 'cls') && owner.first === name) {
      return name === 'cls' || owner.classMethod ? { kind: 'class', file: scope.file, cls } : { kind: 'instance', file: scope.file, cls };
    }
    const local = lookupPyBinding(bindings, name, at);
    // A name bound only later in the function is still local (Python raises UnboundLocalError).
    if (local === 'later') return undefined;
    if (local && local !== 'global') {
      if (local.annotation) return evaluatePyType(local.annotation, scope, load, depth + 1);
      if (local.value) return evaluatePyExpression(local.value, scope, load, depth + 1);
      return undefined;
    }
  }
  return pyModuleMember(scope.file, name, load, depth, true);
}

function pyModuleMember<F extends PySourceFile>(file: F, name: string, load: PyModuleLoader<F>, depth: number, builtins: boolean): PyValue<F> | undefined {
  const root = file.ast;
  if (!root || depth > 12) return undefined;
  const member = memoPy(
    root,
    `member:${loaderKey(load)}:${name}`,
    (): { value?: PyValue<F>; bound: boolean } => {
      const def = definitionsIn(root, root).get(name);
      if (def?.kind() === 'function_definition') return { value: { kind: 'function', file, fn: def }, bound: true };
      if (def?.kind() === 'class_definition') return { value: { kind: 'class', file, cls: def }, bound: true };
      const assigns = assignmentsIn(root).get(name);
      const last = assigns?.[assigns.length - 1];
      if (last) {
        const right = last.field('right');
        const type = last.field('type');
        return { value: right ? evaluatePyExpression(right, { file }, load, depth + 1) : type ? evaluatePyType(type, { file }, load, depth + 1) : undefined, bound: true };
      }
      const imported = importsOf(root).get(name);
      if (imported) return { value: pyImportedValue(file, name, imported, load, depth + 1), bound: true };
      return { bound: false };
    },
    { bound: true },
    load,
  );
  if (!member.bound) return builtins ? { kind: 'external', path: name } : undefined;
  return member.value;
}

function pyImportedValue<F extends PySourceFile>(
  file: F,
  localName: string,
  imported: { module: string; name?: string },
  load: PyModuleLoader<F>,
  depth: number,
): PyValue<F> | undefined {
  const external = PY_KNOWN_EXTERNAL.has(imported.module.split('.')[0]);
  if (imported.name) {
    const qualified = joinPyModule(imported.module, imported.name);
    if (external) return { kind: 'external', path: qualified };
    const submodule = load(file, qualified);
    if (submodule) return { kind: 'module', name: qualified, file: submodule, from: file };
    const target = load(file, imported.module);
    if (target) return pyModuleMember(target, imported.name, load, depth + 1, false);
    return imported.module.startsWith('.') ? undefined : { kind: 'external', path: qualified };
  }
  const aliased = localName !== imported.module.split('.')[0];
  const name = aliased ? imported.module : localName;
  return { kind: 'module', name, file: external ? undefined : load(file, name), from: file };
}

function pyMemberOf<F extends PySourceFile>(base: PyValue<F>, attr: string, load: PyModuleLoader<F>, depth: number): PyValue<F> | undefined {
  switch (base.kind) {
    case 'external':
      return { kind: 'external', path: `${base.path}.${attr}` };
    case 'module': {
      const member = base.file ? pyModuleMember(base.file, attr, load, depth + 1, false) : undefined;
      if (member) return member;
      const qualified = `${base.name}.${attr}`;
      const submodule = PY_KNOWN_EXTERNAL.has(base.name.split('.')[0]) ? undefined : load(base.from, qualified);
      if (submodule) return { kind: 'module', name: qualified, file: submodule, from: base.from };
      return base.file ? undefined : { kind: 'external', path: qualified };
    }
    case 'class':
    case 'instance':
      return pyClassMember(base.file, base.cls, attr, base.kind === 'instance', load, depth + 1);
    default:
      return undefined;
  }
}

/** The project classes a class derives from (its bases that resolve to project classes). */
export function pyBaseClasses<F extends PySourceFile>(file: F, cls: SyntaxNode, load: PyModuleLoader<F>, depth = 0): { file: F; cls: SyntaxNode }[] {
  return memoPy(
    file.ast,
    `bases:${loaderKey(load)}:${cls.range().start.index}`,
    () => {
      const out: { file: F; cls: SyntaxNode }[] = [];
      for (const base of cls.field('superclasses')?.children() ?? []) {
        if (!base.isNamed() || base.kind() === 'keyword_argument' || base.kind() === 'comment') continue;
        const value = evaluatePyExpression(base, { file }, load, depth + 1);
        if (value?.kind === 'class') out.push({ file: value.file, cls: value.cls });
      }
      return out;
    },
    [],
    load,
  );
}

/** `self.attr = …` (or `self.attr: T = …`) in any method of a class: attr → the assignment and its method. */
function pySelfAttributes(root: SyntaxNode | undefined, cls: SyntaxNode): Map<string, { assign: SyntaxNode; method: SyntaxNode }> {
  return memoPy(root, `self:${cls.range().start.index}`, () => {
    const out = new Map<string, { assign: SyntaxNode; method: SyntaxNode }>();
    for (const method of definitionsIn(root, cls).values()) {
      if (method.kind() !== 'function_definition') continue;
      const self = pyParameters(method)[0]?.name;
      if (!self) continue;
      for (const assign of pyOwnNodes(method, 'assignment')) {
        const left = assign.field('left');
        const attr = left?.field('attribute')?.text();
        if (left?.kind() === 'attribute' && left.field('object')?.text() === self && attr && !out.has(attr)) out.set(attr, { assign, method });
      }
    }
    return out;
  });
}

/** Class-body assignments (`attr = …`, `attr: T = …`) by target text, in source order; memoised per class. */
function pyClassAssignments(root: SyntaxNode | undefined, cls: SyntaxNode): Map<string, SyntaxNode[]> {
  return memoPy(root, `classassigns:${cls.range().start.index}`, () => {
    const out = new Map<string, SyntaxNode[]>();
    for (const stmt of cls.field('body')?.children() ?? []) {
      const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.kind() === 'assignment') : undefined;
      const left = assign?.field('left')?.text();
      if (!assign || left === undefined) continue;
      const list = out.get(left);
      if (list) list.push(assign);
      else out.set(left, [assign]);
    }
    return out;
  });
}

/**
 * What a class's own body and methods assign: class-body attributes (`hits = {}`, `hits: dict = {}`)
 * by name, and the names methods assign on their first parameter (`self.x = …`). Memoised per class.
 */
export function pyClassState(file: PySourceFile, cls: SyntaxNode): { classAttributes: Map<string, SyntaxNode[]>; instanceAttributes: Set<string> } {
  return { classAttributes: pyClassAssignments(file.ast, cls), instanceAttributes: new Set(pySelfAttributes(file.ast, cls).keys()) };
}

function pyClassMember<F extends PySourceFile>(file: F, cls: SyntaxNode, attr: string, onInstance: boolean, load: PyModuleLoader<F>, depth: number): PyValue<F> | undefined {
  if (depth > 12) return undefined;
  const def = definitionsIn(file.ast, cls).get(attr);
  if (def?.kind() === 'function_definition') return { kind: 'function', file, fn: def, cls };
  if (def?.kind() === 'class_definition') return { kind: 'class', file, cls: def };
  const selfAttr = onInstance ? pySelfAttributes(file.ast, cls).get(attr) : undefined;
  if (selfAttr) {
    const type = selfAttr.assign.field('type');
    if (type) return evaluatePyType(type, { file, fn: selfAttr.method }, load, depth + 1);
    const right = selfAttr.assign.field('right');
    if (right) return evaluatePyExpression(right, { file, fn: selfAttr.method }, load, depth + 1);
  }
  for (const assign of pyClassAssignments(file.ast, cls).get(attr) ?? []) {
    const type = assign.field('type');
    if (type && onInstance) return evaluatePyType(type, { file }, load, depth + 1);
    const right = assign.field('right');
    if (right) return evaluatePyExpression(right, { file }, load, depth + 1);
  }
  for (const base of pyBaseClasses(file, cls, load, depth + 1)) {
    const member = pyClassMember(base.file, base.cls, attr, onInstance, load, depth + 1);
    if (member) return member;
  }
  return undefined;
}

/** The project function or method a call runs, with a label (`synthesize_voice`, `PdfExporter.render`); undefined when not a project function. */
export function resolvePyCallee<F extends PySourceFile>(
  call: SyntaxNode,
  scope: PyScope<F>,
  load: PyModuleLoader<F>,
): { file: F; fn: SyntaxNode; cls?: SyntaxNode; label: string } | undefined {
  const callee = call.field('function');
  const value = callee ? evaluatePyExpression(callee, scope, load) : undefined;
  return value?.kind === 'function' ? pyFunctionTarget(value) : undefined;
}

/** A function value as a call target with its label (`synthesize_voice`, `PdfExporter.render`). */
export function pyFunctionTarget<F extends PySourceFile>(value: { file: F; fn: SyntaxNode; cls?: SyntaxNode }): { file: F; fn: SyntaxNode; cls?: SyntaxNode; label: string } {
  const name = pyFunctionName(value.fn);
  const owner = value.cls?.field('name')?.text();
  return { file: value.file, fn: value.fn, cls: value.cls, label: owner ? `${owner}.${name}` : name };
}

/**
 * The dotted name that expression text stands for after the module's imports: `loads` after
 * `from pickle import loads` gives `pickle.loads`, `yml.load` after `import yaml as yml` gives
 * `yaml.load`. Text whose first segment is not imported comes back unchanged.
 */
export function pyQualifiedName(root: SyntaxNode, text: string): string {
  const dot = text.indexOf('.');
  const head = dot < 0 ? text : text.slice(0, dot);
  const rest = dot < 0 ? '' : text.slice(dot);
  const imported = pyImports(root).get(head);
  if (!imported) return text;
  if (imported.name) return `${imported.module.endsWith('.') ? imported.module : `${imported.module}.`}${imported.name}${rest}`;
  // `import os.path` binds `os`; `import xml.etree.ElementTree as ET` binds the whole module path.
  const aliased = head !== imported.module.split('.')[0];
  return `${aliased ? imported.module : head}${rest}`;
}

/** One piece of a string-building expression: literal text, or a value spliced into it. */
export type PyStringPart = { literal: string } | { node: SyntaxNode };

/**
 * The pieces of a string built by an f-string, implicit or `+` concatenation, `%` formatting or
 * `"…".format(…)`, in order: `f"https://api.x/{a}"` → ['https://api.x/', a]; `BASE + "/" + a` →
 * [BASE, '/', a]. Anything else is one value part.
 */
export function pyStringParts(expr: SyntaxNode): PyStringPart[] {
  const kind = String(expr.kind());
  if (kind === 'parenthesized_expression') {
    const inner = expr.children().find((c) => c.isNamed() && c.kind() !== 'comment');
    return inner ? pyStringParts(inner) : [{ node: expr }];
  }
  if (kind === 'string') {
    const out: PyStringPart[] = [];
    for (const c of expr.children()) {
      if (c.kind() === 'string_content' || c.kind() === 'escape_sequence') out.push({ literal: c.text() });
      else if (c.kind() === 'interpolation') {
        const inner = c.children().find((x) => x.isNamed());
        if (inner) out.push({ node: inner });
      }
    }
    return out.length ? out : [{ literal: '' }];
  }
  if (kind === 'concatenated_string') return expr.children().filter((c) => c.kind() === 'string').flatMap(pyStringParts);
  if (kind === 'binary_operator') {
    const op = expr.field('operator')?.text();
    const left = expr.field('left');
    const right = expr.field('right');
    if (!left || !right) return [{ node: expr }];
    if (op === '+') return [...pyStringParts(left), ...pyStringParts(right)];
    const template = pyStringValue(left);
    if (op === '%' && template !== undefined) {
      const values = right.kind() === 'tuple' ? right.children().filter((c) => c.isNamed() && c.kind() !== 'comment') : [right];
      return splitTemplate(template, /%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[a-zA-Z]/g, values);
    }
    return [{ node: expr }];
  }
  if (kind === 'call') {
    const fn = expr.field('function');
    const template = fn?.kind() === 'attribute' && fn.field('attribute')?.text() === 'format' ? pyStringValue(fn.field('object')) : undefined;
    if (template !== undefined) {
      const call = describePyCall(expr);
      return splitTemplate(template, /\{[^{}]*\}/g, [...(call?.args ?? []), ...(call?.keywords.values() ?? [])]);
    }
  }
  return [{ node: expr }];
}

function splitTemplate(template: string, placeholder: RegExp, values: SyntaxNode[]): PyStringPart[] {
  const out: PyStringPart[] = [];
  let last = 0;
  let i = 0;
  for (const m of template.matchAll(placeholder)) {
    out.push({ literal: template.slice(last, m.index) });
    const value = values[i++];
    if (value) out.push({ node: value });
    last = (m.index ?? 0) + m[0].length;
  }
  out.push({ literal: template.slice(last) });
  for (; i < values.length; i++) out.push({ node: values[i] });
  return out.filter((p) => !('literal' in p) || p.literal !== '');
}

/**
 * What a string-building expression starts with, following a local variable through every
 * assignment of it in `fn` (augmented `+=` only appends, so it is skipped): the literal text
 * before the first spliced value, or that first value. `url = f"{BASE}/x/{id}"; get(url)` → [BASE].
 */
export function pyStringHeads(expr: SyntaxNode, fn: SyntaxNode | undefined, file?: PySourceFile, depth = 0): PyStringPart[] {
  if (expr.kind() === 'identifier' && fn && depth < 4) {
    const bindings = pyBindingsOf(fn, expr.text(), file).filter((b) => !b.binding.isParameter && b.binding.node.kind() !== 'augmented_assignment');
    const values = bindings.map((b) => b.binding.value);
    if (bindings.length && values.every((v): v is SyntaxNode => !!v)) return values.flatMap((v) => pyStringHeads(v, fn, file, depth + 1));
    return [{ node: expr }];
  }
  const parts = pyStringParts(expr);
  let literal = '';
  for (const p of parts) {
    if ('literal' in p) literal += p.literal;
    else if (literal) return [{ literal }];
    else return p.node === expr ? [p] : pyStringHeads(p.node, fn, file, depth + 1);
  }
  return [{ literal }];
}

/** Where a value goes, as far as its own statement shows (see `pyValueDestination`). */
export interface PyValueDestination {
  /** `statement`: the statement ended before anything named the value (a bare call, a condition). */
  kind: 'keyword' | 'pair' | 'assignment' | 'return' | 'statement';
  /** `keyword`: the keyword's call; `pair`: the dict; `assignment`: the left-hand side; `return`: the function. */
  owner?: SyntaxNode;
  /** The keyword name, the dict key (string value or text), or the assignment target. */
  target?: SyntaxNode;
  /** Calls the value passed through as an argument on the way up (`str(v)` in `x = str(v)`), innermost first. */
  calls: SyntaxNode[];
}

const STATEMENT_BOUNDARY = /^(expression_statement|function_definition|class_definition|block|module|if_statement|for_statement|while_statement|with_statement|lambda)$/;

/**
 * The first place up the tree that gives a value a name: `f(k=…)`, `{"k": …}`, `x = …` /
 * `obj.attr = …` / `d["k"] = …`, or `return …`; `statement` when the statement ends first
 * (a bare call, a condition). Calls passed through are listed so callers can stop at one
 * (`resp.set_cookie("sid", value)`).
 */
export function pyValueDestination(node: SyntaxNode): PyValueDestination {
  const calls: SyntaxNode[] = [];
  let current: SyntaxNode = node;
  for (let parent = current.parent(); parent; current = parent, parent = parent.parent()) {
    const kind = String(parent.kind());
    if (kind === 'keyword_argument') {
      if (parent.field('value')?.range().start.index !== current.range().start.index) return { kind: 'statement', calls };
      const owner = parent.parent()?.parent();
      return { kind: 'keyword', owner: owner?.kind() === 'call' ? owner : undefined, target: parent.field('name') ?? undefined, calls };
    }
    if (kind === 'pair') return { kind: 'pair', owner: parent.parent() ?? undefined, target: parent.field('key') ?? undefined, calls };
    if (kind === 'assignment' || kind === 'augmented_assignment') return { kind: 'assignment', target: parent.field('left') ?? undefined, calls };
    if (kind === 'return_statement') return { kind: 'return', owner: enclosingPyFunction(parent), calls };
    if (kind === 'call') calls.push(parent);
    if (STATEMENT_BOUNDARY.test(kind)) return { kind: 'statement', calls };
  }
  return { kind: 'statement', calls };
}

/**
 * The names a module binds at import time: top-level functions, classes, assignment targets,
 * imports, `for` / `with` targets — including inside top-level `if` / `try` / `with` blocks — and
 * whether it can bind names the source does not show (`from x import *`, a module `__getattr__`,
 * writes to `globals()`), in which case callers must not conclude that a name is missing.
 */
export function pyTopLevelNames(root: SyntaxNode): { names: Set<string>; dynamic: boolean } {
  let known = topLevelNamesOf.get(root);
  if (!known) topLevelNamesOf.set(root, (known = collectTopLevelNames(root)));
  return known;
}

const topLevelNamesOf = new WeakMap<SyntaxNode, { names: Set<string>; dynamic: boolean }>();

function collectTopLevelNames(root: SyntaxNode): { names: Set<string>; dynamic: boolean } {
  const names = new Set<string>();
  let dynamic = /\bglobals\(\)|\bsetattr\(\s*sys\.modules|\bimport\s+\*/.test(root.text());
  const bindTarget = (target: SyntaxNode | null | undefined) => {
    if (!target) return;
    if (target.kind() === 'identifier') names.add(target.text());
    else for (const c of target.children()) if (/^(identifier|pattern_list|tuple_pattern|list_pattern|tuple|list|parenthesized_expression)$/.test(String(c.kind()))) bindTarget(c);
  };
  const visit = (node: SyntaxNode) => {
    for (const stmt of node.children()) {
      const kind = String(stmt.kind());
      if (kind === 'decorated_definition') {
        const def = stmt.field('definition');
        if (def?.field('name')) names.add(def.field('name')!.text());
      } else if (kind === 'function_definition' || kind === 'class_definition') {
        const name = stmt.field('name')?.text();
        if (name) names.add(name);
        if (name === '__getattr__') dynamic = true;
      } else if (kind === 'expression_statement') {
        // `A = B = value` nests the second assignment on the right.
        for (const c of stmt.children())
          for (let a: SyntaxNode | null = c; a && (a.kind() === 'assignment' || a.kind() === 'augmented_assignment'); a = a.field('right')) bindTarget(a.field('left'));
      } else if (kind === 'import_statement' || kind === 'import_from_statement') {
        for (const name of importedNames(stmt)) names.add(name);
        if (kind === 'import_from_statement' && stmt.children().some((c) => c.kind() === 'wildcard_import')) dynamic = true;
      } else if (kind === 'for_statement') {
        bindTarget(stmt.field('left'));
        visit(stmt.field('body') ?? stmt);
      } else if (kind === 'with_statement') {
        for (const item of stmt.findAll({ rule: { kind: 'as_pattern_target' } })) bindTarget(item.children().find((c) => c.isNamed()));
        const body = stmt.field('body');
        if (body) visit(body);
      } else if (/^(if_statement|elif_clause|else_clause|try_statement|except_clause|finally_clause|block|while_statement)$/.test(kind)) {
        visit(stmt);
      } else if (kind === 'type_alias_statement') {
        const name = stmt.children().find((c) => c.isNamed());
        if (name) names.add(name.text().replace(/\[.*$/, ''));
      }
    }
  };
  visit(root);
  return { names, dynamic };
}
