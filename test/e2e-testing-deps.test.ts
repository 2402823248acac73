/**
 * End to end for the testing, dependency and compliance assessments: the CLI on the example apps,
 * advisories from an OSV folder (--osv-db) and from a local stand-in for the OSV API (--online,
 * node:http on 127.0.0.1 — never the internet), the timeout fallback, and the compliance profile
 * asked for or suggested. OSV records here are TEST DATA (invented ids for invented flaws).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import type { AuditReport, ScorecardEntry } from '../src/model/audit-report.ts';
import type { OsvRecord } from '../src/model/advisory.ts';
import { PROJECT_ROOT, runCli } from './support/run-cli.ts';

const auditJson = (args: string[]): AuditReport => {
  const { stdout, code, stderr } = runCli(['audit', ...args, '--format', 'json']);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as AuditReport;
};
const rows = (report: AuditReport, area: string) => Object.fromEntries((report.scorecards[area] ?? []).map((r: ScorecardEntry) => [r.name, r]));

/** Advisories for versions the clean service pins (TEST DATA). */
const FASTAPI_RECORD: OsvRecord = {
  id: 'GHSA-test-fapi-7001',
  modified: '2025-07-01T00:00:00Z',
  aliases: ['CVE-2099-70001'],
  summary: 'Invented flaw in form parsing (TEST DATA)',
  affected: [{ package: { ecosystem: 'PyPI', name: 'fastapi' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0.100.0' }, { fixed: '0.115.7' }] }] }],
  database_specific: { severity: 'HIGH' },
};
const EXPRESS_RECORD: OsvRecord = {
  id: 'GHSA-test-expr-7002',
  modified: '2025-07-02T00:00:00Z',
  summary: 'Invented low-severity flaw (TEST DATA)',
  affected: [{ package: { ecosystem: 'npm', name: 'express' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '4.0.0' }, { fixed: '4.21.3' }] }] }],
  database_specific: { severity: 'LOW' },
};

function runCliAsync(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin/shipgate.js'), ...args], { cwd: PROJECT_ROOT, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('mindful-api: no tests, no lockfile for the front end, health data', () => {
  const report = auditJson(['examples/mindful-api']);

  it('fails every testing row behind one high test-suite-missing finding', () => {
    const missing = report.findings.find((f) => f.ruleId === 'test-suite-missing')!;
    expect(missing).toMatchObject({ severity: 'high', location: { file: 'backend/routers/sessions.py' } });
    const testing = rows(report, 'testing');
    for (const name of ['Unit Tests', 'Integration Tests', 'E2E Tests', 'Security Tests', 'Load Tests', 'Test Coverage']) {
      expect(testing[name]?.status, name).toBe('FAIL');
      expect(testing[name].findings, name).toContain(missing.id);
    }
    expect(testing['Test Coverage'].notes).toBe('0%: there are no tests');
    expect(report.testing).toMatchObject({ testLines: 0, ciRunsTests: null, coverage: null });
  });

  it('reports the front end without a lockfile and leaves known vulnerabilities UNKNOWN', () => {
    expect(report.findings.some((f) => f.ruleId === 'dependency-lockfile-missing' && f.location.file === 'frontend/package.json' && f.location.startLine === 12)).toBe(true);
    const deps = rows(report, 'dependencies');
    expect(deps['Lockfiles'].status).toBe('PARTIAL');
    expect(deps['Known Vulnerabilities']).toMatchObject({ status: 'UNKNOWN' });
    expect(deps['Known Vulnerabilities'].howToKnow).toMatch(/--online.*--osv-db DIR/);
    expect(report.dependencies?.advisorySource.kind).toBe('none');
  });

  it('suggests the HIPAA profile because of the sessions health notes, without compliance findings', () => {
    expect(report.compliance).toMatchObject({ profile: 'hipaa', selectedBy: 'suggested' });
    expect(report.compliance!.reasons.join('\n')).toMatch(/health_notes/);
    expect(report.findings.filter((f) => f.category === 'compliance')).toEqual([]);
    const { stdout } = runCli(['audit', 'examples/mindful-api']);
    expect(stdout).toMatch(/HIPAA profile suggested: the code handles health data \(SessionRequest\.health_notes, sessions\.health_notes\); run with --profile hipaa/);
  });

  it('with --profile hipaa: the controls of the reference audit fail, with findings', () => {
    const hipaa = auditJson(['examples/mindful-api', '--profile', 'hipaa']);
    expect(hipaa.compliance).toMatchObject({ profile: 'hipaa', selectedBy: 'option' });
    const controls = Object.fromEntries(hipaa.compliance!.controls.map((c) => [c.name, c]));
    for (const name of ['Encryption at Rest', 'Audit Logging', 'Access Control', 'PII in Logs', 'Data Retention']) expect(controls[name].status, name).toBe('FAIL');
    expect(controls['Encryption at Rest'].regulation).toBe('HIPAA §164.312(a)(2)(iv) encryption and decryption');
    const ids = new Set(hipaa.findings.filter((f) => f.category === 'compliance').map((f) => f.ruleId));
    expect([...ids].sort()).toEqual(['audit-log-missing', 'data-retention-policy-missing', 'personal-data-logged', 'sensitive-data-unencrypted']);
    expect(hipaa.findings.some((f) => f.ruleId === 'personal-data-logged' && f.location.file === 'backend/routers/sessions.py' && f.location.startLine === 61)).toBe(true);
  });
});

