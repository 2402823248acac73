import type { Finding, FindingStatus, Location, Priority, RuleOutcome, SkippedFile, ToolDiagnostic } from './finding.ts';
import type { Category, RuleMeta, Severity } from './rule.ts';

export const SCHEMA_VERSION = 1;

export type Verdict = 'NO-GO' | 'GO WITH CONDITIONS' | 'GO';
export type RiskLevel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
/**
 * PASS / PARTIAL / FAIL: what the repository shows. UNKNOWN: the repository cannot show the answer
 * (a cloud console setting, a coverage figure no report records) — never guessed. N/A: nothing in
 * the repository this row applies to.
 */
export type ScorecardStatus = 'PASS' | 'PARTIAL' | 'FAIL' | 'UNKNOWN' | 'N/A';

export interface ScorecardEntry {
  name: string;
  status: ScorecardStatus;
  /** One line: what the evidence shows. */
  notes: string;
  /** Findings (ids) behind a PARTIAL or FAIL. */
  findings: string[];
  /** Rules that assessed this row. */
  rules: string[];
  /** Where the evidence for the status is (file:line), for rows assessed from facts (a Dockerfile, a workflow step, a Sentry init). */
  evidence?: Location[];
  /** For UNKNOWN rows: what would settle it ("run `pytest --cov --cov-report=xml`", "check the provider's backup settings"). */
  howToKnow?: string;
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
  /** When the audit ran (ISO 8601; fixed by SOURCE_DATE_EPOCH for reproducible output). */
  date?: string;
  /** The audited commit, when the root is a git work tree. */
  commit?: string;
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
  /** The route control matrix: each control this route has or lacks, with the finding behind a `no`. */
  controls?: Partial<Record<RouteControl, { state: ControlState; finding?: string }>>;
}

/** Controls a route has (`yes`), lacks (`no`), does not need (`n/a`) or that cannot be told from the code (`unknown`). */
export type ControlState = 'yes' | 'no' | 'n/a' | 'unknown';
export type RouteControl = 'authentication' | 'authorization' | 'inputSchema' | 'rateLimit' | 'csrf' | 'auditLog' | 'uploadLimit';

/** One positive, with its evidence ("parameterised queries everywhere": 23 queries, 0 interpolated). */
export interface Strength {
  title: string;
  detail: string;
  area: Category | 'infrastructure' | 'testing' | 'documentation';
  evidence: Location[];
}

/** A claim a README or doc makes, checked against the code. */
export interface ClaimCheck {
  /** What kind of claim (src/facts/claims/extract.ts): `jwt`, `rate-limiting`, `hipaa`, `test-coverage`, `endpoint`, `env-var`, `file` … */
  kind: string;
  /** The claim in a few words: "JWT authentication", "rate limiting", "80% test coverage", "GET /api/users". */
  claim: string;
  /** Where the docs make it. */
  source: Location;
  status: 'VERIFIED' | 'CONTRADICTED' | 'UNKNOWN';
  /** Why: what was found or not found. */
  notes: string;
  evidence: Location[];
}

/**
 * Per-file counts for the hotspot table (the ActorHub reference's "Router Issues Summary"). Each
 * open finding counts in exactly one column, chosen by its rule's scorecard row and category
 * (src/assess/hotspots.ts, docs/code-health.md): errorHandling, inputValidation, security, or other.
 */
export interface FileHotspot {
  file: string;
  lines: number;
  routes: number;
  functions: number;
  errorHandling: number;
  inputValidation: number;
  security: number;
  /** Open findings of other areas (concurrency, data model, completeness, code structure …). */
  other: number;
  /** errorHandling + inputValidation + security + other. */
  total: number;
  /** Ids of the open findings counted. */
  findings: string[];
}

/** Code metrics for the report's "Detailed Metrics". Fields are null when they could not be measured. */
export interface CodeMetrics {
  /** Source files: python and js count shipped code; test counts test files of both languages; total counts every audited file. */
  files: { python: number; js: number; test: number; total: number };
  /** Audited files per kind (python, js, yaml, markdown …). */
  filesByKind: Record<string, number>;
  /** Non-blank, non-comment lines of hand-written shipped Python and JS/TS (no tests, migrations or generated code). */
  sourceLines: { python: number; js: number };
  largestFiles: { file: string; lines: number; routes: number; functions: number }[];
  /** Share of duplicated lines (0–100) among source lines. */
  duplicationPercent: number | null;
  /** What the duplication share is made of, and the largest copies (each with its places). */
  duplication: { sourceLines: number; duplicatedLines: number; largest: { lines: number; places: Location[] }[] };
  /** Python: share of function parameters and returns with annotations (0–100). */
  typeAnnotationCoverage: number | null;
  typeAnnotations: { slots: number; annotated: number; files: number };
  /** TypeScript: explicit `any` per 1,000 lines. */
  anyPerThousandLines: number | null;
  anyUsage: { count: number; lines: number; files: number };
  /** Markers (TODO/FIXME/XXX/HACK/placeholder) in shipped code. */
  todoMarkers: number;
  /** Marker counts by marker, and the first markers with their places. */
  todoMarkerDetail: { byMarker: Record<string, number>; first: { marker: string; text: string; at: Location }[] };
}

