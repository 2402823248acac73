/**
 * Questions compose and container-image rules share: which services a compose file defines (with
 * their YAML nodes, merge keys and aliases resolved), whether a compose file is for development or
 * tests only, and how an image reference splits into name, tag and digest.
 */
import { isComposeFile } from './frameworks.ts';
import { resolveNode, yamlEntries, type YamlNode } from './yaml-nodes.ts';
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';

export interface ComposeService {
  file: ParsedFile;
  name: string;
  /** The service's map. */
  node: YamlNode;
  /** The service name's key node, to point at `api:`. */
  keyNode?: YamlNode;
  /** The document, for alias resolution. */
  doc: unknown;
}

/** `docker-compose.test.yml`, `compose.ci.yaml`, files under tests/: throw-away stacks. */
export function isTestComposeFile(file: ParsedFile): boolean {
  return file.isTest || /[.-](?:test|tests|ci|e2e)\.ya?ml$/i.test(baseName(file.path));
}

/** `docker-compose.override.yml`, `*.dev.yml`, `*.local.yml`: run on a developer's machine. */
export function isDevComposeFile(file: ParsedFile): boolean {
  return /(?:^|[.-])(?:dev|development|local|override)\.ya?ml$/i.test(baseName(file.path));
}

/** Services of every compose file (test files included only when asked), `x-` extension keys excluded. */
export function composeServices(files: ParsedFiles, options: { containing?: string[]; includeTests?: boolean } = {}): ComposeService[] {
  const out: ComposeService[] = [];
  for (const file of files.ofKind('yaml', { containing: options.containing, includeTests: true })) {
    if (!isComposeFile(file.path) || !file.yaml) continue;
    if (!options.includeTests && isTestComposeFile(file)) continue;
    for (const doc of file.yaml) {
      const root = resolveNode((doc as { contents?: unknown }).contents, doc);
      const services = yamlEntries(root, doc).find((e) => e.key === 'services')?.value;
      for (const entry of yamlEntries(services, doc)) {
        if (entry.value?.items && !entry.key.startsWith('x-')) out.push({ file, name: entry.key, node: entry.value, keyNode: entry.keyNode, doc });
      }
    }
  }
  return out;
}

/** Location of a scalar value (the image name, a port string), with a key path. */
export function locateValue(file: ParsedFile, node: YamlNode, keyPath: (string | number)[]): Location {
  const start = node.range?.[0] ?? 0;
  const end = node.range?.[1] ?? start;
  return { ...file.locateOffsets(start, Math.max(start, end)), keyPath };
}

export interface ImageRef {
  /** Registry and repository as written (`ghcr.io/acme/api`, `postgres`). */
  name: string;
  tag?: string;
  digest?: string;
  /** The last path segment of the repository, lower-cased, without a tag (`postgres`, `redis-stack`). */
  base: string;
}

/** `registry:5000/team/app:1.2@sha256:…` → name, tag, digest (the colon of a registry port is not a tag). */
export function parseImageRef(ref: string): ImageRef {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const base = rest.slice(rest.lastIndexOf('/') + 1).toLowerCase();
  return { name: rest, tag, digest, base };
}

/** Why an image reference floats ('no tag …', 'the moving `latest` tag'), undefined when pinned or decided by a variable. */
export function unpinnedReason(ref: string): string | undefined {
  const image = parseImageRef(ref);
  if (image.digest) return undefined;
  if (image.tag === undefined) return image.name.includes('$') ? undefined : 'no tag (which means `latest`)';
  if (image.tag.includes('$')) return undefined;
  return image.tag.toLowerCase() === 'latest' ? 'the moving `latest` tag' : undefined;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
