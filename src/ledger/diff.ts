/**
 * `shipgate diff A.json B.json`: what changed between two JSON results, finding by finding
 * (fingerprints decide identity), with the score, grade and verdict on both sides. Pure.
 */
import type { LedgerItem, Verdict } from '../model/audit-report.ts';
import type { FindingStatus } from '../model/finding.ts';
import type { Severity } from '../model/rule.ts';
import { compareItems } from './progress.ts';
import { ledgerItemOf } from './history.ts';
import type { ResultFile, ResultFinding } from './result-file.ts';

export interface DiffSide {
  file: string;
  target: string;
  tool: string;
  date?: string;
  commit?: string;
  score: number;
  grade: string;
  securityGrade: string;
  verdict: Verdict;
  counts: Record<string, number>;
}

export type DiffItem = LedgerItem & { status: FindingStatus; message?: string };

export interface ResultDiff {
  from: DiffSide;
  to: DiffSide;
  /** In A, not in B. */
  fixed: DiffItem[];
  /** In B, not in A (with B's status: a new finding may arrive already triaged). */
  new: DiffItem[];
  /** In both and open in B. */
  stillOpen: DiffItem[];
  /** In both, with another status in B (triaged, or reopened). */
  statusChanged: (DiffItem & { previousStatus: FindingStatus })[];
  /** Notes on the comparison (different targets). */
  notes: string[];
}

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function diffResults(a: ResultFile, aFile: string, b: ResultFile, bFile: string): ResultDiff {
  const before = new Map(a.findings.map((f) => [f.fingerprint, f]));
  const after = new Map(b.findings.map((f) => [f.fingerprint, f]));
  const item = (f: ResultFinding): DiffItem => ({ ...ledgerItemOf(f), status: f.status, ...(f.message ? { message: f.message } : {}) });
  const fixed = a.findings.filter((f) => !after.has(f.fingerprint)).map(item);
  const added = b.findings.filter((f) => !before.has(f.fingerprint)).map(item);
  const both = b.findings.filter((f) => before.has(f.fingerprint));
  const stillOpen = both.filter((f) => f.status === 'open' && before.get(f.fingerprint)!.status === 'open').map(item);
  const statusChanged = both
    .filter((f) => f.status !== before.get(f.fingerprint)!.status)
    .map((f) => ({ ...item(f), previousStatus: before.get(f.fingerprint)!.status }));
  const notes: string[] = [];
  if (a.target !== b.target) notes.push(`the results are of different folders (${a.target}, ${b.target})`);
  if (a.tool.version !== b.tool.version) notes.push(`made by different shipgate versions (${a.tool.version}, ${b.tool.version}): rule changes between them show up as fixed or new`);
  return {
    from: sideOf(a, aFile),
    to: sideOf(b, bFile),
    fixed: fixed.sort(compareItems),
    new: added.sort(compareItems),
    stillOpen: stillOpen.sort(compareItems),
    statusChanged: statusChanged.sort(compareItems),
    notes,
  };
}

function sideOf(r: ResultFile, file: string): DiffSide {
  return {
    file,
    target: r.target,
    tool: r.tool.version,
    ...(r.summary.date ? { date: r.summary.date } : {}),
    ...(r.summary.commit ? { commit: r.summary.commit } : {}),
    score: r.summary.score,
    grade: r.summary.grade,
    securityGrade: r.summary.securityGrade,
    verdict: r.summary.verdict,
    counts: r.summary.counts,
  };
}

/** `--fail-on` for a diff: a new open finding at or above the severity. */
export function diffHitsThreshold(diff: ResultDiff, failOn: Severity | 'none' | undefined): boolean {
  if (!failOn || failOn === 'none') return false;
  return diff.new.some((f) => f.status === 'open' && RANK[f.severity] >= RANK[failOn]);
}