export interface TestingAssessment {
  frameworks: { name: string; evidence: Location }[];
  /** Test files per kind: unit, integration, e2e, security, load. */
  testFiles: Record<'unit' | 'integration' | 'e2e' | 'security' | 'load', string[]>;
  testLines: number;
  sourceLines: number;
  /** Test lines per source line (0.42 = 42 lines of test for every 100 of code). */
  testToCodeRatio: number;
  /** Source modules no test imports or names. */
  untestedModules: string[];
  /** Line coverage from a committed or generated report, else null (UNKNOWN). */
  coverage: { percent: number; report: string; format: 'cobertura' | 'lcov' | 'istanbul' | 'istanbul-summary' | 'coverage.py-json' } | null;
  /** The command that would produce a coverage report when none is present. */
  coverageCommand?: string;
  ciRunsTests: boolean | null;
  /** Test cases (test functions, `it()`/`test()` calls, load scenarios) across the test files. */
  testCases?: number;
  /** The line that decided each test file's kind, per kind (first few files). */
  evidence?: Partial<Record<'unit' | 'integration' | 'e2e' | 'security' | 'load', Location[]>>;
  /** How many source modules no test touches (the list above is capped). */
  untestedModulesTotal?: number;
  /** Every coverage report read (the summary above combines them). */
  coverageReports?: { file: string; format: string; percent: number; covered: number; total: number; generatedAt?: string }[];
  /** Source files with the lowest coverage in the reports (at least 10 coverable lines). */
  leastCovered?: { file: string; percent: number; covered: number; total: number }[];
  /** CI steps that run the tests. */
  ciTestRuns?: { runner: string; file: string; line: number }[];
}

export interface DependencyAssessment {
  manifests: { file: string; ecosystem: 'npm' | 'pypi'; dependencies: number; lockfile: string | null; manager?: string; selfPinned?: boolean }[];
  unpinned: { name: string; spec: string; file: string; line?: number }[];
  updateBot: { name: 'dependabot' | 'renovate'; file: string } | null;
  vulnerable: {
    name: string;
    version: string;
    ecosystem: 'npm' | 'pypi';
    advisories: { id: string; summary: string; severity: Severity; fixedIn?: string; aliases?: string[]; url?: string }[];
    file: string;
    line?: number;
    direct?: boolean;
    dev?: boolean;
    /** The upgrade instruction for the project's package manager. */
    upgrade?: string;
  }[];
  /** Where advisories came from: an OSV folder (`--osv-db`), the OSV API (`--online`), or none (UNKNOWN). */
  advisorySource: { kind: 'osv-db' | 'osv-api' | 'none'; detail: string; error?: string };
  /** Installed package versions (lockfiles and exact pins, transitive ones included) checked against the advisories. */
  packagesChecked?: number;
  /** Dependencies declared as a range that no lockfile resolves: their installed version, and so their advisories, cannot be told. */
  unresolved?: { name: string; spec: string; file: string; line?: number }[];
  /** CI steps that audit dependencies (pip-audit, npm audit, osv-scanner …). */
  ciAudits?: { tool: string; file: string; line: number }[];
}

export interface ComplianceAssessment {
  profile: 'hipaa' | 'gdpr';
  /** How the profile was chosen: asked for with --profile, or suggested because the code handles such data. */
  selectedBy: 'option' | 'suggested';
  /** Why it was suggested: the models or routes that handle health or personal data. */
  reasons: string[];
  /** One row per control, mapped to the regulation (HIPAA §164.312(a)(2)(iv), GDPR Art. 32 …). */
  controls: (ScorecardEntry & { regulation: string })[];
}

/** A unit of work in the action plan: one change that closes one or many findings. */
export interface PlanItem {
  id: string;
  title: string;
  /** Findings (ids) this change closes. */
  findings: string[];
  hours: number;
  priority: Priority;
  severity: Severity;
  category: Category;
}

