import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, findPyCalls, pyFunctionName, pyLocalBinding, pyStringValue } from '../../parse/python-syntax.ts';

/**
 * Log calls (`logger.*`, `logging.*`, structlog, `print`) whose arguments carry a password,
 * token, API key, the Authorization header, a card number, the whole request body, or PHI/PII
 * fields. Values are judged by the name of the variable, attribute or key they come from;
 * masked (`mask(token)`, `token[:4]`), measured (`len(password)`) or boolean (`token is None`)
 * forms and plain message text stay quiet.
 */

const LOG_METHOD = /(^|\.)(debug|info|warning|warn|error|exception|critical|fatal|log|msg)$|^print$/;
/** The object a log method is called on: `logger`, `self.log`, `app.logger`, `logging`, `structlog.get_logger()`, `log.bind(…)`. */
const LOGGER_OBJECT = /^_*(log|logger|logging|structlog|[a-z0-9_]*_log|[a-z0-9_]*_?logger|bind|opt|getlogger|get_logger)$/i;
const NOT_ARGUMENT = new Set(['exc_info', 'stack_info', 'stacklevel', 'sep', 'end', 'file', 'flush']);
const REQUEST = /^(self\.)?(request|req|flask\.request)$/;
const WHOLE_BODY_ATTR = new Set(['json', 'form', 'data', 'body', 'POST', 'values']);
const WHOLE_BODY_CALL = new Set(['get_json', 'get_data', 'json', 'body', 'form']);
/** Calls whose result still shows their argument. Any other call (mask, len, hash, bool …) is taken to hide it. */
const PASSTHROUGH = /^(str|repr|dict|list|tuple|json\.dumps|jsonable_encoder|pformat|pprint\.pformat|json\.loads)$|\.format$/;

/** Last name tokens that say the value is about a secret, not the secret: `token_type`, `password_changed`. */
const NOT_VALUE_LAST = new Set(
  (
    'type types kind id ids name names url uri endpoint path file length len size count counts limit max min expiry expires ' +
    'expiration exp ttl age at time timestamp valid invalid changed updated set sent present provided required enabled disabled ' +
    'status state error errors message msg hint policy strength field fields prefix suffix format algorithm alg scope scopes ' +
    'version hash hashed digest attempts label mask masked redacted fingerprint last4 usage used budget index idx position arn ' +
    'ref manager service client provider store cache source backend class model schema serializer form validator regex pattern ' +
    'method mode match matches ok exists created revoked expired verified checked flag reset rotation payload claims data info ' +
    'details dir directory'
  ).split(' '),
);
/** First name tokens of flags, counters and non-secret tokens: `is_token_valid`, `next_page_token`, `csrf_token`. */
const NOT_VALUE_FIRST = new Set(
  (
    'is has should can must num n len count total max min use enable require validate check verify hashed hash masked mask ' +
    'redacted safe page next pagination continuation csrf xsrf sync cursor input output prompt completion forgot'
  ).split(' '),
);
const KEY_QUALIFIER = new Set(['api', 'private', 'secret', 'signing', 'encryption', 'access', 'master', 'webhook', 'hmac', 'client']);
/** Files where a bare `token` is a piece of text (tokenizers, LLM streams), not a credential. */
const TEXT_TOKENS = /tokeniz|tiktoken|nltk|spacy|transformers|langchain|llama|astream|stream=True|on_llm_new_token|ollama/i;

/** Words one of the names above must contain (lower-cased), checked on the raw argument text first. */
const SENSITIVE_HINT = /pass|pwd|secret|token|jwt|bearer|key|auth|credential|card|cvv|cvc|ssn|social|diagnos|birth|dob|medical|mrn|prescription|lab_result|health_record|request|\breq\b/i;

/** A file can only leak when it names a sensitive value or reads a whole request body or its headers. */
const FILE_HINT =
  /password|passwd|pwd|secret|token|jwt|bearer|apikey|(api|private|secret|signing|encryption|access|master|webhook|hmac|client)_?key|authorization|auth_?header|credential|card|cvv|cvc|ssn|social_security|diagnos|birth|dob|medical|mrn|prescription|lab_result|health_record|\breq(uest)?\.(json|get_json|body|form|data|POST|headers|META|cookies|COOKIES|values|get_data)\b/i;

