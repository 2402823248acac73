/**
 * The TODO list (`--format todo`), in the shape of the reference TODO lists: P0–P3 sections,
 * checkbox items with file:line, risk, fix and status — OPEN, FIXED (from the history:
 * `report.progress.fixed`, checked), ACCEPTED, FALSE POSITIVE or WON'T FIX (triaged, with the
 * reason) — a per-file summary and progress lines per priority ("P0 completed: 6/6 (100%)").
 */
import type { AuditReport } from '../model/audit-report.ts';
import type { Finding, FindingStatus, Priority } from '../model/finding.ts';
import { anchor, capitalise, code, codeCell, escapeMd, findingLink, firstSentence, hours, proseOnly, REPORT_FILES } from './markdown-text.ts';

const SECTIONS: { priority: Priority; title: string }[] = [
  { priority: 'P0', title: 'P0 - Critical (Must fix before production)' },
  { priority: 'P1', title: 'P1 - High Priority (This Week)' },
  { priority: 'P2', title: 'P2 - Medium Priority (This Sprint)' },
  { priority: 'P3', title: 'P3 - Low Priority (Technical Debt)' },
];
const STATUS_TEXT: Record<FindingStatus, string> = { open: 'OPEN', fixed: 'FIXED', accepted: 'ACCEPTED', 'false-positive': 'FALSE POSITIVE', 'wont-fix': "WON'T FIX" };

/** One line of the list: an open or triaged finding of this audit, or a finding fixed since an earlier one. */
interface Task {
  priority: Priority;
  category: string;
  title: string;
  file: string;
  line?: number;
  status: FindingStatus;
  finding?: Finding;
  fixedSince?: string;
  /** Open again because its triage expired or was removed. */
  reopened?: boolean;
  /** Its id in the audit that last saw it, for a FIXED item. */
  previousId?: string;
}

