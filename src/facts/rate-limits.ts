/**
 * Rate limiting: which limiter an application uses (a library by dependency or import, DRF or
 * Flask-Limiter defaults, django-axes lockouts, a custom limiter, the proxy in front), where it was
 * seen, whether it covers every route, a limiter that only looks like one (a placeholder), and
 * whether one route is limited (decorator, dependency, route middleware, a call in the handler, a
 * router-wide dependency). Read by rate-limit-missing, the route control matrix
 * (src/assess/route-controls.ts) and the README claims check ("requests are rate limited").
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import type { RepoIndex, Route } from '../model/repo-index.ts';
import { findJsCalls, jsLocalCallees } from '../parse/js-syntax.ts';
import { describePyCall, findPyCalls, pyClassOf, pyDecorators, pyDefinitions, pyLocalCallees, pyParameters } from '../parse/python-syntax.ts';
import { expressRouteMiddleware } from './routes/route-scope.ts';

const PY_LIMITER_PACKAGES = new Set(['slowapi', 'fastapi-limiter', 'flask-limiter', 'django-ratelimit', 'limits', 'django-axes', 'fastapi-throttle']);
export const NPM_LIMITER_PACKAGES = new Set([
  'express-rate-limit',
  'rate-limiter-flexible',
  '@nestjs/throttler',
  'express-slow-down',
  '@upstash/ratelimit',
  'hono-rate-limiter',
  'express-brute',
  'koa-ratelimit',
]);
const PY_LIMITER_IMPORT = /^\s*(from|import)\s+(slowapi|fastapi_limiter|flask_limiter|django_ratelimit|ratelimit|limits|axes)\b/m;
const JS_LIMITER_IMPORT =
  /(from\s+|require\(\s*)['"](express-rate-limit|rate-limiter-flexible|@nestjs\/throttler|express-slow-down|@upstash\/ratelimit|hono-rate-limiter|express-brute|koa-ratelimit)['"]/;
/** Rate limiting done by the reverse proxy or ingress in front of the app. */
const PROXY_LIMIT = /^\s*limit_req(_zone)?\s|nginx\.ingress\.kubernetes\.io\/limit-(rps|rpm|connections)|\.ratelimit\.(average|burst)|^\s*rate_limit\s*\{/m;
/** A name that reads as a rate limiter or throttle (decorator, dependency, middleware, helper). */
export const LIMITER_NAME = /(rate_?limit|ratelimit|limiter|throttl|slow_?down)/i;

export interface LimiterFacts {
  /** What the app uses, for the message (`slowapi`, `a custom limiter`); undefined when nothing limits requests. */
  name?: string;
  /** Where that was seen: the dependency, the import, the configuration or the middleware. */
  at?: Location;
  /** A limiter applied to every route (middleware, app-wide dependency, default limits, proxy). */
  coversAll: boolean;
  /** DRF `DEFAULT_THROTTLE_CLASSES` is set: every DRF view (APIView, ViewSet, `@api_view`) is throttled. */
  drfDefault?: boolean;
  /** django-axes / django-defender lock out repeated failed logins: every `authenticate()` call is throttled. */
  authLockout?: boolean;
  /** The only limiter is a hand-written one whose body does nothing (`pass`, `return True`, a TODO). */
  placeholder?: { name: string; what: string; at: Location };
}

/** Statements that do nothing: a docstring, `pass`, `...`, `return` of a constant, `return await call_next(request)`. */
function isNoOpStatement(stmt: SyntaxNode): boolean {
  const kind = stmt.kind();
  if (kind === 'comment' || kind === 'pass_statement') return true;
  if (kind === 'expression_statement') {
    const inner = stmt.children().find((c) => c.isNamed());
    return !!inner && (inner.kind() === 'string' || inner.kind() === 'ellipsis' || /^await\s+call_next\(/.test(inner.text()));
  }
  if (kind === 'return_statement') {
    const value = stmt.children().find((c) => c.isNamed());
    return !value || /^(true|false|none|integer|string)$/.test(String(value.kind())) || /^await\s+call_next\(/.test(value.text()) || /^call_next\(/.test(value.text());
  }
  return false;
}

/** A limiter function or class that does nothing: every function body (a class's methods but `__init__`) is no-op statements. */
function placeholderLimiter(def: SyntaxNode): string | undefined {
  const functions = def.kind() === 'class_definition' ? [...pyDefinitions(def).values()].filter((m) => m.kind() === 'function_definition' && m.field('name')?.text() !== '__init__') : [def];
  if (!functions.length) return undefined;
  for (const fn of functions) if (!(fn.field('body')?.children().filter((c) => c.isNamed()) ?? []).every(isNoOpStatement)) return undefined;
  const body = functions.map((f) => f.field('body')?.text() ?? '').join('\n');
  const todo = /#\s*(TODO|FIXME|XXX)[^\n]*/.exec(functions.map((f) => f.text()).join('\n'))?.[0].replace(/^#\s*/, '');
  const allows = /return\s+True\b/.test(body) ? 'always returns True' : /call_next/.test(body) ? 'passes every request straight on' : 'has an empty body';
  return todo ? `${allows} (\`${todo.trim().slice(0, 60)}\`)` : allows;
}

const limiterMemo = new WeakMap<ParsedFiles, LimiterFacts>();

/** The rate limiter the application uses, and whether it covers every route. */
export function rateLimiterFacts(index: RepoIndex, files: ParsedFiles): LimiterFacts {
  let facts = limiterMemo.get(files);
  if (!facts) limiterMemo.set(files, (facts = detectLimiter(index, files)));
  return facts;
}

function detectLimiter(index: RepoIndex, files: ParsedFiles): LimiterFacts {
  const dependency = index.dependencies.find((d) => (d.ecosystem === 'pypi' && PY_LIMITER_PACKAGES.has(d.name)) || (d.ecosystem === 'npm' && NPM_LIMITER_PACKAGES.has(d.name)));
  let name: string | undefined = dependency?.name;
  let at: Location | undefined = dependency ? { file: dependency.manifest, ...(dependency.line ? { startLine: dependency.line, endLine: dependency.line } : {}), snippet: `${dependency.name}${dependency.spec ? ` ${dependency.spec}` : ''}` } : undefined;
  /**
   * The first thing that names the limiter wins; where the code or configuration uses a limiter
   * beats the manifest line, and then names it too, so the name and the place always agree.
   */
  let atManifest = at !== undefined;
  const found = (what: string, where: Location) => {
    if (at && !atManifest) return;
    // The manifest's spelling (flask-limiter) reads better than the module's (flask_limiter) for the same package.
    const same = (a: string) => a.toLowerCase().replace(/[-_.]/g, '');
    if (!name || same(name) !== same(what)) name = what;
    at = where;
    atManifest = false;
  };
  const lineAt = (file: ParsedFile, offset: number) => file.locateLines(file.position(Math.max(0, offset)).line);
  let coversAll = false;
  let drfDefault = false;
  let authLockout = false;
  const placeholders: { name: string; what: string; at: Location }[] = [];
  for (const file of files.ofKind('python', { containing: ['axes.backends.Axes', 'FailedLoginMiddleware'], includeTests: false })) {
    if (/["']axes\.backends\.Axes(Standalone)?Backend["']|["']defender\.middleware\.FailedLoginMiddleware["']/.test(file.text)) {
      found(/defender/.test(file.text) ? 'django-defender' : 'django-axes', lineAt(file, file.text.search(/axes\.backends|FailedLoginMiddleware/)));
      authLockout = true;
    }
  }

  // Django REST framework: REST_FRAMEWORK = {"DEFAULT_THROTTLE_CLASSES": [...], ...}; Flask-Limiter: RATELIMIT_DEFAULT in the config.
  for (const file of files.ofKind('python', { containing: ['DEFAULT_THROTTLE_CLASSES', 'RATELIMIT_DEFAULT'], includeTests: false })) {
    for (const pair of file.findAll({ kind: 'pair', has: { field: 'key', regex: 'DEFAULT_THROTTLE_CLASSES' } })) {
      if (/\w/.test((pair.field('value')?.text() ?? '').replace(/^[[(]|[\])]$/g, ''))) {
        found('DRF throttling', file.locate(pair));
        drfDefault = true;
      }
    }
    if (/^\s*(app\.config\[\s*["']RATELIMIT_DEFAULT["']\s*\]|RATELIMIT_DEFAULT)\s*=\s*["'][^"']+["']/m.test(file.text)) {
      found('flask-limiter', lineAt(file, file.text.indexOf('RATELIMIT_DEFAULT')));
      coversAll = true;
    }
  }

  const pyFiles = files.ofKind('python', { containing: ['imit', 'hrottl'], includeTests: false });
  for (const file of pyFiles) {
    const imported = PY_LIMITER_IMPORT.exec(file.text);
    if (imported) found(imported[2], lineAt(file, imported.index));
    if (!file.ast) continue;
    if (!name) {
      const custom = file.findAll({ any: [{ kind: 'function_definition' }, { kind: 'class_definition' }] }).filter((d) => LIMITER_NAME.test(d.field('name')?.text() ?? '') && !(d.kind() === 'function_definition' && pyClassOf(d)));
      if (custom.length) {
        const noOps = custom.map((d) => ({ def: d, what: placeholderLimiter(d) }));
        if (noOps.every((n) => n.what)) placeholders.push(...noOps.map((n) => ({ name: n.def.field('name')?.text() ?? 'limiter', what: n.what!, at: file.locate(n.def.field('name') ?? n.def) })));
        else found('a custom limiter', file.locate(custom.find((d) => !placeholderLimiter(d)) ?? custom[0]));
      }
    }
    for (const call of findPyCalls(file.ast, /(^|\.)(add_middleware|FastAPI|Starlette|Limiter)$/)) {
      const ctor = call.callee.split('.').pop();
      if (ctor === 'add_middleware' && call.args[0] && (/SlowAPI(ASGI)?Middleware/.test(call.args[0].text()) || LIMITER_NAME.test(call.args[0].text()))) coversAll = true;
      if ((ctor === 'FastAPI' || ctor === 'Starlette') && LIMITER_NAME.test(call.keywords.get('dependencies')?.text() ?? '')) coversAll = true;
      // Flask-Limiter's app factory pattern: `limiter = Limiter(...)` in extensions.py, `limiter.init_app(app)` in create_app().
      if (ctor === 'Limiter' && call.keywords.has('default_limits') && (call.keywords.has('app') || /init_app|app\.state\.limiter/.test(file.text) || limiterInitialisedElsewhere(files))) coversAll = true;
    }
    // A decorator's text is part of the file's: without `.middleware(` there is no middleware here.
    for (const fn of file.text.includes('.middleware(') ? file.findAll({ kind: 'function_definition' }) : []) {
      const isMiddleware = pyDecorators(fn).some((d) => /\.middleware\(/.test(d.text()));
      if (isMiddleware && (LIMITER_NAME.test(fn.field('name')?.text() ?? '') || /too many requests|\b429\b/i.test(fn.text()))) {
        found('a custom limiter', file.locate(fn));
        coversAll = true;
      }
    }
  }

  for (const file of files.ofKind('js', { containing: ['imit', 'hrottl', 'lowDown'], includeTests: false })) {
    const imported = JS_LIMITER_IMPORT.exec(file.text);
    if (imported) found(imported[2], lineAt(file, imported.index));
    // Next.js middleware runs before every matched route.
    if (imported && /(^|\/)(src\/)?middleware\.[cm]?[jt]s$/.test(file.path)) coversAll = true;
    for (const call of findJsCalls(file.ast, /(^|\.)use$/)) {
      if (call.args.some((a) => LIMITER_NAME.test(a.text()) || /slowDown|rateLimit/.test(a.text()))) coversAll = true;
    }
  }

  for (const file of [...files.ofKind('text', { containing: ['limit_req', 'rate_limit'] }), ...files.ofKind('yaml', { containing: ['limit-r', 'ratelimit'] })]) {
    if (PROXY_LIMIT.test(file.text)) {
      found(`the proxy configuration in \`${file.path}\``, lineAt(file, file.text.search(PROXY_LIMIT)));
      coversAll = true;
    }
  }
  // A placeholder that something else (a library, a proxy) backs up is not the only limiter.
  if (name || !placeholders.length) return { ...(name ? { name } : {}), ...(at ? { at } : {}), coversAll, drfDefault, authLockout };
  return { coversAll: false, drfDefault, authLockout, placeholder: placeholders[0] };
}

/** Names passed to a curried limiter call: `limiter.limit("60/minute")(auth_bp)`. */
const limitedBlueprintsOf = new WeakMap<ParsedFiles, string[]>();
function limitedBlueprints(files: ParsedFiles): string[] {
  const known = limitedBlueprintsOf.get(files);
  if (known) return known;
  const names: string[] = [];
  limitedBlueprintsOf.set(files, names);
  for (const file of files.ofKind('python', { containing: ['.limit('], includeTests: false })) {
    for (const call of file.findAll({ kind: 'call', has: { field: 'function', kind: 'call', has: { field: 'function', regex: '\\.(limit|shared_limit)$' } } })) {
      const arg = describePyCall(call)?.args[0];
      if (arg?.kind() === 'identifier' && LIMITER_NAME.test(call.field('function')?.field('function')?.text() ?? '')) names.push(arg.text());
    }
  }
  return names;
}

function limiterInitialisedElsewhere(files: ParsedFiles): boolean {
  return files.ofKind('python', { containing: ['.init_app('], includeTests: false }).some((f) => /\blimiter\.init_app\(/i.test(f.text));
}

/** Whether this route has its own limit (decorator, dependency, call in the body, router-wide dependency), or an exemption. */
export function routeLimitState(route: Route, file: ParsedFile, files: ParsedFiles, drfDefault: boolean): { limited: boolean; exempt?: Location } {
  const fn = route.handler.node;
  if (route.guards.some((g) => LIMITER_NAME.test(g.name))) return { limited: true };
  // simplejwt's token views are DRF views that keep the project's default throttles (DRF's own ObtainAuthToken sets `throttle_classes = ()`).
  if (!fn && drfDefault && /TokenObtain|TokenRefresh|TokenVerify|TokenBlacklist/.test(route.handler.name)) return { limited: true };
  // DRF viewsets and API views whose methods are inherited (no node of their own) keep the project's default throttles.
  if (!fn && drfDefault && /\w(ViewSet|APIView)\b/.test(route.handler.name)) return { limited: true };
  if (!fn || !file.ast) return { limited: false };
  if (fn.kind() !== 'function_definition') {
    // JS: middleware on the registration (app.post('/login', loginLimiter, handler)) or a check in the body (ratelimit.limit(ip)).
    if (expressRouteMiddleware(route, files).some((m) => LIMITER_NAME.test(stripStrings(m.text())) || /rateLimit|slowDown/.test(m.text()))) return { limited: true };
    return { limited: [fn, ...jsLocalCallees(fn, file.ast, 2)].some((n) => findJsCalls(n, LIMITER_NAME).length > 0) };
  }
  // Django class-based views: `throttle_classes = [...]` (DRF) or `@method_decorator(ratelimit(...))` on the class; DRF's project default.
  const cls = pyClassOf(fn);
  if (cls) {
    const policy = cls.field('body')?.children().map((c) => c.text()) ?? [];
    if (policy.some((t) => /^throttle_classes\s*=\s*[[(]\s*\w/.test(t)) || pyDecorators(cls).some((d) => LIMITER_NAME.test(stripStrings(d.text())))) return { limited: true };
    if (drfDefault && /APIView|ViewSet|GenericAPIView/.test(cls.field('superclasses')?.text() ?? '') && !policy.some((t) => /^throttle_classes\s*=\s*[[(]\s*[\])]/.test(t))) return { limited: true };
  }
  if (drfDefault && pyDecorators(fn).some((d) => /(^|\.)api_view\b/.test(d.text()))) return { limited: true };
  for (const decorator of pyDecorators(fn)) {
    const text = stripStrings(decorator.text());
    if (/\.exempt$/.test(text)) return { limited: false, exempt: file.locate(decorator) };
    const call = describePyCall(decorator);
    if (call?.keywords.has('exempt_when')) return { limited: false, exempt: file.locate(call.keywords.get('exempt_when')!.parent() ?? decorator) };
    if (LIMITER_NAME.test(text)) return { limited: true };
  }
  for (const param of pyParameters(fn)) {
    const injected = `${param.default?.text() ?? ''} ${param.annotation?.text() ?? ''}`;
    if (/\b(Depends|Security)\(/.test(injected) && LIMITER_NAME.test(injected)) return { limited: true };
  }
  for (const scope of [fn, ...pyLocalCallees(fn, file.ast, 2)])
    if (findPyCalls(scope, LIMITER_NAME).length) return { limited: true };
  // Flask-Limiter on a whole blueprint: `limiter.limit("60/minute")(auth_bp)`, with the blueprint defined in the handler's module.
  if (route.framework === 'flask' && limitedBlueprints(files).some((name) => new RegExp(`^\\s*${name}\\s*=\\s*(flask\\.)?Blueprint\\(`, 'm').test(file.text)))
    return { limited: true };
  // Router-wide: APIRouter(dependencies=[Depends(RateLimiter(...))]) in the handler's module, or include_router(<this module>, dependencies=[...limiter...]).
  if (routerWideLimit(file)) return { limited: true };
  const stem = route.handler.file.replace(/\.py$/, '').split('/').pop() ?? '';
  if (limitedIncludes(files).some((included) => included.includes(stem))) return { limited: true };
  return { limited: false };
}

export function stripStrings(text: string): string {
  return text.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""');
}

/** `APIRouter(dependencies=[Depends(RateLimiter(...))])` in the file: every route of its router is limited. Once per file. */
const routerWideLimits = new WeakMap<ParsedFile, boolean>();
function routerWideLimit(file: ParsedFile): boolean {
  let limited = routerWideLimits.get(file);
  if (limited === undefined) {
    limited = file.text.includes('APIRouter') && findPyCalls(file.ast, /(^|\.)APIRouter$/).some((c) => LIMITER_NAME.test(c.keywords.get('dependencies')?.text() ?? ''));
    routerWideLimits.set(file, limited);
  }
  return limited;
}

/** The first argument of every `include_router(..., dependencies=[...limiter...])`. Once per file set. */
const limitedIncludesOf = new WeakMap<ParsedFiles, string[]>();
function limitedIncludes(files: ParsedFiles): string[] {
  let known = limitedIncludesOf.get(files);
  if (known) return known;
  known = [];
  for (const other of files.ofKind('python', { containing: ['include_router'], includeTests: false }))
    for (const call of findPyCalls(other.ast, /\.include_router$/))
      if (call.args[0] && LIMITER_NAME.test(call.keywords.get('dependencies')?.text() ?? '')) known.push(call.args[0].text());
  limitedIncludesOf.set(files, known);
  return known;
}

/**
 * A JS/TS rate limiter that only looks like one: a function named like a limiter whose body only
 * returns a constant or calls `next()`. (Python placeholders are `LimiterFacts.placeholder`.)
 */
export function placeholderJsRateLimiter(files: ParsedFiles): Location | undefined {
  for (const file of files.ofKind('js', { containing: ['rate', 'Rate', 'throttle'], includeTests: false })) {
    for (const fn of file.findAll({ any: [{ kind: 'function_declaration' }, { kind: 'method_definition' }] })) {
      const name = fn.field('name')?.text() ?? '';
      if (!/rate_?limit|throttl|isRateLimited|checkRate|allowRequest/i.test(name)) continue;
      const body = fn.field('body')?.children().filter((c) => c.isNamed() && c.kind() !== 'comment') ?? [];
      if (body.length === 1 && /^(return\s+(true|false|next\(\)|undefined)|next\(\));?$/.test(body[0].text().trim())) return file.locate(fn);
    }
  }
  return undefined;
}
