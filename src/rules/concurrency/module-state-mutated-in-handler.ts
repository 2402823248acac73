import { functionOfBinding, resolveJsReference, unwrapJsExpression, type JsBinding } from '../../facts/routes/js-modules.ts';
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';
import { isJsFunction } from '../../parse/js-syntax.ts';
import {
  evaluatePyExpression,
  pyGlobalNames,
  pyImports,
  pyLocalBinding,
  pyModuleAssignments,
  pyOwnNodes,
  resolvePyCallee,
  type PyModuleLoader,
} from '../../parse/python-syntax.ts';
import { handlersWithRoutes } from '../../facts/routes/route-scope.ts';
import { cachedPyModuleLoader } from '../../facts/routes/python-modules.ts';

/** Methods that change a dict, list, set or deque in place. */
const MUTATORS = new Set([
  'append',
  'extend',
  'insert',
  'remove',
  'pop',
  'popitem',
  'clear',
  'update',
  'setdefault',
  'add',
  'discard',
  'appendleft',
  'popleft',
  'extendleft',
  'sort',
  'reverse',
]);
/** Constructors of mutable collections, as called (`dict()`, `collections.deque(...)`). */
const COLLECTION_CTOR = /^(collections\.)?(dict|list|set|defaultdict|OrderedDict|deque|Counter|ChainMap)$/;
const COLLECTION_LITERAL: Record<string, string> = {
  dictionary: 'dict',
  list: 'list',
  set: 'set',
  dictionary_comprehension: 'dict',
  list_comprehension: 'list',
  set_comprehension: 'set',
};

type Step = { kind: 'attribute'; name: string } | { kind: 'subscript' } | { kind: 'mutator'; name: string };

interface StateDecl {
  file: ParsedFile;
  name: string;
  assign: SyntaxNode;
  kind: 'collection' | 'instance' | 'value';
  /** `dict`, `deque`, or the class name of an instance. */
  type: string;
}

interface StateWrite {
  file: ParsedFile;
  node: SyntaxNode;
  how: 'collection' | 'attribute' | 'rebind';
  attribute?: string;
  writers: string[];
}

const routeLabel = (r: Route) => `${r.method} ${r.path}`;

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

