import { joinWords, toSnakeCase } from '../../parse/syntax.ts';
import type { Location } from '../../model/finding.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { processModel } from '../../facts/process-model.ts';
import { reacherLabels, sharedState, writers, type SharedState } from '../../facts/shared-state.ts';

/**
 * Module-level collections (and collection attributes of module-level singletons) that request
 * handlers use as a store — sessions, rate-limit counters, caches, job queues, WebSocket
 * connection registries, idempotency sets, one-time codes — when more than one process serves
 * requests, or when the repository does not say how many do. The state analysis is
 * `facts/shared-state.ts`, the process count `facts/process-model.ts`.
 */

interface StoreKind {
  kind: string;
  /** What goes wrong for a request that lands on another process. */
  consequence: string;
  test: (state: SharedState, text: string) => boolean;
}

const KINDS: StoreKind[] = [
  {
    kind: 'WebSocket connection registry',
    consequence: 'a broadcast from one process never reaches the clients connected to the others',
    test: (s, t) => /connection|socket|\bws\b|websocket|subscriber|listener|clients|peers/.test(s.name) || /\b(websocket|ws|socket)\b/i.test(t),
  },
  { kind: 'Rate-limit counter', consequence: 'each process counts from zero on its own: the limit is multiplied by the number of processes', test: (s) => /rate|limit|throttl|attempt|hits|quota|request_counts?|requests_per|failed_logins|lockout/.test(s.name) },
  { kind: 'Idempotency set', consequence: 'a retry that lands on another process handles the same event again', test: (s) => /processed|seen|handled|idempot|dedup|event_ids|consumed|delivered/.test(s.name) },
  { kind: 'One-time code store', consequence: 'a check that lands on another process rejects a valid code or token', test: (s) => /otp|verification|verify_code|codes|reset_tokens|magic|nonce|tokens|invit/.test(s.name) },
  { kind: 'Session store', consequence: 'a request served by another process does not find the session an earlier request created', test: (s) => /sess|login|logged_in|active_users|online/.test(s.name) },
  { kind: 'Job queue', consequence: 'a request served by another process never sees the job or its status', test: (s) => /queue|jobs?\b|jobs_|tasks?\b|tasks_|pending|backlog|work_items|status/.test(s.name) },
  {
    kind: 'Cache',
    consequence: 'each process fills its own copy, and an entry one process invalidates stays stale in the others',
    test: (s) => /cache|memo/.test(s.name) || /cache|lru|ttl/i.test(s.type),
  },
  { kind: 'Conversation store', consequence: 'a request served by another process loses the conversation or call state so far', test: (s) => /conversation|history|transcript|messages|chat|calls?\b|active_|call_state/.test(s.name) },
];
const DEFAULT_KIND: StoreKind = { kind: 'In-memory store', consequence: 'a request served by another process does not see what earlier requests stored there', test: () => true };

function kindOf(state: SharedState): StoreKind {
  if (state.bounded && /cache|lru|ttl/i.test(state.type)) return KINDS.find((k) => k.kind === 'Cache') ?? DEFAULT_KIND;
  const text = state.writes.map((w) => w.node.text()).join('\n');
  // Names are matched in snake_case: `requestCounts` → `request_counts`.
  const named = { ...state, name: toSnakeCase(state.name) };
  return KINDS.find((k) => k.test(named, text)) ?? DEFAULT_KIND;
}

const LOWER: Record<Severity, Severity> = { critical: 'high', high: 'medium', medium: 'low', low: 'low', info: 'info' };

