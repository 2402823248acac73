/**
 * End to end on examples/actorhub-service, a FastAPI marketplace planted with the problems of the
 * ActorHub reference audit (examples/actorhub-service/EXPECTED.md): the audit must reproduce the
 * reference's findings (data model, completeness, webhooks, secrets, async, security) and stay
 * quiet on the safe twin next to each flaw.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/model/audit-report.ts';
import { runCli } from './support/run-cli.ts';

const EXAMPLE = 'examples/actorhub-service';

describe('actorhub-service (ActorHub reference audit situation)', () => {
  const { stdout, stderr, code } = runCli(['audit', EXAMPLE, '--format', 'json']);
  const report = JSON.parse(stdout) as AuditReport;
  const at = (ruleId: string, file: string, lines: number[]) =>
    report.findings.some((f) => f.ruleId === ruleId && f.location.file === file && lines.includes(f.location.startLine ?? -1));

  it('runs cleanly and comes out NO-GO with a failing security grade', () => {
    expect(stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expect(code).toBe(0);
    expect(report.summary.verdict).toBe('NO-GO');
    expect(report.summary.securityGrade).toBe('F');
    expect(report.outcomes.filter((o) => o.status === 'error')).toEqual([]);
  });

  it('builds the route table with the /api/v1 prefixes', () => {
    const routes = report.routes.map((r) => `${r.method} ${r.path}`);
    for (const route of ['POST /api/v1/webhooks/clerk', 'POST /api/v1/auth/reset-password', 'PATCH /api/v1/users/me', 'GET /api/v1/packs/{pack_id}/quality'])
      expect(routes).toContain(route);
  });

  // The "must" rows of EXPECTED.md sections 1 and 2: rule, file, accepted anchor lines.
  const must: [string, string, number[]][] = [
    ['webhook-signature-missing', 'app/api/v1/endpoints/webhooks.py', [17, 18]],
    ['timing-unsafe-comparison', 'app/api/v1/endpoints/auth_extended.py', [52]],
    ['server-side-request-forgery', 'app/api/v1/endpoints/identity.py', [41, 42]],
    ['rate-limit-missing', 'app/middleware/rate_limit.py', [27, 28]],
    ['async-blocking-call', 'app/api/v1/endpoints/identity.py', [57, 61]],
    ['mass-assignment', 'app/api/v1/endpoints/identity.py', [82, 83]],
    ['mass-assignment', 'app/api/v1/endpoints/users.py', [34, 35]],
    ['foreign-key-missing-index', 'app/models/user.py', [34]],
    ['foreign-key-missing-index', 'app/models/identity.py', [14]],
    ['foreign-key-missing-index', 'app/models/identity.py', [28]],
    ['foreign-key-missing-index', 'app/models/identity.py', [41]],
    ['foreign-key-missing-index', 'app/models/identity.py', [42]],
    ['foreign-key-missing-index', 'app/models/identity.py', [43]],
    ['foreign-key-missing-index', 'app/models/marketplace.py', [23]],
    ['foreign-key-missing-index', 'app/models/marketplace.py', [34]],
    ['foreign-key-missing-index', 'app/models/marketplace.py', [35]],
    ['foreign-key-missing-index', 'app/models/marketplace.py', [45]],
    ['foreign-key-missing-index', 'app/models/marketplace.py', [46]],
    ['filtered-column-missing-index', 'app/models/user.py', [15]],
    ['filtered-column-missing-index', 'app/models/marketplace.py', [25]],
    ['filtered-column-missing-index', 'app/models/marketplace.py', [26]],
    ['enum-column-free-text', 'app/models/identity.py', [30]],
    ['enum-column-free-text', 'app/models/identity.py', [17]],
    ['enum-column-free-text', 'app/models/marketplace.py', [47]],
    ['enum-column-free-text', 'app/models/marketplace.py', [25]],
    ['enum-column-free-text', 'app/models/user.py', [18]],
    ['enum-column-free-text', 'app/models/user.py', [20]],
    ['hardcoded-secret', 'app/services/storage.py', [6]],
    ['hardcoded-secret', 'app/services/storage.py', [7]],
    ['route-stub-not-implemented', 'app/services/email.py', [5]],
    ['route-stub-not-implemented', 'app/services/training.py', [11]],
    ['webhook-idempotency-missing', 'app/api/v1/endpoints/webhooks.py', [45, 46]],
    ['webhook-idempotency-missing', 'app/api/v1/endpoints/webhooks.py', [31, 32]],
    ['webhook-idempotency-missing', 'app/api/v1/endpoints/webhooks.py', [17, 18]],
    ['route-returns-mock-data', 'app/services/training.py', [6, 7]],
    ['route-returns-mock-data', 'app/services/training.py', [15, 16]],
    ['mock-mode-enabled-by-default', 'app/services/face_recognition.py', [12]],
    ['mock-mode-enabled-by-default', 'app/services/face_recognition.py', [32]],
    ['mock-mode-enabled-by-default', 'app/core/config.py', [18]],
    ['model-migration-missing', 'app/models/identity.py', [37]],
    ['model-migration-missing', 'app/models/marketplace.py', [30]],
    ['model-migration-missing', 'app/models/user.py', [19]],
    ['referenced-file-missing', 'docker-compose.yml', [11]],
  ];
  for (const [ruleId, file, lines] of must) {
    it(`finds ${ruleId} at ${file}:${lines[0]}`, () => {
      expect(at(ruleId, file, lines), `${ruleId} not reported at ${file}:${lines.join('|')}`).toBe(true);
    });
  }

  it('names the evidence: literals for enumerations, call sites for unindexed filters, the repeated write for webhooks', () => {
    const training = report.findings.find((f) => f.ruleId === 'enum-column-free-text' && f.location.startLine === 30 && f.location.file === 'app/models/identity.py');
    expect(training?.message).toMatch(/"completed", "pending", "training"/);
    expect(training?.severity).toBe('medium');
    const clerk = report.findings.find((f) => f.ruleId === 'filtered-column-missing-index' && f.location.file === 'app/models/user.py');
    expect(clerk?.message).toMatch(/app\/core\/security\.py:23/);
    const stripeHook = report.findings.find((f) => f.ruleId === 'webhook-idempotency-missing' && f.location.startLine === 46);
    expect(stripeHook?.message).toMatch(/db\.add\(license_\)/);
    const quality = report.findings.find((f) => f.ruleId === 'route-returns-mock-data' && f.location.startLine === 7);
    expect(quality?.message).toMatch(/GET \/api\/v1\/packs\/\{pack_id\}\/quality/);
  });

  it('leaves the safe twins alone (EXPECTED.md section 3)', () => {
    expect(at('timing-unsafe-comparison', 'app/api/v1/endpoints/auth_extended.py', [67])).toBe(false);
    expect(at('server-side-request-forgery', 'app/api/v1/endpoints/identity.py', [53])).toBe(false);
    expect(at('async-blocking-call', 'app/api/v1/endpoints/identity.py', [73])).toBe(false);
    expect(at('mass-assignment', 'app/api/v1/endpoints/users.py', [42, 43, 44])).toBe(false);
    expect(at('webhook-signature-missing', 'app/api/v1/endpoints/webhooks.py', [31, 32, 45, 46, 62, 63])).toBe(false);
    expect(at('webhook-idempotency-missing', 'app/api/v1/endpoints/webhooks.py', [62, 63])).toBe(false);
    expect(at('foreign-key-missing-index', 'app/models/marketplace.py', [22])).toBe(false);
    expect(at('enum-column-free-text', 'app/models/marketplace.py', [36])).toBe(false);
    expect(at('filtered-column-missing-index', 'app/models/user.py', [16])).toBe(false);
    expect(at('updated-at-column-missing', 'app/models/marketplace.py', [52])).toBe(false);
    expect(report.findings.filter((f) => f.ruleId === 'referenced-file-missing' && f.location.file === 'Dockerfile')).toEqual([]);
    expect(at('referenced-file-missing', 'docker-compose.yml', [4])).toBe(false);
  });

  it('never prints the hard-coded AWS credentials', () => {
    const secrets = [...readFileSync(`${EXAMPLE}/app/services/storage.py`, 'utf8').matchAll(/^AWS_\w+ = "([^"]+)"/gm)].map((m) => m[1]);
    expect(secrets.length).toBe(2);
    for (const secret of secrets) expect(stdout.includes(secret), `secret ${secret.slice(0, 4)}… leaked`).toBe(false);
  });
});

describe('data-model and completeness precision on the well-built examples', () => {
  const RULES = [
    'foreign-key-missing-index',
    'filtered-column-missing-index',
    'enum-column-free-text',
    'model-migration-missing',
    'updated-at-column-missing',
    'route-returns-mock-data',
    'mock-mode-enabled-by-default',
    'todo-marker-in-critical-code',
    'project-import-missing',
    'referenced-file-missing',
    'webhook-idempotency-missing',
  ];
  for (const app of ['clean-service', 'clean-flask', 'clean-django']) {
    it(`${app}: nothing above low`, () => {
      const { stdout } = runCli(['audit', `examples/${app}`, '--format', 'json', '--only', RULES.join(',')]);
      const report = JSON.parse(stdout) as AuditReport;
      const serious = report.findings.filter((f) => f.severity !== 'low' && f.severity !== 'info');
      expect(serious.map((f) => `${f.ruleId} ${f.location.file}:${f.location.startLine} ${f.message}`)).toEqual([]);
    });
  }
});
