/**
 * `.shipgate/history.jsonl` in the audited repository: one JSON record per audit, oldest first.
 *
 * A record is built from the finished report, after every secret value has been redacted from
 * it, and holds no snippets or messages: rule, title, severity, priority, file, line and status
 * per finding, keyed by fingerprint. That is what the next audit needs to say what was fixed,
 * what is new and what regressed, and to list FIXED items in the TODO list.
 *
 * Writes replace the whole file atomically under a lock (see atomic-file.ts). A line that is not
 * a valid record is reported with its line number and skipped; it is kept in the file as it is,
 * so nothing is ever silently dropped.
 */
import { lstat, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FINGERPRINT_VERSION } from '../engine/fingerprint.ts';
import type { AuditReport, LedgerItem } from '../model/audit-report.ts';
import type { Finding, ToolDiagnostic } from '../model/finding.ts';
import { withLock, writeFileAtomic, type AtomicWriteHooks } from './atomic-file.ts';

export const LEDGER_DIR = '.shipgate';
export const HISTORY_FILE = `${LEDGER_DIR}/history.jsonl`;
export const HISTORY_VERSION = 1;
/** Records kept by default (`historyLimit`): two years of weekly audits. */
export const DEFAULT_HISTORY_LIMIT = 100;

const severity = z.enum(['critical', 'high', 'medium', 'low', 'info']);
const priority = z.enum(['P0', 'P1', 'P2', 'P3']);
const status = z.enum(['open', 'fixed', 'accepted', 'false-positive', 'wont-fix']);
const verdict = z.enum(['NO-GO', 'GO WITH CONDITIONS', 'GO']);

const historyFinding = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  id: z.string().optional(),
  ruleId: z.string().min(1),
  title: z.string(),
  severity,
  priority,
  status,
  file: z.string(),
  line: z.number().int().positive().optional(),
  /** Not re-checked by this audit (its rule crashed, its file was skipped, the git history was not scanned): carried over from an earlier one. */
  carried: z.literal(true).optional(),
});

const historyRecord = z.object({
  version: z.literal(HISTORY_VERSION),
  date: z.string().refine((d) => !Number.isNaN(Date.parse(d)), 'not a date'),
  commit: z.string().optional(),
  tool: z.string(),
  fingerprintVersion: z.number().int(),
  target: z.string(),
  score: z.number(),
  grade: z.string(),
  securityGrade: z.string(),
  verdict,
  counts: z.record(severity, z.number()),
  priorities: z.record(priority, z.number()),
  effortHours: z.number(),
  findings: z.array(historyFinding),
});

export type HistoryFinding = z.infer<typeof historyFinding>;
export type HistoryRecord = z.infer<typeof historyRecord>;

export interface HistoryRead {
  /** Valid records, oldest first. */
  records: HistoryRecord[];
  /** One per line that is not a valid record (and a note when the file cannot be read). */
  diagnostics: ToolDiagnostic[];
}

/**
 * Why shipgate must not read or write `relative` (a path inside `.shipgate/`) in `root`: a
 * symbolic link on the way could lead out of the repository. Undefined when it is safe (or absent).
 */
export async function ledgerPathProblem(root: string, relative: string): Promise<string | undefined> {
  let current = root;
  for (const part of relative.split('/')) {
    current = path.join(current, part);
    const info = await lstat(current).catch(() => undefined);
    if (!info) return undefined;
    if (info.isSymbolicLink()) return `${path.relative(root, current)} is a symbolic link; shipgate does not follow links out of the repository`;
  }
  return undefined;
}

/** A history file larger than this is not read (a legitimate one, at the default limit, is a few megabytes). */
export const MAX_HISTORY_BYTES = 256 * 1024 * 1024;

/** Bad lines reported one by one; beyond this many, one summary line (a binary file pasted over the history would give thousands). */
const MAX_LINE_DIAGNOSTICS = 5;

