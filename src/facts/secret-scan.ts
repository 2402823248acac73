/**
 * Language-agnostic secret detection for any text file, the way a dedicated secret scanner reads
 * code: known provider formats and private keys anywhere; credentials in URLs; `Authorization`
 * headers; and values given to secret-named holders in every common syntax —
 *
 *   assignments and key/value pairs   `String password = "…"`, `$db_pass = '…'`, `password: …`,
 *                                     `spring.datasource.password=…`, `"api_key": "…"`, `define('DB_PASSWORD', '…')`
 *   function arguments                `setPassword("…")`, `basic_auth("user", "…")`, `auth=("user", "…")`
 *   XML                               `<password>…</password>`, `<add key="ApiKey" value="…"/>`, `password="…"`
 *   command lines                     `--password=…`, `-p…` (mysql), `sshpass -p …`, `curl -u user:…`
 *   SQL                               `IDENTIFIED BY '…'`, `PASSWORD '…'`
 *   name/value entries                `- name: DB_PASSWORD` + `value: …`
 *
 * A keyword pre-filter (gitleaks/Semgrep style) skips lines that contain neither a secret word
 * nor a provider prefix. Values are judged by the shared vocabulary (`secret-vocabulary.ts`):
 * placeholders, references, masks, hashes, paths, prose and translations stay quiet; guessable
 * defaults are kept as `weak`. In source code a value must be a string literal (an identifier or
 * a call is not a credential); configuration formats take unquoted values.
 *
 * Pure: reads only `file.text` and `file.path`. Results are cached per parsed file, so the rules
 * that report hits in different places share one scan.
 */
import type { Confidence, Severity } from '../model/rule.ts';
import type { ParsedFile } from '../model/parsed-file.ts';
import { NeedleMatcher } from './needle-matcher.ts';
import { contextualProvider, findProviderSecrets, isRealJwt, refineProvider, CONTEXTUAL_KEYWORDS } from './secret-formats.ts';
import {
  isLooseKeyName,
  isPlaceholder,
  isPublicName,
  isReference,
  judgeSecretValue,
  looksRandom,
  nameWords,
  secretKindOf,
  secretKindOfWords,
  WEAK_VALUES,
  normaliseValue,
  isMasked,
  SECRET_KIND_TEXT,
  type SecretKind,
  type ValueVerdict,
} from './secret-vocabulary.ts';

/** How a file's text is written, which decides what counts as a literal value. */
export type TextSyntax = 'code' | 'shell' | 'config' | 'markup' | 'prose' | 'sql' | 'keyfile';

export type SecretDetector =
  | 'provider'
  | 'private-key'
  | 'jwt'
  | 'url-credentials'
  | 'auth-header'
  | 'assignment'
  | 'call-argument'
  | 'xml'
  | 'cli-flag'
  | 'sql';

export interface SecretHit {
  /** 1-based line of the value (the first line of a private key block). */
  line: number;
  endLine: number;
  /** 1-based column of the value. */
  column: number;
  /** The secret itself: rules pass it (and `pieces`) to `secrets` so every output redacts it. */
  value: string;
  /** The value and, for multi-line values, each of its lines. */
  pieces: string[];
  detector: SecretDetector;
  /** For known formats: `A GitHub token`. */
  provider?: string;
  /** The holder as written: `spring.datasource.password`, `--password`, `DB_PASSWORD`, `Authorization`. */
  name?: string;
  kind: SecretKind;
  strength: ValueVerdict['strength'];
  reason?: string;
  confidence: Confidence;
  /** A lower severity the format itself implies (test-mode keys). */
  severity?: Severity;
  /** The holder's key sits inside a string literal (a connection string, a URL query, a command). */
  inString: boolean;
  /** Host of a credential URL, when the value came from one. */
  host?: string;
  /** A keyword-context format (the provider's name next to a bare hex/base62 value). */
  contextual?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Which syntax a file is written in
// ---------------------------------------------------------------------------------------------

const CODE_EXT = new Set(
  (
    'py pyi pyw js jsx mjs cjs ts tsx mts cts java kt kts scala sc groovy gradle cs csx fs fsx vb go swift m mm h hh hpp hxx c cc cpp cxx ino rs dart ' +
    'php phtml inc rb rake gemspec ru ex exs erl hrl clj cljs cljc edn hs lua pl pm t r jl cr nim zig vue svelte astro jsp cshtml razor aspx ' +
    'tf tfvars hcl nomad sol coffee elm ml mli fsi vbs bas cls apex trigger ipynb ps1 psm1 psd1 tcc tpp ipp inl def cppm ixx cu cuh metal glsl hlsl ' +
    'f f90 f95 pas pp adb ads asm s v sv vhd vhdl d nix el lisp scm rkt ex pyx pxd proto thrift graphql gql td ll mlir'
  ).split(' '),
);
const SHELL_EXT = new Set('sh bash zsh ksh fish bat cmd envrc bashrc zshrc profile mk make'.split(' '));
const CODE_NAMES = /^(?:Jenkinsfile|Gemfile|Rakefile|Vagrantfile|Podfile|Fastfile|Appfile|Brewfile|Guardfile|Capfile|Berksfile|Dangerfile|Tiltfile|BUILD|WORKSPACE|BUCK)$/;
const SHELL_NAMES = /^(?:Makefile|GNUmakefile|makefile|Procfile|crontab|\.bashrc|\.zshrc|\.profile|\.bash_profile|\.envrc|entrypoint|docker-entrypoint)$/;
const MARKUP_EXT = new Set('xml html htm xhtml xsl xslt svg xaml config csproj vbproj fsproj props targets nuspec plist wsdl xsd jelly tmpl tpl hbs ejs erb mustache twig njk j2 jinja jinja2 liquid'.split(' '));
const PROSE_EXT = new Set('md mdx markdown rst txt text adoc asciidoc textile org log wiki rtf'.split(' '));
const SQL_EXT = new Set('sql ddl psql pgsql mysql plsql hql cql'.split(' '));
const KEY_EXT = new Set('pem key p8 pkcs8 ppk asc gpg pgp crt cer rsa dsa ecdsa ed25519 priv private'.split(' '));
/** Suffixes of templates and backups, looked through: `config.yml.example` is YAML. */
const WRAPPER_EXT = /\.(?:example|sample|template|tmpl|dist|orig|bak|backup|old|save|default|defaults|local|in|j2|erb)$/i;

/** Lockfiles and generated manifests: integrity hashes and tarball URLs, never credentials. */
export const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|uv\.lock|composer\.lock|Gemfile\.lock|Cargo\.lock|go\.sum|packages\.lock\.json|gradle\.lockfile|flake\.lock|mix\.lock|pubspec\.lock|Podfile\.lock|bun\.lockb?|\.terraform\.lock\.hcl)$/;
/** Translation tables: `password: "Passwort"` there is a label. */
export const LOCALE_FILE =
  /(?:^|\/)(?:locales?|i18n|l10n|lang|langs|languages|translations?|messages|intl|nls)\/|(?:^|\/)(?:messages|strings|resources|labels|translations?)(?:[_.-][a-z]{2}(?:[_-][A-Za-z]{2,4})?)?\.(?:properties|json|ya?ml|xml|resx|strings|po|pot|xlf|xliff|arb|ts)$|\.(?:po|pot|xlf|xliff|resx|strings|arb|lproj\/.*)$|(?:^|\/)[a-z]{2}(?:[_-][A-Z]{2})?\.(?:json|ya?ml)$/;