type HitKind = 'secret' | 'body' | 'phi';
interface Hit {
  kind: HitKind;
  what: string;
  node: SyntaxNode;
}
interface Scope {
  file: ParsedFile;
  fn?: SyntaxNode;
  textTokens: boolean;
}

export default defineRule({
  meta: {
    id: 'sensitive-data-logged',
    category: 'security',
    title: 'Secrets or personal data written to logs',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Secrets Management',
    effortHours: 0.5,
    messages: {
      secretLogged: '`{{call}}` writes {{what}} to the logs: `{{expr}}`.',
      wholeRequestBody: '`{{call}}` logs the whole request body (`{{expr}}`), including any password, token or personal data the client sent.',
      phiLogged: '`{{call}}` writes {{what}}, personal health or identity data, to the logs: `{{expr}}`.',
    },
    why: [
      'Logs are copied to log aggregators, error trackers, support tickets and backups, are kept for months and are readable by far more people than the database. A password or token written there is a credential anyone with log access can use; a health or identity field written there is a reportable privacy breach under HIPAA and GDPR.',
    ].join('\n'),
    fix: [
      'Log identifiers and outcomes, never the secret or the whole payload. Mask what you must show.',
      '```python',
      'logger.info("login succeeded", extra={"user_id": user.id})',
      'logger.debug("using API key %s…", api_key[:4])',
      'logger.info("payload received", extra={"fields": sorted(payload.keys())})',
      '```',
      'For structured logging, add a processor (structlog) or `logging.Filter` that redacts keys such as `password`, `token`, `authorization` and health fields before anything is written.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'auth.py':
          'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef login(email, password):\n    logger.info(f"login attempt {email} {password}")\n    return check(email, password)\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'auth.py':
          'import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef login(email, password):\n    logger.info("login attempt for %s", email)\n    return check(email, password)\n',
      },
    },
    references: {
      cwe: [532, 312],
      owasp: ['A09:2021'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html'],
      equivalents: ['semgrep:python.lang.security.audit.logging.logger-credential-leak.python-logger-credential-disclosure'],
    },
  },
  check({ files, report }) {
    for (const file of files.ofKind('python', { containing: ['log', 'print'], includeTests: false })) {
      if (!file.ast || !FILE_HINT.test(file.text)) continue;
      const textTokens = TEXT_TOKENS.test(file.text);
      const readsRequest = new Map<number, boolean>();
      for (const call of findPyCalls(file.ast, LOG_METHOD)) {
        if (call.callee !== 'print' && !isLoggerObject(call.callee)) continue;
        const fn = enclosingPyFunction(call.node);
        // Cheap pre-check: a sensitive word in the arguments, or a function that reads the request body.
        if (!SENSITIVE_HINT.test(call.node.field('arguments')?.text() ?? '')) {
          const start = fn?.range().start.index ?? -1;
          let reads = readsRequest.get(start);
          if (reads === undefined) readsRequest.set(start, (reads = !!fn && /\breq(uest)?\b/.test(fn.text())));
          if (!reads) continue;
        }
        const scope: Scope = { file, fn, textTokens };
        if (scope.fn && /on_llm_new_token|on_token|stream/i.test(pyFunctionName(scope.fn))) scope.textTokens = true;
        const hits: Hit[] = [];
        for (const arg of call.args) collect(arg, scope, hits, 0);
        for (const [name, value] of call.keywords) {
          if (NOT_ARGUMENT.has(name)) continue;
          const named = classifyName(name, scope);
          if (named && showsValue(value)) hits.push({ ...named, node: value.parent() ?? value });
          else collect(value, scope, hits, 0);
        }
        const hit = hits.find((h) => h.kind === 'phi') ?? hits.find((h) => h.kind === 'secret') ?? hits[0];
        if (!hit) continue;
        const data = { call: call.callee, what: hit.what, expr: shorten(hit.node.text()) };
        const messageId = hit.kind === 'phi' ? 'phiLogged' : hit.kind === 'body' ? 'wholeRequestBody' : 'secretLogged';
        const severity: Severity = hit.kind === 'phi' ? 'high' : 'medium';
        report({ messageId, at: file.locate(call.node), data, severity });
      }
    }
  },
});

function isLoggerObject(callee: string): boolean {
  const object = callee.slice(0, callee.lastIndexOf('.')).replace(/\([^()]*\)$/, '');
  const last = object.split('.').pop() ?? '';
  return LOGGER_OBJECT.test(last);
}

