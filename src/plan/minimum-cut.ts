/**
 * The minimum cut: the smallest set of plan items (by hours) whose completion turns the verdict
 * into the target. Every candidate set is judged by re-scoring the audit without the findings it
 * closes — the verdict policy of src/scoring/ decides, nothing here guesses it.
 *
 * 1. Every item that closes a finding the target verdict cannot tolerate (critical for GO WITH
 *    CONDITIONS; critical and high for GO) is in the cut: no other item closes that finding.
 * 2. While the verdict still falls short (a failing security grade from many medium findings),
 *    add the item that improves the re-scored audit most per hour.
 * 3. Drop, largest first, every item the cut still reaches the target without. The result is
 *    irreducible: no item of it can be left out.
 */
import type { PlanItem, PlanOutcome, Verdict } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import type { Severity } from '../model/rule.ts';
import { VERDICT_POLICY } from '../scoring/weights.ts';

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

export interface CutResult {
  items: PlanItem[];
  outcome: Evaluation;
  reachesTarget: boolean;
}

/** Evaluations allowed in the greedy step (each one re-scores every finding); past it, items are taken in plan order. */
const MAX_EVALUATIONS = 4000;

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
  let outcome = evaluate(closedBy(chosen));

  let evaluations = 0;
  while (!reaches(outcome)) {
    const rest = items.filter((i) => !chosen.includes(i));
    if (!rest.length) break;
    let best: { item: PlanItem; e: Evaluation; value: number } | undefined;
    if (evaluations + rest.length <= MAX_EVALUATIONS) {
      for (const item of rest) {
        const e = evaluate(closedBy([...chosen, item]));
        evaluations++;
        const value = gain(outcome, e) / Math.max(item.hours, 0.25);
        if (!best || value > best.value) best = { item, e, value };
      }
    }
    if (!best || best.value <= 0) {
      // Nothing single moves the audit (or the budget is spent): take the next item in plan order.
      const item = rest[0];
      best = { item, e: evaluate(closedBy([...chosen, item])), value: 0 };
    }
    chosen.push(best.item);
    outcome = best.e;
  }
  if (!reaches(outcome)) return { items: [...items], outcome: evaluate(closedBy(items)), reachesTarget: false };

  // Prune: largest first, drop every item the target is still reached without.
  for (const item of [...chosen].sort((a, b) => b.hours - a.hours || b.id.localeCompare(a.id))) {
    const without = chosen.filter((i) => i !== item);
    const e = evaluate(closedBy(without));
    if (reaches(e)) {
      chosen.splice(chosen.indexOf(item), 1);
      outcome = e;
    }
  }
  return { items: items.filter((i) => chosen.includes(i)), outcome, reachesTarget: true };
}

/** How much closer to GO an evaluation is: verdict first, then the security grade's score, then the overall score. */
function gain(from: Evaluation, to: Evaluation): number {
  return (
    (VERDICT_RANK[to.verdict] - VERDICT_RANK[from.verdict]) * 1000 +
    ((to.securityScore ?? 100) - (from.securityScore ?? 100)) * 2 +
    (to.score - from.score)
  );
}
