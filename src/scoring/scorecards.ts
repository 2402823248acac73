import type { ScorecardEntry } from '../model/audit-report.ts';
import type { Finding, RuleOutcome } from '../model/finding.ts';
import type { Route } from '../model/repo-index.ts';
import type { RuleMeta, ScorecardRow } from '../model/rule.ts';
import { isAdminPath, isPublicByDesign, isStateChangingMethod } from '../facts/routes/guard-names.ts';

/** Order of the security scorecard, following the reference audits. */
export const SECURITY_ROWS: ScorecardRow[] = [
  'Authentication',
  'Authorization',
  'Secrets Management',
  'Input Validation',
  'SQL Injection',
  'XSS Protection',
  'CSRF Protection',
  'CORS Configuration',
  'Rate Limiting',
  'File Upload Security',
  'Security Headers',
  'Webhook Security',
  'Cryptography',
  'Debug & Error Exposure',
  'Configuration',
];

/** One row per scorecard name that at least one selected rule assesses. */
export function buildScorecards(
  outcomes: RuleOutcome[],
  metas: Map<string, RuleMeta>,
  findings: Finding[],
  notesFor: Partial<Record<ScorecardRow, string>> = {},
): Record<string, ScorecardEntry[]> {
  const rows = new Map<string, { area: string; rules: string[]; applicable: string[] }>();
  for (const outcome of outcomes) {
    const meta = metas.get(outcome.ruleId);
    if (!meta) continue;
    const area = meta.category === 'security' ? 'security' : meta.category;
    const row = rows.get(meta.scorecard) ?? { area, rules: [], applicable: [] };
    row.rules.push(meta.id);
    if (outcome.status === 'passed' || outcome.status === 'failed') row.applicable.push(meta.id);
    rows.set(meta.scorecard, row);
  }
  const out: Record<string, ScorecardEntry[]> = { security: [] };
  const orderedNames = [...SECURITY_ROWS.filter((r) => rows.has(r)), ...[...rows.keys()].filter((r) => !SECURITY_ROWS.includes(r as ScorecardRow)).sort()];
  for (const name of orderedNames) {
    const row = rows.get(name)!;
    const related = findings.filter((f) => row.rules.includes(f.ruleId) && f.status === 'open');
    let status: ScorecardEntry['status'];
    let notes: string;
    if (!row.applicable.length) {
      status = 'N/A';
      notes = 'not applicable to this repository';
    } else if (related.some((f) => f.severity === 'critical' || f.severity === 'high')) {
      status = 'FAIL';
      notes = describe(related);
    } else if (related.length) {
      status = 'PARTIAL';
      notes = describe(related);
    } else {
      status = 'PASS';
      notes = `no issues found by ${row.applicable.length} check${row.applicable.length === 1 ? '' : 's'}`;
    }
    const extra = notesFor[name as ScorecardRow];
    if (extra && status !== 'N/A') notes = `${extra}; ${notes}`;
    (out[row.area] ??= []).push({ name, status, notes, findings: related.map((f) => f.id), rules: row.rules });
  }
  return out;
}

function describe(findings: Finding[]): string {
  const byTitle = new Map<string, number>();
  for (const f of findings) byTitle.set(f.title, (byTitle.get(f.title) ?? 0) + 1);
  return [...byTitle].map(([title, n]) => (n > 1 ? `${title} (${n})` : title)).join('; ');
}

/**
 * The Authentication row's evidence from the route model: the share of routes behind a guard and
 * every unguarded admin or state-changing route (the first few by name), e.g. "14 of 19 routes
 * (74%) require authentication; unguarded: 2 state-changing (`POST /calls`, …), 1 admin (`GET /admin`)".
 */
export function authenticationCoverage(routes: Route[]): string | undefined {
  if (!routes.length) return undefined;
  const guarded = routes.filter((r) => r.guards.length).length;
  const open = routes.filter((r) => !r.guards.length && !isPublicByDesign(r.path, r.handler.name));
  const admin = open.filter((r) => isAdminPath(r.path, r.handler.name));
  const changing = open.filter((r) => !admin.includes(r) && isStateChangingMethod(r.method));
  const list = (rs: Route[]) => {
    const names = rs.slice(0, 4).map((r) => `\`${r.method} ${r.path}\``);
    return rs.length > 4 ? `${names.join(', ')} and ${rs.length - 4} more` : names.join(', ');
  };
  const parts = [`${guarded} of ${routes.length} routes (${Math.round((guarded / routes.length) * 100)}%) require authentication`];
  const gaps = [...(admin.length ? [`${admin.length} admin (${list(admin)})`] : []), ...(changing.length ? [`${changing.length} state-changing (${list(changing)})`] : [])];
  if (gaps.length) parts.push(`unguarded: ${gaps.join(', ')}`);
  return parts.join('; ');
}
