/**
 * Every number the score depends on. docs/scoring.md is generated from this file, so the
 * documentation cannot drift from the formula.
 */
import type { Category, Confidence, Severity } from '../model/rule.ts';

/** Points one finding of each severity deducts from its category's 100. */
export const SEVERITY_PENALTY: Record<Severity, number> = { critical: 30, high: 15, medium: 6, low: 2, info: 0 };

/** A rule that is right less often deducts less. */
export const CONFIDENCE_FACTOR: Record<Confidence, number> = { high: 1, medium: 0.75, low: 0.5 };

/**
 * Repeats of one rule deduct with diminishing returns: the n-th occurrence counts
 * REPEAT_DECAY^(n-1) of the first, and one rule never deducts more than RULE_CAP_MULTIPLIER
 * times its single-finding penalty. Ten unguarded routes are one problem, not ten.
 */
export const REPEAT_DECAY = 0.5;
export const RULE_CAP_MULTIPLIER = 2;

/**
 * Compound findings (one attack path or one failure made of several findings, e.g. a committed
 * `.env` with `DEBUG=true` + that service's port published on every interface + an admin route
 * without auth): the compound deducts its own points, in its own category, like any finding, and
 * each of its parts (`partOf`) deducts nothing while the compound is open, so one chain is
 * scored once and not as five alerts. A part still counts in the severity counts and the verdict
 * (each link still has to be fixed, and breaking any one link breaks the chain). When the
 * compound is triaged (accepted, false positive), its parts are scored on their own again.
 * The total effort counts the parts' hours, not the compound's (its estimate is the time to break
 * the chain at one link, work the parts already include).
 */
export const COMPOUND_SCORING = {
  partsScoredThroughCompound: true,
  partsCountInVerdict: true,
};

/** Weight of each category in the overall score (categories with no applicable rule are left out). */
export const CATEGORY_WEIGHTS: Record<Category, number> = {
  security: 40,
  concurrency: 12,
  'data-model': 6,
  completeness: 10,
  'code-health': 8,
  infrastructure: 12,
  testing: 8,
  compliance: 0,
  documentation: 4,
};

/** The overall score cannot exceed these while open findings of that severity remain. */
export const SCORE_CAP_WITH_OPEN: Partial<Record<Severity, number>> = { critical: 64, high: 84 };

/** Lowest score for each grade, best first. */
export const GRADE_THRESHOLDS: [string, number][] = [
  ['A+', 97],
  ['A', 93],
  ['A-', 90],
  ['B+', 87],
  ['B', 83],
  ['B-', 80],
  ['C+', 77],
  ['C', 73],
  ['C-', 70],
  ['D+', 67],
  ['D', 63],
  ['D-', 60],
  ['F', 0],
];

/** Verdict policy. */
export const VERDICT_POLICY = {
  /** Any open finding of these severities means NO-GO. */
  noGoSeverities: ['critical'] as Severity[],
  /** A security grade of F means NO-GO. */
  noGoSecurityGrade: 'F',
  /** Open findings of these severities mean GO WITH CONDITIONS. */
  conditionalSeverities: ['high'] as Severity[],
};
