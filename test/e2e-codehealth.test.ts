/**
 * End to end for issue 6 items 4–5 and the claims table, on the example apps: compound findings
 * with their chains and parts, the claims table, metrics and hotspots — and precision: on the
 * well-built services these rules raise nothing above low.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import { defaultConfig } from '../src/config/schema.ts';
import type { AuditReport } from '../src/model/audit-report.ts';
import type { Finding } from '../src/model/finding.ts';

const EXAMPLES = path.resolve(import.meta.dirname, '../examples');
const reports = new Map<string, AuditReport>();
const auditExample = async (name: string) => {
  if (!reports.has(name)) reports.set(name, await audit({ root: path.join(EXAMPLES, name) }));
  return reports.get(name)!;
};

/** The rules this work adds: code health, compound chains, documentation claims. */
const MINE = /^(monolithic-module|duplicated-code|type-coverage-low|exception-swallowed|global-error-handler-missing|request-body-unvalidated|readme-claim-contradicted|[\w-]+-chain)$/;
const partsOf = (report: AuditReport, compound: Finding) => (compound.parts ?? []).map((id) => report.findings.find((f) => f.id === id)!);

describe('mindful-api: compound findings, claims, metrics', () => {
  let report: AuditReport;
  beforeAll(async () => {
    report = await auditExample('mindful-api');
  });

  it('reports the open paid-API routes as chains of route-missing-auth + rate-limit-missing', () => {
    const chains = report.findings.filter((f) => f.ruleId === 'unauthenticated-paid-api-chain');
    expect(chains.map((f) => `${f.location.file}:${f.location.startLine} ${f.severity}`)).toEqual(['backend/routers/sessions.py:59 critical', 'backend/routers/sessions.py:135 critical']);
    for (const chain of chains) {
      const parts = partsOf(report, chain);
      expect(parts.map((p) => p.ruleId).sort()).toEqual(['rate-limit-missing', 'route-missing-auth']);
      for (const p of parts) expect(p.partOf).toBe(chain.id);
    }
  });

  it('reports the avatar upload served from /static as one chain with its upload findings', () => {
    const chain = report.findings.find((f) => f.ruleId === 'unauthenticated-upload-served-chain')!;
    expect(chain.location.file).toBe('backend/routers/avatar.py');
    expect(chain.message).toMatch(/`POST \/api\/agents\/\{agent_id\}\/avatar`.*`static\/avatars`/);
    expect(partsOf(report, chain).map((p) => `${p.ruleId}:${p.messageId}`)).toEqual(
      expect.arrayContaining(['route-missing-auth:noAuthAnywhere', 'upload-content-type-only:contentTypeOnly', 'upload-content-type-only:servedFromStatic']),
    );
  });

  it('scores each chain once: its parts deduct nothing while it is open', () => {
    const security = report.summary.categories.find((c) => c.category === 'security')!;
    expect(security.deductions.map((d) => d.ruleId)).toEqual(expect.arrayContaining(['unauthenticated-paid-api-chain', 'unauthenticated-upload-served-chain']));
    const parts = report.findings.filter((f) => f.partOf);
    const rateLimitParts = parts.filter((p) => p.ruleId === 'rate-limit-missing').length;
    const rateLimitOpen = report.findings.filter((f) => f.ruleId === 'rate-limit-missing' && f.status === 'open').length;
    expect(security.deductions.find((d) => d.ruleId === 'rate-limit-missing')?.findings ?? 0).toBe(rateLimitOpen - rateLimitParts);
  });

  it('does not chain the committed DEBUG=true: nothing in the app applies it', () => {
    expect(report.findings.some((f) => f.ruleId === 'debug-exposure-chain')).toBe(false);
  });

  it('checks the README claims: JWT, rate limiting, multi-tenancy and Redis contradicted by the code', () => {
    const status = Object.fromEntries((report.claims ?? []).map((c) => [c.claim, c.status]));
    expect(status).toMatchObject({ 'JWT authentication': 'CONTRADICTED', 'rate limiting': 'CONTRADICTED', 'multi-tenancy': 'CONTRADICTED', Redis: 'CONTRADICTED', Docker: 'VERIFIED' });
    const findings = report.findings.filter((f) => f.ruleId === 'readme-claim-contradicted');
    expect(findings.find((f) => /JWT authentication/.test(f.message))).toMatchObject({ severity: 'high', location: { file: 'README.md', startLine: 8 } });
  });

  it('fills the metrics and the hotspot table', () => {
    expect(report.metrics).toMatchObject({ files: { python: 9, test: 0 }, duplicationPercent: 0, typeAnnotationCoverage: 100 });
    expect(report.metrics!.largestFiles[0]).toMatchObject({ file: 'backend/routers/sessions.py', routes: 7 });
    const top = report.hotspots![0];
    expect(top.file).toBe('backend/routers/sessions.py');
    expect(top.security + top.inputValidation + top.errorHandling).toBeGreaterThan(5);
  });
});

