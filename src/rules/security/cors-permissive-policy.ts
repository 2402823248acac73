import type { Location } from '../../model/finding.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { describeJsCall, findJsCalls, isJsFunction, jsObjectProperty, jsStringValue } from '../../parse/js-syntax.ts';
import { describePyCall, findPyCalls, pyStringValue, type PyCall } from '../../parse/python-syntax.ts';

type MessageId = 'wildcardWithCredentials' | 'reflectedOrigin' | 'wildcardOrigin' | 'devOrigins' | 'wildcardMethodsHeadersWithCredentials';
type Report = (messageId: MessageId, at: Location, data: Record<string, string>, severity: Severity, related?: Location[]) => void;

/** What an origin setting lets through. */
interface OriginVerdict {
  /** `*`, `.*`, or the library default: every origin. */
  any?: string;
  /** The request's Origin is echoed without a check. */
  reflected?: string;
  /** Hard-coded development origins. */
  dev: string[];
  /** Where a name used in the setting was defined. */
  related?: Location;
}

const DEV_ORIGIN = /^https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::\d+)?\/?$/i;
const ANY_REGEX = /^\^?(?:\(?https?(?::|\??:)?\/\/\)?\??)?(?:\.\*|\.\+)\$?$|^\^?https?\??:\/\/\.[*+]\$?$/;
const ACAO = 'access-control-allow-origin';
/** A request's Origin header, in Python or JS: `req.headers.origin`, `request.headers.get("origin")`. */
const ORIGIN_SOURCE = /headers\.origin\b|headers\[\s*['"]origin['"]\s*\]|\.get\(\s*['"](?:http_)?origin['"]|\.header\(\s*['"]origin['"]\s*\)|HTTP_ORIGIN/i;
/** Conditions that keep a branch out of production. */
const ENVIRONMENT_GATE = /debug|\bdev\b|development|local|testing|\btest\b|NODE_ENV|environment|\benv\b|production|is_prod|isProd|isDev/i;
/** Settings modules that only run in development or tests. */
const DEV_ONLY_FILE = /(^|\/)(?:settings\/)?(?:dev|development|local|test|testing)(?:_settings)?\.py$|settings_(?:dev|local|test)\.py$|\.(?:dev|development|local|test)\.[cm]?[jt]s$/i;

