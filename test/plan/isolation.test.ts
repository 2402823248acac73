/** A crash in a derived view (the action plan, the route control matrix) costs that view, never the audit. */
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { audit } from '../../src/audit.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderHtml } from '../../src/report/html.ts';
import { PROJECT_ROOT } from '../support/run-cli.ts';

vi.mock('../../src/plan/index.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/plan/index.ts')>()),
  buildActionPlan: () => {
    throw new Error('planner bug');
  },
}));
vi.mock('../../src/assess/route-controls.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/assess/route-controls.ts')>()),
  routeControlMatrix: () => {
    throw new Error('matrix bug');
  },
}));

describe('derived views are isolated', () => {
  it('keeps the findings and the verdict, says what was left out, and the reports still render', async () => {
    const report = await audit({ root: path.join(PROJECT_ROOT, 'examples/mindful-api'), gitHistory: false });
    expect(report.summary.verdict).toBe('NO-GO');
    expect(report.findings.length).toBeGreaterThan(10);
    expect(report.plan).toBeUndefined();
    expect(report.routes.every((r) => r.controls === undefined)).toBe(true);
    expect(report.diagnostics.map((d) => d.message)).toEqual(
      expect.arrayContaining(['the action plan and timeline could not be computed and are missing from this report: planner bug', 'the route controls could not be computed and are missing from this report: matrix bug']),
    );
    const md = renderMarkdown(report);
    expect(md).toContain('## 🎬 Final Verdict');
    expect(md).not.toContain('## ⏱️ Timeline to Production');
    expect(md).toContain('| Method | Path | Handler | Authentication |');
    expect(renderHtml(report)).toContain('<strong id="verdict">NO-GO</strong>');
  });
});
