import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import { resolveNode, seqItems, yamlEntries, yamlGet, yamlPath, yamlScalar, type YamlNode } from './yaml-nodes.ts';


/**
 * Kubernetes objects, pod specs and containers found in the repository's YAML manifests, with
 * their YAML nodes so rules can point at the exact key.
 */
export interface KubeObject {
  file: ParsedFile;
  apiVersion: string;
  kind: string;
  /** `metadata.name`, '' when absent (generateName, kustomize patches without a name). */
  name: string;
  /** `metadata.namespace`, undefined when the manifest leaves it to the context. */
  namespace?: string;
  /** The document's root map. */
  root: YamlNode;
  /** The document, for alias resolution. */
  doc: unknown;
}

export interface KubePodSpec {
  object: KubeObject;
  /** The pod spec map (`spec`, `spec.template.spec` or `spec.jobTemplate.spec.template.spec`). */
  node: YamlNode;
  /** Key path of the pod spec inside the document. */
  keyPath: (string | number)[];
  containers: KubeContainer[];
}

export interface KubeContainer {
  podSpec: KubePodSpec;
  /** `name:` of the container, `#<index>` when absent. */
  name: string;
  image?: string;
  /** From `initContainers` (or `ephemeralContainers`) rather than `containers`. */
  init: boolean;
  node: YamlNode;
  keyPath: (string | number)[];
}

/** Kinds whose pod template is at `spec.template.spec` (Argo Rollouts' `Rollout` included). */
export const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'Rollout']);

