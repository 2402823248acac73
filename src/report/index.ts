import type { AuditReport } from '../model/audit-report.ts';
import { renderCiSummary } from './ci-summary.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';

export interface ReportFormat {
  name: string;
  /** File name written under --out. */
  fileName: string;
  render(report: AuditReport): string;
}

/** Format name → reporter. The terminal summary is separate: it always prints. */
export const FORMATS: Record<string, ReportFormat> = {
  json: { name: 'json', fileName: 'shipgate-report.json', render: renderJson },
  md: { name: 'md', fileName: 'shipgate-audit.md', render: renderMarkdown },
  /** A short Markdown summary for CI job pages and pull-request comments (the GitHub Action posts it). */
  summary: { name: 'summary', fileName: 'shipgate-summary.md', render: renderCiSummary },
};

/** Format names the SPEC defines that later releases add; named in the error so users know they are planned. */
export const PLANNED_FORMATS = ['plan', 'todo', 'yaml', 'sarif', 'html'];
