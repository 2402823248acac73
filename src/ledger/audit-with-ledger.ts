/**
 * An audit with its ledger: load the triage file, the history, a baseline and the changed files;
 * audit; record the result in the history. The CLI runs this; `audit()` stays free of ledger I/O.
 *
 * The history is written only for complete audits. A partial one — `--only` (some rules) or
 * `--changed-since` (a pre-commit or PR gate) — would otherwise mark everything it did not look
 * at as FIXED in the next comparison. `--only` audits do not read it either (the comparison would
 * be mostly "not re-checked"). A folder that cannot be written to, or a history locked by another
 * audit for too long, costs the record, never the audit: a diagnostic says so.
 */
import { audit, type AuditOptions } from '../audit.ts';
import type { AuditReport } from '../model/audit-report.ts';
import type { ToolDiagnostic } from '../model/finding.ts';
import { LockTimeoutError } from './atomic-file.ts';
import { changedFilesSince } from './changed-files.ts';
import { appendHistory, buildHistoryRecord, DEFAULT_HISTORY_LIMIT, HISTORY_FILE, LedgerPathError, readHistory, type HistoryRecord } from './history.ts';
import { readBaseline } from './result-file.ts';
import { loadTriageFile } from './triage-file.ts';

export interface LedgerOptions {
  /** Read and write `.shipgate/history.jsonl` (config `history`, `--no-history`). Default true. */
  useHistory?: boolean;
  /** Records kept (config `historyLimit`). */
  historyLimit?: number;
  /** `--baseline FILE`. */
  baselineFile?: string;
  /** `--changed-since REF`. */
  changedSinceRef?: string;
}

export interface HistoryOutcome {
  /** Records in the history after this audit (0 when not written and none read). */
  records: number;
  written: boolean;
  /** Why it was not written, when it was not. */
  skippedBecause?: string;
}

/** The audit options the CLI gives; the ledger inputs themselves are loaded here. */
export type LedgeredAuditOptions = Omit<AuditOptions, 'triage' | 'history' | 'baseline' | 'changedSince'> & LedgerOptions;

export async function auditWithLedger(options: LedgeredAuditOptions): Promise<{ report: AuditReport; history: HistoryOutcome }> {
  const useHistory = options.useHistory !== false;
  const diagnostics: ToolDiagnostic[] = [...(options.diagnostics ?? [])];
  const triage = await loadTriageFile(options.root);
  const baseline = options.baselineFile ? await readBaseline(options.baselineFile) : undefined;
  const changedSince = options.changedSinceRef ? await changedFilesSince(options.root, options.changedSinceRef) : undefined;
  let records: HistoryRecord[] | undefined;
  if (useHistory && !options.only) {
    const read = await readHistory(options.root);
    records = read.records;
    diagnostics.push(...read.diagnostics);
  }
  const report = await audit({ ...options, triage, baseline, changedSince, history: records, diagnostics });

  const partial = options.only ? '--only audits part of the rules' : changedSince ? '--changed-since gates a change' : undefined;
  if (!useHistory) return { report, history: { records: 0, written: false, skippedBecause: 'history is off' } };
  if (partial) {
    report.diagnostics.push({ kind: 'history', message: `history not recorded: ${partial}; only complete audits are recorded, so nothing it did not check is marked fixed` });
    return { report, history: { records: records?.length ?? 0, written: false, skippedBecause: partial } };
  }
  try {
    const written = await appendHistory(options.root, buildHistoryRecord(report), { limit: options.historyLimit ?? DEFAULT_HISTORY_LIMIT });
    return { report, history: { records: written.records, written: true } };
  } catch (error) {
    const why = error instanceof LockTimeoutError || error instanceof LedgerPathError ? error.message : describeWriteError(error as NodeJS.ErrnoException, options.root);
    report.diagnostics.push({ kind: 'history', file: HISTORY_FILE, message: `history not recorded: ${why}` });
    return { report, history: { records: records?.length ?? 0, written: false, skippedBecause: why } };
  }
}

function describeWriteError(error: NodeJS.ErrnoException, root: string): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return `the audited folder ${root} is not writable (${error.code})`;
    case 'ENOTDIR':
    case 'EEXIST':
      return `${HISTORY_FILE} cannot be created (.shipgate is not a folder)`;
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return `${error.code ?? 'error'}: ${error.message}`;
  }
}
