import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';
import { enclosingPyFunction, evaluatePyExpression, isAsyncPyFunction, pyDecorators, pyFunctionName, pyOwnNodes, type PyModuleLoader } from '../../parse/python-syntax.ts';
import { isAsyncJsFunction } from '../../parse/js-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';
import { jsCallGraph } from '../../facts/call-reach.ts';
import { cachedPyModuleLoader } from '../../facts/routes/python-modules.ts';
import { functionOfBinding, jsExternalPath, resolveJsReference, unwrapJsExpression } from '../../facts/routes/js-modules.ts';
import { handlersWithRoutes } from '../../facts/routes/route-scope.ts';

/**
 * A coroutine that is created and dropped: a project `async def` or a known async API (an
 * `httpx.AsyncClient` request, `AsyncSession.commit`, `websocket.send_text`, `request.json()`,
 * `asyncio.sleep`) called without `await` and without being scheduled (`create_task`, `gather`,
 * returned, passed on). In Node.js: a project `async function` or a lazy Prisma query called in a
 * route handler as a bare statement — no `await`, `.then`/`.catch`, `void` or `return`.
 */

/** Known async APIs by external call path, with what is lost when the coroutine never runs. */
const PY_ASYNC_APIS: { api: string; path: RegExp; lost: string }[] = [
  { api: 'sleep', path: /^asyncio\.sleep$/, lost: 'there is no pause at all' },
  { api: 'HTTP request (httpx.AsyncClient)', path: /^httpx\.AsyncClient\(\)\.(get|post|put|patch|delete|request|send|head|options)$/, lost: 'the request is never sent' },
  { api: 'HTTP request (aiohttp)', path: /^aiohttp\.ClientSession\(\)\.(get|post|put|patch|delete|request)$/, lost: 'the request is never sent' },
  { api: 'database call (AsyncSession)', path: /^sqlalchemy\.ext\.asyncio\.AsyncSession\(\)\.(execute|commit|flush|refresh|delete|close|get|scalar|scalars|rollback|merge)$/, lost: 'the statement never reaches the database' },
  { api: 'database call (asyncpg)', path: /^asyncpg\.(connect|create_pool)(\(\)\.(execute|executemany|fetch|fetchrow|fetchval|close|acquire))?$/, lost: 'the statement never reaches the database' },
  { api: 'Redis call (redis.asyncio)', path: /^redis\.asyncio\.(Redis|StrictRedis|from_url|Redis\.from_url)\(\)\.[a-z]\w*$/, lost: 'Redis never sees the command' },
  { api: 'MongoDB call (motor)', path: /^motor\.motor_asyncio\.AsyncIOMotorClient\(\)[\w.[\]]*\.(find_one|insert_one|insert_many|update_one|update_many|delete_one|delete_many|count_documents|replace_one|find_one_and_update)$/, lost: 'the write never reaches MongoDB' },
  { api: 'OpenAI call (AsyncOpenAI)', path: /^openai\.Async(OpenAI|AzureOpenAI)\(\)(\.\w+)+\.(create|parse|retrieve|list|delete)$/, lost: 'the request is never sent' },
  { api: 'Anthropic call (AsyncAnthropic)', path: /^anthropic\.AsyncAnthropic\(\)(\.\w+)+\.(create|stream|count_tokens)$/, lost: 'the request is never sent' },
  { api: 'Qdrant call (AsyncQdrantClient)', path: /^qdrant_client\.AsyncQdrantClient\(\)\.[a-z]\w*$/, lost: 'the vector store is never called' },
  { api: 'WebSocket call', path: /^(fastapi|starlette\.websockets)\.WebSocket\(\)\.(accept|send_text|send_json|send_bytes|receive_text|receive_json|receive_bytes|close)$/, lost: 'nothing is sent or received' },
  { api: 'request body read', path: /^(fastapi|starlette\.requests)\.Request\(\)\.(json|body|form)$/, lost: 'the handler works on a coroutine object instead of the body' },
  { api: 'upload read', path: /^(fastapi|starlette\.datastructures)\.UploadFile\(\)\.(read|write|seek|close)$/, lost: 'the handler works on a coroutine object instead of the file content' },
];

/** Decorators that leave an `async def` a coroutine function. */
const TRANSPARENT_DECORATOR = /^(staticmethod|classmethod|abstractmethod|override|(functools\.)?wraps\b|(tenacity\.)?retry\b|backoff\.\w+|stamina\.retry|\w+\.(get|post|put|patch|delete|route|api_route|websocket|on_event|middleware)\b)/;

