import type { Finding, Location } from './finding.ts';
import type { RepoIndex } from './repo-index.ts';
import type { ParsedFiles } from './parsed-file.ts';

export type Category =
  | 'security'
  | 'concurrency'
  | 'data-model'
  | 'completeness'
  | 'code-health'
  | 'infrastructure'
  | 'testing'
  | 'compliance'
  | 'documentation';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type Confidence = 'high' | 'medium' | 'low';
export type Domain =
  | 'python'
  | 'node'
  | 'fastapi'
  | 'flask'
  | 'django'
  | 'starlette'
  | 'aiohttp'
  | 'express'
  | 'nextjs'
  | 'docker'
  | 'compose'
  | 'github-actions'
  | 'kubernetes'
  | 'web'
  // compliance profiles, present only when asked for (--profile, config `profile`); `compliance` when any is
  | 'hipaa'
  | 'gdpr'
  | 'compliance'
  // an advisory database was consulted for this audit (--osv-db / --online) without error
  | 'advisories'
  /** ORM models are declared (SQLAlchemy, SQLModel, Django, Prisma, TypeORM). */
  | 'orm';

/** The security scorecard row (or other area row) a rule's findings roll up into. */
export type ScorecardRow =
  | 'Authentication'
  | 'Authorization'
  | 'Secrets Management'
  | 'Input Validation'
  | 'SQL Injection'
  | 'XSS Protection'
  | 'CSRF Protection'
  | 'CORS Configuration'
  | 'Rate Limiting'
  | 'File Upload Security'
  | 'Security Headers'
  | 'Webhook Security'
  | 'Cryptography'
  | 'Debug & Error Exposure'
  | 'Configuration'
  // infrastructure and operations (rows of the reference audits' Infrastructure Assessment)
  | 'Containerization'
  | 'Orchestration'
  | 'Load Balancing'
  | 'Auto-Scaling'
  | 'Health Checks'
  | 'Monitoring'
  | 'Error Tracking'
  | 'Structured Logging'
  | 'Alerting'
  | 'Backup/Restore'
  | 'Database Migrations'
  | 'Graceful Shutdown'
  | 'CI/CD'
  // testing
  | 'Unit Tests'
  | 'Integration Tests'
  | 'E2E Tests'
  | 'Security Tests'
  | 'Load Tests'
  | 'Test Coverage'
  // dependencies
  | 'Lockfiles'
  | 'Version Pinning'
  | 'Dependency Updates'
  | 'Known Vulnerabilities'
  // compliance profiles
  | 'Encryption at Rest'
  | 'Audit Logging'
  | 'Access Control'
  | 'PII in Logs'
  | 'Data Retention'
  // documentation
  | 'README'
  | 'API Documentation'
  | 'Deployment Guide'
  | 'Security Policy'
  | 'Changelog'
  | 'Architecture Notes'
  // concurrency and scalability
  | 'Shared State'
  | 'Async Correctness'
  | 'Horizontal Scaling'
  | 'Connection Management'
  | 'Resilience'
  // data model
  | 'Indexes'
  | 'Enumerations'
  | 'Model Migrations'
  | 'Audit Columns'
  // completeness
  | 'Implementation Completeness'
  | 'Claims vs Reality'
  // code health
  | 'Code Structure'
  | 'Error Handling'
  | 'Type Safety'
  | 'Duplication'
  | 'Request Validation';

export interface RuleMeta<M extends string = string> {
  /** kebab-case, equals the file name, never reused. */
  id: string;
  /** equals the folder under src/rules/. */
  category: Category;
  /** Sentence-case noun phrase naming the defect. */
  title: string;
  severity: Severity;
  confidence: Confidence;
  status: 'experimental' | 'stable' | 'deprecated';
  /** All must be detected, else the outcome is not-applicable. */
  appliesWhen: Domain[];
  scorecard: ScorecardRow;
  /** One sentence each saying WHAT is wrong; `{{name}}` placeholders. */
  messages: Record<M, string>;
  /** Markdown: impact in production. */
  why: string;
  /** Markdown: what to do, with a code example. */
  fix: string;
  /** Typical hours to fix one occurrence, including a test. */
  effortHours: number;
  /** path → content; run by the generic test (bad must report, good must not) and shown in the docs. */
  examples: { bad: Record<string, string>; good: Record<string, string> };
  references?: { cwe?: number[]; owasp?: string[]; urls?: string[]; equivalents?: string[] };
  /** The rule reads `index.history`: the audit scans the git history only when such a rule is selected. */
  needsGitHistory?: boolean;
  /**
   * Rules whose findings this rule reads (`ctx.findings`): a compound rule's links, the claims
   * check's evidence. A rule with `requires` runs after every ordinary rule, and selecting it
   * (`--only`, a fixture test) also runs the rules it names. Required rules must not have
   * `requires` themselves (one level; the parity test checks it).
   */
  requires?: string[];
  replacedBy?: string[];
}

export interface ReportInput<M extends string> {
  messageId: M;
  at: Location;
  data?: Record<string, string>;
  related?: Location[];
  /** Raise or lower the rule's default severity for this occurrence (e.g. an admin route). */
  severity?: Severity;
  /**
   * Lower (or raise) the rule's default confidence for this occurrence: a sink fed by request
   * input traced through the function is `high`, one fed by some non-literal value is `low`.
   */
  confidence?: Confidence;
  /** Secret values in this finding: redacted from every output. */
  secrets?: string[];
  /**
   * A compound finding: the findings (from `ctx.findings`) that form its chain, in chain order.
   * The report links them (`parts` on this finding, `partOf` on each of them) and scores them
   * through this finding instead of on their own (see scoring/weights.ts COMPOUND_SCORING).
   */
  parts?: readonly Finding[];
}

export interface RuleContext<M extends string = string> {
  index: RepoIndex;
  files: ParsedFiles;
  /**
   * For a rule with `meta.requires`: the findings of every ordinary rule that ran in this audit
   * (as reported: before inline suppression, dedupe and ids), in rule order. [] for other rules.
   */
  findings: readonly Finding[];
  report(finding: ReportInput<M>): void;
}

export interface Rule<M extends string = string> {
  meta: RuleMeta<M>;
  check(ctx: RuleContext<M>): void;
}

/** Identity function that infers the message ids `M` from `meta.messages`. */
export const defineRule = <M extends string>(rule: Rule<M>): Rule<M> => rule;
