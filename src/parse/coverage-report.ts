/**
 * Coverage reports → line coverage totals and per-file figures: Cobertura XML (coverage.py
 * `coverage xml`, Istanbul's cobertura reporter), LCOV (`lcov.info`), Istanbul JSON
 * (`coverage-final.json`, statements mapped to lines the way Istanbul's own line metric does, and
 * `coverage-summary.json`) and coverage.py JSON (`coverage json`). Reports are size-capped; a
 * report that does not parse is a diagnostic, never a failed audit.
 */
import { readFile } from 'node:fs/promises';
import type { CoverageReportFile } from '../discover/coverage-reports.ts';
import type { ToolDiagnostic } from '../model/finding.ts';
import type { CoverageReport } from '../model/repo-index.ts';

export const COVERAGE_REPORT_MAX_BYTES = 64 * 1024 * 1024;

export async function readCoverageReports(root: string, found: readonly CoverageReportFile[], diagnostics: ToolDiagnostic[]): Promise<CoverageReport[]> {
  const out: CoverageReport[] = [];
  for (const file of found) {
    if (file.size > COVERAGE_REPORT_MAX_BYTES) {
      diagnostics.push({ kind: 'read-error', file: file.path, message: `coverage report larger than ${COVERAGE_REPORT_MAX_BYTES >> 20} MB: not read` });
      continue;
    }
    let text: string;
    try {
      text = await readFile(file.absolutePath, 'utf8');
    } catch (error) {
      diagnostics.push({ kind: 'read-error', file: file.path, message: `coverage report unreadable (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    try {
      const report = parseCoverageReport(file.path, text, root);
      if (report) out.push(report);
      else if (!file.path.endsWith('coverage.json')) diagnostics.push({ kind: 'parse-error', file: file.path, message: 'not a coverage report shipgate can read' });
    } catch (error) {
      diagnostics.push({ kind: 'parse-error', file: file.path, message: `coverage report could not be parsed: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  return out;
}

/** One report's figures; undefined when the text is not a coverage report of a known format. */
export function parseCoverageReport(relativePath: string, text: string, root = ''): CoverageReport | undefined {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  const trimmed = text.trimStart();
  if (name.endsWith('.info') || /^(TN:|SF:)/m.test(trimmed.slice(0, 200))) return parseLcov(relativePath, text, root);
  if (trimmed.startsWith('<')) return parseCobertura(relativePath, text, root);
  if (trimmed.startsWith('{')) return parseJsonReport(relativePath, JSON.parse(text) as unknown, root);
  return undefined;
}

function relativeTo(root: string, file: string): string {
  const normal = file.replace(/\\/g, '/');
  const base = root.replace(/\\/g, '/').replace(/\/$/, '');
  if (base && normal.startsWith(`${base}/`)) return normal.slice(base.length + 1);
  return normal.replace(/^\.\//, '');
}

function totals(files: { covered: number; total: number }[]): { covered: number; total: number } {
  return files.reduce((acc, f) => ({ covered: acc.covered + f.covered, total: acc.total + f.total }), { covered: 0, total: 0 });
}

// ---- Cobertura ----

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(tag)?.[1] ?? new RegExp(`\\s${name}\\s*=\\s*'([^']*)'`).exec(tag)?.[1];
}

function parseCobertura(relativePath: string, text: string, root: string): CoverageReport | undefined {
  const rootTag = /<coverage\b[^>]*>/.exec(text)?.[0];
  if (!rootTag) return undefined;
  const sources = [...text.matchAll(/<source>([^<]*)<\/source>/g)].map((m) => m[1].trim());
  const byFile = new Map<string, { covered: number; total: number }>();
  const classRe = /<class\b([^>]*?)(\/>|>([\s\S]*?)<\/class>)/g;
  for (const m of text.matchAll(classRe)) {
    const filename = attr(` ${m[1]}`, 'filename');
    if (!filename) continue;
    const body = m[3] ?? '';
    let covered = 0;
    let total = 0;
    const seen = new Set<string>();
    for (const line of body.matchAll(/<line\b([^>]*)\/?>/g)) {
      const number = attr(` ${line[1]}`, 'number');
      if (!number || seen.has(number)) continue;
      seen.add(number);
      total++;
      if (Number(attr(` ${line[1]}`, 'hits') ?? '0') > 0) covered++;
    }
    const source = sources.find((s) => s.startsWith('/') || /^[A-Za-z]:/.test(s));
    const full = filename.startsWith('/') || !source ? filename : `${source.replace(/\/$/, '')}/${filename}`;
    const key = relativeTo(root, full);
    const known = byFile.get(key) ?? { covered: 0, total: 0 };
    byFile.set(key, { covered: known.covered + covered, total: known.total + total });
  }
  const files = [...byFile].map(([file, v]) => ({ file, ...v })).sort((a, b) => (a.file < b.file ? -1 : 1));
  const linesCovered = Number(attr(rootTag, 'lines-covered'));
  const linesValid = Number(attr(rootTag, 'lines-valid'));
  let sum = totals(files);
  if (Number.isFinite(linesCovered) && Number.isFinite(linesValid) && linesValid > 0) sum = { covered: linesCovered, total: linesValid };
  else if (!sum.total) {
    const rate = Number(attr(rootTag, 'line-rate'));
    if (!Number.isFinite(rate)) return undefined;
    // Only a rate: express it per 10,000 lines so the percentage survives.
    sum = { covered: Math.round(rate * 10000), total: 10000 };
  }
  const timestamp = Number(attr(rootTag, 'timestamp'));
  return {
    file: relativePath,
    format: 'cobertura',
    ...sum,
    files,
    ...(Number.isFinite(timestamp) && timestamp > 0 ? { generatedAt: new Date(timestamp < 1e12 ? timestamp * 1000 : timestamp).toISOString() } : {}),
  };
}

// ---- LCOV ----

function parseLcov(relativePath: string, text: string, root: string): CoverageReport | undefined {
  const files: { file: string; covered: number; total: number }[] = [];
  let current: { file: string; lf?: number; lh?: number; da: Map<string, number> } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('SF:')) current = { file: relativeTo(root, line.slice(3)), da: new Map() };
    else if (!current) continue;
    else if (line.startsWith('DA:')) {
      const [n, hits] = line.slice(3).split(',');
      current.da.set(n, Math.max(current.da.get(n) ?? 0, Number(hits) || 0));
    } else if (line.startsWith('LF:')) current.lf = Number(line.slice(3));
    else if (line.startsWith('LH:')) current.lh = Number(line.slice(3));
    else if (line === 'end_of_record') {
      const total = current.lf ?? current.da.size;
      const covered = current.lh ?? [...current.da.values()].filter((h) => h > 0).length;
      files.push({ file: current.file, covered, total });
      current = undefined;
    }
  }
  if (!files.length) return undefined;
  return { file: relativePath, format: 'lcov', ...totals(files), files: files.sort((a, b) => (a.file < b.file ? -1 : 1)) };
}

// ---- JSON reports ----

interface IstanbulFile {
  path?: string;
  statementMap?: Record<string, { start?: { line?: number } }>;
  s?: Record<string, number>;
}

function parseJsonReport(relativePath: string, json: unknown, root: string): CoverageReport | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const value = json as Record<string, unknown>;
  // coverage.py: { meta, files: { path: { summary } }, totals }
  if (value.meta && value.totals && typeof value.totals === 'object') {
    const t = value.totals as { covered_lines?: number; num_statements?: number };
    const files = Object.entries((value.files as Record<string, { summary?: { covered_lines?: number; num_statements?: number } }>) ?? {})
      .map(([file, f]) => ({ file: relativeTo(root, file), covered: f.summary?.covered_lines ?? 0, total: f.summary?.num_statements ?? 0 }))
      .sort((a, b) => (a.file < b.file ? -1 : 1));
    const timestamp = (value.meta as { timestamp?: unknown }).timestamp;
    return {
      file: relativePath,
      format: 'coverage.py-json',
      covered: t.covered_lines ?? totals(files).covered,
      total: t.num_statements ?? totals(files).total,
      files,
      ...(typeof timestamp === 'string' ? { generatedAt: timestamp } : {}),
    };
  }
  // Istanbul json-summary: { total: { lines: { total, covered } }, "/abs/file.js": { lines } }
  const total = value.total as { lines?: { total?: number; covered?: number } } | undefined;
  if (total?.lines && typeof total.lines.total === 'number') {
    const files = Object.entries(value)
      .filter(([key]) => key !== 'total')
      .map(([file, f]) => ({ file: relativeTo(root, file), covered: (f as { lines?: { covered?: number } }).lines?.covered ?? 0, total: (f as { lines?: { total?: number } }).lines?.total ?? 0 }))
      .sort((a, b) => (a.file < b.file ? -1 : 1));
    return { file: relativePath, format: 'istanbul-summary', covered: total.lines.covered ?? 0, total: total.lines.total, files };
  }
  // Istanbul coverage-final.json: { "/abs/file.js": { statementMap, s } }
  const entries = Object.entries(value).filter(([, f]) => f && typeof f === 'object' && (f as IstanbulFile).statementMap && (f as IstanbulFile).s);
  if (!entries.length) return undefined;
  const files = entries
    .map(([key, raw]) => {
      const f = raw as IstanbulFile;
      const lines = new Map<number, number>();
      for (const [id, loc] of Object.entries(f.statementMap ?? {})) {
        const line = loc?.start?.line;
        if (typeof line !== 'number') continue;
        lines.set(line, Math.max(lines.get(line) ?? 0, f.s?.[id] ?? 0));
      }
      return { file: relativeTo(root, f.path ?? key), covered: [...lines.values()].filter((n) => n > 0).length, total: lines.size };
    })
    .sort((a, b) => (a.file < b.file ? -1 : 1));
  return { file: relativePath, format: 'istanbul', ...totals(files), files };
}
