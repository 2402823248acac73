import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { evaluatePyExpression, pyDecorators, pyGlobalNames, pyOwnNodes, type PyModuleLoader } from '../../parse/python-syntax.ts';
import { codeSpanText, joinWords } from '../../parse/syntax.ts';
import { describeChain, reacherLocations, sitesReachedFromRoutes } from '../../facts/call-reach.ts';
import { jsExternalPath, unwrapJsExpression } from '../../facts/routes/js-modules.ts';

/**
 * A database connection, connection pool, HTTP client or SDK client created while serving a
 * request — in the handler or in a function it calls (a `Depends(get_db)` generator, a service
 * constructed per request, a helper) — instead of once at start-up and shared.
 */

interface ClientKind {
  what: string;
  severity: Severity;
  /** What creating it per request costs. */
  cost: string;
  python?: RegExp;
  js?: RegExp;
}

const KINDS: ClientKind[] = [
  {
    what: 'connection pool',
    severity: 'high',
    cost: 'a whole pool is built for one request and never reused, so connections pile up until the database refuses more',
    python: /^(sqlalchemy|sqlmodel)\.create_engine$|^sqlalchemy\.ext\.asyncio\.create_async_engine$|^asyncpg\.create_pool$|^psycopg_pool\.(Async)?ConnectionPool$|^aiomysql\.create_pool$/,
    js: /^pg\.Pool$|^mysql2(\/promise)?\.createPool$|^knex(\.default)?$|^sequelize\.Sequelize$|^@prisma\/client\.PrismaClient$|^typeorm\.DataSource$/,
  },
  {
    what: 'database connection',
    severity: 'high',
    cost: 'every request pays the connection handshake and authentication, and a traffic spike opens one connection per request until the database refuses more (`too many connections`)',
    python: /^(psycopg2|psycopg|pymysql|MySQLdb|mysql\.connector|aiomysql|asyncpg)\.connect$|^psycopg\.(Async)?Connection\.connect$|^pymongo\.MongoClient$|^motor\.motor_asyncio\.AsyncIOMotorClient$|^(redis|redis\.asyncio)\.(Redis|StrictRedis|from_url|Redis\.from_url)$|^elasticsearch\.(Async)?Elasticsearch$/,
    js: /^pg\.Client$|^mysql2(\/promise)?\.createConnection$|^mongodb\.MongoClient(\.connect)?$|^mongoose\.(connect|createConnection)$|^ioredis(\.Redis)?$|^ioredis\.default$|^redis\.createClient$/,
  },
  {
    what: 'SQLite connection',
    severity: 'low',
    cost: 'opening SQLite is cheap, but nothing is reused and the pattern carries over unchanged to a networked database',
    python: /^(sqlite3|aiosqlite)\.connect$/,
  },
  {
    what: 'HTTP client',
    severity: 'medium',
    cost: 'nothing is reused, so every request pays DNS, TCP and TLS again and sockets pile up under load',
    python: /^httpx\.(Async)?Client$|^requests\.(Session|session|sessions\.Session)$|^aiohttp\.ClientSession$|^urllib3\.PoolManager$/,
  },
  {
    what: 'API client',
    severity: 'medium',
    cost: 'the SDK rebuilds its HTTP connection pool (and TLS sessions) on every request instead of keeping connections alive',
    python:
      /^openai\.(Async)?(OpenAI|AzureOpenAI)$|^anthropic\.(Async)?Anthropic$|^qdrant_client\.(Async)?QdrantClient$|^pinecone\.Pinecone$|^stripe\.StripeClient$|^twilio\.rest\.Client$|^elevenlabs(\.client)?\.(Async)?ElevenLabs$|^google\.cloud\.\w+\.Client$|^chromadb\.(HttpClient|PersistentClient)$/,
    js: /^openai(\.default|\.OpenAI)?$|^@anthropic-ai\/sdk(\.default|\.Anthropic)?$|^stripe(\.default)?$|^twilio(\.default)?$|^@aws-sdk\/client-[\w-]+\.\w+Client$|^@qdrant\/js-client-rest\.QdrantClient$|^@pinecone-database\/pinecone\.Pinecone$/,
  },
  {
    what: 'AWS client',
    severity: 'medium',
    cost: 'creating a boto3 client takes tens of milliseconds, loads the service model and resolves credentials each time',
    python: /^boto3\.(client|resource)$|^boto3\.(session\.)?Session\(\)\.(client|resource)$|^aioboto3\.Session\(\)\.(client|resource)$/,
  },
];