describe('voice-agent: the debug exposure chain of the reference audit', () => {
  it('ties app.run(debug=True, host="0.0.0.0"), the published port and the open admin routes into one critical finding', async () => {
    const report = await auditExample('voice-agent');
    const chain = report.findings.find((f) => f.ruleId === 'debug-exposure-chain')!;
    expect(chain).toMatchObject({ severity: 'critical', location: { file: 'app.py', startLine: 36 } });
    const parts = partsOf(report, chain);
    expect(parts.map((p) => p.ruleId)).toEqual(expect.arrayContaining(['debug-mode-enabled', 'route-missing-auth']));
    expect(parts.filter((p) => p.ruleId === 'route-missing-auth').every((p) => p.location.file === 'voice_agent/routes/admin.py')).toBe(true);
    expect(chain.related.map((r) => r.file)).toEqual(expect.arrayContaining(['docker-compose.yml', 'app.py', 'voice_agent/routes/admin.py']));
  });
});

describe('precision on the well-built services', () => {
  for (const name of ['clean-service', 'clean-flask', 'clean-django']) {
    it(`${name}: these rules raise nothing above low, and no documentation claim is contradicted`, async () => {
      const report = await auditExample(name);
      const mine = report.findings.filter((f) => MINE.test(f.ruleId));
      expect(mine.filter((f) => !['low', 'info'].includes(f.severity)).map((f) => `${f.ruleId} ${f.location.file}:${f.location.startLine} ${f.message}`)).toEqual([]);
      expect((report.claims ?? []).filter((c) => c.status === 'CONTRADICTED').map((c) => `${c.claim}: ${c.notes}`)).toEqual([]);
      expect(report.findings.some((f) => f.parts)).toBe(false);
    });
  }
});

describe('ai-assistant: the monolithic server module', () => {
  // The example commits a small api/server.py; scripts/generate-ai-assistant-monolith.ts grows a copy into the reference's monolith.
  const app = path.join(EXAMPLES, 'ai-assistant');
  const generator = path.resolve(import.meta.dirname, '../scripts/generate-ai-assistant-monolith.ts');
  it('reports the grown server module as a high monolith with its counts and route prefixes', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shipgate-ai-assistant-'));
    try {
      cpSync(app, root, { recursive: true });
      const { growMonolith } = (await import(pathToFileURL(generator).href)) as { growMonolith: (dir: string, lines?: number) => { lines: number; routes: number } };
      const grown = growMonolith(root, 20_000);
      const report = await audit({ root, only: ['monolithic-module'], config: { ...defaultConfig(), maxFileSizeKb: 16_384 } });
      const monolith = report.findings.find((f) => f.ruleId === 'monolithic-module' && f.location.file === 'api/server.py');
      expect(monolith, 'no monolithic-module finding on api/server.py').toBeDefined();
      expect(monolith).toMatchObject({ severity: 'high', messageId: 'monolithRoutes', location: { startLine: 1 } });
      const largest = report.metrics!.largestFiles[0];
      expect(largest.file).toBe('api/server.py');
      expect(Math.abs(largest.lines - grown.lines)).toBeLessThanOrEqual(1);
      expect(largest.lines).toBeGreaterThanOrEqual(15_000);
      expect(monolith!.message).toContain(`${largest.lines.toLocaleString('en-US')} lines, ${largest.routes.toLocaleString('en-US')} routes`);
      expect(monolith!.message).toMatch(/split it by route prefix: `\/[\w-]+` \(\d+ routes\)/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
