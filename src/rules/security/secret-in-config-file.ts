import { composeEnvironment } from '../../facts/compose.ts';
import { isComposeFile, isKubernetesManifest } from '../../facts/frameworks.ts';
import { kubernetesSecretSlotLines } from '../../facts/kubernetes.ts';
import { CI_FILE, DEPLOY_FILE, describeSecretHit, scanSecrets, secretOwnerOf, type SecretHit } from '../../facts/secret-scan.ts';
import { reportableInTests, WELL_KNOWN } from '../../facts/secret-vocabulary.ts';
import type { ParsedFile, ParsedFiles } from '../../model/parsed-file.ts';
import { defineRule, type Confidence, type Severity } from '../../model/rule.ts';

/**
 * Secrets in every file that is not source code: CI workflows, compose files, Kubernetes
 * manifests, deployment and infrastructure definitions (render.yaml, Terraform, Ansible vars),
 * `.env` templates, JSON/YAML/TOML/INI/properties/XML configuration, key files, documentation.
 * Detection is the language-agnostic scan (`facts/secret-scan.ts`); each place keeps its own
 * wording. Values the place's own rule judges are left to it: compose `environment:` entries
 * (`compose-hardcoded-password`), Kubernetes Secret data, ConfigMap data and container env values
 * (`kubernetes-secret-in-manifest`), real `.env` files in a git work tree (`env-file-tracked`).
 */

type Place = 'ci' | 'compose' | 'kubernetes' | 'deploy' | 'envTemplate' | 'docs' | 'config' | 'envFile';

const PLACE_SEVERITY: Record<Place, Severity> = {
  ci: 'critical',
  compose: 'critical',
  kubernetes: 'critical',
  deploy: 'critical',
  envTemplate: 'critical',
  docs: 'high',
  config: 'critical',
  envFile: 'medium',
};
/** Variables that bundlers inline into client code: `secret-exposed-to-browser` reports their values. */
const PUBLIC_BUNDLE_VARIABLE = /^\s*(?:export\s+)?["']?(?:NEXT_PUBLIC|VITE|REACT_APP|EXPO_PUBLIC|GATSBY|NUXT_PUBLIC)_\w+["']?\s*[=:]/;

export default defineRule({
  meta: {
    id: 'secret-in-config-file',
    category: 'security',
    title: 'Secret committed in a configuration, CI or documentation file',
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
      envFile: '{{provider}} is in `{{file}}`; this folder is not a git work tree, so whether the file is committed cannot be checked.',
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
  check({ index, files, report }) {
    const owned = ownedLines(files);
    const gitWorkTree = index.gitTracked !== null;
    for (const file of files.all) {
      const owner = secretOwnerOf(file);
      if (owner !== 'config' && !(owner === 'dotenv' && !gitWorkTree)) continue;
      const hits = scanSecrets(file);
      if (!hits.length) continue;
      const place: Place = owner === 'dotenv' ? 'envFile' : placeOf(file);
      const skip = owned.get(file.path);
      for (const hit of hits) {
        if (skip?.has(hit.line) || !reportable(hit, place, file)) continue;
        if (hit.provider && PUBLIC_BUNDLE_VARIABLE.test(file.line(hit.line))) continue;
        report({
          messageId: place,
          at: file.locateLines(hit.line, hit.detector === 'private-key' ? hit.line : hit.endLine),
          data: { provider: describeSecretHit(hit), file: file.path },
          secrets: hit.reason === WELL_KNOWN ? [] : hit.pieces,
          severity: severityOf(hit, place, file),
          ...confidenceOf(hit, place),
        });
      }
    }
  },
});

/** Lines whose values another rule judges (compose `environment:`, Kubernetes secret slots). */
function ownedLines(files: ParsedFiles): Map<string, Set<number>> {
  const owned = kubernetesSecretSlotLines(files);
  for (const entry of composeEnvironment(files, { includeTests: true })) {
    const file = entry.service.file;
    const set = owned.get(file.path) ?? new Set<number>();
    const first = file.position(entry.start).line;
    const last = file.position(Math.max(entry.start, entry.end - 1)).line;
    for (let n = first; n <= last; n++) set.add(n);
    owned.set(file.path, set);
  }
  return owned;
}

function reportable(hit: SecretHit, place: Place, file: ParsedFile): boolean {
  if (hit.strength !== 'weak') return true;
  // Templates and docs hold examples; a guessable value there is a placeholder, and in tests a dummy.
  if (place === 'envTemplate' || place === 'docs') return false;
  return !file.isTest || reportableInTests(hit);
}

function severityOf(hit: SecretHit, place: Place, file: ParsedFile): Severity {
  if (file.isTest) return 'low';
  if (place === 'envFile') return 'medium';
  if (hit.provider) return hit.severity ?? PLACE_SEVERITY[place];
  if (hit.strength === 'weak') return 'medium';
  return place === 'docs' ? 'medium' : 'high';
}

function confidenceOf(hit: SecretHit, place: Place): { confidence?: Confidence } {
  if (place === 'envFile') return { confidence: 'low' };
  return hit.confidence === 'high' ? {} : { confidence: hit.confidence };
}

function placeOf(file: ParsedFile): Place {
  if (CI_FILE.test(file.path)) return 'ci';
  if (file.kind === 'env') return 'envTemplate';
  if (file.kind === 'yaml' && isComposeFile(file.path)) return 'compose';
  if (file.kind === 'yaml' && isKubernetesManifest(file)) return 'kubernetes';
  if (DEPLOY_FILE.test(file.path)) return 'deploy';
  if (file.kind === 'markdown' || /\.(?:md|mdx|rst|txt|adoc|asciidoc)$/i.test(file.path)) return 'docs';
  return 'config';
}
