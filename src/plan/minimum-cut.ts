/**
 * The minimum cut: the smallest set of plan items (by hours) whose completion turns the verdict
 * into the target. Every candidate set is judged by re-scoring the audit without the findings it
 * closes — the verdict policy of src/scoring/ decides, nothing here guesses it.
 *
 * 1. Every item that closes a finding the target verdict cannot tolerate (critical for GO WITH
 *    CONDITIONS; critical and high for GO) is in the cut: no other item closes that finding.
 * 2. While the verdict still falls short (a failing security grade from many medium findings),
 *    add the shortest prefix of the remaining items, in order of the score points they are worth
 *    per hour (security first when the security grade blocks), that reaches it — found by binary
 *    search, as closing more findings never lowers the score.
 * 3. Drop, largest first, every item of step 2 the cut still reaches the target without. The
 *    result is irreducible: no item of it can be left out (a step-1 item closes a finding the
 *    policy does not tolerate).
 */
import type { PlanItem, PlanOutcome, Verdict } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import type { Severity } from '../model/rule.ts';
import { CONFIDENCE_FACTOR, SEVERITY_PENALTY, VERDICT_POLICY } from '../scoring/weights.ts';

export interface Evaluation extends PlanOutcome {
  /** The security category's score, null when no security rule applied. */
  securityScore: number | null;
}

/** Re-score the audit with these findings (ids) closed. */
export type Evaluate = (closed: ReadonlySet<string>) => Evaluation;

export const VERDICT_RANK: Record<Verdict, number> = { 'NO-GO': 0, 'GO WITH CONDITIONS': 1, GO: 2 };

/** Severities an open finding of which keeps the verdict below `target`. */
export function blockingSeverities(target: Verdict): Severity[] {
  if (target === 'GO') return [...VERDICT_POLICY.noGoSeverities, ...VERDICT_POLICY.conditionalSeverities];
  if (target === 'GO WITH CONDITIONS') return [...VERDICT_POLICY.noGoSeverities];
  return [];
}

/** Closing every part of a compound finding closes the compound too. */
export function closeCompounds(closed: Set<string>, findings: readonly Finding[]): Set<string> {
  for (const f of findings) if (f.parts?.length && f.parts.every((p) => closed.has(p))) closed.add(f.id);
  return closed;
}

/** Re-scorings the prune step may spend; past it (a repository with hundreds of medium findings) the cut is the shortest prefix found. */
const PRUNE_BUDGET = 150;

export interface CutResult {
  items: PlanItem[];
  outcome: Evaluation;
  reachesTarget: boolean;
}

export function minimumCut(items: readonly PlanItem[], findings: readonly Finding[], evaluate: Evaluate, target: Verdict): CutResult {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const closedBy = (set: readonly PlanItem[]) => closeCompounds(new Set(set.flatMap((i) => i.findings)), findings);
  const reaches = (e: Evaluation) => VERDICT_RANK[e.verdict] >= VERDICT_RANK[target];
  const current = evaluate(new Set());
  if (reaches(current)) return { items: [], outcome: current, reachesTarget: true };

  const blocking = new Set(blockingSeverities(target));
  const isBlocking = (f: Finding | undefined): boolean =>
    f !== undefined && f.status === 'open' && (blocking.has(f.severity) || (f.partOf !== undefined && isBlocking(byId.get(f.partOf))));
  const chosen = items.filter((item) => item.findings.some((id) => isBlocking(byId.get(id))));
  const mandatoryCount = chosen.length;
  let outcome = evaluate(closedBy(chosen));

  // The remaining items by how many score points they are worth per hour (security first when the
  // security grade is what blocks); closing more never lowers the score, so the shortest prefix of
  // that order that reaches the target is found by binary search.
  if (!reaches(outcome)) {
    const securityBlocks = outcome.securityGrade === VERDICT_POLICY.noGoSecurityGrade;
    const worth = (item: PlanItem) =>
      item.findings.reduce((sum, id) => {
        const f = byId.get(id);
        if (!f || f.status !== 'open') return sum;
        return sum + SEVERITY_PENALTY[f.severity] * CONFIDENCE_FACTOR[f.confidence] * (securityBlocks && f.category !== 'security' ? 0.01 : 1);
      }, 0) / Math.max(item.hours, 0.25);
    const rest = items.filter((i) => !chosen.includes(i)).sort((a, b) => worth(b) - worth(a) || a.hours - b.hours || a.id.localeCompare(b.id));
    const withPrefix = (k: number) => evaluate(closedBy([...chosen, ...rest.slice(0, k)]));
    const all = withPrefix(rest.length);
    if (reaches(all)) {
      let low = 1;
      let high = rest.length;
      let best = all; // always the evaluation at `high`
      while (low < high) {
        const mid = (low + high) >> 1;
        const e = withPrefix(mid);
        if (reaches(e)) {
          high = mid;
          best = e;
        } else low = mid + 1;
      }
      chosen.push(...rest.slice(0, low));
      outcome = best;
    } else {
      chosen.push(...rest);
      outcome = all;
    }
  }
  if (!reaches(outcome)) return { items: [...items], outcome: evaluate(closedBy(items)), reachesTarget: false };

  // Prune the items step 2 added, largest first: drop every one the target is still reached without
  // (within PRUNE_BUDGET re-scorings). The blocking items of step 1 stay: by the verdict policy,
  // leaving one out leaves its finding open.
  for (const item of chosen.slice(mandatoryCount).sort((a, b) => b.hours - a.hours || b.id.localeCompare(a.id)).slice(0, PRUNE_BUDGET)) {
    const without = chosen.filter((i) => i !== item);
    const e = evaluate(closedBy(without));
    if (reaches(e)) {
      chosen.splice(chosen.indexOf(item), 1);
      outcome = e;
    }
  }
  return { items: items.filter((i) => chosen.includes(i)), outcome, reachesTarget: true };
}
