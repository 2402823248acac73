import type { SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describeJsCall, enclosingJsFunction, jsAssignmentsBefore, jsStringValue } from '../../parse/js-syntax.ts';
import { enclosingPyFunction, pyAssignmentsBefore, pyClientInputParameters, pyParameters, pyStringValue } from '../../parse/python-syntax.ts';
import { codeSpanText, toSnakeCase } from '../../parse/syntax.ts';

/** Words that make a value a secret when they are a whole word of its snake_case name. */
const SECRET_WORD =
  /(^|_)(token|secret|signature|sig|api_?key|apikey|password_?hash|hashed_password|pw_?hash|passwd_hash|hmac|digest|hexdigest|webhook_?key|access_?key|auth_?key|signing_?key|private_?key|shared_?key|otp|csrf|authorization|bearer)(_|$)/;
/** A trailing word that makes the name describe the secret instead of holding it: token_type, api_key_id. */
const METADATA_SUFFIX =
  /_(type|types|count|counts|used|limit|limits|name|names|id|ids|version|alg|algorithm|url|uri|endpoint|expiry|expires|expires_at|expires_in|expiration|exp|ttl|length|len|size|kind|prefix|scheme|header|field|label|path|index|idx|format|status|provider|method|source|position|start|end|created_at|updated_at|enabled|required|set|present|valid|mode|hint)$/;
/** Tokens that are not credentials: tokenizer specials, pagination cursors. */
const NOT_CREDENTIAL = /(^|_)(eos|bos|pad|unk|sep|cls|mask|special|stop|start|end|page|next|prev|previous|last|continuation|pagination|sync|resume|cancellation|cancel)_token(_|$)/;
/** Upper-case configuration names ending in KEY that are secrets: settings.ADMIN_KEY, INTERNAL_KEY. */
const CONFIG_KEY = /^[A-Z0-9_]*_KEY$/;
const NOT_SECRET_KEY = /^(PRIMARY|SORT|CACHE|PARTITION|FOREIGN|PUBLIC|PUBLISHABLE|IDEMPOTENCY|REDIS|S3|OBJECT|ROUTING|LOOKUP)_KEY$/;

/** Words that name a secret only next to a client value or a server secret (file checksums are digests too). */
const WEAK_WORD = /(^|_)(digest|hexdigest)(_|$)/;

/** 'strong' for a name that holds a secret, 'weak' for a digest, undefined otherwise. */
function secretNameStrength(name: string): 'strong' | 'weak' | undefined {
  if (!name) return undefined;
  if (CONFIG_KEY.test(name) && !NOT_SECRET_KEY.test(name)) return 'strong';
  const snake = toSnakeCase(name);
  if (!SECRET_WORD.test(snake) || METADATA_SUFFIX.test(snake) || NOT_CREDENTIAL.test(snake)) return undefined;
  return WEAK_WORD.test(snake) && !SECRET_WORD.test(snake.replace(WEAK_WORD, '_')) ? 'weak' : 'strong';
}

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  for (;;) {
    const kind = current.kind();
    if (kind !== 'parenthesized_expression' && kind !== 'await' && kind !== 'await_expression' && kind !== 'as_expression' && kind !== 'non_null_expression') return current;
    const inner = current.children().find((c) => c.isNamed() && c.kind() !== 'comment');
    if (!inner) return current;
    current = inner;
  }
}

/** The text of a value without trailing normalisation calls: `token.strip().lower()` → `token`. */
function stripTransforms(node: SyntaxNode): string {
  let current = unwrap(node);
  for (;;) {
    const kind = current.kind();
    if (kind !== 'call' && kind !== 'call_expression') break;
    const fn = current.field('function');
    const method = fn?.field('attribute')?.text() ?? fn?.field('property')?.text() ?? '';
    const receiver = fn?.field('object');
    if (!receiver || !(PY_TRANSPARENT.test(method) || JS_TRANSPARENT.test(method))) break;
    current = unwrap(receiver);
  }
  return current.text();
}

