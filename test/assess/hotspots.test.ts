/** The per-file hotspot table: every open finding in one column by its rule's scorecard row, files sorted by the three columns. */
import { describe, expect, it } from 'vitest';
import { fileHotspots, hotspotColumn } from '../../src/assess/hotspots.ts';
import type { Finding } from '../../src/model/finding.ts';
import type { RuleMeta, ScorecardRow } from '../../src/model/rule.ts';
import { indexTree } from '../support/index-tree.ts';

const meta = (id: string, category: RuleMeta['category'], scorecard: ScorecardRow) => ({ id, category, scorecard }) as RuleMeta;
const METAS = new Map<string, RuleMeta>(
  [
    meta('exception-swallowed', 'code-health', 'Error Handling'),
    meta('request-body-unvalidated', 'code-health', 'Request Validation'),
    meta('server-side-request-forgery', 'security', 'Input Validation'),
    meta('upload-content-type-only', 'security', 'File Upload Security'),
    meta('route-missing-auth', 'security', 'Authentication'),
    meta('sql-string-interpolation', 'security', 'SQL Injection'),
    meta('async-blocking-call', 'concurrency', 'Async Correctness'),
    meta('unauthenticated-upload-served-chain', 'security', 'File Upload Security'),
  ].map((m) => [m.id, m]),
);

let n = 0;
const finding = (ruleId: string, file: string, extra: Partial<Finding> = {}): Finding =>
  ({ id: `F-${++n}`, ruleId, category: METAS.get(ruleId)?.category ?? 'security', status: 'open', severity: 'high', location: { file, startLine: 1 }, ...extra }) as Finding;

describe('hotspot table', () => {
  it('maps rows to columns: error handling, input validation, security, other', () => {
    const col = (ruleId: string) => hotspotColumn(finding(ruleId, 'x.py'), METAS.get(ruleId));
    expect(col('exception-swallowed')).toBe('errorHandling');
    expect(col('request-body-unvalidated')).toBe('inputValidation');
    expect(col('server-side-request-forgery')).toBe('inputValidation');
    expect(col('upload-content-type-only')).toBe('inputValidation');
    expect(col('route-missing-auth')).toBe('security');
    expect(col('sql-string-interpolation')).toBe('security');
    expect(col('async-blocking-call')).toBe('other');
  });

  it('counts open findings per file with lines, routes and functions, leaves out compounds and triaged findings, sorts by the three columns', async () => {
    const { index, files } = await indexTree({
      'requirements.txt': 'fastapi==0.115.0\n',
      'app/webhooks.py': 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.post("/hooks/a")\nasync def a():\n    return 1\n\n\n@router.post("/hooks/b")\nasync def b():\n    return 2\n',
      'app/users.py': 'def helper():\n    return 1\n',
      'app/worker.py': 'import time\n',
    });
    const findings = [
      finding('route-missing-auth', 'app/webhooks.py'),
      finding('exception-swallowed', 'app/webhooks.py'),
      finding('request-body-unvalidated', 'app/webhooks.py'),
      finding('server-side-request-forgery', 'app/webhooks.py'),
      finding('route-missing-auth', 'app/users.py'),
      finding('route-missing-auth', 'app/users.py', { status: 'accepted' }),
      finding('async-blocking-call', 'app/worker.py'),
      finding('async-blocking-call', 'app/worker.py'),
      finding('unauthenticated-upload-served-chain', 'app/users.py', { parts: ['F-1'] }),
    ];
    const table = fileHotspots(index, files, findings, METAS);
    expect(table.map(({ findings: _, ...row }) => row)).toEqual([
      { file: 'app/webhooks.py', lines: 13, routes: 2, functions: 2, errorHandling: 1, inputValidation: 2, security: 1, other: 0, total: 4 },
      { file: 'app/users.py', lines: 2, routes: 0, functions: 1, errorHandling: 0, inputValidation: 0, security: 1, other: 0, total: 1 },
      { file: 'app/worker.py', lines: 1, routes: 0, functions: 0, errorHandling: 0, inputValidation: 0, security: 0, other: 2, total: 2 },
    ]);
    expect(table[0].findings).toHaveLength(4);
  });
});