/** Read the history of `root`; a missing file is an empty history. */
export async function readHistory(root: string): Promise<HistoryRead> {
  const unsafe = await ledgerPathProblem(root, HISTORY_FILE);
  if (unsafe) return { records: [], diagnostics: [{ kind: 'history', file: HISTORY_FILE, message: `history not read: ${unsafe}` }] };
  let text: string;
  try {
    const size = (await stat(path.join(root, HISTORY_FILE))).size;
    if (size > MAX_HISTORY_BYTES)
      return { records: [], diagnostics: [{ kind: 'history', file: HISTORY_FILE, message: `history not read: the file is ${Math.round(size / 1024 / 1024)} MB (more than ${MAX_HISTORY_BYTES / 1024 / 1024} MB); lower historyLimit and remove old lines` }] };
    text = await readFile(path.join(root, HISTORY_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { records: [], diagnostics: [] };
    return { records: [], diagnostics: [{ kind: 'history', file: HISTORY_FILE, message: `history could not be read (${code ?? 'error'}); progress since the last audit is not reported` }] };
  }
  return parseHistory(text);
}

/** Parse the JSONL text: valid records sorted by date (file order on ties), a diagnostic per bad line. */
export function parseHistory(text: string): HistoryRead {
  const records: { record: HistoryRecord; order: number }[] = [];
  const diagnostics: ToolDiagnostic[] = [];
  const bad: number[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const result = parseHistoryLine(line);
    if (result === 'blank') return;
    if ('problem' in result) {
      bad.push(index + 1);
      if (bad.length <= MAX_LINE_DIAGNOSTICS)
        diagnostics.push({ kind: 'history', file: HISTORY_FILE, message: `line ${index + 1} ${result.problem}; skipped (the line is kept in the file)` });
      return;
    }
    records.push({ record: result.record, order: index });
  });
  if (bad.length > MAX_LINE_DIAGNOSTICS)
    diagnostics.push({
      kind: 'history',
      file: HISTORY_FILE,
      message: `${bad.length - MAX_LINE_DIAGNOSTICS} more lines are not valid audit records (lines ${bad[MAX_LINE_DIAGNOSTICS]}–${bad[bad.length - 1]}); skipped and kept in the file`,
    });
  records.sort((a, b) => Date.parse(a.record.date) - Date.parse(b.record.date) || a.order - b.order);
  return { records: records.map((r) => r.record), diagnostics };
}

function parseHistoryLine(line: string): 'blank' | { record: HistoryRecord } | { problem: string } {
  if (!line.trim()) return 'blank';
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return { problem: `is not valid JSON (${(error as Error).message.split('\n')[0]})` };
  }
  if (raw && typeof raw === 'object' && 'version' in raw && typeof raw.version === 'number' && raw.version > HISTORY_VERSION)
    return { problem: `was written by a newer shipgate (record version ${raw.version}; this one reads version ${HISTORY_VERSION})` };
  const parsed = historyRecord.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `is not a valid audit record (${issue.path.join('.') || 'record'}: ${issue.message})` };
  }
  return { record: parsed.data };
}

/** The ledger's view of a finding (of this audit, or read from a JSON result). */
export function ledgerItemOf(f: Pick<Finding, 'fingerprint' | 'id' | 'ruleId' | 'title' | 'severity' | 'priority'> & { location: { file: string; startLine?: number } }): LedgerItem {
  return {
    fingerprint: f.fingerprint,
    id: f.id,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    priority: f.priority,
    file: f.location.file,
    ...(f.location.startLine ? { line: f.location.startLine } : {}),
  };
}

/**
 * The record of a finished audit: built only from the (already redacted) report, with the
 * findings the audit could not re-check carried over so a later run can still close them.
 */
export function buildHistoryRecord(report: AuditReport): HistoryRecord {
  const s = report.summary;
  const findings: HistoryFinding[] = report.findings.map((f) => ({ ...ledgerItemOf(f), status: f.status }));
  for (const item of report.progress?.notRechecked ?? []) {
    if (!item.carried) continue;
    const { why: _why, carried: _carried, status: itemStatus, ...rest } = item;
    findings.push({ ...rest, status: itemStatus, carried: true });
  }
  return {
    version: HISTORY_VERSION,
    date: s.date ?? new Date().toISOString(),
    ...(s.commit ? { commit: s.commit } : {}),
    tool: report.tool.version,
    fingerprintVersion: FINGERPRINT_VERSION,
    target: report.target,
    score: s.score,
    grade: s.grade,
    securityGrade: s.securityGrade,
    verdict: s.verdict,
    counts: { ...s.counts },
    priorities: { ...s.priorities },
    effortHours: s.effortHours,
    findings,
  };
}

