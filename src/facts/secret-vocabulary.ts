/**
 * The one vocabulary every secret rule shares: which names hold secrets (in every naming style),
 * which values are placeholders, references, masks or look-alikes, which are guessable defaults,
 * and how random a value must be (Shannon entropy, judged per character set) to count as a
 * generated key. The hard-coded-secret, config-file, dotenv, compose, Dockerfile and Kubernetes
 * rules and the language-agnostic scanner (`secret-scan.ts`) all decide with these functions, so
 * one value gets one verdict wherever it sits.
 */

export type SecretKind = 'signing' | 'secret' | 'password' | 'token' | 'apiKey' | 'privateKey' | 'credentials' | 'authorization' | 'salt';

/** How a secret kind is named in messages. */
export const SECRET_KIND_TEXT: Record<SecretKind, string> = {
  signing: 'signing secret',
  secret: 'secret',
  password: 'password',
  token: 'token',
  apiKey: 'API key',
  privateKey: 'private key',
  credentials: 'credential',
  authorization: 'authorization header',
  salt: 'salt',
};

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/** Words that say "password" (several languages: translation tables are filtered by their values). */
const PASSWORD_WORDS = new Set(['password', 'passwd', 'pwd', 'pw', 'passphrase', 'passcode', 'pass', 'passwort', 'kennwort', 'senha', 'contrasena', 'contraseña', 'motdepasse', 'wachtwoord', 'haslo', 'hasło']);
/** Secret words that may be glued to the end of another word: `requirepass`, `masterauth`, `dbpassword`, `apikey`. */
const GLUED_TAILS = ['password', 'passwd', 'passphrase', 'passcode', 'secret', 'token', 'apikey', 'credentials', 'credential', 'creds', 'pwd', 'pass', 'auth', 'key', 'pw', 'salt'];
/** Words that `pass`/`pw`/`auth` may be glued to: `requirepass`, `rootpw`, `masterauth` (not `bypass`, `compass`, `oauth`). */
const GLUE_QUALIFIERS = new Set(['require', 'master', 'root', 'admin', 'db', 'sql', 'mysql', 'pg', 'redis', 'ldap', 'bind', 'smtp', 'mail', 'ftp', 'proxy', 'user', 'app', 'web', 'api', 'sys', 'sa', 'store', 'keystore', 'truststore', 'key', 'default', 'http', 'basic', 'client', 'server', 'service', 'access', 'secret', 'private', 'signing', 'auth', 'login', 'new', 'old', 'my', 'encryption', 'session']);

/** `proxy_pass`, `fastcgi_pass` (nginx), `boarding_pass`: `pass` that is not a password. */
const NOT_PASS_QUALIFIERS = new Set([
  'proxy', 'fastcgi', 'uwsgi', 'scgi', 'grpc', 'memcached', 'first', 'second', 'single', 'multi', 'one', 'two', 'by', 'boarding', 'day', 'season', 'free',
  'hall', 'back', 'high', 'low', 'band', 'all', 'render', 'shader', 'test', 'tests', 'function', 'module', 'loop', 'cgscc', 'machine', 'analysis',
  'compiler', 'optimization', 'optimisation', 'transform', 'lowering', 'compute', 'graphics', 'lint', 'check', 'checks', 'build', 'ci', 'stage', 'can',
]);
/** Last name words that say "this is about a secret, not the secret": `token_url`, `password_min_length`. */
const NOT_A_VALUE_SUFFIX = new Set(
  (
    'url uri urls endpoint path paths file filename files dir directory folder length len size field fields header headers name names ' +
    'env var vars variable id ids type types kind mode method scheme prefix suffix format algorithm algorithms alg regex pattern re label ' +
    'placeholder hint message msg error errors text title description desc help column col attr attribute param params query cookie ' +
    'expiry expire expires expiration exp ttl lifetime minutes seconds secs ms hours days timeout age count limit max min cost version location ' +
    'source provider store storage backend class cls model schema serializer form validator validators hash hashed digest rounds iterations ' +
    'template route enabled enable disabled required policy strength rules rule chars charset alphabet style icon input selector button link page view ' +
    'changed updated mismatch invalid valid success failed sent reset request requested response action event events state status ' +
    'component screen modal dialog router handler callback fn func function lookup audience issuer scope scopes ' +
    'cache mask masked regexp validation username user users login email account owner host hostname port region ' +
    'ref reference arn index idx key_id keyid fingerprint thumbprint kid policy policies rotation interval delay retries retry ' +
    'generator factory helper util utils service manager client store config configuration setting settings option options ' +
    'visible visibility toggle show hidden strength meter widget prompt question questions confirm confirmation ' +
    'flag flags bits bytes encoding encoded counter hint hints encryption hashing hasher hashers mechanism strategy'
  ).split(' '),
);
/** First name words that mark flags, counters, UI state and actions: `is_token_valid`, `SET_TOKEN`, `forgot_password`. */
const NOT_A_VALUE_PREFIX = new Set(
  (
    'is has use uses enable enabled requires show hide should can min max num set get update fetch load save clear ' +
    'remove delete on handle toggle invalid wrong missing error err bad expired weak empty no forgot validate hashed hash ' +
    'masked mask redacted sample example examples dummy fake mock placeholder default_hint check verify reset change ' +
    'generate create rotate revoke refresh_url new_password_form ask prompt read input request getpass md5 sha1 sha256 sha512 crc checksum digest'
  ).split(' '),
);
/** Names that hold public values by design. */
const PUBLIC_WORDS = new Set(['public', 'publishable', 'anon', 'pk', 'site', 'pub']);
/** Words that, before `key`, make it a secret key: `api_key`, `SIGNING_KEY`, `NONCE_KEY`. */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'auth', 'signing', 'secret', 'private', 'master', 'encryption', 'encrypt', 'decryption', 'session', 'cookie', 'hmac', 'jwt',
  'service', 'admin', 'app', 'license', 'licence', 'webhook', 'nonce', 'logged', 'in', 'secure', 'write', 'server', 'client', 'crypto', 'cipher',
  'aes', 'consumer', 'integration', 'account', 'storage', 'subscription', 'management', 'deploy', 'ssh', 'gpg', 'pgp', 'sas', 'shared', 'root',
]);
const SIGNING_CONTEXT = new Set(['jwt', 'session', 'signing', 'cookie', 'csrf', 'hmac', 'webhook', 'flask', 'django', 'app', 'encryption', 'encrypt', 'master', 'play', 'rails', 'laravel']);
/** Words of database and infrastructure accounts, where a default password is critical. */
export const DB_CONTEXT = new Set(['db', 'database', 'postgres', 'postgresql', 'pg', 'mysql', 'mariadb', 'mongo', 'mongodb', 'redis', 'sql', 'rabbitmq', 'amqp', 'root', 'admin', 'superuser', 'datasource', 'jdbc', 'ldap']);

