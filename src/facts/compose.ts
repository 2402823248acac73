/**
 * Questions compose and container-image rules share: which services a compose file defines (with
 * their YAML nodes, merge keys and aliases resolved), whether a compose file is for development or
 * tests only, and how an image reference splits into name, tag and digest.
 */
import { baseName } from './repo-paths.ts';
import { isComposeFile } from './frameworks.ts';
import { asYamlNode, isYamlPair, resolveNode, yamlEntries, yamlScalar, type YamlNode } from './yaml-nodes.ts';
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


export interface ComposeEnvironmentEntry {
  service: ComposeService;
  key: string;
  /** The value as written (a number keeps its digits), null when absent (`- API_KEY` passes the host's value through). */
  value: string | null;
  /** Offsets of the value (or of the key when there is no value). */
  start: number;
  end: number;
}

/** Every `environment:` entry of every service, both forms (`KEY: value` and `- KEY=value`), with merge keys and aliases resolved. */
export function composeEnvironment(files: ParsedFiles, options: { includeTests?: boolean } = {}): ComposeEnvironmentEntry[] {
  const out: ComposeEnvironmentEntry[] = [];
  for (const service of composeServices(files, { containing: ['environment'], includeTests: options.includeTests })) {
    const environment = resolveNode(yamlEntries(service.node, service.doc).find((e) => e.key === 'environment')?.value, service.doc);
    if (environment?.items) out.push(...environmentEntries(service, environment));
  }
  return out;
}

function environmentEntries(service: ComposeService, environment: YamlNode): ComposeEnvironmentEntry[] {
  const out: ComposeEnvironmentEntry[] = [];
  for (const item of environment.items ?? []) {
    if (isYamlPair(item)) {
      const key = yamlScalar(item.key);
      if (key === '<<') {
        const merged = resolveNode(item.value, service.doc);
        if (merged?.items) out.push(...environmentEntries(service, merged));
        continue;
      }
      const valueNode = asYamlNode(item.value);
      const range = valueNode?.range ?? asYamlNode(item.key)?.range;
      if (key === undefined || !range) continue;
      out.push({ service, key, value: valueNode ? (sourceValue(service.file, valueNode) ?? yamlScalar(valueNode) ?? null) : null, start: range[0], end: range[1] });
      continue;
    }
    const node = asYamlNode(item);
    const text = yamlScalar(node);
    if (text === undefined || !node?.range) continue;
    const eq = text.indexOf('=');
    out.push({ service, key: eq >= 0 ? text.slice(0, eq).trim() : text.trim(), value: eq >= 0 ? text.slice(eq + 1) : null, start: node.range[0], end: node.range[1] });
  }
  return out;
}

/** The scalar as written, without quotes: a number like `0123456` keeps its digits. */
function sourceValue(file: ParsedFile, node: YamlNode): string | undefined {
  if (!node.range || node.items) return undefined;
  const raw = file.text.slice(node.range[0], node.range[1]).trim();
  if (/^(["']).*\1$/s.test(raw)) return yamlScalar(node);
  return raw.includes('\n') ? yamlScalar(node) : raw;
}

/** A command that runs a development server or reloader. */
export const DEV_COMMAND = /(--reload\b|\bflask\s+run\b|\bmanage\.py\s+runserver\b|\bnpm\s+run\s+dev\b|\byarn\s+dev\b|\bpnpm\s+dev\b|\bnext\s+dev\b|\bvite(\s|$)|\bnodemon\b|\bts-node-dev\b|\bwatchmedo\b|--watch\b)/;
/** A bind mount of the project source over the image's code. */
const SOURCE_MOUNT = /^\.{1,2}(\/[\w.-]*)*:\/(app|code|src|usr\/src\/app|srv|var\/www|workspace|project)\b/;

/**
 * Why a compose service is a development setup: it runs a dev server or reloader, mounts the
 * source tree over the image, or sets a development/debug environment. [] for a service that
 * could run as is.
 */
export function composeDevSigns(service: ComposeService): string[] {
  return devSigns(service.node, service.doc);
}

function devSigns(node: YamlNode, doc: unknown): string[] {
  const entries = yamlEntries(resolveNode(node, doc), doc);
  const get = (key: string) => entries.find((e) => e.key === key)?.value;
  const signs: string[] = [];
  const command = scalarText(get('command'), doc) ?? scalarText(get('entrypoint'), doc);
  if (command && DEV_COMMAND.test(command)) signs.push(`runs a development server (\`${command.length > 60 ? `${command.slice(0, 57)}…` : command}\`)`);
  const volumes = listTexts(get('volumes'), doc);
  const mount = volumes.find((v) => SOURCE_MOUNT.test(v));
  if (mount) signs.push(`mounts the source tree (\`${mount}\`)`);
  const environment = JSON.stringify(listTexts(get('environment'), doc).concat(entriesText(get('environment'), doc)));
  if (/\b(FLASK_DEBUG|DJANGO_DEBUG|DEBUG)\W*[=:]\W*(1|true|True)\b|\b(NODE_ENV|FLASK_ENV|APP_ENV|ENVIRONMENT)\W*[=:]\W*development\b/.test(environment)) signs.push('sets a development or debug environment');
  return signs;
}

function scalarText(node: unknown, doc: unknown): string | undefined {
  const resolved = resolveNode(node, doc) as { value?: unknown; items?: unknown[] } | undefined;
  if (resolved === undefined || resolved === null) return undefined;
  if (typeof resolved.value === 'string' || typeof resolved.value === 'number') return String(resolved.value);
  if (Array.isArray(resolved.items)) return listTexts(resolved, doc).join(' ');
  return undefined;
}

function listTexts(node: unknown, doc: unknown): string[] {
  const resolved = resolveNode(node, doc) as { items?: unknown[] } | undefined;
  if (!resolved || !Array.isArray(resolved.items)) return [];
  return resolved.items.map((item) => {
    const r = resolveNode(item, doc) as { value?: unknown } | undefined;
    return r && (typeof r.value === 'string' || typeof r.value === 'number') ? String(r.value) : '';
  });
}

function entriesText(node: unknown, doc: unknown): string[] {
  return yamlEntries(resolveNode(node, doc), doc).map((e) => `${e.key}=${scalarText(e.value, doc) ?? ''}`);
}
