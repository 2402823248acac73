import type { Location } from '../model/finding.ts';
import type { ParsedFile } from '../model/parsed-file.ts';

/**
 * Small accessors over the `yaml` package's nodes, shared by the compose, Kubernetes and GitHub
 * Actions facts. The nodes are duck-typed (only parse/ imports the library): a map or sequence
 * has `items`, a pair has `key` and `value`, a scalar has `value`, an alias has `source` and
 * `resolve`, every node has `range` = [start, valueEnd, nodeEnd].
 */
export interface YamlNode {
  items?: unknown[];
  value?: unknown;
  range?: [number, number, number];
  source?: string;
  resolve?: (doc: unknown) => unknown;
}

export function asYamlNode(value: unknown): YamlNode | undefined {
  return value && typeof value === 'object' ? (value as YamlNode) : undefined;
}

export function resolveNode(value: unknown, doc: unknown): YamlNode | undefined {
  const node = asYamlNode(value);
  if (node && typeof node.source === 'string' && typeof node.resolve === 'function') return asYamlNode(node.resolve(doc));
  return node;
}

export function isYamlPair(value: unknown): value is { key: unknown; value: unknown } {
  return !!value && typeof value === 'object' && 'key' in value && 'value' in value && !('items' in value);
}

/** A scalar's value as text (numbers and booleans included), undefined for maps, sequences and null. */
export function yamlScalar(value: unknown): string | undefined {
  const node = asYamlNode(value);
  if (node && !node.items && (typeof node.value === 'string' || typeof node.value === 'number' || typeof node.value === 'boolean'))
    return String(node.value);
  return undefined;
}

/** Key/value pairs of a map, merge keys (`<<`) and aliases resolved. */
export function yamlEntries(map: unknown, doc: unknown): { key: string; keyNode: YamlNode | undefined; value: YamlNode | undefined }[] {
  const node = resolveNode(map, doc);
  const out: { key: string; keyNode: YamlNode | undefined; value: YamlNode | undefined }[] = [];
  for (const item of node?.items ?? []) {
    if (!isYamlPair(item)) continue;
    const key = yamlScalar(item.key);
    if (key === '<<') out.push(...yamlEntries(item.value, doc));
    else if (key !== undefined) out.push({ key, keyNode: asYamlNode(item.key), value: resolveNode(item.value, doc) });
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
  if (!node?.items || node.items.some(isYamlPair)) return [];
  return node.items.map((i) => resolveNode(i, doc)).filter((i): i is YamlNode => !!i);
}

/** `true` written as a YAML boolean (or the string "true"). */
export function yamlIsTrue(value: unknown): boolean {
  const node = asYamlNode(value);
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
