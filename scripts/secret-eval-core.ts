/**
 * Scores shipgate's secret rules against a labelled corpus: every labelled line is a candidate
 * that must be reported (T) or must stay quiet (F, X). Used by `npm run eval:secrets` and by
 * the always-run regression test on our own corpus.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { audit } from '../src/audit.ts';
import { defaultConfig } from '../src/config/schema.ts';
import type { Finding } from '../src/model/finding.ts';
import { parseLabelsCsv, type SecretLabel } from './secret-labels.ts';

/** Every rule that reports a secret value found in the files (the history rule needs git history, not files). */
export const SECRET_RULES = [
  'hardcoded-secret',
  'secret-in-config-file',
  'env-file-tracked',
  'compose-hardcoded-password',
  'dockerfile-secret-in-image',
  'kubernetes-secret-in-manifest',
  'secret-exposed-to-browser',
];

/**
 * Findings about how a secret is handled rather than a value written in the file (a build argument
 * that will carry one, a whole build context copied into an image, a public variable named like a
 * secret): real findings, but not detections of a secret value, so they are not scored.
 */
const NOT_A_VALUE: Record<string, string[]> = {
  'dockerfile-secret-in-image': ['secretArg', 'secretArgPersisted', 'envFileInContext', 'secretFileCopied'],
  'secret-exposed-to-browser': ['publicSecret'],
};

export interface ReportedLine {
  file: string;
  startLine: number;
  endLine: number;
  ruleId: string;
  messageId: string;
  severity: string;
}

export interface Tally {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
}

export interface EvalResult {
  labels: number;
  truePositives: { label: SecretLabel; by: ReportedLine }[];
  misses: SecretLabel[];
  falseAlarms: { label: SecretLabel; by: ReportedLine }[];
  /** Reported lines no label covers. */
  unlabelled: ReportedLine[];
  total: Tally;
  byCategory: Map<string, Tally>;
  byKind: Map<string, Tally>;
  byExtension: Map<string, Tally>;
  seconds: number;
  filesAudited: number;
}

export function readLabels(labelsPath: string): SecretLabel[] {
  if (!statSync(labelsPath).isDirectory()) return parseLabelsCsv(readFileSync(labelsPath, 'utf8'));
  return readdirSync(labelsPath)
    .filter((n) => n.toLowerCase().endsWith('.csv'))
    .sort()
    .flatMap((n) => parseLabelsCsv(readFileSync(path.join(labelsPath, n), 'utf8')));
}

/** The lines a finding reports: its location, and for env-file-tracked each other secret entry it lists. */
export function reportedLines(findings: Finding[]): ReportedLine[] {
  const out: ReportedLine[] = [];
  for (const f of findings) {
    if (NOT_A_VALUE[f.ruleId]?.includes(f.messageId)) continue;
    const at = (loc: { file: string; startLine?: number; endLine?: number }) => ({
      file: loc.file,
      startLine: loc.startLine ?? 0,
      endLine: loc.endLine ?? loc.startLine ?? 0,
      ruleId: f.ruleId,
      messageId: f.messageId,
      severity: f.severity,
    });
    if (f.location.startLine) out.push(at(f.location));
    if (f.ruleId === 'env-file-tracked') for (const r of f.related) if (r.startLine) out.push(at(r));
  }
  return out;
}

function overlaps(label: SecretLabel, line: ReportedLine): boolean {
  return label.file === line.file && line.startLine <= label.lineEnd && label.lineStart <= line.endLine;
}

function extensionOf(file: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : name.startsWith('.') ? name : '(none)';
}

const bump = (map: Map<string, Tally>, key: string, field: keyof Tally) => {
  const t = map.get(key) ?? { tp: 0, fn: 0, fp: 0, tn: 0 };
  t[field]++;
  map.set(key, t);
};

export async function evaluateSecrets(options: { root: string; labels: SecretLabel[]; maxFileSizeKb?: number; rules?: string[]; subset?: string }): Promise<EvalResult> {
  const started = performance.now();
  const config = { ...defaultConfig(), maxFileSizeKb: options.maxFileSizeKb ?? defaultConfig().maxFileSizeKb, gitHistory: false };
  const report = await audit({ root: options.root, only: options.rules ?? SECRET_RULES, config, gitHistory: false });
  const seconds = (performance.now() - started) / 1000;
  const lines = reportedLines(report.findings).filter((l) => !options.subset || l.file.startsWith(options.subset));
  const byFile = new Map<string, ReportedLine[]>();
  for (const l of lines) {
    const list = byFile.get(l.file) ?? [];
    list.push(l);
    byFile.set(l.file, list);
  }
  const result: EvalResult = {
    labels: options.labels.length,
    truePositives: [],
    misses: [],
    falseAlarms: [],
    unlabelled: [],
    total: { tp: 0, fn: 0, fp: 0, tn: 0 },
    byCategory: new Map(),
    byKind: new Map(),
    byExtension: new Map(),
    seconds,
    filesAudited: options.subset ? new Set(report.findings.map((f) => f.location.file).filter((f) => f.startsWith(options.subset!))).size : report.summary.filesAudited,
  };
  const covered = new Set<ReportedLine>();
  for (const label of options.labels) {
    const hits = (byFile.get(label.file) ?? []).filter((l) => overlaps(label, l));
    for (const h of hits) covered.add(h);
    const positive = label.truth === 'T';
    const field: keyof Tally = positive ? (hits.length ? 'tp' : 'fn') : hits.length ? 'fp' : 'tn';
    result.total[field]++;
    bump(result.byCategory, positive ? label.category || '(none)' : '(negatives)', field);
    bump(result.byKind, `${positive ? 'T' : 'F'} ${label.kind || label.category || '(none)'}`, field);
    bump(result.byExtension, extensionOf(label.file), field);
    if (field === 'tp') result.truePositives.push({ label, by: hits[0] });
    else if (field === 'fn') result.misses.push(label);
    else if (field === 'fp') result.falseAlarms.push({ label, by: hits[0] });
  }
  result.unlabelled = lines.filter((l) => !covered.has(l));
  return result;
}

export function scores(t: Tally, extraFp = 0): { precision: number; recall: number; f1: number } {
  const fp = t.fp + extraFp;
  const precision = t.tp + fp ? t.tp / (t.tp + fp) : 1;
  const recall = t.tp + t.fn ? t.tp / (t.tp + t.fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}
