import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.ts';
import type { RuleMeta } from '../../src/model/rule.ts';
import { summarise } from '../../src/scoring/score.ts';
import { buildActionPlan, type PlanRule } from '../../src/plan/index.ts';
import { appRootOf, buildItems, findAppRoots, groupedHours } from '../../src/plan/items.ts';
import { closeCompounds, minimumCut, VERDICT_RANK } from '../../src/plan/minimum-cut.ts';
import { BLOCKER_PHASE_NAME, GROUPED_FINDING_FACTOR, PHASES } from '../../src/plan/weights.ts';
import { SAMPLE_RULES, sampleEvaluate, sampleFindings } from '../support/sample-report.ts';

const rules = new Map<string, PlanRule>(SAMPLE_RULES.map((r) => [r.id, { id: r.id, title: r.title, fixScope: r.fixScope, fixTitle: r.fixTitle, scorecard: r.scorecard }]));

function plan(findings: Finding[] = sampleFindings(), team = { size: 1, hoursPerWeek: 30 }, appRoots = ['']) {
  const { evaluate } = sampleEvaluate(findings);
  return { plan: buildActionPlan({ findings, rules, appRoots, team, evaluate }), evaluate, findings };
}

describe('grouping and hours', () => {
  it('costs a grouped item as the largest estimate plus the scope factor of the rest, rounded up to a quarter hour', () => {
    expect(groupedHours([1], 'app')).toBe(1);
    const quarter = (h: number) => Math.ceil(h * 4 - 1e-9) / 4;
    expect(groupedHours([1, 1, 1, 1, 1], 'app')).toBe(quarter(1 + GROUPED_FINDING_FACTOR.app * 4));
    expect(groupedHours([1, 1, 1, 1, 1], 'app')).toBeLessThan(5);
    expect(groupedHours([3, 3, 3], 'file')).toBe(quarter(3 + GROUPED_FINDING_FACTOR.file * 6));
    expect(groupedHours([2, 0.5], 'occurrence')).toBe(2.5);
    expect(groupedHours([0.25, 0.25, 0.25], 'app')).toBe(0.5); // 0.25 + 0.1 → rounded up
    expect(groupedHours([], 'app')).toBe(0);
  });

  it('finds application folders from manifests and places files in the deepest one', () => {
    const roots = findAppRoots(['backend/requirements.txt', 'frontend/package.json', 'package.json', 'backend/app/main.py', 'README.md']);
    expect(roots).toEqual(['', 'backend', 'frontend']);
    expect(appRootOf('backend/app/main.py', roots)).toBe('backend');
    expect(appRootOf('frontend/app/api/route.ts', roots)).toBe('frontend');
    expect(appRootOf('docker-compose.yml', roots)).toBe('');
    expect(appRootOf('backend-old/x.py', roots)).toBe('');
  });

  it('makes one item per app for app-scoped rules, per file for file-scoped rules, per finding otherwise', () => {
    const findings = sampleFindings();
    const items = buildItems(findings, rules, ['']);
    const auth = items.filter((i) => i.ruleId === 'route-missing-auth');
    // HIGH-001 and HIGH-003 are open; LOW-002 is triaged and not planned.
    expect(auth).toHaveLength(1);
    expect(auth[0].findings.sort()).toEqual(['HIGH-001', 'HIGH-003']);
    expect(auth[0].routes.sort()).toEqual(['DELETE /users/{id}', 'POST /admin/reset']);
    expect(auth[0].hours).toBe(1.25);
    expect(auth[0].ungroupedHours).toBe(2);
    const pins = items.filter((i) => i.ruleId === 'container-image-unpinned');
    expect(pins).toHaveLength(1);
    expect(pins[0].where).toBe('docker-compose.yml');
    expect(pins[0].title).toBe('Pin every image in docker-compose.yml');
    expect(items.filter((i) => i.ruleId === 'hardcoded-secret')).toHaveLength(1); // INFO-001 is a false positive
    // The compound finding is closed through its parts, not planned on its own.
    expect(items.some((i) => i.findings.includes('CRIT-001'))).toBe(false);
  });

  it('splits app-scoped items by application folder', () => {
    const findings = sampleFindings().map((f) => (f.id === 'HIGH-003' ? { ...f, location: { ...f.location, file: 'admin-ui/app/api/route.ts' } } : f));
    const items = buildItems(findings, rules, ['', 'admin-ui', 'app']);
    const auth = items.filter((i) => i.ruleId === 'route-missing-auth');
    expect(auth.map((i) => i.where).sort()).toEqual(['admin-ui', 'app']);
    expect(auth.map((i) => i.title).sort()).toEqual(['Require authentication at the router in admin-ui/', 'Require authentication at the router in app/']);
  });

  it('closes a compound finding when every part is closed', () => {
    const findings = sampleFindings();
    expect(closeCompounds(new Set(['HIGH-002']), findings).has('CRIT-001')).toBe(false);
    expect(closeCompounds(new Set(['HIGH-002', 'HIGH-003']), findings).has('CRIT-001')).toBe(true);
  });
});

