/** The terminal summary's ledger lines: history and progress, the scope of a PR/pre-commit run, triage notes. */
import type { AuditReport } from '../model/audit-report.ts';
import type { Severity } from '../model/rule.ts';
import { plural, SEVERITIES } from './format.ts';

/** What the CLI did with the history (the report itself does not know whether the write succeeded). */
export interface HistoryStatus {
  records: number;
  written: boolean;
  skippedBecause?: string;
}

/** `History   3 audits, score 38 → 61 (grade F → C-); since the last audit (2026-01-08): 12 fixed, 1 new, 0 regressed, 47 still open`. */
export function historyLine(report: AuditReport, history: HistoryStatus | undefined): string | undefined {
  const p = report.progress;
  if (!history || (!history.written && !p)) return undefined;
  if (!p) return `first audit recorded in .shipgate/history.jsonl; the next one reports what changed`;
  const first = p.trend[0];
  const last = p.trend[p.trend.length - 1];
  const audits = history.written ? history.records : p.trend.length;
  const gradeChange = first.grade === last.grade ? `grade ${last.grade}` : `grade ${first.grade} → ${last.grade}`;
  const parts = [`${p.fixed.length} fixed`, `${p.new.length} new`, `${p.regressed.length} regressed`, `${p.stillOpen.length} still open`];
  if (p.triaged.length) parts.push(`${p.triaged.length} triaged`);
  if (p.reopened.length) parts.push(`${p.reopened.length} reopened`);
  if (p.notRechecked.length) parts.push(`${p.notRechecked.length} not re-checked`);
  const since = p.note
    ? p.note
    : p.unchanged
      ? `nothing changed since the last audit (${p.previous.date.slice(0, 10)}, same commit): ${p.stillOpen.length} still open`
      : `since the last audit (${p.previous.date.slice(0, 10)}): ${parts.join(', ')}`;
  const score = first === last ? `score ${last.score}` : `score ${first.score} → ${last.score}`;
  return `${plural(audits, 'audit')}, ${score} (${gradeChange}); ${since}`;
}

/** `Scope     baseline base.json: 3 new findings (1 high, 2 medium), 57 already known; 2 fixed`. */
export function scopeLine(report: AuditReport): string | undefined {
  const s = report.scope;
  if (!s) return undefined;
  const what: string[] = [];
  if (s.baseline) what.push(`baseline ${s.baseline.file}`);
  if (s.changedSince) what.push(`changed since ${s.changedSince.ref} (${plural(s.changedSince.files.length, 'file')})`);
  const open = SEVERITIES.filter((sev) => s.counts[sev]).map((sev) => `${s.counts[sev]} ${sev}`);
  const newPart = `${plural(s.new.length, 'new finding')}${open.length ? ` (open: ${open.join(', ')})` : ''}`;
  const existing = `${s.existing} ${s.baseline && s.changedSince ? 'known or in unchanged files' : s.baseline ? 'already in the baseline' : 'in unchanged files'}`;
  const fixed = s.baseline ? `; ${s.fixed.length} baseline ${s.fixed.length === 1 ? 'finding' : 'findings'} fixed` : '';
  return `${what.join(', ')}: ${newPart}, ${existing} (listed, not gated)${fixed}`;
}

/** Notes for the end of the summary: expired and unused triage, history and config diagnostics. */
export function ledgerNotes(report: AuditReport, history: HistoryStatus | undefined): string[] {
  const notes: string[] = [];
  const t = report.triage;
  if (t?.expired.length) notes.push(`${plural(t.expired.length, 'triage decision')} expired, open again: ${t.expired.map((e) => `${e.finding} (until ${e.until})`).join(', ')}`);
  if (t?.unused.length) {
    const shown = t.unused.slice(0, 3).map((u) => `${u.file}${u.line ? `:${u.line}` : ''}`);
    notes.push(`${plural(t.unused.length, 'suppression')} ${t.unused.length === 1 ? 'matches' : 'match'} nothing: ${shown.join(', ')}${t.unused.length > 3 ? ', …' : ''} (remove ${t.unused.length === 1 ? 'it' : 'them'}; the report says why)`);
  }
  if (history && !history.written && history.skippedBecause && history.skippedBecause !== 'history is off') notes.push(`history not recorded: ${history.skippedBecause}`);
  for (const d of report.diagnostics) if (d.kind === 'config' || (d.kind === 'history' && !d.message.startsWith('history not recorded'))) notes.push(d.file ? `${d.file}: ${d.message}` : d.message);
  return notes;
}

/** The findings the top-blockers list shows: with a scope, only the new ones. */
export function blockerCandidates(report: AuditReport): AuditReport['findings'] {
  const serious: Severity[] = ['critical', 'high'];
  return report.findings.filter((f) => f.status === 'open' && serious.includes(f.severity) && (!report.scope || f.scope === 'new'));
}