/** In-place writes a function's own body makes: `x[k] = v`, `x.attr = v`, `del x[k]`, `x.append(v)`, and `global x; x = v`. */
function writesIn(fn: SyntaxNode): { node: SyntaxNode; root: string; rootNode: SyntaxNode; steps: Step[]; rebind: boolean }[] {
  const out: { node: SyntaxNode; root: string; rootNode: SyntaxNode; steps: Step[]; rebind: boolean }[] = [];
  const globals = /\bglobal\b/.test(fn.text()) ? pyGlobalNames(fn) : new Set<string>();
  const targets: { node: SyntaxNode; target: SyntaxNode }[] = [];
  for (const node of pyOwnNodes(fn, ['assignment', 'augmented_assignment', 'delete_statement', 'call'])) {
    const kind = node.kind();
    if (kind === 'call') {
      const callee = node.field('function');
      const method = callee?.kind() === 'attribute' ? callee.field('attribute')?.text() : undefined;
      const receiver = callee?.field('object');
      if (!method || !receiver || !MUTATORS.has(method)) continue;
      const chain = chainOf(receiver);
      if (chain) out.push({ node, root: chain.root.text(), rootNode: chain.root, steps: [...chain.steps, { kind: 'mutator', name: method }], rebind: false });
    } else if (kind === 'delete_statement') {
      for (const target of node.children()) {
        if (target.kind() === 'attribute' || target.kind() === 'subscript') targets.push({ node, target });
        for (const part of target.kind() === 'expression_list' ? target.children() : [])
          if (part.kind() === 'attribute' || part.kind() === 'subscript') targets.push({ node, target: part });
      }
    } else {
      const left = node.field('left');
      if (!left) continue;
      if (left.kind() === 'identifier') {
        if (globals.has(left.text()) && !isLazyInit(node, left.text(), fn)) out.push({ node, root: left.text(), rootNode: left, steps: [], rebind: true });
      } else if (left.kind() === 'pattern_list' || left.kind() === 'tuple_pattern') {
        for (const part of left.children()) {
          if (part.kind() === 'identifier' && globals.has(part.text())) out.push({ node, root: part.text(), rootNode: part, steps: [], rebind: true });
          else if (part.kind() === 'attribute' || part.kind() === 'subscript') targets.push({ node, target: part });
        }
      } else targets.push({ node, target: left });
    }
  }
  for (const { node, target } of targets) {
    const chain = chainOf(target);
    if (chain) out.push({ node, root: chain.root.text(), rootNode: chain.root, steps: chain.steps, rebind: false });
  }
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

export default defineRule({
  meta: {
    id: 'module-state-mutated-in-handler',
    category: 'concurrency',
    title: 'Module-level state written by request handlers',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Shared State',
    effortHours: 3,
    messages: {
      sharedCollection: 'Module-level {{type}} `{{name}}` is written by {{writers}}: each worker process keeps its own copy and concurrent requests race on it.',
      sharedObjectAttribute:
        'Module-level `{{name}}` ({{type}} instance) is modified by {{writers}}, which set {{attributes}}: one object shared by every request of a process and by none of the other workers.',
      globalRebound: 'Module-level `{{name}}` is reassigned by {{writers}}: one value shared by every request of a process and by none of the other workers.',
    },
    why: [
      'A module-level dict, list, `Map` or object lives in one worker process. Production runs several (`uvicorn --workers 4`, gunicorn, PM2 cluster mode, several replicas behind a load balancer), so a session created by one request is missing when the next request lands on another worker, and everything is lost on every restart or deploy.',
      '',
      'Within one process, concurrent requests read and write the same object: one user\'s system prompt or session data leaks into another user\'s request, and check-then-write sequences race.',
    ].join('\n'),
    fix: [
      'Keep shared state in a store every worker sees (the database, Redis), keyed by user or session; keep per-request data on the request. Create process-wide resources once in the lifespan and never write to them from handlers.',
      '',
      '```python',
      'from redis.asyncio import Redis',
      '',
      '@asynccontextmanager',
      'async def lifespan(app: FastAPI):',
      '    app.state.redis = Redis.from_url(settings.redis_url)',
      '    yield',
      '    await app.state.redis.aclose()',
      '',
      '@router.post("/sessions")',
      'async def start_session(body: SessionIn, request: Request, user: User = Depends(get_current_user)):',
      '    session_id = str(uuid4())',
      '    await request.app.state.redis.hset(f"session:{session_id}", mapping={"user": user.id, "voice": body.voice})',
      '    await request.app.state.redis.expire(f"session:{session_id}", 3600)',
      '    return {"session_id": session_id}',
      '```',
      '',
      'Express: the same with a shared client instead of a module-level `Map`.',
      '',
      '```ts',
      "router.post('/:id/messages', async (req, res) => {",
      '  await redis.rpush(`conversation:${req.params.id}`, req.body.text);',
      '  res.status(202).end();',
      '});',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from uuid import uuid4\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\nactive_sessions = {}\n\n@app.post("/sessions")\nasync def start_session(user_id: str):\n    session_id = str(uuid4())\n    active_sessions[session_id] = {"user_id": user_id}\n    return {"session_id": session_id}\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from uuid import uuid4\n\nfrom fastapi import FastAPI, Request\n\napp = FastAPI()\n\n@app.post("/sessions")\nasync def start_session(user_id: str, request: Request):\n    session_id = str(uuid4())\n    await request.app.state.redis.hset(f"session:{session_id}", mapping={"user_id": user_id})\n    return {"session_id": session_id}\n',
      },
    },
    references: {
      cwe: [362, 567],
      urls: ['https://fastapi.tiangolo.com/deployment/concepts/#replication-processes-and-memory'],
      equivalents: ['pylint:W0603 (global-statement, partial)'],
    },
  },
  check({ index, files, report }) {
    const load = cachedPyModuleLoader(files);
    const states = new Map<string, { decl?: StateDecl; name: string; at: Location; writes: Map<string, StateWrite> }>();
    const declarations = new Map<string, StateDecl | undefined>();
    const declarationOf = (file: ParsedFile, name: string) => {
      const key = `${file.path}#${name}`;
      if (!declarations.has(key)) declarations.set(key, findDeclaration(file, name, load, files));
      return declarations.get(key);
    };

    /** The writes of one function that land on module state, resolved once per function. */
    const resolved = new Map<string, { key: string; decl?: StateDecl; name: string; at: Location; write: Omit<StateWrite, 'writers'> }[]>();
    const stateWritesOf = (fn: SyntaxNode, file: ParsedFile) => {
      const fnKey = `${file.path}:${fn.range().start.index}`;
      const cached = resolved.get(fnKey);
      if (cached) return cached;
      const out: { key: string; decl?: StateDecl; name: string; at: Location; write: Omit<StateWrite, 'writers'> }[] = [];
      const locality = new Map<string, boolean>();
      for (const write of writesIn(fn)) {
        if (!locality.has(write.root)) {
          const local = pyLocalBinding(fn, write.root, undefined, file);
          locality.set(write.root, !!local && local !== 'global');
        }
        if (locality.get(write.root)) continue;
        let declFile = file;
        let name = write.root;
        let steps = write.steps;
        if (!write.rebind) {
          const rootValue = evaluatePyExpression(write.rootNode, { file, fn }, load);
          if (rootValue?.kind === 'module' && rootValue.file && steps[0]?.kind === 'attribute') {
            declFile = rootValue.file;
            name = steps[0].name;
            steps = steps.slice(1);
          }
        }
        const decl = declarationOf(declFile, name);
        let how: StateWrite['how'];
        let attribute: string | undefined;
        if (write.rebind) how = 'rebind';
        else if (!decl || !steps.length) continue;
        else if (decl.kind === 'collection' && steps[0].kind !== 'attribute') how = 'collection';
        else if (decl.kind === 'instance' && steps[0].kind === 'attribute') {
          how = 'attribute';
          attribute = steps[0].name;
        } else continue;
        const at = decl ? decl.file.locate(decl.assign) : file.locate(write.node);
        const key = decl ? `${decl.file.path}#${decl.name}` : `${file.path}#${name}`;
        out.push({ key, decl, name, at, write: { file, node: write.node, how, attribute } });
      }
      resolved.set(fnKey, out);
      return out;
    };

    const record = (fn: SyntaxNode, file: ParsedFile, writers: string[]) => {
      for (const { key, decl, name, at, write } of stateWritesOf(fn, file)) {
        const state = states.get(key) ?? { decl, name, at, writes: new Map<string, StateWrite>() };
        const writeKey = `${write.file.path}:${write.node.range().start.index}`;
        const existing = state.writes.get(writeKey);
        if (existing) existing.writers.push(...writers);
        else state.writes.set(writeKey, { ...write, writers: [...writers] });
        states.set(key, state);
      }
    };

    const callees = new Map<string, ReturnType<typeof resolvePyCallee<ParsedFile>>[]>();
    for (const { file, fn, routes } of handlersWithRoutes(index.routes, files, 'python')) {
      const handler = fn.field('name')?.text() ?? routes[0].handler.name;
      const start = fn.range().start.index;
      record(fn, file, routes.map((r) => `${routeLabel(r)} (${handler})`));
      const seen = new Set<string>();
      const fnKey = `${file.path}:${start}`;
      let targets = callees.get(fnKey);
      if (!targets) callees.set(fnKey, (targets = pyOwnNodes(fn, 'call').map((call) => resolvePyCallee(call, { file, fn }, load))));
      for (const target of targets) {
        if (!target || (target.file.path === file.path && target.fn.range().start.index === start)) continue;
        const key = `${target.file.path}:${target.fn.range().start.index}`;
        if (seen.has(key)) continue;
        seen.add(key);
        record(target.fn, target.file, routes.map((r) => `${routeLabel(r)} (${handler} → ${target.label})`));
      }
    }

    // Express / Next.js: module-level `const cache = new Map()` / `{}` / `[]` and `let` bindings.
    const jsWrites = new Map<string, ReturnType<typeof jsStateWrites>>();
    for (const { file, fn, routes } of handlersWithRoutes(index.routes, files, 'js')) {
      const handler = routes[0].handler.name === '<anonymous>' ? 'inline handler' : routes[0].handler.name;
      const scanned: { fn: SyntaxNode; file: ParsedFile; label: string }[] = [{ fn, file, label: handler }];
      for (const call of fn.findAll({ rule: { kind: 'call_expression' } })) {
        const callee = call.field('function');
        if (!callee || !/^(identifier|member_expression)$/.test(String(callee.kind()))) continue;
        const binding = resolveJsReference(files, file, callee);
        const helper = functionOfBinding(binding);
        if (!binding || !helper || (binding.file.path === file.path && helper.range().start.index <= fn.range().start.index && helper.range().end.index >= fn.range().end.index)) continue;
        if (!scanned.some((s) => s.file.path === binding.file.path && s.fn.range().start.index === helper.range().start.index))
          scanned.push({ fn: helper, file: binding.file, label: `${handler} → ${binding.name}` });
      }
      for (const target of scanned) {
        const key = `${target.file.path}:${target.fn.range().start.index}`;
        let writes = jsWrites.get(key);
        if (!writes) jsWrites.set(key, (writes = jsStateWrites(target.fn, target.file, files)));
        const writers = routes.map((r) => `${routeLabel(r)} (${target.label})`);
        for (const write of writes) {
          const state = states.get(write.key) ?? { decl: write.decl, name: write.decl.name, at: write.at, writes: new Map<string, StateWrite>() };
          const writeKey = `${target.file.path}:${write.node.range().start.index}`;
          const existing = state.writes.get(writeKey);
          if (existing) existing.writers.push(...writers);
          else state.writes.set(writeKey, { file: target.file, node: write.node, how: write.how, attribute: write.attribute, writers: [...writers] });
          states.set(write.key, state);
        }
      }
    }

    for (const state of states.values()) {
      const writes = [...state.writes.values()];
      const writers = unique(writes.flatMap((w) => w.writers));
      const related = writes.map((w) => w.file.locate(w.node, `written by ${joinWords(unique(w.writers), 'routes')}`));
      const data = { name: state.name, type: state.decl?.type ?? 'value', writers: joinWords(writers, 'routes') };
      const severity = /cache|memo/i.test(state.name) ? 'medium' : 'high';
      if (writes.some((w) => w.how === 'rebind')) report({ messageId: 'globalRebound', at: state.at, data, related, severity });
      else if (writes.some((w) => w.how === 'attribute')) {
        const attributes = unique(writes.map((w) => (w.attribute ? `${state.name}.${w.attribute}` : '')).filter(Boolean));
        report({ messageId: 'sharedObjectAttribute', at: state.at, data: { ...data, attributes: joinWords(attributes, 'attributes') }, related, severity });
      } else report({ messageId: 'sharedCollection', at: state.at, data, related, severity });
    }
  },
});

