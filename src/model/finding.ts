import type { Category, Confidence, Severity } from './rule.ts';

export type Priority = 'P0' | 'P1' | 'P2' | 'P3';
export type FindingStatus = 'open' | 'fixed' | 'accepted' | 'false-positive' | 'wont-fix';

/** A place in the audited repository. `file` is always relative to the audit root, with `/` separators. */
export interface Location {
  file: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
  /** For YAML/JSON/TOML: the key path of the value (publint style). */
  keyPath?: (string | number)[];
  /** The source lines of the location, trimmed and redacted. */
  snippet?: string;
  /** Why this related location matters ("guard defined here", "handler writes it here"). */
  note?: string;
}

export interface Finding {
  /** Stable per report: CRIT-001, HIGH-001, MED-001, LOW-001, INFO-001 in sort order. */
  id: string;
  ruleId: string;
  messageId: string;
  title: string;
  message: string;
  data: Record<string, string>;
  category: Category;
  severity: Severity;
  priority: Priority;
  confidence: Confidence;
  cwe: number[];
  owasp: string[];
  location: Location;
  related: Location[];
  /** Plain-words risk in production (the rule's `why`). */
  risk: string;
  /** What to do, Markdown with a code example in the project's framework. */
  fix: string;
  effortHours: number;
  /** hash(ruleId, file, normalised snippet, occurrence): unchanged when unrelated lines move. */
  fingerprint: string;
  status: FindingStatus;
  /** Why the status is not `open`: an inline `shipgate-ignore` comment or a triage entry. */
  triage?: {
    source: 'inline' | 'triage-file';
    reason: string;
    until?: string;
    /** Triage-file entries: the status the entry sets ('accepted', 'false-positive', 'wont-fix'). */
    status?: FindingStatus;
    /** The entry's `until` date has passed: the finding is open again (status `open`). */
    expired?: boolean;
  };
  /**
   * Only with --baseline / --changed-since: `new` findings are in scope (reported, gated);
   * `in-baseline` ones were already in the baseline, `unchanged-file` ones touch no changed file.
   */
  scope?: 'new' | 'in-baseline' | 'unchanged-file';
  docsUrl: string;
  /** For a compound finding: the ids of the findings that form its chain (they are not scored on their own). */
  parts?: string[];
  /** For a finding that is part of a compound finding: that finding's id. Scored through it, not separately. */
  partOf?: string;
}

export interface RuleOutcome {
  ruleId: string;
  status: 'failed' | 'passed' | 'not-applicable' | 'error';
  findings: Finding[];
  error?: string;
  durationMs: number;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface ToolDiagnostic {
  kind: 'parse-error' | 'read-error' | 'rule-error' | 'config' | 'git' | 'history' | 'triage' | 'advisories';
  file?: string;
  message: string;
}
