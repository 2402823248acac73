import { isComposeFile, isKubernetesManifest } from '../../facts/frameworks.ts';
import { ANY_SECRET_FORMAT, isUsableSecret, SECRET_FORMAT_NEEDLES, SECRET_FORMATS, shannonEntropy } from '../../facts/secret-formats.ts';
import type { ParsedFile } from '../../model/parsed-file.ts';
import { isMap, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { defineRule, type Severity } from '../../model/rule.ts';

/** Env files meant to be committed as templates; real `.env` files are `env-file-tracked`'s. */
const TEMPLATE_ENV = /(^|\/)[^/]*\.env\.(example|sample|template|dist|defaults?)$|(^|\/)(example|sample|template)\.env$/i;
/** Lockfiles and generated manifests: integrity hashes and tarball URLs, never credentials. */
const LOCKFILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|Pipfile\.lock|uv\.lock|composer\.lock|Gemfile\.lock|Cargo\.lock|go\.sum)$/;
const CI_FILE = /(^|\/)(\.github\/workflows\/[^/]+\.ya?ml|\.gitlab-ci\.ya?ml|\.circleci\/config\.ya?ml|azure-pipelines\.ya?ml|bitbucket-pipelines\.ya?ml|Jenkinsfile|\.travis\.ya?ml|cloudbuild\.ya?ml|buildspec\.ya?ml)$/;
const DEPLOY_FILE = /(^|\/)(render\.ya?ml|fly\.toml|app\.ya?ml|vercel\.json|netlify\.toml|railway\.(json|toml)|Procfile|serverless\.ya?ml|[^/]*\.tf|[^/]*\.tfvars|values[^/]*\.ya?ml|Chart\.ya?ml)$/;

type Place = 'ci' | 'compose' | 'kubernetes' | 'deploy' | 'envTemplate' | 'docs' | 'config';

const PLACE_SEVERITY: Record<Place, Severity> = {
  ci: 'critical',
  compose: 'critical',
  kubernetes: 'critical',
  deploy: 'critical',
  envTemplate: 'critical',
  docs: 'high',
  config: 'critical',
};

