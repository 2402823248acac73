import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule, type ReportInput, type Severity } from '../../model/rule.ts';
import { jsStringValue } from '../../parse/js-syntax.ts';
import { pyStringValue } from '../../parse/python-syntax.ts';
import { contextualProvider, findProviderSecrets, hasProviderNeedle, refineProvider, SECRET_FORMAT_NEEDLES } from '../../facts/secret-formats.ts';
import { scanSecrets, secretOwnerOf, secretPieces, type SecretHit } from '../../facts/secret-scan.ts';
import {
  DB_CONTEXT,
  judgeSecretValue,
  nameWords,
  reportableInTests,
  SECRET_KIND_TEXT,
  SECRET_NAME_NEEDLES,
  secretKindOf,
  WELL_KNOWN,
  type SecretKind,
  type ValueVerdict,
} from '../../facts/secret-vocabulary.ts';

/**
 * Secrets written into source code, in every language:
 * - Python and JS/TS are read as syntax trees: provider-format keys in any string literal, and
 *   literals given to something whose NAME says it is a secret (assignment, settings default,
 *   keyword argument, object property, parameter default, environment-variable fallback), named
 *   in the message the way the code names them (`Settings.api_key`, `jwt.sign(…, secret)`).
 *   The language-agnostic scanner adds what is inside strings and comments there (credentials
 *   in URLs and DSNs, `Authorization` headers, command lines, SQL).
 * - Every other source language (Java, Go, Ruby, PHP, C#, Kotlin, Swift, Rust, shell, SQL …)
 *   is read by the language-agnostic scanner (`facts/secret-scan.ts`).
 * Test code is reported at low severity, never silenced; guessable placeholder values in tests
 * are throw-away fixtures, not findings.
 */

type How = 'assign' | 'fallback' | 'default' | 'kwarg' | 'property' | 'argument' | 'flag' | 'header' | 'url' | 'statement';

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
  flag: 'is given',
  header: 'carries',
  url: 'contains',
  statement: 'sets',
};

/** Literal tokens any secret-named holder contains (any case). */
const NAME_NEEDLES = [...new Set(SECRET_NAME_NEEDLES.flatMap(caseVariants))];

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
    const needles = [...NAME_NEEDLES, '://', ...SECRET_FORMAT_NEEDLES];
    const reported = new Map<string, Set<number>>();
    const mark = (file: ParsedFile, line: number) => {
      const set = reported.get(file.path) ?? new Set<number>();
      set.add(line);
      reported.set(file.path, set);
    };
    for (const file of [...files.ofKind('python', { containing: needles }), ...files.ofKind('js', { containing: needles })]) {
      if (file.ast) checkSyntaxTree(file, report, (line) => mark(file, line));
    }
    // Every source file: the language-agnostic scan (for Python/JS only what the syntax-tree pass cannot see).
    for (const file of files.all) {
      if (secretOwnerOf(file) !== 'source') continue;
      const parsedSource = (file.kind === 'python' || file.kind === 'js') && !!file.ast;
      const done = reported.get(file.path);
      const hits = scanSecrets(file);
      const docstrings = hits.length && file.kind === 'python' ? docstringLines(file) : undefined;
      for (const hit of hits) {
        if (done?.has(hit.line)) continue;
        if (parsedSource && !seenOnlyByScanner(hit, file)) continue;
        // Docstrings hold examples (`Authorization: Bearer mF_9.B5f-4.1JqM` from an RFC); only a known-format key there is one.
        if (docstrings?.has(hit.line) && (hit.detector !== 'provider' && hit.detector !== 'private-key' || hit.contextual)) continue;
        const finding = describeHit(hit, file);
        if (!finding) continue;
        report(finding);
        mark(file, hit.line);
      }
    }
  },
});

type MessageId = 'providerKey' | 'providerKeyInBrowser' | 'hardcodedSecret' | 'insecureDefault';
type Report = (finding: ReportInput<MessageId>) => void;

/**
 * In parsed Python/JS the syntax-tree pass names the holder better; the scan adds what sits
 * inside a string or a comment there: a DSN, a URL, a command line, a SQL statement, a header.
 */
