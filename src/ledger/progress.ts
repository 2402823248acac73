/**
 * Progress since the previous audit: which findings were fixed, which are new, which came back,
 * which are still open, and the score trend. Pure: the history records and what this audit
 * could re-check come in, `AuditProgress` goes out.
 *
 * "Fixed" needs evidence, not just absence. A finding missing from this audit counts as fixed
 * only when its rule ran and its file was audited (or is gone from the repository). When the
 * rule crashed, was switched off, the file was skipped or ignored, or the git history was not
 * scanned, the finding is listed under `notRechecked` instead, and — where the cause is
 * transient — carried over in the new history record as still open.
 */
import { FINGERPRINT_VERSION } from '../engine/fingerprint.ts';
import type { AuditProgress, AuditSummary, LedgerItem } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import { rerunKey, type HistoryFinding, type HistoryRecord } from './history.ts';

/** Why this audit could not re-check a finding of an earlier one; undefined when it did. */
export type RecheckCoverage = (item: { ruleId: string; file: string }) => { why: string; carry: boolean } | undefined;

export function computeProgress(records: readonly HistoryRecord[], findings: readonly Finding[], summary: AuditSummary, coverage: RecheckCoverage): AuditProgress | undefined {
  const previous = records[records.length - 1];
  if (!previous) return undefined;
  const trend = [...records.map((r) => trendPoint(r)), trendPoint({ ...summary, date: summary.date ?? '', commit: summary.commit })];
  const base: AuditProgress = {
    previous: {
      date: previous.date,
      score: previous.score,
      grade: previous.grade,
      securityGrade: previous.securityGrade,
      verdict: previous.verdict,
      ...(previous.commit ? { commit: previous.commit } : {}),
    },
    trend,
    fixed: [],
    new: [],
    regressed: [],
    stillOpen: [],
    triaged: [],
    reopened: [],
    notRechecked: [],
  };
  if (previous.fingerprintVersion !== FINGERPRINT_VERSION)
    return { ...base, note: `the previous audit used finding identities of another shipgate version (scheme ${previous.fingerprintVersion}, now ${FINGERPRINT_VERSION}); fixed and new findings are counted again from this audit on` };

  const before = new Map(previous.findings.map((f) => [f.fingerprint, f]));
  const earlier = new Set<string>();
  for (const record of records.slice(0, -1)) for (const f of record.findings) earlier.add(f.fingerprint);
  const current = new Set(findings.map((f) => f.fingerprint));

  for (const f of findings) {
    const was = before.get(f.fingerprint);
    if (f.status === 'open') {
      if (was && was.status === 'open') base.stillOpen.push(f.id);
      else if (was) base.reopened.push(f.id);
      else if (earlier.has(f.fingerprint)) base.regressed.push(f.id);
      else base.new.push(f.id);
    } else if (was?.status === 'open') base.triaged.push(f.id);
  }
  for (const was of previous.findings) {
    if (current.has(was.fingerprint)) continue;
    const item = ledgerItem(was);
    const missed = coverage({ ruleId: was.ruleId, file: was.file });
    if (missed) base.notRechecked.push({ ...item, status: was.status, why: missed.why, carried: missed.carry });
    else base.fixed.push(item);
  }
  base.fixed.sort(compareItems);
  base.notRechecked.sort(compareItems);
  // Re-running the audit on the same commit with the same result replaces the last record (history.ts):
  // the trend shows it once.
  if (!base.notRechecked.length && rerunKey(previous) === rerunKey({ ...summary, findings })) {
    base.trend.splice(base.trend.length - 2, 1);
    base.unchanged = true;
  }
  return base;
}

function trendPoint(r: Pick<HistoryRecord, 'date' | 'score' | 'grade' | 'verdict'> & { commit?: string }): AuditProgress['trend'][number] {
  return { date: r.date, score: r.score, grade: r.grade, verdict: r.verdict, ...(r.commit ? { commit: r.commit } : {}) };
}

function ledgerItem(f: HistoryFinding): LedgerItem {
  return {
    fingerprint: f.fingerprint,
    ...(f.id ? { id: f.id } : {}),
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    priority: f.priority,
    file: f.file,
    ...(f.line ? { line: f.line } : {}),
  };
}

const PRIORITY_ORDER = { P0: 0, P1: 1, P2: 2, P3: 3 } as const;

/** Priority, then file and line, then fingerprint: the order of a TODO list. */
export function compareItems(a: LedgerItem, b: LedgerItem): number {
  return (
    PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] ||
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0)
  );
}
