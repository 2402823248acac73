/**
 * End to end on examples/ai-assistant, the situation of the ai-assistant critical-fixes plan
 * (examples/ai-assistant/EXPECTED.md): the committed example through the CLI, then a copy whose
 * api/server.py the generator grows into a monolith of tens of thousands of lines — the same
 * findings at the same lines, nothing new from the generated sections, and the time it takes.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../src/model/audit-report.ts';
import { growMonolith } from '../scripts/generate-ai-assistant-monolith.ts';
import { initGitRepo } from './support/fixture-case.ts';
import { PROJECT_ROOT, runCli } from './support/run-cli.ts';

const EXAMPLE = path.join(PROJECT_ROOT, 'examples/ai-assistant');

function auditJson(root: string): AuditReport {
  const { stdout, stderr, code } = runCli(['audit', root, '--format', 'json']);
  expect(stderr.replace(/npm warn.*\n/g, '')).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as AuditReport;
}

const at = (report: AuditReport, ruleId: string, file: string, lines: number[]) =>
  report.findings.some((f) => f.ruleId === ruleId && f.location.file === file && lines.includes(f.location.startLine ?? -1));

// The "must" rows of EXPECTED.md: rule, file, accepted anchor lines.
const MUST: [string, string, number[]][] = [
  ['sql-string-interpolation', 'scripts/migrate_to_postgres.py', [77]],
  ['sql-string-interpolation', 'scripts/migrate_to_postgres.py', [105]],
  ['secret-in-config-file', '.env.example', [12]],
  ['secret-in-config-file', '.env.example', [10]],
  ['client-created-per-request', 'api/database.py', [13]],
  ['client-created-per-request', 'api/database.py', [15]],
  ['sqlite-in-production', 'api/database.py', [15]],
  ['route-stub-not-implemented', 'agents/oauth_providers.py', [45]],
  ['route-stub-not-implemented', 'agents/oauth_providers.py', [54]],
  ['route-stub-not-implemented', 'agents/oauth_providers.py', [62]],
  ['csrf-protection-missing', 'api/server.py', [27]],
  ['rate-limit-missing', 'api/rate_limit.py', [5]],
  ['rate-limit-missing', 'api/server.py', [90]],
  ['module-state-mutated-in-handler', 'agents/assistant_agent.py', [31, 18, 19, 21]],
  ['module-state-mutated-in-handler', 'api/server.py', [40, 249, 250]],
  ['in-memory-store-per-process', 'api/server.py', [38, 154, 159, 167]],
  ['async-blocking-call', 'api/llm.py', [16]],
  ['http-request-without-timeout', 'api/llm.py', [16]],
  ['coroutine-not-awaited', 'api/server.py', [147]],
  ['client-created-per-request', 'api/llm.py', [27]],
  ['sql-string-interpolation', 'api/routers/blog_api.py', [14]],
];

function checkMust(report: AuditReport) {
  const missing = MUST.filter(([ruleId, file, lines]) => !at(report, ruleId, file, lines)).map(([r, f, l]) => `${r} at ${f}:${l.join('|')}`);
  expect(missing, `not reported: ${missing.join('; ')}`).toEqual([]);
}

describe('ai-assistant (ai-assistant critical-fixes situation)', () => {
  const report = auditJson('examples/ai-assistant');

  it('comes out NO-GO with a failing security grade', () => {
    expect(report.summary.verdict).toBe('NO-GO');
    expect(report.summary.securityGrade).toBe('F');
    expect(report.summary.counts.critical).toBeGreaterThan(0);
  });

  it('reproduces the reference findings and the concurrency defects (EXPECTED.md must rows)', () => {
    checkMust(report);
  });

  it('names the evidence: the four gunicorn workers, the chain into the shared agent, the routes that open a connection', () => {
    const sqlite = report.findings.find((f) => f.ruleId === 'sqlite-in-production')!;
    expect(sqlite.message).toMatch(/4 processes serve requests \(gunicorn with 4 worker processes, Dockerfile:11\)/);
    const agent = report.findings.find((f) => f.ruleId === 'module-state-mutated-in-handler' && f.location.file === 'agents/assistant_agent.py')!;
    expect(agent.message).toContain('POST /chat (chat → assistant.configure)');
    expect(agent.message).toMatch(/assistant\.system_prompt/);
    const perRequest = report.findings.find((f) => f.ruleId === 'client-created-per-request' && f.location.startLine === 13)!;
    expect(perRequest.severity).toBe('high');
    expect(perRequest.message).toMatch(/psycopg2\.connect.*and 20 more routes/);
    const csrf = report.findings.find((f) => f.ruleId === 'csrf-protection-missing')!;
    expect(csrf.severity).toBe('high');
    expect(csrf.message).toContain('samesite="none"');
  });

  it('leaves the safe idioms alone (EXPECTED.md section 4)', () => {
    expect(at(report, 'sql-string-interpolation', 'api/routers/blog_api.py', [20, 21])).toBe(false);
    expect(report.findings.filter((f) => f.ruleId === 'sql-string-interpolation' && f.location.file === 'api/server.py')).toEqual([]);
    expect(at(report, 'sql-string-interpolation', 'scripts/migrate_to_postgres.py', [68, 69, 70, 71, 72, 90, 102])).toBe(false);
    expect(at(report, 'async-blocking-call', 'api/llm.py', [42])).toBe(false);
    expect(report.findings.filter((f) => f.ruleId === 'async-blocking-call' && f.location.file === 'api/server.py')).toEqual([]);
    expect(at(report, 'coroutine-not-awaited', 'api/server.py', [224])).toBe(false);
    expect(report.findings.filter((f) => f.ruleId === 'module-state-mutated-in-handler' && f.location.file === 'agents/oauth_providers.py')).toEqual([]);
    expect(report.findings.filter((f) => f.ruleId === 'timing-unsafe-comparison')).toEqual([]);
    expect(at(report, 'hardcoded-secret', 'api/config.py', [8])).toBe(false);
  });

  it('never prints the keys of .env.example', () => {
    const values = readFileSync(path.join(EXAMPLE, '.env.example'), 'utf8')
      .split('\n')
      .map((l) => /^(OPENAI_API_KEY|SESSION_SECRET)=(.+)$/.exec(l)?.[2])
      .filter((v): v is string => !!v);
    expect(values).toHaveLength(2);
    const text = JSON.stringify(report);
    for (const value of values) expect(text.includes(value), `${value.slice(0, 6)}… leaked`).toBe(false);
  });
});

describe('ai-assistant grown into a monolith (generated api/server.py)', () => {
  let root: string;
  let grown: { lines: number; routes: number };
  let report: AuditReport;
  let base: AuditReport;
  let seconds: number;

  beforeAll(() => {
    root = path.join(mkdtempSync(path.join(tmpdir(), 'shipgate-monolith-')), 'ai-assistant');
    cpSync(EXAMPLE, root, { recursive: true });
    grown = growMonolith(root, 20_000);
    initGitRepo(root);
    base = auditJson('examples/ai-assistant');
    const started = performance.now();
    report = auditJson(root);
    seconds = (performance.now() - started) / 1000;
    console.info(`ai-assistant monolith: api/server.py ${grown.lines} lines, ${grown.routes} routes, audited in ${seconds.toFixed(1)} s`);
  }, 900_000);

  afterAll(() => rmSync(path.dirname(root), { recursive: true, force: true }));

  it('is a monolith of tens of thousands of lines and about a thousand routes, all in the route table', () => {
    expect(grown.lines).toBeGreaterThanOrEqual(20_000);
    expect(grown.routes).toBeGreaterThan(900);
    expect(report.routes.filter((r) => r.file === 'api/server.py').length).toBe(grown.routes);
    expect(report.skipped.filter((s) => s.file === 'api/server.py')).toEqual([]);
  });

  it('reports the same findings at the same lines: the generated sections add routes to them, not new findings — only the size and the repetition of the module itself', () => {
    checkMust(report);
    const key = (f: AuditReport['findings'][number]) => `${f.ruleId} ${f.location.file}:${f.location.startLine}`;
    // The grown module is a monolith (the point of the example), and its generated sections repeat one shape.
    const ofSize = (f: AuditReport['findings'][number]) => f.location.file === 'api/server.py' && (f.ruleId === 'monolithic-module' || f.ruleId === 'duplicated-code');
    expect(report.findings.filter((f) => !ofSize(f)).map(key).sort()).toEqual(base.findings.filter((f) => !ofSize(f)).map(key).sort());
    expect(report.findings.some((f) => f.ruleId === 'monolithic-module' && f.location.file === 'api/server.py')).toBe(true);
    const perRequest = report.findings.find((f) => f.ruleId === 'client-created-per-request' && f.location.startLine === 13)!;
    expect(Number(/and (\d+) more routes/.exec(perRequest.message)?.[1])).toBeGreaterThan(900);
  });

  it('finishes in reasonable time (no rule goes quadratic in the routes of one module)', () => {
    // About 20 s of CPU on this machine when idle; the bound only catches a blow-up.
    expect(seconds).toBeLessThan(600);
  });
});