// ---------------------------------------------------------------------------------------------
// Python

const PY_TRANSPARENT = /^(strip|lstrip|rstrip|lower|upper|casefold|encode|decode)$/;
const PY_LOOKUP = /^(get|getenv|header|get_header|getlist)$/;

/** The name that says what a value holds: `x_api_key`, `SECRET_KEY`, `X-Hub-Signature-256`, `digest`. */
function pyValueName(expr: SyntaxNode): string {
  const node = unwrap(expr);
  switch (node.kind()) {
    case 'identifier':
      return node.text();
    case 'attribute':
      return node.field('attribute')?.text() ?? '';
    case 'subscript': {
      const key = pyStringValue(node.field('subscript'));
      return key ?? pyValueName(node.field('value') ?? node);
    }
    case 'call': {
      const fn = node.field('function');
      if (!fn) return '';
      const method = fn.kind() === 'attribute' ? (fn.field('attribute')?.text() ?? '') : fn.text();
      if (fn.kind() === 'attribute' && PY_TRANSPARENT.test(method)) return pyValueName(fn.field('object') ?? fn);
      const first = (node.field('arguments')?.children() ?? []).find((c) => c.isNamed() && c.kind() !== 'comment');
      if (PY_LOOKUP.test(method) && pyStringValue(first) !== undefined) return pyStringValue(first)!;
      return method.split('.').pop() ?? '';
    }
    default:
      return '';
  }
}

function isPyLiteralLike(expr: SyntaxNode): boolean {
  const node = unwrap(expr);
  const kind = String(node.kind());
  if (['integer', 'float', 'none', 'true', 'false', 'list', 'tuple', 'dictionary', 'set', 'unary_operator'].includes(kind)) return true;
  if (pyStringValue(node) !== undefined) return true;
  if (kind === 'call' && /^(len|type|isinstance|bool|int|hash)$/.test(node.field('function')?.text() ?? '')) return true;
  // Enum members: TokenType.BEARER
  if (kind === 'attribute' && /^[A-Z0-9_]+$/.test(node.field('attribute')?.text() ?? '') && /^[A-Z][a-z]\w*$/.test(node.field('object')?.text() ?? '')) return true;
  return false;
}

