import { functionOfBinding, importOf, requireSource, resolveJsReference, unwrapJsExpression } from '../../facts/routes/js-modules.ts';
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { evaluatePyExpression, isAsyncPyFunction, pyFunctionTarget, pyOwnNodes, type PyModuleLoader } from '../../parse/python-syntax.ts';
import { handlersWithRoutes } from '../../facts/routes/route-scope.ts';
import { cachedPyModuleLoader } from '../../facts/routes/python-modules.ts';

/** A kind of blocking call, recognised by the qualified path of what is called (`boto3.client().put_object`). */
interface BlockingFamily {
  family: string;
  matches: (path: string) => boolean;
  severity: Severity;
}

const HTTP_VERB = '(get|post|put|patch|delete|head|options|request)';
/** boto3 client methods that compute locally and never touch the network. */
const BOTO3_LOCAL = /^(generate_presigned_url|generate_presigned_post|get_paginator|get_waiter|can_paginate|close)$/;

const FAMILIES: BlockingFamily[] = [
  { family: 'sleep', severity: 'high', matches: (p) => p === 'time.sleep' },
  {
    family: 'HTTP request (requests)',
    severity: 'high',
    matches: (p) => new RegExp(`^requests\\.${HTTP_VERB}$|^requests\\.(sessions\\.)?[Ss]ession\\(\\)\\.(${HTTP_VERB.slice(1, -1)}|send)$`).test(p),
  },
  { family: 'HTTP request (urllib)', severity: 'high', matches: (p) => /^urllib\.request\.(urlopen|urlretrieve)$/.test(p) },
  {
    family: 'HTTP request (sync httpx)',
    severity: 'high',
    matches: (p) => new RegExp(`^httpx\\.(${HTTP_VERB.slice(1, -1)}|stream)$|^httpx\\.Client\\(\\)\\.(${HTTP_VERB.slice(1, -1)}|stream|send)$`).test(p),
  },
  {
    family: 'AWS call (boto3)',
    severity: 'high',
    matches: (p) => {
      if (/^boto3\.((session\.)?Session\(\)\.)?(client|resource)$/.test(p)) return true;
      const m = /^boto3\.((session\.)?Session\(\)\.)?(client|resource)\(\)(\.\w+\(\))*\.([a-z_]\w*)$/.exec(p);
      return !!m && !BOTO3_LOCAL.test(m[5]);
    },
  },
  { family: 'database driver call', severity: 'high', matches: (p) => /^(psycopg2|psycopg|sqlite3|pymysql|MySQLdb|mysql\.connector)\.connect(\(\)\.\w+)*$/.test(p) },
  {
    family: 'SQLAlchemy database call',
    severity: 'high',
    matches: (p) =>
      /^(sqlalchemy|sqlmodel)\./.test(p) &&
      !/async/i.test(p) &&
      /\(\)\.(query|execute|exec|commit|get|scalars|scalar|flush|refresh|merge|rollback|connect|begin|raw_connection)$/.test(p),
  },
  { family: 'Redis client call', severity: 'high', matches: (p) => /^redis\.(Redis|StrictRedis|from_url|Redis\.from_url)\(\)\.[a-z]\w*$/.test(p) },
  {
    family: 'MongoDB call (pymongo)',
    severity: 'high',
    matches: (p) =>
      /^pymongo\.MongoClient\(\)[\w.[\]]*\.(find|find_one|insert_one|insert_many|update_one|update_many|delete_one|delete_many|aggregate|count_documents|replace_one|find_one_and_update|bulk_write)$/.test(p),
  },
  { family: 'Qdrant client call', severity: 'high', matches: (p) => /^qdrant_client(\.qdrant_client)?\.QdrantClient\(\)\.[a-z]\w*$/.test(p) },
  {
    family: 'OpenAI client call',
    severity: 'high',
    matches: (p) => /^openai\.(OpenAI|AzureOpenAI)\(\)(\.\w+)+$/.test(p) || /^openai\.(ChatCompletion|Completion|Embedding|Image|Moderation)\.create$/.test(p),
  },
  { family: 'Anthropic client call', severity: 'high', matches: (p) => /^anthropic\.(Anthropic|AnthropicBedrock)\(\)(\.\w+)+$/.test(p) },
  { family: 'SMTP call (smtplib)', severity: 'high', matches: (p) => /^smtplib\.(SMTP|SMTP_SSL)(\(\)\.\w+)?$/.test(p) },
  {
    family: 'subprocess call',
    severity: 'medium',
    matches: (p) => /^subprocess\.(run|call|check_call|check_output|getoutput|getstatusoutput)$|^subprocess\.Popen\(\)\.(communicate|wait)$|^os\.system$/.test(p),
  },
  { family: 'file I/O call', severity: 'medium', matches: (p) => p === 'open' || /^shutil\.(copyfileobj|copyfile|copy|copy2|move|rmtree|copytree)$/.test(p) },
];