/** Calls that take a coroutine and run it. */
const SCHEDULERS = /(^|\.)(create_task|ensure_future|gather|wait|wait_for|shield|run|run_until_complete|run_coroutine_threadsafe|as_completed|TaskGroup|start_soon|spawn|add_task|call_soon)$/;

/** How a call's result is used: dropped (a bare statement or a condition), bound to a name, or anything else (awaited, passed, returned). */
function pyResultUse(call: SyntaxNode): { kind: 'dropped' | 'condition' | 'bound' | 'used'; name?: string } {
  const parent = call.parent();
  const kind = parent?.kind();
  if (kind === 'await') return { kind: 'used' };
  if (kind === 'expression_statement') return { kind: 'dropped' };
  if ((kind === 'if_statement' || kind === 'while_statement' || kind === 'elif_clause') && parent?.field('condition')?.range().start.index === call.range().start.index) return { kind: 'condition' };
  if (kind === 'not_operator') return { kind: 'condition' };
  if (kind === 'assignment' && parent?.field('left')?.kind() === 'identifier') return { kind: 'bound', name: parent.field('left')?.text() };
  return { kind: 'used' };
}

/** Whether a coroutine bound to `name` in `fn` is ever awaited, scheduled, passed on or returned. */
function isConsumed(fn: SyntaxNode, name: string, after: number): boolean {
  for (const id of pyOwnNodes(fn, 'identifier')) {
    if (id.text() !== name || id.range().start.index <= after) continue;
    const parent = id.parent();
    const kind = parent?.kind();
    if (kind === 'await' || kind === 'return_statement' || kind === 'argument_list' || kind === 'keyword_argument' || kind === 'list' || kind === 'tuple' || kind === 'yield') return true;
    if (kind === 'with_item' || kind === 'for_statement' || kind === 'for_in_clause') return true;
    if (kind === 'assignment' && parent?.field('right')?.range().start.index === id.range().start.index) return true;
  }
  return false;
}

interface PyHit {
  node: SyntaxNode;
  call: string;
  fn: SyntaxNode;
  messageId: 'projectCoroutine' | 'asyncApi' | 'coroutineCondition';
  target: string;
  api?: string;
  lost?: string;
}

/** Method names of the known async APIs: only calls with one of these names, or the name of a project `async def`, are resolved. */
const PY_ASYNC_API_NAMES =
  'sleep|get|post|put|patch|delete|request|send|head|options|execute|commit|flush|refresh|close|scalar|scalars|rollback|merge|connect|create_pool|executemany|fetch|fetchrow|fetchval|acquire|find_one|insert_one|insert_many|update_one|update_many|delete_one|delete_many|count_documents|replace_one|find_one_and_update|create|parse|retrieve|list|stream|count_tokens|accept|send_text|send_json|send_bytes|receive_text|receive_json|receive_bytes|json|body|form|read|write|seek|set|hset|hget|hgetall|incr|incrby|expire|setex|lpush|rpush|lrange|sadd|srem|smembers|publish|exists|zadd|zrange|search|upsert|query|scroll|recommend';

function pyHits(file: ParsedFile, load: PyModuleLoader<ParsedFile>, asyncNames: string[]): PyHit[] {
  const out: PyHit[] = [];
  if (!file.ast) return out;
  const names = [...new Set([...PY_ASYNC_API_NAMES.split('|'), ...asyncNames])].map((n) => n.replace(/[^\w]/g, '')).join('|');
  for (const call of file.findAll({ kind: 'call', has: { field: 'function', regex: `(^|\\.)(${names})$` } })) {
    const use = pyResultUse(call);
    if (use.kind === 'used') continue;
    const fn = enclosingPyFunction(call);
    if (!fn) continue;
    const isAsync = isAsyncPyFunction(fn);
    const callee = call.field('function');
    if (!callee || (callee.kind() !== 'identifier' && callee.kind() !== 'attribute')) continue;
    if (SCHEDULERS.test(callee.text())) continue;
    const value = evaluatePyExpression(callee, { file, fn }, load);
    let hit: Omit<PyHit, 'messageId'> | undefined;
    let project = false;
    if (value?.kind === 'function' && isAsyncPyFunction(value.fn)) {
      // A decorator may turn the coroutine function into something else (`@sync_to_async`-style wrappers); known transparent ones keep it a coroutine function.
      if (value.fn.parent()?.kind() === 'decorated_definition' && !pyDecorators(value.fn).every((d) => TRANSPARENT_DECORATOR.test(d.text()))) continue;
      const owner = value.cls?.field('name')?.text();
      hit = { node: call, call: codeSpanText(callee, 50), fn, target: `\`${owner ? `${owner}.` : ''}${pyFunctionName(value.fn)}\`` };
      project = true;
    } else if (value?.kind === 'external') {
      const api = PY_ASYNC_APIS.find((a) => a.path.test(value.path));
      // Request / UploadFile / WebSocket methods are async only for the Starlette objects of async code.
      if (!api || (!isAsync && /request body|upload|WebSocket/.test(api.api))) continue;
      hit = { node: call, call: codeSpanText(callee, 50), fn, target: api.api, api: api.api, lost: api.lost };
    }
    if (!hit) continue;
    if (use.kind === 'bound' && (!use.name || isConsumed(fn, use.name, call.range().end.index))) continue;
    out.push({ ...hit, messageId: use.kind === 'condition' ? 'coroutineCondition' : project ? 'projectCoroutine' : 'asyncApi' });
  }
  return out;
}

