import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';

/**
 * Kubernetes objects, pod specs and containers found in the repository's YAML manifests, with
 * their YAML nodes so rules can point at the exact key. The `yaml` package's nodes are duck-typed
 * here (only parse/ imports the library): a map or sequence has `items`, a pair has `key` and
 * `value`, a scalar has `value`, every node has `range` = [start, valueEnd, nodeEnd].
 */
export interface YamlNode {
  items?: unknown[];
  value?: unknown;
  range?: [number, number, number];
  source?: string;
  resolve?: (doc: unknown) => unknown;
}

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

// --- small YAML accessors ---------------------------------------------------------------

function asNode(value: unknown): YamlNode | undefined {
  return value && typeof value === 'object' ? (value as YamlNode) : undefined;
}

export function resolveNode(value: unknown, doc: unknown): YamlNode | undefined {
  const node = asNode(value);
  if (node && typeof node.source === 'string' && typeof node.resolve === 'function') return asNode(node.resolve(doc));
  return node;
}

function isPair(value: unknown): value is { key: unknown; value: unknown } {
  return !!value && typeof value === 'object' && 'key' in value && 'value' in value && !('items' in value);
}

/** A scalar's value as text (numbers and booleans included), undefined for maps, sequences and null. */
export function yamlScalar(value: unknown): string | undefined {
  const node = asNode(value);
  if (node && !node.items && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean'))
    return String(node.value);
  return undefined;
}

/** Key/value pairs of a map, merge keys (`<<`) and aliases resolved. */
export function yamlEntries(map: unknown, doc: unknown): { key: string; keyNode: YamlNode | undefined; value: YamlNode | undefined }[] {
  const node = resolveNode(map, doc);
  const out: { key: string; keyNode: YamlNode | undefined; value: YamlNode | undefined }[] = [];
  for (const item of node?.items ?? []) {
    if (!isPair(item)) continue;
    const key = yamlScalar(item.key);
    if (key === '<<') out.push(...yamlEntries(item.value, doc));
    else if (key !== undefined) out.push({ key, keyNode: asNode(item.key), value: resolveNode(item.value, doc) });
  }
  return out;
}

export function yamlGet(map: unknown, key: string, doc: unknown): YamlNode | undefined {
  return yamlEntries(map, doc).find((e) => e.key === key)?.value;
}

/** The pair (key node and value) for a key, to locate `key: value` as a whole. */
export function yamlPair(map: unknown, key: string, doc: unknown): { keyNode: YamlNode | undefined; value: YamlNode | undefined } | undefined {
  return yamlEntries(map, doc).find((e) => e.key === key);
}

export function yamlPath(map: unknown, path: string[], doc: unknown): YamlNode | undefined {
  let node = resolveNode(map, doc);
  for (const key of path) node = yamlGet(node, key, doc);
  return node;
}

export function seqItems(seq: unknown, doc: unknown): YamlNode[] {
  const node = resolveNode(seq, doc);
  if (!node?.items || node.items.some(isPair)) return [];
  return node.items.map((i) => resolveNode(i, doc)).filter((i): i is YamlNode => !!i);
}

/** `true` written as a YAML boolean (or the string "true"). */
export function yamlIsTrue(value: unknown): boolean {
  const node = asNode(value);
  return node?.value === true || (typeof node?.value === 'string' && node.value.toLowerCase() === 'true' && !node.items);
}

/** Location of `key: value` (from the key to the end of the value), or of a single node. */
export function locatePair(file: ParsedFile, pair: { keyNode?: YamlNode; value?: YamlNode } | undefined, fallback: YamlNode, keyPath: (string | number)[]): Location {
  const start = pair?.keyNode?.range?.[0] ?? fallback.range?.[0] ?? 0;
  const end = pair?.value?.range?.[1] ?? pair?.keyNode?.range?.[1] ?? fallback.range?.[1] ?? start;
  return { ...file.locateOffsets(start, Math.max(start, end)), keyPath };
}

/** Location of the first line of a node (a container's `- name: web`), keeping the snippet short. */
export function locateNodeStart(file: ParsedFile, node: YamlNode, keyPath: (string | number)[]): Location {
  const start = node.range?.[0] ?? 0;
  const line = file.position(start).line;
  return { ...file.locateLines(line), keyPath };
}