export default defineRule({
  meta: {
    id: 'cors-permissive-policy',
    category: 'security',
    title: 'Permissive CORS policy',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'CORS Configuration',
    effortHours: 1,
    fixScope: 'app',
    fixTitle: 'Restrict the CORS policy to the production origins, methods and headers',
    messages: {
      wildcardWithCredentials: '{{config}} allows every origin ({{origin}}) and allows credentials, so any website can send requests with the user\'s cookies and read the responses.',
      reflectedOrigin: '{{config}} echoes the request\'s Origin back ({{origin}}) without checking it against an allow-list{{credentials}}.',
      wildcardOrigin: '{{config}} allows every origin ({{origin}}).',
      devOrigins: '{{config}} has localhost origins hard-coded ({{origins}}) instead of reading the allowed origins from configuration.',
      wildcardMethodsHeadersWithCredentials: '{{config}} allows every {{what}} (`{{option}}`) together with credentials.',
    },
    why: [
      'CORS decides which other websites may read your API\'s responses from a user\'s browser. With credentials allowed and any origin accepted (`*`, `.*`, or the Origin header echoed back), any page the user visits can call the API with their cookies and read their data — the same-origin policy is switched off for your users.',
      '',
      'Without credentials a wildcard still lets any site use the API from the browser, which matters for internal or IP-restricted APIs. Hard-coded `http://localhost` origins in the production configuration let anything running on a user\'s machine (a malicious dev server, a compromised tool) call the API, and usually mean the real origin list was never configured. Wildcard methods and headers together with credentials widen what such a page can do.',
    ].join('\n'),
    fix: [
      'List the exact HTTPS origins of your front-ends, read them from configuration, and allow credentials only for those. Keep localhost origins in development settings.',
      '',
      'FastAPI / Starlette:',
      '```python',
      'app.add_middleware(',
      '    CORSMiddleware,',
      '    allow_origins=settings.cors_origins,  # e.g. ["https://app.example.com"] from the environment',
      '    allow_credentials=True,',
      '    allow_methods=["GET", "POST", "PUT", "DELETE"],',
      '    allow_headers=["Authorization", "Content-Type"],',
      ')',
      '```',
      'Flask-CORS: `CORS(app, origins=app.config["CORS_ORIGINS"], supports_credentials=True)`.',
      '',
      'Django (django-cors-headers): `CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS")` instead of `CORS_ALLOW_ALL_ORIGINS = True`.',
      '',
      'Express:',
      '```ts',
      "const allowed = new Set((process.env.CORS_ORIGINS ?? '').split(',').filter(Boolean));",
      'app.use(cors({',
      '  origin: (origin, cb) => cb(null, !origin || allowed.has(origin)),',
      '  credentials: true,',
      '}));',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=["*"],\n    allow_credentials=True,\n)\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\nfrom app.config import settings\n\napp = FastAPI()\napp.add_middleware(\n    CORSMiddleware,\n    allow_origins=settings.cors_origins,\n    allow_credentials=True,\n    allow_methods=["GET", "POST"],\n    allow_headers=["Authorization", "Content-Type"],\n)\n',
      },
    },
    references: {
      cwe: [942, 346],
      owasp: ['A05:2021', 'API8:2023'],
      urls: ['https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS', 'https://portswigger.net/web-security/cors'],
      equivalents: [
        'semgrep:python.fastapi.security.wildcard-cors',
        'semgrep:python.django.security.audit.django-cors-allow-all',
        'semgrep:javascript.express.security.cors-misconfiguration',
      ],
    },
  },
  check({ files, report }) {
    const emit: Report = (messageId, at, data, severity, related) =>
      report({ messageId, at, data, related, ...(severity === 'high' ? {} : { severity }) });
    for (const file of files.ofKind('python', { containing: ['CORS', 'cross_origin', 'Access-Control-Allow-Origin', 'access-control-allow-origin'], includeTests: false })) {
      if (!file.ast || DEV_ONLY_FILE.test(file.path)) continue;
      checkStarlette(file, emit);
      checkFlaskCors(file, emit);
      checkDjangoSettings(file, emit);
      checkManualHeaders(file, true, emit);
    }
    for (const file of files.ofKind('js', { containing: ['cors', 'Access-Control-Allow-Origin', 'access-control-allow-origin'], includeTests: false })) {
      if (!file.ast || DEV_ONLY_FILE.test(file.path)) continue;
      checkExpressCors(file, emit);
      checkCorsOptionObjects(file, emit);
      checkManualHeaders(file, false, emit);
    }
  },
});

// ───────────────────────────── shared ─────────────────────────────

function sameNode(a: SyntaxNode | null | undefined, b: SyntaxNode | null | undefined): boolean {
  return !!a && !!b && a.id() === b.id();
}

function lineOf(file: ParsedFile, node: SyntaxNode): Location {
  return file.locateLines(node.range().start.line + 1);
}

/** Inside `if settings.DEBUG:` / `x if DEBUG else y` / `if (process.env.NODE_ENV !== 'production')`. */
function isEnvironmentGated(node: SyntaxNode): boolean {
  let current = node.parent();
  let child: SyntaxNode = node;
  while (current) {
    const k = current.kind();
    if (k === 'if_statement' || k === 'elif_clause') {
      const condition = current.field('condition');
      if (condition && ENVIRONMENT_GATE.test(condition.text())) return true;
    }
    if (k === 'else_clause') {
      const ifNode = current.parent();
      const condition = ifNode?.field('condition');
      if (condition && ENVIRONMENT_GATE.test(condition.text())) return true;
    }
    if (k === 'conditional_expression') {
      const parts = current.children().filter((c) => c.isNamed());
      if (parts[1] && !sameNode(parts[1], child) && ENVIRONMENT_GATE.test(parts[1].text())) return true;
    }
    if (k === 'ternary_expression') {
      const condition = current.field('condition');
      if (condition && !sameNode(condition, child) && ENVIRONMENT_GATE.test(condition.text())) return true;
    }
    child = current;
    current = current.parent();
  }
  return false;
}

function classifyOriginString(value: string, verdict: OriginVerdict, python: boolean): void {
  const v = value.trim();
  if (v === '*') verdict.any ??= '`*`';
  else if (DEV_ORIGIN.test(v)) verdict.dev.push(v);
  else if (python && ANY_REGEX.test(v)) verdict.any ??= `regex \`${v}\``;
}

