/**
 * Progress since the previous audit: fixed needs evidence (rule ran, file audited or gone);
 * new / regressed / still open / triaged / reopened; carried findings; the trend.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { buildHistoryRecord, type HistoryFinding, type HistoryRecord } from '../../src/ledger/history.ts';
import { computeProgress } from '../../src/ledger/progress.ts';
import type { AuditSummary } from '../../src/model/audit-report.ts';
import type { Finding } from '../../src/model/finding.ts';
import { defineRule, type Rule } from '../../src/model/rule.ts';
import { initGitRepo, writeTree } from '../support/fixture-case.ts';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const fp = (n: number) => n.toString(16).padStart(16, '0');

function finding(n: number, status: Finding['status'] = 'open', id = `HIGH-${String(n).padStart(3, '0')}`): Finding {
  return {
    id,
    ruleId: 'rule-a',
    messageId: 'm',
    title: 'Problem A',
    message: 'A problem.',
    data: {},
    category: 'security',
    severity: 'high',
    priority: 'P1',
    confidence: 'high',
    cwe: [],
    owasp: [],
    location: { file: `f${n}.py`, startLine: n },
    related: [],
    risk: '',
    fix: '',
    effortHours: 1,
    fingerprint: fp(n),
    status,
    docsUrl: '',
  };
}

function entry(n: number, status: HistoryFinding['status'] = 'open'): HistoryFinding {
  return { fingerprint: fp(n), id: `HIGH-${String(n).padStart(3, '0')}`, ruleId: 'rule-a', title: 'Problem A', severity: 'high', priority: 'P1', status, file: `f${n}.py`, line: n };
}

function rec(date: string, findings: HistoryFinding[], score = 50, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    version: 1,
    date,
    commit: date.slice(0, 10).replace(/-/g, '').padEnd(40, '0'),
    tool: '0.1.0',
    fingerprintVersion: 1,
    target: 'app',
    score,
    grade: 'F',
    securityGrade: 'F',
    verdict: 'NO-GO',
    counts: { critical: 0, high: findings.length, medium: 0, low: 0, info: 0 },
    priorities: { P0: 0, P1: findings.length, P2: 0, P3: 0 },
    effortHours: findings.length,
    findings,
    ...extra,
  };
}

const summary = (score: number, commit = 'f'.repeat(40)) => ({ score, grade: 'C', verdict: 'GO WITH CONDITIONS', date: '2026-01-19T09:00:00.000Z', commit }) as AuditSummary;
const everythingRechecked = () => undefined;

describe('computeProgress', () => {
  it('returns nothing on a first audit', () => {
    expect(computeProgress([], [finding(1)], summary(50), everythingRechecked)).toBeUndefined();
  });

  it('sorts findings into fixed, new, regressed, still open, triaged and reopened', () => {
    const records = [
      rec('2026-01-05T09:00:00.000Z', [entry(1), entry(2), entry(3), entry(4), entry(5, 'accepted'), entry(9)], 30),
      // 9 was fixed between the first and second audit.
      rec('2026-01-12T09:00:00.000Z', [entry(1), entry(2), entry(3), entry(4), entry(5, 'accepted')], 40),
    ];
    const now = [finding(1), finding(3, 'wont-fix'), finding(5), finding(6), finding(9)];
    const p = computeProgress(records, now, summary(61), everythingRechecked)!;
    expect(p.previous).toMatchObject({ date: '2026-01-12T09:00:00.000Z', score: 40 });
    expect(p.fixed.map((f) => f.fingerprint)).toEqual([fp(2), fp(4)]);
    expect(p.fixed[0]).toEqual({ fingerprint: fp(2), id: 'HIGH-002', ruleId: 'rule-a', title: 'Problem A', severity: 'high', priority: 'P1', file: 'f2.py', line: 2 });
    expect(p.stillOpen).toEqual(['HIGH-001']);
    expect(p.triaged).toEqual(['HIGH-003']);
    expect(p.reopened).toEqual(['HIGH-005']);
    expect(p.new).toEqual(['HIGH-006']);
    expect(p.regressed).toEqual(['HIGH-009']);
    expect(p.notRechecked).toEqual([]);
    expect(p.trend.map((t) => t.score)).toEqual([30, 40, 61]);
    expect(p.unchanged).toBeUndefined();
  });

  it('does not call a missing finding fixed when this audit could not re-check it, and says why', () => {
    const records = [rec('2026-01-12T09:00:00.000Z', [entry(1), entry(2), entry(3)])];
    const coverage = ({ file }: { file: string }) =>
      file === 'f1.py' ? { why: 'rule crashed', carry: true } : file === 'f2.py' ? { why: 'rule switched off', carry: false } : undefined;
    const p = computeProgress(records, [], summary(50), coverage)!;
    expect(p.fixed.map((f) => f.file)).toEqual(['f3.py']);
    expect(p.notRechecked.map((f) => [f.file, f.why, f.carried, f.status])).toEqual([
      ['f1.py', 'rule crashed', true, 'open'],
      ['f2.py', 'rule switched off', false, 'open'],
    ]);
  });

  it('compares nothing across fingerprint schemes, and says so', () => {
    const p = computeProgress([rec('2026-01-12T09:00:00.000Z', [entry(1)], 40, { fingerprintVersion: 0 })], [finding(2)], summary(50), everythingRechecked)!;
    expect(p.fixed).toEqual([]);
    expect(p.new).toEqual([]);
    expect(p.note).toMatch(/another shipgate version/);
    expect(p.trend.map((t) => t.score)).toEqual([40, 50]);
  });

  it('shows a re-run on the same commit once in the trend', () => {
    const commit = 'e'.repeat(40);
    const records = [rec('2026-01-05T09:00:00.000Z', [entry(1)], 30), rec('2026-01-12T09:00:00.000Z', [entry(1)], 50, { commit })];
    const same = { ...summary(50, commit), grade: 'F', securityGrade: 'F', verdict: 'NO-GO' } as AuditSummary;
    const p = computeProgress(records, [finding(1)], same, everythingRechecked)!;
    expect(p.unchanged).toBe(true);
    expect(p.trend.map((t) => t.date)).toEqual(['2026-01-05T09:00:00.000Z', '2026-01-19T09:00:00.000Z']);
    // Another status, score or commit is a new data point.
    expect(computeProgress(records, [finding(1, 'accepted')], same, everythingRechecked)!.unchanged).toBeUndefined();
    expect(computeProgress(records, [finding(1)], { ...same, score: 51 }, everythingRechecked)!.unchanged).toBeUndefined();
    expect(computeProgress(records, [finding(1)], { ...same, commit: 'd'.repeat(40) }, everythingRechecked)!.trend).toHaveLength(3);
  });
});

/** A rule that reports one finding per file containing `TODO-BUG`, and crashes when told to. */
function markerRule(crash = false): Rule {
  return defineRule({
    meta: {
      id: 'marker-bug',
      category: 'completeness',
      title: 'Marked bug',
      severity: 'high',
      confidence: 'high',
      status: 'experimental',
      appliesWhen: [],
      scorecard: 'Implementation Completeness',
      messages: { marked: 'A marked bug.' },
      why: 'x',
      fix: 'x',
      effortHours: 1,
      examples: { bad: {}, good: {} },
    },
    check({ files, report }) {
      if (crash) throw new Error('boom');
      for (const file of files.ofKind('python', { containing: ['TODO-BUG'] }))
        file.text.split('\n').forEach((line, i) => {
          if (line.includes('TODO-BUG')) report({ messageId: 'marked', at: file.locateLines(i + 1) });
        });
    },
  });
}

