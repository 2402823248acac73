/**
 * Compound findings: a rule with `requires` runs after the ordinary rules, reads their findings,
 * reports one finding whose `parts` are linked (`partOf` on each part), and the parts are scored
 * through the compound.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import type { Finding, RuleOutcome } from '../../src/model/finding.ts';
import { defineRule, type Rule, type RuleMeta } from '../../src/model/rule.ts';
import { withRequiredRules } from '../../src/engine/select-rules.ts';
import { scoreCategories, scoredFindings } from '../../src/scoring/score.ts';
import { SEVERITY_PENALTY } from '../../src/scoring/weights.ts';
import { writeTree } from '../support/fixture-case.ts';

const baseMeta = {
  category: 'security',
  confidence: 'high',
  status: 'experimental',
  appliesWhen: [] as RuleMeta['appliesWhen'],
  scorecard: 'Configuration',
  why: 'test rule',
  fix: 'test',
  effortHours: 1,
  examples: { bad: {}, good: {} },
} as const;

/** Reports every line of app.py that contains `marker`. */
const lineRule = (id: string, marker: string, severity: 'critical' | 'high' | 'medium') =>
  defineRule({
    meta: { ...baseMeta, id, title: id, severity, messages: { hit: `{{line}} has ${marker}.` } },
    check({ files, report }) {
      for (const file of files.ofKind('python'))
        for (let n = 1; n <= file.lineCount; n++) if (file.line(n).includes(marker)) report({ messageId: 'hit', at: file.locateLines(n), data: { line: String(n) } });
    },
  }) as Rule;

const first = lineRule('link-a', 'DEBUG', 'high');
const second = lineRule('link-b', 'ADMIN', 'medium');
let seen: readonly Finding[] = [];
const chain = defineRule({
  meta: { ...baseMeta, id: 'chain-ab', title: 'chain', severity: 'critical', requires: ['link-a', 'link-b'], messages: { chain: 'A and B together.' } },
  check({ findings, report }) {
    seen = findings;
    const a = findings.find((f) => f.ruleId === 'link-a');
    const b = findings.find((f) => f.ruleId === 'link-b');
    if (a && b) report({ messageId: 'chain', at: a.location, related: [{ ...b.location, note: 'second link' }], parts: [a, b] });
  },
}) as Rule;

describe('compound findings', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'shipgate-compound-'));
    writeTree(root, { 'app.py': 'DEBUG = True\nADMIN = "/admin"\nADMIN_TWO = 1\n' });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('runs the compound after the rules it requires, even when listed first, and links parts and compound', async () => {
    const report = await audit({ root, rules: [chain, first, second] });
    expect(seen.map((f) => f.ruleId).sort()).toEqual(['link-a', 'link-b', 'link-b']);
    const compound = report.findings.find((f) => f.ruleId === 'chain-ab')!;
    const a = report.findings.find((f) => f.ruleId === 'link-a')!;
    const [b1, b2] = report.findings.filter((f) => f.ruleId === 'link-b');
    expect(compound.parts).toEqual([a.id, b1.id]);
    expect(a.partOf).toBe(compound.id);
    expect(b1.partOf).toBe(compound.id);
    expect(b2.partOf).toBeUndefined();
    expect(report.outcomes.map((o) => o.ruleId)).toEqual(['chain-ab', 'link-a', 'link-b']);
  });

  it('selecting only the compound also runs the rules it requires', async () => {
    expect(withRequiredRules([chain, first, second], ['chain-ab']).sort()).toEqual(['chain-ab', 'link-a', 'link-b']);
    const report = await audit({ root, rules: [chain, first, second], only: ['chain-ab'] });
    expect(report.findings.some((f) => f.ruleId === 'chain-ab')).toBe(true);
  });

  it('scores the parts through the compound: a chain deducts once', async () => {
    const report = await audit({ root, rules: [chain, first, second] });
    const security = report.summary.categories.find((c) => c.category === 'security')!;
    // link-a's only finding is a part: no deduction of its own; link-b keeps its second finding.
    expect(security.deductions.find((d) => d.ruleId === 'link-a')).toBeUndefined();
    expect(security.deductions.find((d) => d.ruleId === 'link-b')).toMatchObject({ points: SEVERITY_PENALTY.medium, findings: 1 });
    expect(security.deductions.find((d) => d.ruleId === 'chain-ab')).toMatchObject({ points: SEVERITY_PENALTY.critical, findings: 1 });
    // The parts are still open findings: they count in the severity counts; the compound's hours are not added to theirs.
    expect(report.summary.counts).toMatchObject({ critical: 1, high: 1, medium: 2 });
    expect(report.summary.effortHours).toBe(3);
  });

  it('scores the parts on their own again when the compound is triaged', () => {
    const f = (id: string, ruleId: string, extra: Partial<Finding>): Finding =>
      ({ id, ruleId, severity: 'high', confidence: 'high', status: 'open', category: 'security', ...extra }) as Finding;
    const compound = f('CRIT-001', 'chain-ab', { severity: 'critical', parts: ['HIGH-001'] });
    const part = f('HIGH-001', 'link-a', { partOf: 'CRIT-001' });
    expect(scoredFindings([compound, part]).map((x) => x.id)).toEqual(['CRIT-001']);
    expect(scoredFindings([{ ...compound, status: 'accepted' }, part]).map((x) => x.id)).toEqual(['CRIT-001', 'HIGH-001']);
    const metas = new Map<string, RuleMeta>([
      ['chain-ab', { id: 'chain-ab', category: 'security' } as RuleMeta],
      ['link-a', { id: 'link-a', category: 'security' } as RuleMeta],
    ]);
    const outcomes: RuleOutcome[] = ['chain-ab', 'link-a'].map((ruleId) => ({ ruleId, status: 'failed', findings: [], durationMs: 0 }));
    const open = scoreCategories(outcomes, metas, [compound, part]).find((c) => c.category === 'security')!;
    const triaged = scoreCategories(outcomes, metas, [{ ...compound, status: 'accepted' }, part]).find((c) => c.category === 'security')!;
    expect(open.score).toBe(100 - SEVERITY_PENALTY.critical);
    expect(triaged.score).toBe(100 - SEVERITY_PENALTY.high);
  });
});
