import { joinWords } from '../../parse/syntax.ts';
import { jsExternalPath } from '../../facts/routes/js-modules.ts';
import { describeChain, reacherLocations, sitesReachedFromRoutes } from '../../facts/call-reach.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { evaluatePyExpression, isAsyncPyFunction, pyOwnNodes, type PyModuleLoader } from '../../parse/python-syntax.ts';

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
  { family: 'AWS call (botocore)', severity: 'high', matches: (p) => /^botocore\.session\.(get_session|Session)\(\)\.create_client\(\)\.(?!generate_presigned_url|get_paginator|get_waiter|can_paginate|close)[a-z_]\w*$/.test(p) },
  {
    family: 'vector database call',
    severity: 'high',
    matches: (p) =>
      /^pinecone\.(Pinecone\(\)\.Index|Index|GRPCIndex)\(\)\.(query|upsert|fetch|delete|update|describe_index_stats|list|search|upsert_records)$/.test(p) ||
      /^chromadb\.(Client|PersistentClient|HttpClient|EphemeralClient|CloudClient)\(\)(\.\w+\(\))*\.(query|add|upsert|get|delete|update|count|peek|get_or_create_collection|create_collection|get_collection)$/.test(p) ||
      /^weaviate\.(Client|WeaviateClient|connect_to_\w+)\(\)[\w.()]*\.(do|near_text|near_vector|near_object|bm25|hybrid|fetch_objects|fetch_object_by_id|insert|insert_many|delete_by_id|update|replace)$/.test(p),
  },
  { family: 'Elasticsearch call', severity: 'high', matches: (p) => /^elasticsearch\.Elasticsearch\(\)(\.\w+)*\.(search|index|get|delete|update|bulk|count|msearch|create|exists)$/.test(p) },
  {
    family: 'third-party API call (sync SDK)',
    severity: 'high',
    matches: (p) =>
      /^elevenlabs(\.client)?\.ElevenLabs\(\)(\.\w+)+$/.test(p) ||
      /^twilio\.rest\.Client\(\)(\.\w+(\(\))?)*\.(create|fetch|update|list|delete|stream)$/.test(p) ||
      /^stripe\.[A-Z]\w*\.(create|retrieve|modify|list|delete|confirm|capture|cancel|search)$/.test(p) ||
      /^stripe\.StripeClient\(\)(\.\w+)+\.(create|retrieve|update|list|delete|confirm|capture|cancel|search)$/.test(p) ||
      /^sendgrid\.SendGridAPIClient\(\)\.(send|client\.\w+)/.test(p) ||
      /^(cohere\.(Client|ClientV2)|groq\.Groq|mistralai\.Mistral)\(\)(\.\w+)+$/.test(p),
  },
  {
    family: 'password hashing call (CPU-bound)',
    severity: 'medium',
    matches: (p) =>
      /^bcrypt\.(hashpw|checkpw|kdf)$/.test(p) ||
      /^argon2\.(PasswordHasher\(\)\.(hash|verify)|hash_password|verify_password)$/.test(p) ||
      /^passlib\.(context\.CryptContext\(\)|hash\.\w+)\.(hash|verify|verify_and_update|encrypt)$/.test(p) ||
      /^pwdlib\.PasswordHash(\.recommended)?\(\)\.(hash|verify|verify_and_update)$/.test(p) ||
      /^hashlib\.(pbkdf2_hmac|scrypt)$/.test(p) ||
      /^werkzeug\.security\.(generate_password_hash|check_password_hash)$/.test(p) ||
      /^django\.contrib\.auth\.hashers\.(make_password|check_password)$/.test(p),
  },
  {
    family: 'image processing call (CPU-bound)',
    severity: 'medium',
    matches: (p) =>
      /^PIL\.Image\.(open|new|frombytes)\(\)(\.\w+\(\))*\.(resize|thumbnail|save|convert|rotate|filter|transform|crop|tobytes|load|reduce)$/.test(p) ||
      /^cv2\.(imread|imdecode|imencode|imwrite|resize|cvtColor|\w*[Bb]lur|Canny|warpAffine|warpPerspective|dnn\.\w+|CascadeClassifier\(\)\.detectMultiScale|VideoCapture\(\)\.read)$/.test(p),
  },
  { family: 'DataFrame load (pandas)', severity: 'medium', matches: (p) => /^pandas\.read_(csv|excel|json|parquet|sql|sql_query|sql_table|html|xml|feather|pickle|table)$/.test(p) },
  { family: 'read of an uploaded file', severity: 'medium', matches: (p) => /^(fastapi|starlette\.datastructures)\.UploadFile\(\)\.file\.(read|readlines|readline|write|seek)$/.test(p) },
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

