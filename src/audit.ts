/** The public API: the whole pipeline, discover → parse → facts → rules → findings → score. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultConfig, type ShipgateConfig } from './config/schema.ts';
import { discoverFiles } from './discover/discover-files.ts';
import { applyInlineSuppressions, assignFindingIds, dedupeFindings, sortFindings } from './engine/post-process.ts';
import { redactDeep } from './engine/redact.ts';
import { runRules } from './engine/run-rules.ts';
import { selectRules } from './engine/select-rules.ts';
import { buildRepoIndex } from './facts/build-repo-index.ts';
import { SCHEMA_VERSION, type AuditReport, type RouteSummary } from './model/audit-report.ts';
import type { ToolDiagnostic } from './model/finding.ts';
import type { HistoryScan, RepoIndex } from './model/repo-index.ts';
import { countCommits, scanGitHistory } from './facts/git-history.ts';
import type { Rule } from './model/rule.ts';
import { parseFiles } from './parse/parse-files.ts';
import { registry } from './rules/index.ts';
import { summarise } from './scoring/score.ts';
import { authenticationCoverage, buildScorecards, mergeScorecards } from './scoring/scorecards.ts';
import { assess, type AssessOptions } from './assess/index.ts';
import { isPublicByDesign, isStateChangingMethod } from './facts/routes/guard-names.ts';

export interface AuditOptions {
  root: string;
  config?: ShipgateConfig;
  /** Run only these rule ids (tests, `--only`). */
  only?: string[];
  /** Rules to run instead of the built-in registry (tests). */
  rules?: readonly Rule[];
  /** `--git-history` / `--no-git-history`: overrides the config's `gitHistory`. */
  gitHistory?: boolean;
  /** `--profile hipaa|gdpr` for the compliance assessment. */
  profile?: AssessOptions['profile'];
}

export const TOOL_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function audit(options: AuditOptions): Promise<AuditReport> {
  const config = options.config ?? defaultConfig();
  const discovery = await discoverFiles(options.root, { maxFileBytes: config.maxFileSizeKb * 1024, ignore: config.ignore });
  const parsed = await parseFiles(discovery.files);
  const factDiagnostics: ToolDiagnostic[] = [];
  const history = await historyScan(options, config, discovery.gitTracked !== null, factDiagnostics);
  const index = buildRepoIndex(
    path.resolve(options.root),
    parsed.files,
    { tracked: discovery.gitTracked, trackedButIgnored: discovery.gitTrackedButIgnored, history },
    factDiagnostics,
  );
  const selected = selectRules(options.rules ?? registry, config, index.domains, options.only);
  const run = runRules(selected, { index, files: parsed.files });
  const diagnostics = [...discovery.diagnostics, ...parsed.diagnostics, ...factDiagnostics, ...run.diagnostics];

  const raw = run.outcomes.flatMap((o) => o.findings);
  const findings = assignFindingIds(sortFindings(dedupeFindings(applyInlineSuppressions(raw, parsed.files, diagnostics))));
  const metas = new Map(selected.map((s) => [s.rule.meta.id, s.rule.meta]));
  const routes = summariseRoutes(index);
  const summary = summarise({
    outcomes: run.outcomes,
    metas,
    findings,
    filesAudited: parsed.files.all.length,
    linesOfCode: index.linesOfCode,
    routes: {
      total: index.routes.length,
      guarded: index.routes.filter((r) => r.guards.length).length,
      // Public-by-design routes (login, health, signed webhooks) are open on purpose, as in the scorecard row.
      unguardedStateChanging: index.routes.filter((r) => !r.guards.length && isStateChangingMethod(r.method) && !isPublicByDesign(r.path, r.handler.name)).length,
    },
  });
  // Assessments judge the infrastructure, testing, dependency, compliance and documentation rows
  // from facts and the final findings. A partial run (`only`) has no basis for them: skipped.
  const assessed = options.only
    ? undefined
    : assess({ index, files: parsed.files, findings, metas, options: { profile: options.profile } });
  if (assessed) diagnostics.push(...assessed.diagnostics);
  const ruleScorecards = buildScorecards(run.outcomes, metas, findings, {
    Authentication: authenticationCoverage(index.routes),
  });
  const report: AuditReport = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'shipgate', version: TOOL_VERSION },
    target: path.basename(path.resolve(options.root)),
    summary,
    findings,
    scorecards: (assessed ? mergeScorecards(ruleScorecards, assessed.scorecards, findings) : ruleScorecards) as AuditReport['scorecards'],
    frameworks: index.frameworks.map((f) => ({ name: f.name, file: f.evidence.file, line: f.evidence.startLine })),
    routes,
    rules: selected.map(({ rule: { meta } }) => ({
      id: meta.id,
      title: meta.title,
      category: meta.category,
      severity: meta.severity,
      confidence: meta.confidence,
      status: meta.status,
      why: meta.why,
      fix: meta.fix,
      references: meta.references,
      effortHours: meta.effortHours,
    })),
    outcomes: run.outcomes.map((o) => ({ ruleId: o.ruleId, status: o.status, ...(o.error ? { error: o.error } : {}) })),
    skipped: [...discovery.skipped, ...parsed.skipped].sort((a, b) => (a.file < b.file ? -1 : 1)),
    diagnostics,
    ...(assessed ? { ...assessed.sections, strengths: assessed.strengths } : {}),
  };
  // Secrets any rule reported are scrubbed from every string of the result, so no reporter can leak them.
  return redactDeep(report, run.secrets);
}

/** Run the history scan when asked, or automatically for histories short enough to read on every run. */
async function historyScan(options: AuditOptions, config: ShipgateConfig, isGitRepo: boolean, diagnostics: ToolDiagnostic[]): Promise<HistoryScan> {
  const skipped = (why: string): HistoryScan => ({ scanned: false, commits: 0, secrets: [], skippedBecause: why });
  if (!isGitRepo) return skipped('not a git work tree');
  const wanted = options.gitHistory ?? config.gitHistory;
  if (wanted === false) return skipped('turned off');
  const candidates = (options.rules ?? registry).filter((r) => r.meta.needsGitHistory && (!options.only || options.only.includes(r.meta.id)) && config.rules[r.meta.id] !== 'off');
  if (!candidates.length) return skipped('no selected rule reads it');
  const commits = countCommits(options.root);
  if (commits === undefined) return skipped('git could not count the commits');
  if (wanted === 'auto' && commits > config.gitHistoryAutoLimit) {
    const why = `${commits} commits is more than gitHistoryAutoLimit (${config.gitHistoryAutoLimit}); pass --git-history to scan them`;
    diagnostics.push({ kind: 'git', message: `git history not scanned for secrets: ${why}` });
    return { ...skipped(why), commits };
  }
  try {
    return await scanGitHistory(options.root, {}, diagnostics);
  } catch (error) {
    diagnostics.push({ kind: 'git', message: `git history could not be scanned: ${(error as Error).message}` });
    return skipped('git log failed');
  }
}

function summariseRoutes(index: RepoIndex): RouteSummary[] {
  return index.routes.map((r) => ({
    framework: r.framework,
    method: r.method,
    path: r.path,
    handler: r.handler.name,
    file: r.at.file,
    line: r.at.startLine ?? 0,
    guards: r.guards.map((g) => ({ name: g.name, level: g.level, file: g.at.file, line: g.at.startLine })),
    inputs: r.inputs.map((i) => ({ name: i.name, source: i.source, ...(i.type ? { type: i.type } : {}), line: i.at.startLine })),
  }));
}