export default defineRule({
  meta: {
    id: 'in-memory-store-per-process',
    category: 'concurrency',
    title: 'In-memory store that each process keeps for itself',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Horizontal Scaling',
    effortHours: 4,
    messages: {
      storeAcrossProcesses: '{{kind}} `{{name}}` ({{type}}) lives in the memory of one process, but {{processes}}: {{access}}, so {{consequence}}{{growth}}.',
      storeProcessCountUnknown:
        '{{kind}} `{{name}}` ({{type}}) lives in the memory of one process: {{access}}; {{processes}}, and with more than one worker or replica {{consequence}}{{growth}}.',
    },
    why: [
      'Production runs the same code in several processes: `gunicorn -w 4`, `uvicorn --workers 4`, PM2 cluster mode, several Kubernetes replicas, a serverless platform. A dict, list, set or `Map` at module level exists once per process, so what one request stores there is invisible to a request that the load balancer sends to another process: the session is "not found", the rate limit is multiplied by the number of workers, a WebSocket broadcast reaches a fraction of the clients, a webhook is processed twice, a one-time code is rejected. Everything is also lost on every restart and deploy.',
      '',
      'When the repository does not say how many processes serve requests, the finding is medium and says so: the store is correct only as long as there is exactly one.',
    ].join('\n'),
    fix: [
      'Keep the store where every process sees it: Redis (sessions, counters with `INCR` + `EXPIRE`, sets for processed event ids, pub/sub for WebSocket broadcasts), the database, or the platform\'s queue. Use a library made for it: `flask-limiter` / `slowapi` with a Redis `storage_uri`, `fastapi-limiter`, `starlette-session` / server-side sessions in Redis, `broadcaster` for WebSockets, Celery/RQ/arq for jobs.',
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
      '@router.post("/webhooks/stripe")',
      'async def stripe_webhook(request: Request):',
      '    event = verify_stripe_event(await request.body(), request.headers["stripe-signature"])',
      '    # SET NX: only the first process to see this event id handles it',
      '    if not await request.app.state.redis.set(f"stripe-event:{event.id}", 1, nx=True, ex=86400):',
      '        return {"duplicate": True}',
      '    ...',
      '```',
      '',
      'Node.js: the same with `ioredis` instead of a module-level `Map`; `rate-limit-redis` for `express-rate-limit`; `@socket.io/redis-adapter` for Socket.IO rooms.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\ngunicorn==23.0.0\n',
        Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\nCMD ["gunicorn", "-w", "4", "-b", "0.0.0.0:8000", "app:app"]\n',
        'app.py':
          'import secrets\n\nfrom flask import Flask, jsonify, request\n\napp = Flask(__name__)\nsessions = {}\n\n\n@app.post("/login")\ndef login():\n    token = secrets.token_urlsafe(32)\n    sessions[token] = request.json["email"]\n    return jsonify(token=token)\n\n\n@app.get("/me")\ndef me():\n    return jsonify(email=sessions.get(request.headers.get("X-Token", "")))\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\ngunicorn==23.0.0\nredis==5.2.0\n',
        Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\nCMD ["gunicorn", "-w", "4", "-b", "0.0.0.0:8000", "app:app"]\n',
        'app.py':
          'import os\nimport secrets\n\nimport redis\nfrom flask import Flask, jsonify, request\n\napp = Flask(__name__)\nstore = redis.Redis.from_url(os.environ["REDIS_URL"])\n\n\n@app.post("/login")\ndef login():\n    token = secrets.token_urlsafe(32)\n    store.set(f"session:{token}", request.json["email"], ex=3600)\n    return jsonify(token=token)\n\n\n@app.get("/me")\ndef me():\n    email = store.get(f"session:{request.headers.get(\'X-Token\', \'\')}")\n    return jsonify(email=email.decode() if email else None)\n',
      },
    },
    references: {
      cwe: [664, 400],
      urls: [
        'https://12factor.net/processes',
        'https://fastapi.tiangolo.com/advanced/websockets/#handling-disconnections-and-multiple-clients',
        'https://flask-limiter.readthedocs.io/en/stable/#rate-limit-storage',
      ],
    },
  },
  check({ index, files, report }) {
    const states = sharedState(index.routes, files);
    /** Singletons whose attributes handlers set: `module-state-mutated-in-handler` reports them with their collections. */
    const perRequestSingletons = new Set(states.filter((s) => s.kind === 'instance' && s.writes.some((w) => w.how === 'attribute')).map((s) => s.key));
    for (const state of states) {
      if (state.kind !== 'collection' || state.scope === 'class' || !state.writes.length) continue;
      if (state.owner && perRequestSingletons.has(state.owner)) continue;
      const model = processModel(files, state.runtime);
      if (model.kind === 'one') continue;
      const kind = kindOf(state);
      // A bounded cache (TTLCache, LRUCache, deque(maxlen)) that only fills is a legitimate per-process cache.
      const invalidated = state.writes.some((w) => w.removes);
      if (kind.kind === 'Cache' && state.bounded && !invalidated) continue;

      const written = reacherLabels(writers(state));
      const read = reacherLabels(state.reads.flatMap((r) => r.reachers)).filter((label) => !written.includes(label));
      const access = `${joinWords(written, 'routes')} write${written.length === 1 ? 's' : ''} it${read.length ? ` and ${joinWords(read, 'routes')} read${read.length === 1 ? 's' : ''} it` : ''}`;
      const growth = state.grows ? '; nothing ever removes its entries either, so it grows until the process restarts' : '';
      let severity: Severity = model.kind === 'many' ? 'high' : 'medium';
      if (kind.kind === 'Cache' && !invalidated) severity = LOWER[severity];
      // Python reads are known: a store no handler reads back is a per-process log or tally, a smaller problem.
      if (kind === DEFAULT_KIND && state.runtime === 'python' && !state.reads.length) severity = LOWER[severity];

      const related: Location[] = [
        ...state.writes.map((w) => w.file.locate(w.node, `written by ${joinWords(reacherLabels(w.reachers), 'routes')}`)),
        ...state.reads.slice(0, 5).map((r) => r.file.locate(r.node, `read by ${joinWords(reacherLabels(r.reachers), 'routes')}`)),
        ...model.evidence.slice(0, 3).map((e) => ({ ...e.at, note: e.what })),
      ];
      report({
        messageId: model.kind === 'many' ? 'storeAcrossProcesses' : 'storeProcessCountUnknown',
        at: state.at,
        data: { kind: kind.kind, name: state.name, type: state.type, processes: model.summary, access, consequence: kind.consequence, growth },
        related,
        severity,
      });
    }
  },
});