export default defineRule({
  meta: {
    id: 'secret-in-config-file',
    category: 'security',
    title: 'Provider secret committed in a configuration, CI or documentation file',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Secrets Management',
    messages: {
      ci: '{{provider}} is written into the CI configuration `{{file}}`, where everyone who can read the repository or its forks can use it.',
      compose: '{{provider}} is written into the compose file `{{file}}` instead of being passed in from the environment or a secret.',
      kubernetes: '{{provider}} is written into the Kubernetes manifest `{{file}}` instead of a Secret reference.',
      deploy: '{{provider}} is written into the deployment configuration `{{file}}`.',
      envTemplate: '{{provider}} sits in the committed template `{{file}}`, which should hold placeholders only: it looks like a real key.',
      docs: '{{provider}} appears in the documentation file `{{file}}`; if it is a real key, anyone reading the docs can use it.',
      config: '{{provider}} is committed in `{{file}}`.',
    },
    why: [
      'A key committed to a repository is readable by everyone with access to it, every clone and fork, every CI log and container image built from it, and it stays in git history after the line is deleted. Automated scanners harvest keys from public repositories within minutes; private repositories leak through laptops, contractors and backups.',
      '',
      'Configuration files are where keys are most often pasted "just for now": a CI workflow, a compose file, a deploy manifest, an `.env.example` filled with a working key so the app starts.',
    ].join('\n'),
    fix: [
      'Revoke the key at the provider and issue a new one (removing it from the file does not remove it from history). Then read it from the platform\'s secret store:',
      '',
      '```yaml',
      '# GitHub Actions',
      'env:',
      '  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}',
      '# docker-compose',
      'environment:',
      '  OPENAI_API_KEY: ${OPENAI_API_KEY}',
      '# Kubernetes',
      'env:',
      '  - name: OPENAI_API_KEY',
      '    valueFrom: { secretKeyRef: { name: api-secrets, key: openai } }',
      '```',
      'Keep `.env.example` to placeholders (`OPENAI_API_KEY=sk-...`), and purge the old value from history (`git filter-repo --replace-text`) if the repository was ever shared.',
    ].join('\n'),
    effortHours: 1,
    examples: {
      bad: {
        '.github/workflows/deploy.yml': [
          'name: deploy',
          'on: push',
          'jobs:',
          '  deploy:',
          '    runs-on: ubuntu-latest',
          '    env:',
          '      SENDGRID_API_KEY: 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',
          '    steps:',
          '      - run: ./deploy.sh',
          '',
        ].join('\n'),
      },
      good: {
        '.github/workflows/deploy.yml': [
          'name: deploy',
          'on: push',
          'jobs:',
          '  deploy:',
          '    runs-on: ubuntu-latest',
          '    env:',
          '      SENDGRID_API_KEY: ${{ secrets.SENDGRID_API_KEY }}',
          '    steps:',
          '      - run: ./deploy.sh',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [798, 312, 540],
      owasp: ['A07:2021 Identification and Authentication Failures'],
      equivalents: ['gitleaks', 'trufflehog', 'detect-secrets'],
    },
  },
  check({ files, report }) {
    for (const file of files.all) {
      if (!isScanned(file)) continue;
      const place = placeOf(file);
      const seen = new Set<number>();
      // 2. Secret-named keys with random-looking literal values (`TWILIO_AUTH_TOKEN: 9c1e…`), where no other rule owns the file.
      if (place !== 'compose' && place !== 'kubernetes' && place !== 'docs' && SECRET_NAME_NEEDLE.test(file.text)) {
        for (const { name, value, offset } of namedValues(file)) {
          const dbPassword = databaseUrlPassword(value);
          if (dbPassword) {
            seen.add(offset);
            report({
              messageId: place,
              at: file.locateLines(file.position(offset).line),
              data: { provider: `A database password (in the connection URL of \`${name}\`)`, file: file.path },
              secrets: [dbPassword, value],
              severity: file.isTest ? 'low' : 'high',
            });
            continue;
          }
          if (!isSecretName(name) || !looksLikeLiveSecret(value)) continue;
          if (ANY_SECRET_FORMAT.test(value)) continue; // reported below with the provider's name
          seen.add(offset);
          report({
            messageId: place,
            at: file.locateLines(file.position(offset).line),
            data: { provider: `A hard-coded value of \`${name}\``, file: file.path },
            secrets: [value],
            severity: file.isTest ? 'low' : 'high',
            confidence: 'medium',
          });
        }
      }
      // 1. Known provider formats, wherever they are in the file.
      if (!SECRET_FORMAT_NEEDLES.some((n) => file.text.includes(n)) || !ANY_SECRET_FORMAT.test(file.text)) continue;
      for (const format of SECRET_FORMATS) {
        format.regex.lastIndex = 0;
        for (const match of file.text.matchAll(format.regex)) {
          const offset = match.index ?? 0;
          if (seen.has(offset) || !isUsableSecret(match[0], format)) continue;
          seen.add(offset);
          const line = file.position(offset).line;
          // A secret-named compose variable or Kubernetes key (`OPENAI_API_KEY: sk-…`, `value:` of a secret-named env)
          // is compose-hardcoded-password's / kubernetes-secret-in-manifest's finding.
          const key = /^\s*-?\s*["']?([A-Za-z_][\w.]*)["']?\s*[:=]/.exec(file.line(line))?.[1];
          const kubernetesOwned = place === 'kubernetes' && (key === 'value' || /(^|\n)kind:\s*Secret\b/.test(file.text));
          if ((place === 'compose' || place === 'kubernetes') && key && (isSecretName(key) || /key$/i.test(key) || kubernetesOwned)) continue;
          report({
            messageId: place,
            at: file.locateLines(line),
            data: { provider: format.provider, file: file.path },
            secrets: [match[0], ...match[0].split(/\r?\n|\\n/).map((l) => l.trim()).filter((l) => l.length >= 8 && !/^-----/.test(l))],
            severity: file.isTest ? 'low' : PLACE_SEVERITY[place],
          });
        }
      }
    }
  },
});

const SECRET_NAME_NEEDLE = /pass|secret|token|key|credential/i;
/** The last word of a key that holds a secret: `DB_PASSWORD`, `authToken`, `stripe.secret_key`, `CLIENT_SECRET`. */
const SECRET_NAME = /(password|passwd|pwd|passphrase|secret|token|api_?key|apikey|private_?key|access_?key|auth_?key|signing_?key|encryption_?key|credentials?)$/i;
const NOT_SECRET_NAME = /(public|publishable|_id|_url|_uri|_path|_file|_name|_type|_header|_ttl|_expiry|_expires|_length|_endpoint)$/i;

function isSecretName(name: string): boolean {
  const last = name.split(/[.:/]/).pop() ?? name;
  const snake = last.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return SECRET_NAME.test(snake) && !NOT_SECRET_NAME.test(snake);
}

/** A value that works as a credential as written: long, random-looking, not a reference or a placeholder. */
function looksLikeLiveSecret(value: string): boolean {
  if (value.length < 12 || value.length > 500 || /\s/.test(value)) return false;
  if (/^(\$\{|\$\(|\{\{|<|%|\$[A-Z_])/.test(value) || /\{\{|\$\{/.test(value)) return false;
  if (/EXAMPLE|x{5,}|X{5,}|\*{3,}|your|here|dummy|fake|sample|placeholder|change|replace|todo|redacted|secret_?key|^(true|false|null|none)$/i.test(value)) return false;
  if (/^(https?|file|s3|gs):\/\//i.test(value) || /^[./~]/.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  return shannonEntropy(value) >= 3.3;
}

const DATABASE_URL = /^(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver)(?:\+\w+)?:\/\/([^:/@\s]*):([^@\s]+)@([^/:?\s]+)/i;
/** Hosts of a local or compose-internal database, where a default password is a development setting. */
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal|db|database|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|rabbitmq|cache)$/i;

/** The password of a database URL that reaches a real server: not a placeholder, not a local default. */
function databaseUrlPassword(value: string): string | undefined {
  const m = DATABASE_URL.exec(value);
  if (!m) return undefined;
  const [, , password, host] = m;
  if (LOCAL_HOST.test(host) || /[{}$<>%]/.test(password) || password.length < 6) return undefined;
  if (/^(password|passwd|pass|secret|changeme|change_me|example|xxx+|\*+|your[\w-]*|postgres|root|admin)$/i.test(password)) return undefined;
  return password;
}

/** `name: value` pairs of a file, with the value's offset: YAML maps (and `key`/`name` + `value` entries), JSON, and `NAME=value` lines. */
function namedValues(file: ParsedFile): { name: string; value: string; offset: number }[] {
  const out: { name: string; value: string; offset: number }[] = [];
  if (file.kind === 'yaml') {
    const visit = (node: YamlNode | null | undefined, depth: number): void => {
      if (!node || depth > 40) return;
      if (isSeq(node)) for (const item of node.items) visit(item as YamlNode, depth + 1);
      if (!isMap(node)) return;
      // Render/ECS/Kubernetes-style entries: `- key: TOKEN` + `value: abc`.
      const label = node.items.find((p) => isScalar(p.key) && /^(key|name)$/.test(String(p.key.value)));
      const valuePair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === 'value');
      if (label && valuePair && isScalar(label.value) && isScalar(valuePair.value) && typeof valuePair.value.value === 'string')
        out.push({ name: String(label.value.value), value: valuePair.value.value, offset: valuePair.value.range?.[0] ?? 0 });
      for (const pair of node.items) {
        if (isScalar(pair.key) && isScalar(pair.value) && typeof pair.value.value === 'string')
          out.push({ name: String(pair.key.value), value: pair.value.value, offset: pair.value.range?.[0] ?? 0 });
        else visit(pair.value as YamlNode, depth + 1);
      }
    };
    for (const doc of file.yaml ?? []) visit(doc.contents as YamlNode, 0);
    return out;
  }
  const pattern = file.kind === 'json' ? /"([\w.-]+)"\s*:\s*"([^"\n]+)"/g : /^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*[=:][ \t]*["']?([^"'#\s]+)/gm;
  for (const m of file.text.matchAll(pattern)) out.push({ name: m[1], value: m[2], offset: (m.index ?? 0) + m[0].lastIndexOf(m[2]) });
  return out;
}

/** Text files other than code (hardcoded-secret's), real `.env` files (env-file-tracked's) and Dockerfiles. */
function isScanned(file: ParsedFile): boolean {
  if (LOCKFILE.test(file.path)) return false;
  if (file.kind === 'env') return TEMPLATE_ENV.test(file.path);
  return file.kind === 'yaml' || file.kind === 'json' || file.kind === 'toml' || file.kind === 'markdown' || file.kind === 'text' || file.kind === 'prisma';
}

function placeOf(file: ParsedFile): Place {
  if (CI_FILE.test(file.path)) return 'ci';
  if (file.kind === 'env') return 'envTemplate';
  if (file.kind === 'yaml' && isComposeFile(file.path)) return 'compose';
  if (file.kind === 'yaml' && isKubernetesManifest(file)) return 'kubernetes';
  if (DEPLOY_FILE.test(file.path)) return 'deploy';
  if (file.kind === 'markdown') return 'docs';
  return 'config';
}
