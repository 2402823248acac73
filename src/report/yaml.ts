import { stringify } from 'yaml';
import type { AuditReport } from '../model/audit-report.ts';

/**
 * The full audit as YAML (`--format yaml`): the same document as the JSON result — every finding
 * with evidence, fix and references, the scorecards, routes with their control matrix, the
 * action plan — for people who read the detail in an editor. Key order is the JSON's, so the
 * output is byte-identical for the same input.
 */
export function renderYaml(report: AuditReport): string {
  const header = [
    `# shipgate ${report.tool.version} production-readiness audit of ${oneLine(report.target)}`,
    `# ${report.summary.verdict} — score ${report.summary.score}/100, grade ${report.summary.grade}, security grade ${report.summary.securityGrade}`,
    '# The same content as the JSON result (docs/json-format.md); secret values are redacted.',
  ];
  const body = stringify(report, { lineWidth: 0, aliasDuplicateObjects: false, blockQuote: 'literal' });
  return `${header.join('\n')}\n${body}`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