/** Methods that change a Map, Set or array in place. */
const JS_MUTATORS = new Set(['set', 'delete', 'clear', 'add', 'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
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

/** The module-level `const`/`let`/`var` a binding is, classified; undefined for anything else. */
function jsModuleState(binding: JsBinding, files: ParsedFiles): (StateDecl & { rebindable: boolean }) | undefined {
  const declarator = binding.declaration;
  if (declarator.kind() !== 'variable_declarator') return undefined;
  const list = declarator.parent();
  if (!list || !/^(lexical_declaration|variable_declaration)$/.test(String(list.kind()))) return undefined;
  const top = list.parent()?.kind() === 'export_statement' ? list.parent()?.parent() : list.parent();
  if (top?.kind() !== 'program') return undefined;
  const base = { file: binding.file, name: binding.name, assign: list, rebindable: !/^const\b/.test(list.text()) };
  const value = binding.value ? unwrapJsExpression(binding.value) : undefined;
  if (value?.kind() === 'object') return { ...base, kind: 'collection', type: 'object' };
  if (value?.kind() === 'array') return { ...base, kind: 'collection', type: 'array' };
  if (value?.kind() === 'new_expression') {
    const ctor = value.field('constructor');
    const name = ctor?.text() ?? '';
    if (/^(Map|Set|Array)$/.test(name)) return { ...base, kind: 'collection', type: name === 'Array' ? 'array' : name };
    const cls = ctor ? resolveJsReference(files, binding.file, ctor) : undefined;
    const clsNode = cls?.value ?? cls?.declaration;
    if (clsNode && /class/.test(String(clsNode.kind()))) return { ...base, kind: 'instance', type: cls?.name ?? name };
  }
  return { ...base, kind: 'value', type: 'value' };
}

/** Writes a JS function (callbacks included) makes to module-level state, resolved to the declarations. */
function jsStateWrites(fn: SyntaxNode, file: ParsedFile, files: ParsedFiles): { key: string; decl: StateDecl; at: Location; node: SyntaxNode; how: StateWrite['how']; attribute?: string }[] {
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
      if (argument && node.field('operator')?.text() === 'delete') candidates.push({ node, target: argument });
    } else {
      const target = kind === 'update_expression' ? node.field('argument') : node.field('left');
      if (target) candidates.push({ node, target });
    }
  }
  const out: { key: string; decl: StateDecl; at: Location; node: SyntaxNode; how: StateWrite['how']; attribute?: string }[] = [];
  for (const { node, target, mutator } of candidates) {
    const chain = jsChainOf(target);
    if (!chain || jsParameterShadows(chain.root, fn, chain.root.text())) continue;
    const steps: Step[] = mutator ? [...chain.steps, { kind: 'mutator', name: mutator }] : chain.steps;
    const binding = resolveJsReference(files, file, chain.root);
    const decl = binding ? jsModuleState(binding, files) : undefined;
    if (!decl) continue;
    let how: StateWrite['how'];
    let attribute: string | undefined;
    if (!steps.length) {
      if (!decl.rebindable) continue;
      how = 'rebind';
    } else if (decl.kind === 'collection') how = 'collection';
    else if (decl.kind === 'instance' && steps[0].kind === 'attribute') {
      how = 'attribute';
      attribute = steps[0].name;
    } else continue;
    out.push({ key: `${decl.file.path}#${decl.name}`, decl, at: decl.file.locate(decl.assign), node, how, attribute });
  }
  return out;
}


