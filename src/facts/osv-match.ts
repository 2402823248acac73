/**
 * Which OSV advisories affect one package version, following the OSV schema's evaluation rules:
 * a version is affected when an `affected[]` entry for its package lists it in `versions`, or when
 * one of the entry's SEMVER / ECOSYSTEM ranges contains it — events sorted by version, `introduced`
 * opens the range, `fixed` closes it (exclusive), `last_affected` closes it (inclusive), `limit`
 * bounds it. GIT ranges name commits and are left to the `versions` list osv.dev expands them into.
 * Versions compare with semver for npm and PEP 440 for PyPI. Withdrawn records never match. Records
 * that alias each other (a PYSEC and a GHSA entry for one CVE) are merged into one advisory.
 * Pure: the records were loaded before the index was built.
 */
import type { OsvAffected, OsvEvent, OsvRecord } from '../model/advisory.ts';
import type { Severity } from '../model/rule.ts';
import { cvssBaseScore } from '../parse/cvss-vector.ts';
import { compareVersions, isValidVersion, normalisePackageName, type Ecosystem } from '../parse/version-syntax.ts';

/** OSV's spelling of each ecosystem shipgate reads. */
export const OSV_ECOSYSTEM: Record<Ecosystem, string> = { npm: 'npm', pypi: 'PyPI' };

export interface PackageVersion {
  ecosystem: Ecosystem;
  name: string;
  version: string;
}

export interface AdvisoryMatch {
  /** The id shown first (a GHSA id when the group has one), then every other id and alias, sorted. */
  ids: string[];
  summary: string;
  severity: Severity;
  /** Where the severity came from: `GitHub: HIGH`, `CVSS 9.8 (CVSS:3.1/…)`, `malicious package`, `not rated`. */
  severitySource: string;
  /** The lowest version above the installed one that fixes every merged record; undefined when no fix is published. */
  fixedIn?: string;
  /** When no fixed version exists but the range ends: the last affected version. */
  lastAffected?: string;
  url?: string;
}

/** Records grouped by `ecosystem\0normalised name` of the packages they affect, for repeated lookups. */
export type AdvisoryIndex = Map<string, OsvRecord[]>;

export function packageKey(ecosystem: Ecosystem, name: string): string {
  return `${ecosystem}\0${normalisePackageName(ecosystem, name)}`;
}

/** The shipgate ecosystem of an OSV ecosystem string (`PyPI`, `npm`), undefined for others. */
export function ecosystemOfOsv(osv: string | undefined): Ecosystem | undefined {
  const lower = (osv ?? '').toLowerCase().split(':')[0];
  return lower === 'npm' ? 'npm' : lower === 'pypi' ? 'pypi' : undefined;
}

export function indexAdvisories(records: readonly OsvRecord[]): AdvisoryIndex {
  const index: AdvisoryIndex = new Map();
  for (const record of records) {
    const keys = new Set<string>();
    for (const affected of record.affected ?? []) {
      const ecosystem = ecosystemOfOsv(affected.package?.ecosystem);
      if (ecosystem && affected.package?.name) keys.add(packageKey(ecosystem, affected.package.name));
    }
    for (const key of keys) {
      const list = index.get(key) ?? [];
      list.push(record);
      index.set(key, list);
    }
  }
  return index;
}

/** Advisories that affect this exact package version, merged across aliases, most severe first. */
export function matchAdvisories(index: AdvisoryIndex, pkg: PackageVersion): AdvisoryMatch[] {
  const candidates = index.get(packageKey(pkg.ecosystem, pkg.name)) ?? [];
  const hits: { record: OsvRecord; fixed?: string; lastAffected?: string }[] = [];
  for (const record of candidates) {
    if (record.withdrawn) continue;
    let verdict: { fixed?: string; lastAffected?: string } | undefined;
    for (const affected of record.affected ?? []) {
      if (ecosystemOfOsv(affected.package?.ecosystem) !== pkg.ecosystem) continue;
      if (normalisePackageName(pkg.ecosystem, affected.package?.name ?? '') !== normalisePackageName(pkg.ecosystem, pkg.name)) continue;
      const result = affectsVersion(affected, pkg.ecosystem, pkg.version);
      if (result.affected) {
        verdict = pickFix(pkg.ecosystem, verdict, result);
      }
    }
    if (verdict) hits.push({ record, ...verdict });
  }
  return mergeAliases(pkg.ecosystem, hits);
}

