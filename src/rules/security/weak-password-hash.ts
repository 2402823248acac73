import type { SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import {
  describePyCall,
  enclosingPyFunction,
  findPyCalls,
  pyAssignmentsBefore,
  pyFunctionName,
  pyImports,
  pyParameters,
  pyQualifiedName,
  pyStringValue,
  pyValueDestination,
  type PyCall,
} from '../../parse/python-syntax.ts';
import { codeSpanText, toSnakeCase } from '../../parse/syntax.ts';

const HASH_CONSTRUCTOR =
  /^(hashlib\.(md5|sha1|sha224|sha256|sha384|sha512|sha3_224|sha3_256|sha3_384|sha3_512|blake2b|blake2s|new)|(Crypto|Cryptodome)\.Hash\.(MD5|MD4|SHA|SHA1|SHA224|SHA256|SHA384|SHA512)\.new)$/;
/** Algorithms broken for any security use (collisions), as opposed to merely fast. */
const BROKEN = /^(md5|md4|sha|sha1)$/i;

/** Whole snake_case words naming a password. */
const PASSWORD_WORD = /(^|_)(password|passwords|passwd|passwort|pwd|pw|passphrase|pass_phrase|passcode|pin|pin_code)(_|$)/;
/** A password-ish name that holds something else: reset tokens, policies, form field names. */
const PASSWORD_OTHER = /(^|_)(reset|token|tokens|otp|nonce|link|url|field|policy|length|len|min|max|rule|rules|expiry|expires|hint|label|prompt|attempt|attempts|changed|updated|at)(_|$)/;
/** Words naming a security value whose digest must not be forgeable. */
const SECURITY_WORD = /(^|_)(token|secret|signature|sig|api_key|apikey|session|session_id|sid|csrf|xsrf|nonce|otp|auth|credential|credentials|private_key|signing_key|access_key|hmac|mac)(_|$)/;
/** Digests for identification, not protection: cache keys, ETags, checksums, avatars. */
const BENIGN_WORD =
  /(^|_)(cache|cached|etag|checksum|fingerprint|shard|bucket|partition|dedup|dedupe|filename|file|path|color|colour|avatar|gravatar|slug|lock|log|id_hash|content|chunk|key_hash|hash_key|bloom)(_|$)/;

const WEAK_CIPHER_CALL = /^(Crypto|Cryptodome)\.Cipher\.(DES|DES3|ARC2|ARC4|Blowfish|CAST|XOR)\.new$/;
const WEAK_CIPHER_ALGORITHM = /^cryptography\.hazmat\.(primitives|decrepit)\.ciphers\.algorithms\.(ARC4|TripleDES|Blowfish|IDEA|CAST5|SEED)$/;
const ECB_MODE = /^cryptography\.hazmat\.primitives\.ciphers\.modes\.ECB$/;
const PBKDF2 = /^(hashlib\.pbkdf2_hmac|(Crypto|Cryptodome)\.Protocol\.KDF\.PBKDF2|cryptography\.hazmat\.primitives\.kdf\.pbkdf2\.PBKDF2HMAC)$/;
const WERKZEUG_HASH = /^(werkzeug\.security\.|werkzeug\.)?generate_password_hash$/;
const CRYPT_CONTEXT = /^passlib\.context\.CryptContext$/;
const WEAK_PASSLIB_SCHEME = /^(plaintext|hex_\w+|ldap_(md5|sha1|plaintext|hex_md5|hex_sha1)|md5_crypt|apr_md5_crypt|des_crypt|bsdi_crypt|bigcrypt|crypt16|mysql\d+|oracle\d+|postgres_md5|lmhash|nthash|msdcc2?|django_salted_(md5|sha1))$/;
const MIN_ITERATIONS = 100_000;
/** RSA/DSA key generation: cryptography's `rsa.generate_private_key(public_exponent, key_size)`, PyCryptodome's `RSA.generate(bits)`. */
const KEY_GENERATOR = /^(?:(cryptography)\.hazmat\.primitives\.asymmetric\.(rsa|dsa)\.generate_private_key|(?:Crypto|Cryptodome)\.PublicKey\.(RSA|DSA)\.generate)$/;

/** Callee pattern: dotted names ending in one of `verbs`, or a plain name imported from a module matching `modules`. */
function calleePattern(root: SyntaxNode, verbs: string, modules: RegExp): RegExp {
  const aliases = [...pyImports(root).entries()].filter(([local, i]) => local && modules.test(i.module)).map(([local]) => local);
  return new RegExp(`^(?:[\\w.]*\\b(?:${verbs})${aliases.length ? `|${aliases.join('|')}` : ''})$`);
}

const CANDIDATE_VERBS =
  'md5|sha1|sha224|sha256|sha384|sha512|sha3_\\w+|blake2[bs]|new|update|generate_password_hash|make_password|CryptContext|pbkdf2_hmac|PBKDF2|PBKDF2HMAC|ECB|ARC4|TripleDES|Blowfish|IDEA|CAST5|SEED|generate_private_key|generate';
const CANDIDATE_MODULES = /^(hashlib|Crypto|Cryptodome|cryptography|werkzeug|passlib|django)\b/;
const DJANGO_MAKE_PASSWORD = /^django\.contrib\.auth\.hashers\.make_password$/;
const WEAK_DJANGO_HASHER = /^(md5|unsalted_md5|sha1|unsalted_sha1|crypt)$/;
const WEAK_DJANGO_HASHER_CLASS = /\.(MD5|UnsaltedMD5|SHA1|UnsaltedSHA1|Crypt)PasswordHasher$/;

const isPasswordName = (name: string) => {
  const snake = toSnakeCase(name);
  return PASSWORD_WORD.test(snake) && !PASSWORD_OTHER.test(snake);
};

/** Identifier and attribute names and short string keys inside an expression (`data["password"]` → password). */
function namesIn(expr: SyntaxNode): string[] {
  const out: string[] = [];
  if (expr.kind() === 'identifier') out.push(expr.text());
  for (const id of expr.findAll({ rule: { kind: 'identifier' } })) out.push(id.text());
  for (const s of expr.findAll({ rule: { kind: 'string' } })) {
    const value = pyStringValue(s);
    if (value && /^[A-Za-z_][\w-]{0,40}$/.test(value)) out.push(value);
  }
  return out;
}

/** The name a value is stored under: `x = …`, `obj.attr = …`, `d["k"] = …`, `f(k=…)`, `{"k": …}`; `return` gives the function's name. */
function targetName(node: SyntaxNode): string | undefined {
  const destination = pyValueDestination(node);
  const target = destination.target;
  switch (destination.kind) {
    case 'keyword':
      return target?.text();
    case 'pair':
      return pyStringValue(target) ?? target?.text();
    case 'assignment':
      if (target?.kind() === 'identifier') return target.text();
      if (target?.kind() === 'attribute') return target.field('attribute')?.text();
      if (target?.kind() === 'subscript') return pyStringValue(target.field('subscript')) ?? target.field('value')?.text();
      return undefined;
    case 'return':
      return destination.owner ? pyFunctionName(destination.owner) : undefined;
    default:
      return undefined;
  }
}

/** Whether the hashed expression is a password: by its names, or a parameter of a `hash_password`-style function. */
function hashesPassword(expr: SyntaxNode, fn: SyntaxNode | undefined): boolean {
  const names = namesIn(expr);
  // HTTP Digest / WSSE responses hash the password with a server nonce: the protocol's choice, not storage.
  if (names.some((n) => /(^|_)c?nonce(_|$)|challenge/i.test(toSnakeCase(n)))) return false;
  if (names.some(isPasswordName)) return true;
  if (!fn || !isPasswordName(pyFunctionName(fn))) return false;
  const params = new Set(pyParameters(fn).map((p) => p.name));
  return names.some((n) => params.has(n));
}

function cipherProblem(cipher: string): string {
  if (cipher === 'ECB') return 'which turns equal plaintext blocks into equal ciphertext blocks and leaks the structure of the data';
  if (cipher === 'DES') return 'whose 56-bit key can be brute-forced in hours';
  if (/ARC4|XOR/.test(cipher)) return 'whose keystream biases let an attacker recover plaintext';
  if (cipher === 'ARC2') return 'a broken cipher with known key-recovery attacks';
  return 'whose 64-bit blocks repeat after a few gigabytes (Sweet32), exposing plaintext';
}

/** Names of the other side of a comparison the value takes part in (`stored_hash == md5(x)`). */
function comparedNames(node: SyntaxNode): string[] {
  let current: SyntaxNode = node;
  for (let parent = current.parent(); parent; current = parent, parent = parent.parent()) {
    const kind = String(parent.kind());
    if (kind === 'comparison_operator') {
      return parent
        .children()
        .filter((c) => c.isNamed() && c.range().start.index !== current.range().start.index)
        .map((c) => (c.kind() === 'attribute' ? (c.field('attribute')?.text() ?? '') : c.text()));
    }
    if (/_statement$|^(block|module|function_definition|lambda|argument_list)$/.test(kind)) return [];
  }
  return [];
}

function integerValue(node: SyntaxNode | undefined): number | undefined {
  if (!node || node.kind() !== 'integer') return undefined;
  const value = Number(node.text().replace(/_/g, ''));
  return Number.isFinite(value) ? value : undefined;
}

function algorithmOf(call: PyCall, name: string): string | undefined {
  if (name === 'hashlib.new') return pyStringValue(call.args[0] ?? call.keywords.get('name'))?.toLowerCase();
  const parts = name.split('.');
  return (name.startsWith('hashlib.') ? parts[1] : parts[parts.length - 2]).toLowerCase();
}

export default defineRule({
  meta: {
    id: 'weak-password-hash',
    category: 'security',
    title: 'Password or secret protected with a weak hash or cipher',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Cryptography',
    effortHours: 4,
    messages: {
      fastPasswordHash: '`{{call}}` hashes the password `{{value}}` with {{algorithm}}, a fast hash that leaked digests can be brute-forced against.',
      weakHashAlgorithm: '`{{call}}` uses {{algorithm}}, a broken hash; if this digest protects or identifies anything an attacker could forge, use SHA-256 or better (or pass `usedforsecurity=False` to say it does not).',
      weakHashSecurity: '`{{call}}` uses {{algorithm}}, a broken hash, to derive the security value `{{name}}`.',
      lowIterations: '`{{call}}` derives a key with only {{iterations}} iterations; a password hash needs at least 600,000 for PBKDF2-SHA256.',
      weakPasswordScheme: '`{{call}}` hashes passwords with {{algorithm}}, which is fast or unsalted, so leaked hashes can be brute-forced.',
      weakCipher: '`{{call}}` encrypts with {{cipher}}, {{problem}}.',
      weakKeySize: '`{{call}}` generates a {{bits}}-bit {{algorithm}} key, which is within reach of factoring; use at least 2048 bits.',
    },
    why: [
      'General-purpose hashes (MD5, SHA-1, even SHA-256) are built to be fast: a single GPU tries billions of candidate passwords a second against a leaked digest, so most user passwords fall within hours.',
      'Password hashes must be slow and salted (argon2, bcrypt, scrypt, PBKDF2 with hundreds of thousands of iterations).',
      'MD5 and SHA-1 are also broken for collisions, so tokens or signatures built from them can be forged.',
      'DES, 3DES, RC4 and Blowfish are broken or have tiny blocks, and ECB mode encrypts equal blocks to equal ciphertext, leaking the structure of the data.',
    ].join(' '),
    fix: [
      'Hash passwords with a password-hashing function and verify with its own check:',
      '',
      '```python',
      'from argon2 import PasswordHasher',
      '',
      'ph = PasswordHasher()',
      'user.password_hash = ph.hash(password)',
      '...',
      'ph.verify(user.password_hash, attempt)   # raises on mismatch',
      '```',
      'With Flask/Werkzeug, `generate_password_hash(password)` (default scrypt/pbkdf2) and `check_password_hash`; with passlib, `CryptContext(schemes=["argon2", "bcrypt"])`.',
      'For signatures use `hmac.new(key, msg, hashlib.sha256)`; for random tokens use `secrets.token_urlsafe()`; encrypt with AES-GCM (`cryptography.hazmat.primitives.ciphers.aead.AESGCM`) or Fernet.',
      'For non-security digests (cache keys, ETags) pass `usedforsecurity=False`.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'accounts.py': 'import hashlib\n\n\ndef create_user(db, email: str, password: str) -> None:\n    digest = hashlib.sha256(password.encode()).hexdigest()\n    db.insert_user(email, digest)\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'accounts.py':
          'from werkzeug.security import generate_password_hash\n\n\ndef create_user(db, email: str, password: str) -> None:\n    digest = generate_password_hash(password)\n    db.insert_user(email, digest)\n',
      },
    },
    references: {
      cwe: [916, 328, 327, 326],
      owasp: ['A02:2021'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html'],
      equivalents: [
        'bandit:B303',
        'bandit:B324',
        'bandit:B304',
        'bandit:B305',
        'bandit:B505',
        'semgrep:python.lang.security.audit.md5-used-as-password.md5-used-as-password',
        'semgrep:python.lang.security.insecure-hash-algorithms.insecure-hash-algorithm-md5',
        'semgrep:python.cryptography.security.insecure-cipher-algorithms.insecure-cipher-algorithm-arc4',
      ],
    },
  },
  check({ files, report }) {
    const hint = ['hashlib', 'Crypto', 'cryptography', 'generate_password_hash', 'CryptContext', 'md5', 'sha1', 'MODE_ECB', 'make_password', 'PASSWORD_HASHERS'];
    for (const file of files.ofKind('python', { containing: hint, includeTests: false })) {
      const root = file.ast;
      if (!root) continue;
      /** Broken-hash constructors whose purpose the code does not show, and those a later `.update()` explained. */
      const unexplained = new Map<SyntaxNode, { text: string; algorithm: string }>();
      const explained = new Set<number>();
      for (const call of findPyCalls(root, calleePattern(root, CANDIDATE_VERBS, CANDIDATE_MODULES))) {
        const name = pyQualifiedName(root, call.callee);
        const node = call.node;
        const text = codeSpanText(node, 70);
        const fn = enclosingPyFunction(node);

        if (HASH_CONSTRUCTOR.test(name)) {
          if (call.keywords.get('usedforsecurity')?.text() === 'False') continue;
          const algorithm = algorithmOf(call, name);
          if (!algorithm) continue;
          const hashed = name === 'hashlib.new' ? (call.args[1] ?? call.keywords.get('data')) : (call.args[0] ?? call.keywords.get('data') ?? call.keywords.get('string'));
          judgeHash(node, text, algorithm, hashed, fn);
          continue;
        }

        // h = hashlib.sha256(); h.update(password)
        const updated = /^(\w+)\.update$/.exec(call.callee);
        if (updated && fn && call.args[0]) {
          const origin = pyAssignmentsBefore(fn, updated[1], node.range().start.index).pop()?.value;
          if (origin?.kind() !== 'call') continue;
          const ctorText = origin.field('function')?.text() ?? '';
          const ctorName = pyQualifiedName(root, ctorText);
          if (!HASH_CONSTRUCTOR.test(ctorName) || /usedforsecurity\s*=\s*False/.test(origin.text())) continue;
          const ctor = describePyCall(origin);
          const algorithm = ctor ? algorithmOf(ctor, ctorName) : undefined;
          if (algorithm && judgeHash(node, text, algorithm, call.args[0], fn, false)) explained.add(origin.range().start.index);
          continue;
        }

        if (WERKZEUG_HASH.test(name) && (name !== 'generate_password_hash' || /werkzeug/.test(file.text))) {
          const method = pyStringValue(call.args[1] ?? call.keywords.get('method'));
          if (!method) continue;
          const [scheme, , rounds] = method.split(':');
          if (!/^(pbkdf2|scrypt)$/.test(scheme)) {
            report({ messageId: 'weakPasswordScheme', at: file.locate(node), data: { call: text, algorithm: `method "${method}"` } });
          } else if (scheme === 'pbkdf2' && rounds && Number(rounds) < MIN_ITERATIONS) {
            report({ messageId: 'lowIterations', at: file.locate(node), data: { call: text, iterations: Number(rounds).toLocaleString('en-US') }, severity: 'medium' });
          }
          continue;
        }

        if (DJANGO_MAKE_PASSWORD.test(name)) {
          const hasher = pyStringValue(call.keywords.get('hasher') ?? call.args[2]);
          if (hasher && WEAK_DJANGO_HASHER.test(hasher)) report({ messageId: 'weakPasswordScheme', at: file.locate(node), data: { call: text, algorithm: `the "${hasher}" hasher` } });
          continue;
        }

        if (CRYPT_CONTEXT.test(name)) {
          const schemes = call.keywords.get('schemes') ?? call.args[0];
          const first = schemes?.kind() === 'list' ? pyStringValue(schemes.children().find((c) => c.kind() === 'string')) : undefined;
          if (first && WEAK_PASSLIB_SCHEME.test(first))
            report({ messageId: 'weakPasswordScheme', at: file.locate(node), data: { call: text, algorithm: `the "${first}" scheme` } });
          continue;
        }

        if (PBKDF2.test(name)) {
          const isPyCryptodome = /Protocol\.KDF/.test(name);
          const given = call.keywords.get('iterations') ?? call.keywords.get('count') ?? (name.startsWith('hashlib.') ? call.args[3] : isPyCryptodome ? call.args[3] : undefined);
          const iterations = given ? integerValue(given) : isPyCryptodome ? 1000 : undefined;
          if (iterations !== undefined && iterations < MIN_ITERATIONS)
            report({ messageId: 'lowIterations', at: file.locate(node), data: { call: text, iterations: iterations.toLocaleString('en-US') }, severity: 'medium' });
          continue;
        }

        if (WEAK_CIPHER_CALL.test(name) || WEAK_CIPHER_ALGORITHM.test(name)) {
          const cipher = name.split('.').at(WEAK_CIPHER_CALL.test(name) ? -2 : -1)!;
          report({ messageId: 'weakCipher', at: file.locate(node), data: { call: text, cipher, problem: cipherProblem(cipher) } });
          continue;
        }
        const keyGen = KEY_GENERATOR.exec(name);
        if (keyGen) {
          const algorithm = (keyGen[2] ?? keyGen[3]).toUpperCase();
          const bitsNode = call.keywords.get('key_size') ?? call.keywords.get('bits') ?? (keyGen[1] === 'cryptography' && algorithm === 'RSA' ? call.args[1] : call.args[0]);
          const bits = integerValue(bitsNode);
          if (bits !== undefined && bits < 2048)
            report({ messageId: 'weakKeySize', at: file.locate(node), data: { call: text, bits: String(bits), algorithm }, severity: bits <= 1024 ? 'high' : 'medium' });
          continue;
        }
        if (ECB_MODE.test(name)) {
          report({ messageId: 'weakCipher', at: file.locate(node), data: { call: text, cipher: 'ECB mode', problem: cipherProblem('ECB') }, severity: 'medium' });
        }
      }

      // Django settings: the first PASSWORD_HASHERS entry hashes every new password (test settings often pick MD5 for speed).
      if (!/(^|\/)(tests?|testing)[^/]*(\/|\.py$)/.test(file.path)) {
        for (const assign of file.findAll({ kind: 'assignment', has: { field: 'left', regex: '^PASSWORD_HASHERS$' } })) {
          const list = assign.field('right');
          const first = list?.kind() === 'list' || list?.kind() === 'tuple' ? list.children().find((c) => c.kind() === 'string') : undefined;
          const hasher = pyStringValue(first);
          if (first && hasher && WEAK_DJANGO_HASHER_CLASS.test(hasher))
            report({ messageId: 'weakPasswordScheme', at: file.locate(first), data: { call: `PASSWORD_HASHERS = [${codeSpanText(first, 70)}, …]`, algorithm: hasher.split('.').pop()! } });
        }
      }

      // PyCryptodome: AES.new(key, AES.MODE_ECB)
      for (const attr of file.findAll({ kind: 'attribute', regex: '\\.MODE_ECB$' })) {
        if (attr.field('attribute')?.text() !== 'MODE_ECB') continue;
        const owner = pyQualifiedName(root, attr.field('object')?.text() ?? '');
        if (!/^(Crypto|Cryptodome)\.Cipher\./.test(owner)) continue;
        const call = attr.parent()?.parent()?.kind() === 'call' ? attr.parent()!.parent()! : attr;
        report({ messageId: 'weakCipher', at: file.locate(call), data: { call: codeSpanText(call, 70), cipher: `${owner.split('.').pop()} in ECB mode`, problem: cipherProblem('ECB') }, severity: 'medium' });
      }

      function judgeHash(node: SyntaxNode, text: string, algorithm: string, hashed: SyntaxNode | undefined, fn: SyntaxNode | undefined, useTarget = true): boolean {
        // Have I Been Pwned's range API takes the SHA-1 of the password by design.
        if (fn && /pwned/i.test(fn.text())) return true;
        const target = useTarget ? targetName(node) : undefined;
        const targetSnake = target ? toSnakeCase(target) : '';
        const password =
          (hashed !== undefined && hashesPassword(hashed, fn)) || (target !== undefined && isPasswordName(target)) || (useTarget && comparedNames(node).some(isPasswordName));
        if (password && !BENIGN_WORD.test(targetSnake)) {
          report({
            messageId: 'fastPasswordHash',
            at: file.locate(node),
            data: { call: text, value: hashed ? codeSpanText(hashed, 70) : target!, algorithm: algorithm.toUpperCase().replace(/^SHA(\d)/, 'SHA-$1') },
          });
          return true;
        }
        if (!BROKEN.test(algorithm)) return false;
        if (BENIGN_WORD.test(targetSnake)) return true;
        const names = [...(hashed ? namesIn(hashed) : []), ...(target ? [target] : [])].map(toSnakeCase);
        if (names.some((n) => BENIGN_WORD.test(n)) || (fn && BENIGN_WORD.test(toSnakeCase(pyFunctionName(fn))))) return true;
        const security = names.find((n) => SECURITY_WORD.test(n) && !BENIGN_WORD.test(n));
        if (!security) {
          // Purpose unknown: Bandit's B324 case, kept at low severity and confidence.
          if (useTarget) unexplained.set(node, { text, algorithm: algorithm.toUpperCase().replace(/^SHA(\d)/, 'SHA-$1') });
          return false;
        }
        report({
          messageId: 'weakHashSecurity',
          at: file.locate(node),
          data: { call: text, algorithm: algorithm.toUpperCase().replace(/^SHA(\d)/, 'SHA-$1'), name: target && SECURITY_WORD.test(targetSnake) ? target : security },
          severity: 'medium',
          confidence: 'medium',
        });
        return true;
      }

      for (const [node, { text, algorithm }] of unexplained) {
        if (explained.has(node.range().start.index)) continue;
        report({ messageId: 'weakHashAlgorithm', at: file.locate(node), data: { call: text, algorithm }, severity: 'low', confidence: 'low' });
      }
    }
  },
});
