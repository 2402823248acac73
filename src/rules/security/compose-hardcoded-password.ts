import { isComposeFile } from '../../facts/frameworks.ts';
import type { ParsedFile } from '../../model/parsed-file.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { asYamlNode, isYamlPair, resolveNode, yamlEntries, yamlScalar, type YamlNode } from '../../facts/yaml-nodes.ts';

/**
 * The `yaml` package's node shapes, duck-typed so that only parse/ imports the library:
 * a map or sequence has `items`, a pair has `key` and `value`, a scalar has `value` and
 * `range` = [start, valueEnd, nodeEnd], an alias has `source` and `resolveNode(doc)`.
 */

/** Name tokens of a secret-holding variable: POSTGRES_PASSWORD, RABBITMQ_DEFAULT_PASS, JWT_SECRET, OPENAI_API_KEY. */
const SECRET_TOKENS = new Set(['PASSWORD', 'PASSWD', 'PWD', 'PASS', 'SECRET', 'TOKEN', 'APIKEY', 'PASSPHRASE']);
const KEY_QUALIFIERS = new Set(['API', 'PRIVATE', 'ACCESS', 'SECRET', 'SIGNING', 'ENCRYPTION', 'MASTER', 'AUTH', 'APP', 'SERVICE', 'LICENSE']);
/** Last tokens that make the variable about a secret, not the secret (`*_FILE` points to a Docker secret). */
const NOT_SECRET_SUFFIX = new Set([
  'FILE', 'PATH', 'DIR', 'URL', 'URI', 'HOST', 'PORT', 'USER', 'USERNAME', 'NAME', 'ID', 'EXPIRE', 'EXPIRES', 'EXPIRY', 'TTL',
  'MINUTES', 'SECONDS', 'HOURS', 'DAYS', 'LENGTH', 'ALGORITHM', 'TYPE', 'METHOD', 'ENABLED', 'REQUIRED', 'HEADER', 'ISSUER', 'AUDIENCE',
]);
const PUBLIC_NAME = /(?:^|_)(?:PUBLIC|PUBLISHABLE|ANON)(?:_|$)|^(?:NEXT_PUBLIC|VITE|REACT_APP)_/;
const URL_NAME = /(?:_URL|_URI|_DSN|^DATABASE_URL|^REDIS_URL)$/;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:([^@/\s]+)@/i;

/** Known default passwords of images and tutorials (compared lower-case). */
const WEAK_VALUES = new Set(
  (
    'changeme changeit change_me password passw0rd password1 password123 postgres postgrespassword mysecretpassword postgres123 root ' +
    'toor admin admin123 administrator secret secret123 supersecret example 123456 1234567 12345678 123456789 1234 12345 pass pass123 ' +
    'test test123 testing mysql redis mongo mongodb guest minioadmin minio123 rabbitmq default dev development local qwerty letmein ' +
    'user app sa'
  ).split(' '),
);
const WEAK_MARKERS = /change[\W_]*(?:me|it|this)|replace[\W_]*me|insecure|dummy|example|(?:^|[\W_])(?:dev|local|test|default|demo)(?:[\W_]|\d|$)|secret|password|passw0rd|12345|qwerty/i;