export function textSyntaxOf(file: Pick<ParsedFile, 'path' | 'kind'>): TextSyntax {
  if (file.kind === 'python' || file.kind === 'js') return 'code';
  if (file.kind === 'dockerfile') return 'shell';
  if (file.kind === 'yaml' || file.kind === 'json' || file.kind === 'toml' || file.kind === 'env' || file.kind === 'requirements') return 'config';
  if (file.kind === 'markdown') return 'prose';
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const inner = name.replace(WRAPPER_EXT, '');
  const dot = inner.lastIndexOf('.');
  const ext = dot > 0 ? inner.slice(dot + 1).toLowerCase() : '';
  if (CODE_NAMES.test(inner) || CODE_EXT.has(ext)) return 'code';
  if (SHELL_NAMES.test(inner) || SHELL_EXT.has(ext)) return 'shell';
  if (SQL_EXT.has(ext)) return 'sql';
  if (MARKUP_EXT.has(ext)) return 'markup';
  if (PROSE_EXT.has(ext) || /^(?:README|CHANGELOG|CHANGES|HISTORY|NOTES|TODO|LICENSE|COPYING|AUTHORS|CONTRIBUTING|PKG-INFO|METADATA|DESCRIPTION)(?:\.|$)/i.test(inner)) return 'prose';
  if (KEY_EXT.has(ext) || /^id_(?:rsa|dsa|ecdsa|ed25519)$/.test(inner)) return 'keyfile';
  if (/^(?:ya?ml|json|json5|jsonc|toml|ini|cfg|conf|cnf|properties|env|prefs|plist|hocon|reg|desktop|service|netrc|npmrc|pypirc|pgpass|htpasswd|gitconfig|s3cfg|boto|yarnrc|dockercfg|credentials|git-credentials|editorconfig|tfstate|backup)$/.test(ext)) return 'config';
  if (/^\.(?:netrc|npmrc|pypirc|pgpass|htpasswd|gitconfig|git-credentials|s3cfg|boto|yarnrc|dockercfg|my\.cnf|env)$/.test(inner) || inner === 'credentials') return 'config';
  return 'config';
}

/** Source code and scripts as opposed to configuration, markup and documentation. */
export function isSourceSyntax(syntax: TextSyntax): boolean {
  return syntax === 'code' || syntax === 'shell' || syntax === 'sql';
}

/** CI definitions, whatever their syntax. */
export const CI_FILE = /(^|\/)(\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|\.circleci\/config\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|Jenkinsfile|\.travis\.ya?ml|cloudbuild\.ya?ml|buildspec\.ya?ml|\.drone\.ya?ml|\.woodpecker\.ya?ml|appveyor\.ya?ml)$/;
/** Deployment and infrastructure definitions. */
export const DEPLOY_FILE = /(^|\/)(render\.ya?ml|fly\.toml|app\.ya?ml|vercel\.json|netlify\.toml|railway\.(json|toml)|Procfile|serverless\.ya?ml|[^/]*\.tf|[^/]*\.tfvars|[^/]*\.hcl|[^/]*\.nomad|values[^/]*\.ya?ml|Chart\.ya?ml|[^/]*\.tfstate|ansible\.cfg|playbook[^/]*\.ya?ml|inventory(?:\.ini|\.ya?ml|\.cfg)?|group_vars\/[^/]+|host_vars\/[^/]+)$/;
/** Env files meant to be committed as templates. */
export const TEMPLATE_ENV = /(^|\/)[^/]*\.env\.(example|sample|template|dist|defaults?|tmpl|tpl|schema)$|(^|\/)(example|sample|template)\.env$|(^|\/)\.env\.[\w.-]*\.(?:example|sample|template)$/i;

/**
 * Which rule reports the secrets of a file, so one value gets one finding: source code and scripts
 * `hardcoded-secret`; Dockerfiles `dockerfile-secret-in-image`; real dotenv files `env-file-tracked`
 * (in a git work tree); everything else — configuration, CI, deployment, markup, documentation,
 * key files, `.env` templates — `secret-in-config-file`.
 */
export type SecretOwner = 'source' | 'dockerfile' | 'dotenv' | 'config';

export function secretOwnerOf(file: Pick<ParsedFile, 'path' | 'kind'>): SecretOwner {
  if (file.kind === 'dockerfile') return 'dockerfile';
  if (file.kind === 'env') return TEMPLATE_ENV.test(file.path) ? 'config' : 'dotenv';
  if (CI_FILE.test(file.path) || DEPLOY_FILE.test(file.path)) return 'config';
  return isSourceSyntax(textSyntaxOf(file)) ? 'source' : 'config';
}

// ---------------------------------------------------------------------------------------------
// The scan
// ---------------------------------------------------------------------------------------------

/** A line must contain one of these (any case) to be read for secret-named values: secret words, command-line and SQL forms, provider names of the contextual formats. */
const LINE_KEYWORDS = new NeedleMatcher(
  [
    'pass', 'pwd', 'pw', 'secret', 'token', 'key', 'credential', 'creds', 'auth', 'salt', 'pepper', 'senha', 'contrase', 'kennwort', 'wachtwoord', 'haslo',
    'identified', 'bearer', 'tochararray', '-u ', '--user', 'redis-cli', 'sshpass', 'sqlcmd', 'mysql', 'mariadb', 'htpasswd', 'sp_addlogin',
    'getenv', 'environmentvariable', 'env.fetch', 'getconnection', 'connect(', 'pdo(', 'ftp_login', 'ldap_bind', ...CONTEXTUAL_KEYWORDS,
  ],
  { caseInsensitive: true },
);
const MAX_LINE = 4000;
const MAX_TEXT = 4_000_000;

/** What the scan reads of a file: its path, kind and text, with line access. */
type ScanSource = Pick<ParsedFile, 'path' | 'kind' | 'text' | 'lineCount' | 'line' | 'position'>;

const cache = new WeakMap<ParsedFile, SecretHit[]>();

/** Every secret in a file, sorted by line; [] for lockfiles and huge texts. */
export function scanSecrets(file: ParsedFile): SecretHit[] {
  let hits = cache.get(file);
  if (!hits) {
    hits = scan(file);
    cache.set(file, hits);
  }
  return hits;
}

function scan(file: ScanSource): SecretHit[] {
  if (LOCKFILE.test(file.path) || file.text.length > MAX_TEXT) return [];
  const syntax = textSyntaxOf(file);
  const hits: SecretHit[] = [];
  const text = file.text;

  // 1. Known formats, private keys and JWTs anywhere.
  for (const m of findProviderSecrets(text)) {
    const start = file.position(m.index);
    const end = file.position(m.index + m.value.length);
    const detector: SecretDetector = m.format.provider === 'A private key' || m.format.provider === 'A PuTTY private key' ? 'private-key' : m.format.provider === 'A JSON Web Token' ? 'jwt' : 'provider';
    const provider = detector === 'provider' ? refineProvider(m.value, m.format.provider, file.line(start.line)) : m.format.provider;
    hits.push({
      line: start.line,
      endLine: detector === 'private-key' ? end.line : start.line,
      column: start.column,
      value: m.value,
      pieces: secretPieces(m.value),
      detector,
      provider,
      kind: detector === 'private-key' ? 'privateKey' : 'token',
      strength: 'live',
      confidence: detector === 'jwt' ? 'medium' : 'high',
      ...(m.format.severity ? { severity: m.format.severity } : {}),
      inString: false,
    });
  }

  // 2. Credential files with a format of their own.
  if (/(?:^|\/)(?:\.pgpass|pgpass\.conf)$/.test(file.path)) hits.push(...pgpassHits(file));

  // 3. Credentials in URLs.
  if (text.includes('://') && text.includes('@')) hits.push(...urlCredentialHits(file, syntax));

  // 4. Secret-named values, line by line, only where a keyword appears.
  if (!LOCALE_FILE.test(file.path) && syntax !== 'keyfile') {
    const structure = new LineStructure(file, syntax);
    const lines = keywordLines(text, file);
    if (lines.length) for (const n of structure.pendingLines()) if (!lines.includes(n)) lines.push(n);
    lines.sort((a, b) => a - b);
    const blockComments = syntax === 'markup' || syntax === 'code' ? commentBlockLines(text, syntax) : undefined;
    const fences = syntax === 'prose' ? fencedCodeSyntax(file) : undefined;
    for (const n of lines) {
      const line = file.line(n);
      if (line.length > MAX_LINE) continue;
      const lineSyntax: TextSyntax = fences?.get(n) ?? syntax;
      for (const hit of scanLine(line, n, lineSyntax, structure.pathAt(n), structure.pendingNameAt(n), blockComments?.has(n) ?? false)) {
        // A guessable value in documentation is an example, whatever language its code block is in.
        if (lineSyntax !== syntax && hit.strength === 'weak') continue;
        hits.push(hit);
      }
    }
  }
  return dedupe(hits);
}

/**
 * A snippet of a file scanned on its own (lines a commit added, in the git-history scan): the
 * file's path decides the syntax; line numbers count from `firstLine`.
 */
export function scanSnippet(path: string, kind: ParsedFile['kind'], text: string, firstLine = 1): SecretHit[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  const source: ScanSource = {
    path,
    kind,
    text,
    lineCount: starts.length,
    line: (n) => (n >= 1 && n <= starts.length ? text.slice(starts[n - 1], n < starts.length ? starts[n] - 1 : text.length) : ''),
    position: (offset) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: offset - starts[lo] + 1 };
    },
  };
  return scan(source).map((h) => ({ ...h, line: h.line + firstLine - 1, endLine: h.endLine + firstLine - 1 }));
}