interface Creation {
  node: SyntaxNode;
  text: string;
  kind: ClientKind;
}

/** Clients kept beyond the call: stored in a global / module-level name or on `app.state`, or returned by a cached factory. */
function isKeptForReuse(call: SyntaxNode, fn: SyntaxNode): boolean {
  if (pyDecorators(fn).some((d) => /(^|\.)(lru_cache|cache|cached)\b/.test(d.text()))) return true;
  const globals = /\bglobal\b/.test(fn.text()) ? pyGlobalNames(fn) : new Set<string>();
  let node: SyntaxNode | null = call.parent();
  while (node && (node.kind() === 'parenthesized_expression' || node.kind() === 'await')) node = node.parent();
  if (node?.kind() === 'assignment') {
    const left = node.field('left')?.text() ?? '';
    if (globals.has(left) || /(^|\.)(app\.state|state)\.\w+$|^app\.\w+$/.test(left)) return true;
  }
  return false;
}

/** Python client creations a function's own body makes. */
function pyCreations(fn: SyntaxNode, file: ParsedFile, load: PyModuleLoader<ParsedFile>): Creation[] {
  const out: Creation[] = [];
  for (const call of pyOwnNodes(fn, 'call')) {
    const callee = call.field('function');
    if (!callee || (callee.kind() !== 'identifier' && callee.kind() !== 'attribute')) continue;
    if (!/connect|Client|client|Session|session|engine|pool|Pool|Redis|from_url|resource|OpenAI|Anthropic|Pinecone|Elasticsearch|ElevenLabs/.test(callee.text())) continue;
    const value = evaluatePyExpression(callee, { file, fn }, load);
    if (value?.kind !== 'external') continue;
    const kind = KINDS.find((k) => k.python?.test(value.path));
    if (!kind || isKeptForReuse(call, fn)) continue;
    out.push({ node: call, text: codeSpanText(callee, 50), kind });
  }
  return out;
}

/** `new Pool()`, `new PrismaClient()`, `mongoose.connect()`, `createClient()` in a JS function (callbacks included). */
function jsCreations(fn: SyntaxNode, file: ParsedFile): Creation[] {
  const out: Creation[] = [];
  for (const node of fn.findAll({ rule: { any: [{ kind: 'new_expression' }, { kind: 'call_expression' }] } })) {
    const callee = node.kind() === 'new_expression' ? node.field('constructor') : node.field('function');
    if (!callee) continue;
    const path = jsExternalPath(file, unwrapJsExpression(callee));
    const kind = path ? KINDS.find((k) => k.js?.test(path)) : undefined;
    if (!kind) continue;
    // A lazily created singleton: `client ??= new Pool()` / `if (!pool) pool = new Pool()`.
    const parent = node.parent();
    if (parent?.kind() === 'augmented_assignment_expression' && /\?\?=|\|\|=/.test(parent.text())) continue;
    if (parent?.kind() === 'assignment_expression' && /^(globalThis|global)\./.test(parent.field('left')?.text() ?? '')) continue;
    out.push({ node, text: codeSpanText(callee, 50), kind });
  }
  return out;
}


const routeLabel = (r: Route) => `${r.method} ${r.path}`;