/** Node.js: a bare-statement call in a handler (or what it calls) to a project async function or a lazy Prisma query. */
function jsHits(fn: SyntaxNode, file: ParsedFile, files: ParsedFiles): { node: SyntaxNode; call: string; prisma: boolean }[] {
  const out: { node: SyntaxNode; call: string; prisma: boolean }[] = [];
  for (const statement of fn.findAll({ rule: { kind: 'expression_statement', has: { kind: 'call_expression' } } })) {
    const call = statement.children().find((c) => c.isNamed());
    if (!call || call.kind() !== 'call_expression') continue;
    const callee = call.field('function');
    if (!callee || !/^(identifier|member_expression)$/.test(String(callee.kind()))) continue;
    // `.then(...)` / `.catch(...)` / `.finally(...)` chains handle the promise.
    if (callee.kind() === 'member_expression' && /^(then|catch|finally)$/.test(callee.field('property')?.text() ?? '')) continue;
    const binding = resolveJsReference(files, file, callee);
    const target = functionOfBinding(binding);
    if (target && isAsyncJsFunction(target)) {
      out.push({ node: call, call: codeSpanText(callee, 50), prisma: false });
      continue;
    }
    // `prisma.user.update(...)`: Prisma queries are lazy and run only when awaited or `.then()`-ed.
    if (callee.kind() === 'member_expression') {
      let root = unwrapJsExpression(callee);
      while (root.kind() === 'member_expression') root = unwrapJsExpression(root.field('object') ?? root);
      if (root.kind() !== 'identifier') continue;
      const client = resolveJsReference(files, file, root);
      const value = client?.value ? unwrapJsExpression(client.value) : undefined;
      const ctor = value?.kind() === 'new_expression' ? value.field('constructor') : undefined;
      const method = callee.field('property')?.text() ?? '';
      if (ctor && client && jsExternalPath(client.file, ctor) === '@prisma/client.PrismaClient' && /^(create|createMany|update|updateMany|upsert|delete|deleteMany|findUnique|findFirst|findMany|count|aggregate|\$executeRaw|\$queryRaw)$/.test(method))
        out.push({ node: call, call: codeSpanText(callee, 50), prisma: true });
    }
  }
  return out;
}

const routeLabel = (r: Route) => `${r.method} ${r.path}`;

