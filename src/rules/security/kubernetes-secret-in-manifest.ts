import { describeWorkload, kubernetesObjects, podSpecOf, type KubeObject } from '../../facts/kubernetes.ts';
import { resolveNode, seqItems, yamlEntries, yamlGet, yamlPair, yamlScalar, type YamlNode } from '../../facts/yaml-nodes.ts';
import type { Location } from '../../model/finding.ts';
import type { ParsedFile } from '../../model/parsed-file.ts';
import { defineRule, type ReportInput, type Severity } from '../../model/rule.ts';
import { findProviderSecrets } from '../../facts/secret-formats.ts';
import { isMasked, isPlaceholder, isPublicName, isReference, normaliseValue, secretKindOf, WEAK_VALUES } from '../../facts/secret-vocabulary.ts';

/** Keys of a Secret that hold configuration next to the secret, not the secret itself. */
const NON_SECRET_KEY = /^(?:.*[_.-])?(?:user|username|login|host|hostname|port|database|db|dbname|name|email|region|namespace|endpoint|url|uri|server|cluster|bucket|id|client[_-]?id|account)$/i;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:([^@/\s]+)@/i;
const PUBLIC_PEM = /^-----BEGIN (?:CERTIFICATE|PUBLIC KEY|X509 CRL)/;
const PRIVATE_PEM = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** Overlays and manifests for a developer's cluster (kind, minikube) or tests. */
const DEV_PATH = /(?:^|\/)(?:dev|development|local|test|tests|e2e|kind|minikube|examples?|samples?)(?:\/|[.-][^/]*$)/i;