function seenOnlyByScanner(hit: SecretHit, file: ParsedFile): boolean {
  // The pass reads string literals; a key in a comment is the scan's.
  if (hit.detector === 'provider' || hit.detector === 'private-key' || hit.detector === 'jwt') return inComment(file, hit) || !!hit.contextual;
  if (hit.detector === 'url-credentials' || hit.detector === 'cli-flag' || hit.detector === 'sql' || hit.detector === 'auth-header') return true;
  // Positional arguments (`PlainCredentials("guest", "guest")`, `auth=("user", "…")`) are not holders the pass names.
  if (hit.detector === 'call-argument') return true;
  return hit.inString;
}

/** How a scanner hit reads in a message: the holder, how it gets the value, and what the value is. */
function describeHit(hit: SecretHit, file: ParsedFile): ReportInput<MessageId> | undefined {
  const docs = isDocsPath(file.path);
  if (hit.strength === 'weak' && (docs || (file.isTest && !reportableInTests(hit)))) return undefined;
  const at = file.locateLines(hit.line, hit.endLine === hit.line ? hit.line : hit.line);
  const testSeverity = file.isTest ? { severity: 'low' as Severity } : {};
  if (hit.provider) {
    return {
      messageId: isBrowserCode(file) ? 'providerKeyInBrowser' : 'providerKey',
      at,
      data: { provider: hit.provider, holder: hit.name && hit.detector !== 'provider' ? `\`${hit.name}\`` : holderText(file, hit), file: file.path },
      secrets: hit.pieces,
      ...(hit.severity && !file.isTest ? { severity: hit.severity } : testSeverity),
      ...(hit.confidence !== 'high' ? { confidence: hit.confidence } : {}),
    };
  }
  const how: How =
    hit.detector === 'url-credentials' ? 'url' : hit.detector === 'auth-header' ? 'header' : hit.detector === 'cli-flag' ? 'flag' : hit.detector === 'call-argument' ? 'argument' : hit.detector === 'sql' ? 'statement' : 'assign';
  const name = hit.detector === 'auth-header' ? 'Authorization header' : hit.detector === 'sql' ? `SQL ${hit.name}` : (hit.name ?? 'a string literal');
  const what = hit.detector === 'url-credentials' ? 'password in a connection URL' : hit.kind === 'authorization' ? 'token' : SECRET_KIND_TEXT[hit.kind];
  if (hit.strength !== 'weak')
    return { messageId: 'hardcodedSecret', at, data: { name, how: HOW_TEXT[how], what, length: String(hit.value.length) }, secrets: hit.pieces, confidence: hit.confidence, ...testSeverity };
  const critical = hit.kind === 'signing' || (hit.kind === 'password' && nameWords(`${hit.name ?? ''} ${hit.host ?? ''}`).some((w) => DB_CONTEXT.has(w)));
  return {
    messageId: 'insecureDefault',
    at,
    data: { name, how: HOW_TEXT[how], what: hit.detector === 'url-credentials' ? 'password in a connection URL' : 'value', reason: hit.reason ?? 'short and low-entropy' },
    secrets: hit.reason === WELL_KNOWN ? [] : hit.pieces,
    ...(file.isTest ? { severity: 'low' as Severity } : critical ? {} : { severity: 'high' as Severity }),
  };
}

/** Lines of string statements (docstrings) of a Python file. */
function docstringLines(file: ParsedFile): Set<number> {
  const out = new Set<number>();
  for (const statement of file.findAll({ kind: 'expression_statement', has: { kind: 'string' } })) {
    const only = statement.children().filter((c) => c.isNamed());
    if (only.length !== 1 || only[0].kind() !== 'string') continue;
    const { start, end } = statement.range();
    for (let n = start.line + 1; n <= end.line + 1; n++) out.add(n);
  }
  return out;
}

