import { composeServices, isDevComposeFile, locateValue, unpinnedReason } from '../../facts/compose.ts';
import { dockerStages, keyValues } from '../../facts/dockerfile-stages.ts';
import { describeWorkload, kubernetesPodSpecs } from '../../facts/kubernetes.ts';
import { resolveNode, seqItems, yamlEntries, yamlGet, yamlPair, yamlScalar } from '../../facts/yaml-nodes.ts';
import type { ParsedFiles } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'container-image-unpinned',
    category: 'infrastructure',
    title: 'Container image without a version tag or digest',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Containerization',
    effortHours: 0.25,
    fixScope: 'file',
    fixTitle: 'Pin every image to a version tag or digest',
    messages: {
      dockerfileBase: 'Stage {{stage}} of {{file}} is built `FROM {{image}}` with {{reason}}, so every build can pull a different base image.',
      composeImage: 'Service `{{service}}` in {{file}} runs image `{{image}}` with {{reason}}, so each `docker compose pull` can start a different version.',
      kubernetesImage: 'Container `{{container}}` of {{workload}} runs image `{{image}}` with {{reason}}, so nodes that pull it at different times run different versions.',
    },
    why: [
      'An image without a tag means `:latest`, and `latest` is whatever the publisher pushed last. The same Dockerfile or manifest then builds or runs different software on different days: a new major version of Python, Node or PostgreSQL arrives without review, builds stop being reproducible, and a rollback redeploys the new image instead of the old one.',
      '',
      'In Kubernetes, nodes that pulled at different times run different versions side by side, and a compromised upstream tag reaches production on the next pod restart.',
    ].join('\n'),
    fix: [
      'Pin a version tag that names the release you tested, and for production pin the digest too (`tag@sha256:…`): a digest cannot be moved to other content. Let Dependabot or Renovate propose updates.',
      '',
      '```dockerfile',
      'FROM python:3.12.7-slim-bookworm@sha256:<digest from `docker buildx imagetools inspect python:3.12.7-slim-bookworm`>',
      '```',
      '',
      '```yaml',
      '# docker-compose.yml',
      'services:',
      '  db:',
      '    image: postgres:16.4-alpine',
      '# Kubernetes',
      'containers:',
      '  - name: api',
      '    image: ghcr.io/acme/api:1.8.2@sha256:<digest>',
      '```',
      'With kustomize, set the tag once in `kustomization.yaml` (`images: [{ name: ghcr.io/acme/api, newTag: 1.8.2 }]`).',
    ].join('\n'),
    examples: {
      bad: {
        Dockerfile: 'FROM python\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n',
      },
      good: {
        Dockerfile: 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "main.py"]\n',
      },
    },
    references: {
      cwe: [1104, 829],
      urls: ['https://docs.docker.com/build/building/best-practices/#pin-base-image-versions', 'https://kubernetes.io/docs/concepts/containers/images/#image-names'],
      equivalents: ['hadolint:DL3006', 'hadolint:DL3007', 'checkov:CKV_DOCKER_7', 'checkov:CKV_K8S_14', 'checkov:CKV_K8S_43', 'kube-score:container-image-tag'],
    },
  },
  check({ files, report }) {
    // Dockerfiles: FROM <image> (stage names, scratch and ARG-resolved images are judged as they resolve).
    for (const file of files.ofKind('dockerfile', { containing: ['FROM', 'from'] })) {
      const globalArgs = new Map<string, string | undefined>();
      for (const ins of file.dockerfile ?? []) if (ins.keyword === 'ARG' && ins.stage === -1) for (const kv of keyValues(ins)) globalArgs.set(kv.key, kv.value);
      const stages = dockerStages(file);
      for (const stage of stages) {
        const written = stage.image;
        if (!written) continue;
        const resolved = written.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?/g, (whole, name: string, fallback?: string) => globalArgs.get(name) ?? fallback ?? whole);
        const image = resolved.toLowerCase();
        if (image === 'scratch' || stages.slice(0, stage.index).some((s) => s.alias === image) || /^\d+$/.test(image)) continue;
        const reason = unpinnedReason(resolved);
        if (!reason) continue;
        report({
          messageId: 'dockerfileBase',
          at: file.locateLines(stage.from.startLine, stage.from.endLine),
          data: { file: file.path, stage: stage.alias ? `\`${stage.alias}\`` : String(stage.index + 1), image: resolved, reason },
        });
      }
    }

    // Compose: `image:` of services that pull it (with `build:`, `image:` names the image compose builds).
    for (const service of composeServices(files, { containing: ['image'] })) {
      const { doc, file } = service;
      if (yamlGet(service.node, 'build', doc)) continue;
      const node = yamlGet(service.node, 'image', doc);
      const image = yamlScalar(node);
      if (!node || !image) continue;
      const reason = unpinnedReason(image);
      if (!reason) continue;
      report({
        messageId: 'composeImage',
        at: locateValue(file, node, ['services', service.name, 'image']),
        data: { service: service.name, file: file.path, image, reason },
        // A developer's override file pulls on a laptop, not on the server.
        ...(isDevComposeFile(file) ? { severity: 'low' as const } : {}),
      });
    }

    // Kubernetes containers (kustomize `images:` overrides that set a tag or digest count as pinned).
    const kustomized = kustomizePinnedImages(files);
    for (const podSpec of kubernetesPodSpecs(files, { includeTests: false })) {
      const { doc, file } = podSpec.object;
      for (const container of podSpec.containers) {
        const pair = yamlPair(container.node, 'image', doc);
        const image = yamlScalar(pair?.value);
        if (!pair?.value || !image) continue;
        const reason = unpinnedReason(image);
        if (!reason || kustomized.has(image.replace(/:latest$/i, ''))) continue;
        report({
          messageId: 'kubernetesImage',
          at: locateValue(file, pair.value, [...container.keyPath, 'image']),
          data: { container: container.name, workload: describeWorkload(podSpec.object), image, reason },
        });
      }
    }
  },
});

/** Image names whose tag a `kustomization.yaml` sets (`images: [{ name: api, newTag: 1.2 }]`). */
function kustomizePinnedImages(files: ParsedFiles): Set<string> {
  const out = new Set<string>();
  for (const file of files.ofKind('yaml', { containing: ['images'] })) {
    if (!/(^|\/)kustomization\.ya?ml$/i.test(file.path) || !file.yaml) continue;
    for (const doc of file.yaml) {
      const root = resolveNode((doc as { contents?: unknown }).contents, doc);
      for (const item of seqItems(yamlEntries(root, doc).find((e) => e.key === 'images')?.value, doc)) {
        const name = yamlScalar(yamlGet(item, 'name', doc));
        const tag = yamlScalar(yamlGet(item, 'newTag', doc));
        const digest = yamlScalar(yamlGet(item, 'digest', doc));
        if (name && ((tag && tag !== 'latest') || digest)) out.add(name);
      }
    }
  }
  return out;
}
