/**
 * Open findings → plan items: one item per change. A rule's `fixScope` decides how far one change
 * reaches: every finding of the rule in one application (`app`), in one file (`file`), or only
 * itself (`occurrence`). Compound findings are not items of their own: they close when their parts do.
 */
import type { PlanItem } from '../model/audit-report.ts';
import type { Finding, Priority } from '../model/finding.ts';
import type { FixScope, RuleMeta, Severity } from '../model/rule.ts';
import { GROUPED_FINDING_FACTOR, HOURS_STEP } from './weights.ts';

export type PlanRule = Pick<RuleMeta, 'id' | 'title' | 'fixScope' | 'fixTitle'> & { scorecard?: string };

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const PRIORITY_OF: Record<Severity, Priority> = { critical: 'P0', high: 'P1', medium: 'P2', low: 'P3', info: 'P3' };

/** Hours of a change closing these findings: the largest estimate in full, each further one at the scope's factor. */
export function groupedHours(estimates: number[], scope: FixScope): number {
  if (!estimates.length) return 0;
  const sorted = [...estimates].sort((a, b) => b - a);
  const rest = sorted.slice(1).reduce((s, h) => s + h, 0);
  return roundUp(sorted[0] + GROUPED_FINDING_FACTOR[scope] * rest, HOURS_STEP);
}

export function roundUp(value: number, step: number): number {
  return Math.ceil(value / step - 1e-9) * step;
}

/**
 * The application folder a file belongs to: the deepest folder holding a manifest
 * (package.json, requirements.txt, pyproject.toml …) that contains it; '' for the repository root.
 */
export function appRootOf(file: string, appRoots: readonly string[]): string {
  let best = '';
  for (const root of appRoots) if (root && (file === root || file.startsWith(`${root}/`)) && root.length > best.length) best = root;
  return best;
}

const MANIFEST = /(^|\/)(package\.json|requirements[\w.-]*\.txt|pyproject\.toml|Pipfile|setup\.py|manage\.py)$/;

/** Folders holding an application's manifest, from the audited file paths ('' for the root). */
export function findAppRoots(paths: readonly string[]): string[] {
  const roots = new Set<string>();
  for (const p of paths) if (MANIFEST.test(p)) roots.add(p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
  return [...roots].sort();
}

/** Plan items for the open findings, unordered ids (FIX-NNN are given once the plan is ordered). */
export function buildItems(findings: readonly Finding[], rules: ReadonlyMap<string, PlanRule>, appRoots: readonly string[]): PlanItem[] {
  const open = findings.filter((f) => f.status === 'open');
  const present = new Set(open.map((f) => f.id));
  const groups = new Map<string, { scope: FixScope; where: string; findings: Finding[] }>();
  for (const f of open) {
    // A compound finding closes when its parts do; it is planned through them.
    if (f.parts?.some((p) => present.has(p))) continue;
    const scope = rules.get(f.ruleId)?.fixScope ?? 'occurrence';
    const where = scope === 'app' ? appRootOf(f.location.file, appRoots) : scope === 'file' ? f.location.file : f.id;
    const key = `${f.ruleId}\0${scope}\0${where}`;
    const group = groups.get(key) ?? { scope, where, findings: [] };
    group.findings.push(f);
    groups.set(key, group);
  }
  const multipleApps = new Set(open.map((f) => appRootOf(f.location.file, appRoots))).size > 1;
  return [...groups.values()].map(({ scope, where, findings: members }) => {
    const first = members[0];
    const rule = rules.get(first.ruleId);
    const severity = members.reduce<Severity>((s, f) => (SEVERITY_RANK[f.severity] < SEVERITY_RANK[s] ? f.severity : s), 'info');
    const routes = [...new Set(members.filter((f) => f.data.method && f.data.path).map((f) => `${f.data.method} ${f.data.path}`))];
    return {
      id: '',
      title: itemTitle(rule, first, scope, where, multipleApps),
      ruleId: first.ruleId,
      scope,
      where: scope === 'occurrence' ? locationText(first) : where,
      findings: members.map((f) => f.id),
      files: [...new Set(members.map((f) => f.location.file))].sort(),
      routes,
      hours: groupedHours(
        members.map((f) => f.effortHours),
        scope,
      ),
      ungroupedHours: round2(members.reduce((s, f) => s + f.effortHours, 0)),
      priority: PRIORITY_OF[severity],
      severity,
      category: first.category,
      ...(rule?.scorecard ? { scorecard: rule.scorecard } : {}),
    };
  });
}

function itemTitle(rule: PlanRule | undefined, first: Finding, scope: FixScope, where: string, multipleApps: boolean): string {
  const action = rule?.fixTitle ?? rule?.title ?? first.title;
  if (scope === 'app') return multipleApps ? `${action} in ${where || '.'}/` : action;
  if (scope === 'file') return `${action} in ${where}`;
  return `${action} at ${locationText(first)}`;
}

function locationText(f: Finding): string {
  const { file, startLine } = f.location;
  return startLine ? `${file}:${startLine}` : file;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Order: priority, then severity, then where the first finding sorts in the report (its id order). */
export function compareItems(order: ReadonlyMap<string, number>): (a: PlanItem, b: PlanItem) => number {
  const firstIndex = (item: PlanItem) => Math.min(...item.findings.map((id) => order.get(id) ?? Number.MAX_SAFE_INTEGER));
  return (a, b) =>
    a.priority.localeCompare(b.priority) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || firstIndex(a) - firstIndex(b) || a.ruleId.localeCompare(b.ruleId);
}
