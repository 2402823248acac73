/**
 * End to end on the Python examples of issue 3: voice-agent is a Flask phone agent planted with
 * the problems of the voice-agent reference audit (examples/voice-agent/EXPECTED.md); clean-flask
 * and clean-django are services written in the idioms of the frameworks' docs, where shipgate must
 * raise no critical or high finding (precision).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/model/audit-report.ts';
import { runCli } from './support/run-cli.ts';

const auditJson = (app: string): AuditReport => {
  const { stdout, stderr, code } = runCli(['audit', `examples/${app}`, '--format', 'json']);
  expect(stderr.replace(/npm warn.*\n/g, '')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as AuditReport;
};

describe('voice-agent (voice-agent reference audit situation)', () => {
  const report = auditJson('voice-agent');
  const at = (ruleId: string, file: string, lines: number[]) =>
    report.findings.some((f) => f.ruleId === ruleId && f.location.file === file && lines.includes(f.location.startLine ?? -1));

  it('comes out NO-GO with a failing security grade', () => {
    expect(report.summary.verdict).toBe('NO-GO');
    expect(report.summary.securityGrade).toBe('F');
    expect(report.summary.counts.critical).toBeGreaterThan(0);
  });

  it('builds the Flask route table with blueprints, prefixes and guards', () => {
    const routes = report.routes.map((r) => `${r.method} ${r.path}`);
    expect(routes).toContain('POST /voice/incoming');
    expect(routes.some((r) => r.startsWith('GET /admin/'))).toBe(true);
    const api = report.routes.filter((r) => r.path.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(0);
    for (const r of api) expect(r.guards.map((g) => g.name).join(), `${r.method} ${r.path}`).toMatch(/require_api_key/);
  });

  // The "must" rows of EXPECTED.md: rule, file, accepted anchor lines.
  const must: [string, string, number[]][] = [
    ['hardcoded-secret', 'voice_agent/config.py', [14]],
    ['hardcoded-secret', 'voice_agent/config.py', [18]],
    ['hardcoded-secret', 'voice_agent/config.py', [27]],
    ['hardcoded-secret', 'voice_agent/config.py', [33]],
    ['compose-hardcoded-password', 'docker-compose.yml', [21]],
    ['secret-in-config-file', 'render.yaml', [14]],
    ['webhook-signature-missing', 'voice_agent/routes/voice.py', [48, 49]],
    ['webhook-signature-missing', 'voice_agent/routes/voice.py', [71, 72]],
    ['webhook-signature-missing', 'voice_agent/routes/voice.py', [94, 95]],
    ['webhook-signature-missing', 'voice_agent/routes/voice.py', [117, 118]],
    ['webhook-signature-missing', 'voice_agent/routes/sms.py', [12, 13]],
    ['module-state-mutated-in-handler', 'voice_agent/routes/voice.py', [23, 55, 56, 57, 82]],
    ['module-state-mutated-in-handler', 'voice_agent/routes/voice.py', [25, 58, 75, 130]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [41, 42]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [52, 53]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [66, 67]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [78, 79]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [91, 92]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [101, 102]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [107, 108]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [120, 121]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [128, 129]],
    ['route-missing-auth', 'voice_agent/routes/admin.py', [134, 135]],
    ['route-stub-not-implemented', 'voice_agent/analytics.py', [13, 15]],
    ['sql-string-interpolation', 'voice_agent/routes/admin.py', [56, 57, 58, 59, 60, 61]],
    ['command-injection', 'voice_agent/routes/admin.py', [112, 113, 114]],
    ['server-side-request-forgery', 'voice_agent/routes/api.py', [87]],
    ['server-side-request-forgery', 'voice_agent/routes/voice.py', [100, 101]],
    ['path-traversal', 'voice_agent/routes/admin.py', [104]],
    ['path-traversal', 'voice_agent/routes/voice.py', [106, 107]],
    ['insecure-deserialization', 'voice_agent/routes/api.py', [98]],
    ['weak-random-token', 'voice_agent/routes/api.py', [63]],
    ['debug-mode-enabled', 'app.py', [36]],
    ['sensitive-data-logged', 'voice_agent/routes/voice.py', [50]],
  ];
  for (const [ruleId, file, lines] of must) {
    it(`finds ${ruleId} at ${file}:${lines[0]}`, () => {
      expect(at(ruleId, file, lines), `${ruleId} not reported at ${file}:${lines.join('|')}`).toBe(true);
    });
  }

  it('leaves the safe idioms next to them alone (EXPECTED.md section 4)', () => {
    expect(at('sql-string-interpolation', 'voice_agent/db.py', [43, 57])).toBe(false);
    expect(at('sql-string-interpolation', 'voice_agent/routes/api.py', [52, 53, 54, 55])).toBe(false);
    expect(at('command-injection', 'voice_agent/routes/admin.py', [28])).toBe(false);
    expect(at('path-traversal', 'voice_agent/routes/admin.py', [24, 93, 95, 122, 125])).toBe(false);
    expect(at('weak-random-token', 'voice_agent/db.py', [34])).toBe(false);
    expect(at('weak-random-token', 'voice_agent/routes/api.py', [79, 105])).toBe(false);
    expect(at('timing-unsafe-comparison', 'voice_agent/routes/api.py', [28])).toBe(false);
    expect(at('hardcoded-secret', 'voice_agent/config.py', [34])).toBe(false);
    expect(at('insecure-deserialization', 'voice_agent/routes/api.py', [107])).toBe(false);
    expect(report.findings.filter((f) => f.ruleId === 'admin-route-missing-role-check')).toEqual([]);
    expect(report.findings.filter((f) => f.ruleId === 'csrf-protection-missing')).toEqual([]);
    expect(at('route-missing-auth', 'app.py', [25, 30])).toBe(false);
  });

  it('never prints a hard-coded credential of its config module, in any format', () => {
    const secrets = readFileSync('examples/voice-agent/voice_agent/config.py', 'utf8')
      .split('\n')
      .map((l) => /^(\w*(KEY|SECRET|TOKEN|PASSWORD)\w*)\s*=\s*"([^"]{8,})"/.exec(l)?.[3])
      .filter((v): v is string => Boolean(v));
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    const out = mkdtempSync(path.join(tmpdir(), 'shipgate-out-'));
    try {
      const terminal = runCli(['audit', 'examples/voice-agent', '--format', 'all', '--out', out]);
      const outputs = [terminal.stdout, terminal.stderr, JSON.stringify(report), ...readdirSync(out).map((f) => readFileSync(path.join(out, f), 'utf8'))];
      for (const secret of secrets) for (const text of outputs) expect(text.includes(secret), `secret ${secret.slice(0, 4)}… leaked`).toBe(false);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('traces injection findings to the request data that feeds them', () => {
    const traced = report.findings.filter((f) => ['command-injection', 'server-side-request-forgery', 'path-traversal'].includes(f.ruleId));
    expect(traced.length).toBeGreaterThan(0);
    for (const f of traced) {
      expect(f.confidence, f.message).toBe('high');
      expect(f.related.some((r) => r.note === 'request data enters here'), f.message).toBe(true);
    }
  });
});

for (const app of ['clean-flask', 'clean-django']) {
  describe(`${app} (well-built)`, () => {
    const report = auditJson(app);
    it('has no critical or high findings and comes out GO', () => {
      const serious = report.findings.filter((f) => f.severity === 'critical' || f.severity === 'high');
      expect(serious.map((f) => `${f.ruleId} ${f.location.file}:${f.location.startLine} ${f.message}`)).toEqual([]);
      expect(report.summary.verdict).toBe('GO');
    });
    it('keeps critical-or-high findings under 0.2 per 1,000 lines', () => {
      const lines = report.summary.linesOfCode.python + report.summary.linesOfCode.js;
      const serious = report.findings.filter((f) => f.severity === 'critical' || f.severity === 'high').length;
      expect((serious * 1000) / lines).toBeLessThan(0.2);
    });
    it('finds the routes and that most of them are guarded', () => {
      expect(report.routes.length).toBeGreaterThan(8);
      expect(report.summary.routes.guarded / report.summary.routes.total).toBeGreaterThan(0.6);
    });
  });
}
