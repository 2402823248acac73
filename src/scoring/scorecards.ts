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

/** Rows shown in another area than their rules' category: supply-chain rules are security findings, their rows form the dependency table. */
export const AREA_OF_ROW: Partial<Record<ScorecardRow, string>> = {
  Lockfiles: 'dependencies',
  'Version Pinning': 'dependencies',
  'Dependency Updates': 'dependencies',
  'Known Vulnerabilities': 'dependencies',
};

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
    const area = AREA_OF_ROW[meta.scorecard] ?? meta.category;
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

/**
 * Merge the rows the assessments judged from facts into the rule-derived rows, one row per name.
 *
 * An assessed row says what the repository shows (PASS / PARTIAL / FAIL / UNKNOWN / N/A, with its
 * evidence); the rule-derived row of the same name says what the rules found wrong there. The
 * merged status can always be explained from its parts:
 * - an open critical or high finding of the row's rules makes it FAIL, whatever the facts say;
 * - an assessed FAIL stays FAIL;
 * - any other open finding makes it at most PARTIAL (a PASS, UNKNOWN or N/A with a defect found is partial);
 * - otherwise the assessed status stands: an absence of findings never turns an assessed UNKNOWN
 *   (or PARTIAL) into PASS.
 * The merged row sits in the assessed area at the assessment's position; rule rows nobody assessed
 * stay where they were. Areas come in the order: security, then the assessed areas in assessment
 * order, then the remaining rule-derived areas.
 */
export function mergeScorecards(
  ruleRows: Record<string, ScorecardEntry[]>,
  assessed: Record<string, ScorecardEntry[]>,
  findings: Finding[],
): Record<string, ScorecardEntry[]> {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const ruleByName = new Map<string, ScorecardEntry>();
  for (const rows of Object.values(ruleRows)) for (const row of rows) ruleByName.set(row.name, row);
  const assessedNames = new Set(Object.values(assessed).flatMap((rows) => rows.map((r) => r.name)));

  const out: Record<string, ScorecardEntry[]> = { security: [] };
  for (const area of [...Object.keys(assessed)]) out[area] ??= [];
  for (const area of Object.keys(ruleRows)) out[area] ??= [];
  for (const [area, rows] of Object.entries(ruleRows)) for (const row of rows) if (!assessedNames.has(row.name)) out[area].push(row);
  for (const [area, rows] of Object.entries(assessed)) {
    const merged = rows.map((row) => mergeRow(row, ruleByName.get(row.name), byId));
    // Assessed rows first, in the assessment's order; rule-only rows of the same area after them.
    out[area] = [...merged, ...out[area].filter((r) => !assessedNames.has(r.name))];
  }
  for (const area of Object.keys(out)) if (area !== 'security' && !out[area].length) delete out[area];
  return out;
}

function mergeRow(assessed: ScorecardEntry, rule: ScorecardEntry | undefined, byId: Map<string, Finding>): ScorecardEntry {
  const ruleFindings = (rule?.findings ?? []).map((id) => byId.get(id)).filter((f): f is Finding => !!f && f.status === 'open');
  let status = assessed.status;
  if (ruleFindings.some((f) => f.severity === 'critical' || f.severity === 'high')) status = 'FAIL';
  else if (ruleFindings.length && status !== 'FAIL') status = 'PARTIAL';
  const described = ruleFindings.length ? describe(ruleFindings) : '';
  const notes = described && !assessed.notes.includes(described) ? `${assessed.notes}${assessed.notes ? '; ' : ''}${described}` : assessed.notes;
  const entry: ScorecardEntry = {
    name: assessed.name,
    status,
    notes,
    findings: [...new Set([...(rule?.findings ?? []), ...assessed.findings])],
    rules: [...new Set([...assessed.rules, ...(rule?.rules ?? [])])],
  };
  if (assessed.evidence?.length) entry.evidence = assessed.evidence;
  if (status === 'UNKNOWN' && assessed.howToKnow) entry.howToKnow = assessed.howToKnow;
  return entry;
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
