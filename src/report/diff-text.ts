/** Terminal text for `shipgate diff` (`--format json` prints the ResultDiff itself). */
import type { DiffItem, DiffSide, ResultDiff } from '../ledger/diff.ts';
import { plural } from './format.ts';

export function renderDiffText(diff: ResultDiff): string {
  const { from, to } = diff;
  const delta = to.score - from.score;
  const lines = [
    `shipgate diff — ${to.target}: ${describeSide(from)} → ${describeSide(to)}`,
    '',
    `  Score     ${from.score} → ${to.score} (${delta >= 0 ? '+' : ''}${delta})   grade ${from.grade} → ${to.grade}   security grade ${from.securityGrade} → ${to.securityGrade}`,
    `  Verdict   ${from.verdict === to.verdict ? `${to.verdict} (unchanged)` : `${from.verdict} → ${to.verdict}`}`,
    `  Findings  ${diff.fixed.length} fixed · ${diff.new.length} new · ${diff.stillOpen.length} still open · ${plural(diff.statusChanged.length, 'status change')}`,
  ];
  for (const note of diff.notes) lines.push(`  Note      ${note}`);
  section(lines, 'Fixed', diff.fixed, (f) => f.title);
  section(lines, 'New', diff.new, (f) => `${f.message ?? f.title}${f.status !== 'open' ? ` [${f.status}]` : ''}`);
  section(lines, 'Status changed', diff.statusChanged, (f) => `${f.previousStatus} → ${f.status}: ${f.message ?? f.title}`);
  return `${lines.join('\n')}\n`;
}

function describeSide(side: DiffSide): string {
  const parts = [side.date?.slice(0, 10), side.commit?.slice(0, 7)].filter(Boolean);
  return parts.length ? parts.join(' ') : side.file;
}

function section<T extends DiffItem>(lines: string[], title: string, items: T[], text: (f: T) => string): void {
  if (!items.length) return;
  lines.push('', `  ${title} (${items.length})`);
  for (const f of items) {
    const where = f.line ? `${f.file}:${f.line}` : f.file;
    lines.push(`   ${(f.id ?? '').padEnd(9)} ${f.severity.padEnd(8)} ${text(f)}`, `   ${' '.repeat(9)} ${where}  [${f.ruleId}]`);
  }
}
