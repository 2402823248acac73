/** The public API: the whole pipeline, discover → parse → facts → rules → findings → score. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultConfig, fileSizeLimits, type ShipgateConfig } from './config/schema.ts';
import { discoverFiles } from './discover/discover-files.ts';
import {
  applyInlineSuppressions,
  assignFindingIds,
  collectInlineSuppressions,
  dedupeFindings,
  linkCompoundFindings,
  sortFindings,
  unusedInlineSuppressions,
} from './engine/post-process.ts';
import { redactDeep } from './engine/redact.ts';
import { runRules } from './engine/run-rules.ts';
import { buildRepoIndex, NO_ADVISORIES } from './facts/build-repo-index.ts';
import { extractDependencyFacts } from './facts/dependencies.ts';
import { loadOsvDatabase, OSV_API_URL, queryOsvApi, type OsvApiOptions } from './facts/osv-sources.ts';
import type { AdvisoryData } from './model/advisory.ts';
import type { ParsedFiles } from './model/parsed-file.ts';
import { selectRules, withRequiredRules } from './engine/select-rules.ts';
import { SCHEMA_VERSION, type AuditReport, type AuditScope, type RouteSummary, type TriageSummary } from './model/audit-report.ts';
import type { Finding, RuleOutcome, SkippedFile, ToolDiagnostic } from './model/finding.ts';
import type { HistoryRecord } from './ledger/history.ts';
import { computeProgress, type RecheckCoverage } from './ledger/progress.ts';
import { applyScope, type Baseline, type ChangedFiles } from './ledger/scope.ts';
import { applyTriageFile } from './ledger/triage.ts';
import type { TriageFile } from './ledger/triage-file.ts';
import type { ComplianceProfile, HistoryScan, RepoIndex } from './model/repo-index.ts';
import { countCommits, scanGitHistory } from './facts/git-history.ts';
import type { Rule, RuleMeta } from './model/rule.ts';
import { readCoverageReports } from './parse/coverage-report.ts';
import { parseFiles } from './parse/parse-files.ts';
import { registry } from './rules/index.ts';
import { summarise, type SummaryInputs } from './scoring/score.ts';
import { authenticationCoverage, buildScorecards, mergeScorecards } from './scoring/scorecards.ts';
import { assess } from './assess/index.ts';
import { applyControlRollup, routeControlMatrix } from './assess/route-controls.ts';
import { buildActionPlan, findAppRoots, type Evaluate, type Team } from './plan/index.ts';
import { DEFAULT_TEAM } from './plan/weights.ts';
import { isPublicByDesign, isStateChangingMethod } from './facts/routes/guard-names.ts';
import { codeHealthNotes, measureCode } from './assess/code-metrics.ts';
import { fileHotspots } from './assess/hotspots.ts';
import { checkClaims } from './facts/claims/check.ts';

export interface AuditOptions {
  root: string;
  config?: ShipgateConfig;
  /** Run only these rule ids (tests, `--only`). */
  only?: string[];
  /** Rules to run instead of the built-in registry (tests). */
  rules?: readonly Rule[];
  /** `--git-history` / `--no-git-history`: overrides the config's `gitHistory`. */
  gitHistory?: boolean;
  /** When the audit runs: `summary.date` and triage expiry. Default: SOURCE_DATE_EPOCH when set, else now. */
  now?: Date;
  /** Decisions from `.shipgate/triage.yaml` (loaded by ledger/triage-file.ts). */
  triage?: TriageFile;
  /** Earlier audits from `.shipgate/history.jsonl`, oldest first: the report gets `progress`. */
  history?: readonly HistoryRecord[];
  /** `--baseline RESULT.json`: findings already known. */
  baseline?: Baseline;
  /** `--changed-since REF`: the files a change touches. */
  changedSince?: ChangedFiles;
  /** Diagnostics from loading the config and the inputs above, reported with the audit's own. */
  diagnostics?: ToolDiagnostic[];
  /** `--team-size` / `--hours-per-week`: the action plan's capacity; overrides the config's `teamSize` / `hoursPerWeek`. */
  team?: Partial<Team>;
  /**
   * Tests only: receives every secret value the rules reported, before they are redacted from the
   * result, so a test can prove no output contains one. Never set by the CLI; nothing else sees them.
   */
  onSecrets?: (secrets: readonly string[]) => void;
  /** `--osv-db DIR`: a folder of OSV advisory records to check the installed package versions against (offline). */
  osvDb?: string;
  /** `--online`: ask the OSV API about the installed package versions (an object sets the URL and deadline, for tests). */
  online?: boolean | OsvApiOptions;
  /** `--profile`: the compliance profile; overrides the config's `profile`. */
  profile?: ComplianceProfile;
}