export default defineRule({
  meta: {
    id: 'compose-hardcoded-password',
    category: 'security',
    title: 'Hard-coded password in docker-compose environment',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['compose'],
    scorecard: 'Secrets Management',
    effortHours: 0.5,
    messages: {
      weakDefault: 'Service `{{service}}` sets {{subject}} to a well-known or guessable value{{fallback}} in {{file}}.',
      literalSecret: 'Service `{{service}}` sets {{subject}} to a literal secret{{fallback}} committed in {{file}}.',
    },
    why: [
      'A password written in a compose file is in git for everyone who can read the repository, and it is the same on every machine that runs the file — including a server where the port was published by mistake. Default values such as `postgres`, `changeme` or `minioadmin` are the first ones automated scanners try.',
      '',
      'A `${VAR:-changeme}` fallback hides the problem: when the variable is unset in production, the service starts with the well-known password instead of failing.',
    ].join('\n'),
    fix: [
      'Reference a variable that must be set, so `docker compose up` fails when it is missing, and keep the value in an untracked `.env` file or the deployment platform. For files, prefer Docker secrets and the images\' `*_FILE` variables.',
      '',
      '```yaml',
      'services:',
      '  db:',
      '    image: postgres:16',
      '    environment:',
      '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}',
      '  # or with Docker secrets:',
      '  cache:',
      '    image: bitnami/redis:7.4',
      '    environment:',
      '      REDIS_PASSWORD_FILE: /run/secrets/redis_password',
      '    secrets: [redis_password]',
      'secrets:',
      '  redis_password:',
      '    environment: REDIS_PASSWORD',
      '```',
      'Rotate any password that was committed: it stays in git history.',
    ].join('\n'),
    examples: {
      bad: {
        'docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: changeme\n',
      },
      good: {
        'docker-compose.yml': 'services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?required}\n',
      },
    },
    references: {
      cwe: [798, 1392, 259],
      owasp: ['A07:2021', 'A05:2021'],
      urls: ['https://docs.docker.com/compose/how-tos/use-secrets/', 'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/'],
      equivalents: ['checkov:CKV_SECRET_*', 'gitleaks'],
    },
  },
  check({ files, report }) {
    for (const file of files.ofKind('yaml', { containing: ['environment'] })) {
      if (!isComposeFile(file.path) || !file.yaml) continue;
      const name = file.path.slice(file.path.lastIndexOf('/') + 1).toLowerCase();
      // Compose files for tests and CI run throw-away databases.
      if (file.isTest || /[.-](?:test|tests|ci|e2e)\.ya?ml$/.test(name)) continue;
      const devOnly = /[.-](?:dev|development|local)\.ya?ml$/.test(name);
      for (const doc of file.yaml) {
        const services = mapGet(doc.contents, 'services', doc);
        for (const [service, definition] of mapEntries(services, doc)) {
          const environment = resolveNode(mapGet(definition, 'environment', doc), doc);
          if (!environment?.items) continue;
          const users = new Set<string>();
          const entries = environmentEntries(environment, doc, file);
          for (const e of entries) if (/(?:^|_)USER(?:NAME)?$/.test(e.key) && e.value) users.add(e.value.toLowerCase());
          for (const entry of entries) {
            const finding = judge(entry.key, entry.value, users);
            if (!finding) continue;
            const severity: Severity = devOnly ? 'low' : finding.weak ? 'critical' : 'high';
            report({
              messageId: finding.weak ? 'weakDefault' : 'literalSecret',
              at: { ...file.locateOffsets(entry.start, entry.end), keyPath: ['services', service, 'environment', entry.key] },
              data: {
                service,
                key: entry.key,
                subject: finding.inUrl ? `the password in \`${entry.key}\`` : `\`${entry.key}\``,
                file: file.path,
                fallback: finding.fallback ? ' as the fallback of an unset variable' : '',
              },
              // Image defaults (`postgres`, `root`) are public knowledge; redacting such words would garble every text that contains them.
              secrets: finding.common ? [] : [finding.secret],
              ...(severity === 'high' ? {} : { severity }),
            });
          }
        }
      }
    }
  },
});

interface EnvironmentEntry {
  key: string;
  /** The value as written, null when absent (`- API_KEY` passes the host's value through). */
  value: string | null;
  start: number;
  end: number;
}

function mapEntries(map: unknown, doc: unknown): [string, YamlNode | undefined][] {
  return yamlEntries(map, doc).map((e) => [e.key, e.value]);
}

function mapGet(map: unknown, key: string, doc: unknown): YamlNode | undefined {
  return mapEntries(map, doc).find(([k]) => k === key)?.[1];
}

