/**
 * Assessments: the scorecard rows that are judged from facts as well as findings (infrastructure,
 * testing, dependencies, compliance, documentation), the detail sections behind them, and the
 * strengths. They run after the rules, read the index, the parsed files and the findings, and do
 * no I/O (anything read from disk or the network — an OSV database, coverage reports outside the
 * audited files — is loaded into the index before).
 *
 * Each area lives in its own file and adds its result here; `audit()` merges `scorecards` into the
 * rule-derived rows (see scoring/scorecards.ts) and copies the detail sections into the report.
 */
import type { AuditReport, ScorecardEntry, Strength } from '../model/audit-report.ts';
import type { Finding, ToolDiagnostic } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import type { RepoIndex } from '../model/repo-index.ts';
import type { RuleMeta } from '../model/rule.ts';
import { complianceAssessment } from './compliance.ts';
import { dependencyAssessment } from './dependencies.ts';
import { documentationAssessment } from './documentation.ts';
import { infrastructureAssessment } from './infrastructure.ts';
import { strengthsAssessment } from './strengths.ts';
import { testingAssessment } from './testing.ts';

export interface AssessOptions {
  /** `--profile hipaa|gdpr`; undefined lets the compliance assessment suggest one. */
  profile?: 'hipaa' | 'gdpr';
}

export interface AssessmentInput {
  index: RepoIndex;
  files: ParsedFiles;
  /** Findings after suppression, dedupe, sort and ids. */
  findings: Finding[];
  metas: Map<string, RuleMeta>;
  options: AssessOptions;
}

export interface AssessmentResult {
  /** Rows per scorecard area (`infrastructure`, `testing`, `dependencies`, `compliance`, `documentation` …). */
  scorecards: Record<string, ScorecardEntry[]>;
  strengths: Strength[];
  sections: Pick<AuditReport, 'testing' | 'dependencies' | 'compliance'>;
  diagnostics: ToolDiagnostic[];
}

export interface Assessment {
  name: string;
  run(input: AssessmentInput, result: AssessmentResult): void;
}

/** Each area's assessment, in report order. */
const ASSESSMENTS: Assessment[] = [
  infrastructureAssessment,
  testingAssessment,
  dependencyAssessment,
  complianceAssessment,
  documentationAssessment,
  strengthsAssessment,
];

/** Run every assessment; one that crashes is reported as a diagnostic and the others still run. */
export function assess(input: AssessmentInput, assessments: readonly Assessment[] = ASSESSMENTS): AssessmentResult {
  const result: AssessmentResult = { scorecards: {}, strengths: [], sections: {}, diagnostics: [] };
  for (const assessment of assessments) {
    try {
      assessment.run(input, result);
    } catch (error) {
      result.diagnostics.push({ kind: 'rule-error', message: `assessment ${assessment.name} crashed and was skipped: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return result;
}