export const TOOL_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function audit(options: AuditOptions): Promise<AuditReport> {
  const config = options.config ?? defaultConfig();
  const discovery = await discoverFiles(options.root, { ...fileSizeLimits(config), ignore: config.ignore });
  const parsed = await parseFiles(discovery.files);
  const factDiagnostics: ToolDiagnostic[] = [];
  const history = await historyScan(options, config, discovery.gitTracked !== null, factDiagnostics);
  const osvDb = options.osvDb ? { dir: options.osvDb, label: options.osvDb } : config.osvDb ? { dir: path.resolve(options.root, config.osvDb), label: config.osvDb } : undefined;
  const advisories = await loadAdvisories(osvDb, options.online, parsed.files, factDiagnostics);
  const profile = options.profile ?? config.profile;
  const coverageReports = await readCoverageReports(discovery.root, discovery.coverageReports, factDiagnostics);
  const index = buildRepoIndex(
    path.resolve(options.root),
    parsed.files,
    {
      tracked: discovery.gitTracked,
      trackedButIgnored: discovery.gitTrackedButIgnored,
      history,
      paths: new Set(discovery.allPaths),
    },
    factDiagnostics,
    { advisories, profile, coverage: coverageReports },
  );
  const selected = selectRules(options.rules ?? registry, config, index.domains, options.only);
  const run = runRules(selected, { index, files: parsed.files });
  const diagnostics = [...(options.diagnostics ?? []), ...discovery.diagnostics, ...parsed.diagnostics, ...factDiagnostics, ...run.diagnostics];
  const metas = new Map(selected.map((s) => [s.rule.meta.id, s.rule.meta]));
  const now = options.now ?? auditDate();
  const ruleRan = ruleRanIn(options.rules ?? registry, run.outcomes);
  const coverage = recheckCoverage(run.outcomes, metas, index, parsed.files.get.bind(parsed.files), discovery.skipped.concat(parsed.skipped), discovery.ignoredByConfig);

  const raw = run.outcomes.flatMap((o) => o.findings);
  const suppressions = collectInlineSuppressions(parsed.files);
  const inline = applyInlineSuppressions(raw, suppressions, diagnostics);
  let findings = linkCompoundFindings(assignFindingIds(sortFindings(dedupeFindings(inline.findings))), run.compoundParts);
  let triage: TriageSummary | undefined;
  if (options.triage || suppressions.length) {
    const fromFile = options.triage ? applyTriageFile(findings, options.triage, now.toISOString().slice(0, 10), ruleRan) : undefined;
    if (fromFile) findings = fromFile.findings;
    triage = summariseTriage(findings, options.triage, suppressions.length, fromFile, unusedInlineSuppressions(suppressions, inline.used, ruleRan, !options.only));
    diagnostics.push(...triageDiagnostics(triage));
  }
  let scope: AuditScope | undefined;
  if (options.baseline || options.changedSince) ({ findings, scope } = applyScope(findings, options, coverage));
  // The route control matrix and the plan are derived views: a bug in one costs that view, never the audit.
  const matrix = measuredSection('route controls', () => routeControlMatrix({ index, files: parsed.files, findings, rowOf: new Map(selected.map(({ rule: { meta } }) => [meta.id, meta.scorecard])) }), diagnostics);
  const routes = summariseRoutes(index).map((route, i) => (matrix ? { ...route, controls: matrix.routes[i] } : route));
  // Code health (issue 6): detailed metrics and the per-file hotspot table; a crash costs only the section.
  const metrics = measuredSection('code metrics', () => measureCode(index, parsed.files), diagnostics);
  const hotspots = measuredSection('hotspot table', () => fileHotspots(index, parsed.files, findings, metas), diagnostics);
  const claims = measuredSection('documentation claims', () => checkClaims({ index, files: parsed.files, findings: raw }).map(({ kind, claim, source, status, notes, evidence }) => ({ kind, claim, source, status, notes, evidence })), diagnostics);
  const summaryInputs: SummaryInputs = {
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
  };
  const summary = summarise(summaryInputs);
  summary.date = now.toISOString();
  if (discovery.headCommit) summary.commit = discovery.headCommit;
  const progress = options.history ? computeProgress(options.history, findings, summary, coverage) : undefined;
  // Assessments judge the infrastructure, testing, dependency, compliance and documentation rows
  // from facts and the final findings. A partial run (`only`) has no basis for them: skipped.
  const assessed = options.only
    ? undefined
    : assess({ index, files: parsed.files, findings, metas, options: { profile } });
  if (assessed) diagnostics.push(...assessed.diagnostics);
  const ruleScorecards = buildScorecards(run.outcomes, metas, findings, {
    Authentication: authenticationCoverage(index.routes),
    ...codeHealthNotes(metrics, claims),
  });
  const report: AuditReport = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'shipgate', version: TOOL_VERSION },
    target: path.basename(path.resolve(options.root)),
    summary,
    findings,
    scorecards: applyControlRollup(assessed ? mergeScorecards(ruleScorecards, assessed.scorecards, findings) : ruleScorecards, matrix?.rollup ?? {}) as AuditReport['scorecards'],
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
      ...(meta.fixScope ? { fixScope: meta.fixScope } : {}),
      ...(meta.fixTitle ? { fixTitle: meta.fixTitle } : {}),
    })),
    outcomes: run.outcomes.map((o) => ({ ruleId: o.ruleId, status: o.status, ...(o.error ? { error: o.error } : {}) })),
    skipped: [...discovery.skipped, ...parsed.skipped].sort((a, b) => (a.file < b.file ? -1 : 1)),
    diagnostics,
    ...(assessed ? { ...assessed.sections, strengths: assessed.strengths } : {}),
    ...(progress ? { progress } : {}),
    ...(scope ? { scope } : {}),
    ...(triage ? { triage } : {}),
    ...(metrics ? { metrics } : {}),
    ...(hotspots ? { hotspots } : {}),
    ...(claims ? { claims } : {}),
  };
  // The action plan re-scores the audit with the findings each candidate change closes (src/plan/).
  const evaluate: Evaluate = (closed) => {
    const after = summarise({ ...summaryInputs, findings: findings.map((f) => (closed.has(f.id) && f.status === 'open' ? { ...f, status: 'fixed' } : f)) });
    const security = after.categories.find((c) => c.category === 'security');
    return { score: after.score, grade: after.grade, securityGrade: after.securityGrade, verdict: after.verdict, securityScore: security?.score ?? null };
  };
  const plan = measuredSection('action plan and timeline', () =>
    buildActionPlan({
      findings,
      rules: new Map(selected.map(({ rule: { meta } }) => [meta.id, { id: meta.id, title: meta.title, fixScope: meta.fixScope, fixTitle: meta.fixTitle, scorecard: meta.scorecard }])),
      appRoots: findAppRoots(parsed.files.all.map((f) => f.path)),
      team: {
        size: options.team?.size ?? config.teamSize ?? DEFAULT_TEAM.size,
        hoursPerWeek: options.team?.hoursPerWeek ?? config.hoursPerWeek ?? DEFAULT_TEAM.hoursPerWeek,
      },
      evaluate,
    }),
    diagnostics,
  );
  if (plan) report.plan = plan;

  // Secrets any rule reported are scrubbed from every string of the result, so no reporter can leak them.
  options.onSecrets?.([...new Set(run.secrets)].sort());
  return redactDeep(report, run.secrets);
}

