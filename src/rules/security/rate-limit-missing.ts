import { cachedPyModuleLoader, importedCalleeTarget, resolvePyModule } from '../../facts/routes/python-modules.ts';
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { RepoIndex, Route } from '../../model/repo-index.ts';
import { defineRule, type ReportInput } from '../../model/rule.ts';
import { describeJsCall, findJsCalls, jsLocalCallees, jsObjectProperty, jsStringValue } from '../../parse/js-syntax.ts';
import {
  findPyCalls,
  pyDecorators,
  pyImports,
  pyLocalCallees,
  pyOwnNodes,
  resolvePyCallee,
  type PyModuleLoader,
} from '../../parse/python-syntax.ts';
import { rateLimiterFacts, NPM_LIMITER_PACKAGES, routeLimitState } from '../../facts/rate-limits.ts';

/** Path segments of authentication endpoints that attackers brute-force or use to send mail/SMS. */
const AUTH_SEGMENT =
  /^(login|log-in|signin|sign-in|sign_in|logon|token|access-token|signup|sign-up|sign_up|register|registration|forgot|forgot-password|forgot_password|reset-password|reset_password|password-reset|password_reset|reset|otp|send-otp|verify-otp|verify|verify-email|verify-code|send-code|resend-verification|mfa|2fa|two-factor|magic-link|magic_link|passwordless|token-auth|api-token-auth|auth-token|jwt)$/i;
const AUTH_HANDLER =
  /^(login|log_in|signin|sign_in|signup|sign_up|register|token|login_for_access_token|issue_token|obtain_auth_token|obtain_jwt_token|forgot_password|reset_password|request_password_reset|password_reset|verify_otp|send_otp|verify_code|send_code|verify_email|resend_verification|magic_link|request_magic_link|verify_mfa|mfa_verify)$|_(login|signin|signup|register|otp|password_reset|reset_password|forgot_password|magic_link)$/i;

/** Calls that spend money per request: LLM, speech, image, telephony and email APIs. `needs` must also appear in the file. */
const PAID_CALLS: { callee: RegExp; needs?: RegExp }[] = [
  { callee: /(^|\.)chat\.completions\.(create|parse|stream)$/ },
  { callee: /(^|\.)completions\.create$/, needs: /openai|groq|together|mistral|deepseek|fireworks|openrouter/i },
  { callee: /(^|\.)responses\.(create|parse|stream)$/, needs: /openai/i },
  { callee: /(^|\.)embeddings\.create$/ },
  { callee: /(^|\.)images\.(generate|edit|create_variation)$/ },
  { callee: /(^|\.)audio\.(speech|transcriptions|translations)\.create$/ },
  { callee: /(^|\.)messages\.(create|stream)$/, needs: /anthropic|twilio/i },
  { callee: /(^|\.)calls\.create$/, needs: /twilio/i },
  { callee: /(^|\.)generate_content(_async|_stream)?$/ },
  { callee: /(^|\.)text_to_speech\.(convert|stream|convert_as_stream)$/ },
  { callee: /(^|\.)(generate|text_to_speech)$/, needs: /elevenlabs/i },
  { callee: /^replicate\.(run|async_run|predictions\.create)$/ },
  { callee: /^litellm\.(a?completion|a?embedding)$/ },
  { callee: /^(co|cohere_client|cohere)\.(chat|generate|embed|rerank)$/, needs: /cohere/i },
  { callee: /(^|\.)(a?invoke|a?stream|a?predict)$/, needs: /langchain/i },
  { callee: /(^|\.)send$/, needs: /sendgrid|SendGridAPIClient/ },
  { callee: /^resend\.Emails\.send$/ },
];
/** Raw HTTP calls to a paid API: `requests.post(ELEVENLABS_TTS_URL.format(...))`, `httpx.post("https://api.openai.com/...")`. */
const PAID_HTTP_CALLEE = /(^|\.)(post|put|request|stream)$/;
const JS_PAID_HTTP_CALLEE = /^(fetch|axios|axios\.(post|put|request)|got|got\.post|ky\.post|ofetch|\$fetch)$/;
/**
 * Pre-filters for the callee as written: any callee the checks below could accept once whitespace is
 * removed (a callee with whitespace is always let through). Lets the native matcher skip other calls.
 */