function devList(origins: string[]): string {
  const unique = [...new Set(origins)];
  return unique.length <= 2 ? unique.join(', ') : `${unique.slice(0, 2).join(', ')} and ${unique.length - 2} more`;
}

/** Report one origin setting: any+credentials, reflection, any, dev origins. */
function reportOrigins(
  emit: Report,
  at: Location,
  config: string,
  verdict: OriginVerdict,
  credentials: boolean,
  gated: boolean,
): void {
  if (gated) return;
  const related = verdict.related ? [verdict.related] : undefined;
  if (verdict.reflected) {
    emit('reflectedOrigin', at, { config, origin: verdict.reflected, credentials: credentials ? ', and allows credentials' : '' }, credentials ? 'critical' : 'high', related);
  } else if (verdict.any) {
    if (credentials) emit('wildcardWithCredentials', at, { config, origin: verdict.any }, 'critical', related);
    else emit('wildcardOrigin', at, { config, origin: verdict.any }, 'medium', related);
  } else if (verdict.dev.length) {
    emit('devOrigins', at, { config, origins: devList(verdict.dev) }, 'medium', related);
  }
}

// ───────────────────────────── Python ─────────────────────────────

function isPyTrue(node: SyntaxNode | undefined): boolean {
  return node?.kind() === 'true';
}

/** Module-level (or any) assignments `name = …` in the file, last first. */
function pyAssignmentsOf(file: ParsedFile, name: string): SyntaxNode[] {
  return file
    .findAll({ kind: 'assignment' })
    .filter((a) => a.field('left')?.text() === name)
    .reverse();
}

