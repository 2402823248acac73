/**
 * Every number and policy the action plan depends on. docs/action-plan.md is generated from this
 * file (scripts/generated-files.ts), so the documentation cannot drift from the formula.
 */
import type { Category, FixScope } from '../model/rule.ts';
import type { Priority } from '../model/finding.ts';

/**
 * Cost of a grouped item: the finding with the largest estimate costs its full estimate (that is
 * the shared change: the middleware, the router dependency, the pinned file), and every further
 * finding the item closes costs this share of its own estimate (applying the change there and
 * testing it). `occurrence` items hold one finding, so the factor never applies to them.
 */
export const GROUPED_FINDING_FACTOR: Record<FixScope, number> = { occurrence: 1, file: 0.5, app: 0.2 };

/** Item hours are rounded up to this step. */
export const HOURS_STEP = 0.25;

/** Team capacity when neither `--team-size` / `--hours-per-week` nor the config says otherwise. */
export const DEFAULT_TEAM = { size: 1, hoursPerWeek: 30 } as const;

/**
 * The rules' estimates are typical hours; real work overruns. Timelines are given as a range from
 * the estimate to the estimate times this factor.
 */
export const ESTIMATE_SPREAD = 1.5;

/** Weeks in timelines are rounded up to this step. */
export const WEEKS_STEP = 0.5;

/**
 * Phases in priority order: an item goes into the first phase whose categories and priorities
 * match it. Security blockers come first, as in the reference plans; everything not matched
 * earlier (medium security hardening, code health, every P3 item) lands in the last phase.
 */
export interface PhasePolicy {
  name: string;
  goal: string;
  /** Any category when absent. */
  categories?: Category[];
  priorities: Priority[];
  /** Also take every P0 item of any category (the blockers). */
  allBlockers?: boolean;
}

export const PHASES: PhasePolicy[] = [
  {
    name: 'Critical Security Fixes',
    goal: 'Close every deployment blocker and every high-severity security gap: nothing critical may stay open in production.',
    categories: ['security'],
    priorities: ['P0', 'P1'],
    allBlockers: true,
  },
  {
    name: 'Reliability & Infrastructure',
    goal: 'Make the service survive real traffic and several replicas: shared state, blocking calls, connections, containers, missing implementations.',
    categories: ['concurrency', 'infrastructure', 'data-model', 'completeness'],
    priorities: ['P1', 'P2'],
  },
  {
    name: 'Testing',
    goal: 'Put a test suite in place and run it on every change, so the fixes above stay fixed.',
    categories: ['testing'],
    priorities: ['P1', 'P2'],
  },
  {
    name: 'Compliance & Documentation',
    goal: 'Meet the obligations the data calls for and document how to run, deploy and secure the service.',
    categories: ['compliance', 'documentation'],
    priorities: ['P1', 'P2'],
  },
  {
    name: 'Code Quality & Hardening',
    goal: 'Pay down the remaining medium and low findings: defence in depth, code health, technical debt.',
    priorities: ['P0', 'P1', 'P2', 'P3'],
  },
];

/** Name of the first phase when it also holds blockers outside security (a critical infrastructure or compliance gap). */
export const BLOCKER_PHASE_NAME = 'Critical Security Fixes and Blockers';