/**
 * Lower-case name words in any naming style, with secret words glued to another word split off:
 * `OPENAI_API_KEY` → openai api key; `jwtSecret` → jwt secret; `X-API-Key` → x api key;
 * `spring.datasource.password` → spring datasource password; `requirepass` → require pass.
 */
export function nameWords(name: string): string[] {
  const raw = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9ñł]+/)
    .filter(Boolean);
  const out: string[] = [];
  for (const word of raw) out.push(...unglue(word));
  return out;
}

function unglue(word: string): string[] {
  if (PASSWORD_WORDS.has(word) || word.length < 5) return [word];
  for (const tail of GLUED_TAILS) {
    if (!word.endsWith(tail) || word.length === tail.length) continue;
    const head = word.slice(0, -tail.length);
    const needsQualifier = tail === 'pass' || tail === 'pw' || tail === 'auth' || tail === 'key' || tail === 'salt';
    if (needsQualifier ? !GLUE_QUALIFIERS.has(head) && !KEY_QUALIFIERS.has(head) : head.length < 2) continue;
    return [...unglue(head), tail];
  }
  return [word];
}

/** The literal needles (any case) a secret-named key contains: for `files.ofKind(…, { containing })` and line pre-filters. */
export const SECRET_NAME_NEEDLES = [
  'pass', 'pwd', 'secret', 'token', 'key', 'credential', 'creds', 'auth', 'passphrase', 'salt', 'pepper', 'senha', 'contrase', 'kennwort', 'wachtwoord', 'haslo', 'PW', 'pw',
];
/** The same as one case-insensitive pattern (word `pw` only as a whole token). */
export const SECRET_NAME_KEYWORD = /pass|pwd|secret|token|key|credential|creds|auth|salt|pepper|senha|contrase|kennwort|wachtwoord|has[łl]o|(?:^|[^a-z])pw(?:[^a-z]|$)/i;

const kindCache = new Map<string, SecretKind | undefined>();

/** What kind of secret a name announces, or undefined when it does not look like one (memoised: names repeat). */
export function secretKindOf(name: string): SecretKind | undefined {
  if (kindCache.has(name)) return kindCache.get(name);
  const kind = secretKindOfWords(nameWords(name));
  if (kindCache.size > 50_000) kindCache.clear();
  kindCache.set(name, kind);
  return kind;
}