function inComment(file: ParsedFile, hit: SecretHit): boolean {
  const line = file.line(hit.line);
  const before = line.slice(0, Math.max(0, hit.column - 1));
  return /^\s*(?:#|\/\/|\/\*|\*|--|;|<!--)/.test(line) || /(?:^|\s)(?:#|\/\/)\s/.test(before);
}

/** `a comment`, `a string literal`: where a provider key sits when no holder names it. */
function holderText(file: ParsedFile, hit: SecretHit): string {
  const before = file.line(hit.line).slice(0, Math.max(0, hit.column - 1));
  if (inComment(file, hit)) return 'a comment';
  const holder = /([A-Za-z_$][\w$.-]*)["']?\s*(?:[:=]|=>|:=)\s*(?:\[\]byte\(|@|[bru])?["'`]?$/.exec(before.trimEnd())?.[1];
  return holder ? `\`${holder}\`` : 'a string literal';
}

/** The syntax-tree pass over one Python or JS/TS file; `mark` records each reported line. */
function checkSyntaxTree(file: ParsedFile, report: Report, mark: (line: number) => void): void {
  const python = file.kind === 'python';
  const literals = file.findAll(python ? { kind: 'string' } : { any: [{ kind: 'string' }, { kind: 'template_string' }] });
  const providerStrings = new Set<number>();
  const lowInTests = file.isTest ? { severity: 'low' as Severity } : {};

  // 1. Provider-format keys, wherever they are.
  if (hasProviderNeedle(file.text)) {
    for (const literal of literals) {
      const raw = literal.text();
      for (const match of findProviderSecrets(raw)) {
        if (isFirebaseConfig(literal, python)) continue;
        providerStrings.add(literal.range().start.index);
        const line = literal.range().start.line + 1 + (raw.slice(0, match.index).match(/\n/g)?.length ?? 0);
        const holder = holderOf(literal, python, file);
        report({
          messageId: isBrowserCode(file) ? 'providerKeyInBrowser' : 'providerKey',
          at: file.locateLines(line),
          data: { provider: refineProvider(match.value, match.format.provider, `${holder?.name ?? ''} ${file.line(line)}`), holder: holder ? `\`${holder.display}\`` : (callArgumentDisplay(literal) ?? 'a string literal'), file: file.path },
          secrets: secretPieces(match.value),
          ...(match.format.severity && !file.isTest ? { severity: match.format.severity } : lowInTests),
          ...(match.format.provider === 'A JSON Web Token' ? { confidence: 'medium' as const } : {}),
        });
        mark(line);
      }
    }
  }

  // 2. Literals given to secret-named holders.
  const docs = isDocsPath(file.path);
  for (const literal of literals) {
    if (providerStrings.has(literal.range().start.index)) continue;
    const value = literalValue(literal, python);
    if (value === undefined) continue;
    const holder = holderOf(literal, python, file);
    const anchor = outermostLiteral(literal, python);
    const line = anchor.range().start.line + 1;
    const at = file.locateLines(line);
    // A connection URL with an inline password: `postgresql://app:changeme@db/app`, whatever holds it.
    if (URL_WITH_PASSWORD.test(value)) {
      const name = holder?.display ?? callArgumentDisplay(literal)?.slice(1, -1);
      const verdict = docs || !name || insideExample(literal, python) ? undefined : judgeUrlPassword(value);
      if (!verdict || !name || (file.isTest && !reportableInTests(verdict))) continue;
      const how = HOW_TEXT[holder?.how ?? 'argument'];
      const what = 'password in a connection URL';
      const secrets = verdict.reason === WELL_KNOWN ? [] : [verdict.secret];
      if (verdict.strength !== 'weak') report({ messageId: 'hardcodedSecret', at, data: { name, how, what, length: String(verdict.secret.length) }, secrets, ...lowInTests });
      else report({ messageId: 'insecureDefault', at, data: { name, how, what, reason: verdict.reason ?? 'short and low-entropy' }, secrets, ...(file.isTest ? { severity: 'low' as Severity } : holder?.settings ? {} : { severity: 'high' as Severity }) });
      mark(line);
      continue;
    }
    if (!holder) continue;
    const kind = secretKindOf(holder.name);
    if (!kind) continue;
    if (insideExample(literal, python) || isFirebaseConfig(literal, python)) continue;
    const verdict = judgeHolderValue(value, holder, kind, docs);
    if (!verdict || (file.isTest && !reportableInTests(verdict))) continue;
    // Dictionary defaults (`secret`, `admin`) are public knowledge; redacting them would garble every text that contains the word.
    const secrets = verdict.reason === WELL_KNOWN ? [] : secretPieces(verdict.secret);
    // `DATADOG_API_KEY = "…32 hex…"`: the holder's name says whose key it is.
    const contextual = verdict.strength === 'live' ? contextualProvider(verdict.secret, `${holder.name} ${file.line(line)}`.toLowerCase()) : undefined;
    if (contextual) {
      report({ messageId: isBrowserCode(file) ? 'providerKeyInBrowser' : 'providerKey', at, data: { provider: contextual.provider, holder: `\`${holder.display}\``, file: file.path }, secrets, ...lowInTests });
    } else if (verdict.strength !== 'weak') {
      report({ messageId: 'hardcodedSecret', at, data: { name: holder.display, how: HOW_TEXT[holder.how], what: 'credential', length: String(verdict.secret.trim().length) }, secrets, ...lowInTests });
    } else {
      const critical = kind === 'signing' || (kind === 'password' && (holder.settings || nameWords(holder.name).some((w) => DB_CONTEXT.has(w))));
      report({
        messageId: 'insecureDefault',
        at,
        data: { name: holder.display, how: HOW_TEXT[holder.how], what: 'value', reason: verdict.reason ?? 'short and low-entropy' },
        secrets,
        ...(file.isTest ? { severity: 'low' as Severity } : critical ? {} : { severity: 'high' as Severity }),
      });
    }
    mark(line);
  }
}

function caseVariants(word: string): string[] {
  return [word, word.toUpperCase(), word[0].toUpperCase() + word.slice(1)];
}

/** The shared verdict, with what the holder says about context: settings, keyword arguments and fallbacks configure credentials. */
function judgeHolderValue(raw: string, holder: Holder, kind: SecretKind, docs: boolean): ValueVerdict | undefined {
  const credentialContext = holder.how === 'kwarg' || holder.how === 'fallback' || holder.how === 'default' || holder.settings || nameWords(holder.name).some((w) => DB_CONTEXT.has(w));
  // `TOKEN_KEY = "auth_token"`, `sk_test_…` in a `publishable` slot: handled by the shared rules.
  const value = raw.trim();
  if (/^(?:pk|rk)_(?:test|live)_/.test(value) && value.startsWith('pk_')) return undefined;
  // `user:password` given to an `auth` holder.
  if (kind === 'credentials' && /^[^\s:]{1,64}:[^\s:]{4,}$/.test(value) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const password = value.slice(value.indexOf(':') + 1);
    return judgeSecretValue(password, { kind: 'password', credentialContext: true, docs });
  }
  return judgeSecretValue(value, { kind, name: holder.name, credentialContext, docs, placeholderIsWeak: true });
}

const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/([^:@/\s]*):([^@/\s]+)@[^\s]+$/i;

/** The inline password of a connection URL, judged like any password; placeholders and interpolations are skipped. */
function judgeUrlPassword(url: string): ValueVerdict | undefined {
  const m = URL_WITH_PASSWORD.exec(url);
  if (!m) return undefined;
  let password = m[2];
  try {
    password = decodeURIComponent(password);
  } catch {
    /* keep as written */
  }
  if (/[{}$%<>]/.test(m[2])) return undefined;
  if (m[1] && password.toLowerCase() === m[1].toLowerCase()) return { strength: 'weak', reason: WELL_KNOWN, secret: password };
  const verdict = judgeSecretValue(password, { kind: 'password', credentialContext: true });
  if (verdict) return verdict;
  return password.length >= 1 && !/^\*+$/.test(password) && !/^(?:password|pass|secret)$/i.test(password) ? { strength: 'weak', reason: 'short and low-entropy', secret: password } : undefined;
}

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
