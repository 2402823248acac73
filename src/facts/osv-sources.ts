/**
 * Where advisories come from. I/O, called by audit() before the index is built (like the git
 * history scan); rules and assessments only ever see the loaded records.
 *
 * - `loadOsvDatabase(dir)`: a folder of OSV JSON records as osv.dev exports them
 *   (`<ecosystem>/all.zip` unpacked: one `<ID>.json` per advisory), per ecosystem (`npm/`, `PyPI/`)
 *   or flat. Folders named after other OSV ecosystems are skipped; a file may also hold an array of
 *   records or an API-style `{ "vulns": [...] }`. Only records naming one of the repository's
 *   packages are parsed and kept.
 * - `queryOsvApi(packages)`: `POST /v1/querybatch` for every resolved package version, then
 *   `GET /v1/vulns/{id}` for each advisory it names, under one deadline; any failure throws, and
 *   audit() turns it into a diagnostic and an UNKNOWN Known Vulnerabilities row.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { AdvisoryData, OsvRecord } from '../model/advisory.ts';
import { normalisePackageName } from '../parse/version-syntax.ts';
import { ecosystemOfOsv, OSV_ECOSYSTEM, packageKey, type PackageVersion } from './osv-match.ts';

/** A problem with the folder given to --osv-db: the CLI reports it and exits with code 2. */
export class OsvDatabaseError extends Error {}

/** OSV ecosystem folder names of the osv.dev export that hold nothing shipgate reads. */
const OTHER_ECOSYSTEMS = new Set(
  [
    'go', 'maven', 'crates.io', 'rubygems', 'nuget', 'packagist', 'hex', 'pub', 'debian', 'alpine', 'ubuntu', 'linux', 'oss-fuzz', 'android',
    'github actions', 'hackage', 'cran', 'bitnami', 'swifturl', 'rocky linux', 'almalinux', 'red hat', 'suse', 'opensuse', 'photon os', 'wolfi',
    'chainguard', 'ghc', 'conancenter', 'julia', 'minimos', 'echo', 'azure linux', 'mageia', 'openeuler', 'kubernetes', 'git', 'cleanstart',
  ].map((s) => s.toLowerCase()),
);
const MAX_DEPTH = 4;
const READ_CONCURRENCY = 32;

/** Check the folder exists, is a folder, and holds at least one .json file; throws OsvDatabaseError otherwise. */
export async function checkOsvDatabaseDir(dir: string, label = dir): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new OsvDatabaseError(`--osv-db ${label}: no such folder`);
  if (!info.isDirectory()) throw new OsvDatabaseError(`--osv-db ${label}: not a folder (give the folder that holds the OSV JSON records, e.g. an unpacked osv.dev all.zip)`);
  const files = await listJsonFiles(dir, 0, () => true);
  if (!files.length) throw new OsvDatabaseError(`--osv-db ${label}: no .json files found (unpack the osv.dev export, e.g. \`unzip npm-all.zip -d ${label}/npm\`)`);
}

export async function loadOsvDatabase(dir: string, packages: readonly PackageVersion[], label = dir): Promise<AdvisoryData> {
  const wantedEcosystems = new Set(packages.map((p) => OSV_ECOSYSTEM[p.ecosystem].toLowerCase()));
  const wantedKeys = new Set(packages.map((p) => packageKey(p.ecosystem, p.name)));
  const wantedNames = new Set(packages.map((p) => normalisePackageName(p.ecosystem, p.name)));
  const files = await listJsonFiles(dir, 0, (name) => {
    const lower = name.toLowerCase();
    return !OTHER_ECOSYSTEMS.has(lower) && !(wantedEcosystems.size && (lower === 'npm' || lower === 'pypi') && !wantedEcosystems.has(lower));
  });
  if (!files.length) throw new OsvDatabaseError(`--osv-db ${label}: no .json files found`);
  const records: OsvRecord[] = [];
  let invalid = 0;
  let read = 0;
  let newest = '';
  const nameField = /"name"\s*:\s*"([^"]+)"/g;
  await forEachLimited(files, READ_CONCURRENCY, async (file) => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      invalid++;
      return;
    }
    read++;
    const modified = /"modified"\s*:\s*"([^"]+)"/.exec(text)?.[1];
    if (modified && modified > newest) newest = modified;
    // Cheap pre-filter: parse only files that name one of our packages.
    let mentions = false;
    for (const m of text.matchAll(nameField)) {
      if (wantedNames.has(m[1].toLowerCase()) || wantedNames.has(normalisePackageName('pypi', m[1]))) {
        mentions = true;
        break;
      }
    }
    if (!mentions) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      invalid++;
      return;
    }
    for (const record of recordsOf(value)) {
      if (!isOsvRecord(record)) {
        invalid++;
        continue;
      }
      const relevant = (record.affected ?? []).some((a) => {
        const ecosystem = ecosystemOfOsv(a.package?.ecosystem);
        return ecosystem && a.package?.name && wantedKeys.has(packageKey(ecosystem, a.package.name));
      });
      if (relevant) records.push(record);
    }
  });
  records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const freshness = newest ? `, newest record modified ${newest.slice(0, 10)}` : '';
  const problems = invalid ? `; ${invalid} file${invalid === 1 ? '' : 's'} could not be read as OSV records` : '';
  return { source: { kind: 'osv-db', detail: `${label} (${read} record file${read === 1 ? '' : 's'}${freshness}${problems})`, checked: packages.length }, records };
}

function recordsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object' && Array.isArray((value as { vulns?: unknown }).vulns)) return (value as { vulns: unknown[] }).vulns;
  return [value];
}

function isOsvRecord(value: unknown): value is OsvRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  return typeof r.id === 'string' && (r.affected === undefined || Array.isArray(r.affected));
}

async function listJsonFiles(dir: string, depth: number, enter: (folderName: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (depth < MAX_DEPTH && enter(entry.name)) out.push(...(await listJsonFiles(full, depth + 1, enter)));
    } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) out.push(full);
  }
  return out;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

// ---- the OSV API ----

export const OSV_API_URL = 'https://api.osv.dev';
export const OSV_API_TIMEOUT_MS = 20_000;
const BATCH_SIZE = 1000;
const MAX_PAGES = 10;
const FETCH_CONCURRENCY = 8;

export interface OsvApiOptions {
  /** Base URL (default https://api.osv.dev); tests point it at a local server. */
  url?: string;
  /** One deadline for the whole lookup, in milliseconds. */
  timeoutMs?: number;
}

interface QueryBatchResponse {
  results?: { vulns?: { id: string }[]; next_page_token?: string }[];
}

export async function queryOsvApi(packages: readonly PackageVersion[], options: OsvApiOptions = {}): Promise<AdvisoryData> {
  const base = (options.url ?? OSV_API_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? OSV_API_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  timer.unref?.();
  const unique = [...new Map(packages.map((p) => [`${p.ecosystem}\0${normalisePackageName(p.ecosystem, p.name)}\0${p.version}`, p])).values()];
  try {
    const ids = new Set<string>();
    for (let i = 0; i < unique.length; i += BATCH_SIZE) {
      let queries = unique.slice(i, i + BATCH_SIZE).map((p) => ({ package: { name: p.name, ecosystem: OSV_ECOSYSTEM[p.ecosystem] }, version: p.version }) as Record<string, unknown>);
      for (let page = 0; queries.length && page < MAX_PAGES; page++) {
        const response = (await requestJson(`${base}/v1/querybatch`, controller.signal, timeoutMs, { method: 'POST', body: JSON.stringify({ queries }) })) as QueryBatchResponse;
        if (!response || !Array.isArray(response.results)) throw new Error('OSV API answered querybatch without a "results" list');
        const again: Record<string, unknown>[] = [];
        response.results.forEach((result, n) => {
          for (const v of result?.vulns ?? []) if (typeof v?.id === 'string') ids.add(v.id);
          if (result?.next_page_token) again.push({ ...queries[n], page_token: result.next_page_token });
        });
        queries = again;
      }
    }
    const records: OsvRecord[] = [];
    await forEachLimited([...ids].sort(), FETCH_CONCURRENCY, async (id) => {
      const record = await requestJson(`${base}/v1/vulns/${encodeURIComponent(id)}`, controller.signal, timeoutMs);
      if (isOsvRecord(record)) records.push(record);
      else throw new Error(`OSV API answered ${id} with something that is not an OSV record`);
    });
    records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { source: { kind: 'osv-api', detail: base, checked: unique.length }, records };
  } finally {
    clearTimeout(timer);
  }
}

async function requestJson(url: string, signal: AbortSignal, timeoutMs: number, init: { method?: string; body?: string } = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { method: init.method ?? 'GET', body: init.body, headers: { 'content-type': 'application/json', accept: 'application/json' }, signal });
  } catch (error) {
    if (signal.aborted) throw new Error(`the OSV API did not answer within ${formatSeconds(timeoutMs)}`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`the OSV API could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message})`);
  }
  if (!response.ok) throw new Error(`the OSV API answered HTTP ${response.status} for ${new URL(url).pathname}`);
  try {
    return await response.json();
  } catch (error) {
    if (signal.aborted) throw new Error(`the OSV API did not answer within ${formatSeconds(timeoutMs)}`);
    throw new Error(`the OSV API answered ${new URL(url).pathname} with invalid JSON`);
  }
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}