/** Walk an argument expression for values that leak; stops at calls that transform their input. */
function collect(node: SyntaxNode, scope: Scope, hits: Hit[], depth: number): void {
  if (depth > 8) return;
  switch (String(node.kind())) {
    case 'identifier': {
      const name = node.text();
      const named = classifyName(name, scope);
      const binding = scope.fn ? pyLocalBinding(scope.fn, name, node.range().start.index, scope.file) : undefined;
      const bound = binding && binding !== 'global' ? binding : undefined;
      if (named) {
        if (bound?.node.kind() !== 'for_statement') hits.push({ ...named, node });
        return;
      }
      if (bound?.value && !bound.isParameter && wholeBody(bound.value)) hits.push({ kind: 'body', what: 'the whole request body', node });
      return;
    }
    case 'attribute': {
      const object = node.field('object')?.text() ?? '';
      const attr = node.field('attribute')?.text() ?? '';
      if (REQUEST.test(object)) {
        if (attr === 'headers' || attr === 'META') hits.push({ kind: 'secret', what: 'all request headers (`Authorization` and cookies among them)', node });
        else if (attr === 'cookies' || attr === 'COOKIES') hits.push({ kind: 'secret', what: 'all request cookies (the session cookie among them)', node });
        else if (WHOLE_BODY_ATTR.has(attr)) hits.push({ kind: 'body', what: 'the whole request body', node });
        return;
      }
      const named = classifyName(attr, scope);
      if (named) hits.push({ ...named, node });
      return;
    }
    case 'subscript': {
      const key = node.field('subscript');
      if (!key || key.kind() === 'slice') return;
      const named = keyed(pyStringValue(key), scope);
      if (named) hits.push({ ...named, node });
      return;
    }
    case 'call': {
      const call = describePyCall(node);
      if (!call) return;
      const method = call.callee.split('.').pop() ?? '';
      const object = call.callee.slice(0, Math.max(0, call.callee.lastIndexOf('.')));
      if (REQUEST.test(object) && WHOLE_BODY_CALL.has(method)) {
        hits.push({ kind: 'body', what: 'the whole request body', node });
        return;
      }
      if (method === 'get' && object && call.args[0]) {
        const named = keyed(pyStringValue(call.args[0]), scope);
        if (named) hits.push({ ...named, node });
        return;
      }
      if (!PASSTHROUGH.test(call.callee)) return;
      for (const arg of call.args) collect(arg, scope, hits, depth + 1);
      for (const value of call.keywords.values()) collect(value, scope, hits, depth + 1);
      return;
    }
    case 'string':
      for (const part of node.children()) {
        if (part.kind() !== 'interpolation') continue;
        const inner = part.children().find((c) => c.isNamed() && c.kind() !== 'type_conversion' && c.kind() !== 'format_specifier');
        if (inner) collect(inner, scope, hits, depth + 1);
      }
      return;
    case 'dictionary':
      for (const pair of node.children()) {
        if (pair.kind() === 'dictionary_splat') {
          for (const c of pair.children()) if (c.isNamed()) collect(c, scope, hits, depth + 1);
          continue;
        }
        if (pair.kind() !== 'pair') continue;
        const value = pair.field('value');
        if (!value) continue;
        const named = keyed(pyStringValue(pair.field('key')), scope);
        if (named && showsValue(value)) hits.push({ ...named, node: pair });
        else collect(value, scope, hits, depth + 1);
      }
      return;
    case 'conditional_expression': {
      const parts = node.children().filter((c) => c.isNamed());
      for (const part of [parts[0], parts[2]]) if (part) collect(part, scope, hits, depth + 1);
      return;
    }
    case 'await':
    case 'parenthesized_expression':
    case 'concatenated_string':
    case 'binary_operator':
    case 'list':
    case 'tuple':
    case 'set':
    case 'list_splat':
    case 'dictionary_splat':
    case 'keyword_argument':
      for (const c of node.children()) if (c.isNamed() && c.kind() !== 'comment') collect(c, scope, hits, depth + 1);
      return;
    default:
      return;
  }
}

