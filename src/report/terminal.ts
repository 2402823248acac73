import type { AuditReport } from '../model/audit-report.ts';
import type { Severity } from '../model/rule.ts';
import { formatHours, formatLocation, plural, SEVERITIES } from './format.ts';
import { blockerCandidates, historyLine, ledgerNotes, scopeLine, type HistoryStatus } from './terminal-ledger.ts';

export interface TerminalOptions {
  color: boolean;
  /** Where the report files went, if any. */
  written?: string[];
  /** How many top blockers to list. */
  top?: number;
  /** What the CLI did with `.shipgate/history.jsonl`. */
  history?: HistoryStatus;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1, dim: 2 } as const;
type Style = keyof typeof CODES;

export function renderTerminal(report: AuditReport, options: TerminalOptions): string {
  const paint = (text: string, ...styles: Style[]) =>
    options.color && styles.length ? `${styles.map((s) => `\x1b[${CODES[s]}m`).join('')}${text}\x1b[0m` : text;
  const severityStyle: Record<Severity, Style[]> = { critical: ['red', 'bold'], high: ['red'], medium: ['yellow'], low: ['blue'], info: ['gray'] };
  const { summary } = report;
  const verdictStyle: Style[] = summary.verdict === 'GO' ? ['green', 'bold'] : summary.verdict === 'NO-GO' ? ['red', 'bold'] : ['yellow', 'bold'];
  const frameworks = [...new Set(report.frameworks.map((f) => f.name))].join(', ');
  const lines: string[] = [];
  lines.push(
    `${paint('shipgate', 'bold')} ${report.tool.version} — audit of ${paint(report.target, 'bold')} (${plural(summary.filesAudited, 'file')}, ${plural(summary.linesOfCode.total, 'line')}${frameworks ? `; ${frameworks}` : ''})`,
    '',
    `  Verdict   ${paint(summary.verdict, ...verdictStyle)}  ${paint(`(${summary.verdictReasons.join('; ')})`, 'dim')}`,
    `  Score     ${paint(`${summary.score}/100`, 'bold')}  grade ${paint(summary.grade, 'bold')}   security grade ${paint(summary.securityGrade, 'bold')}   risk ${summary.riskLevel}`,
    `  Findings  ${SEVERITIES.map((s) => paint(`${summary.counts[s]} ${s}`, ...(summary.counts[s] ? severityStyle[s] : ['gray' as Style]))).join(' · ')}   ${paint(`(≈ ${formatHours(summary.effortHours)} to fix)`, 'dim')}`,
  );
  if (summary.routes.total)
    lines.push(`  Routes    ${summary.routes.guarded} of ${summary.routes.total} require authentication; ${summary.routes.unguardedStateChanging} state-changing route${summary.routes.unguardedStateChanging === 1 ? ' is' : 's are'} open (public-by-design routes not counted)`);
  const history = historyLine(report, options.history);
  if (history) lines.push(`  History   ${history}`);
  const scope = scopeLine(report);
  if (scope) lines.push(`  Scope     ${scope}`);

  const plan = report.plan;
  if (plan && plan.minimumCutToGo.items.length) {
    const cut = plan.minimumCutToGo;
    const team = `${plan.team.size} × ${plan.team.hoursPerWeek} h/week`;
    lines.push(
      `  To GO     ${paint(`${cut.items.length} change${cut.items.length === 1 ? '' : 's'}, ${formatHours(cut.hours)}`, 'bold')} (${weeks(cut.weeksRange)} for ${team}) → ${cut.after.score}/100 ${cut.after.grade}, ${cut.verdictAfter}${cut.reachesTarget ? '' : ' (not reachable from the findings alone)'}; everything: ${formatHours(plan.timeline.totalHours)} (${weeks(plan.timeline.fullReadinessRange)})`,
    );
  }

  // One line per rule: ten open routes are one problem to fix, listed once with where else it occurs.
  const blockers = blockerCandidates(report);
  const groups = new Map<string, typeof blockers>();
  for (const f of blockers) groups.set(`${f.ruleId}\0${f.messageId}`, [...(groups.get(`${f.ruleId}\0${f.messageId}`) ?? []), f]);
  const top = options.top ?? 8;
  if (groups.size) {
    lines.push('', paint(`  ${report.scope ? 'New blockers' : 'Top blockers'} (${blockers.length} critical/high findings${report.scope ? ' in scope' : ''})`, 'bold'));
    for (const group of [...groups.values()].slice(0, top)) {
      const ruleId = group[0].ruleId;
      const first = group[0];
      lines.push(`   ${paint(first.id.padEnd(9), ...severityStyle[first.severity])} ${first.message}`);
      const where = group.slice(0, 4).map((f) => formatLocation(f.location)).join(', ');
      const more = group.length > 4 ? ` (+${group.length - 4} more)` : '';
      lines.push(`   ${' '.repeat(9)} ${paint(where + more, 'cyan')}  ${paint(`[${ruleId}${group.length > 1 ? ` ×${group.length}` : ''}]`, 'gray')}`);
    }
    if (groups.size > top) lines.push(paint(`   … and ${groups.size - top} more rules with critical/high findings in the report`, 'dim'));
  }

  const security = report.scorecards.security;
  if (security.length) {
    lines.push('', paint('  Security scorecard', 'bold'));
    const statusStyle = { PASS: ['green'], PARTIAL: ['yellow'], FAIL: ['red'], UNKNOWN: ['gray'], 'N/A': ['gray'] } as Record<string, Style[]>;
    const width = Math.max(...security.map((r) => r.name.length));
    for (const row of security) lines.push(`   ${paint(row.status.padEnd(7), ...statusStyle[row.status])} ${row.name.padEnd(width)}  ${paint(truncate(row.notes, 90), 'dim')}`);
  }

  const triaged = report.findings.filter((f) => f.status !== 'open').length;
  const notes: string[] = [];
  if (triaged) notes.push(`${plural(triaged, 'finding')} triaged (shown in the report, not scored)`);
  if (report.skipped.length) {
    const shown = report.skipped.slice(0, 5).map((s) => `${s.file} (${s.reason})`).join(', ');
    notes.push(`${plural(report.skipped.length, 'path')} skipped: ${shown}${report.skipped.length > 5 ? `, and ${report.skipped.length - 5} more (listed in the report)` : ''}`);
  }
  const parseErrors = report.diagnostics.filter((d) => d.kind === 'parse-error').length;
  if (parseErrors) {
    const files = report.diagnostics.filter((d) => d.kind === 'parse-error').slice(0, 3).map((d) => d.file).join(', ');
    notes.push(`${plural(parseErrors, 'file')} with syntax errors, partly audited: ${files}${parseErrors > 3 ? ', …' : ''}`);
  }
  const ruleErrors = report.diagnostics.filter((d) => d.kind === 'rule-error');
  for (const e of ruleErrors) notes.push(paint(e.message, 'yellow'));
  for (const note of ledgerNotes(report, options.history)) notes.push(note);
  // A suggested compliance profile is one of the diagnostics above (assess/compliance.ts), with how to turn its checks on.
  if (notes.length) lines.push('', ...notes.map((n) => `  ${paint('·', 'gray')} ${n}`));
  if (options.written?.length) {
    // One folder for all of them (--out): name it once, then the file names.
    const dirs = new Set(options.written.map((f) => f.slice(0, Math.max(0, f.lastIndexOf('/')))));
    const [dir] = dirs;
    lines.push('', dirs.size === 1 && dir ? `  Reports   ${dir}/: ${options.written.map((f) => f.slice(dir.length + 1)).join(', ')}` : `  Reports   ${options.written.join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function weeks([low, high]: [number, number]): string {
  if (high <= 1) return 'under a week';
  return low === high ? `${low} weeks` : `${low}–${high} weeks`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