/** The blocking family of one call in a function's own body, if it is one (not awaited, not handed to a thread). */
function classifyCall(call: SyntaxNode, fn: SyntaxNode, file: ParsedFile, load: PyModuleLoader<ParsedFile>, mayOffload: boolean): BlockingCall | undefined {
  if (mayOffload && isOffloaded(call, fn)) return undefined;
  const callee = call.field('function');
  if (!callee || (callee.kind() !== 'identifier' && callee.kind() !== 'attribute')) return undefined;
  // An awaited call is an async API (`await client.get(...)`), never the sync one.
  if (call.parent()?.kind() === 'await') return undefined;
  const value = evaluatePyExpression(callee, { file, fn }, load);
  if (value?.kind !== 'external') return undefined;
  const family = FAMILIES.find((f) => f.matches(value.path));
  return family ? { node: call, text: callee.text(), family } : undefined;
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
  return pyOwnNodes(fn, 'call').flatMap((call) => classifyCall(call, fn, file, load, mayOffload) ?? []);
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

const routeLabel = (r: Route) => `${r.method} ${r.path}`;


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
        '{{route}} (`{{chain}}`) reaches `{{call}}`{{more}} in `{{helper}}`, a synchronous {{family}} that blocks the event loop{{others}}.',
      syncCallInHandler: '{{route}} ({{path}}) calls `{{call}}`{{more}}, a synchronous {{family}} that blocks the Node.js event loop for every request{{others}}.',
    },
    why: [
      'An `async def` handler runs on the event loop, which serves every request of the worker process one step at a time. A synchronous call inside it — an HTTP request with `requests`, `time.sleep`, a boto3 upload, a sync database, vector-database or OpenAI client, a bcrypt/argon2 password hash, image resizing, a pandas load — holds the loop for its whole duration: every other request on that worker waits, health checks time out, and a single slow upstream stalls the service.',
      '',
      'The call does not have to be in the handler itself: an `async def` handler that calls a service method, which calls a helper, which calls `qdrant.search(...)`, blocks the loop just the same. The finding names the chain from the route to the call, and every other async route that reaches it.',
      '',
      'FastAPI runs plain `def` handlers and `def` dependencies in a thread pool, so the same call is harmless there; in `async def` it is not. Node.js (Express, Next.js) has no such escape: every handler shares the one event loop, so `fs.readFileSync`, `execSync` or `crypto.pbkdf2Sync` in a handler or a function it calls stalls all requests while it runs.',
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
    type Group = { first: BlockingCall; rest: BlockingCall[] };
    const sites = sitesReachedFromRoutes<Group>(index.routes, files, {
      maxDepth: MAX_HOPS,
      // Flask runs an `async def` view in its own event loop on the request's worker thread
      // (asgiref's async_to_sync): a blocking call there holds only that request, as in a sync view.
      pythonRoute: (route) => route.handler.isAsync && route.framework !== 'flask',
      follow: (edge, from) =>
        // A sync `def` dependency runs in the thread pool; a plain generator handed to a
        // StreamingResponse is iterated there; a call inside `to_thread(...)` / a lambda for an executor too.
        !(edge.kind === 'dependency' && !edge.target.isAsync) &&
        !isStreamedInThreadpool(edge.step.call, edge.target.fn) &&
        !(OFFLOAD_TEXT.test(from.fn.text()) && isOffloaded(edge.step.call, from.fn)),
      python: (path, graph) => groupByFamily(blockingCallsIn(path.fn, path.file, graph.load)),
      js: (path) => groupByFamily(jsBlockingCallsIn(path.fn, path.file)),
      key: (group) => group.first.family.family,
    });
    for (const { reached, item: { first, rest }, reachers } of sites) {
      const lead = reachers[0];
      const isJs = reached.file.kind === 'js';
      const others = reachers.length > 1 ? ` (and ${reachers.length - 1} more ${isJs ? '' : 'async '}handler${reachers.length > 2 ? 's' : ''}: ${joinWords(reachers.slice(1).map((r) => routeLabel(r.routes[0])))})` : '';
      const related = [...reacherLocations(reachers), ...rest.map((c) => reached.file.locate(c.node, 'also blocking'))];
      const data = {
        handler: lead.handler,
        route: routeLabel(lead.routes[0]),
        call: first.text,
        more: moreCalls(rest.length),
        family: first.family.family,
        helper: reached.label,
        chain: describeChain(lead.handler, lead.chain),
        path: describeChain(lead.handler, lead.chain),
        others,
      };
      const messageId = isJs ? 'syncCallInHandler' : lead.chain.length ? 'blockingViaHelper' : 'blockingInHandler';
      report({ messageId, at: reached.file.locate(first.node), data, related, severity: first.family.severity });
    }
  },
});

/** Hops from a handler into project code. */
const MAX_HOPS = 4;



function moreCalls(count: number): string {
  return count > 0 ? ` (and ${count} more blocking call${count > 1 ? 's' : ''})` : '';
}

