/** `--format summary`: the Markdown for CI job pages and pull-request comments. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { buildHistoryRecord } from '../../src/ledger/history.ts';
import { renderCiSummary, SUMMARY_MARKER } from '../../src/report/ci-summary.ts';
import { writeTree } from '../support/fixture-case.ts';

const root = mkdtempSync(path.join(tmpdir(), 'shipgate-summary-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const routes = (n: number) =>
  Array.from({ length: n }, (_, i) => `@app.post("/items/${i}|<b>bold</b>")\ndef create_${i}():\n    return {}\n`).join('\n');

describe('renderCiSummary', () => {
  it('leads with the verdict and score, lists blockers, and escapes repository text for Markdown tables', async () => {
    writeTree(root, { 'requirements.txt': 'fastapi\n', 'main.py': `from fastapi import FastAPI\n\napp = FastAPI()\n\n${routes(20)}` });
    const report = await audit({ root, only: ['route-missing-auth'], now: new Date('2026-01-15T10:00:00Z') });
    const md = renderCiSummary(report);
    const lines = md.split('\n');
    expect(lines[0]).toBe(SUMMARY_MARKER);
    expect(lines[1]).toMatch(/^## ❌ shipgate: NO-GO — shipgate-summary-/);
    expect(md).toContain(`| **Score** | ${report.summary.score}/100, grade **${report.summary.grade}**`);
    expect(md).toContain('### Blockers and open findings (20)');
    expect(md).toContain('… and 5 more in the full report.');
    expect(md).not.toMatch(/<b>/);
    expect(md).toContain('/items/0\\|&lt;b&gt;bold&lt;/b&gt;');
    // Every table row keeps its four cells.
    for (const row of lines.filter((l) => l.startsWith('| CRIT-'))) expect(row.split(/(?<!\\)\|/).length).toBe(6);
    expect(md.length).toBeLessThan(12_000);
  });

  it('says what a change adds, the progress since the last audit, and the triage state', async () => {
    writeTree(root, { 'requirements.txt': 'fastapi\n', 'main.py': `from fastapi import FastAPI\n\napp = FastAPI()\n\n${routes(2)}` });
    const first = await audit({ root, only: ['route-missing-auth'], now: new Date('2026-01-08T10:00:00Z') });
    writeTree(root, {
      'main.py': `from fastapi import FastAPI\n\napp = FastAPI()\n\n${routes(1)}\n# shipgate-ignore: route-missing-auth -- the old endpoint below was removed\nX = 1\n\n\n@app.delete("/admin/users/{user_id}")\ndef delete_user(user_id: str):\n    return {}\n`,
    });
    const report = await audit({
      root,
      only: ['route-missing-auth'],
      now: new Date('2026-01-15T10:00:00Z'),
      history: [buildHistoryRecord(first)],
      baseline: { file: 'base.json', findings: first.findings.map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, title: f.title, severity: f.severity, priority: f.priority, file: f.location.file })) },
    });
    const md = renderCiSummary(report);
    expect(md).toMatch(/\| \*\*This change\*\* \| 1 new finding \(open: 1 critical\) against baseline `base.json`; 1 existing not counted; 1 fixed \|/);
    expect(md).toMatch(/\| \*\*Progress\*\* \| 2 audits: score \d+ → \d+, grade [A-F][+-]? → [A-F][+-]?; since 2026-01-08: 1 fixed, 1 new, 0 regressed \|/);
    expect(md).toContain('| **Triage** | 0 triaged (out of the score), 1 suppression that matches nothing |');
    expect(md).toContain('### New findings in this change (1)');
    expect(md).toMatch(/\| CRIT-\d+ \| critical \| .*\/admin\/users\/\{user_id\}.* \| `main.py:\d+-\d+` \|/);
  });
});