export default defineRule({
  meta: {
    id: 'kubernetes-secret-in-manifest',
    category: 'security',
    title: 'Secret value committed in a Kubernetes manifest',
    severity: 'critical',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['kubernetes'],
    scorecard: 'Secrets Management',
    effortHours: 2,
    messages: {
      base64Data: 'Secret `{{secret}}` commits `data.{{key}}` in {{file}}: base64 is an encoding, and it decodes to {{decoded}}.',
      plainStringData: 'Secret `{{secret}}` commits `stringData.{{key}}` as plain text in {{file}}.',
      generatorLiteral: 'Kustomize `secretGenerator` `{{secret}}` commits the literal `{{key}}` in {{file}}.',
      configMapSecret: 'ConfigMap `{{configMap}}` stores the secret `{{key}}` as plain configuration in {{file}}.',
      envLiteral: 'Container `{{container}}` of {{workload}} sets `{{key}}` to a literal `value:` instead of reading it from a Secret with `valueFrom.secretKeyRef`.',
    },
    why: [
      'A `Secret` manifest in git puts the password, API key or private key in the hands of everyone who can read the repository, every fork and clone, every CI log that prints the manifest — and in git history for good, even after the file is changed. The values under `data:` are only base64-encoded: `base64 -d` reveals them, so they are as exposed as the plain-text `stringData:` ones.',
      '',
      'A literal `value:` on a secret-named environment variable is the same leak, and the value also shows up in `kubectl describe pod`, in every ReplicaSet revision and to anyone with read access to the workload, not only to those allowed to read Secrets.',
    ].join('\n'),
    fix: [
      'Keep only the *reference* in git and the value in a secret store. Create the Secret out of band (`kubectl create secret generic api-secrets --from-literal=...` from the CI secret store), or commit it encrypted with Sealed Secrets or SOPS, or sync it with the External Secrets Operator:',
      '',
      '```yaml',
      'apiVersion: external-secrets.io/v1beta1',
      'kind: ExternalSecret',
      'metadata: { name: api-secrets }',
      'spec:',
      '  secretStoreRef: { name: aws-secrets-manager, kind: ClusterSecretStore }',
      '  target: { name: api-secrets }',
      '  data:',
      '    - secretKey: DATABASE_PASSWORD',
      '      remoteRef: { key: prod/api, property: database_password }',
      '```',
      'and read it in the container:',
      '',
      '```yaml',
      'env:',
      '  - name: DATABASE_PASSWORD',
      '    valueFrom:',
      '      secretKeyRef: { name: api-secrets, key: DATABASE_PASSWORD }',
      '```',
      'Rotate every value that was committed: removing the file does not remove it from git history.',
    ].join('\n'),
    examples: {
      bad: {
        'k8s/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api-secrets\ntype: Opaque\nstringData:\n  DATABASE_PASSWORD: "q8Vr2mLx9TzN4wKp"\n',
      },
      good: {
        'k8s/deployment.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: { app: api }\n  template:\n    metadata:\n      labels: { app: api }\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.8.2\n          env:\n            - name: DATABASE_PASSWORD\n              valueFrom:\n                secretKeyRef: { name: api-secrets, key: DATABASE_PASSWORD }\n',
      },
    },
    references: {
      cwe: [798, 312, 540],
      owasp: ['A07:2021', 'A02:2021'],
      urls: ['https://kubernetes.io/docs/concepts/security/secrets-good-practices/', 'https://github.com/bitnami-labs/sealed-secrets', 'https://external-secrets.io/'],
      equivalents: ['checkov:CKV_K8S_35', 'checkov:CKV_SECRET_*', 'kubesec:SecretInEnv', 'gitleaks:kubernetes-secret-yaml'],
    },
  },
  check({ files, report }) {
    const objects = kubernetesObjects(files);
    const sopsFiles = new Set(objects.filter((o) => yamlGet(o.root, 'sops', o.doc)).map((o) => o.file.path));

    for (const object of objects) {
      const { file, doc } = object;
      if (sopsFiles.has(file.path)) continue;
      const dev = file.isTest || DEV_PATH.test(file.path);

      if (object.kind === 'Secret' && object.apiVersion === 'v1') {
        for (const field of ['data', 'stringData'] as const) {
          for (const entry of yamlEntries(yamlGet(object.root, field, doc), doc)) {
            const raw = yamlScalar(entry.value);
            if (raw === undefined || !entry.keyNode) continue;
            const value = field === 'data' ? decodeBase64(raw) : raw;
            if (value === undefined) continue;
            const judged = judgeSecretValue(entry.key, value);
            if (!judged) continue;
            const at = locateKey(file, entry.keyNode, entry.value, ['', field, entry.key]);
            const data = { secret: object.name || '(unnamed)', key: entry.key, file: file.path };
            const secrets = judged.weak ? [] : field === 'data' ? [raw.trim(), value] : [value];
            const severity: Severity | undefined = dev ? 'medium' : undefined;
            if (field === 'data') report({ messageId: 'base64Data', at, data: { ...data, decoded: judged.description }, secrets, ...(severity ? { severity } : {}) });
            else report({ messageId: 'plainStringData', at, data, secrets, ...(severity ? { severity } : {}) });
          }
        }
        continue;
      }

      if (object.kind === 'ConfigMap') {
        // ConfigMaps are readable by more roles than Secrets, and shown in full by `kubectl describe`.
        for (const entry of yamlEntries(yamlGet(object.root, 'data', doc), doc)) {
          const value = yamlScalar(entry.value);
          if (value === undefined || value.includes('\n') || !entry.keyNode) continue;
          const secret = envSecret(entry.key, value);
          if (!secret) continue;
          report({
            messageId: 'configMapSecret',
            at: locateKey(file, entry.keyNode, entry.value, ['data', entry.key]),
            data: { configMap: object.name || '(unnamed)', key: entry.key, file: file.path },
            secrets: isWeakValue(secret) ? [] : [secret],
            severity: dev ? 'medium' : 'high',
          });
        }
        continue;
      }

      if (object.kind === 'Kustomization') checkSecretGenerator(object, dev, report);

      const podSpec = podSpecOf(object);
      if (!podSpec) continue;
      for (const container of podSpec.containers) {
        for (const [index, variable] of seqItems(yamlGet(container.node, 'env', doc), doc).entries()) {
          const key = yamlScalar(yamlGet(variable, 'name', doc));
          const valuePair = yamlPair(variable, 'value', doc);
          const value = yamlScalar(valuePair?.value);
          if (!key || value === undefined || !valuePair?.keyNode) continue;
          const secret = envSecret(key, value);
          if (!secret) continue;
          report({
            messageId: 'envLiteral',
            at: locateKey(file, valuePair.keyNode, valuePair.value, [...container.keyPath, 'env', index, 'value']),
            data: { container: container.name, workload: describeWorkload(object), key },
            secrets: isWeakValue(secret) ? [] : [secret],
            severity: dev ? 'medium' : 'high',
          });
        }
      }
    }

    // `kustomization.yaml` often has no apiVersion/kind; its secretGenerator literals are committed all the same.
    for (const file of files.ofKind('yaml', { containing: ['secretGenerator'] })) {
      if (!/(^|\/)kustomization\.ya?ml$/i.test(file.path) || !file.yaml || sopsFiles.has(file.path)) continue;
      if (objects.some((o) => o.file === file)) continue;
      for (const doc of file.yaml) {
        const root = resolveNode((doc as { contents?: unknown }).contents, doc);
        if (root) checkSecretGenerator({ file, apiVersion: '', kind: 'Kustomization', name: '', root, doc }, file.isTest || DEV_PATH.test(file.path), report);
      }
    }
  },
});