const PY_PAID_CANDIDATE = new RegExp([...PAID_CALLS.map((p) => p.callee.source), PAID_HTTP_CALLEE.source, '\\s'].map((r) => `(?:${r})`).join('|'));
const JS_PAID_CANDIDATE = new RegExp([...PAID_CALLS.map((p) => p.callee.source), JS_PAID_HTTP_CALLEE.source, '\\s'].map((r) => `(?:${r})`).join('|'));
const PAID_HTTP_TARGET = /openai|anthropic|elevenlabs|replicate|together|groq|cohere|mistral|deepgram|assemblyai|stability|generativelanguage|twilio|sendgrid|mailgun|postmark|resend/i;

/** Literal pre-filter: a file without any of these cannot call a paid API (keeps per-route scope walks off most files). */
const PAID_API_TEXT = /completions|embeddings|images\.|audio\.|messages\.|calls\.create|generate_content|text_to_speech|elevenlabs|replicate|litellm|cohere|langchain|sendgrid|resend|openai|anthropic|together|groq|mistral|deepgram|assemblyai|stability|generativelanguage|twilio|mailgun|postmark/i;
const paidApiText = new WeakMap<ParsedFile, boolean>();
const mayCallPaidApi = (file: ParsedFile) => {
  let may = paidApiText.get(file);
  if (may === undefined) paidApiText.set(file, (may = PAID_API_TEXT.test(file.text)));
  return may;
};

/** Per-`check` memo (keyed by the file set, so it goes with it): scopes shared by many routes are searched once. */
interface PaidCache {
  /** `file:start` of a scope → the paid call it makes first, or null. */
  scopeResult: Map<string, string | null>;
  /** `file\0module\0name` → the imported function and its local callees. */
  imported: Map<string, { node: SyntaxNode; file: ParsedFile }[]>;
  /** file → its functions by name (first definition wins, as `find` would). */
  functions: Map<ParsedFile, Map<string, SyntaxNode>>;
}
const paidCaches = new WeakMap<ParsedFiles, PaidCache>();
function paidCache(files: ParsedFiles): PaidCache {
  let cache = paidCaches.get(files);
  if (!cache) paidCaches.set(files, (cache = { scopeResult: new Map(), imported: new Map(), functions: new Map() }));
  return cache;
}

type Kind = 'auth' | 'paid';
type Report = (r: ReportInput<'noRateLimitAuth' | 'noRateLimitPaidApi' | 'routeNotLimited' | 'noRateLimitAnywhere' | 'bypassableLimit' | 'placeholderLimiter'>) => void;