/** Calls that hand work to a thread: what they wrap does not run on the event loop. */
const OFFLOAD = /(^|\.)(to_thread|run_in_executor|run_in_threadpool|run_sync|sync_to_async|defer_to_thread)$/;
const OFFLOAD_TEXT = /\b(to_thread|run_in_executor|run_in_threadpool|run_sync|sync_to_async|defer_to_thread)\b/;

interface BlockingCall {
  node: SyntaxNode;
  text: string;
  family: BlockingFamily;
}

/** Inside a lambda or an argument of `asyncio.to_thread(...)` / `run_in_executor(...)` / `run_in_threadpool(...)`. */
function isOffloaded(call: SyntaxNode, fn: SyntaxNode): boolean {
  const stop = fn.range().start.index;
  for (let current = call.parent(); current && current.range().start.index >= stop; current = current.parent()) {
    if (current.kind() === 'lambda') return true;
    if (current.kind() === 'call' && OFFLOAD.test(current.field('function')?.text() ?? '')) return true;
    if (current.range().start.index === stop && current.kind() === 'function_definition') break;
  }
  return false;
}

/** What one call in a function's own body does, as far as blocking goes. */
function classifyCall(
  call: SyntaxNode,
  fn: SyntaxNode,
  file: ParsedFile,
  load: PyModuleLoader<ParsedFile>,
  mayOffload: boolean,
): { blocking?: BlockingCall; helper?: ReturnType<typeof pyFunctionTarget<ParsedFile>> } {
  if (mayOffload && isOffloaded(call, fn)) return {};
  const callee = call.field('function');
  if (!callee || (callee.kind() !== 'identifier' && callee.kind() !== 'attribute')) return {};
  const value = evaluatePyExpression(callee, { file, fn }, load);
  if (value?.kind === 'function') return { helper: pyFunctionTarget(value) };
  // An awaited call is an async API (`await client.get(...)`), never the sync one.
  if (value?.kind !== 'external' || call.parent()?.kind() === 'await') return {};
  const family = FAMILIES.find((f) => f.matches(value.path));
  return family ? { blocking: { node: call, text: callee.text(), family } } : {};
}

/**
 * `StreamingResponse(generate())` with a plain `def` generator: Starlette iterates it in the thread
 * pool, so what the generator blocks on never reaches the event loop.
 */
function isStreamedInThreadpool(call: SyntaxNode, helper: SyntaxNode): boolean {
  if (isAsyncPyFunction(helper) || !pyOwnNodes(helper, 'yield').length) return false;
  const owner = call.parent()?.kind() === 'argument_list' ? call.parent()?.parent() : undefined;
  return owner?.kind() === 'call' && /Response$/.test(owner.field('function')?.text() ?? '');
}

/** Blocking calls a function's own body makes on the event loop (not awaited, not handed to a thread). */
function blockingCallsIn(fn: SyntaxNode, file: ParsedFile, load: PyModuleLoader<ParsedFile>): BlockingCall[] {
  const mayOffload = OFFLOAD_TEXT.test(fn.text());
  return pyOwnNodes(fn, 'call').flatMap((call) => classifyCall(call, fn, file, load, mayOffload).blocking ?? []);
}

/** First call of each family, with the others of that family. */
function groupByFamily(calls: BlockingCall[]): { first: BlockingCall; rest: BlockingCall[] }[] {
  const groups = new Map<string, { first: BlockingCall; rest: BlockingCall[] }>();
  for (const call of calls) {
    const group = groups.get(call.family.family);
    if (group) group.rest.push(call);
    else groups.set(call.family.family, { first: call, rest: [] });
  }
  return [...groups.values()];
}