/** The module-level assignment that declares `name` in `file`, following `from x import name` into project modules. */
function findDeclaration(file: ParsedFile, name: string, load: PyModuleLoader<ParsedFile>, files: ParsedFiles, depth = 0): StateDecl | undefined {
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
  return target ? findDeclaration(target, imported.name, load, files, depth + 1) : undefined;
}

function classify(file: ParsedFile, name: string, assign: SyntaxNode, load: PyModuleLoader<ParsedFile>): StateDecl {
  const right = assign.field('right');
  const base = { file, name, assign };
  if (!right) return { ...base, kind: 'value', type: 'value' };
  const literal = COLLECTION_LITERAL[String(right.kind())];
  if (literal) return { ...base, kind: 'collection', type: literal };
  if (right.kind() !== 'call') return { ...base, kind: 'value', type: 'value' };
  const callee = right.field('function');
  const value = callee ? evaluatePyExpression(callee, { file }, load) : undefined;
  if (value?.kind === 'external' && COLLECTION_CTOR.test(value.path))
    return { ...base, kind: 'collection', type: value.path.replace(/^collections\./, '') };
  if (value?.kind === 'class') return { ...base, kind: 'instance', type: value.cls.field('name')?.text() ?? 'object' };
  return { ...base, kind: 'value', type: 'value' };
}

const unique = (items: string[]) => [...new Set(items)];

function joinWords(items: string[], noun: string): string {
  if (items.length > 4) return `${items.slice(0, 3).join(', ')} and ${items.length - 3} more ${noun}`;
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

