import type { SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import {
  enclosingPyFunction,
  findPyCalls,
  pyAssignmentsBefore,
  pyFunctionName,
  pyImports,
  pyModuleAssignments,
  pyQualifiedName,
  pyStringValue,
  pyValueDestination,
} from '../../parse/python-syntax.ts';
import { codeSpanText, toSnakeCase } from '../../parse/syntax.ts';

const RANDOM_FUNCTION = /^random\.(random|randint|choice|choices|getrandbits|randrange|sample|uniform|randbytes|triangular|gauss)$/;
const NUMPY_RANDOM = /^numpy\.random\.(rand|randint|random|random_sample|choice|bytes|randn)$/;
const RANDOM_METHOD = /^(random|randint|choice|choices|getrandbits|randrange|sample|uniform|randbytes)$/;
const UUID1 = /^uuid\.uuid1$/;

/** Whole snake_case words naming a value an attacker must not guess. */
const SECRET_WORD =
  /(^|_)(token|otp|totp|hotp|password|passwd|pwd|passphrase|passcode|secret|salt|nonce|csrf|xsrf|api_key|apikey|session|session_id|sid|reset|invite|invitation|verification|activation|magic_link|recovery|access_key|secret_key|private_key|signing_key|encryption_key|license_key|pin|one_time|mfa|2fa|auth_code|confirmation|confirm|unsubscribe|share_link|voucher|coupon|promo)(_|$)/;
/** A trailing word that makes the name describe the value instead of holding it (`token_count`, `session_timeout`). */
const METADATA_SUFFIX =
  /_(type|count|length|len|size|index|idx|timeout|delay|ttl|interval|jitter|backoff|retry|retries|sleep|wait|limit|expiry|expires|expires_at|lifetime|duration|attempts|color|colour|position|offset|order|weight|ratio|rate|score|sample|seed|bucket|shard)$/;
/** Language-model and parser tokens, not credentials: next_token, eos_token, sampled_token. */
const NOT_CREDENTIAL = /(^|_)(next|prev|previous|eos|bos|pad|unk|sep|cls|mask|special|start|end|stop|sampled|generated|output|input|new|predicted|first|last)_tokens?(_|$)/;
/** `code` is a secret only next to these words (a verification code, not a colour code). */
const CODE_WORD = /(^|_)code(_|$)/;
const CODE_CONTEXT = /(otp|verif|reset|auth|login|sms|2fa|mfa|confirm|activat|signup|sign_up|register|invite|email|phone|password|one_time|security|recovery)/;

/** Callee pattern: dotted names ending in one of `verbs`, or a plain name imported from a module matching `modules`. */
function calleePattern(root: SyntaxNode, verbs: string, modules: RegExp): RegExp {
  const aliases = [...pyImports(root).entries()].filter(([local, i]) => local && modules.test(i.module)).map(([local]) => local);
  return new RegExp(`^(?:[\\w.]*\\b(?:${verbs})${aliases.length ? `|${aliases.join('|')}` : ''})$`);
}

const CANDIDATE_VERBS = 'random|randint|choice|choices|getrandbits|randrange|sample|uniform|randbytes|triangular|gauss|rand|random_sample|bytes|randn|uuid1';
const CANDIDATE_MODULES = /^(random|numpy|uuid)\b/;

/** Whether a name holds a secret; `context` (function and target names) decides for `code`. */
function isSecretName(name: string, context = ''): boolean {
  const snake = toSnakeCase(name);
  if (METADATA_SUFFIX.test(snake) || /^(max|min|num|n)_/.test(snake) || NOT_CREDENTIAL.test(snake)) return false;
  if (SECRET_WORD.test(snake)) return true;
  return CODE_WORD.test(snake) && CODE_CONTEXT.test(`${snake} ${toSnakeCase(context)}`);
}

/** Session keys that identify or authenticate the user (a random `session["tip_index"]` is harmless). */
const SESSION_IDENTITY_KEY = /(user|uid|^id$|_id$|token|auth|key|secret|nonce|csrf|session|login|account)/i;

interface Sink {
  kind: 'name' | 'return' | 'cookie' | 'session';
  name: string;
}

/** Where a value ends up: the name it is stored under, the function it is returned from, or a cookie. */
function sinkOf(node: SyntaxNode): Sink | undefined {
  const destination = pyValueDestination(node);
  const isCookieCall = (call: SyntaxNode | undefined) => !!call && /set_cookie$/.test(call.field('function')?.text() ?? '');
  const cookieCall = destination.calls.find(isCookieCall) ?? (destination.kind === 'keyword' && isCookieCall(destination.owner) ? destination.owner : undefined);
  if (cookieCall) return cookieSink(cookieCall);
  const target = destination.target;
  switch (destination.kind) {
    case 'keyword':
      return { kind: 'name', name: target?.text() ?? '' };
    case 'pair':
      return { kind: 'name', name: pyStringValue(target) ?? target?.text() ?? '' };
    case 'assignment': {
      if (!target) return undefined;
      if (target.kind() === 'identifier') return { kind: 'name', name: target.text() };
      if (target.kind() === 'attribute') return { kind: 'name', name: target.field('attribute')?.text() ?? '' };
      if (target.kind() === 'subscript') {
        const key = pyStringValue(target.field('subscript'));
        // `session["user"] = value`: the session identifies the user, whatever the key.
        if (/(^|\.)session$/.test(target.field('value')?.text() ?? '') && (!key || SESSION_IDENTITY_KEY.test(key))) return { kind: 'session', name: `session[${key ? `"${key}"` : '…'}]` };
        return { kind: 'name', name: key ?? target.field('value')?.text() ?? '' };
      }
      return undefined;
    }
    case 'return':
      return destination.owner ? { kind: 'return', name: pyFunctionName(destination.owner) } : undefined;
    default:
      return undefined;
  }
}

function cookieSink(call: SyntaxNode): Sink {
  const first = call.field('arguments')?.children().find((c) => c.isNamed() && c.kind() !== 'comment');
  const key = first?.kind() === 'keyword_argument' ? undefined : pyStringValue(first);
  return { kind: 'cookie', name: key ? `cookie "${key}"` : 'a cookie' };
}

/**
 * Where a local that holds a random value goes next, a few assignments deep: a cookie, the
 * session, or a secret-named variable. Only plain copies and conversions count (`str(v)`,
 * `f"{v}"`, `v.hex()`), not arithmetic that merely uses it.
 */
function forwardSink(fn: SyntaxNode, name: string, after: number, depth: number): Sink | undefined {
  if (depth > 3) return undefined;
  for (const use of fn.findAll({ rule: { kind: 'identifier', regex: `^${name}$` } })) {
    if (use.range().start.index <= after || enclosingPyFunction(use)?.range().start.index !== fn.range().start.index) continue;
    let value: SyntaxNode = use;
    // Climb through conversions that keep the value: str(v), f"{v}", "x" + v, v.hex().
    for (let p = value.parent(); p; value = p, p = p.parent()) {
      const kind = String(p.kind());
      if (kind === 'argument_list' && /^(str|repr|hex|format|bytes)$/.test(p.parent()?.field('function')?.text() ?? '')) continue;
      if (kind === 'call' && p.field('function')?.text() !== undefined && /^(str|repr|hex|format|bytes)$/.test(p.field('function')!.text())) continue;
      if (kind === 'interpolation' || kind === 'string' || kind === 'binary_operator' || kind === 'parenthesized_expression') continue;
      break;
    }
    const sink = sinkOf(value);
    if (!sink) continue;
    if (sink.kind === 'cookie' || sink.kind === 'session') return sink;
    if (sink.kind === 'name' && isSecretName(sink.name, pyFunctionName(fn))) return sink;
    if (sink.kind === 'name' && /^\w+$/.test(sink.name) && sink.name !== name) {
      const next = forwardSink(fn, sink.name, use.range().end.index, depth + 1);
      if (next) return next;
    }
  }
  return undefined;
}

/** Whether `fn` returns the local `name` (bare or inside an f-string / join / dict). */
function returnsName(fn: SyntaxNode, name: string): boolean {
  const start = fn.range().start.index;
  return fn
    .findAll({ rule: { kind: 'return_statement' } })
    .filter((r) => enclosingPyFunction(r)?.range().start.index === start)
    .some((r) => r.findAll({ rule: { kind: 'identifier' } }).some((id) => id.text() === name));
}

/** A sequence that characters or digits are drawn from: `string.ascii_letters`, `"0123456789"`, `ALPHABET`, `range(10)`. */
function looksLikeAlphabet(node: SyntaxNode): boolean {
  const text = node.text();
  if (/\bstring\.|\brange\(/.test(text)) return true;
  if (node.kind() === 'string' || node.kind() === 'concatenated_string') return true;
  return /alphabet|chars|characters|letters|digits|charset|symbols|punctuation|hex|wordlist/i.test(text);
}

/** Functions and names whose randomness is not a secret: MIME boundaries, jitter, test data. */
const NOT_SECRET_CONTEXT = /(boundary|jitter|backoff|delay|sleep|color|colour|shuffle|sample|seed|simulat|fake|dummy|mock|demo|example|placeholder|captcha_image|noise)/;

/** Whether a value produced at `node` ends up as a secret, judged locally. */
function secretSink(node: SyntaxNode): Sink | undefined {
  const sink = sinkOf(node);
  if (!sink) return undefined;
  if (sink.kind === 'cookie' || sink.kind === 'session') return sink;
  const fn = enclosingPyFunction(node);
  const fnName = fn ? pyFunctionName(fn) : '';
  if (NOT_SECRET_CONTEXT.test(toSnakeCase(fnName)) || NOT_SECRET_CONTEXT.test(toSnakeCase(sink.name))) return undefined;
  if (isSecretName(sink.name, fnName)) return sink;
  // `val = random.getrandbits(32); key = str(val); resp.set_cookie("remember", key)`: follow the local forward.
  if (sink.kind === 'name' && fn && /^\w+$/.test(sink.name)) {
    const onward = forwardSink(fn, sink.name, node.range().end.index, 0);
    if (onward) return onward;
  }
  // key = "".join(random.choice(...)); return key — inside generate_api_key()
  if (sink.kind === 'name' && fn && /^\w+$/.test(sink.name) && isSecretName(fnName) && returnsName(fn, sink.name)) return { kind: 'return', name: fnName };
  return undefined;
}

export default defineRule({
  meta: {
    id: 'weak-random-token',
    category: 'security',
    title: 'Security token generated with a predictable random number generator',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Cryptography',
    effortHours: 0.5,
    messages: {
      weakRandomToken: '`{{call}}` uses a predictable pseudo-random generator to produce {{target}}.',
      weakRandomViaHelper: '`{{call}}` in `{{helper}}()` uses a predictable pseudo-random generator, and `{{helper}}()` produces {{target}} on line {{line}}.',
      predictableUuid: '`{{call}}` builds {{target}} from the host MAC address and the current time, so it can be guessed.',
    },
    why: [
      "Python's `random` module is a Mersenne Twister: fast and statistically fine, but not secret. After observing 624 of its 32-bit outputs (a few dozen tokens) an attacker can",
      'reconstruct its state and predict every future value, so password-reset links, one-time codes, API keys and session ids made with it can be forged.',
      'Values drawn from it for jitter or sampling are fine; values that grant access are not.',
      '`uuid.uuid1()` is built from the MAC address and a timestamp, so it is guessable too.',
    ].join(' '),
    fix: [
      'Use the `secrets` module (backed by the operating system\'s CSPRNG) for anything an attacker must not guess:',
      '',
      '```python',
      'import secrets',
      '',
      'reset_token = secrets.token_urlsafe(32)',
      'otp = f"{secrets.randbelow(1_000_000):06d}"',
      'api_key = "sk_" + secrets.token_hex(24)',
      'password = "".join(secrets.choice(ALPHABET) for _ in range(16))',
      '```',
      'Keep `random` for jitter, sampling and simulations.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'tokens.py': 'import random\nimport string\n\n\ndef new_reset_token() -> str:\n    return "".join(random.choices(string.ascii_letters + string.digits, k=32))\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'tokens.py': 'import secrets\n\n\ndef new_reset_token() -> str:\n    return secrets.token_urlsafe(32)\n',
      },
    },
    references: {
      cwe: [330, 338],
      owasp: ['A02:2021'],
      urls: ['https://docs.python.org/3/library/secrets.html', 'https://docs.python.org/3/library/random.html'],
      equivalents: ['bandit:B311', 'semgrep:python.lang.security.audit.insecure-random.insecure-random (partial)'],
    },
  },
  check({ files, report }) {
    for (const file of files.ofKind('python', { containing: ['random', 'uuid1'], includeTests: false })) {
      const root = file.ast;
      if (!root) continue;
      const moduleAssigns = pyModuleAssignments(root);
      /** Generic helpers returning a random value, by name → the random call inside, reported once per use site. */
      const helpers = new Map<string, SyntaxNode>();

      // try: from secrets import randbits / except ImportError: from random import getrandbits as randbits
      const fromSecrets = new Set(
        [...file.text.matchAll(/from\s+secrets\s+import\s+([^\n]+)/g)].flatMap((m) => m[1].replace(/[()]/g, '').split(',').map((n) => n.trim().split(/\s+as\s+/).pop() ?? '')),
      );
      const isRandomCall = (callee: string, node: SyntaxNode): boolean => {
        if (fromSecrets.has(callee.split('.')[0])) return false;
        const name = pyQualifiedName(root, callee);
        if (RANDOM_FUNCTION.test(name) || NUMPY_RANDOM.test(name)) return true;
        const method = /^(\w+)\.(\w+)$/.exec(callee);
        if (!method || !RANDOM_METHOD.test(method[2])) return false;
        const fn = enclosingPyFunction(node);
        const local = fn ? pyAssignmentsBefore(fn, method[1], node.range().start.index).pop()?.value : undefined;
        const origin = local ?? moduleAssigns.get(method[1])?.at(-1)?.field('right') ?? undefined;
        if (origin?.kind() !== 'call') return false;
        return /^random\.Random$/.test(pyQualifiedName(root, origin.field('function')?.text() ?? ''));
      };

      for (const call of findPyCalls(root, calleePattern(root, CANDIDATE_VERBS, CANDIDATE_MODULES))) {
        const node = call.node;
        if (call.callee.includes('.') && !/^\w+\.\w+$/.test(call.callee) && !call.callee.startsWith('np.') && !call.callee.startsWith('numpy.')) continue;
        const isUuid1 = UUID1.test(pyQualifiedName(root, call.callee));
        if (!isUuid1 && !isRandomCall(call.callee, node)) continue;
        // random.choice(settings.OPENAI_KEYS) picks an existing value (load balancing); only picks from an alphabet make a new one.
        if (/(^|\.)(choice|choices|sample)$/.test(call.callee) && call.args[0] && !looksLikeAlphabet(call.args[0])) continue;
        const sink = secretSink(node);
        if (sink) {
          const target = sink.kind === 'cookie' ? sink.name : sink.kind === 'return' ? `the return value of \`${sink.name}()\`` : sink.kind === 'session' ? `the session value \`${sink.name}\`` : `\`${sink.name}\``;
          report({
            messageId: isUuid1 ? 'predictableUuid' : 'weakRandomToken',
            at: file.locate(node),
            data: { call: codeSpanText(node, 70), target },
            ...(isUuid1 ? { severity: 'medium' as const } : {}),
          });
          continue;
        }
        // A generic helper (random_string) whose result the file stores as a secret.
        const plain = sinkOf(node);
        if (!isUuid1 && plain?.kind === 'return' && !helpers.has(plain.name)) helpers.set(plain.name, node);
      }

      for (const [helper, randomCall] of helpers) {
        const escaped = helper.replace(/[$]/g, '\\$');
        for (const use of findPyCalls(root, new RegExp(`^(self\\.|cls\\.)?${escaped}$`))) {
          const sink = secretSink(use.node);
          if (!sink) continue;
          const target = sink.kind === 'cookie' ? sink.name : sink.kind === 'return' ? `the return value of \`${sink.name}()\`` : sink.kind === 'session' ? `the session value \`${sink.name}\`` : `\`${sink.name}\``;
          report({
            messageId: 'weakRandomViaHelper',
            at: file.locate(randomCall),
            data: { call: codeSpanText(randomCall, 70), helper, target, line: String(use.node.range().start.line + 1) },
            related: [file.locate(use.node, 'helper result used here')],
          });
          break;
        }
      }
    }
  },
});
