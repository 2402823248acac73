/**
 * Markdown building blocks shared by the audit report, the action plan and the TODO list.
 * Repository text (paths, snippets, messages, notes) only enters Markdown through these helpers:
 * `<` and `>` become entities (no raw HTML reaches a renderer), table cells lose their pipes and
 * newlines, and code spans and fences grow longer than any backtick run inside them.
 */
import type { AuditReport } from '../model/audit-report.ts';
import type { Finding, Location } from '../model/finding.ts';
import { formatLocation } from './format.ts';

/** File names under --out, shared so the documents can link to each other. */
export const REPORT_FILES = {
  md: 'shipgate-audit.md',
  plan: 'shipgate-action-plan.md',
  todo: 'shipgate-todo.md',
  yaml: 'shipgate-report.yaml',
  json: 'shipgate-report.json',
  sarif: 'shipgate-report.sarif',
  html: 'shipgate-report.html',
  summary: 'shipgate-summary.md',
} as const;

/**
 * Escape `<`, `>` and entity-looking `&` outside code spans, so no repository text becomes HTML;
 * inside a code span Markdown shows text literally, so it is left as is (an entity there would
 * be shown as `&lt;`).
 */
export function escapeMd(text: string): string {
  const escape = (t: string) => t.replace(/&(?=[#\w]+;)/g, '&amp;').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
  let out = '';
  let rest = text;
  const span = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/;
  for (let m = span.exec(rest); m; m = span.exec(rest)) {
    out += escape(rest.slice(0, m.index)) + m[0];
    rest = rest.slice(m.index + m[0].length);
  }
  return out + escape(rest);
}

/** `<` and `>` escaped everywhere, code spans included: for text that may end up outside Markdown (a PR comment's preview). */
export function escapeMdEverywhere(text: string): string {
  return text.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
}

export function escapeCellEverywhere(text: string): string {
  return escapeMdEverywhere(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function escapeCell(text: string): string {
  return escapeMd(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** An inline code span that repository text cannot break out of. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || longest ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A code span for use inside a table cell (pipes escaped). */
export function codeCell(text: string): string {
  return code(text).replace(/\|/g, '\\|');
}

/** A fenced block longer than any backtick run inside the code. */
export function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

/** The anchor id of a finding, plan item or section: `CRIT-001` → `crit-001`. */
export function anchorId(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

export function anchor(id: string): string {
  return `<a id="${anchorId(id)}"></a>`;
}

/** `[CRIT-001](#crit-001)`, or into another document: `[CRIT-001](shipgate-audit.md#crit-001)`. */
export function findingLink(id: string, document = ''): string {
  return `[${id}](${document}#${anchorId(id)})`;
}

/** Up to `max` finding links, then "and N more". */
export function findingLinks(ids: readonly string[], document = '', max = 8): string {
  const shown = ids.slice(0, max).map((id) => findingLink(id, document));
  return ids.length > max ? `${shown.join(', ')} and ${ids.length - max} more` : shown.join(', ');
}

export function locationCode(location: Location): string {
  return code(formatLocation(location));
}

/** The first sentence of a Markdown paragraph, for one-line summaries (risk, fix). */
export function firstSentence(markdown: string): string {
  const paragraph = markdown.split(/\n\s*\n/)[0].replace(/\s+/g, ' ').trim();
  const match = /^(.+?[.!?])(\s+[A-Z`*(]|$)/.exec(paragraph);
  return (match ? match[1] : paragraph).trim();
}

/** The Markdown before the first code fence: a fix's prose without its example. */
export function proseOnly(markdown: string): string {
  return markdown.split(/\n```/)[0].trim();
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).replace(/-/g, ' ');
}

export function percent(part: number, whole: number): string {
  return whole ? `${Math.round((part / whole) * 100)}%` : '—';
}

export function hours(h: number): string {
  if (h === 0) return '0 h';
  if (h < 1) return `${Math.round(h * 60)} min`;
  return `${Math.round(h * 100) / 100} h`;
}

/** "1.5 weeks", "under a week", "2–3 weeks" for a range. */
export function weeksText(range: readonly [number, number]): string {
  const [low, high] = range;
  if (high === 0) return 'no work left';
  if (high <= 1) return 'under a week';
  if (low === high) return `${low} week${low === 1 ? '' : 's'}`;
  return `${low}–${high} weeks`;
}

/** Findings by id, for renderers that follow links. */
export function findingIndex(report: AuditReport): Map<string, Finding> {
  return new Map(report.findings.map((f) => [f.id, f]));
}

/** Status icons used by every Markdown document. */
export const STATUS_ICON: Record<string, string> = { PASS: '✅ PASS', PARTIAL: '⚠️ PARTIAL', FAIL: '❌ FAIL', UNKNOWN: '❔ UNKNOWN', 'N/A': '➖ N/A' };
export const VERDICT_ICON: Record<string, string> = { 'NO-GO': '❌', 'GO WITH CONDITIONS': '⚠️', GO: '✅' };