/** SOURCE_DATE_EPOCH (seconds, the reproducible-builds convention) fixes the date; otherwise now. */
export function auditDate(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch && /^\d+$/.test(epoch.trim())) return new Date(Number(epoch.trim()) * 1000);
  return new Date();
}

/** Whether a rule ran to the end in this audit (true), was not run (false), or is not a rule at all (undefined). */
function ruleRanIn(rules: readonly Rule[], outcomes: readonly RuleOutcome[]): (ruleId: string) => boolean | undefined {
  const known = new Set(rules.map((r) => r.meta.id));
  const statuses = new Map(outcomes.map((o) => [o.ruleId, o.status]));
  return (ruleId) => {
    if (!known.has(ruleId)) return undefined;
    const status = statuses.get(ruleId);
    return status !== undefined && status !== 'error';
  };
}

/**
 * What this audit could re-check: a finding of an earlier audit that is missing now is fixed only
 * when its rule ran and its file was audited (or is gone). `carry` marks transient causes, whose
 * findings stay open in the history.
 */
function recheckCoverage(
  outcomes: readonly RuleOutcome[],
  metas: ReadonlyMap<string, RuleMeta>,
  index: RepoIndex,
  audited: (file: string) => unknown,
  skipped: readonly SkippedFile[],
  ignoredByConfig: readonly string[],
): RecheckCoverage {
  const statuses = new Map(outcomes.map((o) => [o.ruleId, o.status]));
  const skippedFiles = new Map(skipped.filter((s) => !s.file.endsWith('/')).map((s) => [s.file, s.reason]));
  const skippedDirs = skipped.filter((s) => s.file.endsWith('/'));
  const ignored = new Set(ignoredByConfig);
  return ({ ruleId, file }) => {
    const status = statuses.get(ruleId);
    if (status === undefined) return { why: `rule \`${ruleId}\` did not run (switched off in the config, not selected, or not in this shipgate version)`, carry: false };
    if (status === 'error') return { why: `rule \`${ruleId}\` crashed in this audit`, carry: true };
    if (metas.get(ruleId)?.needsGitHistory)
      return index.history.scanned ? undefined : { why: `the git history was not scanned (${index.history.skippedBecause ?? 'skipped'})`, carry: true };
    if (audited(file)) return undefined;
    const reason = skippedFiles.get(file) ?? skippedDirs.find((d) => file.startsWith(d.file))?.reason;
    if (reason) return { why: `\`${file}\` was skipped in this audit (${reason})`, carry: true };
    if (ignored.has(file)) return { why: `\`${file}\` is left out by the config's ignore list`, carry: false };
    return undefined; // the file is gone: whatever was in it is fixed
  };
}