describe('phases and schedule', () => {
  it('puts blockers and high security items first, reliability next, the rest last, numbered in plan order', () => {
    const { plan: p } = plan();
    const names = p.phases.map((x) => x.name);
    expect(names[0]).toBe(PHASES[0].name); // only security items are P0/P1 security here
    expect(names).toContain('Reliability & Infrastructure');
    expect(names[names.length - 1]).toBe('Code Quality & Hardening');
    const ids = p.phases.flatMap((x) => x.items.map((i) => i.id));
    expect(ids).toEqual(ids.map((_, i) => `FIX-${String(i + 1).padStart(3, '0')}`));
    const first = p.phases[0].items;
    expect(first.every((i) => i.category === 'security' && (i.priority === 'P0' || i.priority === 'P1'))).toBe(true);
    expect(first[0].priority).toBe('P0');
    expect(p.phases.find((x) => x.name === 'Reliability & Infrastructure')!.items.map((i) => i.ruleId)).toEqual(['module-state-mutated-in-handler', 'container-image-unpinned']);
  });

  it('names the first phase for blockers when a critical finding outside security is in it', () => {
    const findings = sampleFindings().map((f) => (f.id === 'HIGH-005' ? { ...f, severity: 'critical' as const, priority: 'P0' as const } : f));
    const { plan: p } = plan(findings);
    expect(p.phases[0].name).toBe(BLOCKER_PHASE_NAME);
    expect(p.phases[0].items.some((i) => i.ruleId === 'module-state-mutated-in-handler')).toBe(true);
  });

  it('fills weeks up to the team capacity and splits an item that does not fit', () => {
    const { plan: p } = plan(sampleFindings(), { size: 1, hoursPerWeek: 2 });
    const total = p.phases.reduce((s, x) => s + x.hours, 0);
    expect(p.schedule.reduce((s, w) => s + w.hours, 0)).toBeCloseTo(total, 5);
    for (const week of p.schedule) expect(week.hours).toBeLessThanOrEqual(2 + 1e-9);
    const hoursById = new Map<string, number>();
    for (const week of p.schedule) for (const part of week.items) hoursById.set(part.id, (hoursById.get(part.id) ?? 0) + part.hours);
    for (const item of p.phases.flatMap((x) => x.items)) expect(hoursById.get(item.id)).toBeCloseTo(item.hours, 5);
    const split = p.phases.flatMap((x) => x.items).find((i) => i.hours > 2);
    expect(split).toBeDefined();
    expect(p.schedule.filter((w) => w.items.some((part) => part.id === split!.id)).length).toBeGreaterThan(1);
    expect(p.phases[0].startWeek).toBe(1);
    expect(p.phases[p.phases.length - 1].endWeek).toBe(p.schedule.length);
  });

  it('scales weeks with the team', () => {
    const one = plan(sampleFindings(), { size: 1, hoursPerWeek: 3 }).plan;
    const three = plan(sampleFindings(), { size: 3, hoursPerWeek: 3 }).plan;
    expect(three.timeline.totalHours).toBe(one.timeline.totalHours);
    expect(three.timeline.fullReadinessWeeks).toBeCloseTo(one.timeline.fullReadinessWeeks / 3, 0);
    expect(three.schedule.length).toBeLessThan(one.schedule.length);
    expect(three.timeline.fullReadinessRange[1]).toBeGreaterThanOrEqual(three.timeline.fullReadinessRange[0]);
  });

  it('derives success criteria from the items and re-scores the audit after each phase', () => {
    const { plan: p, evaluate } = plan();
    const first = p.phases[0];
    expect(first.successCriteria[0]).toMatch(/^0 open critical findings \(1 critical finding closed\)$/);
    expect(first.successCriteria.some((c) => c.startsWith('Authentication: every admin and state-changing route requires authentication'))).toBe(true);
    expect(first.successCriteria[first.successCriteria.length - 1]).toBe(`Re-audit: score ${first.after.score}/100 (grade ${first.after.grade}), security grade ${first.after.securityGrade}, verdict ${first.after.verdict}`);
    const last = p.phases[p.phases.length - 1];
    const everything = new Set(p.phases.flatMap((x) => x.items.flatMap((i) => i.findings)));
    expect(last.after).toEqual((({ securityScore, ...o }) => (void securityScore, o))(evaluate(closeCompounds(everything, sampleFindings()))));
    expect(last.after.verdict).toBe('GO');
    // Scores never go down as phases complete.
    for (let i = 1; i < p.phases.length; i++) expect(p.phases[i].after.score).toBeGreaterThanOrEqual(p.phases[i - 1].after.score);
  });
});