type Reporter = (finding: ReportInput<'generatorLiteral'>) => void;

function checkSecretGenerator(object: KubeObject, dev: boolean, report: Reporter): void {
  const { file, doc, root } = object;
  for (const generator of seqItems(yamlGet(root, 'secretGenerator', doc), doc)) {
    const name = yamlScalar(yamlGet(generator, 'name', doc)) ?? '(unnamed)';
    for (const literal of seqItems(yamlGet(generator, 'literals', doc), doc)) {
      const text = yamlScalar(literal);
      const eq = text?.indexOf('=') ?? -1;
      if (!text || eq <= 0) continue;
      const key = text.slice(0, eq).trim();
      const value = text.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2');
      const judged = judgeSecretValue(key, value);
      if (!judged) continue;
      report({
        messageId: 'generatorLiteral',
        at: { ...file.locateOffsets(literal.range?.[0] ?? 0, literal.range?.[1] ?? 0), keyPath: ['secretGenerator', name, 'literals', key] },
        data: { secret: name, key, file: file.path },
        secrets: judged.weak ? [] : [value],
        ...(dev ? { severity: 'medium' as const } : {}),
      });
    }
  }
}

/** Whether a value stored in a Secret (or generator literal) is a real secret, and how to describe it. */
function judgeSecretValue(key: string, value: string): { weak: boolean; description: string } | undefined {
  const trimmed = value.trim();
  if (!trimmed || isNotALiteral(trimmed) || PUBLIC_PEM.test(trimmed)) return undefined;
  const url = URL_WITH_PASSWORD.exec(trimmed);
  if (url) return isNotALiteral(url[1]) || url[1].startsWith('$') ? undefined : { weak: false, description: 'a connection string with its password' };
  if (NON_SECRET_KEY.test(key) && !/(?:pass|secret|token|key)/i.test(key)) return undefined;
  // A URL without credentials (an API base, a webhook target without a token in it) is configuration.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s@]+$/i.test(trimmed) && !/[?&](?:token|key|secret|sig|signature|password)=/i.test(trimmed)) return undefined;
  if (PRIVATE_PEM.test(trimmed)) return { weak: false, description: 'a private key' };
  if (isWeakValue(trimmed)) return { weak: true, description: 'a well-known default password' };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x08\x0e-\x1f]/.test(trimmed)) return { weak: false, description: 'a binary credential' };
  return { weak: false, description: `a plain-text value of ${[...trimmed].length} characters` };
}

/** The literal secret in a container `env` entry (or a ConfigMap value), undefined when the name or value is not one. */
function envSecret(key: string, value: string): string | undefined {
  const trimmed = value.trim();
  if (!trimmed || isNotALiteral(trimmed)) return undefined;
  const url = URL_WITH_PASSWORD.exec(trimmed);
  if (url) return isNotALiteral(url[1]) || url[1].includes('$') ? undefined : url[1];
  // A provider key is a secret whatever the variable is called.
  const provider = findProviderSecrets(trimmed)[0];
  if (provider) return provider.value;
  if (!secretKindOf(key) || isPublicName(key)) return undefined;
  if (/^(?:true|false|yes|no|on|off|\d{1,3})$/i.test(trimmed) || /\$\(/.test(trimmed)) return undefined;
  return trimmed;
}

/** Placeholders, references (`${VAR}`, `$(VAR)`, `{{ x }}`, `ENC[…]`) and masks: no literal secret. */
function isNotALiteral(value: string): boolean {
  return value === '~' || isPlaceholder(value) || isReference(value) || isMasked(value) || /^%[A-Z_]+%$/.test(value);
}

/** Known default passwords: worth saying, not worth redacting. */
function isWeakValue(value: string): boolean {
  return WEAK_VALUES.has(normaliseValue(value));
}

/** base64 text → UTF-8 text; undefined when it is not base64 (a mistake the API server would reject anyway). */
function decodeBase64(raw: string): string | undefined {
  const compact = raw.replace(/\s+/g, '');
  if (!compact) return '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined;
  return Buffer.from(compact, 'base64').toString('utf8');
}

function locateKey(file: ParsedFile, keyNode: YamlNode, value: YamlNode | undefined, keyPath: (string | number)[]): Location {
  const start = keyNode.range?.[0] ?? 0;
  // Block scalars span many lines: point at the key line only.
  const line = file.position(start).line;
  const valueEnd = value?.range?.[1];
  const end = valueEnd !== undefined && file.position(valueEnd).line === line ? valueEnd : (keyNode.range?.[1] ?? start);
  return { ...file.locateOffsets(start, end), keyPath: keyPath.filter((k) => k !== '') };
}