const PY_REQUEST = /\brequest\.(headers|args|form|values|json|get_json|query_params|cookies|data|GET|POST|META)\b|\bheaders\.get\(/;
const PY_CONFIG = /\b(settings|config|conf|cfg|os\.environ|os\.getenv|environ|app\.config|current_app\.config|env)\b/;

function isPyClientValue(expr: SyntaxNode, fn: SyntaxNode | undefined, depth = 0): boolean {
  const node = unwrap(expr);
  if (PY_REQUEST.test(node.text())) return true;
  if (!fn) return false;
  const root = node.kind() === 'identifier' ? node : node.find({ rule: { kind: 'identifier' } });
  if (!root) return false;
  const name = root.text();
  const param = pyParameters(fn).find((p) => p.name === name);
  if (param) {
    const declared = `${param.annotation?.text() ?? ''} ${param.default?.text() ?? ''}`;
    if (/\b(Header|Cookie|Query)\s*\(/.test(declared) || /\b(Security|Depends)\s*\(\s*\w*(header|api_key|apikey|token)\w*\s*\)/i.test(declared)) return true;
    return pyClientInputParameters(fn).some((p) => p.name === name);
  }
  if (depth > 0) return false;
  return pyAssignmentsBefore(fn, name, node.range().start.index).some((a) => isPyClientValue(a.value, fn, depth + 1));
}

/** Server-side configuration, or a value derived from it one assignment earlier (an HMAC of the body with the secret). */
function isPyConfigValue(expr: SyntaxNode, fn: SyntaxNode | undefined, depth = 0): boolean {
  const node = unwrap(expr);
  if (PY_CONFIG.test(node.text())) return true;
  const identifiers = node.kind() === 'identifier' ? [node] : node.findAll({ rule: { kind: 'identifier' } });
  if (identifiers.some((id) => /^_?[A-Z][A-Z0-9_]*$/.test(id.text()) && id.parent()?.kind() !== 'attribute')) return true;
  if (!fn || depth > 1) return false;
  return identifiers.some((id) => pyAssignmentsBefore(fn, id.text(), id.range().start.index).some((a) => isPyConfigValue(a.value, fn, depth + 1)));
}

// ---------------------------------------------------------------------------------------------
// JavaScript / TypeScript

const JS_TRANSPARENT = /^(trim|trimStart|trimEnd|toLowerCase|toUpperCase|toString|valueOf)$/;
const JS_LOOKUP = /^(get|header|getHeader|headers)$/;

function jsValueName(expr: SyntaxNode): string {
  const node = unwrap(expr);
  switch (node.kind()) {
    case 'identifier':
      return node.text();
    case 'member_expression':
      return node.field('property')?.text() ?? '';
    case 'subscript_expression': {
      const key = jsStringValue(node.field('index'));
      return key ?? jsValueName(node.field('object') ?? node);
    }
    case 'call_expression': {
      const call = describeJsCall(node);
      const fn = node.field('function');
      if (!call || !fn) return '';
      const method = fn.kind() === 'member_expression' ? (fn.field('property')?.text() ?? '') : fn.text();
      if (fn.kind() === 'member_expression' && JS_TRANSPARENT.test(method)) return jsValueName(fn.field('object') ?? fn);
      if (JS_LOOKUP.test(method) && jsStringValue(call.args[0]) !== undefined) return jsStringValue(call.args[0])!;
      return method;
    }
    default:
      return '';
  }
}

function isJsLiteralLike(expr: SyntaxNode): boolean {
  const node = unwrap(expr);
  const kind = String(node.kind());
  if (['number', 'null', 'true', 'false', 'undefined', 'unary_expression', 'array', 'object', 'regex'].includes(kind)) return true;
  if (kind === 'identifier' && node.text() === 'undefined') return true;
  if (jsStringValue(node) !== undefined) return true;
  if (kind === 'member_expression' && /^(length|size|byteLength)$/.test(node.field('property')?.text() ?? '')) return true;
  if (kind === 'member_expression' && /^[A-Z0-9_]+$/.test(node.field('property')?.text() ?? '') && /^[A-Z][a-z]\w*$/.test(node.field('object')?.text() ?? '')) return true;
  return false;
}

const JS_REQUEST = /\b(req|request|ctx\.request|ctx)\.(headers|header|get|query|params|body|cookies|signedCookies)\b|\bheaders\.get\(|\bheaders\(\)\.get\(/;
const JS_CONFIG = /\b(process\.env|import\.meta\.env|config|settings|env|Deno\.env)\b/;

function isJsClientValue(expr: SyntaxNode, scope: SyntaxNode, depth = 0): boolean {
  const node = unwrap(expr);
  if (JS_REQUEST.test(node.text())) return true;
  if (depth > 1) return false;
  const identifiers = node.kind() === 'identifier' ? [node] : node.findAll({ rule: { kind: 'identifier' } });
  return identifiers.some((id) => jsAssignmentsBefore(scope, id.text(), id.range().start.index).some((a) => isJsClientValue(a.value, scope, depth + 1)));
}

function isJsConfigValue(expr: SyntaxNode, scope: SyntaxNode, root: SyntaxNode, depth = 0): boolean {
  const node = unwrap(expr);
  if (JS_CONFIG.test(node.text())) return true;
  const identifiers = node.kind() === 'identifier' ? [node] : node.findAll({ rule: { kind: 'identifier' } });
  if (identifiers.some((id) => /^_?[A-Z][A-Z0-9_]*$/.test(id.text()))) return true;
  if (depth > 1) return false;
  return identifiers.some((id) =>
    [scope, root].some((s) => jsAssignmentsBefore(s, id.text(), s === root ? Number.MAX_SAFE_INTEGER : id.range().start.index).some((a) => isJsConfigValue(a.value, scope, root, depth + 1))),
  );
}

// ---------------------------------------------------------------------------------------------

interface Comparison {
  node: SyntaxNode;
  left: SyntaxNode;
  right: SyntaxNode;
  operator: string;
}

function judge(
  cmp: Comparison,
  lang: { name: (n: SyntaxNode) => string; literal: (n: SyntaxNode) => boolean; client: (n: SyntaxNode) => boolean; config: (n: SyntaxNode) => boolean },
):
  | { messageId: 'secretEquality' | 'requestSecretEquality'; data: Record<string, string>; severity?: 'high' }
  | undefined {
  const { left, right, operator } = cmp;
  if (lang.literal(left) || lang.literal(right)) return undefined;
  if (stripTransforms(left) === stripTransforms(right)) return undefined; // token.lower() != token checks a format
  const leftName = lang.name(left);
  const rightName = lang.name(right);
  // A token compared with a tokenizer special or a page cursor is text or pagination, not a credential.
  if ([leftName, rightName].some((n) => NOT_CREDENTIAL.test(toSnakeCase(n)))) return undefined;
  const leftStrength = secretNameStrength(leftName);
  const rightStrength = secretNameStrength(rightName);
  if (!leftStrength && !rightStrength) return undefined;
  const leftSecret = leftStrength !== undefined;
  const expression = codeSpanText(cmp.node, 70);
  const supplied = lang.client(left) ? left : lang.client(right) ? right : undefined;
  const configured = supplied && (supplied === left ? right : left);
  const strong = leftStrength === 'strong' || rightStrength === 'strong';
  if (!strong && !supplied && !lang.config(left) && !lang.config(right)) return undefined;
  if (supplied && configured && lang.config(configured))
    return {
      messageId: 'requestSecretEquality',
      data: { expression, operator, supplied: codeSpanText(supplied, 70), secret: codeSpanText(configured, 70) },
      severity: 'high',
    };
  return { messageId: 'secretEquality', data: { expression, operator, secret: codeSpanText(leftSecret ? left : right, 70) } };
}

export default defineRule({
  meta: {
    id: 'timing-unsafe-comparison',
    category: 'security',
    title: 'Secret compared with a timing-unsafe equality check',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Cryptography',
    effortHours: 0.5,
    messages: {
      secretEquality: '`{{expression}}` compares the secret `{{secret}}` with `{{operator}}` instead of a constant-time comparison.',
      requestSecretEquality:
        '`{{expression}}` checks the client-supplied `{{supplied}}` against the server-side secret `{{secret}}` with `{{operator}}` instead of a constant-time comparison.',
    },
    why: [
      'String equality stops at the first byte that differs, so a wrong guess that shares a longer prefix',
      'with the real value takes slightly longer to reject. By timing many requests an attacker can',
      'recover an API key, webhook signature or reset token one character at a time. The difference is',
      'small but measurable, especially from inside the same cloud region, and the fix costs nothing.',
    ].join(' '),
    fix: [
      'Compare secrets with a constant-time function. Node\'s `timingSafeEqual` throws on buffers of different lengths, so check the length first (the length of a random token is not secret).',
      '',
      'Python:',
      '```python',
      'import hmac',
      '',
      'if not hmac.compare_digest(x_api_key.encode(), settings.API_KEY.encode()):',
      '    raise HTTPException(status_code=401)',
      '```',
      'Node.js:',
      '```ts',
      "import { timingSafeEqual } from 'node:crypto';",
      '',
      'const a = Buffer.from(String(req.get("x-api-key") ?? ""));',
      'const b = Buffer.from(process.env.API_KEY!);',
      'if (a.length !== b.length || !timingSafeEqual(a, b)) return res.sendStatus(401);',
      '```',
      'For passwords, store a slow hash (argon2, bcrypt) and call its `verify` function instead of comparing hashes yourself.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'auth.py':
          'from fastapi import Header, HTTPException\n\nfrom config import settings\n\n\ndef require_api_key(x_api_key: str = Header(...)) -> None:\n    if x_api_key != settings.API_KEY:\n        raise HTTPException(status_code=401)\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'auth.py':
          'import hmac\n\nfrom fastapi import Header, HTTPException\n\nfrom config import settings\n\n\ndef require_api_key(x_api_key: str = Header(...)) -> None:\n    if not hmac.compare_digest(x_api_key.encode(), settings.API_KEY.encode()):\n        raise HTTPException(status_code=401)\n',
      },
    },
    references: {
      cwe: [208],
      owasp: ['A02:2021'],
      urls: ['https://docs.python.org/3/library/hmac.html#hmac.compare_digest', 'https://nodejs.org/api/crypto.html#cryptotimingsafeequala-b'],
      equivalents: ['codeql:py/timing-attack-sensitive-info', 'codeql:py/possible-timing-attack-sensitive-info'],
    },
  },
  check({ files, report }) {
    const hint = ['token', 'Token', 'TOKEN', 'uthorization', 'earer', 'secret', 'Secret', 'SECRET', 'sig', 'Sig', 'SIG', 'key', 'Key', 'KEY', 'hash', 'Hash', 'hmac', 'digest', 'otp', 'csrf'];
    for (const file of files.ofKind('python', { containing: hint, includeTests: false })) {
      for (const node of file.findAll({ kind: 'comparison_operator' })) {
        const operands = node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
        const operators = node.children().filter((c) => !c.isNamed());
        if (operands.length !== 2 || operators.length !== 1) continue;
        const operator = operators[0].text();
        if (operator !== '==' && operator !== '!=') continue;
        if (node.parent()?.kind() === 'assert_statement') continue;
        // `select(User).where(User.api_token == token)`: an ORM column expression, evaluated by the database
        // as an indexed lookup, not a Python string comparison.
        if (operands.some((o) => o.kind() === 'attribute' && /^[A-Z]\w*$/.test(o.field('object')?.text() ?? ''))) continue;
        const fn = enclosingPyFunction(node);
        const verdict = judge({ node, left: operands[0], right: operands[1], operator }, {
          name: pyValueName,
          literal: isPyLiteralLike,
          client: (n) => isPyClientValue(n, fn),
          config: (n) => isPyConfigValue(n, fn),
        });
        if (verdict) report({ messageId: verdict.messageId, at: file.locate(node), data: verdict.data, ...(verdict.severity ? { severity: verdict.severity } : {}) });
      }
    }
    for (const file of files.ofKind('js', { containing: hint, includeTests: false })) {
      // Browser code: a timing difference there is observable by the user anyway.
      if (/\.[jt]sx$/.test(file.path) || /^\s*['"]use client['"]/m.test(file.text)) continue;
      for (const node of file.findAll({ kind: 'binary_expression' })) {
        const operator = node.field('operator')?.text() ?? '';
        if (!['==', '!=', '===', '!=='].includes(operator)) continue;
        const left = node.field('left');
        const right = node.field('right');
        if (!left || !right) continue;
        const scope = enclosingJsFunction(node) ?? file.ast!;
        const verdict = judge({ node, left, right, operator }, {
          name: jsValueName,
          literal: isJsLiteralLike,
          client: (n) => isJsClientValue(n, scope),
          config: (n) => isJsConfigValue(n, scope, file.ast!),
        });
        if (verdict) report({ messageId: verdict.messageId, at: file.locate(node), data: verdict.data, ...(verdict.severity ? { severity: verdict.severity } : {}) });
      }
    }
  },
});
