/**
 * The action plan (report.plan): open findings grouped into changes, phases in priority order,
 * a week-by-week schedule for the team's capacity, success criteria per phase, the minimum cut to
 * GO and the timeline to production. Pure: everything it knows comes from the arguments, and every
 * "after" number is the audit re-scored without the findings the items close.
 */
import type { ActionPlan, PlanCut, PlanItem, PlanPhase, Verdict } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import { phaseCriteria } from './criteria.ts';
import { buildItems, compareItems, roundUp, type PlanRule } from './items.ts';
import { closeCompounds, minimumCut, type Evaluate, type Evaluation } from './minimum-cut.ts';
import { BLOCKER_PHASE_NAME, DEFAULT_TEAM, ESTIMATE_SPREAD, GROUPED_FINDING_FACTOR, PHASES, WEEKS_STEP, type PhasePolicy } from './weights.ts';

export type { Evaluate, Evaluation } from './minimum-cut.ts';
export { findAppRoots, type PlanRule } from './items.ts';

export interface Team {
  size: number;
  hoursPerWeek: number;
}

export interface PlanInput {
  /** Every finding of the report (ids assigned); only open ones are planned. */
  findings: readonly Finding[];
  rules: ReadonlyMap<string, PlanRule>;
  /** Folders that hold an application's manifest ('' for the root), for app-scoped grouping. */
  appRoots: readonly string[];
  team?: Team;
  /** Re-score the audit with some findings closed (the scoring and verdict policy of src/scoring/). */
  evaluate: Evaluate;
}

export function buildActionPlan(input: PlanInput): ActionPlan {
  const team = input.team ?? { ...DEFAULT_TEAM };
  const capacity = team.size * team.hoursPerWeek;
  const order = new Map(input.findings.map((f, i) => [f.id, i]));
  const sortItems = compareItems(order);

  // Items into phases, ordered inside each phase; FIX-NNN numbers follow the plan order.
  const phaseOf = (item: PlanItem) => PHASES.findIndex((p) => matches(p, item));
  const unordered = buildItems(input.findings, input.rules, input.appRoots);
  const grouped = PHASES.map((_, i) => unordered.filter((item) => phaseOf(item) === i).sort(sortItems));
  let n = 0;
  for (const items of grouped) for (const item of items) item.id = `FIX-${String(++n).padStart(3, '0')}`;
  const items = grouped.flat();

  const closedBy = (set: readonly PlanItem[]) => closeCompounds(new Set(set.flatMap((i) => i.findings)), input.findings);
  const schedule = scheduleItems(items, capacity);
  const weekOf = new Map<string, { first: number; last: number }>();
  for (const week of schedule)
    for (const part of week.items) {
      const seen = weekOf.get(part.id);
      weekOf.set(part.id, { first: seen?.first ?? week.week, last: week.week });
    }

  const criticalIds = new Set(input.findings.filter((f) => f.severity === 'critical').map((f) => f.id));
  const phases: PlanPhase[] = [];
  const done: PlanItem[] = [];
  grouped.forEach((phaseItems, i) => {
    if (!phaseItems.length) return;
    done.push(...phaseItems);
    const after = outcomeOf(input.evaluate(closedBy(done)));
    const hours = sum(phaseItems.map((x) => x.hours));
    const policy = PHASES[i];
    const name = i === 0 && phaseItems.some((x) => x.category !== 'security') ? BLOCKER_PHASE_NAME : policy.name;
    phases.push({
      name,
      goal: policy.goal,
      items: phaseItems,
      hours,
      weeks: round1(hours / capacity),
      startWeek: weekOf.get(phaseItems[0].id)?.first ?? 1,
      endWeek: weekOf.get(phaseItems[phaseItems.length - 1].id)?.last ?? 1,
      successCriteria: phaseCriteria(phaseItems, after, criticalIds),
      after,
    });
  });

  const current = input.evaluate(new Set());
  const cut = (target: Verdict): PlanCut => {
    const result = minimumCut(items, input.findings, input.evaluate, target);
    const hours = sum(result.items.map((i) => i.hours));
    return {
      items: result.items.map((i) => i.id),
      hours,
      weeks: round1(hours / capacity),
      weeksRange: weeksRange(hours, capacity),
      verdictAfter: result.outcome.verdict,
      after: outcomeOf(result.outcome),
      reachesTarget: result.reachesTarget,
      ...(result.reachesTarget ? {} : { note: `closing every planned item leaves the verdict at ${result.outcome.verdict}: ${target} needs more than the findings show` }),
    };
  };
  const toGo = cut('GO');
  const totalHours = sum(items.map((i) => i.hours));
  const ungroupedHours = round2(sum(input.findings.filter((f) => f.status === 'open').map((f) => f.effortHours)));
  return {
    team: { size: team.size, hoursPerWeek: team.hoursPerWeek },
    phases,
    schedule,
    minimumCutToGo: toGo,
    ...(current.verdict === 'NO-GO' ? { minimumCutToConditional: cut('GO WITH CONDITIONS') } : {}),
    timeline: {
      minimumViableWeeks: round1(toGo.hours / capacity),
      fullReadinessWeeks: round1(totalHours / capacity),
      totalHours,
      minimumViableRange: toGo.weeksRange,
      fullReadinessRange: weeksRange(totalHours, capacity),
    },
    ungroupedHours,
    assumptions: [
      `Team capacity: ${team.size} engineer${team.size === 1 ? '' : 's'} × ${team.hoursPerWeek} focused hours a week = ${capacity} hours a week, with the work split evenly (set --team-size and --hours-per-week, or teamSize / hoursPerWeek in the config).`,
      `Each finding costs its rule's typical estimate (the fix and a test). A change that closes several findings costs the largest estimate in full plus ${pct(GROUPED_FINDING_FACTOR.app)} (one change per application) or ${pct(GROUPED_FINDING_FACTOR.file)} (one change per file) of every further one.`,
      `Ranges run from the estimate to ${ESTIMATE_SPREAD}× the estimate, rounded up to ${WEEKS_STEP} week.`,
      'Only what the repository shows is planned: work it cannot show (provider settings, a penetration test, a compliance review, load testing against real infrastructure) comes on top.',
    ],
  };
}

