/**
 * The ONE generic rule test: every rule × every fixture case, plus each rule's own examples.
 * Failures name the line: "missing" (an expected finding never came) or "noisy" (a finding on
 * an `ok:` or unannotated line).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../src/audit.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { registry } from '../src/rules/index.ts';
import { initGitRepo, prepareCase, writeTree } from './support/fixture-case.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/rules');
const producedMessages = new Map<string, Set<string>>();

for (const rule of registry) {
  const id = rule.meta.id;
  const ruleDir = path.join(FIXTURES, id);
  const cases = existsSync(ruleDir) ? readdirSync(ruleDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.startsWith('__')).map((d) => d.name) : [];

  describe(id, () => {
    it('has at least one fixture case', () => {
      expect(cases.length, `create fixtures/rules/${id}/<case>/ (scripts/new-rule.ts scaffolds one)`).toBeGreaterThan(0);
    });

    for (const caseName of cases) {
      it(`fixture case ${caseName}`, async () => {
        const prepared = prepareCase(path.join(ruleDir, caseName));
        try {
          // A case may carry a shipgate.config.json (a compliance profile, an OSV folder), as a user's repository would.
          const { config } = await loadConfig(prepared.root);
          const report = await audit({ root: prepared.root, config, only: [id] });
          const outcome = report.outcomes.find((o) => o.ruleId === id);
          expect(outcome?.status, outcome?.error).not.toBe('error');
          const findings = report.findings.filter((f) => f.ruleId === id);
          for (const f of findings) {
            const seen = producedMessages.get(id) ?? new Set();
            seen.add(f.messageId);
            producedMessages.set(id, seen);
          }
          const mine = prepared.expectations.filter((e) => e.ruleIds.includes(id));
          const key = (file: string, line?: number) => `${file}:${line ?? '-'}`;
          const flagged = new Set(findings.map((f) => key(f.location.file, f.location.startLine)));
          const expected = new Set(mine.filter((e) => e.kind === 'ruleid').map((e) => key(e.file, e.line)));
          const todoExpected = new Set(mine.filter((e) => e.kind === 'todoruleid').map((e) => key(e.file, e.line)));
          const tolerated = new Set(mine.filter((e) => e.kind === 'todook').map((e) => key(e.file, e.line)));

          const missing = [...expected].filter((k) => !flagged.has(k));
          const noisy = findings.filter((f) => {
            const k = key(f.location.file, f.location.startLine);
            return !expected.has(k) && !todoExpected.has(k) && !tolerated.has(k);
          });
          const promote = [...todoExpected].filter((k) => flagged.has(k));
          if (promote.length) console.info(`${id}/${caseName}: promote the annotation (todoruleid now passes) at ${promote.join(', ')}`);
          const problems = [
            ...missing.map((k) => `missing: expected a finding at ${k}`),
            ...noisy.map((f) => `noisy: unexpected finding at ${key(f.location.file, f.location.startLine)} — ${f.message}`),
          ];
          expect(problems, problems.join('\n')).toEqual([]);
          // A compound finding's chain: every part is a finding of this report, linked back to a compound.
          for (const f of findings.filter((x) => x.parts)) {
            expect(f.parts!.length, `${f.id} is a compound finding without parts`).toBeGreaterThan(0);
            for (const part of f.parts!) expect(report.findings.find((x) => x.id === part)?.partOf, `${f.id}: part ${part} is not linked`).toBeDefined();
          }
          const rendered = findings.map((f) => `${key(f.location.file, f.location.startLine)} [${f.severity}] ${f.messageId}: ${f.message}`).join('\n');
          await expect(`${rendered}\n`).toMatchFileSnapshot(path.join(ruleDir, '__snapshots__', `${caseName}.txt`));
        } finally {
          prepared.cleanup();
        }
      });
    }

    it('flags its "bad" example and not its "good" example', async () => {
      for (const [kind, files] of Object.entries(rule.meta.examples)) {
        const root = mkdtempSync(path.join(tmpdir(), `shipgate-example-${kind}-`));
        try {
          writeTree(root, files);
          initGitRepo(root);
          const { config } = await loadConfig(root);
          const report = await audit({ root, config, only: [id] });
          const count = report.findings.filter((f) => f.ruleId === id).length;
          if (kind === 'bad') expect(count, `meta.examples.bad of ${id} gives no finding`).toBeGreaterThan(0);
          else expect(count, `meta.examples.good of ${id} gives ${count} finding(s)`).toBe(0);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      }
    });

    // Runs after the cases above (tests in a file run in order) and reads what they produced.
    it('produces every messageId in some fixture case', () => {
      const uncovered = Object.keys(rule.meta.messages).filter((m) => !producedMessages.get(id)?.has(m));
      expect(uncovered, `messageIds no fixture produces (add a ruleid: line for them): ${uncovered.join(', ')}`).toEqual([]);
    });
  });
}
