/**
 * `shipgate triage FINGERPRINT|ID --as STATUS --reason "…" [--until YYYY-MM-DD] [PATH]`: record a
 * reviewed decision about one finding in `.shipgate/triage.yaml`.
 *
 * A finding id (CRIT-003) is per report, so it is resolved through the latest audit: the last
 * history record, or — with `--fresh`, or when there is no history — a new audit of the
 * repository. A fingerprint (or a unique prefix of at least 6 hex digits) is looked up the same
 * way. The command prints what it resolved to, so a stale id cannot triage the wrong finding
 * unnoticed.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { audit, auditDate } from '../audit.ts';
import { loadConfig } from '../config/load-config.ts';
import { writeFileAtomic } from '../ledger/atomic-file.ts';
import { LedgerInputError } from '../ledger/errors.ts';
import { ledgerItemOf, ledgerPathProblem, readHistory } from '../ledger/history.ts';
import { isIsoDate, removeTriageEntry, TRIAGE_FILE, TRIAGE_STATUSES, upsertTriageEntry, type TriageStatus } from '../ledger/triage-file.ts';
import type { LedgerItem } from '../model/audit-report.ts';
import { registry } from '../rules/index.ts';

export interface TriageCliOptions {
  as?: string;
  reason?: string;
  until?: string;
  by?: string;
  remove?: boolean;
  fresh?: boolean;
  config?: string;
}

const FINGERPRINT = /^[0-9a-f]{6,16}$/;
const FINDING_ID = /^(CRIT|HIGH|MED|LOW|INFO)-\d{1,6}$/i;

export async function runTriage(target: string, repo: string, options: TriageCliOptions, out: (s: string) => void): Promise<number> {
  const root = path.resolve(repo);
  const today = auditDate().toISOString().slice(0, 10);
  if (!FINGERPRINT.test(target) && !FINDING_ID.test(target))
    throw new LedgerInputError(`"${target}" is neither a finding id (CRIT-003) nor a fingerprint (16 hex digits, or a unique prefix of at least 6)`);
  if (!options.remove) validateDecision(options, today);

  const unsafe = await ledgerPathProblem(root, TRIAGE_FILE);
  if (unsafe) throw new LedgerInputError(`${TRIAGE_FILE} cannot be written: ${unsafe}`);
  const resolved = await resolveFinding(root, target, Boolean(options.fresh), options.config);
  const file = path.join(root, TRIAGE_FILE);
  const existing = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new LedgerInputError(`${TRIAGE_FILE} cannot be read (${error.code ?? 'error'})`);
  });
  const { item } = resolved;
  const where = `${item.ruleId} at ${item.file}${item.line ? `:${item.line}` : ''}`;
  if (options.remove) {
    const next = existing ? removeTriageEntry(existing, item.fingerprint) : undefined;
    if (next === undefined) throw new LedgerInputError(`${TRIAGE_FILE} has no entry for ${item.id ?? item.fingerprint} (${where}, fingerprint ${item.fingerprint})`);
    await writeFileAtomic(file, next);
    out(`Removed the triage of ${item.id ?? item.fingerprint}: ${where} (fingerprint ${item.fingerprint}) is open again.\n${resolved.note}`);
    return 0;
  }
  const by = options.by ?? (await gitUserName(root));
  const text = upsertTriageEntry(existing, {
    fingerprint: item.fingerprint,
    rule: item.ruleId,
    title: item.title,
    file: item.file,
    status: options.as as TriageStatus,
    reason: options.reason!.trim(),
    ...(options.until ? { until: options.until } : {}),
    ...(by ? { by } : {}),
    date: today,
  });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, text);
  out(
    `Triaged ${item.id ?? item.fingerprint} as ${options.as}${options.until ? ` until ${options.until}` : ''}: ${item.title} — ${where} (fingerprint ${item.fingerprint}).\n` +
      `${resolved.note}Written to ${TRIAGE_FILE}; commit it so the decision is reviewed. The next audit lists the finding with this status, out of the score.\n`,
  );
  return 0;
}

function validateDecision(options: TriageCliOptions, today: string): void {
  if (!options.as) throw new LedgerInputError(`--as is required: one of ${TRIAGE_STATUSES.join(', ')} (or --remove to reopen)`);
  if (!(TRIAGE_STATUSES as readonly string[]).includes(options.as)) throw new LedgerInputError(`--as: expected one of ${TRIAGE_STATUSES.join(', ')} (got "${options.as}")`);
  if (!options.reason?.trim()) throw new LedgerInputError('--reason is required: say why the finding is accepted, a false positive or won\'t be fixed (reviewers read it)');
  if (options.until !== undefined) {
    if (!isIsoDate(options.until)) throw new LedgerInputError(`--until: expected a date written YYYY-MM-DD (got "${options.until}")`);
    if (options.until < today) throw new LedgerInputError(`--until ${options.until} is in the past (today is ${today})`);
  }
}

/** Find the finding: in the latest history record, else (or with --fresh) in a new audit. */
async function resolveFinding(root: string, target: string, fresh: boolean, configPath?: string): Promise<{ item: LedgerItem; note: string }> {
  const byId = FINDING_ID.test(target);
  const wanted = target.toUpperCase();
  const pick = (items: LedgerItem[]): LedgerItem | undefined => {
    if (byId) return items.find((i) => i.id?.toUpperCase() === wanted);
    const matches = [...new Map(items.filter((i) => i.fingerprint.startsWith(target)).map((i) => [i.fingerprint, i])).values()];
    if (matches.length > 1) throw new LedgerInputError(`fingerprint prefix ${target} matches ${matches.length} findings; give more digits`);
    return matches[0];
  };
  if (!fresh) {
    const { records } = await readHistory(root);
    const latest = records[records.length - 1];
    const found = latest ? pick(latest.findings.filter((f) => !f.carried)) : undefined;
    if (latest && found) {
      const head = await gitHead(root);
      const stale = byId && latest.commit && head && latest.commit !== head;
      const note = `Resolved through the audit of ${latest.date.slice(0, 16).replace('T', ' ')}${latest.commit ? ` (commit ${latest.commit.slice(0, 7)})` : ''}.${
        stale ? ` The code has moved on since (now ${head.slice(0, 7)}): ids can change between audits, so check this is the finding you mean, or re-run with --fresh.` : ''
      }\n`;
      return { item: found, note };
    }
    if (latest && byId) throw new LedgerInputError(`${target} is not in the latest audit (${latest.date.slice(0, 10)}); run \`shipgate audit\` and use an id from its report, or pass --fresh`);
  }
  const { config } = await loadConfig(root, configPath, new Set(registry.map((r) => r.meta.id)));
  const report = await audit({ root, config });
  const found = pick(report.findings.map(ledgerItemOf));
  if (!found) throw new LedgerInputError(`no finding ${byId ? 'with id' : 'with fingerprint'} ${target} in a fresh audit of ${path.basename(root)}`);
  return { item: found, note: 'Resolved through a fresh audit.\n' };
}

const run = promisify(execFile);

async function gitUserName(root: string): Promise<string | undefined> {
  return run('git', ['-C', root, 'config', 'user.name']).then(
    (r) => r.stdout.trim() || undefined,
    () => undefined,
  );
}

async function gitHead(root: string): Promise<string | undefined> {
  return run('git', ['-C', root, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).then(
    (r) => r.stdout.trim() || undefined,
    () => undefined,
  );
}
