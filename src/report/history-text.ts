/** Terminal text for `shipgate history`: one line per recorded audit, oldest first. */
import type { HistoryStep } from '../ledger/history.ts';
import { plural } from './format.ts';

export function renderHistoryText(target: string, file: string, steps: readonly HistoryStep[]): string {
  if (!steps.length) return `shipgate history — ${target}: no audit recorded in ${file} yet (each complete \`shipgate audit\` adds one)\n`;
  const header = ['date', 'commit', 'score', 'grade', 'security', 'verdict', 'crit', 'high', 'med', 'low', 'fixed', 'new'];
  const rows = steps.map(({ record: r, fixed, added }) => [
    r.date.slice(0, 16).replace('T', ' '),
    r.commit?.slice(0, 7) ?? '—',
    String(r.score),
    r.grade,
    r.securityGrade,
    r.verdict,
    String(r.counts.critical ?? 0),
    String(r.counts.high ?? 0),
    String(r.counts.medium ?? 0),
    String(r.counts.low ?? 0),
    fixed === undefined ? '—' : String(fixed),
    added === undefined ? '—' : String(added),
  ]);
  const numeric = new Set([2, 6, 7, 8, 9, 10, 11]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')}`.trimEnd();
  const first = steps[0].record;
  const last = steps[steps.length - 1].record;
  return [
    `shipgate history — ${target} (${file}, ${plural(steps.length, 'audit')})`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `  score ${first.score} → ${last.score}, grade ${first.grade} → ${last.grade}, ${first.verdict} → ${last.verdict}`,
    '',
  ].join('\n');
}
