/**
 * Baseline and changed-files scoping for pull requests and pre-commit hooks. Pure.
 *
 * The whole repository is always audited (a route's guard may live in another file), and every
 * finding stays in the report. What scoping changes: each finding is marked `new` (in scope),
 * `in-baseline` or `unchanged-file`; `report.scope` counts the new ones; `--fail-on` reads only
 * them. The summary's score, grade and verdict keep describing the whole repository — a change
 * that adds nothing new to a NO-GO service does not make it GO.
 */
import type { AuditScope, LedgerItem } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import type { Severity } from '../model/rule.ts';
import { compareItems, type RecheckCoverage } from './progress.ts';

export interface Baseline {
  /** As given on the command line, for messages and the report. */
  file: string;
  findings: LedgerItem[];
  date?: string;
  commit?: string;
}

export interface ChangedFiles {
  ref: string;
  /** The commit the ref resolved to ('' for HEAD in a repository with no commit yet). */
  commit: string;
  /** Paths relative to the audit root, sorted. */
  files: string[];
}

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function applyScope(
  findings: readonly Finding[],
  inputs: { baseline?: Baseline; changedSince?: ChangedFiles },
  coverage: RecheckCoverage,
): { findings: Finding[]; scope: AuditScope } {
  const known = new Set(inputs.baseline?.findings.map((f) => f.fingerprint) ?? []);
  const changed = inputs.changedSince ? new Set(inputs.changedSince.files) : undefined;
  // A finding touches the change when its own place or one of its evidence places is in a changed
  // file: removing a guard in deps.py opens routes reported in admin.py.
  const touches = (f: Finding) => !changed || changed.has(f.location.file) || f.related.some((r) => changed.has(r.file));
  const scoped = findings.map((f): Finding => {
    const scope = inputs.baseline && known.has(f.fingerprint) ? 'in-baseline' : touches(f) ? 'new' : 'unchanged-file';
    return { ...f, scope };
  });
  const inScope = scoped.filter((f) => f.scope === 'new');
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, inScope.filter((f) => f.status === 'open' && f.severity === s).length])) as Record<Severity, number>;
  const present = new Set(findings.map((f) => f.fingerprint));
  const fixed = (inputs.baseline?.findings ?? []).filter((b) => !present.has(b.fingerprint) && !coverage(b)).sort(compareItems);
  const scope: AuditScope = {
    ...(inputs.baseline
      ? {
          baseline: {
            file: inputs.baseline.file,
            findings: inputs.baseline.findings.length,
            ...(inputs.baseline.date ? { date: inputs.baseline.date } : {}),
            ...(inputs.baseline.commit ? { commit: inputs.baseline.commit } : {}),
          },
        }
      : {}),
    ...(inputs.changedSince ? { changedSince: { ref: inputs.changedSince.ref, commit: inputs.changedSince.commit, files: inputs.changedSince.files } } : {}),
    new: inScope.map((f) => f.id),
    counts,
    existing: scoped.length - inScope.length,
    fixed,
  };
  return { findings: scoped, scope };
}
