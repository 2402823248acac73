/**
 * Run one assessment on an inline file tree the way audit() does — discover, parse, index (with
 * the given advisories / coverage / profile), every registered rule, post-processing — and return
 * its rows and sections. Unit tests of assessments use it, so a row's status is proven from files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assess, type AssessOptions, type Assessment, type AssessmentResult } from '../../src/assess/index.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { discoverFiles } from '../../src/discover/discover-files.ts';
import { applyInlineSuppressions, assignFindingIds, collectInlineSuppressions, dedupeFindings, sortFindings } from '../../src/engine/post-process.ts';
import { runRules } from '../../src/engine/run-rules.ts';
import { selectRules } from '../../src/engine/select-rules.ts';
import { buildRepoIndex, type IndexInputs } from '../../src/facts/build-repo-index.ts';
import type { ScorecardEntry } from '../../src/model/audit-report.ts';
import type { Finding } from '../../src/model/finding.ts';
import { parseFiles } from '../../src/parse/parse-files.ts';
import { registry } from '../../src/rules/index.ts';
import { initGitRepo, writeTree } from './fixture-case.ts';

export interface AssessedTree {
  result: AssessmentResult;
  findings: Finding[];
  /** Rows of all areas by name. */
  row(name: string): ScorecardEntry;
}

export async function assessTree(
  tree: Record<string, string>,
  assessment: Assessment,
  options: { inputs?: IndexInputs | ((root: string) => Promise<IndexInputs>); assess?: AssessOptions; git?: boolean; untracked?: string[] } = {},
): Promise<AssessedTree> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-assess-'));
  try {
    writeTree(root, tree);
    if (options.git || options.untracked) initGitRepo(root, true, options.untracked ?? []);
    const discovery = await discoverFiles(root, { maxFileBytes: 1024 * 1024, ignore: [] });
    const parsed = await parseFiles(discovery.files);
    const inputs = typeof options.inputs === 'function' ? await options.inputs(root) : (options.inputs ?? {});
    const index = buildRepoIndex(root, parsed.files, { tracked: discovery.gitTracked, trackedButIgnored: discovery.gitTrackedButIgnored }, [], inputs);
    const selected = selectRules(registry, defaultConfig(), index.domains);
    const run = runRules(selected, { index, files: parsed.files });
    const findings = assignFindingIds(sortFindings(dedupeFindings(applyInlineSuppressions(run.outcomes.flatMap((o) => o.findings), collectInlineSuppressions(parsed.files), []).findings)));
    const metas = new Map(selected.filter((s) => s.applicable).map((s) => [s.rule.meta.id, s.rule.meta]));
    const result = assess({ index, files: parsed.files, findings, metas, options: options.assess ?? {} }, [assessment]);
    const crashes = result.diagnostics.filter((d) => d.kind === 'rule-error');
    if (crashes.length) throw new Error(crashes.map((d) => d.message).join('\n'));
    return {
      result,
      findings,
      row(name) {
        const found = Object.values(result.scorecards)
          .flat()
          .find((r) => r.name === name);
        if (!found) throw new Error(`no row ${name}; rows: ${Object.values(result.scorecards).flat().map((r) => r.name).join(', ')}`);
        return found;
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