export interface ActionPlan {
  team: { size: number; hoursPerWeek: number };
  phases: { name: string; items: PlanItem[]; hours: number; weeks: number; successCriteria: string[] }[];
  /** The smallest set of items that turns NO-GO into GO (or GO WITH CONDITIONS into GO), with its hours. */
  minimumCutToGo: { items: string[]; hours: number; weeks: number; verdictAfter: Verdict };
  /** Timeline to production for the team capacity, the way the HypnoAgent reference gives it. */
  timeline: { minimumViableWeeks: number; fullReadinessWeeks: number; totalHours: number };
}

/** A finding as the ledger remembers it: enough to list it as FIXED without the code that had it. */
export interface LedgerItem {
  fingerprint: string;
  /** Its id in the audit that last saw it (CRIT-003): ids are per report, the fingerprint is the identity. */
  id?: string;
  ruleId: string;
  title: string;
  severity: Severity;
  priority: Priority;
  file: string;
  line?: number;
}

/**
 * What changed since the previous audit in `.shipgate/history.jsonl` (absent on a first audit and
 * with `--no-history`). Fingerprints decide identity, so a finding whose lines moved is still open,
 * not fixed + new.
 */
export interface AuditProgress {
  previous: { date: string; score: number; grade: string; verdict: Verdict; commit?: string; securityGrade?: string };
  /** Score and grade of every recorded audit, oldest first, this one last. */
  trend: { date: string; score: number; grade: string; verdict: Verdict; commit?: string }[];
  /** In the previous audit (open or triaged), gone now, and re-checked: its rule ran on its file. */
  fixed: LedgerItem[];
  /** Finding ids open now that were not open last time. */
  new: string[];
  /** Finding ids open now that were fixed in an earlier audit. */
  regressed: string[];
  /** Finding ids open now and last time. */
  stillOpen: string[];
  /** Finding ids triaged now (accepted, false positive, won't fix) that were open last time. */
  triaged: string[];
  /** Finding ids open now that were triaged last time (an expired `until`, a removed entry). */
  reopened: string[];
  /**
   * In the previous audit, not found now, but not re-checked either, so not counted as fixed: its
   * rule crashed, was switched off or not selected, its file was skipped or ignored, or the git
   * history was not scanned. `carried` items stay open in the history until a run re-checks them.
   */
  notRechecked: (LedgerItem & { status: FindingStatus; why: string; carried: boolean })[];
  /** Set when fixed/new cannot be told (the previous audit used another fingerprint scheme). */
  note?: string;
  /** A re-run: same commit, same findings and statuses, same score as the previous audit (the trend shows them once). */
  unchanged?: boolean;
}

/** Where a run's reported findings were limited to what a change introduced (`--baseline`, `--changed-since`). */
export interface AuditScope {
  /** The earlier result compared with (`--baseline FILE`). */
  baseline?: { file: string; findings: number; date?: string; commit?: string };
  /** `--changed-since REF`: the ref, the commit it resolved to, and the changed files (committed since the merge base, staged, unstaged, untracked). */
  changedSince?: { ref: string; commit: string; files: string[] };
  /** Ids of the findings in scope: not in the baseline and (with --changed-since) touching a changed file. `--fail-on` reads only these. */
  new: string[];
  /** Open findings in scope, per severity. */
  counts: Record<Severity, number>;
  /** Findings out of scope (in the baseline or in unchanged files): listed, marked, not counted by the gate. */
  existing: number;
  /** Baseline findings no longer found (only with --baseline). */
  fixed: LedgerItem[];
}

/** Triage decisions that matched nothing, or stopped applying: a stale ignore is a blind spot. */
export interface TriageSummary {
  /** `.shipgate/triage.yaml` when the repository has one. */
  file?: string;
  /** Entries in the triage file, and inline `shipgate-ignore` comments found. */
  entries: number;
  inline: number;
  /** Findings whose status a triage entry or an inline comment set. */
  applied: number;
  /** Triage-file entries whose `until` date has passed: their findings are open again. */
  expired: { fingerprint: string; finding: string; ruleId: string; status: FindingStatus; until: string; reason: string; line?: number }[];
  /** Entries and inline comments that suppress nothing (the finding is gone, the rule id is wrong, or the comment is on the wrong line). */
  unused: { source: 'triage-file' | 'inline'; file: string; line?: number; ruleIds: string[]; fingerprint?: string; reason: string; why: string }[];
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
  // Sections below are filled as their assessments run; absent when not computed.
  testing?: TestingAssessment;
  dependencies?: DependencyAssessment;
  compliance?: ComplianceAssessment;
  strengths?: Strength[];
  claims?: ClaimCheck[];
  hotspots?: FileHotspot[];
  metrics?: CodeMetrics;
  plan?: ActionPlan;
  progress?: AuditProgress;
  /** Present with --baseline / --changed-since. */
  scope?: AuditScope;
  /** Present when the repository has a triage file or inline suppressions. */
  triage?: TriageSummary;
}
