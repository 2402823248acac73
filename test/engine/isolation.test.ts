import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { defineRule, type Rule } from '../../src/model/rule.ts';
import { registry } from '../../src/rules/index.ts';
import { writeTree } from '../support/fixture-case.ts';

const crashing = defineRule({
  meta: { ...registry[0].meta, id: 'always-crashes', messages: { never: 'never.' } },
  check() {
    throw new Error('boom');
  },
}) as Rule;

describe('rule isolation', () => {
  it('turns a crashing rule into an error outcome and a diagnostic, and keeps the other rules\' findings', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shipgate-isolation-'));
    try {
      writeTree(root, { 'requirements.txt': 'fastapi\n', 'main.py': 'from fastapi import FastAPI\napp = FastAPI()\n\n@app.delete("/items/{i}")\ndef drop(i: int):\n    return None\n' });
      const authRule = registry.find((r) => r.meta.id === 'route-missing-auth')!;
      const report = await audit({ root, rules: [crashing, authRule] });
      expect(report.outcomes.find((o) => o.ruleId === 'always-crashes')).toMatchObject({ status: 'error', error: 'boom' });
      expect(report.diagnostics.some((d) => d.kind === 'rule-error' && d.message.includes('always-crashes'))).toBe(true);
      expect(report.findings.map((f) => f.ruleId)).toEqual(['route-missing-auth']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
