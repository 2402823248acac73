import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { writeTree } from '../support/fixture-case.ts';

describe('inline suppressions', () => {
  it('honour a reasoned shipgate-ignore (finding stays listed, out of the score) and refuse one without a reason', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shipgate-suppress-'));
    try {
      writeTree(root, {
        'requirements.txt': 'fastapi\n',
        'main.py': [
          'from fastapi import FastAPI',
          'app = FastAPI()',
          '# shipgate-ignore: route-missing-auth -- internal network only, behind the VPN',
          '@app.post("/jobs")',
          'def enqueue():',
          '    return {}',
          '@app.post("/reports")  # shipgate-ignore: route-missing-auth',
          'def report():',
          '    return {}',
          '',
        ].join('\n'),
      });
      const report = await audit({ root, only: ['route-missing-auth'] });
      const jobs = report.findings.find((f) => f.location.startLine === 4)!;
      const reports = report.findings.find((f) => f.location.startLine === 7)!;
      expect(jobs.status).toBe('accepted');
      expect(jobs.triage).toEqual({ source: 'inline', reason: 'internal network only, behind the VPN' });
      expect(reports.status).toBe('open');
      expect(report.diagnostics.some((d) => d.message.includes('without a reason'))).toBe(true);
      expect(report.summary.counts.critical + report.summary.counts.high).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
