import { describe, expect, it } from 'vitest';
import { assess, type Assessment, type AssessmentInput } from '../../src/assess/index.ts';
import type { ScorecardEntry } from '../../src/model/audit-report.ts';
import type { Finding } from '../../src/model/finding.ts';
import type { Severity } from '../../src/model/rule.ts';
import { mergeScorecards } from '../../src/scoring/scorecards.ts';

const finding = (id: string, ruleId: string, severity: Severity, extra: Partial<Finding> = {}): Finding =>
  ({ id, ruleId, severity, title: `${ruleId} title`, status: 'open', category: 'infrastructure', confidence: 'high', ...extra }) as Finding;
const row = (name: string, status: ScorecardEntry['status'], extra: Partial<ScorecardEntry> = {}): ScorecardEntry => ({ name, status, notes: `${name} notes`, findings: [], rules: [], ...extra });

describe('mergeScorecards', () => {
  const findings = [
    finding('HIGH-001', 'ci-pipeline-missing', 'high'),
    finding('MED-001', 'container-image-unpinned', 'medium'),
    finding('LOW-001', 'alerting-x', 'low', { status: 'accepted' }),
  ];

  it('a critical or high finding of the row makes it FAIL whatever the facts say', () => {
    const merged = mergeScorecards(
      { infrastructure: [row('CI/CD', 'FAIL', { findings: ['HIGH-001'], rules: ['ci-pipeline-missing'] })] },
      { infrastructure: [row('CI/CD', 'PASS', { notes: 'workflow ci.yml runs pytest' })] },
      findings,
    );
    expect(merged.infrastructure).toEqual([
      expect.objectContaining({ name: 'CI/CD', status: 'FAIL', findings: ['HIGH-001'], rules: ['ci-pipeline-missing'], notes: 'workflow ci.yml runs pytest; ci-pipeline-missing title' }),
    ]);
  });

  it('a medium or low finding makes a PASS, UNKNOWN or N/A row PARTIAL, and leaves a FAIL alone', () => {
    const rules = { infrastructure: [row('Containerization', 'PARTIAL', { findings: ['MED-001'], rules: ['container-image-unpinned'] })] };
    for (const status of ['PASS', 'UNKNOWN', 'N/A', 'PARTIAL'] as const)
      expect(mergeScorecards(rules, { infrastructure: [row('Containerization', status)] }, findings).infrastructure[0].status).toBe('PARTIAL');
    expect(mergeScorecards(rules, { infrastructure: [row('Containerization', 'FAIL')] }, findings).infrastructure[0].status).toBe('FAIL');
  });

  it('never turns an assessed UNKNOWN into PASS for lack of findings, and keeps howToKnow only on UNKNOWN rows', () => {
    const rules = { infrastructure: [row('Backup/Restore', 'PASS', { rules: ['backup-procedure-missing'] })] };
    const unknown = mergeScorecards(rules, { infrastructure: [row('Backup/Restore', 'UNKNOWN', { howToKnow: 'check the provider console' })] }, findings);
    expect(unknown.infrastructure[0]).toMatchObject({ status: 'UNKNOWN', howToKnow: 'check the provider console', rules: ['backup-procedure-missing'] });
    const pass = mergeScorecards(rules, { infrastructure: [row('Backup/Restore', 'PASS', { howToKnow: 'stale' })] }, findings);
    expect(pass.infrastructure[0].status).toBe('PASS');
    expect(pass.infrastructure[0].howToKnow).toBeUndefined();
  });

  it('ignores triaged findings and keeps the findings the assessment linked (per-process state for Auto-Scaling)', () => {
    const merged = mergeScorecards(
      { infrastructure: [row('Alerting', 'PARTIAL', { findings: ['LOW-001'] })] },
      { infrastructure: [row('Alerting', 'PASS'), row('Auto-Scaling', 'FAIL', { findings: ['HIGH-009'] })] },
      findings,
    );
    expect(merged.infrastructure.map((r) => [r.name, r.status, r.findings])).toEqual([
      ['Alerting', 'PASS', ['LOW-001']],
      ['Auto-Scaling', 'FAIL', ['HIGH-009']],
    ]);
  });

  it('moves a rule row into the assessed area at the assessed position; rows nobody assessed stay where they were', () => {
    const merged = mergeScorecards(
      {
        security: [row('Authentication', 'FAIL')],
        infrastructure: [row('Configuration', 'PASS'), row('Health Checks', 'PASS')],
        concurrency: [row('Shared State', 'FAIL')],
      },
      { infrastructure: [row('Containerization', 'PASS'), row('Health Checks', 'PARTIAL')], documentation: [row('README', 'PASS')] },
      findings,
    );
    expect(Object.keys(merged)).toEqual(['security', 'infrastructure', 'documentation', 'concurrency']);
    expect(merged.infrastructure.map((r) => r.name)).toEqual(['Containerization', 'Health Checks', 'Configuration']);
    expect(merged.infrastructure[1].status).toBe('PARTIAL');
    expect(merged.security.map((r) => r.name)).toEqual(['Authentication']);
  });
});

describe('assess', () => {
  it('runs every assessment, turning a crash into a diagnostic without losing the others', () => {
    const crashing: Assessment = {
      name: 'broken',
      run: () => {
        throw new Error('boom');
      },
    };
    const working: Assessment = {
      name: 'working',
      run: (_input, result) => {
        (result.scorecards.documentation ??= []).push(row('README', 'PASS'));
      },
    };
    const result = assess({} as AssessmentInput, [crashing, working]);
    expect(result.scorecards.documentation.map((r) => r.name)).toEqual(['README']);
    expect(result.diagnostics).toEqual([{ kind: 'rule-error', message: 'assessment broken crashed and was skipped: boom' }]);
  });
});
