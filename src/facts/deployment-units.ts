/**
 * Deployable units, for the compound rules that must tie links of one chain to the same service:
 * which folder of code a compose service runs (its build context, or the code folder it mounts),
 * where that service is reachable on every network interface (a published port without a host IP,
 * `app.run(host="0.0.0.0")`, a server command binding 0.0.0.0), and which env files it loads.
 * A repository without compose is one unit, its root.
 */
import path from 'node:path';
import type { Location } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import { composeServices, isDevComposeFile, locateValue } from './compose.ts';
import { handWrittenSources } from './code-structure.ts';
import { seqItems, yamlEntries, yamlGet, yamlScalar, type YamlNode } from './yaml-nodes.ts';
import { findPyCalls, pyStringValue } from '../parse/python-syntax.ts';

export interface DeployUnit {
  /** The compose service name, or `(repository)`. */
  name: string;
  /** Folder of the code the unit runs ('' for the repository root), with a trailing slash. */
  dir: string;
  /** Where the unit listens on, or is published to, every interface. */
  exposures: Location[];
  /** Env files the unit loads (compose `env_file`), repository-relative. */
  envFiles: string[];
  /** The compose file and service, when the unit is one. */
  compose?: { file: string; service: string; at: Location };
}

const ALL_INTERFACES = /^(0\.0\.0\.0|::|\[::\])$/;
const cache = new WeakMap<ParsedFiles, DeployUnit[]>();

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '');
/** `./backend` relative to `deploy/` → `deploy/backend/`; '' for the root. */
function joinDir(base: string, relative: string): string {
  const joined = path.posix.normalize(path.posix.join(base || '.', relative));
  if (joined === '.' || joined === './') return '';
  if (joined.startsWith('..')) return '';
  return joined.endsWith('/') ? joined : `${joined}/`;
}

/** Every deployable unit, compose services with code first (longest folder first), then the repository itself. */
export function deploymentUnits(files: ParsedFiles): DeployUnit[] {
  const cached = cache.get(files);
  if (cached) return cached;
  const units: DeployUnit[] = [];
  for (const service of composeServices(files)) {
    if (isDevComposeFile(service.file)) continue;
    const { file, node, doc } = service;
    const base = dirOf(file.path);
    const build = yamlGet(node, 'build', doc);
    const context = yamlScalar(build) ?? yamlScalar(yamlGet(build, 'context', doc));
    let dir: string | undefined = context !== undefined && !/^[a-z]+:\/\//i.test(context) && !context.includes('$') ? joinDir(base, context) : undefined;
    // `image: node:20` running a mounted code folder (`./frontend:/app`).
    if (dir === undefined)
      for (const volume of seqItems(yamlGet(node, 'volumes', doc), doc)) {
        const source = (yamlScalar(volume) ?? '').split(':')[0];
        if (/^\.{1,2}(\/|$)/.test(source) && !/\.(sql|conf|ya?ml|json|env)$/.test(source)) {
          dir = joinDir(base, source);
          break;
        }
      }
    if (dir === undefined) continue;
    const exposures: Location[] = [];
    seqItems(yamlGet(node, 'ports', doc), doc).forEach((port, i) => {
      if (publishesOnAllInterfaces(port, doc)) exposures.push({ ...locateValue(file, port, ['services', service.name, 'ports', i]), note: `service \`${service.name}\` publishes port ${describePort(port, doc)} on every interface of the host` });
    });
    const envFileNode = yamlGet(node, 'env_file', doc);
    const envFiles = [yamlScalar(envFileNode), ...seqItems(envFileNode, doc).map((n) => yamlScalar(n) ?? yamlScalar(yamlGet(n, 'path', doc)))]
      .filter((f): f is string => !!f)
      .map((f) => path.posix.normalize(path.posix.join(base || '.', f)));
    const at = service.keyNode?.range ? { ...file.locateOffsets(service.keyNode.range[0], service.keyNode.range[1]), keyPath: ['services', service.name] } : { file: file.path };
    units.push({ name: service.name, dir, exposures, envFiles, compose: { file: file.path, service: service.name, at } });
  }
  units.sort((a, b) => b.dir.length - a.dir.length || (a.name < b.name ? -1 : 1));
  units.push({ name: '(repository)', dir: '', exposures: [], envFiles: [] });
  // Code that binds every interface itself: `app.run(host="0.0.0.0")`, `uvicorn.run(..., host="0.0.0.0")`.
  for (const file of handWrittenSources(files)) {
    if (file.kind !== 'python' || !/0\.0\.0\.0|"::"/.test(file.text)) continue;
    for (const call of findPyCalls(file.ast, /(^|\.)run$/)) {
      const host = pyStringValue(call.keywords.get('host')) ?? pyStringValue(call.args[0]);
      if (host && ALL_INTERFACES.test(host)) unitOf(units, file.path).exposures.push(file.locate(call.node, `\`${firstLine(call.node.text())}\` listens on every interface`));
    }
  }
  cache.set(files, units);
  return units;
}

/** The unit a repository file belongs to (the deepest unit folder that holds it). */
export function unitOf(units: DeployUnit[], file: string): DeployUnit {
  return units.find((u) => file.startsWith(u.dir)) ?? units[units.length - 1];
}

/** Whether two files run in the same deployable unit. */
export function sameUnit(units: DeployUnit[], a: string, b: string): boolean {
  return unitOf(units, a) === unitOf(units, b);
}

/** `"8000:8000"`, `8000` (random host port), `{ target: 8000, published: 8000 }` without a loopback host IP. */
function publishesOnAllInterfaces(port: YamlNode, doc: unknown): boolean {
  const text = yamlScalar(port);
  if (text !== undefined) {
    const parts = text.replace(/\/(tcp|udp)$/, '').split(':');
    if (parts.length === 3) return ALL_INTERFACES.test(parts[0]) || parts[0] === '';
    return true;
  }
  const entries = yamlEntries(port, doc);
  if (!entries.length) return false;
  const hostIp = yamlScalar(yamlGet(port, 'host_ip', doc));
  return hostIp === undefined || ALL_INTERFACES.test(hostIp);
}

function describePort(port: YamlNode, doc: unknown): string {
  const text = yamlScalar(port);
  if (text !== undefined) return `\`${text}\``;
  return `\`${yamlScalar(yamlGet(port, 'published', doc)) ?? '?'}:${yamlScalar(yamlGet(port, 'target', doc)) ?? '?'}\``;
}

const firstLine = (text: string) => {
  const line = text.split('\n')[0];
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
};
