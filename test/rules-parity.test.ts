/** Registry ↔ rule files ↔ fixtures ↔ generated docs stay in step (STYLE.md decision 4). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registry } from '../src/rules/index.ts';
import { generatedFiles, listRuleFiles, loadRuleModules, ROOT } from '../scripts/generated-files.ts';
import { listCaseFiles, parseAnnotations, parseExpectFile } from './support/fixture-case.ts';

const FIXTURES = path.join(ROOT, 'fixtures/rules');
const CATEGORIES = ['security', 'concurrency', 'data-model', 'completeness', 'code-health', 'infrastructure', 'testing', 'compliance', 'documentation'];

describe('rule parity', () => {
  it('every rule file has id = file name and category = folder', async () => {
    for (const m of await loadRuleModules()) {
      expect(m.rule.meta.id, m.file).toBe(m.id);
      expect(m.rule.meta.category, m.file).toBe(m.category);
      expect(CATEGORIES).toContain(m.category);
      expect(m.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(m.rule.meta.title, `${m.id}: title is a noun phrase without final period`).not.toMatch(/\.$/);
      for (const [messageId, text] of Object.entries(m.rule.meta.messages)) {
        expect(messageId, m.id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
        expect(text as string, `${m.id}.${messageId}`).toMatch(/[.?]$/);
      }
      expect(m.rule.meta.effortHours, m.id).toBeGreaterThan(0);
      expect(m.rule.meta.why.length, m.id).toBeGreaterThan(40);
      expect(m.rule.meta.fix, `${m.id}: fix needs a code example`).toContain('```');
      // Every finding carries a CWE id (issue 3): a security rule without one cannot be mapped by users.
      if (m.category === 'security') expect(m.rule.meta.references?.cwe?.length ?? 0, `${m.id}: security rules name at least one CWE`).toBeGreaterThan(0);
    }
  });

  it('rules that read other rules\' findings name known ordinary rules (one level, no cycles)', () => {
    const byId = new Map(registry.map((r) => [r.meta.id, r]));
    for (const rule of registry) {
      for (const required of rule.meta.requires ?? []) {
        expect(byId.has(required), `${rule.meta.id} requires unknown rule ${required}`).toBe(true);
        expect(byId.get(required)?.meta.requires ?? [], `${rule.meta.id} requires ${required}, which itself reads findings: requires is one level deep`).toEqual([]);
      }
    }
  });

  it('the registry holds exactly the rule files', () => {
    expect(registry.map((r) => r.meta.id).sort()).toEqual(listRuleFiles().map((f) => f.id).sort());
    expect(new Set(registry.map((r) => r.meta.id)).size).toBe(registry.length);
  });

  it('every rule has fixtures with at least one ruleid: and one ok: line, and annotations name known rules', () => {
    const known = new Set(registry.map((r) => r.meta.id));
    for (const rule of registry) {
      const dir = path.join(FIXTURES, rule.meta.id);
      expect(existsSync(dir), `missing fixtures/rules/${rule.meta.id}/`).toBe(true);
      let ruleid = 0;
      let ok = 0;
      for (const caseName of readdirSync(dir).filter((d) => !d.startsWith('__'))) {
        const caseDir = path.join(dir, caseName);
        for (const rel of listCaseFiles(caseDir)) {
          const text = readFileSync(path.join(caseDir, rel), 'utf8');
          const expectations = rel === '.expect' ? parseExpectFile(text) : parseAnnotations(rel, text).expectations;
          for (const e of expectations) {
            for (const id of e.ruleIds) expect(known.has(id), `${caseDir}/${rel}: annotation names unknown rule ${id}`).toBe(true);
            if (e.ruleIds.includes(rule.meta.id) && e.kind === 'ruleid') ruleid++;
            if (e.ruleIds.includes(rule.meta.id) && e.kind === 'ok') ok++;
          }
        }
      }
      expect(ruleid, `${rule.meta.id}: no ruleid: line in its fixtures`).toBeGreaterThan(0);
      expect(ok, `${rule.meta.id}: no ok: line in its fixtures`).toBeGreaterThan(0);
    }
  });

  it('generated files are up to date (npm run gen)', async () => {
    const stale: string[] = [];
    for (const [relative, content] of await generatedFiles()) {
      const target = path.join(ROOT, relative);
      if (!existsSync(target) || readFileSync(target, 'utf8') !== content) stale.push(relative);
    }
    expect(stale, 'run `npm run gen` and commit the result').toEqual([]);
  });
});