export function secretKindOfWords(t: string[]): SecretKind | undefined {
  if (!t.length) return undefined;
  const last = t[t.length - 1];
  if (NOT_A_VALUE_SUFFIX.has(last) || NOT_A_VALUE_PREFIX.has(t[0]) || t.some((w) => PUBLIC_WORDS.has(w))) return undefined;
  if (t.length >= 2 && NOT_A_VALUE_SUFFIX.has(`${t[t.length - 2]}_${last}`)) return undefined;
  if ((t.includes('authorization') || t.includes('bearer')) && t.length <= 3) return 'authorization';
  if ((t.includes('private') && t[t.indexOf('private') + 1] === 'key') || t.includes('privatekey')) return 'privateKey';
  // `adminPasswordKey`, `TOKEN_KEY`, `password_field_key`: the name of a slot that holds a secret, not the secret.
  if (last === 'key' && t.length >= 2 && (PASSWORD_WORDS.has(t[t.length - 2]) || t[t.length - 2] === 'token' || t[t.length - 2] === 'credentials')) return undefined;
  if (t.includes('salt') || t.includes('pepper') || (last === 'key' && t[t.length - 2] === 'nonce')) return 'salt';
  if (t.includes('secret') || t.includes('secretkey')) {
    if (t.includes('client') || t.includes('consumer')) return 'secret';
    if (t.some((w) => SIGNING_CONTEXT.has(w)) || t.length === 1 || (t.length === 2 && last === 'key')) return 'signing';
    if (last === 'key' && t[t.length - 2] === 'secret' && !t.includes('api') && !t.includes('access')) return 'signing';
    return 'secret';
  }
  if (t.some((w) => PASSWORD_WORDS.has(w) && w !== 'pass' && w !== 'pw') || ((last === 'pass' || last === 'pw') && !NOT_PASS_QUALIFIERS.has(t[t.length - 2] ?? '')))
    return 'password';
  if (t.includes('apikey') || t.some((w, i) => w === 'key' && i > 0 && KEY_QUALIFIERS.has(t[i - 1]))) {
    if (t.some((w, i) => w === 'key' && i > 0 && ['jwt', 'session', 'signing', 'cookie', 'hmac', 'encryption', 'encrypt', 'master', 'logged', 'secure', 'crypto', 'cipher', 'aes'].includes(t[i - 1])))
      return 'signing';
    return 'apiKey';
  }
  // `TOKEN_KEY = "auth_token"` names a storage slot, not a token.
  if (last === 'key') return undefined;
  if (t.includes('token')) return 'token';
  if (t.includes('credentials') || t.includes('credential') || t.includes('creds')) return 'credentials';
  if (last === 'auth' || (t.length === 1 && t[0] === 'auth')) return 'credentials';
  return undefined;
}

/** Words before `key` that make it an identifier, not a credential: `cache_key`, `sortKey`, `idempotency_key`. */
const KEY_IS_AN_IDENTIFIER = new Set(
  (
    'cache sort primary partition foreign idempotency lookup map dict hash row index storage translation i18n item list unique composite object ' +
    'bucket redis s3 file path query state context prop react cursor shard routing group entry message event registry local hot short keyboard ' +
    'natural surrogate search browser site public pub dedupe dedup lock queue topic column field attribute attr meta metadata sequence range ' +
    'sharding hash_key idempotent name label tracking analytics_id uuid primary_key compound next prev previous parent child node tree menu ' +
    'tab page form input cookie_name header_name config setting option feature flag experiment variant'
  ).split(' '),
);

/**
 * `widgetKey`, `MERCHANT_KEY`: a key whose qualifier is not a known secret word. Such a name holds a
 * credential only when its value is a generated key, so callers require a random-looking value.
 */
export function isLooseKeyName(name: string): boolean {
  const t = nameWords(name);
  if (t.length < 2 || t[t.length - 1] !== 'key') return false;
  const prev = t[t.length - 2];
  if (KEY_IS_AN_IDENTIFIER.has(prev) || NOT_A_VALUE_PREFIX.has(t[0]) || t.some((w) => PUBLIC_WORDS.has(w))) return false;
  return secretKindOfWords(t) === undefined;
}

