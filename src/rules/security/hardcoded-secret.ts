import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { jsStringValue } from '../../parse/js-syntax.ts';
import { pyStringValue } from '../../parse/python-syntax.ts';
import { ANY_SECRET_FORMAT, isUsableSecret, SECRET_FORMAT_NEEDLES, SECRET_FORMATS, shannonEntropy } from '../../facts/secret-formats.ts';

/**
 * Two independent checks over every string literal of Python and JS/TS files:
 * 1. provider-format keys (OpenAI, AWS, GitHub …) wherever they appear;
 * 2. a literal given to something whose NAME says it is a secret (assignment, settings default,
 *    keyword argument, object property, parameter default, environment-variable fallback).
 * Test files: the name-based check skips them (test passwords are the norm there); a
 * provider-format key in a test file is still reported, at low severity.
 */

type SecretKind = 'signing' | 'secret' | 'password' | 'token' | 'apiKey' | 'privateKey' | 'credentials' | 'authorization';
type How = 'assign' | 'fallback' | 'default' | 'kwarg' | 'property' | 'argument';

interface Holder {
  /** The name that says "secret": variable, key, keyword, env var. */
  name: string;
  /** Shown in the message: `Settings.api_key`, `SECRET_KEY`. */
  display: string;
  how: How;
  /** Inside a settings class or a settings/config module. */
  settings: boolean;
}

const HOW_TEXT: Record<How, string> = {
  assign: 'is set to',
  fallback: 'falls back to',
  default: 'defaults to',
  kwarg: 'is passed',
  property: 'is set to',
  argument: 'is given',
};

const PROVIDERS = SECRET_FORMATS;
const PROVIDER_NEEDLES = SECRET_FORMAT_NEEDLES;
const ANY_PROVIDER = ANY_SECRET_FORMAT;

/** Literal tokens any secret-named holder must contain (lower-case comparison). */
const NAME_NEEDLES = ['secret', 'password', 'passwd', 'pwd', 'pass', 'token', 'key', 'credential', 'creds', 'authorization', 'passphrase'];

/** Last name tokens that say "this is about a secret, not the secret": `token_url`, `password_min_length`. */
const NOT_A_VALUE_SUFFIX = new Set(
  (
    'url uri urls endpoint path paths file filename files dir directory length len size field fields header headers name names ' +
    'env var vars id ids type types kind mode method scheme prefix suffix format algorithm algorithms alg regex pattern re label ' +
    'placeholder hint message msg error errors text title description help column col attr attribute param params query cookie ' +
    'expiry expire expires expiration exp ttl lifetime minutes seconds hours days timeout age count limit max min version location ' +
    'source provider store storage backend class cls model schema serializer form validator validators hash hashed digest rounds ' +
    'template route enabled required policy strength rules chars charset alphabet style icon input selector button link page view ' +
    'changed updated mismatch invalid success failed sent reset request requested response action event events state status ' +
    'component screen modal dialog route router handler callback fn func function lookup location audience issuer scope scopes ' +
    'cache hint mask masked regexp validation username user login email account owner'
  ).split(' '),
);
/** First name tokens that mark flags, counters, UI state and action types: `is_token_valid`, `SET_TOKEN`. */
const NOT_A_VALUE_PREFIX = new Set(
  (
    'is has use uses enable enabled require requires show hide should can min max num set get update fetch load save clear ' +
    'remove delete on handle toggle invalid wrong missing error err bad expired weak empty no forgot validate hashed hash ' +
    'masked mask redacted sample example dummy fake mock test'
  ).split(' '),
);
/** Names that hold public values by design. */
const PUBLIC_TOKENS = new Set(['public', 'publishable', 'anon', 'pk', 'site']);
/** Tokens that, followed by `key`, name a secret key. */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'auth', 'signing', 'secret', 'private', 'master', 'encryption', 'encrypt', 'session', 'cookie', 'hmac', 'jwt',
  'service', 'admin', 'app', 'license', 'webhook',
]);
const SIGNING_CONTEXT = new Set(['jwt', 'session', 'signing', 'cookie', 'csrf', 'hmac', 'webhook', 'flask', 'django', 'app', 'encryption', 'encrypt', 'master']);
const DB_CONTEXT = new Set(['db', 'database', 'postgres', 'postgresql', 'pg', 'mysql', 'mariadb', 'mongo', 'mongodb', 'redis', 'sql', 'rabbitmq', 'amqp', 'root', 'admin', 'superuser']);