/** Whether one `affected[]` entry covers the version, and the first fix after it. */
export function affectsVersion(affected: OsvAffected, ecosystem: Ecosystem, version: string): { affected: boolean; fixed?: string; lastAffected?: string } {
  let hit = (affected.versions ?? []).some((v) => v === version || compareVersions(ecosystem, v, version) === 0);
  let fixed: string | undefined;
  let lastAffected: string | undefined;
  const allFixes: string[] = [];
  for (const range of affected.ranges ?? []) {
    if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') continue;
    const events = sortEvents(ecosystem, range.events ?? []);
    for (const e of events) if (e.kind === 'fixed') allFixes.push(e.version);
    const inRange = rangeContains(ecosystem, events, version);
    if (!inRange.affected) continue;
    hit = true;
    if (inRange.fixed && (!fixed || (compareVersions(ecosystem, inRange.fixed, fixed) ?? 0) < 0)) fixed = inRange.fixed;
    if (inRange.lastAffected) lastAffected = inRange.lastAffected;
  }
  // A version listed explicitly (GIT-derived lists) takes the first fix above it from any range.
  if (hit && !fixed) {
    for (const f of allFixes) {
      if ((compareVersions(ecosystem, f, version) ?? -1) <= 0) continue;
      if (!fixed || (compareVersions(ecosystem, f, fixed) ?? 0) < 0) fixed = f;
    }
  }
  return { affected: hit, ...(fixed ? { fixed } : {}), ...(lastAffected && !fixed ? { lastAffected } : {}) };
}

type Event = { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; version: string };

function sortEvents(ecosystem: Ecosystem, events: OsvEvent[]): Event[] {
  const out: Event[] = [];
  for (const e of events) {
    for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
      const v = e[kind];
      if (typeof v === 'string' && v !== '') out.push({ kind, version: v });
    }
  }
  const rank = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 };
  // Events whose version cannot be compared (a commit hash in an ECOSYSTEM range) are dropped rather than guessed.
  return out
    .filter((e) => e.version === '0' || isValidVersion(ecosystem, e.version))
    .sort((a, b) => (compareVersions(ecosystem, a.version, b.version) ?? 0) || rank[a.kind] - rank[b.kind]);
}

/** The OSV evaluation: walk the sorted events up to the version; the last one that applies decides. */
function rangeContains(ecosystem: Ecosystem, events: Event[], version: string): { affected: boolean; fixed?: string; lastAffected?: string } {
  if (!isValidVersion(ecosystem, version)) return { affected: false };
  let affected = false;
  for (const e of events) {
    const cmp = compareVersions(ecosystem, version, e.version);
    if (cmp === undefined) continue;
    if (e.kind === 'introduced' && cmp >= 0) affected = true;
    else if ((e.kind === 'fixed' || e.kind === 'limit') && cmp >= 0) affected = false;
    else if (e.kind === 'last_affected' && cmp > 0) affected = false;
  }
  if (!affected) return { affected };
  // The event that closes this interval: the first fixed / last_affected above the version.
  for (const e of events) {
    const cmp = compareVersions(ecosystem, e.version, version);
    if (cmp === undefined) continue;
    if (e.kind === 'fixed' && cmp > 0) return { affected, fixed: e.version };
    if (e.kind === 'last_affected' && cmp >= 0) return { affected, lastAffected: e.version };
    if (e.kind === 'limit' && cmp > 0) return { affected };
  }
  return { affected };
}

function pickFix(ecosystem: Ecosystem, a: { fixed?: string; lastAffected?: string } | undefined, b: { fixed?: string; lastAffected?: string }) {
  if (!a) return { ...(b.fixed ? { fixed: b.fixed } : {}), ...(b.lastAffected ? { lastAffected: b.lastAffected } : {}) };
  // Several entries for one package (e.g. two ranges): the highest fix closes all of them.
  const fixed = !a.fixed ? b.fixed : !b.fixed ? a.fixed : (compareVersions(ecosystem, a.fixed, b.fixed) ?? 0) >= 0 ? a.fixed : b.fixed;
  return { ...(fixed ? { fixed } : {}), ...(!fixed && (a.lastAffected ?? b.lastAffected) ? { lastAffected: a.lastAffected ?? b.lastAffected } : {}) };
}

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function mergeAliases(ecosystem: Ecosystem, hits: { record: OsvRecord; fixed?: string; lastAffected?: string }[]): AdvisoryMatch[] {
  // Union-find over ids and aliases.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root) ?? root;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string) => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const { record } of hits) {
    union(record.id, record.id);
    for (const alias of record.aliases ?? []) union(record.id, alias);
  }
  const groups = new Map<string, typeof hits>();
  for (const hit of hits) {
    const root = find(hit.record.id);
    groups.set(root, [...(groups.get(root) ?? []), hit]);
  }
  const out: AdvisoryMatch[] = [];
  for (const group of groups.values()) {
    const ids = new Set<string>();
    for (const { record } of group) {
      ids.add(record.id);
      for (const a of record.aliases ?? []) ids.add(a);
    }
    const primaryRecord = [...group].sort((a, b) => idRank(a.record.id) - idRank(b.record.id) || (a.record.id < b.record.id ? -1 : 1))[0].record;
    const rated = group.map(({ record }) => severityOf(record)).sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || a.rank - b.rank);
    const best = rated.find((r) => r.rank < 9) ?? rated[0];
    let fixedIn: string | undefined;
    let unfixed = false;
    let lastAffected: string | undefined;
    for (const hit of group) {
      if (!hit.fixed) {
        unfixed = true;
        lastAffected ??= hit.lastAffected;
        continue;
      }
      if (!fixedIn || (compareVersions(ecosystem, hit.fixed, fixedIn) ?? 0) > 0) fixedIn = hit.fixed;
    }
    const summary = group.map(({ record }) => record.summary?.trim()).find(Boolean) ?? firstSentence(group.map(({ record }) => record.details).find(Boolean)) ?? '';
    const ordered = [primaryRecord.id, ...[...ids].filter((id) => id !== primaryRecord.id).sort((a, b) => idRank(a) - idRank(b) || (a < b ? -1 : 1))];
    out.push({
      ids: ordered,
      summary,
      severity: best.severity,
      severitySource: best.source,
      // A group where one record has no fix: the fix is only certain if every record names one.
      ...(fixedIn && !unfixed ? { fixedIn } : {}),
      ...(lastAffected && (!fixedIn || unfixed) ? { lastAffected } : {}),
      ...(advisoryUrl(primaryRecord) ? { url: advisoryUrl(primaryRecord) } : {}),
    });
  }
  return out.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || (a.ids[0] < b.ids[0] ? -1 : a.ids[0] > b.ids[0] ? 1 : 0));
}