/** `NEXT_PUBLIC_…`, `publishable_key`, `anon_key`: public by design. */
export function isPublicName(name: string): boolean {
  return /^(?:NEXT_PUBLIC|VITE|REACT_APP|EXPO_PUBLIC|NUXT_PUBLIC|GATSBY|PUBLIC)_/i.test(name) || nameWords(name).some((w) => PUBLIC_WORDS.has(w));
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

/** Values that are guessable defaults wherever they appear (compared lower-case, separators removed). */
export const WEAK_VALUES = new Set(
  (
    'changeme changeit changethis changemeplease password passw0rd p4ssw0rd password1 password12 password123 secret secretkey mysecret ' +
    'mysecretkey supersecret topsecret secret123 admin admin123 admin1234 administrator root toor test test123 testing dev development ' +
    'developmentkey devsecret devkey devpassword local localdev default defaultsecret 123456 1234567 12345678 123456789 ' +
    '1234567890 1234 12345 qwerty qwerty123 letmein welcome welcome1 guest pass pass123 demo example sample foobar foo bar ' +
    'keyboardcat notsecret insecure abc123 hunter2 jwtsecret jwtsecretkey sessionsecret mytoken secretpassword mypassword ' +
    'postgres postgrespassword mysecretpassword postgres123 mysql redis mongo mongodb minioadmin minio123 rabbitmq user app sa ' +
    'foobared iloveyou monkey dragon master letmein1 trustno1 sunshine princess football baseball shadow superman batman'
  ).split(' '),
);
/** Word stems that mark development or placeholder values: `dev-secret-key`, `change-me-in-prod`. */
export const WEAK_MARKERS =
  /change[\W_]*(?:me|it|this)|replace[\W_]*(?:me|this)|insecure|unsafe|not[\W_]*(?:secure|secret|real)|dummy|fake|example|sample|placeholder|keyboard[\W_]*cat|super[\W_]*secret|top[\W_]*secret|my[\W_]*secret|(?:^|[\W_])(?:dev|devel|development|local|test|testing|demo|default|temp|todo|fixme)(?:[\W_]|\d|$)|secret[\W_]*key|password|p[a@4]ssw[o0]rd|12345|qwerty/i;

/** Values that call themselves fake: `somefakekey`, `dummy-token`, `example_secret`, `sample-password`. */
const SELF_DECLARED_FAKE = /fake|dummy|example|sample|placeholder|not[\W_]*(?:a[\W_]*)?real/i;

/** Unfilled template values: `<token>`, `[PASSWORD]`, `xxx`, `your_api_key_here`, `TODO`. */
const PLACEHOLDER =
  /^<[^<>]*>$|^\[[^[\]]*\]$|^x{3,}$|^\.{3,}$|^(?:todo|tbd|tba|replace[\W_]*me|fill[\W_]*(?:me|in)|none|null|nil|undefined|n\/a|na|unset|empty|required|secret_here|optional)$|your[\W_]|[\W_]here$|^(?:enter|insert|put|add|set|paste)[\W_]+(?:your|the|a)[\W_]|x{6,}|X{5,}|\.\.\.$|…$|^__[A-Z0-9_]+__$|^_+$|<(?:your|insert|enter|paste|secret|token|password|key|api)[^>]*>|^(?:put|insert) your unique phrase here$|must[\W_]+be[\W_]+changed/i;
/** Masked or redacted output: `********`, `[REDACTED]`. */
const MASKED = /^[*•●#xX]{3,}$|^\[?<?(?:redacted|hidden|masked|filtered|removed|omitted)>?\]?$|^[[<](?:secret|sensitive|password|token)[\]>]$|^\*{3,}|\*{4,}/i;
/** Password hashes are not credentials (and a finding of their own kind elsewhere). */
export const PASSWORD_HASH = /^\$(?:2[abxy]?|argon2(?:id|i|d)?|pbkdf2[\w-]*|scrypt|apr1|[156]|y|gy|7)\$|^(?:pbkdf2_sha\d+|bcrypt(?:_sha256)?|argon2|scrypt|sha1|md5|sha256|sha512)\$|^\{(?:SSHA|SHA|SSHA256|SSHA512|CRYPT|MD5|SMD5|PBKDF2[\w-]*|BCRYPT|ARGON2)\}|^SCRAM-SHA-\d+\$|^md5[a-f0-9]{32}$/i;

/** A reference to a value kept elsewhere: an environment variable, a template expression, a vault entry. */
const REFERENCE =
  /\$\{\{?\s*[?!]?[A-Za-z_][\w.\-:[\]'"]*\s*(?:[:?=+|-][^}]*)?(?:\}\}?|$)|\$\([A-Za-z_][\w .:-]*\)|\{\{[\s\w.\[\]'"|():,-]+\}\}|\{%|%\([\w.]+\)[sd]|%[A-Z_][A-Z0-9_]*%|#\{[\w.@:()'"\[\] ]+\}|<%=?|@[A-Za-z_][\w.]*@|^\$[A-Za-z_][\w]*$|^\$[A-Za-z_][\w.]*[(:/]|^env[:(]|^(?:ENC|enc)\(|^ENC\[|^vault:|^!vault|^secret:|^ref\+|^arn:aws:secretsmanager|^projects\/[^/]+\/secrets\/|^op:\/\/|^@Microsoft\.KeyVault|^sops:|^!(?:secret|env_var|ENV)\b/;
const CODE_REFERENCE =
  /^(?:process\.env|import\.meta\.env|os\.(?:environ|getenv)|getenv\(|System\.getenv|System\.getProperty|Environment\.GetEnvironmentVariable|ENV\[|ENV\.fetch|env\(|config\(|settings\.|Settings\.|secrets\.|Secrets\.|vars\.|params\.|args\.|props\.|this\.|self\.|context\.|ctx\.|options\.|opts\.|cfg\.|conf\.|Config\.|BuildConfig\.|R\.string\.)/;

/** Words of configuration values that are not secrets: `password: required`, `auth: basic`, `token: header`. */
const CONFIG_WORDS = new Set(
  (
    'required optional hidden text string str number integer int boolean bool object array any none null nil undefined true false yes no on off ' +
    'enabled disabled enable disable default auto random generate generated env environment vault keychain keyring prompt ask input stdin file plain ' +
    'plaintext md5 sha1 sha256 sha512 bcrypt argon2 argon2id scrypt pbkdf2 hash hashed encrypted jwt bearer basic digest oauth oauth2 token tokens apikey ' +
    'header headers query cookie cookies body form field user username email login logout signin signup session sessions password secret key value ' +
    'mandatory nullable unique secure insecure strong weak masked mask redacted sensitive confidential private public internal external none_ ' +
    'char varchar bytes binary blob uuid date datetime timestamp json jsonb yaml xml csv html url uri path dir ' +
    'ssl tls ntlm kerberos ldap saml oidc openid cert certificate keypair rsa ecdsa ed25519 hmac sha aes des none0 ' +
    'self this me anonymous guest_access readonly readwrite read write admin_only'
  ).split(' '),
);
/** Type names after `name:` in declarations: `password: string`, `token: Optional[str]`, `Password string`. */
const TYPE_NAME =
  /^(?:string|str|String|int|Int|bool|Boolean|boolean|number|Number|bytes|byte\[\]|\[\]byte|char\[\]|char|Text|text|any|Any|unknown|object|Object|SecretStr|SecretString|SecureString|Secret|Optional\[.*\]|Option<.*>|Maybe\s+\w+|Nullable<.*>|&(?:'static\s+)?str|\*?string|varchar(?:\(\d+\))?|VARCHAR(?:\(\d+\))?|TEXT|UUID|uuid|bytea|BYTEA|CHAR(?:\(\d+\))?|NVARCHAR(?:\(\d+\))?|list|List|dict|Dict|Record<.*>|Map<.*>|Array<.*>|\w+\[\]|None|null|undefined|PasswordField|CharField|SecretField|Field\(.*\)|z\.string\(\).*|t\.string\(\).*|Joi\.string\(\).*)$/;

/** Bits of entropy per character (Shannon). Random keys score above 3; words, repeats and `xxxx…` below. */
export function shannonEntropy(s: string): number {
  if (!s) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

export type Charset = 'digits' | 'hex' | 'base32' | 'base64' | 'alnum' | 'mixed';

/** The narrowest character set a value is written in: entropy thresholds depend on it (hex cannot exceed 4 bits). */
export function charsetOf(value: string): Charset {
  if (/^\d+$/.test(value)) return 'digits';
  if (/^[0-9a-f]+$/i.test(value) && (/^[0-9a-f]+$/.test(value) || /^[0-9A-F]+$/.test(value))) return 'hex';
  if (/^[A-Z2-7]+=*$/.test(value)) return 'base32';
  if (/^[A-Za-z0-9]+$/.test(value)) return 'alnum';
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return 'base64';
  return 'mixed';
}

/** Minimum entropy per charset for a value of `length` to count as generated (lower for short values, whose entropy is capped by their length). */
function entropyThreshold(charset: Charset, length: number): number {
  const cap = Math.log2(Math.max(2, length));
  const base = { digits: 2.8, hex: 3.0, base32: 3.4, alnum: 3.4, base64: 3.6, mixed: 3.5 }[charset];
  return Math.min(base, cap * 0.82);
}

function charClasses(s: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(s)).length;
}

/** Words joined by separators: `set-from-environment-in-deploy`, `my_app_signing_key`. */
export function isPhrase(value: string): boolean {
  return /^[a-z]+(?:[-_. ][a-z]+)+$/i.test(value);
}

/** Words that make a value with spaces a sentence, not a passphrase. */
const PROSE_WORDS = new Set(
  'a an the is are was be no not your my our their this that to of for and or in on at with by from please enter invalid wrong incorrect supplied required must should cannot missing expired here'.split(' '),
);

/** Capitalised words run together, no digits: `NonExpressionParenKeyword`, `?InterpolationInTemplate` — an identifier, not a key. */
function isWordy(value: string): boolean {
  const core = value.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  if (/\d/.test(core) || !/^[A-Za-z]+$/.test(core)) return false;
  const words = core.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
  return words.length >= 3 && words.every((w) => w.length >= 2) && words.join('') === core;
}

/** Monotone runs and repeats: `abcdefgh`, `12345678`, `aaaaaaaa`, `abcabcabc`. */
function isPatterned(value: string): boolean {
  if (/^(.)\1+$/.test(value) || /^(.{2,4})\1{2,}$/.test(value)) return true;
  let up = 0;
  let down = 0;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    if (d === 1) up++;
    else if (d === -1) down++;
  }
  return value.length >= 6 && (up >= value.length - 2 || down >= value.length - 2);
}

/** High entropy for its character set, long enough, mixed characters: a generated key, token or strong password. */
export function looksRandom(value: string, kind?: SecretKind): boolean {
  if (/^eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}$/.test(value)) return true;
  if (isPhrase(value) || isPatterned(value) || isWordy(value)) return false;
  const h = shannonEntropy(value);
  const classes = charClasses(value);
  const charset = charsetOf(value);
  const length = value.length;
  if (charset === 'digits') return length >= 16 && h >= 2.9;
  if (charset === 'hex') return length >= 16 && h >= entropyThreshold('hex', length) && /\d/.test(value) && /[a-f]/i.test(value);
  if (length >= 20 && h >= entropyThreshold(charset, length) && classes >= 2) return true;
  if (length >= 12 && h >= 3.0 && classes >= 2 && /\d/.test(value) && /[A-Za-z]/.test(value)) return true;
  if ((kind === 'password' || kind === 'signing' || kind === 'secret' || kind === 'salt') && length >= 8 && classes >= 3 && h >= 2.5) return true;
  return false;
}

/** A value for a human-chosen password: not random, but not a word list entry either (`Summer2023!`, `bluesky77`). */
function looksLikePassword(value: string): boolean {
  return value.length >= 6 && value.length <= 64 && !/\s/.test(value) && (charClasses(value) >= 2 || value.length >= 10);
}

/** `SN_setAttr_Token_B0Prime = "setAttr-Token-B0Prime"`, `password: "PASSWORD"`: the value spells its own name. */
function repeatsName(value: string, name: string): boolean {
  const v = normaliseValue(value);
  const n = normaliseValue(name);
  return v === n || (v.length >= 10 && n.includes(v));
}

export function normaliseValue(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** `admin@123`, `P@ssw0rd!`: leetspeak folded so dictionary defaults are recognised. */
function unleet(s: string): string {
  return s
    .toLowerCase()
    .replace(/[@4]/g, 'a')
    .replace(/0/g, 'o')
    .replace(/[1!|]/g, 'i')
    .replace(/3/g, 'e')
    .replace(/[5$]/g, 's')
    .replace(/7/g, 't')
    .replace(/[^a-z0-9]/g, '');
}

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim()) || /EXAMPLE/.test(value);
}

export function isMasked(value: string): boolean {
  return MASKED.test(value.trim());
}

/** `${VAR}`, `$VAR`, `{{ x }}`, `%(x)s`, `#{x}`, `@x@`, `ENC(…)`, `!vault`, `arn:aws:secretsmanager:…`. */
export function isReference(value: string): boolean {
  return REFERENCE.test(value);
}

/** `process.env.X`, `os.environ[…]`, `settings.X`, `this.x`: an expression, not a literal. */
export function isCodeReference(value: string): boolean {
  return CODE_REFERENCE.test(value.trim());
}

export function isTypeName(value: string): boolean {
  return TYPE_NAME.test(value.trim());
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `access_token`, `X-API-Key`, `auth/session`, `required|min:8`: the name of a header, field, rule or storage slot. */
export function isNameLike(value: string): boolean {
  if (/^[a-z][a-z0-9]*(?:[|:,][a-z0-9:]+)+$/i.test(value) && value.split(/[|,]/).every((p) => CONFIG_WORDS.has(p.split(':')[0].toLowerCase()) || /^(?:min|max|size|between|confirmed|regex|same|different|nullable|sometimes|filled|alpha_num|alpha_dash)$/.test(p.split(':')[0])))
    return true;
  if (!/^[A-Za-z][A-Za-z0-9]*(?:[-_.:/][A-Za-z0-9]+)*$/.test(value)) return false;
  const t = nameWords(value);
  return t.length > 0 && t.every((w) => CONFIG_WORDS.has(w) || NAME_VOCABULARY.has(w));
}

/** Lower-case words that make up key and header names: `access_token`, `X-API-Key`. */
const NAME_VOCABULARY = new Set(
  (
    'x api key keys token tokens access refresh id auth authorization bearer session sessionid csrf xsrf csrftoken jwt secret ' +
    'secrets password passwd pwd user username client app header cookie value current new old confirm reset grant code ' +
    'credentials credential private public signing hmac webhook stripe github openai slack google aws basic digest oauth oauth2 ' +
    'id_token access_token refresh_token sid auth_token api_key apikey account service admin type name field hint label'
  ).split(' '),
);

/**
 * An identifier-shaped value that names the same kind of thing as the key: `password: db_password`,
 * `token: githubToken`, `secret = "jwtSecret"` — a variable or setting name, not its value.
 */
export function isIdentifierReference(value: string, kind: SecretKind): boolean {
  if (!/^[a-z][a-z0-9]*(?:[_.][a-z0-9]+)+$|^[a-z]+(?:[A-Z][a-z0-9]+)+$|^_*[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$/.test(value)) return false;
  if (WEAK_VALUES.has(normaliseValue(value)) || /^(?:my|your|the|some|super|top|change|default|dev|test|local|demo)[_.-]?/i.test(value)) return false;
  const words = nameWords(value);
  return secretKindOfWords(words) !== undefined || words.some((w) => PASSWORD_WORDS.has(w) || w === 'secret' || w === 'token' || w === 'key' || w === 'auth');
}

/** URL, file path, version, base64 image, public key, UUID in an id slot: shaped like something other than a secret. */
export function notASecretShape(value: string): string | undefined {
  const v = value.trim();
  if (/^data:[\w/+.-]+;base64,/.test(v)) return 'a data URL';
  if (/^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-ssh-ed25519@openssh\.com) AAAA/.test(v) || /^-----BEGIN (?:[A-Z]+ )?(?:PUBLIC KEY|CERTIFICATE|CERTIFICATE REQUEST|X509 CRL)/.test(v)) return 'a public key or certificate';
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s@]*$/i.test(v) && !/[?&;](?:token|key|secret|sig|signature|password|passwd|pwd|auth|access_token|api_key|apikey)=/i.test(v)) return 'a URL without credentials';
  if (/^(?:\.{0,2}\/|~\/|[A-Za-z]:\\|\\\\|classpath:|file:)/.test(v) && !/\s/.test(v)) return 'a file path';
  if (/^[\w./$~{}-]+\.(?:pem|key|crt|cer|der|p12|pfx|jks|keystore|json|txt|ya?ml|env|properties|conf|cfg|ini|toml|xml|js|ts|py|rb|sh|gpg|asc|pub|token|secret|pass|password)$/i.test(v)) return 'a file name';
  if (/^v?\d+(?:\.\d+){1,3}(?:[-+][\w.-]+)?$/.test(v) || /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+Z?)?$/.test(v)) return 'a version or date';
  if (/^(?:sha(?:1|256|384|512)|md5|blake2b?|sha3-\d+)[-:=]/i.test(v) || /^h1:[A-Za-z0-9+/]+=*$/.test(v)) return 'a content hash';
  if (/^pk_(?:test|live)_/.test(v) || /^pk\.eyJ/.test(v)) return 'a publishable key';
  if (/^#[0-9a-f]{3,8}$/i.test(v)) return 'a colour';
  if (/^(?:scram-)?sha-?(?:1|224|256|384|512)$|^hmac-?sha\d+$|^aes-?\d+(?:-\w+)?$|^(?:hs|rs|es|ps)(?:256|384|512)$|^(?:rsa|ecdsa|ed25519|md5|bcrypt|argon2id?|pbkdf2(?:-sha\d+)?|scrypt|plain|trust|reject|peer|ident)$/i.test(v)) return 'an algorithm or method name';
  if (/^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/.test(v)) return 'an email address';
  if (/^(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?$/.test(v)) return 'an IP address';
  return undefined;
}

export interface ValueVerdict {
  /**
   * `live`: random-looking, a working key or a strong password;
   * `plain`: a human-chosen password, not from a word list;
   * `weak`: a guessable default, a dictionary word, a development marker.
   */
  strength: 'live' | 'plain' | 'weak';
  /** Why a weak value is weak: `a common default`, `a development or example marker` … */
  reason?: string;
  /** The part of the value that is secret, when not the whole value (`Bearer <token>`). */
  secret: string;
}

export const WELL_KNOWN = 'a common default';
export const WORD_AND_DIGITS = 'a word followed by digits';

/**
 * In test code a guessable value is reported only when it could be a real account's password (a
 * word and digits, `hunter22`); dictionary defaults (`password`, `secret`, `foo`), markers
 * (`wrong-password`, `fake-key`) and placeholders are the test's dummies.
 */
export function reportableInTests(verdict: Pick<ValueVerdict, 'strength' | 'reason'>): boolean {
  return verdict.strength !== 'weak' || verdict.reason === WORD_AND_DIGITS;
}

export interface ValueContext {
  kind: SecretKind;
  /** The holder's name, to recognise a value that only repeats it. */
  name?: string;
  /** The value was written in a place where passwords are configured (a settings default, a keyword argument, a DB block). */
  credentialContext?: boolean;
  /** Documentation or example code: placeholders there are expected. */
  docs?: boolean;
  /**
   * An unreplaced placeholder given to a password or signing key in code is itself the key the app
   * runs with (a weak default); in configuration templates it is what templates are for.
   */
  placeholderIsWeak?: boolean;
}

/**
 * Decide whether a literal given to a secret-named holder is a real secret, a guessable default,
 * or harmless (undefined): placeholders, references, masks, hashes, paths, URLs without
 * credentials, type names, prose and translations are harmless.
 */
export function judgeSecretValue(raw: string, context: ValueContext): ValueVerdict | undefined {
  const { kind } = context;
  let value = raw.trim();
  if (!value || value.length > 4096) return undefined;
  if ((value.length < 4 && !WEAK_VALUES.has(value.toLowerCase())) || isMasked(value) || PASSWORD_HASH.test(value)) return undefined;
  // Spring Security's DelegatingPasswordEncoder: `{noop}` stores the password in plain text, `{bcrypt}…` a hash.
  const encoder = /^\{(noop|bcrypt|pbkdf2|scrypt|argon2|sha256|SHA-1|SHA-256|MD5|MD4|ldap|sha1)\}(.*)$/i.exec(value);
  if (encoder) return encoder[1].toLowerCase() === 'noop' && encoder[2] ? judgeSecretValue(encoder[2], context) : undefined;
  // YAML tags (`!!binary |`, `!Ref DbPassword`, `!Sub …`): an encoding or a reference.
  if (/^!{1,2}[A-Za-z]/.test(value)) return undefined;
  if (isReference(value) || isCodeReference(value)) return undefined;
  if (kind === 'authorization' || /^(?:Bearer|Basic|Token|Digest|Bot)\s+\S/i.test(value)) {
    const m = /^(?:Bearer|Token|Basic|Bot|token\s+token=)\s*[=]?\s*(\S{8,})$/i.exec(value) ?? /^(?:Bearer|Token|Basic|Bot)\s+(\S{8,})$/i.exec(value);
    if (!m || isPlaceholder(m[1]) || /[{}$<>]/.test(m[1])) return undefined;
    return looksRandom(m[1], 'token') ? { strength: 'live', secret: m[1] } : undefined;
  }
  if (/\s/.test(value)) {
    // Signing secrets are sometimes passphrases (`keyboard cat`); anything else with spaces is prose.
    if ((kind !== 'signing' && kind !== 'password') || value.split(/\s+/).length > 4 || /[.!?:]$|:\s|\\n/.test(value) || /^[A-Z][a-z]+(?:\s+[a-z]+)+$/.test(value)) return undefined;
    if (value.toLowerCase().split(/\s+/).some((w) => PROSE_WORDS.has(w))) return undefined;
    if (kind === 'password' && !/\d|[^\w\s]/.test(value)) return undefined;
  }
  if (notASecretShape(value) || isTypeName(value)) return undefined;
  // Format strings and patterns: `%s`, `%(name)s`, `{0}`, `secret-{env}`, `^[a-z]+$`.
  if (/%\(|%[sd]\b|\{\d+\}/.test(value) || /^\^|\$$|\\[dwsb]|\(\?[=!:<]/.test(value)) return undefined;
  if (/\{[A-Za-z_]\w*\}/.test(value) && /^[\w./:-]*$/.test(value.replace(/\{[A-Za-z_]\w*\}/g, ''))) return undefined;
  // `"Password: "`, `"Enter token:"`: a prompt or a label.
  if (/:\s*$/.test(raw)) return undefined;
  if (context.name && repeatsName(value, context.name)) return undefined;
  if (isUuid(value) && (kind === 'password' || kind === 'salt' || kind === 'privateKey')) return looksRandom(value.replace(/-/g, ''), kind) ? { strength: 'live', secret: value } : undefined;
  if (/^(?:sk|rk)_test_/.test(value)) return { strength: 'live', secret: value };

  const flat = normaliseValue(value);
  if (isPlaceholder(value)) {
    // An unreplaced placeholder works as-is only where it is itself the key or password; elsewhere the call simply fails.
    if (!context.placeholderIsWeak || context.docs || (kind !== 'signing' && kind !== 'password') || /^<.*>$|^\[.*\]$|^x+$/i.test(value)) return undefined;
    return { strength: 'weak', reason: 'an unreplaced placeholder', secret: value };
  }
  if (isIdentifierReference(value, kind)) return undefined;
  if (WEAK_VALUES.has(flat) || WEAK_VALUES.has(unleet(value))) return { strength: 'weak', reason: WELL_KNOWN, secret: value };
  // `r0sebud`, `Dr4gon!`: one dictionary-like word in leetspeak.
  if (kind === 'password' && value.length <= 9 && /^[A-Za-z0-9@$]+!?$/.test(value) && /\d|[@$]/.test(value) && /^[a-z]{4,9}$/.test(unleet(value))) return { strength: 'weak', reason: 'a word in leetspeak', secret: value };
  const unmarked = value.replace(new RegExp(WEAK_MARKERS.source, 'gi'), '');
  // A marker next to a strong remainder is only naming (`Qa!nv0ice-Test`, `test_4b8d2f6a0c9e1b3d5f7a`).
  const strongRemainder = (unmarked.length >= 16 && looksRandom(unmarked, kind)) || (unmarked.length >= 8 && charClasses(unmarked) === 4);
  if (WEAK_MARKERS.test(value) && !strongRemainder) {
    // `fake-key`, `dummy_token`, `example-secret` say they are not secrets; only where the code runs with them are they weak defaults.
    if (!context.placeholderIsWeak && SELF_DECLARED_FAKE.test(value) && !/change|insecure|dev|local|default|test/i.test(value)) return undefined;
    return { strength: 'weak', reason: 'a development or example marker', secret: value };
  }
  if (isNameLike(value)) return undefined;
  if (/^[a-z]{3,12}\d{1,4}[!.]?$/i.test(value) && (kind === 'password' || kind === 'signing' || kind === 'secret')) return { strength: 'weak', reason: WORD_AND_DIGITS, secret: value };
  if (looksRandom(value, kind)) return { strength: 'live', secret: value };
  // Translations and labels: one capitalised word (`Passwort`, `Contraseña`), or words with a leading capital.
  if (/^\p{Lu}\p{Ll}+$/u.test(value) || /[^\x00-\x7f]/.test(value)) return undefined;
  if (kind === 'password') {
    if (looksLikePassword(value)) return { strength: 'plain', secret: value };
    if (/^[a-z]+$/.test(value) && value.length >= 4 && context.credentialContext) return { strength: 'weak', reason: 'a dictionary word', secret: value };
    return context.credentialContext && value.length >= 4 ? { strength: 'weak', reason: 'short and low-entropy', secret: value } : undefined;
  }
  if (kind === 'signing' && value.length <= 64 && /^[\w!@#$%^&*.+= -]+$/.test(value) && !/^[A-Z][a-z]+$/.test(value))
    return { strength: 'weak', reason: isPhrase(value) ? 'a readable phrase, not a random key' : 'short and low-entropy', secret: value };
  return undefined;
}
