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
  // A compliance profile shipgate suggested (not asked for) is said here, with how to turn its checks on.
  if (report.compliance?.selectedBy === 'suggested') {
    const name = report.compliance.profile.toUpperCase();
    notes.push(paint(`${name} profile suggested: the code handles ${report.compliance.profile === 'hipaa' ? 'health' : 'personal'} data (${report.compliance.reasons.slice(0, 2).map((r) => r.split(' (')[0]).join(', ')}); run with --profile ${report.compliance.profile} for its findings`, 'yellow'));
  }
  if (notes.length) lines.push('', ...notes.map((n) => `  ${paint('·', 'gray')} ${n}`));
  if (options.written?.length) lines.push('', `  Reports: ${options.written.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
