import { describe, expect, it } from 'vitest';
import type { Finding, RuleOutcome } from '../../src/model/finding.ts';
import type { RuleMeta, Severity } from '../../src/model/rule.ts';
import { gradeOf, ruleDeduction, summarise } from '../../src/scoring/score.ts';
import { SEVERITY_PENALTY } from '../../src/scoring/weights.ts';

const meta = (id: string, category: RuleMeta['category'] = 'security') => ({ id, category }) as RuleMeta;
const finding = (ruleId: string, severity: Severity, extra: Partial<Finding> = {}): Finding =>
  ({ ruleId, severity, confidence: 'high', status: 'open', category: 'security', priority: 'P0', effortHours: 1, ...extra }) as Finding;

function summary(findings: Finding[], metas: RuleMeta[]) {
  const outcomes: RuleOutcome[] = metas.map((m) => ({ ruleId: m.id, status: findings.some((f) => f.ruleId === m.id) ? 'failed' : 'passed', findings: [], durationMs: 0 }));
  return summarise({
    outcomes,
    metas: new Map(metas.map((m) => [m.id, m])),
    findings,
    filesAudited: 1,
    linesOfCode: { python: 10, js: 0, other: 0 },
    routes: { total: 0, guarded: 0, unguardedStateChanging: 0 },
  });
}

describe('scoring', () => {
  it('maps scores to grades at the documented thresholds', () => {
    expect(gradeOf(100)).toBe('A+');
    expect(gradeOf(93)).toBe('A');
    expect(gradeOf(70)).toBe('C-');
    expect(gradeOf(59)).toBe('F');
  });

  it('deducts repeats of one rule with diminishing returns, capped', () => {
    const one = ruleDeduction([finding('r', 'high')]);
    const ten = ruleDeduction(Array.from({ length: 10 }, () => finding('r', 'high')));
    expect(one).toBe(SEVERITY_PENALTY.high);
    expect(ten).toBeGreaterThan(one);
    expect(ten).toBeLessThanOrEqual(2 * one);
  });

  it('ignores triaged findings', () => {
    expect(ruleDeduction([finding('r', 'critical', { status: 'accepted' })])).toBe(0);
  });

  it('is NO-GO with an open critical, GO WITH CONDITIONS with only highs, GO otherwise', () => {
    const metas = [meta('a'), meta('b')];
    expect(summary([finding('a', 'critical')], metas).verdict).toBe('NO-GO');
    expect(summary([finding('a', 'critical')], metas).securityGrade).toBe('F');
    expect(summary([finding('a', 'high')], metas).verdict).toBe('GO WITH CONDITIONS');
    expect(summary([finding('a', 'medium')], metas).verdict).toBe('GO');
    expect(summary([], metas)).toMatchObject({ verdict: 'GO', score: 100, grade: 'A+' });
    expect(summary([finding('a', 'critical', { status: 'false-positive' })], metas).verdict).toBe('GO');
  });

  it('caps the overall score while critical findings are open', () => {
    const metas = [meta('a'), meta('b', 'completeness'), meta('c', 'concurrency')];
    expect(summary([finding('b', 'critical', { category: 'completeness' })], metas).score).toBeLessThanOrEqual(64);
  });
});