describe('minimum cut to GO', () => {
  it('is the blocking items only when those suffice, and the verdict after them is GO', () => {
    const { plan: p, evaluate, findings } = plan();
    const cut = p.minimumCutToGo;
    expect(cut.reachesTarget).toBe(true);
    expect(cut.verdictAfter).toBe('GO');
    const items = p.phases.flatMap((x) => x.items);
    const chosen = items.filter((i) => cut.items.includes(i.id));
    // Every open critical and high finding (the parts of CRIT-001 included) is closed by the cut.
    const closed = closeCompounds(new Set(chosen.flatMap((i) => i.findings)), findings);
    for (const f of findings.filter((x) => x.status === 'open' && (x.severity === 'critical' || x.severity === 'high'))) expect(closed.has(f.id), f.id).toBe(true);
    expect(chosen.some((i) => i.ruleId === 'container-image-unpinned')).toBe(false);
    expect(cut.hours).toBe(chosen.reduce((s, i) => s + i.hours, 0));
    expect(evaluate(closed).verdict).toBe('GO');
  });

  it('is irreducible: leaving out any item of it loses GO', () => {
    const { plan: p, evaluate, findings } = plan();
    const items = p.phases.flatMap((x) => x.items).filter((i) => p.minimumCutToGo.items.includes(i.id));
    for (const left of items) {
      const rest = items.filter((i) => i !== left);
      expect(evaluate(closeCompounds(new Set(rest.flatMap((i) => i.findings)), findings)).verdict, `without ${left.id}`).not.toBe('GO');
    }
  });

  it('adds the cheapest medium items when a failing security grade, not a severity, blocks GO', () => {
    // Six medium security findings of different rules sink the security score below the D- line, no critical or high open.
    const base = sampleFindings()[7];
    const mediums: Finding[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k, i) => ({ ...base, id: `MED-00${i + 1}`, ruleId: `medium-${k}`, category: 'security', severity: 'medium', priority: 'P2', effortHours: i + 1, fingerprint: `${k}`.repeat(16), data: {} }));
    const localRules = new Map<string, PlanRule>(mediums.map((f) => [f.ruleId, { id: f.ruleId, title: `Medium ${f.ruleId}` }]));
    const { evaluate } = evaluateFor(mediums);
    expect(evaluate(new Set()).verdict).toBe('NO-GO');
    const p = buildActionPlan({ findings: mediums, rules: localRules, appRoots: [''], evaluate });
    const cut = p.minimumCutToGo;
    expect(cut.verdictAfter).toBe('GO');
    expect(cut.items.length).toBeGreaterThan(0);
    expect(cut.items.length).toBeLessThan(mediums.length);
    // The cheapest findings are taken: each costs more than the last, so the cut is a prefix of the cheapest ones.
    const chosen = p.phases.flatMap((x) => x.items).filter((i) => cut.items.includes(i.id));
    const maxChosen = Math.max(...chosen.map((i) => i.hours));
    const skipped = p.phases.flatMap((x) => x.items).filter((i) => !cut.items.includes(i.id));
    expect(Math.min(...skipped.map((i) => i.hours))).toBeGreaterThanOrEqual(maxChosen);
  });

  it('is empty when the verdict is already GO, and has no separate cut to GO WITH CONDITIONS then', () => {
    const findings = sampleFindings().filter((f) => f.severity === 'medium' || f.severity === 'low');
    const { plan: p } = plan(findings);
    expect(p.minimumCutToGo.items).toEqual([]);
    expect(p.minimumCutToGo.hours).toBe(0);
    expect(p.minimumCutToConditional).toBeUndefined();
    expect(p.timeline.minimumViableWeeks).toBe(0);
  });

  it('gives the cut to a limited launch (GO WITH CONDITIONS) from NO-GO: critical work only', () => {
    const { plan: p } = plan();
    const conditional = p.minimumCutToConditional!;
    expect(conditional.verdictAfter).toBe('GO WITH CONDITIONS');
    expect(conditional.hours).toBeLessThan(p.minimumCutToGo.hours);
    expect(VERDICT_RANK[conditional.verdictAfter]).toBeLessThan(VERDICT_RANK[p.minimumCutToGo.verdictAfter]);
  });

  it('says so when even every item cannot reach the target', () => {
    const findings = sampleFindings();
    const { evaluate } = sampleEvaluate(findings);
    const stuck = () => ({ score: 10, grade: 'F', securityGrade: 'F', verdict: 'NO-GO' as const, securityScore: 0 });
    const items = buildItems(findings, rules, ['']).map((i, n) => ({ ...i, id: `FIX-${n}` }));
    const result = minimumCut(items, findings, stuck, 'GO');
    expect(result.reachesTarget).toBe(false);
    expect(evaluate(new Set()).verdict).toBe('NO-GO');
  });
});

function evaluateFor(findings: Finding[]) {
  // The sample evaluator only knows the sample rules; these findings use their own ids, so build outcomes for them.
  return sampleEvaluateWithRules(findings, [...new Set(findings.map((f) => f.ruleId))]);
}


function sampleEvaluateWithRules(findings: Finding[], ruleIds: string[]) {
  const metas = new Map(ruleIds.map((id) => [id, { id, category: 'security' } as unknown as RuleMeta]));
  const outcomes = ruleIds.map((id) => ({ ruleId: id, status: 'failed' as const, findings: [], durationMs: 0 }));
  const inputs = { outcomes, metas, findings, filesAudited: 1, linesOfCode: { python: 1, js: 0, other: 0 }, routes: { total: 0, guarded: 0, unguardedStateChanging: 0 } };
  return {
    evaluate: (closed: ReadonlySet<string>) => {
      const s = summarise({ ...inputs, findings: findings.map((f) => (closed.has(f.id) ? { ...f, status: 'fixed' as const } : f)) });
      return { score: s.score, grade: s.grade, securityGrade: s.securityGrade, verdict: s.verdict, securityScore: s.categories.find((c) => c.category === 'security')?.score ?? null };
    },
  };
}
