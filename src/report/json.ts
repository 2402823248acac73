import type { AuditReport } from '../model/audit-report.ts';

/** The public JSON contract (docs/json-schema.md). Key order is fixed by the report's construction, so output is byte-identical for the same input. */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