describe('progress through audit(): what counts as re-checked', () => {
  async function setup() {
    const root = mkdtempSync(path.join(tmpdir(), 'shipgate-progress-'));
    roots.push(root);
    writeTree(root, { 'a.py': 'x = 1  # TODO-BUG one\n', 'b.py': 'y = 2  # TODO-BUG two\n', 'c.py': 'z = 3  # TODO-BUG three\n' });
    initGitRepo(root);
    const first = await audit({ root, rules: [markerRule()], now: new Date('2026-01-05T09:00:00Z') });
    expect(first.findings).toHaveLength(3);
    return { root, history: [buildHistoryRecord(first)] };
  }

  it('a fixed line is fixed; a deleted file is fixed; an ignored or oversized file is not re-checked', async () => {
    const { root, history } = await setup();
    writeFileSync(path.join(root, 'a.py'), 'x = 1\n');
    rmSync(path.join(root, 'b.py'));
    writeFileSync(path.join(root, 'c.py'), `z = 3  # TODO-BUG three\n${'# padding\n'.repeat(300)}`);
    const config = { ...defaultConfig(), maxFileSizeKb: 1 };
    const report = await audit({ root, rules: [markerRule()], history, config, now: new Date('2026-01-12T09:00:00Z') });
    expect(report.progress!.fixed.map((f) => f.file)).toEqual(['a.py', 'b.py']);
    expect(report.progress!.notRechecked).toEqual([expect.objectContaining({ file: 'c.py', carried: true, why: expect.stringContaining('was skipped in this audit (larger than') })]);
    // The carried finding stays open in the next record, so a later full audit can still close it.
    const next = buildHistoryRecord(report);
    expect(next.findings).toEqual([expect.objectContaining({ file: 'c.py', status: 'open', carried: true })]);

    const ignored = await audit({ root, rules: [markerRule()], history, config: { ...defaultConfig(), ignore: ['c.py'] }, now: new Date('2026-01-12T09:00:00Z') });
    expect(ignored.progress!.notRechecked).toEqual([expect.objectContaining({ file: 'c.py', carried: false, why: expect.stringContaining("ignore list") })]);
  });

  it('a crashed rule re-checks nothing; a rule switched off is not re-checked either', async () => {
    const { root, history } = await setup();
    rmSync(path.join(root, 'a.py'));
    const crashed = await audit({ root, rules: [markerRule(true)], history, now: new Date('2026-01-12T09:00:00Z') });
    expect(crashed.progress!.fixed).toEqual([]);
    expect(crashed.progress!.notRechecked.map((f) => [f.file, f.carried])).toEqual([
      ['a.py', true],
      ['b.py', true],
      ['c.py', true],
    ]);
    expect(crashed.progress!.notRechecked[0].why).toBe('rule `marker-bug` crashed in this audit');
    const off = await audit({ root, rules: [markerRule()], history, config: { ...defaultConfig(), rules: { 'marker-bug': 'off' } } });
    expect(off.progress!.fixed).toEqual([]);
    expect(off.progress!.notRechecked.map((f) => f.carried)).toEqual([false, false, false]);
  });

  it('a history finding is not fixed by an audit that did not scan the git history', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shipgate-progress-'));
    roots.push(root);
    writeTree(root, { 'app.py': 'print("hello")\n' });
    initGitRepo(root);
    const leaked: HistoryFinding = { fingerprint: fp(77), id: 'CRIT-001', ruleId: 'secret-in-git-history', title: 'Secret in git history', severity: 'critical', priority: 'P0', status: 'open', file: 'old_settings.py', line: 3 };
    const history = [rec('2026-01-05T09:00:00.000Z', [leaked])];
    const report = await audit({ root, only: ['secret-in-git-history'], gitHistory: false, history });
    expect(report.progress!.fixed).toEqual([]);
    expect(report.progress!.notRechecked).toEqual([expect.objectContaining({ fingerprint: fp(77), carried: true, why: 'the git history was not scanned (turned off)' })]);
    const scanned = await audit({ root, only: ['secret-in-git-history'], gitHistory: true, history });
    expect(scanned.progress!.fixed.map((f) => f.fingerprint)).toEqual([fp(77)]);
  });
});
