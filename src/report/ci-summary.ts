/**
 * `--format summary`: a short Markdown summary for a CI job page (`$GITHUB_STEP_SUMMARY`) or a
 * pull-request comment — the verdict, score and counts, what changed (baseline / changed files,
 * progress since the last audit), the blockers, and the scorecard rows that are not PASS. The
 * full audit is the `md` format; this one stays well under GitHub's 65,536-character comment
 * limit however many findings there are.
 */
import type { AuditReport } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import { formatHours, formatLocation, plural, SEVERITIES } from './format.ts';
import { escapeCellEverywhere as escapeCell, escapeMdEverywhere as escapeMd } from './markdown-text.ts';

/** Marks the comment so the GitHub Action updates it instead of adding a new one on every push. */
export const SUMMARY_MARKER = '<!-- shipgate-summary -->';
const MAX_ROWS = 15;
const VERDICT_ICON = { 'NO-GO': '❌', 'GO WITH CONDITIONS': '⚠️', GO: '✅' } as const;
const STATUS_ICON = { PASS: '✅', PARTIAL: '⚠️', FAIL: '❌', UNKNOWN: '❔', 'N/A': '➖' } as const;

export function renderCiSummary(report: AuditReport): string {
  const { summary: s } = report;
  const out: string[] = [
    SUMMARY_MARKER,
    `## ${VERDICT_ICON[s.verdict]} shipgate: ${s.verdict} — ${escapeMd(report.target)}`,
    '',
    '| | |',
    '|---|---|',
    `| **Verdict** | **${s.verdict}** (${escapeCell(s.verdictReasons.join('; '))}) |`,
    `| **Score** | ${s.score}/100, grade **${s.grade}**, security grade **${s.securityGrade}**, risk ${s.riskLevel} |`,
    `| **Open findings** | ${SEVERITIES.map((sev) => `${s.counts[sev]} ${sev}`).join(' · ')} (≈ ${formatHours(s.effortHours)} to fix) |`,
  ];
  const scope = report.scope;
  if (scope) {
    const what = [scope.baseline ? `baseline \`${escapeCell(scope.baseline.file)}\`` : '', scope.changedSince ? `changes since \`${escapeCell(scope.changedSince.ref)}\` (${plural(scope.changedSince.files.length, 'file')})` : '']
      .filter(Boolean)
      .join(' and ');
    const open = SEVERITIES.filter((sev) => scope.counts[sev]).map((sev) => `${scope.counts[sev]} ${sev}`);
    out.push(
      `| **This change** | ${plural(scope.new.length, 'new finding')}${open.length ? ` (open: ${open.join(', ')})` : ''} against ${what}; ${scope.existing} existing not counted${scope.baseline ? `; ${scope.fixed.length} fixed` : ''} |`,
    );
  }
  const p = report.progress;
  if (p) {
    const first = p.trend[0];
    const moves = `${p.fixed.length} fixed, ${p.new.length} new, ${p.regressed.length} regressed`;
    out.push(`| **Progress** | ${plural(p.trend.length, 'audit')}: score ${first.score} → ${s.score}, grade ${first.grade} → ${s.grade}; since ${p.previous.date.slice(0, 10)}: ${moves} |`);
  }
  const triaged = report.findings.filter((f) => f.status !== 'open').length;
  if (triaged || report.triage?.unused.length || report.triage?.expired.length) {
    const parts = [`${triaged} triaged (out of the score)`];
    if (report.triage?.expired.length) parts.push(`${report.triage.expired.length} expired and open again`);
    const unused = report.triage?.unused.length ?? 0;
    if (unused) parts.push(`${plural(unused, 'suppression')} that ${unused === 1 ? 'matches' : 'match'} nothing`);
    out.push(`| **Triage** | ${parts.join(', ')} |`);
  }

  const blockers = report.findings.filter((f) => f.status === 'open' && (!scope || f.scope === 'new'));
  out.push('', scope ? `### New findings in this change (${blockers.length})` : `### Blockers and open findings (${blockers.length})`, '');
  if (!blockers.length) out.push(scope ? 'This change adds no finding. ✅' : 'No open findings. ✅');
  else {
    out.push('| Id | Severity | Finding | Where |', '|---|---|---|---|');
    for (const f of blockers.slice(0, MAX_ROWS)) out.push(findingRow(f));
    if (blockers.length > MAX_ROWS) out.push('', `… and ${blockers.length - MAX_ROWS} more in the full report.`);
  }

  const rows = Object.entries(report.scorecards).flatMap(([area, entries]) => entries.filter((r) => r.status === 'FAIL' || r.status === 'PARTIAL').map((r) => ({ area, ...r })));
  if (rows.length) {
    out.push('', `<details><summary>Scorecard rows that need work (${rows.length})</summary>`, '', '| Area | Row | Status | Notes |', '|---|---|---|---|');
    for (const r of rows) out.push(`| ${r.area} | ${escapeCell(r.name)} | ${STATUS_ICON[r.status]} ${r.status} | ${escapeCell(truncate(r.notes, 160))} |`);
    out.push('', '</details>');
  }
  out.push('', `<sub>shipgate ${report.tool.version}${s.commit ? ` · commit ${s.commit.slice(0, 7)}` : ''} · fingerprints identify findings across runs · triage with \`shipgate triage ID --as accepted --reason "…"\`</sub>`, '');
  return out.join('\n');
}

function findingRow(f: Finding): string {
  return `| ${f.id} | ${f.severity} | ${escapeCell(truncate(f.message, 220))} | \`${escapeCell(formatLocation(f.location)).replace(/`/g, "'")}\` |`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
