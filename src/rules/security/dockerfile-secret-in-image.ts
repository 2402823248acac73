import {
  buildContextOf,
  composeBuildContexts,
  contextSources,
  dockerignoreExcludes,
  dockerignoreFor,
  dockerStages,
  isWholeContext,
  keyValues,
  type DockerStage,
} from '../../facts/dockerfile-stages.ts';
import type { ParsedFile, ParsedFiles } from '../../model/parsed-file.ts';
import { DEV_ONLY_NAME } from '../../facts/django-settings.ts';
import { defineRule, type ReportInput } from '../../model/rule.ts';
import { findProviderSecrets } from '../../facts/secret-formats.ts';
import { scanSecrets, type SecretHit } from '../../facts/secret-scan.ts';
import { isMasked, isPlaceholder, isPublicName, isReference, SECRET_KIND_TEXT, secretKindOf } from '../../facts/secret-vocabulary.ts';
import type { RepoIndex } from '../../model/repo-index.ts';

/** Files that hold credentials by their name. */
const SECRET_FILE: { test: RegExp; what: string }[] = [
  { test: /^\.env(?:\.(?!example|sample|template|dist|defaults?\b)[\w.-]+)?$/i, what: 'an environment file with the app\'s secrets' },
  { test: /\.(?:pem|key|p12|pfx|jks|keystore)$/i, what: 'a private key or certificate store' },
  { test: /^id_(?:rsa|dsa|ecdsa|ed25519)$/, what: 'an SSH private key' },
  { test: /^(?:credentials|client_secrets?|service[-_]?account(?:[-_][\w-]+)?|gcp[-_]key|firebase[-_]adminsdk[\w-]*)\.json$/i, what: 'a cloud credentials file' },
  { test: /^\.(?:netrc|pgpass|git-credentials|htpasswd)$/, what: 'a credentials file' },
  { test: /^\.pypirc$/, what: 'a PyPI credentials file' },
];
const REGISTRY_TOKEN = /(?:_authToken|_auth|_password)\s*=\s*(?!\$\{)\S+/;

export default defineRule({
  meta: {
    id: 'dockerfile-secret-in-image',
    category: 'security',
    title: 'Secret baked into a container image',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['docker'],
    scorecard: 'Secrets Management',
    effortHours: 1.5,
    messages: {
      secretEnv: '`ENV {{key}}` in `{{file}}` sets a literal secret that every container started from the image can read and `docker inspect` shows.',
      secretArgDefault: '`ARG {{key}}` in `{{file}}` has a literal secret as its default, committed in the Dockerfile and recorded in the image history.',
      secretArg: '`ARG {{key}}` in `{{file}}` passes a secret as a build argument, whose value `docker history` shows for every later `RUN` of the shipped stage.',
      secretArgPersisted: '`ENV {{key}}` in `{{file}}` copies the build argument `{{arg}}` into the image\'s environment, so the secret ships with the image.',
      secretFileCopied: '`{{keyword}} {{source}}` in `{{file}}` copies {{what}} into {{where}}.',
      envFileInContext: '`{{keyword}} {{source}}` in `{{file}}` copies the whole build context, including the tracked `{{envFile}}`, into the image; no `.dockerignore` excludes it.',
      secretInCommand: '`{{keyword}}` in `{{file}}` carries {{what}}, which {{where}} shows to everyone who can pull the image.',
    },
    why: [
      'Everything a Dockerfile puts into an image stays in it: `ENV` values are in the image config (`docker inspect`), build arguments are in the history of every `RUN` that follows them (`docker history`), and a copied file stays in its layer even when a later `RUN rm` deletes it. Whoever can pull the image — a registry with broad read access, a leaked CI cache, a customer given the image — gets the database password, the npm token or the cloud key.',
      '',
      'A literal value is also committed in git, and the same on every environment that builds the file.',
    ].join('\n'),
    fix: [
      'Give secrets to the container at run time (environment of the orchestrator, mounted secrets), and to the build only through BuildKit secret mounts, which never land in a layer or the history.',
      '',
      '```dockerfile',
      '# syntax=docker/dockerfile:1',
      'FROM node:20-slim AS build',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev',
      '',
      'FROM node:20-slim',
      'COPY --from=build /app /app',
      '# DATABASE_PASSWORD comes from the deployment (Kubernetes Secret, compose `secrets:`), not from ENV here',
      '```',
      'Build with `docker build --secret id=npmrc,src=$HOME/.npmrc .`, add `.env`, `*.pem` and key files to `.dockerignore`, and rotate any secret that was ever in an image or in git.',
    ].join('\n'),
    examples: {
      bad: {
        Dockerfile: 'FROM python:3.12-slim\nENV STRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\nCOPY . /app\nUSER 1000\nCMD ["python", "/app/main.py"]\n',
      },
      good: {
        Dockerfile: 'FROM python:3.12-slim\nENV STRIPE_SECRET_KEY_FILE=/run/secrets/stripe_key\nCOPY . /app\nUSER 1000\nCMD ["python", "/app/main.py"]\n',
      },
    },
    references: {
      cwe: [798, 538, 522],
      owasp: ['A05:2021', 'A07:2021'],
      urls: ['https://docs.docker.com/build/building/secrets/', 'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/'],
      equivalents: ['docker-build-check:SecretsUsedInArgOrEnv', 'gitleaks'],
    },
  },
  check({ index, files, report: reportAny }) {
    const contexts = composeBuildContexts(files);
    for (const file of files.ofKind('dockerfile')) {
      // Images for tests and local development hold throw-away credentials more often than real ones.
      const throwAway = file.isTest || /(^|\/)\.devcontainer\//.test(file.path) || DEV_ONLY_NAME.test(file.path.slice(file.path.lastIndexOf('/') + 1).toLowerCase().replace(/^dockerfile/, '').replace(/\.?dockerfile$/, ''));
      const report: typeof reportAny = (finding) => reportAny(throwAway ? { ...finding, severity: 'low' } : finding);
      const stages = dockerStages(file);
      const final = stages[stages.length - 1];
      if (!final) continue;
      // `ARG` before the first `FROM`: only its default can leak (it is in git).
      for (const ins of file.dockerfile ?? []) {
        if (ins.stage !== -1 || ins.keyword !== 'ARG') continue;
        for (const { key, value } of keyValues(ins))
          if (value !== undefined && (isSecretName(key) || isProviderKey(value) || hasUrlPassword(value)) && isLiteralSecret(value))
            report({ messageId: 'secretArgDefault', at: file.locateLines(ins.startLine, ins.endLine), data: { key, file: file.path }, severity: 'high', secrets: [value] });
      }
      for (const stage of stages) {
        const shipped = stage === final;
        const secretArgs = new Map<string, number>();
        for (const ins of stage.instructions) {
          const at = file.locateLines(ins.startLine, ins.endLine);
          if (ins.keyword === 'ARG') {
            for (const { key, value } of keyValues(ins)) {
              if (!isSecretName(key) && !(value !== undefined && isProviderKey(value))) continue;
              secretArgs.set(key, ins.startLine);
              if (value !== undefined && isLiteralSecret(value))
                report({ messageId: 'secretArgDefault', at, data: { key, file: file.path }, severity: 'high', secrets: [value] });
              else if (shipped && stage.instructions.some((i) => i.keyword === 'RUN' && i.startLine > ins.startLine))
                report({ messageId: 'secretArg', at, data: { key, file: file.path }, severity: 'medium', confidence: 'medium' });
            }
          } else if (ins.keyword === 'ENV') {
            for (const { key, value } of keyValues(ins)) {
              if (value === undefined) continue;
              const fromArg = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(value)?.[1];
              if (fromArg && secretArgs.has(fromArg) && shipped) {
                report({ messageId: 'secretArgPersisted', at, data: { key, arg: fromArg, file: file.path }, severity: 'high' });
                continue;
              }
              if ((isSecretName(key) || isProviderKey(value) || hasUrlPassword(value)) && isLiteralSecret(value))
                report({ messageId: 'secretEnv', at, data: { key, file: file.path }, secrets: [value], ...(shipped ? {} : { severity: 'high' as const }) });
            }
          }
        }
        checkCopies(file, stage, shipped, { index, files, contexts }, report);
      }
      checkCommands(file, report);
    }
  },
});

/**
 * Secrets written on other instructions (`RUN curl -H "Authorization: Bearer …"`, `RUN mysql -p…`,
 * `CMD ["--password=…"]`): the language-agnostic scan, on lines that `ENV`/`ARG` do not cover. A
 * guessable value there is a build-time dummy (`SECRET_KEY=collectstatic-only`), not a finding.
 */
function checkCommands(file: ParsedFile, report: (finding: ReportInput<'secretInCommand'>) => void): void {
  const instructions = file.dockerfile ?? [];
  for (const hit of scanSecrets(file)) {
    if (hit.strength === 'weak') continue;
    const ins = instructions.find((i) => i.startLine <= hit.line && hit.line <= i.endLine);
    if (!ins || ins.keyword === 'ENV' || ins.keyword === 'ARG') continue;
    const history = ins.keyword === 'RUN';
    report({
      messageId: 'secretInCommand',
      at: file.locateLines(ins.startLine, ins.endLine),
      data: { keyword: ins.keyword, file: file.path, what: describeHit(hit), where: history ? '`docker history`' : ins.keyword === 'FROM' || ins.keyword === 'COPY' || ins.keyword === 'ADD' ? 'the Dockerfile in git' : '`docker inspect`' },
      secrets: hit.pieces,
      severity: history || ['CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'LABEL', 'SHELL'].includes(ins.keyword) ? 'critical' : 'high',
      ...(hit.confidence !== 'high' ? { confidence: hit.confidence } : {}),
    });
  }
}

function describeHit(hit: SecretHit): string {
  if (hit.provider) return hit.provider.replace(/^A /, 'a ').replace(/^An /, 'an ');
  if (hit.detector === 'url-credentials') return 'a password in a connection URL';
  if (hit.detector === 'auth-header') return 'a token in an `Authorization` header';
  return `a hard-coded ${SECRET_KIND_TEXT[hit.kind]}${hit.name ? ` in \`${hit.name}\`` : ''}`;
}

/** `https://user:password@host`, the password neither a placeholder nor a variable. */
function hasUrlPassword(value: string): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:([^@/\s]+)@/i.exec(value.trim());
  return !!m && !m[1].includes('$') && !isPlaceholder(m[1]) && !isReference(m[1]);
}

function isProviderKey(value: string): boolean {
  return findProviderSecrets(value).length > 0;
}

type Report = (finding: ReportInput<'secretFileCopied' | 'envFileInContext'>) => void;

function checkCopies(
  file: ParsedFile,
  stage: DockerStage,
  shipped: boolean,
  repo: { index: RepoIndex; files: ParsedFiles; contexts: Map<string, string> },
  report: Report,
): void {
  const context = buildContextOf(file, repo.contexts);
  const ignore = dockerignoreFor(file, context, repo.files);
  for (const ins of stage.instructions) {
    const sources = contextSources(ins);
    if (!sources.length) continue;
    const at = file.locateLines(ins.startLine, ins.endLine);
    for (const source of sources) {
      const name = source.replace(/\/+$/, '').slice(source.replace(/\/+$/, '').lastIndexOf('/') + 1);
      const kind = SECRET_FILE.find((k) => k.test.test(name));
      if (kind || name === '.npmrc') {
        const inRepo = repo.files.get(joinPath(context, source));
        if (name === '.npmrc' && (!inRepo || !REGISTRY_TOKEN.test(inRepo.text))) continue;
        // A `.pem` is as often a public CA bundle as a key: judge by content, else by name.
        if (/\.pem$/i.test(name) && !(inRepo ? inRepo.text.includes('PRIVATE KEY') : /key|priv/i.test(name))) continue;
        report({
          messageId: 'secretFileCopied',
          at,
          data: { keyword: ins.keyword, source, file: file.path, what: kind?.what ?? 'an `.npmrc` holding a registry token',
            where: shipped ? 'the image' : `the build stage \`${stage.alias ?? stage.index}\`, whose layers stay in the build cache`,
          },
          severity: shipped ? 'critical' : 'medium',
          ...(shipped ? {} : { confidence: 'medium' as const }),
        });
        continue;
      }
      if (!isWholeContext(source) || !shipped) continue;
      const envFile = trackedEnvFiles(repo.index, repo.files, context).find((p) => !ignore || !dockerignoreExcludes(ignore.text, context ? p.slice(context.length + 1) : p));
      if (envFile)
        report({ messageId: 'envFileInContext', at, data: { keyword: ins.keyword, source, file: file.path, envFile }, severity: 'high' });
    }
  }
}

function joinPath(dir: string, rel: string): string {
  const clean = rel.replace(/^\.\//, '');
  return dir ? `${dir}/${clean}` : clean;
}

/** Tracked `.env` files (not templates) inside the build context. */
function trackedEnvFiles(index: RepoIndex, files: ParsedFiles, context: string): string[] {
  return files
    .ofKind('env')
    .map((f) => f.path)
    .filter((p) => (!context || p.startsWith(`${context}/`)) && (index.gitTracked ? index.gitTracked.has(p) : true))
    .filter((p) => SECRET_FILE[0].test.test(p.slice(p.lastIndexOf('/') + 1)));
}

function isSecretName(key: string): boolean {
  return secretKindOf(key) !== undefined && !isPublicName(key);
}

/** A value written in the file, not a reference (`${VAR}`, `$VAR`), an empty string or a placeholder. */
function isLiteralSecret(value: string): boolean {
  const v = value.trim();
  if (v.includes('$') || !v || isPlaceholder(v) || isReference(v) || isMasked(v)) return false;
  if (/^(?:none|null|nil|undefined|false|true|0|-|\.+|unset|todo|tbd)$/i.test(v)) return false;
  if (/^(?:\/|\.\/|~\/)[\w./-]*$/.test(v)) return false; // a path, e.g. to a mounted secret
  if (/^https?:\/\/[^@\s]*$/i.test(v)) return false; // a URL without credentials
  if (/^\d{1,5}$/.test(v)) return false; // a number: a length, a port, a TTL
  return v.length >= 4;
}
