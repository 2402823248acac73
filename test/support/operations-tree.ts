/** Run every assessment (or the whole audit) on an inline file tree, and read the operations facts of one — for the infrastructure, documentation and strengths tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assess, type AssessmentResult } from '../../src/assess/index.ts';
import { audit } from '../../src/audit.ts';
import { discoverFiles } from '../../src/discover/discover-files.ts';
import { buildRepoIndex } from '../../src/facts/build-repo-index.ts';
import type { AuditReport, ScorecardEntry } from '../../src/model/audit-report.ts';
import type { Finding } from '../../src/model/finding.ts';
import { parseFiles } from '../../src/parse/parse-files.ts';
import { registry } from '../../src/rules/index.ts';
import { initGitRepo, writeTree } from './fixture-case.ts';

/** The assessments on a tree, with no findings (rows judged from facts alone). */
export async function assessTree(files: Record<string, string>, findings: Finding[] = []): Promise<AssessmentResult> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-assess-'));
  try {
    writeTree(root, files);
    const discovery = await discoverFiles(root, { maxFileBytes: 1024 * 1024, ignore: [] });
    const parsed = await parseFiles(discovery.files);
    const index = buildRepoIndex(root, parsed.files, { tracked: null, trackedButIgnored: new Set() });
    return assess({ index, files: parsed.files, findings, metas: new Map(registry.map((r) => [r.meta.id, r.meta])), options: {} });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The whole audit on a tree made a git repository (rules, assessments, merge). */
export async function auditTree(files: Record<string, string>): Promise<AuditReport> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-audit-'));
  try {
    writeTree(root, files);
    initGitRepo(root);
    return await audit({ root, gitHistory: false });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A row of an assessment result or an audit report, by area and name. */
export function rowOf(result: Pick<AssessmentResult, 'scorecards'> | Pick<AuditReport, 'scorecards'>, area: string, name: string): ScorecardEntry {
  const row = (result.scorecards as Record<string, ScorecardEntry[]>)[area]?.find((r) => r.name === name);
  if (!row) throw new Error(`no ${area} row ${name}; rows: ${JSON.stringify(Object.fromEntries(Object.entries(result.scorecards).map(([a, rs]) => [a, (rs as ScorecardEntry[]).map((r) => r.name)])))}`);
  return row;
}

/** The operations facts of an inline tree (read eagerly, so the temp folder can go). */
export async function operationsOfTree(files: Record<string, string>): Promise<import('../../src/facts/operations/index.ts').OperationsFacts> {
  const { operationsOf } = await import('../../src/facts/operations/index.ts');
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-ops-'));
  try {
    writeTree(root, files);
    const discovery = await discoverFiles(root, { maxFileBytes: 1024 * 1024, ignore: [] });
    const parsed = await parseFiles(discovery.files);
    const index = buildRepoIndex(root, parsed.files, { tracked: null, trackedButIgnored: new Set() });
    const ops = operationsOf(index, parsed.files);
    void [ops.services, ops.ci, ops.deployment, ops.observability, ops.data, ops.docs];
    return ops;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
