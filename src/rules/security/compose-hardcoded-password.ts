import { composeEnvironment, isDevComposeFile, isTestComposeFile } from '../../facts/compose.ts';
import { findProviderSecrets } from '../../facts/secret-formats.ts';
import { isPublicName, judgeSecretValue, normaliseValue, secretKindOf, WEAK_VALUES, WELL_KNOWN } from '../../facts/secret-vocabulary.ts';
import { defineRule, type Severity } from '../../model/rule.ts';

/** Variables that hold a URL, whose inline password is the secret. */
const URL_NAME = /(?:_URL|_URI|_DSN|^DATABASE_URL|^REDIS_URL)$/;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/([^:@/\s]*):([^@/\s]+)@/i;

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
    const entries = composeEnvironment(files);
    const usersByService = new Map<unknown, Set<string>>();
    for (const e of entries) {
      if (/(?:^|_)USER(?:NAME)?$/.test(e.key) && e.value) {
        const users = usersByService.get(e.service.node) ?? new Set<string>();
        users.add(e.value.toLowerCase());
        usersByService.set(e.service.node, users);
      }
    }
    for (const entry of entries) {
      const { file } = entry.service;
      // Compose files for tests and CI run throw-away databases.
      if (isTestComposeFile(file)) continue;
      const devOnly = isDevComposeFile(file) && !/override\.ya?ml$/i.test(file.path);
      const finding = judge(entry.key, entry.value, usersByService.get(entry.service.node) ?? new Set());
      if (!finding) continue;
      const severity: Severity = devOnly ? 'low' : finding.weak ? 'critical' : 'high';
      report({
        messageId: finding.weak ? 'weakDefault' : 'literalSecret',
        at: { ...file.locateOffsets(entry.start, entry.end), keyPath: ['services', entry.service.name, 'environment', entry.key] },
        data: {
          service: entry.service.name,
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
  },
});

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
  const part = literalPart(value);
  if (!part) return undefined;
  const { literal, fallback } = part;
  const inUrl = URL_NAME.test(key.toUpperCase()) || URL_WITH_PASSWORD.test(literal);
  if (inUrl) {
    const url = URL_WITH_PASSWORD.exec(literal);
    if (!url || /\$/.test(url[2])) return undefined;
    return verdictOf(url[2], users, fallback, true);
  }
  // A provider key under any name (`OPENAI: sk-…`) is a literal secret too.
  const provider = findProviderSecrets(literal)[0];
  if (provider) return { weak: false, common: false, secret: provider.value, fallback, inUrl: false };
  if (!secretKindOf(key) || isPublicName(key)) return undefined;
  if (/^(?:true|false|yes|no|on|off)$/i.test(literal) || /^<.*>$/.test(literal)) return undefined;
  return verdictOf(literal, users, fallback, false);
}

/** Whatever the shared verdict, a literal in `environment:` ships: short or dictionary values are weak, the rest literal secrets. */
function verdictOf(secret: string, users: Set<string>, fallback: boolean, inUrl: boolean): { weak: boolean; common: boolean; secret: string; fallback: boolean; inUrl: boolean } | undefined {
  if (!secret) return undefined;
  const lower = secret.toLowerCase();
  const verdict = judgeSecretValue(secret, { kind: 'password', credentialContext: true, placeholderIsWeak: true });
  const common = WEAK_VALUES.has(normaliseValue(secret)) || users.has(lower) || secret.length < 4 || verdict?.reason === WELL_KNOWN;
  if (!verdict && !common) {
    // Placeholders and references are not literals; a short plain value still is.
    if (secret.length >= 8 || /[{}$<>]/.test(secret)) return undefined;
    return { weak: true, common: false, secret, fallback, inUrl };
  }
  const weak = common || verdict?.strength === 'weak' || secret.length < 8;
  return { weak, common, secret, fallback, inUrl };
}
