/**
 * A hand-built AuditReport with every section the model declares — testing, dependencies,
 * compliance, strengths, claims, hotspots, metrics, progress, route controls, compound findings,
 * triaged findings — so the renderers are tested on all of them, whatever the assessments
 * produce today. The plan is computed by the real planner with the real scoring. Some text is
 * hostile on purpose (HTML, pipes, backticks, `</script>`): every format must keep it inert.
 */
import type { AuditReport, ScorecardEntry } from '../../src/model/audit-report.ts';
import type { Finding, RuleOutcome } from '../../src/model/finding.ts';
import type { Category, RuleMeta, Severity } from '../../src/model/rule.ts';
import { buildActionPlan, type Evaluate, type PlanRule } from '../../src/plan/index.ts';
import { summarise } from '../../src/scoring/score.ts';

export const HOSTILE_FILE = 'api/<img src=x onerror="window.__pwned=1">.py';
export const HOSTILE_SNIPPET = 'app.run(debug=True)  # </script><script>window.__pwned=2</script> | `tick` <!-- x -->';

const PRIORITY = { critical: 'P0', high: 'P1', medium: 'P2', low: 'P3', info: 'P3' } as const;

interface SampleRule {
  id: string;
  title: string;
  category: Category;
  severity: Severity;
  scorecard: string;
  fixScope?: 'occurrence' | 'file' | 'app';
  fixTitle?: string;
  effortHours: number;
}

export const SAMPLE_RULES: SampleRule[] = [
  { id: 'route-missing-auth', title: 'Route without authentication', category: 'security', severity: 'high', scorecard: 'Authentication', fixScope: 'app', fixTitle: 'Require authentication at the router', effortHours: 1 },
  { id: 'hardcoded-secret', title: 'Hard-coded secret', category: 'security', severity: 'critical', scorecard: 'Secrets Management', effortHours: 1 },
  { id: 'debug-mode-enabled', title: 'Debug mode enabled', category: 'security', severity: 'high', scorecard: 'Debug & Error Exposure', effortHours: 0.5 },
  { id: 'rate-limit-missing', title: 'Rate limiting missing', category: 'security', severity: 'high', scorecard: 'Rate Limiting', fixScope: 'app', fixTitle: 'Add a rate limiter', effortHours: 2 },
  { id: 'module-state-mutated-in-handler', title: 'Module-level state written by handlers', category: 'concurrency', severity: 'high', scorecard: 'Shared State', effortHours: 3 },
  { id: 'container-image-unpinned', title: 'Container image unpinned', category: 'infrastructure', severity: 'medium', scorecard: 'Containerization', fixScope: 'file', fixTitle: 'Pin every image', effortHours: 0.25 },
  { id: 'security-headers-missing', title: 'Security headers not set', category: 'security', severity: 'low', scorecard: 'Security Headers', fixScope: 'app', effortHours: 1 },
  { id: 'debug-exposure-chain', title: 'Debug console reachable from the internet', category: 'security', severity: 'critical', scorecard: 'Debug & Error Exposure', effortHours: 2 },
];

const DOCS = 'https://github.com/shipgate/shipgate/blob/main/docs/rules';

function finding(id: string, ruleId: string, file: string, line: number, message: string, extra: Partial<Finding> = {}): Finding {
  const rule = SAMPLE_RULES.find((r) => r.id === ruleId)!;
  const severity = extra.severity ?? rule.severity;
  return {
    id,
    ruleId,
    messageId: 'default',
    title: rule.title,
    message,
    data: {},
    category: rule.category,
    severity,
    priority: PRIORITY[severity],
    confidence: 'high',
    cwe: rule.category === 'security' ? [306] : [],
    owasp: [],
    location: { file, startLine: line, endLine: line, snippet: `line ${line} of ${file}` },
    related: [],
    risk: 'Anyone can call it. **Really** anyone.',
    fix: 'Add a guard.\n\n```python\nrouter = APIRouter(dependencies=[Depends(user)])\n```\n- one\n- two',
    effortHours: rule.effortHours,
    fingerprint: `${id.toLowerCase().replace('-', '')}00000000`.slice(0, 16).padEnd(16, '0'),
    status: 'open',
    docsUrl: `${DOCS}/${ruleId}.md`,
    ...extra,
  };
}

