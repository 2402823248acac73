import type { EnvEntry, ParsedFile } from '../../model/parsed-file.ts';
import type { Location } from '../../model/finding.ts';
import { defineRule, type Severity } from '../../model/rule.ts';
import { findProviderSecrets } from '../../facts/secret-formats.ts';
import { isMasked, isPlaceholder, isPublicName, isReference, judgeSecretValue, secretKindOf } from '../../facts/secret-vocabulary.ts';

/** Templates meant to be committed: `.env.example`, `config/.env.sample`, `prod.env.template`. */
const TEMPLATE_ENV = /\.(?:example|sample|template|tmpl|tpl|dist|defaults?|schema|skeleton|vault)$|\.(?:example|sample|template)\.|^(?:example|sample|template)[._-]/i;
/** Well-known values: not worth redacting, and redacting a common word would garble every text that contains it. */
const COMMON_VALUES = new Set(['postgres', 'password', 'secret', 'admin', 'root', 'changeme', 'guest', 'test', 'example', 'mysql', 'redis', 'user', 'pass', 'dev']);
/** Test env files are reported only when they hold a value that looks like a real credential. */
const TEST_ENV = /(^|\/)\.env\.(?:test|testing|ci)$|(^|\/)test\.env$/i;

const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:([^@/\s]+)@/i;

interface SecretLine {
  entry: EnvEntry;
  /** The secret part of the value (the password of a URL). */
  secret: string;
}

export default defineRule({
  meta: {
    id: 'env-file-tracked',
    category: 'security',
    title: 'Environment file committed to git',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Secrets Management',
    effortHours: 2,
    messages: {
      trackedDespiteIgnore: '`{{file}}` is still tracked by git although .gitignore lists it (it was committed before the ignore rule); it {{holds}}.',
      tracked: '`{{file}}` is committed to git; it {{holds}}.',
      notIgnored: '`{{file}}` is not committed yet, but no .gitignore rule covers it: the next `git add .` commits it, and it {{holds}}.',
    },
    why: [
      'Everything in a committed dotenv file is readable by anyone with access to the repository, its forks and clones, CI logs and any container image built from it, and it stays in git history even after the file is deleted. Adding the file to `.gitignore` afterwards does not untrack it: git keeps committing the changes.',
      '',
      'Leaked API keys are found by automated scanners within minutes of a push to a public repository; a database password or signing key lets an attacker read data or forge sessions.',
    ].join('\n'),
    fix: [
      'Untrack the file, ignore it, rotate every key it ever held, then purge it from history (history rewriting needs every collaborator to re-clone).',
      '',
      '```bash',
      'git rm --cached .env',
      "echo '.env' >> .gitignore          # and .env.*, keeping !.env.example",
      'git commit -m "Stop tracking .env"',
      '# rotate every key, token and password the file held: they are in history',
      'git filter-repo --path .env --invert-paths',
      '```',
      'Commit a `.env.example` with the variable names and empty or placeholder values instead, and load real values from the deployment platform or a secret manager.',
    ].join('\n'),
    examples: {
      bad: {
        '.env': 'OPENAI_API_KEY=Qm7ZrT2vX9kLp4Wn8Bc3Hd6Jf1Gs5Ay0Ue\nSECRET_KEY=k8Jd2mQp9xLr4vTz7nWc\n',
        'requirements.txt': 'fastapi==0.115.0\n',
      },
      good: {
        '.env.example': 'OPENAI_API_KEY=\nSECRET_KEY=<generate with secrets.token_urlsafe(48)>\n',
        '.gitignore': '.env\n',
        'requirements.txt': 'fastapi==0.115.0\n',
      },
    },
    references: {
      cwe: [538, 312],
      owasp: ['A05:2021'],
      urls: ['https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/removing-sensitive-data-from-a-repository'],
      equivalents: ['gitleaks', 'trufflehog'],
    },
  },
  check({ index, files, report }) {
    const tracked = index.gitTracked;
    if (!tracked) return;
    for (const file of files.ofKind('env')) {
      if (!isDotenvName(file.path)) continue;
      // Discovery lists untracked files only when no ignore rule covers them: a real `.env` one `git add .` away.
      if (!tracked.has(file.path)) {
        const secrets = TEST_ENV.test(file.path) ? [] : secretLines(file);
        if (!secrets.length) continue;
        report({
          messageId: 'notIgnored',
          at: file.locateLines(secrets[0].entry.line),
          data: { file: file.path, keys: keyList(secrets), holds: holdsText(secrets) },
          related: secrets.slice(1).map((s) => file.locateLines(s.entry.line, s.entry.line, `${s.entry.key} is set here`)),
          secrets: secrets.flatMap((s) => [s.secret, s.entry.value]).filter((v) => v.length >= 4 && !COMMON_VALUES.has(v.toLowerCase())),
          severity: 'high',
        });
        continue;
      }
      const testEnv = TEST_ENV.test(file.path);
      const secrets = secretLines(file).filter((s) => !testEnv || looksReal(s.secret));
      if (testEnv && !secrets.length) continue;
      const ignored = index.gitTrackedButIgnored.has(file.path);
      const first = secrets[0];
      const related: Location[] = secrets.slice(1).map((s) => file.locateLines(s.entry.line, s.entry.line, `${s.entry.key} is set here`));
      report({
        messageId: ignored ? 'trackedDespiteIgnore' : 'tracked',
        at: file.locateLines(first ? first.entry.line : 1),
        data: { file: file.path, keys: keyList(secrets), holds: holdsText(secrets) },
        related,
        secrets: secrets.flatMap((s) => [s.secret, s.entry.value]).filter((v) => v.length >= 4 && !COMMON_VALUES.has(v.toLowerCase())),
        ...(secrets.length ? {} : { severity: 'medium' as Severity }),
      });
    }
  },
});