function matches(policy: PhasePolicy, item: PlanItem): boolean {
  if (policy.allBlockers && item.priority === 'P0') return true;
  return (!policy.categories || policy.categories.includes(item.category)) && policy.priorities.includes(item.priority);
}

/** Fill each week with the team's capacity, items in plan order; an item larger than what is left runs into the next week. */
function scheduleItems(items: readonly PlanItem[], capacity: number): ActionPlan['schedule'] {
  const weeks: ActionPlan['schedule'] = [];
  let week = { week: 1, hours: 0, items: [] as { id: string; hours: number }[] };
  for (const item of items) {
    let left = item.hours;
    while (left > 1e-9) {
      const room = capacity - week.hours;
      if (room <= 1e-9) {
        weeks.push(week);
        week = { week: week.week + 1, hours: 0, items: [] };
        continue;
      }
      const take = Math.min(room, left);
      week.items.push({ id: item.id, hours: round2(take) });
      week.hours = round2(week.hours + take);
      left -= take;
    }
  }
  if (week.items.length) weeks.push(week);
  return weeks;
}

function outcomeOf(e: Evaluation) {
  return { score: e.score, grade: e.grade, securityGrade: e.securityGrade, verdict: e.verdict };
}

function weeksRange(hours: number, capacity: number): [number, number] {
  if (hours <= 0) return [0, 0];
  const low = hours / capacity;
  return [roundUp(low, WEEKS_STEP), roundUp(low * ESTIMATE_SPREAD, WEEKS_STEP)];
}

const sum = (xs: number[]) => round2(xs.reduce((s, x) => s + x, 0));
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
const pct = (x: number) => `${Math.round(x * 100)}%`;