describe('clean examples: honest rows, nothing above low from these checks', () => {
  for (const app of ['clean-service', 'clean-flask', 'clean-django']) {
    it(app, () => {
      const report = auditJson([`examples/${app}`]);
      const mine = report.findings.filter((f) => f.category === 'testing' || f.category === 'compliance' || f.ruleId.startsWith('dependency-'));
      expect(mine.filter((f) => !['low', 'info'].includes(f.severity)).map((f) => f.message)).toEqual([]);
      const testing = rows(report, 'testing');
      expect(testing['Integration Tests'].status).toBe('PASS');
      expect(testing['Security Tests'].status).toBe('PASS');
      expect(testing['E2E Tests'].status).toBe('N/A');
      expect(testing['Test Coverage'].status).toBe('UNKNOWN');
      expect(testing['Test Coverage'].howToKnow).toMatch(/^run `/);
      const deps = rows(report, 'dependencies');
      expect(deps['Lockfiles'].status).toBe('PASS');
      expect(deps['Version Pinning'].status).toBe('PASS');
      expect(report.compliance).toBeUndefined();
    });
  }
});

describe('known vulnerabilities from an OSV folder and from the OSV API', () => {
  let db: string;
  let server: Server;
  let url: string;
  let calls = 0;
  beforeAll(async () => {
    db = mkdtempSync(path.join(tmpdir(), 'shipgate-e2e-osv-'));
    mkdirSync(path.join(db, 'PyPI'));
    mkdirSync(path.join(db, 'npm'));
    writeFileSync(path.join(db, 'PyPI', `${FASTAPI_RECORD.id}.json`), JSON.stringify(FASTAPI_RECORD));
    writeFileSync(path.join(db, 'npm', `${EXPRESS_RECORD.id}.json`), JSON.stringify(EXPRESS_RECORD));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        calls++;
        if (req.url === '/v1/querybatch') {
          const { queries } = JSON.parse(body) as { queries: { package: { name: string } }[] };
          const results = queries.map((q) => (q.package.name === 'fastapi' ? { vulns: [{ id: FASTAPI_RECORD.id }] } : q.package.name === 'express' ? { vulns: [{ id: EXPRESS_RECORD.id }] } : {}));
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
          return;
        }
        const record = [FASTAPI_RECORD, EXPRESS_RECORD].find((r) => req.url === `/v1/vulns/${r.id}`);
        if (record) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
        else if (req.url === '/slow/v1/querybatch') return; // never answers
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    rmSync(db, { recursive: true, force: true });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const check = (report: AuditReport, source: string) => {
    const fastapi = report.findings.find((f) => f.ruleId === 'dependency-known-vulnerability' && f.data.name === 'fastapi')!;
    expect(fastapi).toMatchObject({ severity: 'high', location: { file: 'examples/clean-service/backend/requirements.txt'.replace('examples/clean-service/', ''), startLine: 1 } });
    expect(fastapi.message).toBe(
      '`fastapi@0.115.6` has 1 known vulnerability: GHSA-test-fapi-7001 (CVE-2099-70001) [high] Invented flaw in form parsing (TEST DATA); fixed in 0.115.7 — set `fastapi==0.115.7` in backend/requirements.txt and reinstall (`pip install -r backend/requirements.txt`).',
    );
    const express = report.findings.find((f) => f.ruleId === 'dependency-known-vulnerability' && f.data.name === 'express')!;
    expect(express).toMatchObject({ severity: 'low', location: { file: 'api-gateway/package.json' } });
    expect(express.message).toMatch(/run `npm install express@\^4\.21\.3`/);
    const row = rows(report, 'dependencies')['Known Vulnerabilities'];
    expect(row.status).toBe('FAIL');
    expect(row.notes).toMatch(new RegExp(`^2 vulnerable packages of \\d+ checked against ${source}`));
    expect(report.dependencies!.vulnerable.map((v) => `${v.name}@${v.version}`).sort()).toEqual(['express@4.21.2', 'fastapi@0.115.6']);
  };

  it('--osv-db DIR', () => {
    const report = auditJson(['examples/clean-service', '--osv-db', db]);
    expect(report.dependencies!.advisorySource).toMatchObject({ kind: 'osv-db' });
    check(report, 'the OSV folder');
  });

  it('--online against a local OSV API', async () => {
    const before = calls;
    const { code, stdout, stderr } = await runCliAsync(['audit', 'examples/clean-service', '--online', '--format', 'json', '--no-history'], { SHIPGATE_OSV_API_URL: url });
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as AuditReport;
    expect(report.dependencies!.advisorySource).toEqual({ kind: 'osv-api', detail: url });
    check(report, 'the OSV API');
    expect(calls - before).toBe(3);
  });

  it('falls back to UNKNOWN with a diagnostic when the API does not answer in time or cannot be reached', async () => {
    const slow = await audit({ root: path.join(PROJECT_ROOT, 'examples/clean-service'), online: { url: `${url}/slow`, timeoutMs: 300 } });
    const row = rows(slow, 'dependencies')['Known Vulnerabilities'];
    expect(row).toMatchObject({ status: 'UNKNOWN', notes: expect.stringMatching(/^not checked: the OSV API did not answer within 300 ms/) });
    expect(slow.diagnostics.some((d) => d.kind === 'advisories' && /did not answer within 300 ms/.test(d.message))).toBe(true);
    expect(slow.findings.some((f) => f.ruleId === 'dependency-known-vulnerability')).toBe(false);

    const { code, stdout } = await runCliAsync(['audit', 'examples/clean-service', '--online', '--format', 'json', '--no-history'], { SHIPGATE_OSV_API_URL: 'http://127.0.0.1:1' });
    expect(code).toBe(0);
    const refused = JSON.parse(stdout) as AuditReport;
    expect(rows(refused, 'dependencies')['Known Vulnerabilities']).toMatchObject({ status: 'UNKNOWN', notes: expect.stringMatching(/could not be reached/) });
  });

  it('rejects a bad --osv-db with exit code 2', () => {
    const missing = runCli(['audit', 'examples/clean-service', '--osv-db', 'no/such/folder']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('shipgate: --osv-db no/such/folder: no such folder\n');
    const file = runCli(['audit', 'examples/clean-service', '--osv-db', 'package.json']);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/not a folder/);
    const profile = runCli(['audit', 'examples/clean-service', '--profile', 'sox']);
    expect(profile.code).toBe(2);
  });
});