function summariseTriage(
  findings: readonly Finding[],
  file: TriageFile | undefined,
  inline: number,
  fromFile: ReturnType<typeof applyTriageFile> | undefined,
  unusedInline: TriageSummary['unused'],
): TriageSummary {
  const unused = [...(fromFile?.unused ?? []), ...unusedInline].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return {
    ...(file ? { file: file.path } : {}),
    entries: file?.entries.length ?? 0,
    inline,
    applied: findings.filter((f) => f.triage && !f.triage.expired && f.status !== 'open').length,
    expired: fromFile?.expired ?? [],
    unused,
  };
}

function triageDiagnostics(triage: TriageSummary): ToolDiagnostic[] {
  const out: ToolDiagnostic[] = [];
  for (const e of triage.expired)
    out.push({ kind: 'triage', file: triage.file, message: `${e.finding} (${e.ruleId}) was triaged as ${e.status} until ${e.until}${e.line ? ` (line ${e.line})` : ''}; that date has passed, so it is open again` });
  for (const u of triage.unused)
    out.push({
      kind: 'triage',
      file: u.file,
      message: `${u.source === 'inline' ? 'shipgate-ignore comment' : `triage entry ${u.fingerprint}`}${u.line ? ` at line ${u.line}` : ''} suppresses nothing: ${u.why}`,
    });
  return out;
}