export function sampleFindings(): Finding[] {
  return [
    finding('CRIT-001', 'debug-exposure-chain', 'docker-compose.yml', 4, 'The debug console of `api` is reachable: debug on, port published, no auth.', {
      parts: ['HIGH-002', 'HIGH-003'],
      related: [
        { file: '.env', startLine: 3, note: 'DEBUG=True set here' },
        { file: 'docker-compose.yml', startLine: 9, note: 'port 5000 published on all interfaces' },
      ],
    }),
    finding('CRIT-002', 'hardcoded-secret', 'app/config.py', 12, '`SECRET_KEY` holds a hard-coded value `sk-l…[redacted sha256:1a2b3c4d]`.', {
      location: { file: 'app/config.py', startLine: 12, endLine: 12, startColumn: 5, endColumn: 40, snippet: 'SECRET_KEY = "sk-l…[redacted sha256:1a2b3c4d]"' },
    }),
    finding('HIGH-001', 'route-missing-auth', 'app/routes/admin.py', 10, '`POST /admin/reset` (reset) changes data without an authentication guard.', { data: { method: 'POST', path: '/admin/reset' } }),
    finding('HIGH-002', 'debug-mode-enabled', HOSTILE_FILE, 7, 'Debug mode is on in <b>production</b> | see `app.run(debug=True)`.', {
      partOf: 'CRIT-001',
      location: { file: HOSTILE_FILE, startLine: 7, endLine: 7, snippet: HOSTILE_SNIPPET },
    }),
    finding('HIGH-003', 'route-missing-auth', 'app/routes/users.py', 20, '`DELETE /users/{id}` (delete_user) changes data without an authentication guard.', { partOf: 'CRIT-001', data: { method: 'DELETE', path: '/users/{id}' } }),
    finding('HIGH-004', 'rate-limit-missing', 'app/routes/auth.py', 5, 'Authentication route `POST /login` (login) can be called without limit.', { data: { method: 'POST', path: '/login' } }),
    finding('HIGH-005', 'module-state-mutated-in-handler', 'app/state.py', 3, '`active_calls` is written by 2 handlers.'),
    finding('MED-001', 'container-image-unpinned', 'docker-compose.yml', 14, 'Service `db` uses `postgres` without a tag.'),
    finding('MED-002', 'container-image-unpinned', 'docker-compose.yml', 20, 'Service `cache` uses `redis:latest`.'),
    finding('LOW-001', 'security-headers-missing', 'app/main.py', 1, 'No security headers are set.'),
    finding('LOW-002', 'route-missing-auth', 'app/routes/users.py', 30, '`GET /users` (list_users) returns data without an authentication guard.', {
      severity: 'low',
      status: 'accepted',
      triage: { source: 'triage-file', reason: 'Public directory by design', until: '2031-01-01' },
      data: { method: 'GET', path: '/users' },
    }),
    finding('INFO-001', 'hardcoded-secret', 'tests/test_auth.py', 8, 'A test key is hard-coded.', { severity: 'info', status: 'false-positive', triage: { source: 'inline', reason: 'fixture value' } }),
  ];
}