/** The subject of a message about a hit: `A GitHub token`, `A hard-coded password in \`DB_PASSWORD\``. */
export function describeSecretHit(hit: SecretHit): string {
  if (hit.provider) return hit.provider;
  const kind = hit.kind === 'authorization' ? 'token' : SECRET_KIND_TEXT[hit.kind];
  if (hit.detector === 'url-credentials') return `${hit.strength === 'weak' ? `A guessable password (${hit.reason})` : 'A password'} in the connection URL to \`${hit.host ?? 'its host'}\``;
  if (hit.detector === 'auth-header') return 'A token in an `Authorization` header';
  const holder = hit.detector === 'sql' ? `SQL \`${hit.name}\`` : `\`${hit.name ?? 'a value'}\``;
  if (hit.strength === 'weak') return `A guessable ${kind} (${hit.reason}) in ${holder}`;
  return `A hard-coded ${kind} in ${holder}`;
}

/** Fence language → syntax, for lines inside fenced code blocks of Markdown (```js: quotes required). */
const FENCE_SYNTAX: Record<string, TextSyntax> = {
  js: 'code', javascript: 'code', ts: 'code', typescript: 'code', jsx: 'code', tsx: 'code', py: 'code', python: 'code', java: 'code', go: 'code',
  golang: 'code', rb: 'code', ruby: 'code', php: 'code', cs: 'code', csharp: 'code', kotlin: 'code', kt: 'code', swift: 'code', rust: 'code',
  rs: 'code', c: 'code', cpp: 'code', scala: 'code', groovy: 'code', hcl: 'code', terraform: 'code', tf: 'code', sql: 'sql', sh: 'shell',
  bash: 'shell', shell: 'shell', zsh: 'shell', console: 'shell', powershell: 'code', ps1: 'code', dockerfile: 'shell', yaml: 'config',
  yml: 'config', json: 'config', toml: 'config', ini: 'config', env: 'config', dotenv: 'config', properties: 'config', xml: 'markup', html: 'markup',
};