export default defineRule({
  meta: {
    id: 'coroutine-not-awaited',
    category: 'concurrency',
    title: 'Async call whose result is never awaited',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Async Correctness',
    effortHours: 0.5,
    messages: {
      projectCoroutine: '`{{call}}(…)` in `{{function}}` calls the `async def` {{target}} without `await`: it only creates a coroutine that never runs, so its work silently does not happen.',
      asyncApi: '`{{call}}(…)` in `{{function}}` is an async {{api}} called without `await`: it returns a coroutine that never runs, so {{lost}}.',
      coroutineCondition: '`{{call}}(…)` in `{{function}}` is tested without `await`: a coroutine object is always true, so the check never fails (and the coroutine never runs).',
      floatingPromise: '{{route}} calls the async function `{{call}}(…)` as a bare statement, without `await`, `.catch()` or `void`: the response goes out before it finishes, and if it rejects the rejection is unhandled (Node.js exits on unhandled rejections by default).',
      prismaNotAwaited: '{{route}} calls `{{call}}(…)` without `await`: Prisma queries are lazy and run only when awaited or `.then()`-ed, so this query never reaches the database.',
    },
    why: [
      'Calling an `async def` function does not run it: it returns a coroutine object, and the body runs only when something awaits it or schedules it as a task. A forgotten `await` therefore silently skips the work — the audit row is never written, the message never sent, the session never committed — and Python only prints "RuntimeWarning: coroutine … was never awaited" to a log nobody reads. Used in a condition, the coroutine object is always true, so a permission check that forgot its `await` always passes.',
      '',
      'In Node.js the promise does run, but nobody waits for it: the handler answers before the work is done, and a rejection becomes an unhandled rejection, which terminates the process in current Node.js versions. Prisma queries are lazy: without `await` or `.then()` they never run at all.',
    ].join('\n'),
    fix: [
      '`await` the call; to run it in the background on purpose, schedule it and keep a reference (`asyncio.create_task`, FastAPI `BackgroundTasks`, `asyncio.TaskGroup`).',
      '',
      '```python',
      '@router.post("/orders")',
      'async def create_order(body: OrderIn, background: BackgroundTasks, db: AsyncSession = Depends(get_db)):',
      '    order = Order(**body.model_dump())',
      '    db.add(order)',
      '    await db.commit()                                   # was: db.commit()',
      '    background.add_task(send_confirmation, order.id)    # deliberately after the response',
      '    return {"id": order.id}',
      '```',
      '',
      'Node.js: `await` it, or mark a deliberate fire-and-forget with `void task().catch(logError)`. typescript-eslint\'s `no-floating-promises` finds the rest.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from fastapi import FastAPI\n\napp = FastAPI()\n\n\nasync def record_audit(event: str) -> None:\n    print(event)\n\n\n@app.post("/orders")\nasync def create_order(sku: str):\n    record_audit(f"order {sku}")\n    return {"sku": sku}\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'import asyncio\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\nasync def record_audit(event: str) -> None:\n    print(event)\n\n\n@app.post("/orders")\nasync def create_order(sku: str):\n    await record_audit(f"order {sku}")\n    task = asyncio.create_task(record_audit("scheduled"))\n    await task\n    return {"sku": sku}\n',
      },
    },
    references: {
      cwe: [665],
      urls: ['https://docs.python.org/3/library/asyncio-dev.html#detect-never-awaited-coroutines', 'https://typescript-eslint.io/rules/no-floating-promises/'],
      equivalents: ['pylint:W0106 (partial)', 'ruff:RUF006 (partial)', 'typescript-eslint:no-floating-promises'],
    },
  },
  check({ index, files, report }) {
    const load = cachedPyModuleLoader(files);
    const pyFiles = files.ofKind('python', { containing: ['async', 'await'], includeTests: false });
    const asyncNames = [...new Set(files.ofKind('python', { containing: ['async def'] }).flatMap((f) => [...f.text.matchAll(/\basync\s+def\s+(\w+)/g)].map((m) => m[1])))];
    for (const file of pyFiles) {
      for (const hit of pyHits(file, load, asyncNames)) {
        report({
          messageId: hit.messageId,
          at: file.locate(hit.node),
          data: { call: hit.call, function: pyFunctionName(hit.fn), target: hit.target, api: hit.api ?? '', lost: hit.lost ?? '' },
        });
      }
    }

    const graph = jsCallGraph(files);
    const seen = new Map<string, { file: ParsedFile; node: SyntaxNode; call: string; prisma: boolean; routes: string[] }>();
    const memo = new Map<string, ReturnType<typeof jsHits>>();
    for (const { file, fn, routes } of handlersWithRoutes(index.routes, files, 'js')) {
      for (const path of graph.reach(graph.start(file, fn, routes[0].handler.name), { maxDepth: 2 })) {
        const key = `${path.file.path}:${path.fn.range().start.index}`;
        let hits = memo.get(key);
        if (!hits) memo.set(key, (hits = jsHits(path.fn, path.file, files)));
        for (const hit of hits) {
          const site = `${path.file.path}:${hit.node.range().start.index}`;
          const entry = seen.get(site) ?? { ...hit, file: path.file, routes: [] };
          entry.routes.push(...routes.map(routeLabel));
          seen.set(site, entry);
        }
      }
    }
    for (const hit of seen.values()) {
      const routes = [...new Set(hit.routes)];
      report({
        messageId: hit.prisma ? 'prismaNotAwaited' : 'floatingPromise',
        at: hit.file.locate(hit.node),
        data: { route: routes.length > 1 ? `${routes[0]} (and ${routes.length - 1} more)` : routes[0], call: hit.call },
        severity: hit.prisma ? 'high' : 'medium',
      });
    }
  },
});
