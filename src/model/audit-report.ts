import type { Finding, RuleOutcome, SkippedFile, ToolDiagnostic } from './finding.ts';
import type { Category, RuleMeta, Severity } from './rule.ts';

export const SCHEMA_VERSION = 1;

export type Verdict = 'NO-GO' | 'GO WITH CONDITIONS' | 'GO';
export type RiskLevel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
export type ScorecardStatus = 'PASS' | 'PARTIAL' | 'FAIL' | 'N/A';

export interface ScorecardEntry {
  name: string;
  status: ScorecardStatus;
  /** One line: what the evidence shows. */
  notes: string;
  /** Findings (ids) behind a PARTIAL or FAIL. */
  findings: string[];
  /** Rules that assessed this row. */
  rules: string[];
}

export interface CategoryScore {
  category: Category;
  /** 0–100, null when no rule of the category applied. */
  score: number | null;
  grade: string | null;
  weight: number;
  /** Points deducted per rule, so the report can show how the score was computed. */
  deductions: { ruleId: string; points: number; findings: number }[];
}

export interface AuditSummary {
  score: number;
  grade: string;
  securityGrade: string;
  verdict: Verdict;
  riskLevel: RiskLevel;
  /** Why the verdict is what it is, one line each. */
  verdictReasons: string[];
  counts: Record<Severity, number>;
  /** Open findings per priority. */
  priorities: Record<'P0' | 'P1' | 'P2' | 'P3', number>;
  categories: CategoryScore[];
  effortHours: number;
  filesAudited: number;
  linesOfCode: { python: number; js: number; other: number; total: number };
  routes: { total: number; guarded: number; unguardedStateChanging: number };
}

export interface RouteSummary {
  framework: string;
  method: string;
  path: string;
  handler: string;
  file: string;
  line: number;
  guards: { name: string; level: string; file: string; line?: number }[];
  inputs: { name: string; source: string; type?: string; line?: number }[];
}

export interface AuditReport {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'shipgate'; version: string };
  /** Name of the audited folder (never an absolute path: results must not depend on where the repo lives). */
  target: string;
  summary: AuditSummary;
  findings: Finding[];
  scorecards: { security: ScorecardEntry[]; [area: string]: ScorecardEntry[] };
  frameworks: { name: string; file: string; line?: number }[];
  routes: RouteSummary[];
  rules: Pick<RuleMeta, 'id' | 'title' | 'category' | 'severity' | 'confidence' | 'status' | 'why' | 'fix' | 'references' | 'effortHours'>[];
  outcomes: Omit<RuleOutcome, 'findings' | 'durationMs'>[];
  skipped: SkippedFile[];
  diagnostics: ToolDiagnostic[];
}