const worst = (severities: Severity[]): Severity => (severities.includes('high') ? 'high' : 'medium');
const routeLabel = (r: Route) => `${r.method} ${r.path}`;

/** Async Python route handlers, each once, with the routes that serve it. */
function asyncHandlers(routes: Route[], files: ParsedFiles): { file: ParsedFile; fn: SyntaxNode; routes: Route[] }[] {
  const byHandler = new Map<string, { file: ParsedFile; fn: SyntaxNode; routes: Route[] }>();
  for (const route of routes) {
    const { handler } = route;
    // Flask runs an `async def` view in its own event loop on the request's worker thread (asgiref's
    // async_to_sync): a blocking call there holds only that request, as in a sync view.
    if (!handler.isAsync || !handler.node || route.framework === 'flask') continue;
    const file = files.get(handler.file);
    if (file?.kind !== 'python') continue;
    const key = `${handler.file}:${handler.startLine}`;
    const entry = byHandler.get(key) ?? { file, fn: handler.node, routes: [] };
    entry.routes.push(route);
    byHandler.set(key, entry);
  }
  return [...byHandler.values()];
}

/** Synchronous Node.js APIs that stall the single event loop while they run. */
const JS_FAMILIES: BlockingFamily[] = [
  { family: 'file system call', severity: 'medium', matches: (p) => /^(fs|fs-extra|graceful-fs)\.\w+Sync$/.test(p) },
  { family: 'child process call', severity: 'medium', matches: (p) => /^child_process\.(execSync|execFileSync|spawnSync)$/.test(p) },
  {
    family: 'CPU-heavy crypto call',
    severity: 'high',
    matches: (p) => /^crypto\.(pbkdf2Sync|scryptSync|generateKeyPairSync|generatePrimeSync)$/.test(p) || /^(bcrypt|bcryptjs)\.(hashSync|compareSync|genSaltSync)$/.test(p),
  },
  { family: 'compression call', severity: 'medium', matches: (p) => /^zlib\.\w+Sync$/.test(p) },
];

/** The package path a JS callee names (`fs.readFileSync`, `crypto.pbkdf2Sync`), through imports and `require`; undefined for project code and locals. */
function jsExternalPath(file: ParsedFile, callee: SyntaxNode): string | undefined {
  const parts: string[] = [];
  let node = unwrapJsExpression(callee);
  while (node.kind() === 'member_expression') {
    parts.unshift(node.field('property')?.text() ?? '');
    const object = node.field('object');
    if (!object) return undefined;
    node = unwrapJsExpression(object);
  }
  let head: string | undefined;
  if (node.kind() === 'identifier') {
    const imported = importOf(file, node.text(), node);
    if (!imported || imported.source.startsWith('.') || imported.source.startsWith('@/')) return undefined;
    const source = imported.source.replace(/^node:/, '');
    head = imported.name === 'default' || imported.name === '*' ? source : `${source}.${imported.name}`;
  } else head = requireSource(node)?.replace(/^node:/, '');
  return head ? [head, ...parts].join('.') : undefined;
}

/** Synchronous Node.js calls anywhere in a function (callbacks run on the same event loop). */
function jsBlockingCallsIn(fn: SyntaxNode, file: ParsedFile): BlockingCall[] {
  const out: BlockingCall[] = [];
  for (const call of fn.findAll({ rule: { kind: 'call_expression' } })) {
    const callee = call.field('function');
    if (!callee || !/Sync\b/.test(callee.text())) continue;
    const path = jsExternalPath(file, callee);
    const family = path ? JS_FAMILIES.find((f) => f.matches(path)) : undefined;
    if (family) out.push({ node: call, text: callee.text(), family });
  }
  return out;
}


const jsHandlerName = (name: string) => (name === '<anonymous>' ? 'inline handler' : name);

