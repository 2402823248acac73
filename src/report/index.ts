import type { AuditReport } from '../model/audit-report.ts';
import { renderCiSummary } from './ci-summary.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { REPORT_FILES } from './markdown-text.ts';
import { renderPlan } from './plan.ts';
import { renderSarif } from './sarif.ts';
import { renderTodo } from './todo.ts';
import { renderYaml } from './yaml.ts';

export interface ReportFormat {
  name: string;
  /** File name written under --out. */
  fileName: string;
  render(report: AuditReport): string;
}

/** Format name → reporter, in the order `all` writes them. The terminal summary is separate: it always prints. */
export const FORMATS: Record<string, ReportFormat> = {
  md: { name: 'md', fileName: REPORT_FILES.md, render: renderMarkdown },
  plan: { name: 'plan', fileName: REPORT_FILES.plan, render: renderPlan },
  todo: { name: 'todo', fileName: REPORT_FILES.todo, render: renderTodo },
  yaml: { name: 'yaml', fileName: REPORT_FILES.yaml, render: renderYaml },
  json: { name: 'json', fileName: REPORT_FILES.json, render: renderJson },
  sarif: { name: 'sarif', fileName: REPORT_FILES.sarif, render: renderSarif },
  html: { name: 'html', fileName: REPORT_FILES.html, render: renderHtml },
  /** A short Markdown summary for CI job pages and pull-request comments (the GitHub Action posts it). */
  summary: { name: 'summary', fileName: REPORT_FILES.summary, render: renderCiSummary },
};

/** Format names the SPEC defines that later releases add; named in the error so users know they are planned. None left. */
export const PLANNED_FORMATS: string[] = [];