/** Both forms: `KEY: value` and `- KEY=value`, with merge keys and aliases resolved. */
function environmentEntries(environment: YamlNode, doc: unknown, file: ParsedFile): EnvironmentEntry[] {
  const out: EnvironmentEntry[] = [];
  for (const item of environment.items ?? []) {
    if (isYamlPair(item)) {
      const key = yamlScalar(item.key);
      if (key === '<<') {
        const merged = resolveNode(item.value, doc);
        if (merged?.items) out.push(...environmentEntries(merged, doc, file));
        continue;
      }
      const valueNode = asYamlNode(item.value);
      const range = valueNode?.range ?? asYamlNode(item.key)?.range;
      if (key === undefined || !range) continue;
      out.push({ key, value: valueNode ? (sourceValue(file, valueNode) ?? yamlScalar(valueNode) ?? null) : null, start: range[0], end: range[1] });
      continue;
    }
    const node = asYamlNode(item);
    const text = yamlScalar(node);
    if (text === undefined || !node?.range) continue;
    const eq = text.indexOf('=');
    out.push({ key: eq >= 0 ? text.slice(0, eq).trim() : text.trim(), value: eq >= 0 ? text.slice(eq + 1) : null, start: node.range[0], end: node.range[1] });
  }
  return out;
}

/** The scalar as written, without quotes: a number like `0123456` keeps its digits. */
function sourceValue(file: ParsedFile, node: YamlNode): string | undefined {
  if (!node.range || node.items) return undefined;
  const raw = file.text.slice(node.range[0], node.range[1]).trim();
  if (/^(["']).*\1$/s.test(raw)) return yamlScalar(node);
  return raw.includes('\n') ? yamlScalar(node) : raw;
}

function isSecretName(key: string): boolean {
  const upper = key.toUpperCase();
  if (PUBLIC_NAME.test(upper)) return false;
  const tokens = upper.split(/[^A-Z0-9]+/).filter(Boolean);
  if (!tokens.length || NOT_SECRET_SUFFIX.has(tokens[tokens.length - 1])) return false;
  return tokens.some((t, i) => SECRET_TOKENS.has(t) || (t === 'KEY' && i > 0 && KEY_QUALIFIERS.has(tokens[i - 1])) || /(?:PASSWORD|SECRET|TOKEN|APIKEY)$/.test(t));
}

/**
 * `${VAR}`, `${VAR:?err}`, `${VAR:-}` → nothing to report; `${VAR:-changeme}` → judge the fallback;
 * anything else with `$` interpolation is assembled from variables.
 */
function literalPart(value: string): { literal: string; fallback: boolean } | undefined {
  const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?\}$/s.exec(value);
  if (whole) {
    if (!whole[2] || whole[2].endsWith('?')) return undefined;
    const fallback = whole[3] ?? '';
    return fallback && !fallback.includes('$') ? { literal: fallback, fallback: true } : undefined;
  }
  if (/(?<!\$)\$(?:\{|[A-Za-z_])/.test(value)) return undefined;
  return { literal: value.replace(/\$\$/g, '$'), fallback: false };
}

function judge(key: string, raw: string | null, users: Set<string>): { weak: boolean; common: boolean; secret: string; fallback: boolean; inUrl: boolean } | undefined {
  if (raw === null) return undefined;
  const value = raw.trim();
  if (!value || value === '""' || value === "''") return undefined;
  const upper = key.toUpperCase();
  let secret: string;
  let fallback = false;
  const inUrl = URL_NAME.test(upper) || URL_WITH_PASSWORD.test(value);
  if (inUrl) {
    const part = literalPart(value);
    if (!part) return undefined;
    const url = URL_WITH_PASSWORD.exec(part.literal);
    if (!url) return undefined;
    secret = url[1];
    fallback = part.fallback;
    if (/\$/.test(secret)) return undefined;
  } else {
    if (!isSecretName(key)) return undefined;
    const part = literalPart(value);
    if (!part) return undefined;
    secret = part.literal;
    fallback = part.fallback;
    if (/^(?:true|false|yes|no|on|off)$/i.test(secret) || /^<.*>$/.test(secret)) return undefined;
  }
  if (!secret) return undefined;
  const lower = secret.toLowerCase();
  const common = WEAK_VALUES.has(lower) || users.has(lower) || secret.length < 4;
  const weak = common || WEAK_MARKERS.test(secret) || secret.length < 8;
  return { weak, common, secret, fallback, inUrl };
}