/** Re-scores like audit() does: the real summarise on outcomes of the sample rules. */
export function sampleEvaluate(findings: Finding[]): { evaluate: Evaluate; summary: AuditReport['summary'] } {
  const metas = new Map(SAMPLE_RULES.map((r) => [r.id, { ...r, confidence: 'high', status: 'stable', appliesWhen: [], messages: {}, why: '', fix: '', examples: { bad: {}, good: {} } } as unknown as RuleMeta]));
  const outcomes: RuleOutcome[] = SAMPLE_RULES.map((r) => ({ ruleId: r.id, status: 'failed', findings: [], durationMs: 0 }));
  const inputs = { outcomes, metas, findings, filesAudited: 42, linesOfCode: { python: 1200, js: 300, other: 100 }, routes: { total: 3, guarded: 1, unguardedStateChanging: 2 } };
  const evaluate: Evaluate = (closed) => {
    const s = summarise({ ...inputs, findings: findings.map((f) => (closed.has(f.id) && f.status === 'open' ? { ...f, status: 'fixed' } : f)) });
    return { score: s.score, grade: s.grade, securityGrade: s.securityGrade, verdict: s.verdict, securityScore: s.categories.find((c) => c.category === 'security')?.score ?? null };
  };
  return { evaluate, summary: summarise(inputs) };
}

function row(name: string, status: ScorecardEntry['status'], notes: string, findings: string[] = [], extra: Partial<ScorecardEntry> = {}): ScorecardEntry {
  return { name, status, notes, findings, rules: [], ...extra };
}

