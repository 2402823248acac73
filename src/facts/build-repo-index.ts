import type { ToolDiagnostic } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import type { HistoryScan, RepoIndex } from '../model/repo-index.ts';
import { extractDependencies } from './dependencies.ts';
import { detectDomains } from './frameworks.ts';
import { extractRoutes } from './routes/index.ts';

export interface GitFacts {
  tracked: ReadonlySet<string> | null;
  trackedButIgnored: ReadonlySet<string>;
  /** The history scan, when the caller ran one (it is I/O, so audit() does it before the index). */
  history?: HistoryScan;
}

export function buildRepoIndex(root: string, files: ParsedFiles, git: GitFacts, diagnostics: ToolDiagnostic[] = []): RepoIndex {
  const dependencies = extractDependencies(files);
  const { domains, frameworks } = detectDomains(files, dependencies);
  const routes = extractRoutes(files, domains, diagnostics);
  return {
    root,
    domains,
    frameworks,
    routes,
    dependencies,
    gitTracked: git.tracked,
    gitTrackedButIgnored: git.trackedButIgnored,
    history: git.history ?? { scanned: false, commits: 0, secrets: [], skippedBecause: 'not requested' },
    linesOfCode: countLines(files),
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