/** GitHub advisories first (they carry the review and severity), then PyPI's own, then others, CVEs last. */
function idRank(id: string): number {
  if (id.startsWith('GHSA-')) return 0;
  if (id.startsWith('PYSEC-')) return 1;
  if (id.startsWith('MAL-')) return 2;
  if (id.startsWith('CVE-')) return 4;
  return 3;
}

/**
 * A record's severity: GitHub's reviewed rating (`database_specific.severity`), else the base
 * score of its CVSS vector (v4, then v3, then v2), else `medium` marked "not rated". Malicious
 * package reports (MAL-*) are critical.
 */
export function severityOf(record: OsvRecord): { severity: Severity; source: string; rank: number } {
  if (record.id.startsWith('MAL-')) return { severity: 'critical', source: 'malicious package', rank: 0 };
  const rated = ratingWord(record.database_specific?.severity);
  if (rated) return { severity: rated, source: `GitHub: ${String(record.database_specific?.severity).toUpperCase()}`, rank: 1 };
  const vectors = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  for (const type of ['CVSS_V4', 'CVSS_V3', 'CVSS_V2']) {
    for (const entry of vectors.filter((v) => v.type === type)) {
      const score = /^\d+(\.\d+)?$/.test(entry.score.trim()) ? Number(entry.score) : cvssBaseScore(entry.score);
      if (score === undefined) continue;
      return { severity: severityOfScore(score), source: `CVSS ${score.toFixed(1)} (${entry.score.trim()})`, rank: 2 };
    }
  }
  for (const affected of record.affected ?? []) {
    const word = ratingWord(affected.ecosystem_specific?.severity) ?? ratingWord(affected.database_specific?.severity);
    if (word) return { severity: word, source: `advisory: ${String(affected.ecosystem_specific?.severity ?? affected.database_specific?.severity)}`, rank: 3 };
  }
  return { severity: 'medium', source: 'not rated', rank: 9 };
}

/** CVSS qualitative rating scale (FIRST): 0.1–3.9 low, 4.0–6.9 medium, 7.0–8.9 high, 9.0–10 critical. */
export function severityOfScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

function ratingWord(value: unknown): Severity | undefined {
  if (typeof value !== 'string') return undefined;
  switch (value.trim().toUpperCase()) {
    case 'CRITICAL':
      return 'critical';
    case 'HIGH':
    case 'IMPORTANT':
      return 'high';
    case 'MODERATE':
    case 'MEDIUM':
      return 'medium';
    case 'LOW':
    case 'NEGLIGIBLE':
      return 'low';
    default:
      return undefined;
  }
}

function advisoryUrl(record: OsvRecord): string | undefined {
  const advisory = record.references?.find((r) => r.type === 'ADVISORY')?.url;
  if (advisory) return advisory;
  if (/^(GHSA|PYSEC|MAL|OSV)-/.test(record.id)) return `https://osv.dev/vulnerability/${record.id}`;
  return record.references?.[0]?.url;
}

function firstSentence(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  const end = flat.search(/[.!?](\s|$)/);
  const sentence = end > 0 ? flat.slice(0, end + 1) : flat;
  return sentence.length > 160 ? `${sentence.slice(0, 157)}…` : sentence;
}