function evaluatePyOrigins(node: SyntaxNode | undefined, file: ParsedFile, verdict: OriginVerdict, depth = 0): OriginVerdict {
  if (!node || depth > 3) return verdict;
  switch (node.kind()) {
    case 'string':
    case 'concatenated_string': {
      const value = pyStringValue(node);
      if (value !== undefined) {
        if (value.includes(',') && !value.includes('*')) for (const part of value.split(',')) classifyOriginString(part, verdict, true);
        else classifyOriginString(value, verdict, true);
      }
      return verdict;
    }
    case 'list':
    case 'tuple':
    case 'set':
    case 'binary_operator':
    case 'parenthesized_expression':
      for (const child of node.children()) if (child.isNamed()) evaluatePyOrigins(child, file, verdict, depth + 1);
      return verdict;
    case 'identifier': {
      const assignment = pyAssignmentsOf(file, node.text())[0];
      const value = assignment?.field('right');
      if (!assignment || !value || isEnvironmentGated(value)) return verdict;
      const before = verdict.dev.length + (verdict.any ? 1 : 0);
      evaluatePyOrigins(value, file, verdict, depth + 1);
      if (verdict.dev.length + (verdict.any ? 1 : 0) > before) verdict.related ??= lineOf(file, assignment);
      return verdict;
    }
    case 'call': {
      // `os.getenv("CORS_ORIGINS", "*").split(",")`: the fallback is what production gets when the variable is unset.
      const text = node.text();
      if (/getenv|environ|config\(|env\(/.test(text)) {
        for (const s of node.findAll({ rule: { kind: 'string' } })) {
          if (pyStringValue(s) === '*') verdict.any ??= '`*` as the fallback of an unset environment variable';
        }
      }
      return verdict;
    }
    default:
      return verdict;
  }
}

function pyKeywordLine(file: ParsedFile, call: PyCall, keyword: string): Location {
  const value = call.keywords.get(keyword);
  return lineOf(file, value?.parent() ?? call.node);
}

function containsStar(node: SyntaxNode | undefined, python: boolean): boolean {
  if (!node) return false;
  const strings = node.kind() === 'string' ? [node] : node.findAll({ rule: { kind: 'string' } });
  return strings.some((s) => (python ? pyStringValue(s) : jsStringValue(s)) === '*');
}

/** `app.add_middleware(CORSMiddleware, …)` and `Middleware(CORSMiddleware, …)`. */
function checkStarlette(file: ParsedFile, emit: Report): void {
  if (!file.text.includes('CORSMiddleware')) return;
  for (const call of findPyCalls(file.ast, /(?:^|\.)(?:add_middleware|Middleware)$/)) {
    if (!call.args[0]?.text().endsWith('CORSMiddleware')) continue;
    const gated = isEnvironmentGated(call.node);
    const credentials = isPyTrue(call.keywords.get('allow_credentials'));
    const receiver = call.callee.endsWith('.add_middleware') ? call.callee.slice(0, -'.add_middleware'.length) : '';
    const config = receiver && receiver.length <= 30 ? `\`CORSMiddleware\` on \`${receiver}\`` : '`CORSMiddleware`';
    const origins = evaluatePyOrigins(call.keywords.get('allow_origins'), file, { dev: [] });
    const regexNode = call.keywords.get('allow_origin_regex');
    const regex = pyStringValue(regexNode);
    if (!origins.any && regex !== undefined && ANY_REGEX.test(regex)) {
      reportOrigins(emit, pyKeywordLine(file, call, 'allow_origin_regex'), config, { any: `\`allow_origin_regex="${regex}"\``, dev: [] }, credentials, gated);
    }
    if (call.keywords.has('allow_origins')) reportOrigins(emit, pyKeywordLine(file, call, 'allow_origins'), config, origins, credentials, gated);
    if (credentials && !gated) {
      for (const [option, what] of [['allow_methods', 'method'], ['allow_headers', 'request header']] as const) {
        if (containsStar(call.keywords.get(option), true))
          emit('wildcardMethodsHeadersWithCredentials', pyKeywordLine(file, call, option), { config, what, option: `${option}=["*"]` }, 'medium');
      }
    }
  }
}

/** Flask-CORS: `CORS(app, …)`, `cors.init_app(app, …)`, `@cross_origin(…)`. Its default origin is `*`. */
function checkFlaskCors(file: ParsedFile, emit: Report): void {
  if (!/\bflask_cors\b/.test(file.text)) return;
  const instances = [...file.text.matchAll(/^\s*(\w+)\s*=\s*CORS\(\s*\)/gm)].map((m) => m[1]);
  const callee = new RegExp(`^(?:flask_cors\\.)?(?:CORS|cross_origin)$${instances.length ? `|^(?:${instances.join('|')})\\.init_app$` : ''}`);
  const configuredElsewhere = /CORS_ORIGINS/.test(file.text);
  for (const call of findPyCalls(file.ast, callee)) {
    const isDecorator = call.callee.endsWith('cross_origin');
    if (!isDecorator && call.args.length === 0 && !call.keywords.size) continue; // `cors = CORS()` then init_app(...)
    const gated = isEnvironmentGated(call.node);
    const config = isDecorator ? '`@cross_origin`' : `Flask-CORS \`${call.callee}(…)\``;
    let credentials = isPyTrue(call.keywords.get('supports_credentials'));
    const resources = call.keywords.get('resources');
    if (call.keywords.has('origins')) {
      reportOrigins(emit, pyKeywordLine(file, call, 'origins'), config, evaluatePyOrigins(call.keywords.get('origins'), file, { dev: [] }), credentials, gated);
      continue;
    }
    if (resources?.kind() === 'dictionary') {
      let sawOrigins = false;
      for (const pair of resources.children().filter((c) => c.kind() === 'pair')) {
        const options = pair.field('value');
        if (options?.kind() !== 'dictionary') continue;
        const get = (key: string) =>
          options
            .children()
            .find((c) => c.kind() === 'pair' && pyStringValue(c.field('key')) === key)
            ?.field('value') ?? undefined;
        const origins = get('origins');
        const resourceCredentials = credentials || isPyTrue(get('supports_credentials'));
        if (!origins) continue;
        sawOrigins = true;
        reportOrigins(emit, lineOf(file, origins.parent() ?? origins), config, evaluatePyOrigins(origins, file, { dev: [] }), resourceCredentials, gated);
      }
      if (sawOrigins) continue;
      credentials ||= /["']supports_credentials["']\s*:\s*True/.test(resources.text());
    }
    if (configuredElsewhere) continue;
    reportOrigins(emit, lineOf(file, call.node), config, { any: 'the Flask-CORS default `*`', dev: [] }, credentials, gated);
  }
}

/** django-cors-headers settings. */
function checkDjangoSettings(file: ParsedFile, emit: Report): void {
  if (!/\bCORS_(?:ALLOW_ALL_ORIGINS|ORIGIN_ALLOW_ALL|ALLOWED_ORIGINS|ORIGIN_WHITELIST|ALLOWED_ORIGIN_REGEXES|ORIGIN_REGEX_WHITELIST)\b/.test(file.text)) return;
  const settings = new Map<string, SyntaxNode>();
  for (const assignment of file.findAll({ kind: 'assignment' })) {
    const name = assignment.field('left')?.text() ?? '';
    if (/^CORS_[A-Z_]+$/.test(name) && !isEnvironmentGated(assignment)) settings.set(name, assignment);
  }
  const credentials = isPyTrue(settings.get('CORS_ALLOW_CREDENTIALS')?.field('right') ?? undefined);
  for (const name of ['CORS_ALLOW_ALL_ORIGINS', 'CORS_ORIGIN_ALLOW_ALL']) {
    const assignment = settings.get(name);
    if (!assignment || !isPyTrue(assignment.field('right') ?? undefined)) continue;
    reportOrigins(emit, lineOf(file, assignment), `Django setting \`${name}\``, { any: '`True`', dev: [] }, credentials, false);
  }
  for (const name of ['CORS_ALLOWED_ORIGIN_REGEXES', 'CORS_ORIGIN_REGEX_WHITELIST']) {
    const assignment = settings.get(name);
    const list = assignment?.field('right');
    if (!assignment || !list) continue;
    const any = list.findAll({ rule: { kind: 'string' } }).map((s) => pyStringValue(s)).find((v) => v !== undefined && ANY_REGEX.test(v));
    if (any !== undefined) reportOrigins(emit, lineOf(file, assignment), `Django setting \`${name}\``, { any: `regex \`${any}\``, dev: [] }, credentials, false);
  }
  for (const name of ['CORS_ALLOWED_ORIGINS', 'CORS_ORIGIN_WHITELIST']) {
    const assignment = settings.get(name);
    if (!assignment) continue;
    const verdict = evaluatePyOrigins(assignment.field('right') ?? undefined, file, { dev: [] });
    reportOrigins(emit, lineOf(file, assignment), `Django setting \`${name}\``, verdict, credentials, false);
  }
}

// ───────────────────────────── JavaScript ─────────────────────────────

/** Local names bound to the `cors` package. */
function corsImportNames(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/import\s+(\w+)(?:\s*,\s*\{[^}]*\})?\s+from\s+['"]cors['"]/g)) names.add(m[1]);
  for (const m of text.matchAll(/import\s+\*\s+as\s+(\w+)\s+from\s+['"]cors['"]/g)) names.add(m[1]);
  for (const m of text.matchAll(/(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*['"]cors['"]\s*\)/g)) names.add(m[1]);
  return [...names];
}

/** `const corsOptions = {…}` / `function checkOrigin(…) {…}` in the same file. */
function resolveJsIdentifier(file: ParsedFile, name: string): SyntaxNode | undefined {
  for (const declarator of file.findAll({ kind: 'variable_declarator' })) {
    if (declarator.field('name')?.text() === name) return declarator.field('value') ?? undefined;
  }
  return file.findAll({ kind: 'function_declaration' }).find((f) => f.field('name')?.text() === name);
}

function jsParamName(param: SyntaxNode | undefined): string | undefined {
  if (!param) return undefined;
  if (param.kind() === 'identifier') return param.text();
  if (param.kind() === 'required_parameter' || param.kind() === 'optional_parameter') return param.field('pattern')?.text();
  return undefined;
}

/**
 * `(origin, cb) => cb(null, true)`: an origin callback that never looks at the origin except to
 * hand it back. One that tests it (`allowed.includes(origin)`) is an allow-list.
 */
function isUncheckedOriginCallback(fn: SyntaxNode): boolean {
  const params = (fn.field('parameters')?.children() ?? []).filter((c) => c.isNamed());
  const single = fn.field('parameter');
  const originName = jsParamName(params[0]) ?? (single ? single.text() : undefined);
  const callbackName = jsParamName(params[1]);
  const body = fn.field('body');
  if (!originName || !callbackName || !body) return false;
  let grants = false;
  for (const call of findJsCalls(body, new RegExp(`^${callbackName}$`))) {
    const allowed = call.args[1]?.text();
    if (allowed === 'true' || allowed === originName) grants = true;
  }
  if (!grants) return false;
  const references = body.findAll({ rule: { kind: 'identifier' } }).filter((id) => id.text() === originName);
  return references.every((id) => {
    let current = id.parent();
    while (current && !sameNode(current, body)) {
      if (current.kind() === 'call_expression' && current.field('function')?.text() === callbackName) return true;
      current = current.parent();
    }
    return false;
  });
}

function evaluateJsOrigin(node: SyntaxNode | undefined, file: ParsedFile, verdict: OriginVerdict, depth = 0): OriginVerdict {
  if (!node || depth > 3) return verdict;
  const kind = node.kind();
  if (kind === 'string' || kind === 'template_string') {
    const value = jsStringValue(node);
    if (value !== undefined) classifyOriginString(value, verdict, false);
    return verdict;
  }
  if (kind === 'true') {
    verdict.reflected ??= '`origin: true`';
    return verdict;
  }
  if (kind === 'regex') {
    const pattern = node.field('pattern')?.text() ?? '';
    if (ANY_REGEX.test(pattern)) verdict.reflected ??= `\`/${pattern}/\``;
    return verdict;
  }
  if (kind === 'array' || kind === 'parenthesized_expression') {
    for (const child of node.children()) {
      if (!child.isNamed()) continue;
      // In an array, the `cors` package compares `'*'` literally: only dev origins matter there.
      if (kind === 'array' && (jsStringValue(child) ?? '') === '*') continue;
      evaluateJsOrigin(child, file, verdict, depth + 1);
    }
    return verdict;
  }
  if (kind === 'binary_expression') {
    // `process.env.CORS_ORIGIN || '*'`: production gets `*` when the variable is unset.
    const operator = node.field('operator')?.text();
    const right = node.field('right');
    if ((operator === '||' || operator === '??') && jsStringValue(right) === '*') verdict.any ??= '`*` as the fallback of an unset environment variable';
    return verdict;
  }
  if (isJsFunction(node)) {
    if (isUncheckedOriginCallback(node)) verdict.reflected ??= 'an origin callback that accepts every origin';
    return verdict;
  }
  if (kind === 'identifier') {
    const resolved = resolveJsIdentifier(file, node.text());
    if (!resolved || isEnvironmentGated(resolved)) return verdict;
    const before = verdict.dev.length + (verdict.any || verdict.reflected ? 1 : 0);
    evaluateJsOrigin(resolved, file, verdict, depth + 1);
    if (verdict.dev.length + (verdict.any || verdict.reflected ? 1 : 0) > before) verdict.related ??= lineOf(file, resolved);
  }
  return verdict;
}

function jsPairLine(file: ParsedFile, object: SyntaxNode, key: string): Location {
  const value = jsObjectProperty(object, key);
  return lineOf(file, value?.parent() ?? value ?? object);
}

/** `cors()`, `cors({ origin, credentials })`, `cors(corsOptions)`. */
function checkExpressCors(file: ParsedFile, emit: Report): void {
  const names = corsImportNames(file.text);
  if (!names.length) return;
  for (const call of findJsCalls(file.ast, new RegExp(`^(?:${names.join('|')})$`))) {
    const gated = isEnvironmentGated(call.node);
    const config = '`cors()` middleware';
    let options: SyntaxNode | undefined = call.args[0];
    if (options?.kind() === 'identifier') options = resolveJsIdentifier(file, options.text());
    if (!call.args.length) {
      reportOrigins(emit, lineOf(file, call.node), config, { any: 'the `cors` default `*`', dev: [] }, false, gated);
      continue;
    }
    if (options?.kind() !== 'object') continue; // a per-request options delegate: not judged here
    const credentials = jsObjectProperty(options, 'credentials')?.kind() === 'true';
    const origin = jsObjectProperty(options, 'origin');
    if (!origin) {
      reportOrigins(emit, lineOf(file, call.node), config, { any: 'the `cors` default `*`', dev: [] }, credentials, gated);
      continue;
    }
    reportOrigins(emit, jsPairLine(file, options, 'origin'), config, evaluateJsOrigin(origin, file, { dev: [] }), credentials, gated);
  }
}

/** `new Server(httpServer, { cors: { origin: '*' } })` (Socket.IO) and other libraries' `cors` option objects. */
function checkCorsOptionObjects(file: ParsedFile, emit: Report): void {
  if (!/\bcors\s*:/.test(file.text)) return;
  for (const pair of file.findAll({ kind: 'pair' })) {
    if (pair.field('key')?.text() !== 'cors') continue;
    let options: SyntaxNode | undefined = pair.field('value') ?? undefined;
    if (options?.kind() === 'identifier') options = resolveJsIdentifier(file, options.text());
    if (options?.kind() !== 'object') continue;
    const origin = jsObjectProperty(options, 'origin');
    if (!origin) continue;
    const call = pair.parent()?.parent()?.parent();
    const callee = call?.kind() === 'new_expression' ? `new ${call.field('constructor')?.text() ?? ''}` : call?.kind() === 'call_expression' ? call.field('function')?.text() : undefined;
    const config = callee && callee.length <= 40 ? `The \`cors\` option of \`${callee}(…)\`` : 'The `cors` option';
    const credentials = jsObjectProperty(options, 'credentials')?.kind() === 'true';
    reportOrigins(emit, jsPairLine(file, options, 'origin'), config, evaluateJsOrigin(origin, file, { dev: [] }), credentials, isEnvironmentGated(pair));
  }
}

// ───────────────────────── manual headers (both) ─────────────────────────

function enclosingScope(node: SyntaxNode, python: boolean): SyntaxNode {
  let current = node.parent();
  while (current) {
    const k = current.kind();
    if (python ? k === 'function_definition' : isJsFunction(current)) return current;
    current = current.parent();
  }
  return node.getRoot().root();
}

/** The name of a handler function, `` for module level and anonymous callbacks without a binding. */
function scopeName(scope: SyntaxNode, python: boolean): string {
  const k = scope.kind();
  if (k === 'module' || k === 'program') return '';
  const own = scope.field('name')?.text();
  if (own) return own;
  if (python) return '';
  const parent = scope.parent();
  if (parent?.kind() === 'variable_declarator') return parent.field('name')?.text() ?? '';
  if (parent?.kind() === 'pair') return parent.field('key')?.text() ?? '';
  return '';
}

/** The header value as set: `'*'`, `req.headers.origin`, or a local variable assigned from it. */
function evaluateHeaderValue(value: SyntaxNode, scope: SyntaxNode, python: boolean): OriginVerdict {
  const verdict: OriginVerdict = { dev: [] };
  const literal = python ? pyStringValue(value) : jsStringValue(value);
  if (literal !== undefined) {
    classifyOriginString(literal, verdict, python);
    return verdict;
  }
  if (value.kind() === 'conditional_expression' || value.kind() === 'ternary_expression') return verdict; // chosen by a check
  let source = value.text();
  let variable: string | undefined;
  if (value.kind() === 'identifier') {
    variable = value.text();
    const definition = python
      ? scope.findAll({ rule: { kind: 'assignment' } }).find((a) => a.field('left')?.text() === variable)?.field('right')
      : scope.findAll({ rule: { kind: 'variable_declarator' } }).find((d) => d.field('name')?.text() === variable)?.field('value');
    source = definition?.text() ?? '';
  }
  if (!ORIGIN_SOURCE.test(source)) return verdict;
  if (originIsChecked(scope.text(), variable) || guardedByCondition(value, scope, variable)) return verdict;
  verdict.reflected = `\`${value.text().length <= 40 ? value.text() : 'the Origin header'}\``;
  return verdict;
}

/** Inside `if is_allowed(origin):` / `if (allowed.has(origin))` — any condition that does more than test the origin for presence. */
function guardedByCondition(node: SyntaxNode, scope: SyntaxNode, variable: string | undefined): boolean {
  const subject = variable ?? 'origin';
  const mentions = new RegExp(`\\b${subject.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i');
  const presenceOnly = new RegExp(`^\\(?\\s*!?\\s*(?:not\\s+)?${subject}\\s*(?:is\\s+not\\s+None|!==?\\s*(?:null|undefined))?\\s*\\)?$`, 'i');
  let current = node.parent();
  while (current && !sameNode(current, scope)) {
    const k = current.kind();
    if (k === 'if_statement' || k === 'elif_clause') {
      const condition = current.field('condition')?.text().trim() ?? '';
      if (mentions.test(condition) && !presenceOnly.test(condition)) return true;
    }
    current = current.parent();
  }
  return false;
}

/** An allow-list test on the origin somewhere in the handler: `allowed.includes(origin)`, `origin in ALLOWED`. */
function originIsChecked(text: string, variable: string | undefined): boolean {
  const names = [variable, 'origin', 'req\\.headers\\.origin', 'request\\.headers\\.get\\(\\s*["\']origin["\']\\s*\\)'].filter(Boolean).join('|');
  const subject = `(?:${names})`;
  const checks = [
    new RegExp(`(?:includes|indexOf|has|test|match|fullmatch|startsWith|endsWith|search)\\(\\s*${subject}\\b`, 'i'),
    new RegExp(`\\b${subject}\\s*(?:===|!==|==|!=)\\s*\\S`, 'i'),
    new RegExp(`\\b${subject}\\s+(?:not\\s+)?in\\s+\\w`, 'i'),
    new RegExp(`\\b${subject}\\.(?:endsWith|startsWith|match|endswith|startswith)\\(`, 'i'),
  ];
  return checks.some((r) => r.test(text));
}

function credentialsInScope(scope: SyntaxNode): boolean {
  return /access-control-allow-credentials['"]\s*[,:\]=]\s*\]?\s*=?\s*['"]?true/i.test(scope.text());
}

/** Every place a literal `Access-Control-Allow-Origin` header is set. */
function checkManualHeaders(file: ParsedFile, python: boolean, emit: Report): void {
  if (!/access-control-allow-origin/i.test(file.text)) return;
  const literals = file.findAll(python ? { kind: 'string' } : { any: [{ kind: 'string' }, { kind: 'template_string' }] });
  for (const literal of literals) {
    const text = python ? pyStringValue(literal) : jsStringValue(literal);
    if (text?.toLowerCase() !== ACAO) continue;
    const value = headerValueOf(literal, python);
    if (!value) continue;
    const scope = enclosingScope(literal, python);
    const verdict = evaluateHeaderValue(value, scope, python);
    const fn = scopeName(scope, python);
    const config = `The \`Access-Control-Allow-Origin\` header set ${fn ? `in \`${fn}()\`` : 'here'}`;
    reportOrigins(emit, lineOf(file, literal), config, verdict, credentialsInScope(scope), isEnvironmentGated(literal));
  }
}

const CLIENT_CALL = /^(?:fetch|axios|got|ky|superagent|request|\$\.ajax)$|^(?:axios|got|ky|requests|httpx|aiohttp|session|client|http|api|\$http)\.\w+$|\.(?:request|fetch)$/;

/** Whether an object literal is part of an outgoing HTTP request (`fetch(url, { headers })`, `requests.get(..., headers=…)`). */
function isOutgoingRequest(node: SyntaxNode, python: boolean): boolean {
  let current = node.parent();
  while (current) {
    const k = current.kind();
    if (python ? k === 'function_definition' : isJsFunction(current)) return false;
    if (k === 'call' || k === 'call_expression') {
      const callee = current.field('function')?.text() ?? '';
      if (CLIENT_CALL.test(callee)) return true;
    }
    current = current.parent();
  }
  return false;
}

/** The value given to the header named by `literal`, in the shapes code uses to set headers. */
function headerValueOf(literal: SyntaxNode, python: boolean): SyntaxNode | undefined {
  const parent = literal.parent();
  if (!parent) return undefined;
  const k = parent.kind();
  // response.headers["Access-Control-Allow-Origin"] = value
  if (python && k === 'subscript') {
    const assignment = parent.parent();
    if (assignment?.kind() === 'assignment' && sameNode(assignment.field('left'), parent)) return assignment.field('right') ?? undefined;
    return undefined;
  }
  // res.setHeader('Access-Control-Allow-Origin', value), headers.add(...), res.header(...)
  if (k === 'arguments' || k === 'argument_list') {
    const call = parent.parent();
    const described = call ? (python ? describePyCall(call) : describeJsCall(call)) : undefined;
    if (!described || !sameNode(described.args[0], literal)) return undefined;
    if (!/(?:setHeader|header|set|add|append|setdefault|__setitem__)$/.test(described.callee)) return undefined;
    return described.args[1];
  }
  // { 'Access-Control-Allow-Origin': value }, but not in the headers of an outgoing request (a harmless client-side mistake)
  if (k === 'pair' && sameNode(parent.field('key'), literal)) return isOutgoingRequest(parent, python) ? undefined : (parent.field('value') ?? undefined);
  // Next.js headers(): { key: 'Access-Control-Allow-Origin', value: '*' }
  if (!python && k === 'pair' && parent.field('key')?.text() === 'key') {
    const object = parent.parent();
    return object ? jsObjectProperty(object, 'value') : undefined;
  }
  return undefined;
}