/** `{{ .Values.x }}`, `{{- include … }}`: a Helm (or other Go-template) source, not a manifest as applied. */
const GO_TEMPLATE = /\{\{-?\s*(?:[.$]|include\b|template\b|toYaml\b|if\b|range\b|with\b|end\b|tpl\b|required\b|default\b|quote\b)/;

export function isTemplatedManifest(file: ParsedFile): boolean {
  return GO_TEMPLATE.test(file.text);
}

/** Every document with a top-level `apiVersion` and `kind`, skipping Helm templates. `List` items are expanded. */
export function kubernetesObjects(files: ParsedFiles, options: { includeTests?: boolean } = {}): KubeObject[] {
  const out: KubeObject[] = [];
  for (const file of files.ofKind('yaml', { containing: ['apiVersion'], includeTests: options.includeTests ?? true })) {
    if (!file.yaml || isTemplatedManifest(file)) continue;
    for (const doc of file.yaml) {
      const root = resolveNode((doc as { contents?: unknown }).contents, doc);
      const object = toObject(file, root, doc);
      if (!object) continue;
      if (object.kind === 'List' || object.kind.endsWith('List')) {
        for (const item of seqItems(yamlGet(root, 'items', doc), doc)) {
          const inner = toObject(file, item, doc);
          if (inner) out.push(inner);
        }
        continue;
      }
      out.push(object);
    }
  }
  return out;
}

function toObject(file: ParsedFile, root: YamlNode | undefined, doc: unknown): KubeObject | undefined {
  const apiVersion = yamlScalar(yamlGet(root, 'apiVersion', doc));
  const kind = yamlScalar(yamlGet(root, 'kind', doc));
  if (!root || !apiVersion || !kind) return undefined;
  const metadata = yamlGet(root, 'metadata', doc);
  return {
    file,
    apiVersion,
    kind,
    name: yamlScalar(yamlGet(metadata, 'name', doc)) ?? '',
    namespace: yamlScalar(yamlGet(metadata, 'namespace', doc)),
    root,
    doc,
  };
}

/** The pod spec of a workload object, with its containers; undefined for objects without one. */
export function podSpecOf(object: KubeObject): KubePodSpec | undefined {
  const { root, doc, kind } = object;
  let node: YamlNode | undefined;
  let keyPath: string[];
  if (kind === 'Pod') {
    node = yamlGet(root, 'spec', doc);
    keyPath = ['spec'];
  } else if (kind === 'CronJob') {
    node = yamlPath(root, ['spec', 'jobTemplate', 'spec', 'template', 'spec'], doc);
    keyPath = ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
  } else if (kind === 'PodTemplate') {
    node = yamlPath(root, ['template', 'spec'], doc);
    keyPath = ['template', 'spec'];
  } else if (TEMPLATE_KINDS.has(kind)) {
    node = yamlPath(root, ['spec', 'template', 'spec'], doc);
    keyPath = ['spec', 'template', 'spec'];
  } else return undefined;
  if (!node?.items) return undefined;
  const podSpec: KubePodSpec = { object, node, keyPath, containers: [] };
  for (const field of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    seqItems(yamlGet(node, field, doc), doc).forEach((container, index) => {
      if (!container.items) return;
      podSpec.containers.push({
        podSpec,
        name: yamlScalar(yamlGet(container, 'name', doc)) ?? `#${index}`,
        image: yamlScalar(yamlGet(container, 'image', doc)),
        init: field !== 'containers',
        node: container,
        keyPath: [...keyPath, field, index],
      });
    });
  }
  return podSpec;
}

/** All pod specs in the repository's manifests. */
export function kubernetesPodSpecs(files: ParsedFiles, options: { includeTests?: boolean } = {}): KubePodSpec[] {
  return kubernetesObjects(files, options).flatMap((o) => podSpecOf(o) ?? []);
}

/** "Deployment `api`", for messages. */
export function describeWorkload(object: KubeObject): string {
  return object.name ? `${object.kind} \`${object.name}\`` : `${object.kind} in ${object.file.path}`;
}

/**
 * Files that kustomize applies as patches (`patches:`, `patchesStrategicMerge:` of a
 * kustomization.yaml): partial objects, so "X is missing" rules must not judge them.
 */
export function kustomizePatchFiles(files: ParsedFiles): Set<string> {
  const out = new Set<string>();
  for (const file of files.ofKind('yaml', { containing: ['atches'] })) {
    if (!/(^|\/)kustomization\.ya?ml$/i.test(file.path) || !file.yaml) continue;
    const dir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/') + 1) : '';
    for (const doc of file.yaml) {
      const root = resolveNode((doc as { contents?: unknown }).contents, doc);
      for (const field of ['patches', 'patchesStrategicMerge', 'patchesJson6902']) {
        for (const item of seqItems(yamlGet(root, field, doc), doc)) {
          const path = yamlScalar(item) ?? yamlScalar(yamlGet(item, 'path', doc));
          if (path && !/\n/.test(path)) out.add(normalisePath(dir + path));
        }
      }
    }
  }
  return out;
}

function normalisePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}


/**
 * Lines where `kubernetes-secret-in-manifest` judges values, so no other rule reports them again:
 * every entry of a `Secret`'s `data`/`stringData` (all lines of a block value), single-line
 * `ConfigMap` data entries, container `env` values and kustomize `secretGenerator` literals.
 */
export function kubernetesSecretSlotLines(files: ParsedFiles): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  const add = (file: ParsedFile, node: YamlNode | undefined, wholeValue = false) => {
    if (!node?.range) return;
    const set = out.get(file.path) ?? new Set<number>();
    const first = file.position(node.range[0]).line;
    const last = wholeValue ? file.position(Math.max(node.range[0], node.range[1] - 1)).line : first;
    for (let n = first; n <= last; n++) set.add(n);
    out.set(file.path, set);
  };
  for (const object of kubernetesObjects(files)) {
    const { root, doc, file } = object;
    if (object.kind === 'Secret') {
      for (const field of ['data', 'stringData'])
        for (const entry of yamlEntries(yamlGet(root, field, doc), doc)) {
          add(file, entry.keyNode);
          add(file, entry.value, true);
        }
    } else if (object.kind === 'ConfigMap') {
      for (const entry of yamlEntries(yamlGet(root, 'data', doc), doc)) if (!String(yamlScalar(entry.value) ?? '\n').includes('\n')) add(file, entry.keyNode);
    }
    for (const container of podSpecOf(object)?.containers ?? [])
      for (const variable of seqItems(yamlGet(container.node, 'env', doc), doc)) {
        const value = yamlEntries(variable, doc).find((e) => e.key === 'value');
        add(file, value?.keyNode);
        add(file, value?.value, true);
      }
  }
  for (const file of files.ofKind('yaml', { containing: ['secretGenerator'] })) {
    if (!/(^|\/)kustomization\.ya?ml$/i.test(file.path) || !file.yaml) continue;
    for (const doc of file.yaml) {
      const root = resolveNode((doc as { contents?: unknown }).contents, doc);
      for (const generator of seqItems(yamlGet(root, 'secretGenerator', doc), doc))
        for (const literal of seqItems(yamlGet(generator, 'literals', doc), doc)) add(file, literal);
    }
  }
  return out;
}