function fencedCodeSyntax(file: ScanSource): Map<number, TextSyntax> {
  const out = new Map<number, TextSyntax>();
  let current: TextSyntax | undefined;
  let inFence = false;
  // reStructuredText: `.. code-block:: python` then an indented block.
  let rst: { syntax: TextSyntax; indent: number } | undefined;
  for (let n = 1; n <= file.lineCount; n++) {
    const line = file.line(n);
    const fence = /^\s*(?:```|~~~)\s*([\w+-]*)/.exec(line);
    if (fence) {
      inFence = !inFence;
      current = inFence ? FENCE_SYNTAX[fence[1].toLowerCase()] : undefined;
      continue;
    }
    if (inFence && current) {
      out.set(n, current);
      continue;
    }
    const directive = /^(\s*)\.\.\s+(?:code-block|code|sourcecode)::\s*([\w+-]+)/.exec(line);
    if (directive) {
      const syntax = FENCE_SYNTAX[directive[2].toLowerCase()] ?? (/^(?:pycon|python3|ipython)$/i.test(directive[2]) ? 'code' : undefined);
      rst = syntax ? { syntax, indent: directive[1].length } : undefined;
      continue;
    }
    if (rst && line.trim()) {
      if (line.length - line.trimStart().length > rst.indent) out.set(n, rst.syntax);
      else rst = undefined;
    }
    // Doctest and console prompts: `>>> jwt.encode(payload, "secret")`.
    if (/^\s*(?:>>>|\.\.\.)\s/.test(line)) out.set(n, 'code');
  }
  return out;
}

/** Lines inside markup comments (`<!-- … -->`) or C-style block comments of code, where examples live. */
function commentBlockLines(text: string, syntax: TextSyntax): Set<number> {
  const out = new Set<number>();
  const [open, close] = syntax === 'markup' ? ['<!--', '-->'] : ['/*', '*/'];
  let lineNo = 1;
  let scanned = 0;
  const lineAt = (offset: number) => {
    for (let i = text.indexOf('\n', scanned); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) lineNo++;
    scanned = offset;
    return lineNo;
  };
  for (let at = text.indexOf(open); at >= 0; at = text.indexOf(open, at + open.length)) {
    const end = text.indexOf(close, at + open.length);
    const first = lineAt(at);
    const last = end < 0 ? Number.MAX_SAFE_INTEGER : lineAt(end);
    for (let n = first; n <= last && n - first < 10_000; n++) out.add(n);
    if (end < 0) break;
    at = end;
  }
  return out;
}

/** Line numbers where a secret keyword or a contextual provider keyword appears. */
function keywordLines(text: string, file: ScanSource): number[] {
  const lines: number[] = [];
  let lineEnd = -1;
  for (const { end } of LINE_KEYWORDS.matches(text)) {
    if (end <= lineEnd) continue;
    const n = file.position(end - 1).line;
    lines.push(n);
    const next = text.indexOf('\n', end - 1);
    lineEnd = next < 0 ? text.length : next;
  }
  return lines;
}

/** One hit per value position: known formats win over generic detections of the same value. */
function dedupe(hits: SecretHit[]): SecretHit[] {
  const rank: Record<SecretDetector, number> = { 'private-key': 0, provider: 1, jwt: 2, 'url-credentials': 3, 'auth-header': 4, sql: 5, xml: 6, 'cli-flag': 7, 'call-argument': 8, assignment: 9 };
  const sorted = [...hits].sort((a, b) => rank[a.detector] - rank[b.detector]);
  const kept: SecretHit[] = [];
  for (const hit of sorted) {
    const clash = kept.some(
      (k) =>
        (k.line <= hit.line && hit.line <= k.endLine && (k.detector === 'private-key' || k.value.includes(hit.value) || hit.value.includes(k.value))) ||
        (k.line === hit.line && k.value === hit.value),
    );
    if (!clash) kept.push(hit);
  }
  return kept.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The secret value and, for multi-line values, each line of it, so snippets cannot show a fragment. */
export function secretPieces(secret: string): string[] {
  const pieces = [secret];
  for (const line of secret.split(/\r?\n|\\n|\\r/)) {
    const t = line.trim().replace(/^["'+,\s]+|["'+,\s\\]+$/g, '');
    if (t.length >= 8 && !/^-----(?:BEGIN|END) /.test(t)) pieces.push(t);
  }
  return [...new Set(pieces)];
}

/** `hostname:port:database:username:password` lines of a PostgreSQL password file. */
function pgpassHits(file: ScanSource): SecretHit[] {
  const out: SecretHit[] = [];
  for (let n = 1; n <= file.lineCount; n++) {
    const line = file.line(n);
    if (/^\s*(?:#|$)/.test(line)) continue;
    const fields = line.split(/(?<!\\):/);
    if (fields.length < 5) continue;
    const password = fields.slice(4).join(':').replace(/\\:/g, ':').trim();
    const verdict = judgeSecretValue(password, { kind: 'password', credentialContext: true });
    if (!verdict) continue;
    out.push({ line: n, endLine: n, column: line.indexOf(password) + 1, value: password, pieces: [password], detector: 'assignment', name: `.pgpass password of ${fields[3]}`, kind: 'password', strength: verdict.strength, ...(verdict.reason ? { reason: verdict.reason } : {}), confidence: 'high', inString: false });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// URLs with credentials
// ---------------------------------------------------------------------------------------------

/** After a scheme's `://`: `user:password@host` (sticky, run at each `://`). */
const URL_USERINFO = /([^\s:@/?#'"<>`(){}[\]]{0,128}):([^\s:@/'"<>`]{1,256})@([A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9a-fA-F:]+\])/y;
/** Hosts of a developer's machine or a compose-internal service, where a default password is a development setting. */
export const LOCAL_HOST = /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|::1|host\.docker\.internal|db|database|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|rabbitmq|cache|example\.(?:com|org|net)|[\w.-]+\.(?:example|test|invalid|localhost|local))$/i;

function urlCredentialHits(file: ScanSource, syntax: TextSyntax): SecretHit[] {
  const out: SecretHit[] = [];
  const text = file.text;
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    URL_USERINFO.lastIndex = at + 3;
    const m = URL_USERINFO.exec(text);
    if (!m) continue;
    const scheme = /[a-z][a-z0-9+.-]{1,24}$/i.exec(text.slice(Math.max(0, at - 25), at))?.[0];
    if (!scheme) continue;
    const [, user, rawPassword, host] = m;
    if (/^(?:mailto|data|javascript)$/i.test(scheme)) continue;
    let password = rawPassword;
    try {
      password = decodeURIComponent(rawPassword);
    } catch {
      /* keep as written */
    }
    if (/[{}$%<>]/.test(rawPassword) || /^\*+$/.test(password) || isPlaceholder(password) || isMasked(password) || isReference(rawPassword)) continue;
    if (/^(?:user(?:name)?|login|name)$/i.test(user) && /^(?:pass(?:word)?|pwd|secret|pw)$/i.test(password)) continue;
    if (password.length < 4 && !WEAK_VALUES.has(password.toLowerCase())) continue;
    const local = LOCAL_HOST.test(host);
    const verdict = judgeSecretValue(password, { kind: 'password', credentialContext: true, docs: syntax === 'prose' });
    const common = WEAK_VALUES.has(normaliseValue(password)) || password.toLowerCase() === user.toLowerCase();
    const strength: ValueVerdict['strength'] = common ? 'weak' : verdict?.strength ?? (password.length >= 4 ? 'plain' : 'weak');
    // A guessable password for a database on the developer's own machine is a local default, not a leak.
    if (local && strength !== 'live') continue;
    if (syntax === 'prose' && strength === 'weak') continue;
    const index = at + 3 + m[0].indexOf(`:${rawPassword}@`) + 1;
    const pos = file.position(index);
    out.push({
      line: pos.line,
      endLine: pos.line,
      column: pos.column,
      value: password,
      pieces: [...new Set([password, rawPassword])],
      detector: 'url-credentials',
      name: `${scheme}://${user ? `${user}:` : ''}…@${host}`,
      kind: 'password',
      strength,
      ...(strength === 'weak' ? { reason: common ? 'a common default' : verdict?.reason ?? 'short and low-entropy' } : {}),
      confidence: 'high',
      inString: true,
      host,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Structure around a line: the key path above it (YAML/JSON indentation, INI/TOML sections) and
// a pending `name:` of a name/value entry.
// ---------------------------------------------------------------------------------------------

class LineStructure {
  private readonly paths = new Map<number, string>();
  private readonly pendingNames = new Map<number, string>();
  constructor(
    private readonly file: ScanSource,
    private readonly syntax: TextSyntax,
  ) {}

  private built = false;

  private build(): void {
    this.built = true;
    if (/\.(?:tf|hcl|nomad)$/.test(this.file.path)) return this.buildHcl();
    if (this.syntax !== 'config' && this.syntax !== 'markup') return;
    const stack: { indent: number; key: string }[] = [];
    let section = '';
    let pending: { name: string; until: number } | undefined;
    const count = this.file.lineCount;
    for (let n = 1; n <= count; n++) {
      const line = this.file.line(n);
      const trimmed = line.trim();
      if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith('//')) continue;
      const indent = line.length - line.trimStart().length;
      const sectionHeader = /^\[\[?([^\]]+)\]\]?\s*$/.exec(trimmed);
      if (sectionHeader && this.syntax === 'config') {
        section = sectionHeader[1].trim();
        stack.length = 0;
        continue;
      }
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      const path = [section, ...stack.map((s) => s.key)].filter(Boolean).join('.');
      if (path) this.paths.set(n, path);
      const opener = /^-?\s*["']?([\w.$@-]+)["']?\s*[:=]\s*(?:[{[]|\|[-+]?|>[-+]?)?\s*$/.exec(trimmed);
      if (opener) stack.push({ indent: trimmed.startsWith('-') ? indent + 2 : indent, key: opener[1] });
      // `- name: DB_PASSWORD` / `"Name": "API_KEY",` / `<name>token</name>` then `value: …` within the next lines.
      const named = /^-?\s*["']?(?:name|key|Name|Key|variable|secretKey|parameter|ParameterKey|Variable)["']?\s*[:=]\s*["']?([A-Za-z_][\w.-]*)["']?,?\s*$/.exec(trimmed) ?? /^<(?:name|key)>([A-Za-z_][\w.-]*)<\/(?:name|key)>$/.exec(trimmed);
      if (named) pending = { name: named[1], until: n + 3 };
      else if (pending && n <= pending.until) this.pendingNames.set(n, pending.name);
      else pending = undefined;
    }
  }

  pathAt(n: number): string {
    if (!this.built) this.build();
    return this.paths.get(n) ?? '';
  }

  /** HCL blocks: `variable "db_password" {` names the `default = …` inside it. */
  private buildHcl(): void {
    const stack: string[] = [];
    for (let n = 1; n <= this.file.lineCount; n++) {
      const line = this.file.line(n);
      if (stack.length) this.paths.set(n, stack[stack.length - 1]);
      const block = /^\s*(?:variable|output|module|resource|data|provider)\s+(?:"[^"]+"\s+)?"([^"]+)"\s*\{\s*$/.exec(line);
      if (block) stack.push(block[1]);
      else if (/\{\s*$/.test(line)) stack.push(stack[stack.length - 1] ?? '');
      if (/^\s*\}/.test(line)) stack.pop();
    }
  }

  /** Lines that may hold the value of a secret-named `name:` entry above them, or the `default` of a secret-named block. */
  pendingLines(): number[] {
    if (!this.built) this.build();
    const out = [...this.pendingNames.keys()].filter((n) => secretKindOf(this.pendingNames.get(n)!) !== undefined);
    for (const [n, path] of this.paths) if (/^\s*(?:default|value)\s*[:=]/.test(this.file.line(n)) && secretKindOf(path.split('.').pop() ?? '')) out.push(n);
    return out;
  }

  pendingNameAt(n: number): string | undefined {
    if (!this.built) this.build();
    return this.pendingNames.get(n);
  }
}

// ---------------------------------------------------------------------------------------------
// One line
// ---------------------------------------------------------------------------------------------

interface Candidate {
  name: string;
  /** Words to classify the name by (the name, after its key path when it alone says little). */
  kind: SecretKind;
  value: string;
  column: number;
  detector: SecretDetector;
  inString: boolean;
  quoted: boolean;
  /** A `…Key` name with an unknown qualifier: only a generated-looking value counts. */
  loose?: boolean;
}

const NAME_TOKEN = /[$@]?[A-Za-z_][\w$.\-]*/g;
const SOURCE_FILE_NAME = /\.(?:c|h|cc|cpp|hpp|py|js|mjs|ts|tsx|jsx|go|java|kt|rb|php|cs|rs|swift|txt|md|rst|json|xml|html|css|o|so|dll|exe|jar|zip|gz|sh)$/i;
const TYPE_ANNOTATION = /^\s*:\s*[\w$<>[\]?&'*., |]{1,48}?\s*=(?![=>])/;
const VALUE_WRAPPER =
  /^(?:N|b|r|u|br|rb|L|u8|@|\$)(?=["'`])|^(?:\[\]byte|new\s+String|String|string|str|bytes|Buffer\.from|SecretStr|Secret|_T|TEXT|bcrypt|Hash::make|make_password|generate_password_hash|password_hash|hashPassword|BCrypt::Password\.create|encode|encrypt|sha256|md5|SecureString|toCharArray)\(\s*(?=["'`])/;
const SEPARATORS = [':=', '=>', '===', '!==', '==', '!=', '??=', '||=', '?=', '<-', '=', ':'];

/** A line that is a comment as a whole: `# …`, `// …`, ` * …`, `; …`, `-- …`, `<!-- … -->`. */
function isCommentLine(line: string, syntax: TextSyntax): boolean {
  if (syntax === 'prose' || syntax === 'keyfile') return false;
  if (/^\s*(?:\/\/|\/\*|<!--|#(?![!{]))/.test(line)) return true;
  if ((syntax === 'code' || syntax === 'shell' || syntax === 'sql') && /^\s*(?:\*(?!\*?\w+\s*=)|--|REM\b)/.test(line)) return true;
  return syntax === 'config' && /^\s*;/.test(line);
}

function scanLine(line: string, lineNo: number, syntax: TextSyntax, path: string, pendingName: string | undefined, inComment = false): SecretHit[] {
  const candidates: Candidate[] = [];
  const quoteState = quoteMap(line);
  const trailingComment = syntax === 'config' || syntax === 'shell' ? trailingCommentStart(line, quoteState) : -1;

  // Names followed by a separator and a value.
  NAME_TOKEN.lastIndex = 0;
  for (const m of line.matchAll(NAME_TOKEN)) {
    const token = m[0].replace(/[.-]+$/, '');
    const start = m.index ?? 0;
    if (!/pass|pwd|pw|secret|token|key|credential|creds|auth|salt|pepper|senha|contrase|kennwort|wachtwoord|has[łl]o|bearer/i.test(token) && !(path && /^(?:default|value)$/i.test(token))) continue;
    // `aes-set-encrypt-key.c`, `secret_test.go`: a file name, not a holder.
    if (SOURCE_FILE_NAME.test(token)) continue;
    // `${DB_PASSWORD}`, `$DB_PASSWORD` in shell: a reference to a variable, not an assignment.
    if (line[start - 1] === '{' && line[start - 2] === '$') continue;
    // A trailing comment of a configuration line (`secret = $x # pass:insta`) is prose.
    if (trailingComment >= 0 && start > trailingComment) continue;
    if (token.startsWith('$') && syntax === 'shell') continue;
    const dashes = /(?:^|[\s"'[(,=])(--?)$/.exec(line.slice(0, start))?.[1] ?? '';
    const quoteBefore = line[start - dashes.length - 1];
    // `"--password", "…"` in an argument list: a flag inside its own string literal.
    const ownString = quoteState[start] !== undefined && quoteBefore === quoteState[start] && (dashes !== '' || line[start - 1] === quoteState[start]);
    const inString = quoteState[start] !== undefined && !ownString;
    const flag = !inString ? dashes : '';
    const name = flag + token.replace(/^[$@]+/, '');
    let kind = kindInContext(token, path, flag !== '');
    const loose = !kind && /key$/i.test(token) && isLooseKeyName(token.replace(/^[$@]+/, ''));
    if (loose) kind = 'apiKey';
    if (!kind) continue;
    let pos = start + m[0].length;
    const opening = line[start - flag.length - 1];
    const closingQuote = start > 0 && /["'`]/.test(opening ?? '') && line[pos] === opening;
    if (closingQuote) pos++;
    if (line[pos] === ']') pos++;
    const before = line.slice(0, Math.max(0, start - (closingQuote ? 1 : 0)));
    const parsed = parseValueAfterName(line, pos, { syntax, flag: flag !== '', quotedName: closingQuote, inString, firstArgument: /\(\s*$/.test(before), tuple: /\{\s*$/.test(before), lineStartsWithName: line.slice(0, start).trim() === '' || /^\s*(?:export|set|setx|SET|ENV|ARG|declare|local|readonly|let|var|const|val|def|define|#define)\s+$/.test(line.slice(0, start)) });
    if (!parsed) continue;
    candidates.push({ name, kind, value: parsed.value, column: parsed.column + 1, detector: flag ? 'cli-flag' : parsed.call ? 'call-argument' : 'assignment', inString: inString || flag !== '', quoted: parsed.quoted, loose });
  }

  // `- name: DB_PASSWORD` followed by `value: …`.
  if (pendingName) {
    const kind = secretKindOf(pendingName);
    const v = /^\s*-?\s*["']?(?:value|Value|defaultValue|default)["']?\s*[:=]\s*(.*)$/.exec(line);
    if (kind && v) {
      const parsed = parseValueAfterName(line, line.length - v[1].length - 1, { syntax: 'config', flag: false, quotedName: false, inString: false, lineStartsWithName: true });
      if (parsed) candidates.push({ name: pendingName, kind, value: parsed.value, column: parsed.column + 1, detector: 'assignment', inString: false, quoted: parsed.quoted });
    }
  }

  const lower = line.toLowerCase();
  if (line.includes('<')) candidates.push(...xmlCandidates(line));
  if (/mysql|mariadb|sshpass|docker|redis-cli|sqlcmd|bcp|osql|isql|curl|wget|http|securestring|htpasswd/.test(lower)) candidates.push(...cliCandidates(line));
  if (lower.includes('password') || lower.includes('identified') || lower.includes('sp_addlogin')) candidates.push(...sqlCandidates(line, syntax));
  if (lower.includes('insert')) candidates.push(...insertCandidates(line));
  if (lower.includes('authorization')) candidates.push(...headerCandidates(line));
  if (line.includes('(') && (line.includes('"') || line.includes("'"))) candidates.push(...callCandidates(line), ...connectCandidates(line));
  if (line.includes('${')) candidates.push(...fallbackCandidates(line));
  if (line.includes('toCharArray')) candidates.push(...charArrayCandidates(line));
  if (/getenv|environmentvariable|env\.fetch|getordefault|\benv\(/.test(lower)) candidates.push(...envFallbackCandidates(line));

  const hits: SecretHit[] = [];
  const context = `${path} ${line}`.toLowerCase();
  // In a comment a guessable value is an example (`* const secret = 'abcdefg';`, `#requirepass foobared`);
  // a generated-looking one is still a leak.
  const comment = inComment || isCommentLine(line, syntax);
  candidates.push(...contextualCandidates(line, context));
  for (const c of candidates) {
    const hit = judgeCandidate(c, lineNo, syntax, context);
    if (hit && !(comment && hit.strength !== 'live')) hits.push(hit);
  }
  return hits;
}

/** The kind of secret a name holds, reading the key path above it when the name alone is `key`/`value`/`Password`. */
function kindInContext(token: string, path: string, flag: boolean): SecretKind | undefined {
  const bare = token.replace(/^[$@:]+/, '');
  const direct = secretKindOf(bare);
  if (direct || !path || flag || !/^(?:key|value|default)$/i.test(bare)) return direct;
  const own = [bare.toLowerCase()];
  // `Jwt:` + `Key:`, `datadog:` + `api_key` is already direct; `secret.key`, `[jwt] key = …`.
  if (own.length === 1 && (own[0] === 'key' || own[0] === 'value' || own[0] === 'default') && path && !flag) {
    if (own[0] === 'default') return secretKindOf(path.split('.').pop() ?? '');
    const parent = nameWords(path.split('.').pop() ?? '');
    const combined = secretKindOfWords([...parent, own[0] === 'value' ? 'key' : 'key']);
    return combined && parent.length ? combined : undefined;
  }
  return undefined;
}

interface ParsedValue {
  value: string;
  column: number;
  quoted: boolean;
  call?: boolean;
}

/** The value right after a name: separator, optional type annotation and wrapper, then a quoted or bare value. */
function parseValueAfterName(
  line: string,
  from: number,
  opts: { syntax: TextSyntax; flag: boolean; quotedName: boolean; inString: boolean; lineStartsWithName: boolean; firstArgument?: boolean; tuple?: boolean },
): ParsedValue | undefined {
  let pos = from;
  const typed = TYPE_ANNOTATION.exec(line.slice(pos));
  let sep = '';
  if (typed && !opts.flag && !opts.inString) {
    pos += typed[0].length;
    sep = '=';
  } else {
    const spaced = line[pos] === ' ' || line[pos] === '\t';
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
    for (const s of SEPARATORS) {
      if (line.startsWith(s, pos)) {
        sep = s;
        pos += s.length;
        break;
      }
    }
    // `type="password" :placeholder="…"`: a colon glued to the next word belongs to it.
    if (sep === ':' && spaced && /[A-Za-z_]/.test(line[pos] ?? '')) return undefined;
    // `define('DB_PASSWORD', '…')`, `headers.put("Authorization", "…")`: a name as a call's first argument; `{password, "…"}` (Erlang).
    if (!sep && line[pos] === ',' && (opts.quotedName ? opts.firstArgument : opts.tuple)) {
      sep = ',';
      pos++;
    }
    if (!sep && opts.flag && (line[pos - 1] === ' ' || line[pos - 1] === '\t' || /^["']?\s*,\s*["']/.test(line.slice(pos)))) sep = ' ';
    // `storePassword 'x'` (Gradle), `#define API_SECRET "x"`: a quoted value after whitespace, on a line the name starts.
    if (!sep && pos > from && /["']/.test(line[pos] ?? '') && !opts.inString && opts.lineStartsWithName) sep = ' ';
    // `requirepass secret`, `password hunter2` (.netrc, redis.conf): a bare value after whitespace on a config line of its own.
    if (!sep && pos > from && opts.syntax === 'config' && opts.lineStartsWithName && /^\S+\s*$/.test(line.slice(pos))) sep = ' ';
    if (!sep) return undefined;
  }
  if (sep === ' ' && opts.flag) {
    const arrayNext = /^["']?\s*,\s*/.exec(line.slice(pos));
    if (arrayNext) pos += arrayNext[0].length;
  }
  while (line[pos] === ' ' || line[pos] === '\t') pos++;
  const wrapper = VALUE_WRAPPER.exec(line.slice(pos));
  if (wrapper) pos += wrapper[0].length;
  const ch = line[pos];
  if (sep === ',' && ch !== '"' && ch !== "'" && ch !== '`') return undefined;
  if (ch === '"' || ch === "'" || ch === '`') {
    const end = closingQuote(line, pos);
    if (end < 0) return undefined;
    const raw = line.slice(pos + 1, end);
    // `"…" + variable`, `"…".format(…)`, `'…' % x`: an assembled value.
    if (/^\s*(?:\+\s*[A-Za-z_$(]|%\s|\.format\(|\.\.\s*[A-Za-z_$])/.test(line.slice(end + 1)) && !opts.flag) return undefined;
    return { value: unescape(raw), column: pos + 1, quoted: true };
  }
  if (sep === '==' || sep === '===' || sep === '!=' || sep === '!==') return undefined;
  // Bare values: configuration formats, shell, and anything inside a string literal (a connection string, a URL query, a command).
  const bareAllowed = opts.inString || opts.flag || opts.syntax === 'config' || opts.syntax === 'shell' || opts.syntax === 'prose' || opts.syntax === 'markup' || opts.syntax === 'sql';
  if (!bareAllowed) return undefined;
  const rest = line.slice(pos);
  let value: string;
  if (opts.inString || opts.flag || opts.syntax === 'shell' || opts.syntax === 'markup' || opts.syntax === 'sql') value = /^[^\s"'`;&,)\]}|<>]*/.exec(rest)![0];
  else if (opts.syntax === 'prose') value = /^[^\s"'`,;)\]}|<>]*/.exec(rest)![0];
  else value = rest.replace(/\s+[#;].*$|\s+\/\/.*$/, '').replace(/[,;]\s*$/, '').trim();
  // `$x = Get-Secret -Name db` / `token = get_token()`: a command or call, not a value.
  if (opts.syntax === 'shell' && !opts.flag && !opts.inString && /\s$/.test(line.slice(0, pos)) && /^\s*[^\s#]/.test(rest.slice(value.length))) return undefined;
  if (!value || /^[{[(#;]/.test(value) || value === '|' || value === '>' || /^[|>][-+]?$/.test(value)) return undefined;
  if (value.startsWith('-') && opts.flag) return undefined;
  return { value, column: pos, quoted: false };
}

/** Where ` # …` starts a comment at the end of a line (outside quotes), -1 when none. */
function trailingCommentStart(line: string, quoteState: (string | undefined)[]): number {
  for (let i = 1; i < line.length; i++) if (line[i] === '#' && /\s/.test(line[i - 1]) && quoteState[i] === undefined) return i;
  return -1;
}

function closingQuote(line: string, open: number): number {
  const q = line[open];
  for (let i = open + 1; i < line.length; i++) {
    if (line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === q) return i;
  }
  return -1;
}

/** String-literal escapes: `\"`, `\\`, `\x41`, `\u0041` (a hex-escaped constant is judged by what it spells). */
function unescape(raw: string): string {
  return raw
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/\\(["'`\\])/g, '$1');
}

/** For each column, the quote character of the string literal it is inside (rough: no comments, no nesting). */
function quoteMap(line: string): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(line.length);
  let open: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    out[i] = open;
    if (ch === '\\' && open) {
      out[i + 1] = open;
      i++;
      continue;
    }
    if (!open && (ch === '"' || ch === "'" || ch === '`')) {
      // An apostrophe inside a word (`don't`) does not open a string.
      if (ch === "'" && /\w/.test(line[i - 1] ?? '') && /\w/.test(line[i + 1] ?? '')) continue;
      open = ch;
    } else if (open && ch === open) open = undefined;
  }
  return out;
}

// XML elements and attribute pairs: <password>…</password>, <property name="…password">…</property>, <add key="ApiKey" value="…"/>.
const XML_ELEMENT = /<([A-Za-z_][\w:.-]*)(?:\s[^<>]*)?>([^<>]{1,1000})<\/\1>/g;
const XML_NAMED = /\b(?:name|key|id)\s*=\s*["']([^"'<>]+)["']/;
const XML_VALUE_ATTR = /\bvalue\s*=\s*(["'])([^"'<>]*)\1/;

function xmlCandidates(line: string): Candidate[] {
  if (!line.includes('<')) return [];
  const out: Candidate[] = [];
  XML_ELEMENT.lastIndex = 0;
  for (const m of line.matchAll(XML_ELEMENT)) {
    const named = XML_NAMED.exec(m[0].slice(0, m[0].indexOf('>')));
    const name = named && secretKindOf(named[1]) ? named[1] : m[1];
    const kind = secretKindOf(name.replace(/^\w+:/, ''));
    if (!kind) continue;
    out.push({ name, kind, value: decodeXml(m[2]), column: (m.index ?? 0) + m[0].indexOf('>') + 2, detector: 'xml', inString: false, quoted: true });
  }
  // <add key="PartnerApiKey" value="…" />, <entry name="password" value="…"/>
  const tags = line.match(/<[A-Za-z][^<>]*>/g) ?? [];
  for (const tag of tags) {
    const named = XML_NAMED.exec(tag);
    const value = XML_VALUE_ATTR.exec(tag);
    if (!named || !value) continue;
    const kind = secretKindOf(named[1]);
    if (!kind) continue;
    out.push({ name: named[1], kind, value: decodeXml(value[2]), column: line.indexOf(tag) + tag.indexOf(value[0]) + 8, detector: 'xml', inString: false, quoted: true });
  }
  return out;
}

function decodeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&').trim();
}

/** Command-line forms without a secret-named long flag: `mysql -pSECRET`, `sshpass -p …`, `curl -u user:pass`, `redis-cli -a …`, `ConvertTo-SecureString "…" -AsPlainText`. */
function cliCandidates(line: string): Candidate[] {
  const out: Candidate[] = [];
  const push = (name: string, value: string, index: number) => {
    const v = value.replace(/^(["'])(.*)\1$/, '$2');
    out.push({ name, kind: 'password', value: v, column: index + 1, detector: 'cli-flag', inString: true, quoted: /^["']/.test(value) });
  };
  let m: RegExpExecArray | null;
  const mysql = /\b(?:mysql|mysqldump|mysqladmin|mariadb|mariadb-dump|mysqlimport|mysqlsh)\b[^|;&\n]*?\s-p(?!\s)(["']?)([^\s"'$`]+|\$\w+|"[^"]*")\1/.exec(line);
  if (mysql && !mysql[2].startsWith('$')) push('mysql -p', mysql[2], mysql.index + mysql[0].length - mysql[2].length - mysql[1].length * 2);
  if ((m = /\bsshpass\s+-p\s*(["'][^"']+["']|[^\s"'$]\S*)/.exec(line))) push('sshpass -p', m[1], m.index + m[0].length - m[1].length);
  if ((m = /\bdocker\s+login\b[^|;&\n]*?\s-p\s+(["'][^"']+["']|[^\s"'$-]\S*)/.exec(line))) push('docker login -p', m[1], m.index + m[0].length - m[1].length);
  if ((m = /\bredis-cli\b[^|;&\n]*?\s-a\s+(["'][^"']+["']|[^\s"'$-]\S*)/.exec(line))) push('redis-cli -a', m[1], m.index + m[0].length - m[1].length);
  if ((m = /\b(?:sqlcmd|bcp|osql|isql)\b[^|;&\n]*?\s-P\s*(["'][^"']+["']|[^\s"'$-]\S*)/.exec(line))) push('sqlcmd -P', m[1], m.index + m[0].length - m[1].length);
  if ((m = /\b(?:curl|wget|http|httpie)\b[^|;&\n]*?\s(?:-u|--user|--basic\s+-u)\s+(["']?)([^\s:"'$]+):([^\s"'@]+)\1/.exec(line)) && !/^\$|\$\{|\$\(/.test(m[3]))
    push(`curl -u ${m[2]}:…`, m[3], m.index + m[0].length - m[3].length - m[1].length);
  if ((m = /ConvertTo-SecureString\s+(?:-String\s+)?(["'])([^"']+)\1\s+-AsPlainText/i.exec(line))) push('ConvertTo-SecureString', m[2], m.index + m[0].indexOf(m[2]));
  if ((m = /\bhtpasswd\s+-\w*b\w*\s+\S+\s+\S+\s+(["']?)([^\s"']+)\1/.exec(line))) push('htpasswd -b', m[2], m.index + m[0].length - m[2].length - m[1].length);
  return out;
}

/** `IDENTIFIED BY 'secret'`, `PASSWORD 'secret'` in SQL (and in SQL strings in code). */
function sqlCandidates(line: string, syntax: TextSyntax): Candidate[] {
  const out: Candidate[] = [];
  const sqlContext = syntax === 'sql' || /\b(?:CREATE|ALTER)\s+(?:USER|ROLE|LOGIN)\b/i.test(line);
  if (!sqlContext && !/identified|sp_addlogin|sp_password/i.test(line)) return [];
  const m =
    /\bIDENTIFIED\s+(?:WITH\s+\w+\s+)?BY\s+(?:PASSWORD\s+)?'([^']+)'/i.exec(line) ??
    (sqlContext ? /\b(?:WITH\s+)?(?:ENCRYPTED\s+|UNENCRYPTED\s+)?PASSWORD\s*=?\s*N?'([^']+)'/i.exec(line) : null) ??
    /\bsp_(?:addlogin|password)\s+N?'[^']*'\s*,\s*N?'([^']+)'/i.exec(line);
  if (m) out.push({ name: /IDENTIFIED/i.test(m[0]) ? 'IDENTIFIED BY' : 'PASSWORD', kind: 'password', value: m[1], column: m.index + m[0].lastIndexOf(m[1]) + 1, detector: 'sql', inString: true, quoted: true });
  return out;
}

/** `INSERT INTO oauth_clients (client_id, client_secret) VALUES ('web', '…')`: seed rows, column by column. */
function insertCandidates(line: string): Candidate[] {
  const m = /\bINSERT\s+INTO\s+[\w."`[\]]+\s*\(([^()]*)\)\s*VALUES\s*\((.*)\)/i.exec(line);
  if (!m) return [];
  const columns = m[1].split(',').map((c) => c.trim().replace(/^["`[]|["`\]]$/g, ''));
  const values = [...m[2].matchAll(/'((?:''|[^'])*)'|([^,'\s][^,]*)/g)];
  const out: Candidate[] = [];
  columns.forEach((column, i) => {
    const v = values[i];
    const kind = secretKindOf(column);
    if (!kind || !v || v[1] === undefined) return;
    out.push({ name: column, kind, value: v[1].replace(/''/g, "'"), column: m.index + m[0].indexOf(v[0]) + 2, detector: 'sql', inString: false, quoted: true });
  });
  return out;
}

/**
 * The literal used when a secret-named environment variable is unset: `getenv("API_TOKEN") ?: "…"`
 * (Kotlin), `?? "…"` (C#, PHP), `|| "…"`, `getenv().getOrDefault("API_TOKEN", "…")` (Java), `ENV.fetch("API_TOKEN", "…")` (Ruby).
 */
function envFallbackCandidates(line: string): Candidate[] {
  const out: Candidate[] = [];
  const PATTERN = /(?:getenv|GetEnvironmentVariable|getOrDefault|ENV\.fetch|\benv)\s*\(\s*["']([A-Za-z_][\w.]*)["']\s*(?:,\s*(["'])((?:\\.|(?!\2).)*)\2\s*\)|\)\s*(?:\?:|\?\?|\|\||or)\s*(["'])((?:\\.|(?!\4).)*)\4)/g;
  for (const m of line.matchAll(PATTERN)) {
    const kind = secretKindOf(m[1]);
    const value = m[3] ?? m[5];
    if (!kind || value === undefined) continue;
    out.push({ name: m[1], kind, value: unescape(value), column: (m.index ?? 0) + m[0].lastIndexOf(value) + 1, detector: 'assignment', inString: false, quoted: true });
  }
  return out;
}

/** `${jwt.secret:devSecret}` (Spring), `${DB_PASSWORD:-postgres}` (shell): the literal used when the variable is unset. */
function fallbackCandidates(line: string): Candidate[] {
  if (!line.includes('${')) return [];
  const out: Candidate[] = [];
  for (const m of line.matchAll(/\$\{([A-Za-z_][\w.-]*)(?::-|:=|:(?![?+=-]))([^}$]+)\}/g)) {
    const kind = secretKindOf(m[1]);
    if (!kind) continue;
    out.push({ name: m[1], kind, value: m[2].replace(/^(["'])(.*)\1$/, '$2'), column: (m.index ?? 0) + m[0].indexOf(m[2]) + 1, detector: 'assignment', inString: true, quoted: true });
  }
  return out;
}

/**
 * Connection APIs whose third argument is the password: `DriverManager.getConnection(url, "app", "…")`,
 * `mysqli_connect("db", "app", "…")`, `new PDO($dsn, "app", "…")`, `ftp_login($c, "app", "…")`,
 * `ldap_bind($c, $dn, "…")`, `transport.connect("smtp", "app", "…")`.
 */
const CONNECT_CALL = /\b(?:getConnection|mysqli_connect|mysql_connect|mysqli|PDO|ftp_login|ldap_bind|simple_bind_s|bind_s|connect)\s*\(([^()]*)\)/g;

function connectCandidates(line: string): Candidate[] {
  if (!/getconnection|connect|pdo|ftp_login|ldap_bind|bind_s/i.test(line)) return [];
  const out: Candidate[] = [];
  for (const m of line.matchAll(CONNECT_CALL)) {
    const args = splitArguments(m[1]);
    const third = args[2];
    const quoted = third && /^(["'])((?:\\.|(?!\1).)*)\1$/.exec(third.trim());
    if (!quoted || args.length > 5) continue;
    out.push({ name: `${m[0].slice(0, m[0].indexOf('(')).trim()}(…, password)`, kind: 'password', value: unescape(quoted[2]), column: (m.index ?? 0) + m[0].indexOf(third) + 2, detector: 'call-argument', inString: false, quoted: true });
  }
  return out;
}

/** Top-level arguments of an argument list (commas inside quotes do not split). */
function splitArguments(list: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote = '';
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (quote) {
      current += ch;
      if (ch === '\\') current += list[++i] ?? '';
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === ',') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current);
  return out;
}

/** `"changeit".toCharArray()`: Java hands passwords to `KeyStore.load`, `PBEKeySpec`, `PasswordAuthentication` as char arrays. */
function charArrayCandidates(line: string): Candidate[] {
  const out: Candidate[] = [];
  for (const m of line.matchAll(/(["'])((?:\\.|(?!\1).){1,200})\1\s*\.toCharArray\(\)/g)) {
    const callee = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*\([^()]*$/.exec(line.slice(0, m.index ?? 0))?.[1];
    out.push({ name: callee ? `${callee}(…)` : 'a char[] password', kind: 'password', value: unescape(m[2]), column: (m.index ?? 0) + 2, detector: 'call-argument', inString: false, quoted: true });
  }
  return out;
}

/** `Authorization: Bearer …` / `"Authorization", "Basic …"` / `proxy_set_header Authorization "Basic …"`. */
function headerCandidates(line: string): Candidate[] {
  const m =
    /authorization["']?\s*(?:[:=,]|=>)?\s*["']?((?:Bearer|Basic|Token|Bot|token)\s+[A-Za-z0-9._~+/=-]{8,})/i.exec(line) ??
    // Value first: `[request setValue:@"Bearer …" forHTTPHeaderField:@"Authorization"]`, `new AuthenticationHeaderValue("Bearer", "…")`.
    /["']((?:Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,})["']/.exec(line) ??
    /AuthenticationHeaderValue\(\s*["'](?:Bearer|Basic)["']\s*,\s*["']([A-Za-z0-9._~+/=-]{8,})["']/.exec(line);
  if (!m) return [];
  const value = /^(?:Bearer|Basic|Token|Bot|token)\s/.test(m[1]) ? m[1] : `Bearer ${m[1]}`;
  return [{ name: 'Authorization', kind: 'authorization', value, column: m.index + m[0].indexOf(m[1]) + 1, detector: 'auth-header', inString: true, quoted: true }];
}

/** `setPassword("…")`, `basic_auth("user", "…")`, `Credentials.basic("user", "…")`, `auth=("user", "…")`. */
function callCandidates(line: string): Candidate[] {
  const out: Candidate[] = [];
  const CALL = /([A-Za-z_$][\w$]*(?:(?:\.|::|->)[A-Za-z_$][\w$]*)*)\s*(?:=\s*)?\(\s*((?:(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')\s*,\s*){0,3}(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'))\s*(?:\.\w+\(\))?\s*[,)]/g;
  for (const m of line.matchAll(CALL)) {
    const callee = m[1];
    if (!/pass|pwd|secret|token|key|credential|creds|auth|login|salt/i.test(callee)) continue;
    const words = nameWords(callee);
    const stripped = words.length > 1 && /^(?:set|with|use|put|add|init)$/.test(words[0]) ? words.slice(1) : words;
    const kind = secretKindOfWords(stripped) ?? (stripped.includes('credentials') || stripped.includes('auth') || stripped.includes('login') ? 'credentials' : undefined);
    // `MODULE_PASS("loop-unroll", …)`, `addPass("x")`: `pass` in a call name is a compiler or render pass.
    if (!kind || (kind === 'password' && stripped[stripped.length - 1] === 'pass')) continue;
    const args = [...m[2].matchAll(/"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'/g)];
    const last = args[args.length - 1];
    const value = unescape(last[1] ?? last[2] ?? '');
    // `define('DB_PASSWORD', …)` and `env('DB_PASSWORD', 'x')` are name/value pairs, read by the assignment scan.
    if (args.length >= 2 && secretKindOf(args[0][1] ?? args[0][2] ?? '')) continue;
    if (args.length === 1 && (kind === 'credentials' || kind === 'authorization') && !/[:]/.test(value) && !looksRandom(value)) continue;
    out.push({ name: `${callee}(…)`, kind: kind === 'credentials' && args.length >= 2 ? 'password' : kind, value, column: (m.index ?? 0) + m[0].lastIndexOf(last[0]) + 2, detector: 'call-argument', inString: false, quoted: true });
  }
  return out;
}

/** Provider-shaped literals on a line that names the provider: `cohere.Client("…")`, `DATADOG = "…"`. */
function contextualCandidates(line: string, context: string): Candidate[] {
  if (!CONTEXTUAL_KEYWORDS.some((k) => context.includes(k))) return [];
  const out: Candidate[] = [];
  for (const m of line.matchAll(/(["'`])([A-Za-z0-9+/=_.~-]{16,200})\1|[=:]\s*([A-Za-z0-9+/=_.~-]{16,200})\s*$/g)) {
    const value = m[2] ?? m[3];
    const format = contextualProvider(value, context);
    if (!format || isPlaceholder(value) || /x{6,}|(.)\1{7,}/i.test(value)) continue;
    // The name the value is given to: `search_only_key`, `client_id` hold public identifiers.
    const valueAt = (m.index ?? 0) + m[0].indexOf(value);
    const holder = /([A-Za-z_][\w.-]*)["']?\s*(?:[:=]|=>|,|\()?\s*["'`]?\s*$/.exec(line.slice(0, valueAt))?.[1] ?? '';
    const holderWords = nameWords(holder);
    if (isPublicName(holder) || holderWords.includes('search') || holderWords[holderWords.length - 1] === 'id' || holderWords.includes('sid')) continue;
    out.push({ name: format.provider, kind: 'apiKey', value, column: (m.index ?? 0) + m[0].indexOf(value) + 1, detector: 'provider', inString: false, quoted: true });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Judging a candidate
// ---------------------------------------------------------------------------------------------

function judgeCandidate(c: Candidate, lineNo: number, syntax: TextSyntax, context: string): SecretHit | undefined {
  let value = c.value.trim();
  if (!value) return undefined;
  if (isPublicName(c.name)) return undefined;
  // In source code a holder must be given a string literal; a bare word there is a variable or a call.
  if (syntax === 'code' && !c.quoted && !c.inString) return undefined;
  if (syntax === 'code' && !c.quoted && /^[A-Za-z_$][\w$.]*(?:\(|$)/.test(value) && !/\d/.test(value)) return undefined;
  // `alice.computeSecret(bobKey`, `ECDH.convertKey(x`: a call, in any syntax.
  if (!c.quoted && /^[A-Za-z_$][\w$.]*\(/.test(value)) return undefined;
  // `auth: Y2ktYm90Ol…` (docker config.json, basic-auth headers): base64 of `user:password`.
  let kind = c.kind;
  let name = c.name;
  if ((kind === 'credentials' || kind === 'authorization') && /^(?:Basic\s+)?[A-Za-z0-9+/]{12,}={0,2}$/.test(value)) {
    const b64 = value.replace(/^Basic\s+/, '');
    const decoded = Buffer.from(b64, 'base64').toString('utf8');
    const pair = /^([\x20-\x7e]{1,128}):([\x20-\x7e]{1,256})$/.exec(decoded);
    if (pair) {
      const verdict = judgeSecretValue(pair[2], { kind: 'password', credentialContext: true, docs: syntax === 'prose' });
      if (!verdict) return undefined;
      return hitOf(c, lineNo, { ...verdict, secret: value }, 'password', [value, b64, pair[2]], name, syntax);
    }
  }
  // `user:password` given to an `auth` holder.
  if (kind === 'credentials' && /^[^\s:]{1,64}:[^\s:]{4,}$/.test(value) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const password = value.slice(value.indexOf(':') + 1);
    const verdict = judgeSecretValue(password, { kind: 'password', credentialContext: true, docs: syntax === 'prose' });
    if (!verdict) return undefined;
    return hitOf(c, lineNo, verdict, 'password', [value, password], name, syntax);
  }
  if (/^(?:true|false|yes|no|on|off|null|none|nil|undefined|\d{1,6})$/i.test(value)) return undefined;
  if (/^eyJ[\w-]+\.[\w-]*\.[\w-]*$/.test(value) && !isRealJwt(value)) return undefined;
  if (c.detector === 'provider') {
    return { line: lineNo, endLine: lineNo, column: c.column, value, pieces: [value], detector: 'provider', provider: c.name, kind: 'apiKey', strength: 'live', confidence: 'high', inString: false, contextual: true };
  }
  if (c.loose && (!looksRandom(value, 'apiKey') || value.length < 16 || /^[0-9a-f]+$/i.test(value) || isUuidLike(value))) return undefined;
  const verdict = judgeSecretValue(value, { kind, name: name.replace(/^-+/, ''), credentialContext: syntax !== 'code' || c.detector !== 'assignment' || /(?:^|[^a-z])(?:db|database|datasource|jdbc|mysql|postgres|pg|redis|mongo|ldap|smtp|mail|ftp|admin|root)(?:[^a-z]|$)/i.test(context), docs: syntax === 'prose' });
  if (!verdict) return undefined;
  value = verdict.secret;
  return hitOf(c, lineNo, verdict, kind, [value], name, syntax, context);
}

function isUuidLike(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function hitOf(c: Candidate, lineNo: number, verdict: ValueVerdict, kind: SecretKind, pieces: string[], name: string, syntax: TextSyntax, context?: string): SecretHit | undefined {
  // Documentation: guessable examples there are examples.
  if (syntax === 'prose' && verdict.strength === 'weak') return undefined;
  const contextual = context ? contextualProvider(verdict.secret, context) : undefined;
  const confidence: Confidence = contextual ? 'high' : verdict.strength === 'weak' ? 'medium' : verdict.strength === 'live' && verdict.secret.length >= 20 ? 'high' : 'medium';
  return {
    line: lineNo,
    endLine: lineNo,
    column: c.column,
    value: verdict.secret,
    pieces: [...new Set(pieces.filter((p) => p.length >= 4))],
    detector: c.detector,
    ...(contextual ? { provider: contextual.provider } : {}),
    name,
    kind,
    strength: verdict.strength,
    ...(verdict.reason ? { reason: verdict.reason } : {}),
    confidence,
    inString: c.inString,
  };
}

/** Keywords of contextual formats, for rules that pre-filter files. */
export const SECRET_SCAN_NEEDLES = ['pass', 'PASS', 'Pass', 'pwd', 'PWD', 'secret', 'SECRET', 'Secret', 'token', 'TOKEN', 'Token', 'key', 'KEY', 'Key', 'auth', 'AUTH', 'Auth', 'cred', 'CRED', 'Cred', '://', 'salt', 'SALT', 'Salt', ...CONTEXTUAL_KEYWORDS];