/** Run the history scan when asked, or automatically for histories short enough to read on every run. */
async function historyScan(options: AuditOptions, config: ShipgateConfig, isGitRepo: boolean, diagnostics: ToolDiagnostic[]): Promise<HistoryScan> {
  const skipped = (why: string): HistoryScan => ({ scanned: false, commits: 0, secrets: [], skippedBecause: why });
  if (!isGitRepo) return skipped('not a git work tree');
  const wanted = options.gitHistory ?? config.gitHistory;
  if (wanted === false) return skipped('turned off');
  const only = options.only && withRequiredRules(options.rules ?? registry, options.only);
  const candidates = (options.rules ?? registry).filter((r) => r.meta.needsGitHistory && (!only || only.includes(r.meta.id)) && config.rules[r.meta.id] !== 'off');
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

/**
 * Advisories for the installed package versions: from the --osv-db folder, from the OSV API with
 * --online, or both (merged by id). A source that fails leaves a diagnostic and an empty set marked
 * with the error, so the Known Vulnerabilities row says UNKNOWN instead of a false PASS.
 */
async function loadAdvisories(
  osvDb: { dir: string; label: string } | undefined,
  online: AuditOptions['online'],
  files: ParsedFiles,
  diagnostics: ToolDiagnostic[],
): Promise<AdvisoryData> {
  if (!osvDb && !online) return NO_ADVISORIES;
  const packages = extractDependencyFacts(files).packages.map((p) => ({ ecosystem: p.ecosystem, name: p.name, version: p.version }));
  const results: AdvisoryData[] = [];
  if (osvDb) {
    try {
      results.push(await loadOsvDatabase(osvDb.dir, packages, osvDb.label));
    } catch (error) {
      const message = (error as Error).message;
      diagnostics.push({ kind: 'advisories', message: `known vulnerabilities not checked against ${osvDb.label}: ${message}` });
      results.push({ source: { kind: 'osv-db', detail: osvDb.label, error: message }, records: [] });
    }
  }
  if (online) {
    const api = typeof online === 'object' ? online : {};
    try {
      results.push(await queryOsvApi(packages, api));
    } catch (error) {
      const message = (error as Error).message;
      diagnostics.push({ kind: 'advisories', message: `known vulnerabilities not checked online: ${message}; give an offline copy with --osv-db DIR instead` });
      results.push({ source: { kind: 'osv-api', detail: api.url ?? OSV_API_URL, error: message }, records: [] });
    }
  }
  if (results.length === 1) return results[0];
  const ok = results.filter((r) => !r.source.error);
  const records = [...new Map(results.flatMap((r) => r.records).map((r) => [r.id, r])).values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const source = ok.find((r) => r.source.kind === 'osv-api') ?? ok[0] ?? results[0];
  return {
    source: { ...source.source, detail: results.map((r) => `${r.source.kind === 'osv-api' ? 'OSV API' : 'OSV folder'} ${r.source.detail}${r.source.error ? ` (failed: ${r.source.error})` : ''}`).join(' + ') },
    records,
  };
}

/** A report section computed after the rules: a crash becomes a diagnostic and the section is left out. */
function measuredSection<T>(name: string, compute: () => T, diagnostics: ToolDiagnostic[]): T | undefined {
  try {
    return compute();
  } catch (error) {
    diagnostics.push({ kind: 'rule-error', message: `the ${name} could not be computed and are missing from this report: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
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