/** Values that are guessable defaults wherever they appear (compared lower-case, separators removed). */
const WEAK_VALUES = new Set(
  (
    'changeme changeit changethis changemeplease password passw0rd p4ssw0rd password1 password123 secret secretkey mysecret ' +
    'mysecretkey supersecret topsecret secret123 admin admin123 administrator root toor test test123 testing dev development ' +
    'developmentkey devsecret devkey devpassword local localdev default defaultsecret 123456 1234567 12345678 123456789 ' +
    '1234567890 1234 12345 qwerty qwerty123 letmein welcome welcome1 guest pass pass123 demo example sample foobar foo bar ' +
    'keyboardcat notsecret insecure abc123 hunter2 jwtsecret jwtsecretkey sessionsecret mytoken secretpassword ' +
    'postgres mysql mongo redis'
  ).split(' '),
);
/** Word stems that mark development or placeholder values: `dev-secret-key`, `change-me-in-prod`. */
const WEAK_MARKERS =
  /change[\W_]*(?:me|it|this)|replace[\W_]*(?:me|this)|insecure|unsafe|not[\W_]*(?:secure|secret|real)|dummy|fake|example|sample|placeholder|keyboard[\W_]*cat|super[\W_]*secret|top[\W_]*secret|my[\W_]*secret|(?:^|[\W_])(?:dev|devel|development|local|test|testing|demo|default|temp|todo|fixme)(?:[\W_]|\d|$)|secret[\W_]*key|password|p[a@4]ssw[o0]rd|12345|qwerty/i;
/** Unfilled template values that must be replaced before anything works. */
const PLACEHOLDER =
  /^<[^<>]*>$|^\[[^[\]]*\]$|^x{3,}$|^\.{3,}$|^(?:todo|tbd|replace[\W_]*me|fill[\W_]*(?:me|in)|none|null|undefined)$|your[\W_]|[\W_]here$|^(?:enter|insert|put|add|set)[\W_]+your|x{6,}|\.\.\.$/i;
