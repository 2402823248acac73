import type { ToolDiagnostic } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import type { AdvisoryData } from '../model/advisory.ts';
import type { ComplianceProfile, CoverageReport, HistoryScan, RepoIndex } from '../model/repo-index.ts';
import type { Domain } from '../model/rule.ts';
import { extractDependencyFacts } from './dependencies.ts';
import { detectDomains } from './frameworks.ts';
import { ormModelErrors } from './orm-models.ts';
import { extractRoutes } from './routes/index.ts';

export interface GitFacts {
  tracked: ReadonlySet<string> | null;
  trackedButIgnored: ReadonlySet<string>;
  /** The history scan, when the caller ran one (it is I/O, so audit() does it before the index). */
  history?: HistoryScan;
  /** Every file path discovery found, audited or not (see RepoIndex.paths); defaults to the parsed files. */
  paths?: ReadonlySet<string>;
}

/** What audit() read or was told outside the audited files: advisories (--osv-db / --online), coverage reports, the compliance profile. */
export interface IndexInputs {
  advisories?: AdvisoryData;
  coverage?: CoverageReport[];
  profile?: ComplianceProfile;
}

export const NO_ADVISORIES: AdvisoryData = { source: { kind: 'none', detail: 'no advisory database given (--osv-db DIR) and no online lookup (--online)' }, records: [] };

export function buildRepoIndex(root: string, files: ParsedFiles, git: GitFacts, diagnostics: ToolDiagnostic[] = [], inputs: IndexInputs = {}): RepoIndex {
  const { dependencies, packages, manifests } = extractDependencyFacts(files);
  const { domains, frameworks } = detectDomains(files, dependencies);
  // A compliance profile switches on the rules that only apply under it (appliesWhen: ['hipaa'] …).
  if (inputs.profile) for (const d of [inputs.profile, 'compliance'] as Domain[]) domains.add(d);
  // Known-vulnerability checks apply only when advisories were consulted; otherwise the row is UNKNOWN, not PASS.
  if (inputs.advisories && inputs.advisories.source.kind !== 'none' && !inputs.advisories.source.error) domains.add('advisories');
  const routes = extractRoutes(files, domains, diagnostics);
  for (const message of ormModelErrors(files)) diagnostics.push({ kind: 'rule-error', message });
  return {
    root,
    domains,
    frameworks,
    routes,
    dependencies,
    packages,
    manifests,
    advisories: inputs.advisories ?? NO_ADVISORIES,
    coverage: inputs.coverage ?? [],
    ...(inputs.profile ? { profile: inputs.profile } : {}),
    gitTracked: git.tracked,
    gitTrackedButIgnored: git.trackedButIgnored,
    history: git.history ?? { scanned: false, commits: 0, secrets: [], skippedBecause: 'not requested' },
    linesOfCode: countLines(files),
    paths: git.paths ?? new Set(files.all.map((f) => f.path)),
  };
}

function countLines(files: ParsedFiles): RepoIndex['linesOfCode'] {
  const count = { python: 0, js: 0, other: 0 };
  for (const file of files.all) {
    let n = 0;
    for (const line of file.text.split('\n')) if (line.trim()) n++;
    if (file.kind === 'python') count.python += n;
    else if (file.kind === 'js') count.js += n;
    else count.other += n;
  }
  return count;
}