export default defineRule({
  meta: {
    id: 'rate-limit-missing',
    category: 'security',
    title: 'Rate limiting missing or bypassable',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Rate Limiting',
    effortHours: 2,
    fixScope: 'app',
    fixTitle: 'Add a rate limiter: app-wide default, tighter limits on authentication and paid-API routes',
    messages: {
      noRateLimitAuth: 'Authentication route `{{method}} {{path}}` ({{handler}}) can be called without limit: nothing in this application rate-limits requests.',
      noRateLimitPaidApi:
        '`{{method}} {{path}}` ({{handler}}) calls the paid API `{{api}}` on every request and nothing in this application rate-limits requests.',
      routeNotLimited: '`{{method}} {{path}}` ({{handler}}) {{reason}} but has no rate limit of its own, although the application uses {{limiter}}.',
      noRateLimitAnywhere: 'This application serves {{routes}} route(s) and has no rate limiting at all.',
      bypassableLimit: '{{what}}, so a client can bypass the rate limit.',
      placeholderLimiter: '`{{name}}` looks like a rate limiter but {{what}} and never rejects a request: the application serves {{routes}} route(s) with no rate limiting.',
    },
    why: [
      'Without a limit per client, a login or password-reset route can be brute-forced or used to spray credentials, an OTP route can be guessed, and a route that calls an LLM, speech, SMS or email API can run up a bill of thousands of dollars overnight (or send spam under your name). One client can also exhaust workers and database connections for everybody else.',
      '',
      'A limit keyed on a header the client controls (`X-Forwarded-For` read without a trusted proxy) or skipped for "local" addresses is no limit: the attacker sends a new header value with every request.',
    ].join('\n'),
    fix: [
      'Add a limiter with a conservative default for the whole app and tighter limits on authentication and paid routes. Behind a proxy, key on the address the proxy sets (configure the trusted proxy), never on a raw client header. Use a shared store (Redis) when you run several replicas.',
      '',
      '```python',
      'from slowapi import Limiter, _rate_limit_exceeded_handler',
      'from slowapi.errors import RateLimitExceeded',
      'from slowapi.util import get_remote_address',
      '',
      'limiter = Limiter(key_func=get_remote_address, default_limits=["120/minute"], storage_uri=settings.redis_url)',
      'app.state.limiter = limiter',
      'app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)',
      '',
      '@router.post("/auth/login")',
      '@limiter.limit("5/minute")',
      'async def login(request: Request, form: OAuth2PasswordRequestForm = Depends()):',
      '    ...',
      '```',
      'Flask (Flask-Limiter) and Django (django-ratelimit, or DRF throttles for API views):',
      '```python',
      'limiter = Limiter(get_remote_address, app=app, default_limits=["300 per hour"], storage_uri=REDIS_URL)',
      '',
      '@app.post("/login")',
      '@limiter.limit("5 per minute")',
      'def login(): ...',
      '',
      '@ratelimit(key="ip", rate="5/m", method="POST", block=True)',
      'def login_view(request): ...',
      '',
      'REST_FRAMEWORK = {"DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"], "DEFAULT_THROTTLE_RATES": {"anon": "30/minute"}}',
      '```',
      'Express:',
      '```ts',
      "import rateLimit from 'express-rate-limit';",
      "app.use('/api/auth', rateLimit({ windowMs: 15 * 60_000, limit: 10 }));",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nopenai==1.51.0\n',
        'main.py': [
          'from fastapi import FastAPI',
          'from openai import AsyncOpenAI',
          '',
          'app = FastAPI()',
          'client = AsyncOpenAI()',
          '',
          '',
          '@app.post("/chat")',
          'async def chat(message: str):',
          '    reply = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": message}])',
          '    return {"reply": reply.choices[0].message.content}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nopenai==1.51.0\nslowapi==0.1.9\n',
        'main.py': [
          'from fastapi import FastAPI, Request',
          'from openai import AsyncOpenAI',
          'from slowapi import Limiter',
          'from slowapi.util import get_remote_address',
          '',
          'app = FastAPI()',
          'limiter = Limiter(key_func=get_remote_address)',
          'app.state.limiter = limiter',
          'client = AsyncOpenAI()',
          '',
          '',
          '@app.post("/chat")',
          '@limiter.limit("10/minute")',
          'async def chat(request: Request, message: str):',
          '    reply = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": message}])',
          '    return {"reply": reply.choices[0].message.content}',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [770, 307],
      owasp: ['A04:2021', 'API4:2023'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#login-throttling'],
    },
  },
  check({ index, files, report }) {
    const limiter = rateLimiterFacts(index, files);
    checkBypasses(index, files, report);

    let classified = 0;
    const seen = new Set<string>();
    for (const route of index.routes) {
      const file = files.get(route.handler.file);
      if (!file || file.isTest) continue;
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const kind = classifyRoute(route, file, files);
      if (!kind) continue;
      classified++;
      const handler = route.handler.name === '<anonymous>' ? 'inline handler' : route.handler.name;
      const data = { method: route.method, path: route.path, handler, api: (kind.api ?? '').replace(/`/g, "'") };
      const related = [file.locateLines(route.handler.startLine, route.handler.startLine, 'handler')];
      if (!limiter.name) {
        report({ messageId: kind.kind === 'auth' ? 'noRateLimitAuth' : 'noRateLimitPaidApi', at: route.at, data, related });
        continue;
      }
      const routeLimit = routeLimitState(route, file, files, limiter.drfDefault ?? false);
      if (routeLimit.exempt && kind.kind === 'auth') {
        report({ messageId: 'bypassableLimit', at: routeLimit.exempt, data: { what: `\`${routeLimit.exempt.snippet ?? 'exempt'}\` exempts authentication route \`${key}\` from the limit` }, severity: 'medium' });
        continue;
      }
      if (limiter.coversAll || routeLimit.limited || (kind.kind === 'auth' && limiter.authLockout)) continue;
      const reason = kind.kind === 'auth' ? 'is an authentication route' : `calls the paid API \`${data.api}\``;
      report({ messageId: 'routeNotLimited', at: route.at, data: { ...data, reason, limiter: limiter.name }, related, severity: 'medium' });
    }

    if (limiter.placeholder && index.routes.some((r) => !files.get(r.handler.file)?.isTest)) {
      const routes = new Set(index.routes.map((r) => `${r.method} ${r.path}`)).size;
      report({ messageId: 'placeholderLimiter', at: limiter.placeholder.at, data: { name: limiter.placeholder.name, what: limiter.placeholder.what, routes: String(routes) }, severity: 'medium' });
    } else if (!limiter.name && !classified && index.routes.some((r) => !files.get(r.handler.file)?.isTest)) {
      const creation = findAppCreation(files) ?? index.frameworks.find((f) => ['fastapi', 'flask', 'django', 'express', 'nextjs'].includes(f.name))?.evidence ?? index.routes[0].at;
      const routes = new Set(index.routes.map((r) => `${r.method} ${r.path}`)).size;
      report({ messageId: 'noRateLimitAnywhere', at: creation, data: { routes: String(routes) }, severity: 'medium' });
    }
  },
});



function classifyRoute(route: Route, file: ParsedFile, files: ParsedFiles): { kind: Kind; api?: string } | undefined {
  const method = route.method.toUpperCase();
  const segments = route.path.split('/').filter((s) => s && !s.startsWith('{') && !s.startsWith(':'));
  const isAuthPath = segments.some((s) => AUTH_SEGMENT.test(s)) || AUTH_HANDLER.test(route.handler.name);
  if (isAuthPath && ['POST', 'PUT', 'PATCH', 'ANY'].includes(method) && !route.guards.length && !/hook/i.test(route.path)) return { kind: 'auth' };
  const fn = route.handler.node;
  if (!fn || !file.ast) return undefined;
  const api = fn.kind() === 'function_definition' ? findPaidPyCall(fn, file, files) : findPaidJsCall([fn, ...jsLocalCallees(fn, file.ast, 2)], file);
  return api ? { kind: 'paid', api } : undefined;
}

function findPaidPyCall(fn: SyntaxNode, file: ParsedFile, files: ParsedFiles): string | undefined {
  const scopes: { node: SyntaxNode; file: ParsedFile }[] = [
    { node: fn, file },
    ...pyLocalCallees(fn, file.ast!, 3).map((node) => ({ node, file })),
    ...importedCallees(files, file, fn),
  ];
  const cache = paidCache(files).scopeResult;
  const search = (list: { node: SyntaxNode; file: ParsedFile }[]) => {
    for (const scope of list) {
      if (!mayCallPaidApi(scope.file)) continue;
      const key = `${scope.file.path}:${scope.node.range().start.index}`;
      let found = cache.get(key);
      if (found === undefined) cache.set(key, (found = paidPyCallIn(scope) ?? null));
      if (found !== null) return found;
    }
    return undefined;
  };
  // Then methods of project objects: `agent_brain.respond(text)` on a module-level `AgentBrain()` imported from another module.
  return search(scopes) ?? search(resolvedMethodCallees(files, file, fn));
}

/** Project methods and functions the handler calls through objects (`brain.respond()`, `self.llm.reply()`), with the same-file helpers they call. */
function resolvedMethodCallees(files: ParsedFiles, file: ParsedFile, fn: SyntaxNode): { node: SyntaxNode; file: ParsedFile }[] {
  let load = loaders.get(files);
  if (!load) loaders.set(files, (load = cachedPyModuleLoader(files)));
  const out: { node: SyntaxNode; file: ParsedFile }[] = [];
  for (const call of pyOwnNodes(fn, 'call')) {
    if (call.field('function')?.kind() !== 'attribute') continue;
    const target = resolvePyCallee(call, { file, fn }, load);
    if (!target || target.file.isTest || !target.file.ast || !mayCallPaidApi(target.file)) continue;
    out.push({ node: target.fn, file: target.file }, ...pyLocalCallees(target.fn, target.file.ast, 2).map((node) => ({ node, file: target.file })));
  }
  return out;
}
const loaders = new WeakMap<ParsedFiles, PyModuleLoader<ParsedFile>>();

function paidPyCallIn(scope: { node: SyntaxNode; file: ParsedFile }): string | undefined {
  for (const call of findPyCalls(scope.node, PY_PAID_CANDIDATE)) {
    const callee = call.callee.replace(/\s+/g, '');
    if (PAID_CALLS.some((p) => p.callee.test(callee) && (!p.needs || p.needs.test(scope.file.text)))) return callee;
    const target = call.args[0] ?? call.keywords.get('url');
    if (PAID_HTTP_CALLEE.test(callee) && /^(requests|httpx|aiohttp|session|client|http|self\.(client|session|http))\b/.test(callee) && target && PAID_HTTP_TARGET.test(target.text()))
      return `${callee}(${firstLine(target.text())})`;
  }
  return undefined;
}

function findPaidJsCall(scope: SyntaxNode[], file: ParsedFile): string | undefined {
  if (!mayCallPaidApi(file)) return undefined;
  for (const node of scope) {
    for (const call of findJsCalls(node, JS_PAID_CANDIDATE)) {
      const callee = call.callee.replace(/\s+/g, '');
      if (PAID_CALLS.some((p) => p.callee.test(callee) && (!p.needs || p.needs.test(file.text)))) return callee;
      // fetch('https://api.openai.com/v1/…'), axios.post(ELEVENLABS_URL, …)
      if (JS_PAID_HTTP_CALLEE.test(callee) && call.args[0] && PAID_HTTP_TARGET.test(call.args[0].text()))
        return `${callee}(${firstLine(call.args[0].text())})`;
    }
  }
  return undefined;
}


/** Project functions the handler imports and calls (`from app.services.llm import generate_reply`). */
function importedCallees(files: ParsedFiles, file: ParsedFile, fn: SyntaxNode): { node: SyntaxNode; file: ParsedFile }[] {
  const imports = pyImports(file.ast!);
  const out: { node: SyntaxNode; file: ParsedFile }[] = [];
  if (!imports.size) return out;
  const cache = paidCache(files);
  for (const callNode of fn.findAll({ rule: { kind: 'call', has: { field: 'function', regex: importedHeadRegex(imports) } } })) {
    const callee = callNode.field('function')?.text();
    if (callee === undefined) continue;
    const imported = importedCalleeTarget(imports, callee);
    if (!imported) continue;
    const { module, name } = imported;
    const key = `${file.path}\0${module}\0${name}`;
    let found = cache.imported.get(key);
    if (!found) {
      found = [];
      const target = resolvePyModule(files, file.path, module);
      if (target?.ast && !target.isTest && mayCallPaidApi(target)) {
        let byName = cache.functions.get(target);
        if (!byName) {
          byName = new Map();
          for (const d of target.ast.findAll({ rule: { kind: 'function_definition' } })) {
            const defName = d.field('name')?.text();
            if (defName !== undefined && !byName.has(defName)) byName.set(defName, d);
          }
          cache.functions.set(target, byName);
        }
        const def = byName.get(name);
        if (def) found.push({ node: def, file: target }, ...pyLocalCallees(def, target.ast, 2).map((node) => ({ node, file: target })));
      }
      cache.imported.set(key, found);
    }
    out.push(...found);
  }
  return out;
}

/** A native pre-filter for calls whose callee starts with an imported name (the loop re-checks each). */
const importedHeadRegexes = new WeakMap<Map<string, unknown>, string>();
function importedHeadRegex(imports: Map<string, unknown>): string {
  let regex = importedHeadRegexes.get(imports);
  if (regex === undefined) {
    regex = `^(${[...imports.keys()].map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`;
    importedHeadRegexes.set(imports, regex);
  }
  return regex;
}


function checkBypasses(index: RepoIndex, files: ParsedFiles, report: Report): void {
  // Python: a key function that trusts the client's X-Forwarded-For header.
  for (const file of files.ofKind('python', { containing: ['Limiter', 'request_filter'], includeTests: false })) {
    // slowapi and Flask-Limiter both take the key function as the first positional argument too.
    for (const call of findPyCalls(file.ast, /(^|\.)Limiter$/)) {
      const keyFunc = call.keywords.get('key_func') ?? call.args[0];
      if (!keyFunc) continue;
      const body = keyFunc.kind() === 'lambda' ? keyFunc : findFunction(files, file, keyFunc.text());
      const trustsHeader =
        /(^|\.)get_ipaddr$/.test(keyFunc.text()) ||
        (body !== undefined && /x[-_]forwarded[-_]for|x[-_]real[-_]ip|access_route\s*\[\s*0/i.test(body.text()) && !/\[\s*-\s*1\s*\]/.test(body.text()));
      if (trustsHeader)
        report({
          messageId: 'bypassableLimit',
          at: file.locate(keyFunc.parent()?.kind() === 'keyword_argument' ? keyFunc.parent()! : keyFunc),
          data: { what: `\`${keyFunc.parent()?.kind() === 'keyword_argument' ? 'key_func=' : ''}${keyFunc.text().split('\n')[0]}\` keys the limiter on the client-supplied \`X-Forwarded-For\` header` },
          severity: 'medium',
        });
    }
  }
  // A home-made limiter middleware (`dispatch` / `__call__` of a rate-limit class) that waves "local" callers through.
  for (const file of files.ofKind('python', { containing: ['127.0.0.1', 'localhost', '::1'], includeTests: false })) {
    for (const cls of file.findAll({ kind: 'class_definition' })) {
      const name = cls.field('name')?.text() ?? '';
      if (!/rate|limit|throttl/i.test(`${name} ${file.path}`)) continue;
      for (const method of cls.findAll({ rule: { kind: 'function_definition', regex: '^(async\\s+)?def\\s+(dispatch|__call__)\\b' } })) {
        for (const branch of method.findAll({ rule: { kind: 'if_statement' } })) {
          const condition = branch.field('condition')?.text() ?? '';
          const body = branch.field('consequence')?.text() ?? '';
          if (!/\breturn\b/.test(body) || /429|Too Many|limit exceeded/i.test(body)) continue;
          const localName = /\b(in|==)\s+(\w+)\s*$/.exec(condition)?.[2];
          const localValues = localName ? (file.text.match(new RegExp(`^${localName}\\s*=.*$`, 'm'))?.[0] ?? '') : '';
          if (!/127\.0\.0\.1|localhost|::1/.test(`${condition} ${localValues}`)) continue;
          const spoofable = /x[-_]forwarded[-_]for|x[-_]real[-_]ip/i.test(file.text);
          report({
            messageId: 'bypassableLimit',
            at: file.locate(branch.children().find((c) => c.kind() === 'if') ? branch : branch),
            data: {
              what: `\`if ${codeSpan(condition)}\` in \`${name}.${method.field('name')?.text()}\` skips the limit for callers that look local: behind a reverse proxy every request arrives from 127.0.0.1${spoofable ? ', and the address is read from the client-supplied `X-Forwarded-For` header' : ''}`,
            },
            severity: spoofable ? 'high' : 'medium',
          });
        }
      }
    }
  }
  // Flask-Limiter: `@limiter.request_filter` functions that let "local" callers or a header skip every limit.
  for (const file of files.ofKind('python', { containing: ['request_filter'], includeTests: false })) {
    for (const fn of file.findAll({ kind: 'function_definition', inside: { kind: 'decorated_definition' } })) {
      const decorator = pyDecorators(fn).find((d) => /\.request_filter$/.test(d.text()));
      const body = fn.field('body')?.text() ?? '';
      if (!decorator || !/headers|127\.0\.0\.1|localhost|::1|access_route|forwarded/i.test(body)) continue;
      report({
        messageId: 'bypassableLimit',
        at: file.locate(decorator),
        data: { what: `\`${fn.field('name')?.text() ?? 'filter'}\` (\`@${decorator.text()}\`) lifts every limit for callers that look local or send a certain header; behind a proxy, or with a forged header, that is any caller` },
        severity: 'medium',
      });
    }
  }
  // JS: express-rate-limit options that skip "local" callers or key on a raw header; `trust proxy` set to true.
  const usesExpressLimiter = index.dependencies.some((d) => d.ecosystem === 'npm' && NPM_LIMITER_PACKAGES.has(d.name));
  for (const file of files.ofKind('js', { containing: ['imit', 'lowDown', 'trust proxy'], includeTests: false })) {
    // Only limiter factories and `.set(…)` can matter; the matcher picks them natively (re-checked below).
    for (const node of file.findAll({ kind: 'call_expression', has: { field: 'function', regex: '(rateLimit|slowDown|RateLimit|set)$' } })) {
      const call = describeJsCall(node);
      if (!call) continue;
      if (/^(rateLimit|slowDown|RateLimit)$|(^|\.)(rateLimit|slowDown)$/.test(call.callee)) {
        const options = call.args[0];
        const skip = jsObjectProperty(options, 'skip');
        if (skip && /\breq\.(ip|ips|hostname|socket)|127\.0\.0\.1|::1|localhost|x-forwarded|headers/i.test(skip.text()))
          report({ messageId: 'bypassableLimit', at: file.locate(skip.parent() ?? skip), data: { what: `\`skip: ${firstLine(skip.text())}\` turns the limit off for requests that look local` }, severity: 'medium' });
        const keyGenerator = jsObjectProperty(options, 'keyGenerator');
        if (keyGenerator && /x-forwarded-for|x-real-ip|headers\[/i.test(keyGenerator.text()))
          report({ messageId: 'bypassableLimit', at: file.locate(keyGenerator.parent() ?? keyGenerator), data: { what: `\`keyGenerator: ${firstLine(keyGenerator.text())}\` keys the limiter on a client-supplied header` }, severity: 'medium' });
        continue;
      }
      if (usesExpressLimiter && /(^|\.)set$/.test(call.callee) && jsStringValue(call.args[0]) === 'trust proxy' && call.args[1]?.kind() === 'true')
        report({
          messageId: 'bypassableLimit',
          at: file.locate(node),
          data: { what: "`app.set('trust proxy', true)` makes `req.ip`, the limiter's key, the left-most `X-Forwarded-For` value, which the client chooses" },
          severity: 'medium',
        });
    }
  }
}

function codeSpan(text: string): string {
  const flat = text.replace(/\s+/g, ' ').replace(/`/g, "'").trim();
  return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
}

function findFunction(files: ParsedFiles, file: ParsedFile, name: string): SyntaxNode | undefined {
  const bare = name.split('.').pop() ?? name;
  const local = file.ast?.findAll({ rule: { kind: 'function_definition' } }).find((d) => d.field('name')?.text() === bare);
  if (local) return local;
  for (const other of files.ofKind('python', { containing: [`def ${bare}`], includeTests: false }))
    for (const def of other.findAll({ kind: 'function_definition' })) if (def.field('name')?.text() === bare) return def;
  return undefined;
}

function findAppCreation(files: ParsedFiles): Location | undefined {
  const entryFirst = (list: ParsedFile[]) =>
    [...list].sort((a, b) => Number(!/(^|\/)(main|app|server|index|__init__)\.\w+$/.test(a.path)) - Number(!/(^|\/)(main|app|server|index|__init__)\.\w+$/.test(b.path)));
  for (const file of entryFirst(files.ofKind('python', { containing: ['FastAPI(', 'Flask(', 'Starlette('], includeTests: false }))) {
    const call = findPyCalls(file.ast, /^(fastapi\.|flask\.)?(FastAPI|Flask|Starlette)$/)[0];
    if (call) return file.locate(call.node);
  }
  for (const file of entryFirst(files.ofKind('js', { containing: ['express()'], includeTests: false }))) {
    const call = findJsCalls(file.ast, /^express$/)[0];
    if (call) return file.locate(call.node);
  }
  return undefined;
}


function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length < text.length ? `${line} …` : line;
}
