/**
 * Applying triage-file decisions to an audit's findings. Pure: entries, findings and today's date
 * in; findings with their status, the expired entries and the unused ones out.
 *
 * A triaged finding stays in the report with its status and reason and leaves the score. An
 * entry whose `until` date has passed no longer applies: the finding is open again and the
 * report says so. An entry that matches no finding is a blind spot waiting to happen (the next
 * finding with that identity would be hidden without review) and is reported as unused — but
 * only when its rule ran, so a `--only` run does not call every other entry unused.
 */
import type { TriageSummary } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import type { TriageEntry, TriageFile } from './triage-file.ts';

export interface TriageResult {
  findings: Finding[];
  expired: TriageSummary['expired'];
  unused: TriageSummary['unused'];
  /** Findings whose status an entry set. */
  applied: number;
}

/**
 * @param today YYYY-MM-DD (UTC): an entry applies through its `until` day.
 * @param ruleRan whether the rule an entry names ran in this audit; `undefined` when it is not a known rule.
 */
export function applyTriageFile(findings: readonly Finding[], triage: TriageFile, today: string, ruleRan: (ruleId: string) => boolean | undefined): TriageResult {
  const byFingerprint = new Map<string, TriageEntry>(triage.entries.map((e) => [e.fingerprint, e]));
  const used = new Set<string>();
  const expired: TriageSummary['expired'] = [];
  let applied = 0;
  const out = findings.map((finding) => {
    const entry = byFingerprint.get(finding.fingerprint);
    if (!entry) return finding;
    used.add(entry.fingerprint);
    const triage = { source: 'triage-file' as const, reason: entry.reason, status: entry.status, ...(entry.until ? { until: entry.until } : {}) };
    if (entry.until && entry.until < today) {
      expired.push({
        fingerprint: entry.fingerprint,
        finding: finding.id,
        ruleId: finding.ruleId,
        status: entry.status,
        until: entry.until,
        reason: entry.reason,
        ...(entry.sourceLine ? { line: entry.sourceLine } : {}),
      });
      // An inline suppression on the code still holds; the expired entry only stops adding to it.
      if (finding.status !== 'open') return finding;
      return { ...finding, triage: { ...triage, expired: true } };
    }
    applied++;
    return { ...finding, status: entry.status, triage };
  });
  const unused: TriageSummary['unused'] = [];
  for (const entry of triage.entries) {
    if (used.has(entry.fingerprint)) continue;
    const ran = ruleRan(entry.rule);
    if (ran === false) continue; // not checked in this run: no evidence either way
    unused.push({
      source: 'triage-file',
      file: triage.path,
      ...(entry.sourceLine ? { line: entry.sourceLine } : {}),
      ruleIds: [entry.rule],
      fingerprint: entry.fingerprint,
      reason: entry.reason,
      why:
        ran === undefined
          ? `names \`${entry.rule}\`, which is not a shipgate rule`
          : `no finding of \`${entry.rule}\` has this fingerprint any more${entry.file ? ` (it was in ${entry.file})` : ''}: it was fixed or its code changed; remove the entry`,
    });
  }
  return { findings: out, expired, unused, applied };
}