/** The history (or triage) path is not safe to write: the message says why. */
export class LedgerPathError extends Error {}

export interface HistoryWrite {
  /** Valid records in the file after the write. */
  records: number;
  /** The record replaced the previous one instead of being added (same commit, findings and score). */
  replaced: boolean;
  /** Oldest records removed to stay within the limit. */
  trimmed: number;
}

/**
 * Add `record` to the history of `root`, keeping at most `limit` valid records. An audit that
 * found exactly what the previous one found on the same commit replaces it (with the new date)
 * instead of adding a duplicate, so re-running the audit does not flood the trend. Lines that
 * are not valid records stay where they are.
 */
export async function appendHistory(root: string, record: HistoryRecord, options: { limit: number; hooks?: AtomicWriteHooks }): Promise<HistoryWrite> {
  const unsafe = await ledgerPathProblem(root, HISTORY_FILE);
  if (unsafe) throw new LedgerPathError(unsafe);
  const file = path.join(root, HISTORY_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  return withLock(`${file}.lock`, async () => {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const next = addRecordToText(text, record, options.limit);
    await writeFileAtomic(file, next.text, options.hooks);
    return { records: next.records, replaced: next.replaced, trimmed: next.trimmed };
  });
}

/** Pure part of appendHistory: the new file text. */
export function addRecordToText(text: string, record: HistoryRecord, limit: number): { text: string; records: number; replaced: boolean; trimmed: number } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const valid: number[] = [];
  lines.forEach((line, i) => {
    const parsed = parseHistoryLine(line);
    if (parsed !== 'blank' && 'record' in parsed) valid.push(i);
  });
  const newLine = JSON.stringify(record);
  let replaced = false;
  const lastIndex = valid[valid.length - 1];
  if (lastIndex !== undefined) {
    const last = JSON.parse(lines[lastIndex]) as HistoryRecord;
    if (sameAudit(last, record)) {
      lines[lastIndex] = newLine;
      replaced = true;
    }
  }
  if (!replaced) {
    lines.push(newLine);
    valid.push(lines.length - 1);
  }
  const excess = Math.max(0, valid.length - Math.max(1, limit));
  const drop = new Set(valid.slice(0, excess));
  const kept = lines.filter((_, i) => !drop.has(i));
  return { text: `${kept.join('\n')}\n`, records: valid.length - excess, replaced, trimmed: excess };
}

/** Same commit, same verdict and score, the same findings with the same statuses: a re-run, not a new data point. */
function sameAudit(a: HistoryRecord, b: HistoryRecord): boolean {
  return rerunKey(a) === rerunKey(b);
}

/** What must be equal for an audit to count as a re-run of another (progress.ts uses the same key). */
export function rerunKey(r: Pick<HistoryRecord, 'commit' | 'score' | 'grade' | 'securityGrade' | 'verdict'> & { findings: readonly { fingerprint: string; status: string }[] }): string {
  const findings = r.findings.map((f) => `${f.fingerprint}:${f.status}`).sort();
  return JSON.stringify([r.commit ?? '', r.score, r.grade, r.securityGrade, r.verdict, findings]);
}

/** One audit of the history next to the one before it: what the `shipgate history` table shows. */
export interface HistoryStep {
  record: HistoryRecord;
  /** Findings of the previous record gone from this one (undefined for the first). */
  fixed?: number;
  /** Open findings of this record the previous one did not have. */
  added?: number;
}

export function historySteps(records: readonly HistoryRecord[]): HistoryStep[] {
  return records.map((record, i) => {
    const before = records[i - 1];
    if (!before) return { record };
    const now = new Set(record.findings.map((f) => f.fingerprint));
    const then = new Set(before.findings.map((f) => f.fingerprint));
    return {
      record,
      fixed: before.findings.filter((f) => !now.has(f.fingerprint)).length,
      added: record.findings.filter((f) => f.status === 'open' && !then.has(f.fingerprint)).length,
    };
  });
}
