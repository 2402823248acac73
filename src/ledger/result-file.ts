/**
 * Reading a JSON result written earlier (`--format json`), for `--baseline` and `shipgate diff`.
 * Only the fields those need are checked, so results of later releases with more fields still load.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { AuditReport } from '../model/audit-report.ts';
import { LedgerInputError } from './errors.ts';
import { ledgerItemOf } from './history.ts';
import type { Baseline } from './scope.ts';

const finding = z.looseObject({
  id: z.string(),
  ruleId: z.string(),
  title: z.string(),
  message: z.string().optional(),
  severity: z.enum(['critical', 'high', 'medium', 'low', 'info']),
  priority: z.enum(['P0', 'P1', 'P2', 'P3']),
  location: z.looseObject({ file: z.string(), startLine: z.number().optional() }),
  fingerprint: z.string().min(1),
  status: z.enum(['open', 'fixed', 'accepted', 'false-positive', 'wont-fix']),
});

const result = z.looseObject({
  schemaVersion: z.literal(1),
  tool: z.looseObject({ name: z.literal('shipgate'), version: z.string() }),
  target: z.string(),
  summary: z.looseObject({
    score: z.number(),
    grade: z.string(),
    securityGrade: z.string(),
    verdict: z.enum(['NO-GO', 'GO WITH CONDITIONS', 'GO']),
    counts: z.record(z.string(), z.number()),
    date: z.string().optional(),
    commit: z.string().optional(),
  }),
  findings: z.array(finding),
});

/** The part of a JSON result the ledger reads. */
export type ResultFile = Pick<AuditReport, 'schemaVersion' | 'tool' | 'target'> & {
  summary: Pick<AuditReport['summary'], 'score' | 'grade' | 'securityGrade' | 'verdict' | 'counts' | 'date' | 'commit'>;
  findings: ResultFinding[];
};
export type ResultFinding = z.infer<typeof finding>;

/** Load and check a JSON result; every problem is a LedgerInputError naming the file (exit code 2). */
export async function readResultFile(file: string, purpose: string): Promise<ResultFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LedgerInputError(`${purpose} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new LedgerInputError(`${purpose} ${file} is not JSON (${(error as Error).message.split('\n')[0]}); write one with \`shipgate audit --format json\``);
  }
  const parsed = result.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join('.') || 'top level';
    const hint = issue.path[0] === 'schemaVersion' ? ' (expected a shipgate JSON result, schemaVersion 1)' : '';
    throw new LedgerInputError(`${purpose} ${file} is not a shipgate JSON result: ${where}: ${issue.message}${hint}`);
  }
  return parsed.data as unknown as ResultFile;
}

export async function readBaseline(file: string): Promise<Baseline> {
  const result = await readResultFile(file, '--baseline');
  return {
    file,
    findings: result.findings.map(ledgerItemOf),
    ...(result.summary.date ? { date: result.summary.date } : {}),
    ...(result.summary.commit ? { commit: result.summary.commit } : {}),
  };
}
