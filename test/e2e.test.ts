/**
 * End to end: the CLI on the bundled example apps. mindful-api is planted with the problems of
 * the HypnoAgent reference audit (see examples/mindful-api/EXPECTED.md); clean-service is the
 * same product built the way the frameworks' docs recommend.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/model/audit-report.ts';
import { runCli } from './support/run-cli.ts';

const auditJson = (app: string): { report: AuditReport; raw: string; code: number } => {
  const { stdout, stderr, code } = runCli(['audit', `examples/${app}`, '--format', 'json']);
  expect(stderr.replace(/npm warn.*\n/g, '')).toBe('');
  return { report: JSON.parse(stdout) as AuditReport, raw: stdout, code };
};

describe('mindful-api (HypnoAgent situation)', () => {
  const { report, raw, code } = auditJson('mindful-api');
  const at = (ruleId: string, file: string, lines: number[]) =>
    report.findings.some((f) => f.ruleId === ruleId && f.location.file === file && lines.includes(f.location.startLine ?? -1));

  it('comes out NO-GO with a failing security grade', () => {
    expect(code).toBe(0);
    expect(report.schemaVersion).toBe(1);
    expect(report.summary.verdict).toBe('NO-GO');
    expect(report.summary.securityGrade).toBe('F');
    expect(report.summary.score).toBeLessThan(65);
    expect(report.summary.counts.critical).toBeGreaterThan(0);
  });

  // The "must" rows of EXPECTED.md: rule, file, accepted anchor lines.
  const must: [string, string, number[]][] = [
    ['env-file-tracked', '.env', [1, 2, 3, 4, 5, 6, 7, 8]],
    ['hardcoded-secret', 'backend/config.py', [11]],
    ['hardcoded-secret', 'backend/config.py', [12]],
    ['compose-hardcoded-password', 'docker-compose.yml', [8]],
    ['cors-permissive-policy', 'backend/main.py', [25, 26, 27, 28, 29, 30, 31]],
    ['debug-mode-enabled', 'backend/main.py', [64]],
    ['tenant-id-hardcoded', 'backend/routers/agents.py', [18, 19, 61, 72, 81, 91, 138]],
    ['tenant-id-hardcoded', 'backend/routers/agents.py', [106]],
    ['mass-assignment', 'backend/routers/agents.py', [112, 113]],
    ['sql-string-interpolation', 'backend/routers/sessions.py', [113, 114]],
    ['timing-unsafe-comparison', 'backend/routers/webhooks.py', [45]],
    ['webhook-signature-missing', 'backend/routers/webhooks.py', [21, 22, 23, 24, 25]],
    ['rate-limit-missing', 'backend/routers/sessions.py', [59, 60, 77]],
    ['async-blocking-call', 'backend/routers/sessions.py', [143]],
    ['in-memory-store-per-process', 'backend/routers/sessions.py', [25, 70, 101, 151]],
    ['route-stub-not-implemented', 'backend/routers/sessions.py', [54, 56, 167, 173]],
    ['upload-content-type-only', 'backend/routers/avatar.py', [17, 19]],
    ['route-missing-auth', 'backend/routers/admin.py', [43]],
    ['route-missing-auth', 'backend/routers/agents.py', [137]],
    ['route-missing-auth', 'frontend/app/api/feedback/route.ts', [5]],
  ];
  for (const [ruleId, file, lines] of must) {
    it(`finds ${ruleId} at ${file}:${lines[0]}`, () => {
      expect(at(ruleId, file, lines), `${ruleId} not reported at ${file}:${lines.join('|')}`).toBe(true);
    });
  }

  it('leaves the public-by-design and constant-only lines alone', () => {
    expect(at('route-missing-auth', 'backend/main.py', [53, 58])).toBe(false);
    expect(at('module-state-mutated-in-handler', 'backend/db.py', [9])).toBe(false);
    expect(at('sql-string-interpolation', 'backend/routers/agents.py', [64, 74, 107])).toBe(false);
    expect(at('sql-string-interpolation', 'backend/routers/sessions.py', [43, 44, 45, 46, 47, 48, 49, 50])).toBe(false);
  });

  it('gives every finding the fields of the JSON contract', () => {
    for (const f of report.findings) {
      expect(f.id).toMatch(/^(CRIT|HIGH|MED|LOW|INFO)-\d{3}$/);
      expect(['P0', 'P1', 'P2', 'P3']).toContain(f.priority);
      expect(f.location.file).not.toMatch(/^\/|\.\./);
      expect(f.location.startLine).toBeGreaterThan(0);
      expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(f.status).toBe('open');
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(10);
      expect(f.effortHours).toBeGreaterThan(0);
    }
    expect(report.scorecards.security.find((r) => r.name === 'Authentication')?.status).toBe('FAIL');
  });

  it('is byte-identical when run twice (with the date fixed and no history: progress differs between runs by design)', () => {
    // summary.date is the one time-dependent field (SOURCE_DATE_EPOCH fixes it), and with history on
    // the second run reports progress since the first; everything derived from the code must not move.
    const run = () => runCli(['audit', 'examples/mindful-api', '--format', 'json', '--no-history'], { env: { SOURCE_DATE_EPOCH: '1767225600' } }).stdout;
    const first = run();
    expect(JSON.parse(first).summary.date).toBe('2026-01-01T00:00:00.000Z');
    expect(JSON.parse(first).progress).toBeUndefined();
    expect(run()).toBe(first);
  });

  it('never prints a secret value of the committed .env, in any format', () => {
    const secrets = readFileSync('examples/mindful-api/.env', 'utf8')
      .split('\n')
      .map((l) => /^(\w*(KEY|SECRET|TOKEN|PASSWORD)\w*)=(.+)$/.exec(l)?.[3])
      .filter((v): v is string => Boolean(v && v.length >= 8));
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const out = mkdtempSync(path.join(tmpdir(), 'shipgate-out-'));
    try {
      const terminal = runCli(['audit', 'examples/mindful-api', '--format', 'all', '--out', out]);
      const outputs = [terminal.stdout, terminal.stderr, raw, ...readdirSync(out).map((f) => readFileSync(path.join(out, f), 'utf8'))];
      for (const secret of secrets) for (const text of outputs) expect(text.includes(secret), `secret ${secret.slice(0, 4)}… leaked`).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('clean-service (well-built)', () => {
  const { report } = auditJson('clean-service');
  it('has no critical or high findings', () => {
    const serious = report.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
    expect(serious.map((f) => `${f.ruleId} ${f.location.file}:${f.location.startLine} ${f.message}`)).toEqual([]);
    expect(report.summary.verdict).toBe('GO');
  });
  it('finds the routes and their guards', () => {
    expect(report.routes.length).toBeGreaterThan(5);
    const unguarded = report.routes.filter((r) => !r.guards.length).map((r) => r.path);
    for (const p of unguarded) expect(p).toMatch(/healthz|login|webhooks|^\/$/);
  });
});

describe('CLI contract', () => {
  it('npm start target prints the verdict', () => {
    const { stdout, code } = runCli(['audit', 'examples/mindful-api']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Verdict\s+NO-GO/);
    expect(stdout).toMatch(/Score\s+\d+\/100\s+grade [A-F][+-]?/);
  });
  it('exits 1 when --fail-on is hit, 2 on bad usage with a message naming the problem', () => {
    expect(runCli(['audit', 'examples/mindful-api', '--fail-on', 'critical']).code).toBe(1);
    const badFormat = runCli(['audit', 'examples/mindful-api', '--format', 'pdf']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('pdf');
    const badSeverity = runCli(['audit', '.', '--fail-on', 'sometimes']);
    expect(badSeverity.code).toBe(2);
    expect(badSeverity.stderr).toContain('sometimes');
    const missing = runCli(['audit', 'no/such/dir']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no/such/dir');
    const unknownRule = runCli(['audit', '.', '--only', 'no-such-rule']);
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toContain('no-such-rule');
  });
  it('lists and explains rules', () => {
    const rules = runCli(['rules']);
    expect(rules.code).toBe(0);
    expect(rules.stdout).toContain('route-missing-auth');
    const explain = runCli(['explain', 'route-missing-auth']);
    expect(explain.stdout).toContain('Why it matters');
    expect(runCli(['explain', 'nope']).code).toBe(2);
  });
  it('writes md and json with --out', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'shipgate-out-'));
    try {
      const { code, stdout } = runCli(['audit', 'examples/mindful-api', '--format', 'md,json', '--out', out]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/Verdict/);
      const md = readFileSync(path.join(out, 'shipgate-audit.md'), 'utf8');
      for (const heading of ['## Executive Summary', '## 🚨 Critical Issues', 'CRIT-001', '## ⚠️ High Priority Issues', '## 🔒 Security Audit Scorecard', '## 🎬 Final Verdict', 'Minimum Requirements for GO'])
        expect(md).toContain(heading);
      JSON.parse(readFileSync(path.join(out, 'shipgate-report.json'), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
