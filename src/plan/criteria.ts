/**
 * Success criteria of a phase, derived from what its items close: the scorecard rows they touch
 * (each with a sentence a reviewer can check), the blockers, and the re-scored audit.
 */
import type { PlanItem, PlanOutcome } from '../model/audit-report.ts';

/** What "done" means for each scorecard row, as a checkable statement. */
const ROW_CRITERIA: Record<string, string> = {
  Authentication: 'every admin and state-changing route requires authentication; public routes are on an explicit allow-list',
  Authorization: 'tenant and user identity come from the authenticated principal, never from the request or a default; admin routes check a role',
  'Secrets Management': 'no secret in the code, the configuration or the git history; every exposed key rotated',
  'Input Validation': 'no request data reaches a shell, `eval`, a file path, an outbound URL or a deserialiser unchecked',
  'SQL Injection': 'every SQL statement is parameterised',
  'XSS Protection': 'no request data is rendered as HTML without escaping',
  'CSRF Protection': 'every cookie-authenticated state-changing route checks a CSRF token',
  'CORS Configuration': 'CORS allows only the production origins, methods and headers',
  'Rate Limiting': 'authentication and paid-API routes are rate-limited, keyed on an address the client cannot forge',
  'File Upload Security': 'uploads are checked by content, capped in size and stored under generated names outside static folders',
  'Security Headers': 'every response carries HSTS, a CSP, `X-Content-Type-Options` and frame protection',
  'Webhook Security': "every webhook verifies the provider's signature and ignores replays",
  Cryptography: 'tokens and signatures are compared in constant time; TLS verification is on; passwords use a slow hash',
  'Debug & Error Exposure': 'debug mode is off in every shipped configuration and no debug data reaches a response',
  Configuration: 'containers run as a non-root user from pinned images; CI runs with least privilege',
  Containerization: 'a production Dockerfile builds the service: non-root, pinned base image, health check',
  Orchestration: 'the deployment is described in code (Kubernetes, a PaaS config or equivalent)',
  'Health Checks': 'health and readiness endpoints exist and the platform probes them',
  Monitoring: 'request and error metrics are exported',
  'Error Tracking': 'unhandled errors reach an error tracker',
  'Structured Logging': 'logs are structured and carry a request id',
  Alerting: 'alerts fire on error rate and latency',
  'Backup/Restore': 'backups run and a restore has been tested',
  'Database Migrations': 'every schema change ships as a migration',
  'Graceful Shutdown': 'the service drains requests on SIGTERM',
  'CI/CD': 'CI runs lint, tests and a security scan on every push',
  'Shared State': 'no request handler writes module- or class-level state; per-request data lives in the request',
  'Async Correctness': 'no blocking call runs inside an async handler',
  'Horizontal Scaling': 'sessions, caches and limits live in a shared store, so any replica can serve any request',
  'Connection Management': 'database and HTTP clients are pooled and created once at start-up',
  Resilience: 'outbound calls have timeouts, retries with backoff and a fallback',
  Indexes: 'foreign keys and filtered columns are indexed',
  Enumerations: 'status, type and category columns are enumerations',
  'Model Migrations': 'every model has a migration',
  'Implementation Completeness': 'no route reaches a stub, mock data or a placeholder',
  'Claims vs Reality': 'every README claim is true of the code',
  'Unit Tests': 'unit tests cover the core modules',
  'Integration Tests': 'integration tests exercise the API through its routes',
  'E2E Tests': 'end-to-end tests cover the main user journeys',
  'Security Tests': 'tests prove authentication and authorization are enforced',
  'Load Tests': 'a load test shows the service meets its target throughput',
  'Test Coverage': 'line coverage is measured in CI and meets the target',
  Lockfiles: 'every manifest has a committed lockfile',
  'Version Pinning': 'dependencies are pinned',
  'Dependency Updates': 'a dependency update bot is configured',
  'Known Vulnerabilities': 'no dependency has a known vulnerability',
  'Encryption at Rest': 'personal and health data fields are encrypted at rest',
  'Audit Logging': 'access to personal data is written to an audit log',
  'Access Control': 'every route touching personal data requires authentication and a role',
  'PII in Logs': 'no personal data is written to logs',
  'Data Retention': 'a retention policy and a deletion endpoint exist',
  README: 'the README explains setup, running and deployment',
  'API Documentation': 'the API is documented (OpenAPI served or committed)',
  'Deployment Guide': 'a deployment guide exists and has been followed once',
  'Security Policy': 'SECURITY.md says how to report a vulnerability',
  Changelog: 'changes are recorded in a CHANGELOG',
  'Architecture Notes': 'the architecture is described',
  'Code Structure': 'no module is a monolith; routes are split by concern',
  'Error Handling': 'no exception is swallowed; a global handler returns safe errors',
  'Type Safety': 'public functions are annotated',
  Duplication: 'duplicated code is factored out',
  'Request Validation': 'every request body is parsed into a schema before use',
};

export function phaseCriteria(items: readonly PlanItem[], after: PlanOutcome, criticalIds: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const critical = items.flatMap((i) => i.findings).filter((id) => criticalIds.has(id)).length;
  if (critical) out.push(`0 open critical findings (${plural(critical, 'critical finding')} closed)`);
  const rows = new Map<string, PlanItem[]>();
  for (const item of items) {
    const row = item.scorecard ?? item.category;
    rows.set(row, [...(rows.get(row) ?? []), item]);
  }
  for (const [row, rowItems] of rows) {
    const findings = rowItems.reduce((n, i) => n + i.findings.length, 0);
    const routes = new Set(rowItems.flatMap((i) => i.routes)).size;
    const scope = routes ? `${plural(findings, 'finding')} on ${plural(routes, 'route')}` : plural(findings, 'finding');
    const text = ROW_CRITERIA[row];
    out.push(text ? `${row}: ${text} (${scope} closed)` : `${row}: passes on re-audit (${scope} closed)`);
  }
  out.push(`Re-audit: score ${after.score}/100 (grade ${after.grade}), security grade ${after.securityGrade}, verdict ${after.verdict}`);
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}