/** Masked or redacted output: `********`, `[REDACTED]`. */
const MASKED = /^[*•●#]+$|^\[?<?(?:redacted|hidden|masked|filtered|removed|omitted)>?\]?$/i;
const PASSWORD_HASH = /^\$(?:2[abxy]?|argon2(?:id|i|d)?|pbkdf2[\w-]*|scrypt|[156])\$|^(?:pbkdf2_sha\d+|bcrypt(?:_sha256)?|argon2|scrypt)\$/;
/** Lower-case words that make up key and header names, not secrets: `access_token`, `X-API-Key`. */
const NAME_VOCABULARY = new Set(
  (
    'x api key keys token tokens access refresh id auth authorization bearer session sessionid csrf xsrf csrftoken jwt secret ' +
    'secrets password passwd pwd user username client app header cookie value current new old confirm reset grant code ' +
    'credentials credential private public signing hmac webhook stripe github openai slack google aws basic digest oauth oauth2 ' +
    'id_token access_token refresh_token sid auth_token api_key apikey account service admin'
  ).split(' '),
);

const ENV_GETTER_PY = /^(?:os\.getenv|getenv|os\.environ\.get|environ\.get|os\.environ\.setdefault|environ\.setdefault|config|env|env\.(?:str|get)|decouple\.config)$/;
const FIELD_CALL_PY = /(?:^|\.)Field$/;
const JWT_CALL_PY = /(?:^|\.)(?:jwt\.(?:encode|decode)|jws\.sign|jws\.verify)$/;
const JWT_CALL_JS = /^(?:jwt\.(?:sign|verify)|jsonwebtoken\.(?:sign|verify)|sign|verify)$/;
const EXAMPLE_KEYS = new Set(['example', 'examples', 'json_schema_extra', 'schema_extra', 'openapi_examples', 'openapi_extra']);

export default defineRule({
  meta: {
    id: 'hardcoded-secret',
    category: 'security',
    title: 'Hard-coded secret or insecure default credential',
    severity: 'critical',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Secrets Management',
    effortHours: 1,
    messages: {
      providerKey: '{{provider}} is hard-coded in {{holder}}.',
      providerKeyInBrowser: '{{provider}} is hard-coded in {{holder}} in browser code (`{{file}}`), so it ships to every visitor of the site.',
      hardcodedSecret: '`{{name}}` {{how}} a hard-coded {{what}} ({{length}} characters) in source code.',
      insecureDefault: '`{{name}}` {{how}} a guessable {{what}} ({{reason}}) that anyone who reads the code can use.',
    },
    why: [
      'A secret written in the code is shared with everyone who can read the repository, every clone, fork, CI log and container image, and it stays in git history after it is deleted. A leaked provider key is found by automated scanners within minutes and used to run up bills or read data.',
      '',
      'A guessable default (`"development-key"`, `"changeme"`, `"secret"`) is worse than no default: when the environment variable is missing in production the app starts anyway, and anyone can forge session cookies and JWTs signed with it or log in to the database with it.',
    ].join('\n'),
    fix: [
      'Read secrets from the environment or a secret manager, with **no default**, so a missing value stops the app at start-up. Rotate any key that was ever committed: removing it from the code does not remove it from git history.',
      '',
      'pydantic-settings:',
      '```python',
      'from pydantic import SecretStr',
      'from pydantic_settings import BaseSettings',
      '',
      'class Settings(BaseSettings):',
      '    secret_key: SecretStr          # required: start-up fails when SECRET_KEY is unset',
      '    openai_api_key: SecretStr',
      '```',
      'Plain Python: `SECRET_KEY = os.environ["SECRET_KEY"]`.',
      '',
      'Node:',
      '```ts',
      "const jwtSecret = process.env.JWT_SECRET;",
      "if (!jwtSecret) throw new Error('JWT_SECRET is not set');",
      '```',
      'Generate new values with `python -c "import secrets; print(secrets.token_urlsafe(48))"`.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\npydantic-settings==2.6.0\n',
        'app/config.py':
          'from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    api_key: str = "development-key"\n    jwt_secret: str = "dev-secret"\n\n\nsettings = Settings()\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\npydantic-settings==2.6.0\n',
        'app/config.py':
          'from pydantic import SecretStr\nfrom pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    api_key: SecretStr\n    jwt_secret: SecretStr\n    token_url: str = "/auth/token"\n\n\nsettings = Settings()\n',
      },
    },
    references: {
      cwe: [798, 1392, 259],
      owasp: ['A07:2021', 'A05:2021'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html'],
      equivalents: ['bandit:B105', 'bandit:B106', 'bandit:B107', 'gitleaks', 'secretlint:@secretlint/secretlint-rule-preset-recommend'],
    },
  },
  check({ files, report }) {
    const sources = [...files.ofKind('python', { containing: [...PROVIDER_NEEDLES, ...NAME_NEEDLES.flatMap(caseVariants)] }), ...files.ofKind('js', { containing: [...PROVIDER_NEEDLES, ...NAME_NEEDLES.flatMap(caseVariants)] })];
    for (const file of sources) {
      if (!file.ast) continue;
      const python = file.kind === 'python';
      const literals = file.findAll(python ? { kind: 'string' } : { any: [{ kind: 'string' }, { kind: 'template_string' }] });
      const providerOffsets = new Set<number>();
      const providerStrings = new Set<number>();
      const hasProviderNeedle = PROVIDER_NEEDLES.some((n) => file.text.includes(n));

      // 1. Provider-format keys, wherever they are.
      if (hasProviderNeedle) {
        for (const literal of literals) {
          const raw = literal.text();
          if (!ANY_PROVIDER.test(raw)) continue;
          for (const format of PROVIDERS) {
            const { provider, regex } = format;
            regex.lastIndex = 0;
            for (const match of raw.matchAll(regex)) {
              const offset = literal.range().start.index + (match.index ?? 0);
              if (providerOffsets.has(offset)) continue;
              if (!isUsableSecret(match[0], format) || isFirebaseConfig(literal, python)) continue;
              providerOffsets.add(offset);
              providerStrings.add(literal.range().start.index);
              const line = literal.range().start.line + 1 + (raw.slice(0, match.index).match(/\n/g)?.length ?? 0);
              const holder = holderOf(literal, python, file);
              report({
                messageId: isBrowserCode(file) ? 'providerKeyInBrowser' : 'providerKey',
                at: file.locateLines(line),
                data: { provider, holder: holder ? `\`${holder.display}\`` : (callArgumentDisplay(literal) ?? 'a string literal'), file: file.path },
                secrets: secretPieces(match[0]),
                ...(file.isTest ? { severity: 'low' as Severity } : {}),
              });
            }
          }
        }
      }

      // 2. Literals given to secret-named holders (not in test code).
      if (file.isTest) continue;
      const docs = isDocsPath(file.path);
      for (const literal of literals) {
        if (providerStrings.has(literal.range().start.index)) continue;
        const value = literalValue(literal, python);
        if (value === undefined) continue;
        const holder = holderOf(literal, python, file);
        const anchor = outermostLiteral(literal, python);
        const at = file.locateLines(anchor.range().start.line + 1);
        // A connection URL with an inline password: `postgresql://app:changeme@db/app`, whatever holds it.
        if (URL_WITH_PASSWORD.test(value)) {
          const name = holder?.display ?? callArgumentDisplay(literal)?.slice(1, -1);
          const verdict = docs || !name || insideExample(literal, python) ? undefined : judgeUrlPassword(value);
          if (!verdict || !name) continue;
          const how = HOW_TEXT[holder?.how ?? 'argument'];
          const what = 'password in a connection URL';
          const secrets = verdict.reason === WELL_KNOWN ? [] : [verdict.secret!];
          if (verdict.kind === 'hardcoded') report({ messageId: 'hardcodedSecret', at, data: { name, how, what, length: String(verdict.secret!.length) }, secrets });
          else report({ messageId: 'insecureDefault', at, data: { name, how, what, reason: verdict.reason }, secrets, ...(holder?.settings ? {} : { severity: 'high' as Severity }) });
          continue;
        }
        if (!holder) continue;
        const kind = secretKind(holder.name);
        if (!kind) continue;
        if (insideExample(literal, python) || isFirebaseConfig(literal, python)) continue;
        const verdict = judgeValue(value, holder, kind, docs);
        if (!verdict) continue;
        // Dictionary defaults (`secret`, `admin`) are public knowledge; redacting them would garble every text that contains the word.
        const secrets = verdict.reason === WELL_KNOWN ? [] : secretPieces(verdict.secret ?? value);
        if (verdict.kind === 'hardcoded') {
          report({ messageId: 'hardcodedSecret', at, data: { name: holder.display, how: HOW_TEXT[holder.how], what: 'credential', length: String((verdict.secret ?? value).trim().length) }, secrets });
        } else {
          const critical = kind === 'signing' || (kind === 'password' && (holder.settings || hasAny(words(holder.name), DB_CONTEXT)));
          report({
            messageId: 'insecureDefault',
            at,
            data: { name: holder.display, how: HOW_TEXT[holder.how], what: 'value', reason: verdict.reason },
            secrets,
            ...(critical ? {} : { severity: 'high' as Severity }),
          });
        }
      }
    }
  },
});

function caseVariants(word: string): string[] {
  return [word, word.toUpperCase(), word[0].toUpperCase() + word.slice(1)];
}

/** Lower-case name tokens: `OPENAI_API_KEY` → openai api key; `jwtSecret` → jwt secret; `X-API-Key` → x api key. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function hasAny(tokens: string[], set: ReadonlySet<string>): boolean {
  return tokens.some((t) => set.has(t));
}

/** What kind of secret a name announces, or undefined when it does not look like one. */
function secretKind(name: string): SecretKind | undefined {
  const t = words(name);
  if (!t.length) return undefined;
  const last = t[t.length - 1];
  if (NOT_A_VALUE_SUFFIX.has(last) || NOT_A_VALUE_PREFIX.has(t[0]) || hasAny(t, PUBLIC_TOKENS)) return undefined;
  if (t.includes('authorization') && t.length <= 2) return 'authorization';
  if ((t.includes('private') && t[t.indexOf('private') + 1] === 'key') || t.includes('privatekey')) return 'privateKey';
  if (t.includes('secret') || t.includes('secretkey')) {
    if (t.includes('client') || t.includes('consumer')) return 'secret';
    if (hasAny(t, SIGNING_CONTEXT) || t.length === 1 || (t.length === 2 && last === 'key')) return 'signing';
    if (last === 'key' && t[t.length - 2] === 'secret' && !t.includes('api') && !t.includes('access')) return 'signing';
    return 'secret';
  }
  if (t.some((w) => w === 'password' || w === 'passwd' || w === 'pwd' || w === 'passphrase') || (last === 'pass' && t.length > 1)) return 'password';
  // `TOKEN_KEY = "auth_token"` names a storage slot, not a token.
  if (last === 'key' && t.length > 1 && !KEY_QUALIFIERS.has(t[t.length - 2])) return undefined;
  if (t.includes('apikey') || t.some((w, i) => w === 'key' && i > 0 && KEY_QUALIFIERS.has(t[i - 1]))) {
    if (t.some((w, i) => w === 'key' && i > 0 && ['jwt', 'session', 'signing', 'cookie', 'hmac', 'encryption', 'encrypt', 'master'].includes(t[i - 1])))
      return 'signing';
    return 'apiKey';
  }
  if (t.includes('token')) return 'token';
  if (t.includes('credentials') || t.includes('credential') || t.includes('creds')) return 'credentials';
  return undefined;
}

const WELL_KNOWN = 'a common default';

interface Verdict {
  kind: 'hardcoded' | 'weak';
  reason: string;
  /** The part of the value that is secret, when not the whole value (`Bearer <token>`). */
  secret?: string;
}

/** Decide whether a literal given to a secret-named holder is a real secret, a guessable default, or harmless. */
function judgeValue(raw: string, holder: Holder, kind: SecretKind, docs: boolean): Verdict | undefined {
  let value = raw.trim();
  if ((value.length < 4 && !WEAK_VALUES.has(value.toLowerCase())) || MASKED.test(value) || PASSWORD_HASH.test(value)) return undefined;
  if (kind === 'authorization') {
    const m = /^(?:Bearer|Token|Basic)\s+(\S{8,})$/i.exec(value);
    if (!m || PLACEHOLDER.test(m[1]) || /[{}$<>]/.test(m[1])) return undefined;
    value = m[1];
    return looksRandom(value, 'token') ? { kind: 'hardcoded', reason: '', secret: value } : undefined;
  }
  if (/\s/.test(value)) {
    // Signing secrets are often passphrases (`keyboard cat`); anything else with spaces is prose.
    if (kind !== 'signing' || value.split(/\s+/).length > 4 || /[.!?:]$/.test(value)) return undefined;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^(?:\.{0,2}\/|~\/)/.test(value)) return undefined;
  if (/\.(?:pem|key|crt|cer|json|txt|p12|pfx|der|ya?ml|env|jks|js|ts|py)$/i.test(value)) return undefined;
  if (/\{\{|\$\{|%\(|%s|\{\w*\}/.test(value) || /^\^|\$$|\\[dwsb]|\(\?/.test(value)) return undefined;
  if (/^(?:pk|rk)_(?:test|live)_/.test(value)) return undefined;
  if (normalise(value) === normalise(holder.name) && holder.how !== 'kwarg' && holder.how !== 'argument') return undefined;
  if (/^(?:sk|rk)_test_/.test(value)) return { kind: 'hardcoded', reason: '' };

  const flat = normalise(value);
  if (PLACEHOLDER.test(value) || /EXAMPLE/.test(value)) {
    // An unreplaced placeholder works as-is only where it is itself the key or password; elsewhere the call simply fails.
    if (docs || (kind !== 'signing' && kind !== 'password')) return undefined;
    return { kind: 'weak', reason: 'an unreplaced placeholder' };
  }
  if (WEAK_VALUES.has(flat)) return { kind: 'weak', reason: WELL_KNOWN };
  if (WEAK_MARKERS.test(value)) return { kind: 'weak', reason: 'a development or example marker' };
  if (isNameLike(value)) return undefined;
  if (looksRandom(value, kind)) return { kind: 'hardcoded', reason: '' };
  // A short plain value: a guessable signing key, or a weak password where the context says it is one
  // (not `{ password: 'Passwort' }` in a translation table).
  const credentialContext = holder.how === 'kwarg' || holder.how === 'fallback' || holder.how === 'default' || holder.settings || hasAny(words(holder.name), DB_CONTEXT);
  if ((kind === 'signing' || (kind === 'password' && credentialContext)) && value.length <= 64 && /^[\w!@#$%^&*.+= -]+$/.test(value) && !/^[A-Z][a-z]+$/.test(value))
    return { kind: 'weak', reason: isPhrase(value) ? 'a readable phrase, not a random key' : 'short and low-entropy' };
  return undefined;
}

const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/([^:@/\s]*):([^@/\s]+)@[^\s]+$/i;

/** The inline password of a connection URL, judged like any password; placeholders and interpolations are skipped. */
function judgeUrlPassword(url: string): Verdict | undefined {
  const m = URL_WITH_PASSWORD.exec(url);
  if (!m) return undefined;
  let password = m[2];
  try {
    password = decodeURIComponent(password);
  } catch {
    /* keep as written */
  }
  if (/[{}$%<>]/.test(m[2]) || MASKED.test(password) || PLACEHOLDER.test(password)) return undefined;
  if (WEAK_VALUES.has(normalise(password)) || (m[1] && password.toLowerCase() === m[1].toLowerCase()))
    return { kind: 'weak', reason: WELL_KNOWN, secret: password };
  if (WEAK_MARKERS.test(password)) return { kind: 'weak', reason: 'a development or example marker', secret: password };
  if (looksRandom(password, 'password')) return { kind: 'hardcoded', reason: '', secret: password };
  return { kind: 'weak', reason: 'short and low-entropy', secret: password };
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** `access_token`, `X-API-Key`, `auth/session`: the name of a header, field or storage slot. */
function isNameLike(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9]*(?:[-_.:/][A-Za-z0-9]+)*$/.test(value)) return false;
  const t = words(value);
  return t.length > 0 && t.every((w) => NAME_VOCABULARY.has(w));
}

function charClasses(s: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(s)).length;
}

/** Words joined by separators: `set-from-environment-in-deploy`, `my_app_signing_key`. */
function isPhrase(value: string): boolean {
  return /^[a-z]+(?:[-_. ][a-z]+)+$/i.test(value);
}

/** High entropy, long enough, mixed characters: a generated key, token or strong password. */
function looksRandom(value: string, kind: SecretKind): boolean {
  if (/^eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}$/.test(value)) return true;
  if (isPhrase(value)) return false;
  const h = shannonEntropy(value);
  const classes = charClasses(value);
  if (value.length >= 20 && h >= 3.5 && classes >= 2) return true;
  if (value.length >= 12 && h >= 3.0 && classes >= 2 && /\d/.test(value) && /[A-Za-z]/.test(value)) return true;
  if ((kind === 'password' || kind === 'signing' || kind === 'secret') && value.length >= 8 && classes >= 3 && h >= 2.5) return true;
  return false;
}

/** A provider-format match that is a plausible key, not `sk-proj-xxxxxxxx…` or the AWS docs example. */
/**
 * Code bundled for the browser: a `'use client'` module, or a file under the usual front-end
 * folders (not API routes or server code).
 */
function isBrowserCode(file: ParsedFile): boolean {
  if (file.kind !== 'js') return false;
  if (/^\s*['"]use client['"]/m.test(file.text)) return true;
  if (/(^|\/)(api|server|backend|functions|lambda)\//.test(file.path) || /\.server\.[cm]?[jt]sx?$/.test(file.path)) return false;
  return /(^|\/)(public|static|components|hooks|frontend\/src|client|web\/src|src\/pages|pages)\//.test(file.path) || /\.(jsx|tsx|vue|svelte)$/.test(file.path);
}

/** Firebase web config keys are public by design (they identify the project, they do not authorise). */
function isFirebaseConfig(literal: SyntaxNode, python: boolean): boolean {
  if (python) return false;
  const pair = literal.parent();
  const object = pair?.kind() === 'pair' ? pair.parent() : undefined;
  return !!object && /\b(?:authDomain|messagingSenderId|storageBucket)\b/.test(object.text());
}

/** The secret value and, for multi-line values, each line of it, so snippets cannot show a fragment. */
function secretPieces(secret: string): string[] {
  const pieces = [secret];
  for (const line of secret.split(/\r?\n|\\n|\\r/)) {
    const t = line.trim();
    if (t.length >= 8 && !/^-----(?:BEGIN|END) /.test(t)) pieces.push(t);
  }
  return [...new Set(pieces)];
}

function isDocsPath(path: string): boolean {
  return /(^|\/)(docs?|examples?|samples?|demos?|tutorials?)\//i.test(path) || /(^|[._-])(example|sample)s?[._-]/i.test(path.slice(path.lastIndexOf('/') + 1));
}

function sameNode(a: SyntaxNode | null | undefined, b: SyntaxNode | null | undefined): boolean {
  return !!a && !!b && a.id() === b.id();
}

/** The plain value of a literal; undefined for f-strings/templates with substitutions and parts of concatenations. */
function literalValue(literal: SyntaxNode, python: boolean): string | undefined {
  if (python) {
    const parent = literal.parent();
    if (parent?.kind() === 'concatenated_string') {
      // Judge the concatenation once, at its first part.
      if (!sameNode(parent.children().find((c) => c.kind() === 'string'), literal)) return undefined;
      return pyStringValue(parent);
    }
    return pyStringValue(literal);
  }
  return jsStringValue(literal);
}

function outermostLiteral(literal: SyntaxNode, python: boolean): SyntaxNode {
  const parent = literal.parent();
  return python && parent?.kind() === 'concatenated_string' ? parent : literal;
}

/** Climb past wrappers that do not change the value: parentheses, TS `as`, concatenation. */
function valueNode(literal: SyntaxNode, python: boolean): SyntaxNode {
  let node = outermostLiteral(literal, python);
  for (;;) {
    const parent = node.parent();
    if (!parent) return node;
    const k = parent.kind();
    if (k === 'parenthesized_expression' || k === 'as_expression' || k === 'satisfies_expression' || k === 'non_null_expression') node = parent;
    else return node;
  }
}

/** Who receives the literal, named: `x = "…"`, `f(x="…")`, `{"x": "…"}`, `def f(x="…")`, `os.getenv("X", "…")`. */
function holderOf(literal: SyntaxNode, python: boolean, file: ParsedFile): Holder | undefined {
  const node = valueNode(literal, python);
  const parent = node.parent();
  if (!parent) return undefined;
  const settingsFile = /(^|\/)(settings|config|conf|configuration)(\/|\.py$|\.[cm]?[jt]s$)/i.test(file.path);
  const make = (name: string | undefined, how: How, settings = settingsFile, cls?: string): Holder | undefined =>
    name ? { name, display: cls ? `${cls}.${name}` : name, how, settings } : undefined;
  return python ? pyHolder(node, parent, make) : jsHolder(node, parent, make);
}

/** `` `new Stripe(…)` `` when the literal is a positional argument of a call. */
function callArgumentDisplay(literal: SyntaxNode): string | undefined {
  const args = literal.parent();
  if (args?.kind() !== 'arguments' && args?.kind() !== 'argument_list') return undefined;
  const call = args.parent();
  if (!call) return undefined;
  const callee = (call.kind() === 'new_expression' ? call.field('constructor') : call.field('function'))?.text();
  if (!callee || callee.length > 40) return undefined;
  return `\`${call.kind() === 'new_expression' ? 'new ' : ''}${callee}(…)\``;
}

/** `connect_queue(password=…)`: a parameter named with its function, when the function has a name. */
function parameterDisplay(parameter: SyntaxNode, name: string | undefined): string | undefined {
  const fn = parameter.parent()?.parent();
  if (!fn || !name) return undefined;
  let fnName = fn.field('name')?.text();
  if (!fnName && fn.parent()?.kind() === 'variable_declarator') fnName = fn.parent()?.field('name')?.text();
  return fnName ? `${fnName}(${name}=…)` : undefined;
}

function withDisplay(holder: Holder | undefined, display: string | undefined): Holder | undefined {
  return holder && display ? { ...holder, display } : holder;
}

/** `analytics.apiKey`, `session({ secret })`, `DATABASES["password"]`: the pair named by what holds the object. */
function pairDisplay(pair: SyntaxNode, python: boolean): string | undefined {
  const key = pair.field('key');
  const name = key ? (python ? pyStringValue(key) : jsName(key)) : undefined;
  const object = pair.parent();
  const holder = object?.parent();
  if (!name || !object || !holder) return undefined;
  const k = holder.kind();
  if (k === 'arguments' || k === 'argument_list') {
    const call = holder.parent();
    const isNew = call?.kind() === 'new_expression';
    const callee = (isNew ? call?.field('constructor') : call?.field('function'))?.text();
    if (callee && callee.length <= 40) return python ? `${callee}({"${name}": …})` : `${isNew ? 'new ' : ''}${callee}({ ${name} })`;
  }
  if (k === 'variable_declarator') {
    const variable = jsName(holder.field('name'));
    if (variable) return `${variable}.${name}`;
  }
  if (k === 'assignment') {
    const variable = holder.field('left')?.text();
    if (variable && variable.length <= 40) return `${variable}["${name}"]`;
  }
  return undefined;
}

type MakeHolder = (name: string | undefined, how: How, settings?: boolean, cls?: string) => Holder | undefined;

function pyTargetName(target: SyntaxNode | null): string | undefined {
  if (!target) return undefined;
  if (target.kind() === 'identifier') return target.text();
  if (target.kind() === 'attribute') return target.field('attribute')?.text();
  if (target.kind() === 'subscript') return pyStringValue(target.field('subscript'));
  return undefined;
}

function pyEnclosingSettingsClass(node: SyntaxNode): string | undefined {
  let current = node.parent();
  while (current) {
    if (current.kind() === 'function_definition') return undefined;
    if (current.kind() === 'class_definition') {
      const bases = current.field('superclasses')?.text() ?? '';
      const name = current.field('name')?.text() ?? '';
      return /Settings|Config/.test(bases) || /Settings|Config/.test(name) ? name : undefined;
    }
    current = current.parent();
  }
  return undefined;
}

function pyAssignmentHolder(assignment: SyntaxNode, make: MakeHolder, how: How): Holder | undefined {
  const name = pyTargetName(assignment.field('left'));
  const cls = pyEnclosingSettingsClass(assignment);
  if (cls) return make(name, 'default', true, cls);
  return make(name, how);
}

function pyHolder(node: SyntaxNode, parent: SyntaxNode, make: MakeHolder): Holder | undefined {
  switch (parent.kind()) {
    case 'assignment':
      return sameNode(parent.field('right'), node) ? pyAssignmentHolder(parent, make, 'assign') : undefined;
    case 'pair':
      return sameNode(parent.field('value'), node) ? withDisplay(make(pyStringValue(parent.field('key')), 'property'), pairDisplay(parent, true)) : undefined;
    case 'default_parameter':
    case 'typed_default_parameter':
      return withDisplay(make(parent.field('name')?.text(), 'default'), parameterDisplay(parent, parent.field('name')?.text()));
    case 'keyword_argument': {
      if (!sameNode(parent.field('value'), node)) return undefined;
      const keyword = parent.field('name')?.text();
      const call = parent.parent()?.parent();
      const callee = call?.kind() === 'call' ? (call.field('function')?.text() ?? '') : '';
      if (keyword === 'default') {
        if (ENV_GETTER_PY.test(callee)) return make(pyStringValue(firstPositional(call!)), 'fallback', true);
        if (FIELD_CALL_PY.test(callee)) {
          const assignment = call!.parent();
          return assignment?.kind() === 'assignment' ? pyAssignmentHolder(assignment, make, 'default') : undefined;
        }
      }
      if ((keyword === 'key' || keyword === 'secret') && JWT_CALL_PY.test(callee)) return signingHolder(`${callee}(…, ${keyword}=…)`, make);
      return withDisplay(make(keyword, 'kwarg'), callee ? `${callee}(${keyword}=…)` : undefined);
    }
    case 'argument_list': {
      const call = parent.parent();
      if (call?.kind() !== 'call') return undefined;
      const callee = call.field('function')?.text() ?? '';
      const positional = parent.children().filter((c) => c.isNamed() && c.kind() !== 'comment' && c.kind() !== 'keyword_argument');
      const index = positional.findIndex((c) => sameNode(c, node));
      if (ENV_GETTER_PY.test(callee) && index === 1) return make(pyStringValue(positional[0]), 'fallback', true);
      if (FIELD_CALL_PY.test(callee) && index === 0) {
        const assignment = call.parent();
        return assignment?.kind() === 'assignment' ? pyAssignmentHolder(assignment, make, 'default') : undefined;
      }
      if (JWT_CALL_PY.test(callee) && index === 1) return signingHolder(`${callee}(…, key)`, make);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** A holder for a positional signing-key argument (`jwt.encode(payload, "secret")`): named so it classifies as a signing secret. */
function signingHolder(display: string, make: MakeHolder): Holder | undefined {
  const holder = make('jwt_secret', 'argument');
  return holder ? { ...holder, display } : undefined;
}

function firstPositional(call: SyntaxNode): SyntaxNode | undefined {
  return call
    .field('arguments')
    ?.children()
    .find((c) => c.isNamed() && c.kind() !== 'comment' && c.kind() !== 'keyword_argument');
}

function jsName(node: SyntaxNode | null | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.kind()) {
    case 'identifier':
    case 'property_identifier':
    case 'shorthand_property_identifier_pattern':
    case 'private_property_identifier':
      return node.text().replace(/^#/, '');
    case 'member_expression':
      return node.field('property')?.text();
    case 'subscript_expression':
      return jsStringValue(node.field('index'));
    case 'string':
      return jsStringValue(node);
    default:
      return undefined;
  }
}

function jsHolder(node: SyntaxNode, parent: SyntaxNode, make: MakeHolder): Holder | undefined {
  switch (parent.kind()) {
    case 'variable_declarator':
      return sameNode(parent.field('value'), node) ? make(jsName(parent.field('name')), 'assign') : undefined;
    case 'assignment_expression':
      return sameNode(parent.field('right'), node) ? make(jsName(parent.field('left')), 'assign') : undefined;
    case 'pair':
      return sameNode(parent.field('value'), node) ? withDisplay(make(jsName(parent.field('key')), 'property'), pairDisplay(parent, false)) : undefined;
    case 'public_field_definition':
    case 'field_definition': {
      if (!sameNode(parent.field('value'), node)) return undefined;
      const name = jsName(parent.field('name') ?? parent.field('property'));
      const cls = parent.parent()?.parent();
      const clsName = cls?.kind() === 'class_declaration' || cls?.kind() === 'class' ? cls.field('name')?.text() : undefined;
      return make(name, 'assign', undefined, clsName);
    }
    case 'required_parameter':
    case 'optional_parameter': {
      const name = jsName(parent.field('pattern'));
      return sameNode(parent.field('value'), node) ? withDisplay(make(name, 'default'), parameterDisplay(parent, name)) : undefined;
    }
    case 'assignment_pattern': {
      const name = jsName(parent.field('left'));
      return sameNode(parent.field('right'), node) ? withDisplay(make(name, 'default'), parameterDisplay(parent, name)) : undefined;
    }
    case 'object_assignment_pattern': {
      if (!sameNode(parent.field('right'), node)) return undefined;
      const declarator = parent.parent()?.parent();
      const fromEnv = declarator?.kind() === 'variable_declarator' && /\b(?:process|import\.meta)\.env\b/.test(declarator.field('value')?.text() ?? '');
      return make(jsName(parent.field('left')), fromEnv ? 'fallback' : 'default', fromEnv ? true : undefined);
    }
    case 'binary_expression': {
      const operator = parent.field('operator')?.text() ?? parent.children().find((c) => !c.isNamed())?.text();
      if ((operator !== '||' && operator !== '??') || !sameNode(parent.field('right'), node)) return undefined;
      const left = parent.field('left');
      const env = /\b(?:process|import\.meta)\.env\b/.test(left?.text() ?? '');
      return make(jsName(left), 'fallback', env ? true : undefined);
    }
    case 'arguments': {
      const call = parent.parent();
      if (call?.kind() !== 'call_expression') return undefined;
      const callee = call.field('function')?.text() ?? '';
      const args = parent.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
      const index = args.findIndex((c) => sameNode(c, node));
      if (JWT_CALL_JS.test(callee) && index === 1) return signingHolder(`${callee}(…, secret)`, make);
      if (/(?:^|\.)cookieParser$/.test(callee) && index === 0) return signingHolder(`${callee}(secret)`, make);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Inside an OpenAPI/pydantic example: `Field(examples=[…])`, `json_schema_extra={"example": {…}}`. */
function insideExample(literal: SyntaxNode, python: boolean): boolean {
  let current = literal.parent();
  let depth = 0;
  while (current && depth < 12) {
    const k = current.kind();
    if (k === 'keyword_argument' && EXAMPLE_KEYS.has(current.field('name')?.text() ?? '')) return true;
    if (k === 'pair') {
      const key = current.field('key');
      const name = python ? pyStringValue(key) : jsName(key);
      if (name && EXAMPLE_KEYS.has(name)) return true;
    }
    if (k === 'assignment' || k === 'variable_declarator') {
      const target = python ? pyTargetName(current.field('left')) : jsName(current.field('name'));
      if (target && EXAMPLE_KEYS.has(target.toLowerCase())) return true;
    }
    if (k === 'function_definition' || k === 'class_definition' || k === 'module' || k === 'program') return false;
    current = current.parent();
    depth++;
  }
  return false;
}