/** Whether a value shown under a sensitive key is the value itself (not a literal, a mask, a length or a flag). */
function showsValue(value: SyntaxNode): boolean {
  switch (String(value.kind())) {
    case 'identifier':
    case 'attribute':
      return true;
    case 'subscript':
      return value.field('subscript')?.kind() !== 'slice';
    case 'string':
      return value.children().some((c) => c.kind() === 'interpolation');
    case 'await':
    case 'parenthesized_expression': {
      const inner = value.children().find((c) => c.isNamed());
      return !!inner && showsValue(inner);
    }
    case 'call': {
      const call = describePyCall(value);
      return !!call && PASSTHROUGH.test(call.callee) && call.args.some((a) => showsValue(a));
    }
    default:
      return false;
  }
}

/** `request.json`, `request.get_json()`, `await request.body()`, `json.loads(request.body)`, Django `request.POST`, DRF `request.data`. */
function wholeBody(value: SyntaxNode): boolean {
  const kind = value.kind();
  if (kind === 'await' || kind === 'parenthesized_expression') {
    const inner = value.children().find((c) => c.isNamed());
    return !!inner && wholeBody(inner);
  }
  if (kind === 'attribute') return REQUEST.test(value.field('object')?.text() ?? '') && WHOLE_BODY_ATTR.has(value.field('attribute')?.text() ?? '');
  const call = describePyCall(value);
  if (!call) return false;
  const method = call.callee.split('.').pop() ?? '';
  if (REQUEST.test(call.callee.slice(0, Math.max(0, call.callee.lastIndexOf('.')))) && WHOLE_BODY_CALL.has(method)) return true;
  return /^json\.loads$/.test(call.callee) && !!call.args[0] && wholeBody(call.args[0]);
}

/** A dictionary / header key: `"password"`, `"Authorization"`, `"X-Api-Key"`. */
function keyed(key: string | undefined, scope: Scope): { kind: HitKind; what: string } | undefined {
  if (key === undefined) return undefined;
  if (/^(authorization|proxy-authorization)$/i.test(key)) return { kind: 'secret', what: 'the `Authorization` header' };
  if (/^cookie$/i.test(key)) return { kind: 'secret', what: 'the `Cookie` header' };
  return classifyName(key, scope);
}

function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** What a name says its value is: a password, a token, a diagnosis … or undefined. */
function classifyName(name: string, scope: Scope): { kind: HitKind; what: string } | undefined {
  const t = nameTokens(name);
  if (!t.length) return undefined;
  const first = t[0];
  const last = t[t.length - 1];
  if (NOT_VALUE_FIRST.has(first) || NOT_VALUE_LAST.has(last)) return undefined;
  const joined = `_${t.join('_')}_`;
  if (/_ssn_|_social_security_/.test(joined)) return { kind: 'phi', what: 'a social security number' };
  if (/_diagnos[ie]s_/.test(joined)) return { kind: 'phi', what: 'a diagnosis' };
  if (/_date_of_birth_|_dob_|_birth_?date_|_birthdate_/.test(joined)) return { kind: 'phi', what: 'a date of birth' };
  if (/_medical_records?_|_mrn_|_medical_history_|_prescriptions?_|_lab_results?_|_health_records?_/.test(joined)) return { kind: 'phi', what: 'a medical record' };
  // A bare `pwd` is as often the working directory as a password.
  if (t.some((x) => x === 'password' || x === 'passwd' || x === 'passphrase' || (x === 'pwd' && t.length > 1))) return { kind: 'secret', what: 'a password' };
  if (t.includes('secret')) return { kind: 'secret', what: 'a secret' };
  if (t.includes('jwt') || t.includes('bearer')) return { kind: 'secret', what: 'a token' };
  if (t.includes('token')) {
    // A bare `token` in a tokenizer or LLM-streaming module is a piece of text.
    if (t.length === 1 && scope.textTokens) return undefined;
    return { kind: 'secret', what: 'a token' };
  }
  if (t.includes('apikey') || /_api_key_/.test(joined)) return { kind: 'secret', what: 'an API key' };
  if (last === 'key' && t.length >= 2 && KEY_QUALIFIER.has(t[t.length - 2])) return { kind: 'secret', what: t[t.length - 2] === 'private' ? 'a private key' : 'a secret key' };
  if (t.includes('authorization') || /_auth_header_/.test(joined)) return { kind: 'secret', what: 'the `Authorization` header' };
  if (t.includes('credentials') || t.includes('credential')) return { kind: 'secret', what: 'credentials' };
  if (/_credit_?card_|_card_number_|_cc_num(ber)?_|_cvv_|_cvc_/.test(joined)) return { kind: 'secret', what: 'a card number' };
  return undefined;
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}
