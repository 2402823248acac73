import type { AuditSummary, CategoryScore, RiskLevel, Verdict } from '../model/audit-report.ts';
import type { Finding, RuleOutcome } from '../model/finding.ts';
import type { Category, RuleMeta, Severity } from '../model/rule.ts';
import {
  CATEGORY_WEIGHTS,
  COMPOUND_SCORING,
  CONFIDENCE_FACTOR,
  GRADE_THRESHOLDS,
  REPEAT_DECAY,
  RULE_CAP_MULTIPLIER,
  SCORE_CAP_WITH_OPEN,
  SEVERITY_PENALTY,
  VERDICT_POLICY,
} from './weights.ts';

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function gradeOf(score: number): string {
  for (const [grade, min] of GRADE_THRESHOLDS) if (score >= min) return grade;
  return 'F';
}

/** Points one rule's open findings deduct from its category. */
export function ruleDeduction(findings: Finding[]): number {
  const open = findings.filter((f) => f.status === 'open');
  if (!open.length) return 0;
  const penalties = open.map((f) => SEVERITY_PENALTY[f.severity] * CONFIDENCE_FACTOR[f.confidence]).sort((a, b) => b - a);
  const total = penalties.reduce((sum, p, i) => sum + p * REPEAT_DECAY ** i, 0);
  return round1(Math.min(total, penalties[0] * RULE_CAP_MULTIPLIER));
}

/**
 * The findings that deduct points: a part of an open compound finding is scored through the
 * compound (COMPOUND_SCORING), not on its own; when the compound is triaged, its parts count again.
 */
export function scoredFindings(findings: Finding[]): Finding[] {
  if (!COMPOUND_SCORING.partsScoredThroughCompound) return findings;
  const openCompounds = new Set(findings.filter((f) => f.parts?.length && f.status === 'open').map((f) => f.id));
  return findings.filter((f) => !(f.partOf && openCompounds.has(f.partOf)));
}

export function scoreCategories(outcomes: RuleOutcome[], metas: Map<string, RuleMeta>, findings: Finding[]): CategoryScore[] {
  const byRule = new Map<string, Finding[]>();
  for (const f of scoredFindings(findings)) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const categories = Object.keys(CATEGORY_WEIGHTS) as Category[];
  return categories.map((category) => {
    const ran = outcomes.filter((o) => metas.get(o.ruleId)?.category === category && (o.status === 'passed' || o.status === 'failed'));
    if (!ran.length) return { category, score: null, grade: null, weight: CATEGORY_WEIGHTS[category], deductions: [] };
    const deductions = ran
      .map((o) => ({ ruleId: o.ruleId, points: ruleDeduction(byRule.get(o.ruleId) ?? []), findings: (byRule.get(o.ruleId) ?? []).filter((f) => f.status === 'open').length }))
      .filter((d) => d.points > 0);
    const score = Math.max(0, Math.round(100 - deductions.reduce((s, d) => s + d.points, 0)));
    return { category, score, grade: gradeOf(score), weight: CATEGORY_WEIGHTS[category], deductions };
  });
}

export interface SummaryInputs {
  outcomes: RuleOutcome[];
  metas: Map<string, RuleMeta>;
  findings: Finding[];
  filesAudited: number;
  linesOfCode: { python: number; js: number; other: number };
  routes: AuditSummary['routes'];
}

export function summarise(input: SummaryInputs): AuditSummary {
  const categories = scoreCategories(input.outcomes, input.metas, input.findings);
  const open = input.findings.filter((f) => f.status === 'open');
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, open.filter((f) => f.severity === s).length])) as Record<Severity, number>;
  const priorities = { P0: 0, P1: 0, P2: 0, P3: 0 };
  for (const f of open) priorities[f.priority]++;

  const weighted = categories.filter((c) => c.score !== null && c.weight > 0);
  const totalWeight = weighted.reduce((s, c) => s + c.weight, 0);
  let score = totalWeight ? Math.round(weighted.reduce((s, c) => s + c.score! * c.weight, 0) / totalWeight) : 100;
  for (const severity of SEVERITIES) {
    const cap = SCORE_CAP_WITH_OPEN[severity];
    if (cap !== undefined && counts[severity] > 0) score = Math.min(score, cap);
  }

  const security = categories.find((c) => c.category === 'security');
  const openSecurityCritical = open.some((f) => f.category === 'security' && f.severity === 'critical');
  const securityGrade = openSecurityCritical ? 'F' : security?.grade ?? 'N/A';

  const verdictReasons: string[] = [];
  for (const s of VERDICT_POLICY.noGoSeverities) if (counts[s]) verdictReasons.push(`${counts[s]} open ${s} finding${counts[s] === 1 ? '' : 's'}`);
  if (securityGrade === VERDICT_POLICY.noGoSecurityGrade) verdictReasons.push(`security grade ${securityGrade}`);
  let verdict: Verdict = 'GO';
  if (verdictReasons.length) verdict = 'NO-GO';
  else {
    for (const s of VERDICT_POLICY.conditionalSeverities) if (counts[s]) verdictReasons.push(`${counts[s]} open ${s} finding${counts[s] === 1 ? '' : 's'}`);
    if (verdictReasons.length) verdict = 'GO WITH CONDITIONS';
    else verdictReasons.push('no open critical or high findings');
  }
  const riskLevel: RiskLevel = counts.critical ? 'CRITICAL' : counts.high ? 'HIGH' : counts.medium ? 'MEDIUM' : 'LOW';
  const loc = input.linesOfCode;
  return {
    score,
    grade: gradeOf(score),
    securityGrade,
    verdict,
    riskLevel,
    verdictReasons,
    counts,
    priorities,
    categories,
    // A compound finding's hours are those of breaking its chain; its parts carry the work, so it is not added again.
    effortHours: round1(open.filter((f) => !f.parts?.length).reduce((s, f) => s + f.effortHours, 0)),
    filesAudited: input.filesAudited,
    linesOfCode: { ...loc, total: loc.python + loc.js + loc.other },
    routes: input.routes,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