export default defineRule({
  meta: {
    id: 'client-created-per-request',
    category: 'concurrency',
    title: 'Database or API client created on every request',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Connection Management',
    effortHours: 3,
    messages: {
      createdPerRequest: '{{route}} (`{{chain}}`) creates a new {{what}} with `{{call}}` on every request{{others}}: {{cost}}.',
    },
    why: [
      'Database connections, pools and HTTP/SDK clients are built to be created once and shared: they keep TCP and TLS connections alive, cap how many connections the process opens, and reuse authentication. Created inside a request handler — or in a `get_db()` dependency, a service class built per request, or a helper — each request pays a new handshake (a few to hundreds of milliseconds), and under load the process opens one connection per in-flight request: Postgres\' default of 100 connections is gone at 100 concurrent requests, and the service fails with `too many connections` or exhausted sockets exactly when traffic peaks.',
      '',
      'A connection taken from a pool (`engine.connect()`, `pool.acquire()`, `SessionLocal()` from a `sessionmaker` bound to a module-level engine) is the right pattern and is not reported.',
    ].join('\n'),
    fix: [
      'Create the pool or client once at start-up (the FastAPI lifespan, the Flask app factory, module level) and take connections from it per request.',
      '',
      '```python',
      'import asyncpg',
      '',
      '@asynccontextmanager',
      'async def lifespan(app: FastAPI):',
      '    app.state.db = await asyncpg.create_pool(settings.database_url, min_size=5, max_size=20)',
      '    app.state.http = httpx.AsyncClient(timeout=10)',
      '    yield',
      '    await app.state.http.aclose()',
      '    await app.state.db.close()',
      '',
      'async def get_conn(request: Request):',
      '    async with request.app.state.db.acquire() as conn:  # borrowed from the pool, returned after the request',
      '        yield conn',
      '```',
      '',
      'Node.js: one `new Pool()` / `new PrismaClient()` per process, exported from a module.',
      '',
      '```ts',
      "import { Pool } from 'pg';",
      'export const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\npsycopg2-binary==2.9.9\n',
        'main.py':
          'import os\n\nimport psycopg2\nfrom fastapi import Depends, FastAPI\n\napp = FastAPI()\n\n\ndef get_db():\n    conn = psycopg2.connect(os.environ["DATABASE_URL"])\n    try:\n        yield conn\n    finally:\n        conn.close()\n\n\n@app.get("/notes")\ndef list_notes(db=Depends(get_db)):\n    with db.cursor() as cur:\n        cur.execute("SELECT id, title FROM notes")\n        return cur.fetchall()\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\npsycopg-pool==3.2.3\n',
        'main.py':
          'import os\n\nfrom fastapi import Depends, FastAPI\nfrom psycopg_pool import ConnectionPool\n\napp = FastAPI()\npool = ConnectionPool(os.environ["DATABASE_URL"], max_size=20)\n\n\ndef get_db():\n    with pool.connection() as conn:\n        yield conn\n\n\n@app.get("/notes")\ndef list_notes(db=Depends(get_db)):\n    return db.execute("SELECT id, title FROM notes").fetchall()\n',
      },
    },
    references: {
      cwe: [400, 772],
      urls: [
        'https://www.python-httpx.org/advanced/clients/#why-use-a-client',
        'https://docs.sqlalchemy.org/en/20/core/connections.html#basic-usage',
        'https://node-postgres.com/features/pooling',
        'https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/databases-connections#prevent-hot-reloading-from-creating-new-instances-of-prismaclient',
      ],
    },
  },
  check({ index, files, report }) {
    const sites = sitesReachedFromRoutes<Creation>(index.routes, files, {
      python: (path, graph) => pyCreations(path.fn, path.file, graph.load),
      js: (path) => jsCreations(path.fn, path.file),
      key: (creation) => String(creation.node.range().start.index),
    });
    for (const { reached, item: creation, reachers } of sites) {
      const lead = reachers[0];
      const routes = [...new Set(reachers.flatMap((r) => r.routes.map(routeLabel)))];
      const others = routes.length > 1 ? ` (and ${routes.length - 1} more route${routes.length > 2 ? 's' : ''}: ${joinWords(routes.slice(1))})` : '';
      report({
        messageId: 'createdPerRequest',
        at: reached.file.locate(creation.node),
        data: { route: routeLabel(lead.routes[0]), chain: describeChain(lead.handler, lead.chain), what: creation.kind.what, call: creation.text, others, cost: creation.kind.cost },
        related: reacherLocations(reachers),
        severity: creation.kind.severity,
      });
    }
  },
});