export default defineRule({
  meta: {
    id: 'async-blocking-call',
    category: 'concurrency',
    title: 'Blocking call on the event loop of a request handler',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Async Correctness',
    effortHours: 2,
    messages: {
      blockingInHandler: '`{{handler}}` ({{route}}) → `{{call}}`{{more}} blocks the event loop: a synchronous {{family}} inside an `async def` handler.',
      blockingViaHelper:
        '`{{handler}}` ({{route}}) → `{{helper}}` → `{{call}}`{{more}} blocks the event loop: the helper makes a synchronous {{family}} and the `async def` handler calls it directly.',
      syncCallInHandler: '{{route}} ({{path}}) calls `{{call}}`{{more}}, a synchronous {{family}} that blocks the Node.js event loop for every request.',
    },
    why: [
      'An `async def` handler runs on the event loop, which serves every request of the worker process one step at a time. A synchronous call inside it — an HTTP request with `requests`, `time.sleep`, a boto3 upload, a sync database or OpenAI client — holds the loop for its whole duration: every other request on that worker waits, health checks time out, and a single slow upstream stalls the service.',
      '',
      'FastAPI runs plain `def` handlers in a thread pool, so the same call is harmless there; in `async def` it is not. Node.js (Express, Next.js) has no such escape: every handler shares the one event loop, so `fs.readFileSync`, `execSync` or `crypto.pbkdf2Sync` in a handler stalls all requests while it runs.',
    ].join('\n'),
    fix: [
      'Use the async client (`httpx.AsyncClient`, `AsyncOpenAI`, `aioboto3`, `asyncpg`, `AsyncSession`, `AsyncQdrantClient`, `await asyncio.sleep`), or hand the blocking call to a thread. Declaring the handler with plain `def` also works when it awaits nothing.',
      '',
      '```python',
      'import asyncio',
      '',
      '@router.post("/sessions")',
      'async def create_session(body: SessionIn, request: Request):',
      '    # async client created once in the lifespan and shared',
      '    reply = await request.app.state.http.post(TTS_URL, json={"text": body.text})',
      '    # a library with no async API: run it in a worker thread',
      '    await asyncio.to_thread(s3.upload_fileobj, io.BytesIO(reply.content), BUCKET, key)',
      '    return {"audio_key": key}',
      '```',
      '',
      'Node.js: use the promise APIs (`fs/promises`, `util.promisify(crypto.pbkdf2)`, `bcrypt.compare`, `execFile` with a callback).',
      '',
      '```ts',
      "import { readFile } from 'node:fs/promises';",
      '',
      "router.get('/invoices/:id', async (req, res) => {",
      "  res.json(JSON.parse(await readFile(invoicePath(req.params.id), 'utf8')));",
      '});',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nrequests==2.32.3\n',
        'main.py':
          'import requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get("/weather")\nasync def weather(city: str):\n    return requests.get("https://api.example.com/weather", params={"q": city}, timeout=5).json()\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nhttpx==0.27.0\n',
        'main.py':
          'import httpx\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get("/weather")\nasync def weather(city: str):\n    async with httpx.AsyncClient(timeout=5) as client:\n        response = await client.get("https://api.example.com/weather", params={"q": city})\n    return response.json()\n',
      },
    },
    references: {
      cwe: [400],
      urls: ['https://fastapi.tiangolo.com/async/#very-technical-details', 'https://docs.python.org/3/library/asyncio-dev.html#running-blocking-code'],
      equivalents: ['ruff:ASYNC210', 'ruff:ASYNC251', 'ruff:ASYNC220', 'ruff:ASYNC230', 'flake8-async:ASYNC210', 'eslint-plugin-n:no-sync'],
    },
  },
  check({ index, files, report }) {
    const load = cachedPyModuleLoader(files);
    const helperCalls = new Map<string, { first: BlockingCall; rest: BlockingCall[] }[]>();
    for (const { file, fn, routes } of asyncHandlers(index.routes, files)) {
      const handler = fn.field('name')?.text() ?? routes[0].handler.name;
      const route = routeLabel(routes[0]);
      const handlerAt: Location = { ...file.locateLines(fn.range().start.line + 1), note: `handler of ${routes.map(routeLabel).join(', ')}` };
      const direct: BlockingCall[] = [];
      const helpers: { call: SyntaxNode; target: ReturnType<typeof pyFunctionTarget<ParsedFile>> }[] = [];
      const start = fn.range().start.index;
      const mayOffload = OFFLOAD_TEXT.test(fn.text());
      for (const call of pyOwnNodes(fn, 'call')) {
        const { blocking, helper } = classifyCall(call, fn, file, load, mayOffload);
        if (blocking) direct.push(blocking);
        if (helper && !(helper.file.path === file.path && helper.fn.range().start.index === start) && !isStreamedInThreadpool(call, helper.fn))
          helpers.push({ call, target: helper });
      }

      for (const { first, rest } of groupByFamily(direct)) {
        report({
          messageId: 'blockingInHandler',
          at: file.locate(first.node),
          data: { handler, route, call: first.text, more: moreCalls(rest.length), family: first.family.family },
          related: [handlerAt, ...rest.map((c) => file.locate(c.node, 'also blocking'))],
          severity: first.family.severity,
        });
      }

      for (const { call, target } of helpers) {
        const key = `${target.file.path}:${target.fn.range().start.index}`;
        let groups = helperCalls.get(key);
        if (!groups) helperCalls.set(key, (groups = groupByFamily(blockingCallsIn(target.fn, target.file, load))));
        if (!groups.length) continue;
        const blocking = groups.map((g) => g.first);
        report({
          messageId: 'blockingViaHelper',
          at: file.locate(call),
          data: { handler, route, helper: target.label, call: blocking[0].text, more: moreCalls(groups.reduce((n, g) => n + 1 + g.rest.length, 0) - 1), family: blocking[0].family.family },
          related: [
            handlerAt,
            { ...target.file.locateLines(target.fn.range().start.line + 1), note: `\`${target.label}\` defined here` },
            ...groups.flatMap((g) => [g.first, ...g.rest]).map((c) => target.file.locate(c.node, `blocking ${c.family.family}`)),
          ],
          severity: worst(blocking.map((c) => c.family.severity)),
        });
      }
    }

    const jsHelperCalls = new Map<string, BlockingCall[]>();
    for (const { file, fn, routes } of handlersWithRoutes(index.routes, files, 'js')) {
      const route = routeLabel(routes[0]);
      const handler = jsHandlerName(routes[0].handler.name);
      const handlerAt: Location = { ...file.locateLines(fn.range().start.line + 1), note: `handler of ${routes.map(routeLabel).join(', ')}` };
      for (const { first, rest } of groupByFamily(jsBlockingCallsIn(fn, file))) {
        report({
          messageId: 'syncCallInHandler',
          at: file.locate(first.node),
          data: { route, path: handler, call: first.text, more: moreCalls(rest.length), family: first.family.family },
          related: [handlerAt, ...rest.map((c) => file.locate(c.node, 'also blocking'))],
          severity: first.family.severity,
        });
      }
      const start = fn.range().start.index;
      const seen = new Set<string>();
      for (const call of fn.findAll({ rule: { kind: 'call_expression' } })) {
        const callee = call.field('function');
        if (!callee || !/^(identifier|member_expression)$/.test(String(callee.kind()))) continue;
        const binding = resolveJsReference(files, file, callee);
        const helper = functionOfBinding(binding);
        if (!binding || !helper || (binding.file.path === file.path && helper.range().start.index <= start && helper.range().end.index >= fn.range().end.index)) continue;
        const key = `${binding.file.path}:${helper.range().start.index}`;
        if (seen.has(key)) continue;
        seen.add(key);
        let blocking = jsHelperCalls.get(key);
        if (!blocking) jsHelperCalls.set(key, (blocking = jsBlockingCallsIn(helper, binding.file)));
        if (!blocking.length) continue;
        const groups = groupByFamily(blocking);
        report({
          messageId: 'syncCallInHandler',
          at: file.locate(call),
          data: { route, path: `${handler} → ${binding.name}`, call: groups[0].first.text, more: moreCalls(blocking.length - 1), family: groups[0].first.family.family },
          related: [
            handlerAt,
            { ...binding.file.locateLines(helper.range().start.line + 1), note: `\`${binding.name}\` defined here` },
            ...blocking.map((c) => binding.file.locate(c.node, `blocking ${c.family.family}`)),
          ],
          severity: worst(groups.map((g) => g.first.family.severity)),
        });
      }
    }
  },
});


function moreCalls(count: number): string {
  return count > 0 ? ` (and ${count} more blocking call${count > 1 ? 's' : ''})` : '';
}