function isDotenvName(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (TEMPLATE_ENV.test(name)) return false;
  return name === '.env' || name.startsWith('.env.') || name.endsWith('.env');
}

/** Entries whose name says secret (or whose value is a provider key) and whose value is a usable secret (not empty, not a placeholder). */
function secretLines(file: ParsedFile): SecretLine[] {
  const out: SecretLine[] = [];
  for (const entry of file.env ?? []) {
    const value = entry.value.trim();
    if (!value || isPublicName(entry.key)) continue;
    const url = URL_WITH_PASSWORD.exec(value);
    if (url) {
      const password = url[1];
      if (!notALiteral(password) && password.length >= 3) out.push({ entry, secret: password });
      continue;
    }
    const provider = findProviderSecrets(value)[0];
    if (provider) {
      out.push({ entry, secret: provider.value });
      continue;
    }
    if (!secretKindOf(entry.key) || notALiteral(value)) continue;
    if (/^(?:true|false|yes|no|on|off|\d{1,6})$/i.test(value)) continue;
    out.push({ entry, secret: value });
  }
  return out;
}

function notALiteral(value: string): boolean {
  return isPlaceholder(value) || isReference(value) || isMasked(value);
}

/** For test env files: a generated-looking value, not `test-secret` or a local default. */
function looksReal(value: string): boolean {
  return judgeSecretValue(value, { kind: 'secret' })?.strength === 'live';
}

/** `OPENAI_API_KEY, SECRET_KEY and 2 more`. */
function keyList(secrets: SecretLine[]): string {
  const names = [...new Set(secrets.map((s) => s.entry.key))];
  if (names.length <= 3) return names.length === 3 ? `${names[0]}, ${names[1]} and ${names[2]}` : names.join(' and ');
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

function holdsText(secrets: SecretLine[]): string {
  if (!secrets.length) return 'holds no secret values yet, but any key added to it later will be committed too';
  return `holds ${secrets.length === 1 ? 'a secret' : `${secrets.length} secrets`}: ${keyList(secrets)}`;
}