export function sampleReport(): AuditReport {
  const findings = sampleFindings();
  const { evaluate, summary } = sampleEvaluate(findings);
  const rules = new Map<string, PlanRule>(SAMPLE_RULES.map((r) => [r.id, { id: r.id, title: r.title, fixScope: r.fixScope, fixTitle: r.fixTitle, scorecard: r.scorecard }]));
  const plan = buildActionPlan({ findings, rules, appRoots: [''], team: { size: 1, hoursPerWeek: 30 }, evaluate });
  return {
    schemaVersion: 1,
    tool: { name: 'shipgate', version: '0.0.0-test' },
    target: 'sample <app> | "quoted"',
    summary: { ...summary, date: '2031-03-04T05:06:07.000Z', commit: '0123456789abcdef0123456789abcdef01234567' },
    findings,
    scorecards: {
      security: [
        row('Authentication', 'FAIL', '1 of 3 routes (33%) require authentication; unguarded: `POST /admin/reset`', ['HIGH-001', 'HIGH-003']),
        row('Secrets Management', 'FAIL', 'Hard-coded secret', ['CRIT-002']),
        row('Rate Limiting', 'FAIL', 'rate-limited: 0 of 3 routes', ['HIGH-004']),
        row('SQL Injection', 'PASS', 'no issues found by 1 check'),
      ],
      infrastructure: [
        row('Containerization', 'PARTIAL', 'Dev compose only', ['MED-001', 'MED-002'], { evidence: [{ file: 'docker-compose.yml', startLine: 1 }] }),
        row('Backup/Restore', 'UNKNOWN', 'Backups are a provider setting', [], { howToKnow: "check the database provider's backup settings" }),
        row('CI/CD', 'FAIL', 'No workflow runs the tests'),
      ],
      testing: [row('Unit Tests', 'PARTIAL', '2 unit test files'), row('Test Coverage', 'UNKNOWN', 'no coverage report', [], { howToKnow: 'pytest --cov=app --cov-report=xml' })],
      dependencies: [row('Lockfiles', 'PASS', 'every manifest is locked')],
      compliance: [],
      documentation: [row('README', 'PASS', 'setup, run and deploy documented', [], { evidence: [{ file: 'README.md', startLine: 1 }] })],
    },
    frameworks: [{ name: 'fastapi', file: 'requirements.txt', line: 1 }],
    routes: [
      {
        framework: 'fastapi',
        method: 'POST',
        path: '/admin/reset',
        handler: 'reset',
        file: 'app/routes/admin.py',
        line: 10,
        guards: [],
        inputs: [],
        controls: {
          authentication: { state: 'no', finding: 'HIGH-001' },
          authorization: { state: 'no', finding: 'HIGH-001', note: 'no authenticated caller to authorize' },
          inputSchema: { state: 'n/a', note: 'takes no body' },
          rateLimit: { state: 'no', note: 'no rate limiter in the application' },
          csrf: { state: 'n/a', note: 'no cookie-based authentication' },
          auditLog: { state: 'n/a', note: 'no personal data named' },
          uploadLimit: { state: 'n/a', note: 'not an upload route' },
        },
      },
      {
        framework: 'fastapi',
        method: 'GET',
        path: '/users/<script>alert(1)</script>',
        handler: 'list_users',
        file: 'app/routes/users.py',
        line: 30,
        guards: [{ name: 'Depends(get_current_user)', level: 'router', file: 'app/routes/users.py', line: 5 }],
        inputs: [],
        controls: {
          authentication: { state: 'yes', note: 'Depends(get_current_user)' },
          authorization: { state: 'unknown' },
          inputSchema: { state: 'n/a' },
          rateLimit: { state: 'no' },
          csrf: { state: 'n/a' },
          auditLog: { state: 'unknown' },
          uploadLimit: { state: 'n/a' },
        },
      },
    ],
    rules: SAMPLE_RULES.map((r) => ({ id: r.id, title: r.title, category: r.category, severity: r.severity, confidence: 'high', status: 'stable', why: 'Why it **matters**: `x`.', fix: 'Do this.\n\n```python\nfix()\n```', references: { cwe: [306], owasp: ['A01:2021'] }, effortHours: r.effortHours })),
    outcomes: SAMPLE_RULES.map((r) => ({ ruleId: r.id, status: 'failed' })),
    skipped: [{ file: 'node_modules/', reason: 'vendored dependencies' }],
    diagnostics: [{ kind: 'parse-error', file: 'broken.py', message: 'invalid syntax at line 3' }],
    testing: {
      frameworks: [{ name: 'pytest', evidence: { file: 'requirements-dev.txt', startLine: 2 } }],
      testFiles: { unit: ['tests/test_models.py', 'tests/test_utils.py'], integration: [], e2e: [], security: [], load: [] },
      testLines: 180,
      sourceLines: 1500,
      testToCodeRatio: 0.12,
      untestedModules: ['app/routes/admin.py'],
      coverage: null,
      coverageCommand: 'pytest --cov=app --cov-report=xml',
      ciRunsTests: false,
    },
    dependencies: {
      manifests: [{ file: 'requirements.txt', ecosystem: 'pypi', dependencies: 12, lockfile: null }],
      unpinned: [{ name: 'requests', spec: '', file: 'requirements.txt', line: 4 }],
      updateBot: null,
      vulnerable: [{ name: 'jinja2', version: '2.10', ecosystem: 'pypi', advisories: [{ id: 'TEST-0001', summary: 'test advisory', severity: 'high', fixedIn: '2.11.3' }], file: 'requirements.txt', line: 7 }],
      advisorySource: { kind: 'osv-db', detail: 'OSV records in test/osv (2 records)' },
    },
    compliance: {
      profile: 'hipaa',
      selectedBy: 'suggested',
      reasons: ['model `Patient` has `diagnosis`, `date_of_birth`'],
      controls: [
        { ...row('Encryption at Rest', 'FAIL', '`Patient.diagnosis` stored in clear text'), regulation: 'HIPAA §164.312(a)(2)(iv)' },
        { ...row('Audit Logging', 'UNKNOWN', 'no audit log model found'), regulation: 'HIPAA §164.312(b)' },
      ],
    },
    strengths: [{ title: 'Parameterised queries everywhere', detail: '23 queries, 0 interpolated', area: 'security', evidence: [{ file: 'app/db.py', startLine: 10 }] }],
    claims: [
      { kind: 'jwt', claim: 'JWT authentication', source: { file: 'README.md', startLine: 12 }, status: 'CONTRADICTED', notes: 'no route requires a token', evidence: [{ file: 'app/routes/admin.py', startLine: 10 }] },
      { kind: 'hipaa', claim: 'HIPAA compliant', source: { file: 'README.md', startLine: 3 }, status: 'UNKNOWN', notes: 'a legal status, not a property of code', evidence: [] },
    ],
    hotspots: [{ file: 'app/routes/users.py', lines: 240, routes: 6, functions: 9, errorHandling: 2, inputValidation: 3, security: 4, other: 1, total: 10, findings: ['HIGH-003'] }],
    metrics: {
      files: { python: 30, js: 8, test: 4, total: 42 },
      filesByKind: { python: 34, js: 8 },
      sourceLines: { python: 1200, js: 300 },
      largestFiles: [{ file: 'app/routes/users.py', lines: 240, routes: 6, functions: 9 }],
      duplicationPercent: 3.5,
      duplication: { sourceLines: 1500, duplicatedLines: 52, largest: [{ lines: 14, places: [{ file: 'app/routes/users.py', startLine: 40, endLine: 53 }, { file: 'app/routes/admin.py', startLine: 12, endLine: 25 }] }] },
      typeAnnotationCoverage: 71,
      typeAnnotations: { slots: 200, annotated: 142, files: 30 },
      anyPerThousandLines: 0.4,
      anyUsage: { count: 1, lines: 2500, files: 8 },
      todoMarkers: 5,
      todoMarkerDetail: { byMarker: { TODO: 4, FIXME: 1 }, first: [{ marker: 'FIXME', text: 'FIXME: retry on timeout', at: { file: 'app/client.py', startLine: 17 } }] },
    },
    plan,
    triage: {
      file: '.shipgate/triage.yaml',
      entries: 2,
      inline: 1,
      applied: 2,
      expired: [{ fingerprint: 'low0010000000000', finding: 'LOW-001', ruleId: 'security-headers-missing', status: 'accepted', until: '2031-02-01', reason: 'CDN sets them', line: 4 }],
      unused: [{ source: 'inline', file: 'app/old.py', line: 9, ruleIds: ['sql-string-interpolation'], reason: 'legacy', why: 'no sql-string-interpolation finding on this line or the next' }],
    },
    progress: {
      previous: { date: '2031-02-25T05:06:07.000Z', score: 31, grade: 'F', verdict: 'NO-GO' },
      trend: [
        { date: '2031-02-18T05:06:07.000Z', score: 22, grade: 'F', verdict: 'NO-GO' },
        { date: '2031-02-25T05:06:07.000Z', score: 31, grade: 'F', verdict: 'NO-GO' },
        { date: '2031-03-04T05:06:07.000Z', score: summary.score, grade: summary.grade, verdict: summary.verdict },
      ],
      fixed: [{ fingerprint: 'aaaaaaaaaaaaaaaa', id: 'CRIT-004', ruleId: 'hardcoded-secret', title: 'Hard-coded secret', severity: 'critical', priority: 'P0', file: 'app/settings.py', line: 4 }],
      new: ['HIGH-005'],
      regressed: ['MED-002'],
      stillOpen: ['CRIT-001', 'CRIT-002', 'HIGH-001', 'HIGH-002', 'HIGH-003', 'HIGH-004', 'MED-001'],
      triaged: ['LOW-002'],
      reopened: ['LOW-001'],
      notRechecked: [
        { fingerprint: 'bbbbbbbbbbbbbbbb', id: 'MED-009', ruleId: 'container-image-unpinned', title: 'Container image unpinned', severity: 'medium', priority: 'P2', file: 'deploy/compose.prod.yml', line: 3, status: 'open', why: 'deploy/compose.prod.yml was skipped (larger than maxFileSizeKb)', carried: true },
      ],
    },
  };
}

/** The same report with none of the optional sections: renderers must leave them out, not invent them. */
export function minimalReport(): AuditReport {
  const full = sampleReport();
  const { testing, dependencies, compliance, strengths, claims, hotspots, metrics, plan, progress, ...rest } = full;
  void testing, void dependencies, void compliance, void strengths, void claims, void hotspots, void metrics, void plan, void progress;
  return { ...rest, scorecards: { security: full.scorecards.security }, routes: full.routes.map(({ controls, ...r }) => (void controls, r)) };
}
