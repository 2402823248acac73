import type { AuditReport } from '../model/audit-report.ts';
import type { Severity } from '../model/rule.ts';

/** Documented exit codes (README "Exit codes"). */
export const EXIT = { ok: 0, thresholdHit: 1, usage: 2, internal: 3 } as const;

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
export type FailOn = Severity | 'none';

/**
 * 1 when an open finding is at or above the --fail-on severity, else 0. Triaged findings never
 * count; with --baseline / --changed-since only the findings in scope (new ones) do.
 */
export function exitCodeFor(report: AuditReport, failOn: FailOn | undefined): number {
  if (!failOn || failOn === 'none') return EXIT.ok;
  const hit = report.findings.some((f) => f.status === 'open' && (!report.scope || f.scope === 'new') && RANK[f.severity] >= RANK[failOn]);
  return hit ? EXIT.thresholdHit : EXIT.ok;
}