export function renderTodo(report: AuditReport): string {
  const { summary } = report;
  const reopened = new Set(report.progress?.reopened ?? []);
  const tasks: Task[] = report.findings.map((f) => ({ priority: f.priority, category: f.category, title: f.message, file: f.location.file, line: f.location.startLine, status: f.status, finding: f, ...(reopened.has(f.id) ? { reopened: true } : {}) }));
  const previous = report.progress?.previous.date.slice(0, 10);
  for (const fixed of report.progress?.fixed ?? [])
    tasks.push({ priority: fixed.priority, category: categoryOfRule(report, fixed.ruleId), title: fixed.title, file: fixed.file, line: fixed.line, status: 'fixed', ...(previous ? { fixedSince: previous } : {}), ...(fixed.id ? { previousId: fixed.id } : {}) });

  const out: string[] = [`# ${escapeMd(report.target)} - Todo List`, ''];
  const push = (...lines: string[]) => out.push(...lines);
  const open = tasks.filter((t) => t.status === 'open').length;
  const fixed = tasks.filter((t) => t.status === 'fixed').length;
  const triaged = tasks.length - open - fixed;
  const byCategory = countBy(tasks.filter((t) => t.status === 'open'), (t) => capitalise(t.category));
  push(
    `> Generated from the shipgate audit${summary.date ? ` on ${summary.date.slice(0, 10)}` : ''}${summary.commit ? ` (commit ${code(summary.commit.slice(0, 12))})` : ''}: ${summary.score}/100, grade ${summary.grade}, ${summary.verdict} — [full audit](${REPORT_FILES.md}), [action plan](${REPORT_FILES.plan})`,
    `> Total issues: ${tasks.length} (open ${open}${fixed ? `, fixed ${fixed}` : ''}${triaged ? `, triaged ${triaged}` : ''})${byCategory.length ? ` — open by area: ${byCategory.map(([c, n]) => `${c}: ${n}`).join(', ')}` : ''}`,
    '',
    '---',
    '',
  );

  for (const { priority, title } of SECTIONS) {
    const section = tasks.filter((t) => t.priority === priority);
    push(anchor(priority), `## ${title}`, '');
    if (!section.length) {
      push('Nothing at this priority.', '', '---', '');
      continue;
    }
    const categories = [...new Set(section.map((t) => t.category))];
    for (const category of categories) {
      push(`### ${capitalise(category)}`, '');
      // Open first, then fixed, then triaged; each in report order.
      const order = (t: Task) => (t.status === 'open' ? 0 : t.status === 'fixed' ? 1 : 2);
      for (const task of section.filter((t) => t.category === category).sort((a, b) => order(a) - order(b))) push(...taskLines(task), '');
    }
    push('---', '');
  }

  const notRechecked = report.progress?.notRechecked ?? [];
  if (notRechecked.length) {
    push(anchor('not-rechecked'), '## Not Re-checked in This Audit', '', 'Not found now, but this audit could not check them again, so they are not counted as fixed:', '');
    for (const n of notRechecked) push(`- [ ] **${escapeMd(n.title)}**`, `  - File: ${code(n.line ? `${n.file}:${n.line}` : n.file)}`, `  - Status: ${STATUS_TEXT[n.status]} (not re-checked: ${escapeMd(n.why)})`, '');
    push('---', '');
  }
  push(...perFileSummary(report, tasks), '---', '');
  push(anchor('progress-tracking'), '## Progress Tracking', '');
  for (const { priority } of SECTIONS) {
    const section = tasks.filter((t) => t.priority === priority);
    if (!section.length) continue;
    const done = section.filter((t) => t.status !== 'open');
    const pct = Math.round((done.length / section.length) * 100);
    const breakdown = breakdownText(done);
    push(`- [${done.length === section.length ? 'x' : ' '}] ${priority} completed: ${done.length}/${section.length} (${pct}%)${breakdown ? ` — ${breakdown}` : ''}`);
  }
  const done = tasks.filter((t) => t.status !== 'open').length;
  push('', `**Total: ${done}/${tasks.length} tasks completed (${tasks.length ? Math.round((done / tasks.length) * 100) : 100}%)**`, '');
  if (report.progress) {
    const trend = report.progress.trend.map((t) => `${t.grade} (${t.score})`).join(' → ');
    push(`**Trend:** ${trend}`, '');
  } else push('FIXED items appear here once the audit runs again: each run is recorded in `.shipgate/history.jsonl`.', '');
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function taskLines(task: Task): string[] {
  const f = task.finding;
  const where = task.line ? `${task.file}:${task.line}` : task.file;
  const lines = [`- [${task.status === 'fixed' ? 'x' : ' '}] ${f ? `${anchor(f.id)}` : ''}**${escapeMd(task.title)}**`];
  if (f) lines.push(`  - ID: ${findingLink(f.id, REPORT_FILES.md)} · Rule: ${code(f.ruleId)} · Estimate: ${hours(f.effortHours)}`);
  lines.push(`  - File: ${code(where)}`);
  if (f) {
    lines.push(`  - Risk: ${escapeMd(firstSentence(f.risk))}`);
    lines.push(`  - Fix: ${escapeMd(firstSentence(proseOnly(f.fix)))}`);
  }
  let status = STATUS_TEXT[task.status];
  if (task.reopened) status += ' (reopened: its triage ended)';
  if (task.status === 'fixed') status += task.fixedSince ? ` (no longer found; ${task.previousId ? `${task.previousId} ` : ''}open in the audit of ${task.fixedSince})` : '';
  else if (f?.triage) status += ` — ${escapeMd(f.triage.reason)}${f.triage.until ? ` (until ${escapeMd(f.triage.until)})` : ''}${f.triage.source === 'inline' ? ' (inline shipgate-ignore)' : ''}`;
  lines.push(`  - Status: ${status}`);
  return lines;
}

/** Per-file counts: the hotspot columns when the audit measured them, else open findings by severity. */
function perFileSummary(report: AuditReport, tasks: Task[]): string[] {
  const lines = [anchor('per-file-summary'), '## Per-File Summary', ''];
  if (report.hotspots?.length) {
    lines.push('| File | Error Handling | Input Validation | Security |', '|------|----------------|------------------|----------|');
    for (const h of report.hotspots) lines.push(`| ${codeCell(h.file)} | ${h.errorHandling} | ${h.inputValidation} | ${h.security} |`);
    const total = (k: 'errorHandling' | 'inputValidation' | 'security') => report.hotspots!.reduce((s, h) => s + h[k], 0);
    lines.push(`| **TOTAL** | **${total('errorHandling')}** | **${total('inputValidation')}** | **${total('security')}** |`, '');
    return lines;
  }
  const open = tasks.filter((t) => t.status === 'open');
  if (!open.length) return [...lines, 'No open findings.', ''];
  const files = [...new Set(open.map((t) => t.file))];
  const rows = files
    .map((file) => {
      const inFile = open.filter((t) => t.file === file);
      const count = (p: Priority) => inFile.filter((t) => t.priority === p).length;
      return { file, p0: count('P0'), p1: count('P1'), p2: count('P2'), p3: count('P3'), total: inFile.length };
    })
    .sort((a, b) => b.p0 - a.p0 || b.p1 - a.p1 || b.total - a.total || (a.file < b.file ? -1 : 1));
  lines.push('| File | P0 | P1 | P2 | P3 | Open |', '|------|----|----|----|----|------|');
  for (const r of rows) lines.push(`| ${codeCell(r.file)} | ${r.p0} | ${r.p1} | ${r.p2} | ${r.p3} | ${r.total} |`);
  const sum = (k: 'p0' | 'p1' | 'p2' | 'p3' | 'total') => rows.reduce((s, r) => s + r[k], 0);
  lines.push(`| **TOTAL** | **${sum('p0')}** | **${sum('p1')}** | **${sum('p2')}** | **${sum('p3')}** | **${sum('total')}** |`, '');
  return lines;
}

function breakdownText(done: Task[]): string {
  return countBy(done, (t) => STATUS_TEXT[t.status].toLowerCase())
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
}

function countBy<T>(items: T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts];
}

function categoryOfRule(report: AuditReport, ruleId: string): string {
  return report.rules.find((r) => r.id === ruleId)?.category ?? report.findings.find((f) => f.ruleId === ruleId)?.category ?? 'other';
}

