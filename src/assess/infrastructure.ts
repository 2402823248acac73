/**
 * Infrastructure and operations scorecard: one row per item of the reference audits'
 * "Infrastructure Assessment" (containerisation, orchestration, load balancing, auto-scaling,
 * health checks, monitoring, error tracking, structured logging, alerting, backup/restore,
 * database migrations, graceful shutdown, CI/CD), each PASS / PARTIAL / FAIL / UNKNOWN / N/A from
 * the operations facts, with its evidence and, for UNKNOWN, what would settle it. The rules of the
 * same rows report the defects as findings; the merge in scoring/scorecards.ts joins both.
 */
import type { Location } from '../model/finding.ts';
import type { ScorecardEntry, ScorecardStatus } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import type { RuleMeta, ScorecardRow } from '../model/rule.ts';
import { CI_PROVIDER_NAMES } from '../facts/ci-pipelines.ts';
import { operationsOf, type OperationsFacts } from '../facts/operations/index.ts';
import {
  backupView,
  ciView,
  deploymentView,
  errorTrackingByService,
  healthByService,
  loggingByService,
  migrationView,
  monitoringByService,
  probesWithoutRoute,
  runsAsFunctionsOnly,
  scalingView,
  shutdownByService,
  type DeploymentView,
} from '../facts/operations/readiness.ts';
import type { ServiceUnit } from '../facts/operations/services.ts';
import { formatAt, type Signal } from '../facts/operations/signals.ts';
import type { Assessment, AssessmentInput } from './index.ts';

export const INFRASTRUCTURE_ROWS = [
  'Containerization',
  'Orchestration',
  'Load Balancing',
  'Auto-Scaling',
  'Health Checks',
  'Monitoring',
  'Error Tracking',
  'Structured Logging',
  'Alerting',
  'Backup/Restore',
  'Database Migrations',
  'Graceful Shutdown',
  'CI/CD',
] as const satisfies readonly ScorecardRow[];

type Row = (typeof INFRASTRUCTURE_ROWS)[number];

/** Rows judged per row by these rules (their findings merge in through the rule's scorecard row). */
const ROW_RULES: Record<Row, string[]> = {
  Containerization: ['production-container-missing', 'compose-dev-setup-as-deployment', 'container-image-unpinned', 'dockerignore-missing'],
  Orchestration: ['kubernetes-resource-limits-missing'],
  'Load Balancing': [],
  'Auto-Scaling': ['deployment-single-replica'],
  'Health Checks': ['health-endpoint-missing', 'container-healthcheck-missing', 'kubernetes-probes-missing'],
  Monitoring: ['monitoring-missing'],
  'Error Tracking': ['error-tracking-missing'],
  'Structured Logging': ['structured-logging-missing'],
  Alerting: [],
  'Backup/Restore': ['backup-procedure-missing'],
  'Database Migrations': ['database-migrations-missing', 'migrations-not-run-on-deploy'],
  'Graceful Shutdown': ['graceful-shutdown-missing'],
  'CI/CD': ['ci-pipeline-missing', 'ci-tests-not-run', 'ci-security-scan-missing', 'deploy-approval-missing'],
};

/** Rows of other areas whose findings say the app keeps per-process state (unsafe to run on several replicas). */
const STATE_ROWS = new Set(['Shared State', 'Horizontal Scaling']);
const MAX_EVIDENCE = 8;

interface Context {
  ops: OperationsFacts;
  findings: Finding[];
  metas: Map<string, RuleMeta>;
  deployment: DeploymentView;
  isService: boolean;
}

export const infrastructureAssessment: Assessment = {
  name: 'infrastructure',
  run(input: AssessmentInput, result) {
    const ops = operationsOf(input.index, input.files);
    const deployment = deploymentView(ops);
    const ctx: Context = { ops, findings: input.findings.filter((f) => f.status === 'open'), metas: input.metas, deployment, isService: ops.services.length > 0 || deployment.anyDefinition };
    const judges: Record<Row, (ctx: Context) => Judgement> = {
      Containerization: containerization,
      Orchestration: orchestration,
      'Load Balancing': loadBalancing,
      'Auto-Scaling': autoScaling,
      'Health Checks': healthChecks,
      Monitoring: monitoring,
      'Error Tracking': errorTracking,
      'Structured Logging': structuredLogging,
      Alerting: alerting,
      'Backup/Restore': backupRestore,
      'Database Migrations': databaseMigrations,
      'Graceful Shutdown': gracefulShutdown,
      'CI/CD': ciCd,
    };
    const rows = INFRASTRUCTURE_ROWS.map((name) => {
      let judged: Judgement;
      try {
        judged = name !== 'CI/CD' && !ctx.isService ? { status: 'N/A', notes: 'no web service or deployment definition in this repository' } : judges[name](ctx);
      } catch (error) {
        // One row that cannot be judged on odd input costs that row, not the scorecard.
        const message = error instanceof Error ? error.message : String(error);
        result.diagnostics.push({ kind: 'rule-error', message: `infrastructure row ${name} could not be assessed: ${message}` });
        judged = { status: 'UNKNOWN', notes: `could not be assessed (${message})`, howToKnow: 'Report the diagnostic; the row is judged again on the next run.' };
      }
      return toEntry(name, judged);
    });
    (result.scorecards.infrastructure ??= []).push(...rows);
  },
};

interface Judgement {
  status: ScorecardStatus;
  notes: string;
  evidence?: (Location | Signal | undefined)[];
  /** Findings of other rows this row cites (per-process state for scaling, dockerfile-runs-as-root for containers). */
  linked?: Finding[];
  howToKnow?: string;
}

function toEntry(name: Row, judged: Judgement): ScorecardEntry {
  const evidence = (judged.evidence ?? [])
    .filter((e): e is Location | Signal => !!e)
    .map((e) => ('at' in e ? e.at : e))
    .filter((loc, i, all) => all.findIndex((o) => o.file === loc.file && o.startLine === loc.startLine) === i)
    .slice(0, MAX_EVIDENCE)
    .map(({ snippet: _snippet, ...loc }) => loc);
  const entry: ScorecardEntry = { name, status: judged.status, notes: judged.notes, findings: [...new Set((judged.linked ?? []).map((f) => f.id))], rules: ROW_RULES[name] };
  if (evidence.length) entry.evidence = evidence;
  if (judged.status === 'UNKNOWN' && judged.howToKnow) entry.howToKnow = judged.howToKnow;
  return entry;
}

function list(items: string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function byRule(ctx: Context, ...ruleIds: string[]): Finding[] {
  return ctx.findings.filter((f) => ruleIds.includes(f.ruleId));
}

function stateFindings(ctx: Context): Finding[] {
  return ctx.findings.filter((f) => STATE_ROWS.has(ctx.metas.get(f.ruleId)?.scorecard ?? ''));
}

function describeState(findings: Finding[]): string {
  const names = [...new Set(findings.map((f) => f.data.state ?? f.data.name ?? f.data.variable ?? '').filter(Boolean))].map((n) => `\`${n}\``);
  const where = names.length ? ` (${list(names)})` : '';
  return `per-process state${where} found by ${findings.length} concurrency finding${findings.length === 1 ? '' : 's'} (${list(findings.map((f) => f.id), 4)})`;
}

/** Per-service rows: PASS when every service has it, PARTIAL when some do, FAIL when none does. */
function perService(total: number, covered: number): ScorecardStatus {
  if (!total) return 'N/A';
  if (covered === total) return 'PASS';
  return covered ? 'PARTIAL' : 'FAIL';
}

function serviceName(s: ServiceUnit): string {
  return s.name;
}

// ---- rows ----

function containerization(ctx: Context): Judgement {
  const d = ctx.deployment;
  const runsAsRoot = byRule(ctx, 'dockerfile-runs-as-root');
  const probes = ctx.ops.deployment.probes.filter((p) => p.kind !== 'docker-healthcheck');
  if (d.images.length) {
    const problems: string[] = [];
    const parts = d.images.map((img) => {
      const traits = [
        img.stages > 1 ? `${img.stages}-stage` : 'single-stage',
        img.user === 'non-root' ? 'non-root' : img.user === 'root' ? 'runs as root' : 'runs as root (no USER)',
        img.unpinned ? `base \`${img.base}\` unpinned` : `base \`${img.base}\``,
        img.healthcheck ? 'HEALTHCHECK' : probes.length ? 'probed by the orchestrator' : 'no health check',
      ];
      if (img.user !== 'non-root') problems.push(`${img.file.path} runs as root`);
      if (img.unpinned) problems.push(`${img.file.path} base image ${img.unpinned}`);
      if (!img.healthcheck && !probes.length) problems.push(`${img.file.path} has no health check`);
      return `${img.file.path}: ${traits.join(', ')}`;
    });
    for (const m of d.missingDockerfiles) problems.push(`${m.compose.file.path} builds \`${m.service}\` from ${m.dockerfile}, which does not exist`);
    const imageDirs = d.images.map((i) => i.file.path.slice(0, i.file.path.lastIndexOf('/') + 1));
    const uncovered = ctx.ops.services.filter((s) => s.framework !== 'nextjs' && !imageDirs.some((dir) => (s.root ? `${s.root}/`.startsWith(dir) || dir.startsWith(`${s.root}/`) : true)));
    if (uncovered.length && !d.buildFromSource.length) problems.push(`no image for ${list(uncovered.map(serviceName))}`);
    return {
      status: problems.length ? 'PARTIAL' : 'PASS',
      notes: `${parts.join('; ')}${problems.length ? `. Gaps: ${problems.join('; ')}` : ''}`,
      evidence: d.images.flatMap((i) => [i.from, i.userAt, i.healthcheck]),
      linked: runsAsRoot,
    };
  }
  if (d.buildFromSource.length) return { status: 'N/A', notes: `built from source by the platform (${list(d.buildFromSource.map((p) => p.label))}); no container image to judge`, evidence: d.buildFromSource };
  if (d.missingDockerfiles.length)
    return {
      status: 'FAIL',
      notes: `${list(d.missingDockerfiles.map((m) => `${m.compose.file.path} builds \`${m.service}\` from ${m.dockerfile}, which does not exist`))}; no production image can be built`,
      evidence: d.missingDockerfiles.map((m) => m.at),
      linked: byRule(ctx, 'production-container-missing', 'compose-dev-setup-as-deployment'),
    };
  if (d.developmentCompose.length)
    return { status: 'PARTIAL', notes: `development docker-compose only (${list(d.developmentCompose.map((c) => c.file.path))}); no production image`, evidence: d.developmentCompose.map((c) => c.file.locateLines(1)), linked: byRule(ctx, 'compose-dev-setup-as-deployment') };
  if (d.productionCompose.length) return { status: 'PARTIAL', notes: `compose services run published images (${list(d.productionCompose.map((c) => c.file.path))}); the repository has no Dockerfile for the app`, evidence: d.productionCompose.map((c) => c.file.locateLines(1)) };
  if (d.orchestrators.length || d.managed.length || d.infrastructureAsCode.length)
    return { status: 'UNKNOWN', notes: `deployment configuration without a Dockerfile (${list([...d.orchestrators, ...d.managed, ...d.infrastructureAsCode].map((p) => p.label))}); the image is built elsewhere`, evidence: [...d.orchestrators, ...d.managed], howToKnow: 'Find where the image the deployment runs is built (another repository, a registry) and audit its Dockerfile.' };
  return { status: 'FAIL', notes: 'no Dockerfile, compose file or platform configuration: nothing in the repository builds or runs the app in production', linked: byRule(ctx, 'production-container-missing') };
}

function orchestration(ctx: Context): Judgement {
  const d = ctx.deployment;
  const platforms = [...d.orchestrators, ...d.managed];
  const limits = byRule(ctx, 'kubernetes-resource-limits-missing');
  if (platforms.length) {
    const names = platforms.map((p) => p.label);
    return { status: 'PASS', notes: `${list(names)}: ${d.orchestrators.length ? 'the orchestrator schedules, restarts and replaces the containers' : 'the platform runs and restarts the app'}`, evidence: platforms, linked: limits };
  }
  const swarm = ctx.ops.deployment.platforms.filter((p) => p.kind === 'compose-production' || p.kind === 'docker-swarm');
  if (swarm.length) return { status: 'PARTIAL', notes: `${list(swarm.map((p) => p.label))}: containers restart on one host, but nothing schedules them across machines or replaces a failed host`, evidence: swarm };
  if (d.infrastructureAsCode.length)
    return { status: 'UNKNOWN', notes: `${list(d.infrastructureAsCode.map((p) => p.label))}, but no runtime resource shipgate recognises`, evidence: d.infrastructureAsCode, howToKnow: 'Check which resources of the infrastructure code run the app (ECS, Cloud Run, Kubernetes, VMs) and whether they restart and replace failed instances.' };
  if (d.images.length)
    return {
      status: 'UNKNOWN',
      notes: `the repository builds ${d.images.length === 1 ? 'an image' : `${d.images.length} images`} (${list(d.images.map((i) => i.file.path))}) but does not say where ${d.images.length === 1 ? 'it runs' : 'they run'}`,
      evidence: d.images.map((i) => i.from),
      howToKnow: 'Commit the deployment definition (Kubernetes manifests, a Helm chart, fly.toml, render.yaml, Terraform) or record where the image runs and what restarts it.',
    };
  if (d.developmentCompose.length) return { status: 'FAIL', notes: `only a development docker-compose stack (${list(d.developmentCompose.map((c) => c.file.path))}); nothing runs, restarts or schedules the app in production`, evidence: d.developmentCompose.map((c) => c.file.locateLines(1)), linked: byRule(ctx, 'compose-dev-setup-as-deployment', 'production-container-missing') };
  return { status: 'FAIL', notes: 'no orchestration or platform configuration in the repository', linked: byRule(ctx, 'production-container-missing') };
}

function loadBalancing(ctx: Context): Judgement {
  const d = ctx.deployment;
  const lbs = ctx.ops.deployment.loadBalancers;
  const state = stateFindings(ctx);
  const scaling = scalingView(ctx.ops);
  if (lbs.length) {
    const composeOnly = !d.orchestrators.length && !d.managed.length && d.composeAsDeployment.length > 0 && !scaling.fixed.some((s) => s.platform === 'compose' && (s.replicas ?? 0) > 1);
    const onlySingle = composeOnly || (!scaling.autoscalers.length && !scaling.byDefault.length && scaling.fixed.length > 0 && scaling.fixed.every((s) => s.replicas === 1));
    if (state.length) return { status: 'PARTIAL', notes: `${list(lbs.map((l) => l.label))}, but ${describeState(state)}: requests spread over replicas see different state`, evidence: [...lbs, ...state.map((f) => f.location)], linked: state };
    if (onlySingle)
      return {
        status: 'PARTIAL',
        notes: `${list(lbs.map((l) => l.label))} in front of a single ${composeOnly ? `container per service (docker compose on one host: ${list(d.composeAsDeployment.map((c) => c.file.path))})` : `replica (${list(scaling.single.map((s) => `${s.target} at ${formatAt(s.at)}`))})`}`,
        evidence: [...lbs, ...scaling.single.map((s) => s.at)],
      };
    return { status: 'PASS', notes: list(lbs.map((l) => l.label)), evidence: lbs };
  }
  if (d.images.length && !d.orchestrators.length && !d.managed.length && !d.productionCompose.length && !d.developmentCompose.length)
    return {
      status: 'UNKNOWN',
      notes: `no load balancer in the repository; where the image runs is configured elsewhere${state.length ? `; note ${describeState(state)}` : ''}`,
      evidence: state.map((f) => f.location),
      linked: state,
      howToKnow: 'Check what fronts the deployed service (a cloud load balancer, an ingress, a platform router) and how many instances it balances over.',
    };
  if (d.orchestrators.length || d.managed.length)
    return { status: 'UNKNOWN', notes: `${list([...d.orchestrators, ...d.managed].map((p) => p.label))} with no Service, Ingress or load balancer declared`, evidence: [...d.orchestrators, ...d.managed], linked: state, howToKnow: 'Check the ingress or load balancer configured outside the repository.' };
  return { status: 'FAIL', notes: `no load balancer or platform router configured${state.length ? `; and ${describeState(state)}` : ''}`, evidence: state.map((f) => f.location), linked: [...state, ...byRule(ctx, 'compose-dev-setup-as-deployment', 'production-container-missing')] };
}

function autoScaling(ctx: Context): Judgement {
  const d = ctx.deployment;
  const state = stateFindings(ctx);
  const s = scalingView(ctx.ops);
  const describeScaler = (x: (typeof s.autoscalers)[number]) => `${x.target} ${x.min ?? '?'}–${x.max ?? '?'} replicas`;
  if (state.length)
    return {
      status: 'FAIL',
      notes: `${describeState(state)}: more than one replica would serve inconsistent data, so the design prevents scaling out${s.autoscalers.length ? ` (autoscaling is configured: ${list(s.autoscalers.map(describeScaler))})` : ''}`,
      evidence: [...state.map((f) => f.location), ...s.autoscalers.map((x) => x.at)],
      linked: state,
    };
  if (s.autoscalers.length) {
    const single = s.single;
    return { status: single.length ? 'PARTIAL' : 'PASS', notes: `${list(s.autoscalers.map(describeScaler))}${single.length ? `; ${list(single.map((x) => x.target))} fixed at 1 replica` : ''}`, evidence: [...s.autoscalers.map((x) => x.at), ...single.map((x) => x.at)] };
  }
  if (s.byDefault.length) return { status: 'PASS', notes: `${list(s.byDefault.map((x) => x.target))}: instances scale with traffic by default`, evidence: s.byDefault.map((x) => x.at) };
  if (s.single.length) return { status: 'FAIL', notes: `${list(s.single.map((x) => `${x.target} runs 1 replica`))} and nothing scales it`, evidence: s.single.map((x) => x.at), linked: byRule(ctx, 'deployment-single-replica') };
  if (s.fixed.length) return { status: 'PARTIAL', notes: `fixed replica counts (${list(s.fixed.map((x) => `${x.target}: ${x.replicas}`))}); nothing scales them with load`, evidence: s.fixed.map((x) => x.at) };
  if (d.managed.length)
    return { status: 'UNKNOWN', notes: `${list(d.managed.map((p) => p.label))} with no scaling settings in the repository`, evidence: d.managed, howToKnow: "Check the platform's scaling settings (instance count, autoscaling rules) in its dashboard, or declare them in the repository's platform config." };
  if (d.orchestrators.length) return { status: 'UNKNOWN', notes: `${list(d.orchestrators.map((p) => p.label))} without a replica count or autoscaler shipgate could read`, evidence: d.orchestrators, howToKnow: 'Check the replica count and any HorizontalPodAutoscaler or cluster autoscaling applied outside these files.' };
  if (d.productionCompose.length) return { status: 'FAIL', notes: 'docker compose on a single host: one container per service, nothing scales', evidence: d.productionCompose.map((c) => c.file.locateLines(1)) };
  if (d.images.length || d.infrastructureAsCode.length)
    return { status: 'UNKNOWN', notes: 'where the app runs, and how it scales, is configured outside the repository', evidence: d.images.map((i) => i.from), howToKnow: 'Check the scaling settings of the platform the image runs on (autoscaling group, HPA, service autoscaling).' };
  return { status: 'FAIL', notes: 'no deployment configuration, so nothing scales the app', linked: byRule(ctx, 'compose-dev-setup-as-deployment', 'production-container-missing') };
}

function healthChecks(ctx: Context): Judgement {
  if (runsAsFunctionsOnly(ctx.ops)) return { status: 'N/A', notes: `runs as functions (${list(ctx.deployment.managed.map((p) => p.label))}): no long-running server to probe` };
  const health = healthByService(ctx.ops).filter((h) => h.service.framework !== 'nextjs');
  const probes = ctx.ops.deployment.probes;
  const mismatched = probesWithoutRoute(ctx.ops);
  if (!health.length) {
    if (probes.length) return { status: 'PASS', notes: list(probes.map((p) => p.label)), evidence: probes };
    return { status: 'N/A', notes: 'only Next.js front ends, which the platform checks itself' };
  }
  const withEndpoint = health.filter((h) => h.endpoints.length);
  const endpointNotes = withEndpoint.map((h) => `${health.length > 1 ? `${h.service.name}: ` : ''}${h.endpoints.map((e) => `${e.method} ${e.path}${e.checks.length ? ` (checks ${e.checks.join(', ')})` : ' (static answer)'}`).join(', ')}`);
  const missing = health.filter((h) => !h.endpoints.length).map((h) => h.service.name);
  const evidence = [...withEndpoint.flatMap((h) => h.endpoints.map((e) => e.at)), ...probes];
  if (!withEndpoint.length && !probes.length) return { status: 'FAIL', notes: `no health or readiness endpoint in ${list(missing)} and nothing probes the app`, linked: byRule(ctx, 'health-endpoint-missing') };
  const gaps: string[] = [];
  if (missing.length) gaps.push(`no health endpoint in ${list(missing)}`);
  if (!probes.length) gaps.push(ctx.deployment.anyDefinition ? 'nothing in the deployment configuration probes it' : 'no probe configured in the repository');
  for (const m of mismatched) gaps.push(`${m.probe.label} requests ${m.path}, which ${m.service.name} does not serve`);
  const notes = [withEndpoint.length ? `${list(endpointNotes)}` : '', probes.length ? `probed by ${list(probes.map((p) => p.label))}` : ''].filter(Boolean).join('; ');
  return { status: gaps.length ? 'PARTIAL' : 'PASS', notes: `${notes}${gaps.length ? `. Gaps: ${gaps.join('; ')}` : ''}`, evidence };
}

function serviceRow(
  entries: { service: ServiceUnit; ok: boolean; text: string; evidence: (Location | Signal)[] }[],
  missingText: string,
  linked: Finding[],
): Judgement {
  const covered = entries.filter((e) => e.ok).length;
  const status = perService(entries.length, covered);
  const notes = entries.map((e) => (entries.length > 1 ? `${e.service.name}: ${e.text}` : e.text)).join('; ');
  return { status, notes: status === 'N/A' ? missingText : notes, evidence: entries.flatMap((e) => e.evidence), linked };
}

function monitoring(ctx: Context): Judgement {
  const managed = ctx.deployment.managed;
  const entries = monitoringByService(ctx.ops)
    .filter((m) => m.service.framework !== 'nextjs' || m.tools.length)
    .map((m) => {
    if (m.tools.length) return { service: m.service, ok: true, text: list(m.tools.map((t) => t.label.replace(/ \(.*\)$/, ''))), evidence: m.tools };
    const parts: string[] = [];
    if (m.definedOnly.length) parts.push(`Prometheus metrics defined (${formatAt(m.definedOnly[0].at)}) but never exposed`);
    if (m.partial.length) parts.push(`only ${list(m.partial.map((t) => (t.tool === 'sentry' ? 'Sentry performance traces' : `${t.name} traces`)))}`);
    if (m.declaredOnly.length) parts.push(`${list(m.declaredOnly.map((t) => t.label))} but never initialised`);
    if (managed.length) parts.push(`platform metrics only (${managed[0].label})`);
    return { service: m.service, ok: false, text: parts.length ? parts.join('; ') : 'no metrics or APM instrumentation', evidence: [...m.definedOnly, ...m.partial, ...m.declaredOnly] };
  });
  if (!entries.length) return { status: 'N/A', notes: 'only Next.js front ends, which their platform monitors' };
  const judged = serviceRow(entries, 'no service to instrument', byRule(ctx, 'monitoring-missing'));
  if (judged.status === 'FAIL' && entries.some((e) => e.evidence.length || managed.length)) judged.status = 'PARTIAL';
  return judged;
}

function errorTracking(ctx: Context): Judgement {
  const entries = errorTrackingByService(ctx.ops).map((e) => {
    if (e.tools.length) return { service: e.service, ok: true, text: list(e.tools.map((t) => t.label)), evidence: e.tools };
    const parts: string[] = [];
    if (e.clientOnly.length) parts.push(`only in browser code (${formatAt(e.clientOnly[0].at)})`);
    if (e.partial.length) parts.push(`only OpenTelemetry traces record exceptions (${formatAt(e.partial[0].at)})`);
    if (e.declaredOnly.length) parts.push(`${list(e.declaredOnly.map((t) => t.label))} but never initialised`);
    return { service: e.service, ok: false, text: parts.length ? parts.join('; ') : 'no error tracking SDK initialised', evidence: [...e.clientOnly, ...e.partial, ...e.declaredOnly] };
  });
  const judged = serviceRow(entries, 'no service to instrument', byRule(ctx, 'error-tracking-missing'));
  if (judged.status === 'FAIL' && entries.some((e) => e.evidence.length)) judged.status = 'PARTIAL';
  return judged;
}

function structuredLogging(ctx: Context): Judgement {
  const entries = loggingByService(ctx.ops)
    .filter((l) => l.service.framework !== 'nextjs' || l.structured.length)
    .map((l) =>
      l.structured.length
        ? { service: l.service, ok: true, text: list(l.structured.map((s) => s.label)), evidence: l.structured }
        : { service: l.service, ok: false, text: l.plain.length ? `plain-text logs (${list(l.plain.map((p) => p.label))})` : 'no logging configuration: default plain-text output', evidence: l.plain },
    );
  if (!entries.length) return { status: 'N/A', notes: 'only Next.js front ends' };
  return serviceRow(entries, 'no service', byRule(ctx, 'structured-logging-missing'));
}

function alerting(ctx: Context): Judgement {
  const { alertRules, alertReceivers, tools } = ctx.ops.observability;
  const sources = tools.filter((t) => !t.clientOnly);
  if (alertRules.length) return { status: 'PASS', notes: `${list(alertRules.map((a) => a.label))}${alertReceivers.length ? `; ${list(alertReceivers.map((r) => r.label))}` : ''}`, evidence: [...alertRules, ...alertReceivers] };
  if (alertReceivers.length) return { status: 'PARTIAL', notes: `${list(alertReceivers.map((r) => r.label))}, but no alert rules in the repository`, evidence: alertReceivers };
  if (!sources.length)
    return { status: 'FAIL', notes: 'nothing to alert from: no metrics, APM or error tracking is instrumented, and no alert rules exist', linked: byRule(ctx, 'monitoring-missing', 'error-tracking-missing') };
  return {
    status: 'UNKNOWN',
    notes: `${list([...new Set(sources.map((t) => t.name))])} instrumented, but no alert rules in the repository`,
    evidence: sources,
    howToKnow: `Check the alert rules and on-call routing in ${list([...new Set(sources.map((t) => t.name))])}, or commit them (Prometheus rules, Terraform monitors) so they are reviewed with the code.`,
  };
}

function backupRestore(ctx: Context): Judgement {
  const b = backupView(ctx.ops);
  if (!b.relevant) return { status: 'N/A', notes: 'no database or persistent data store' };
  const linked = byRule(ctx, 'backup-procedure-missing');
  if (b.disabled.length) return { status: 'FAIL', notes: `backups switched off for ${list(b.disabled.map((d) => d.label))}`, evidence: b.disabled, linked };
  if (b.backups.length || b.managedWithBackups.length) {
    const what = [...b.backups.map((s) => s.label), ...b.managedWithBackups.map((m) => `${m.label}${m.backupRetention ? ` (automated backups kept ${m.backupRetention} days)` : ' (point-in-time recovery on)'}`)];
    if (b.restores.length || b.managedWithBackups.length) return { status: 'PASS', notes: `${list(what)}${b.restores.length ? `; restore: ${list(b.restores.map((r) => r.label))}` : '; restores through the provider\'s point-in-time recovery'}`, evidence: [...b.backups, ...b.managedWithBackups, ...b.restores] };
    return { status: 'PARTIAL', notes: `${list(what)}, but no restore procedure is written down or scripted`, evidence: b.backups, linked };
  }
  if (b.selfHosted.length) return { status: 'FAIL', notes: `${list(b.selfHosted.map((s) => s.label))} is run by this repository and nothing backs it up`, evidence: b.selfHosted.map((s) => s.at), linked };
  return {
    status: 'UNKNOWN',
    notes: b.managedUnknown.length ? `${list(b.managedUnknown.map((m) => m.label))}: backup settings not in the repository` : 'the database is reached through a connection string; where it runs and how it is backed up is not in the repository',
    evidence: b.managedUnknown,
    howToKnow: "Check that the database provider's automated backups (and point-in-time recovery) are on, and that a restore has been tested; or document the procedure in docs/.",
  };
}

function databaseMigrations(ctx: Context): Judgement {
  const m = migrationView(ctx.ops);
  if (!m.relational) return { status: 'N/A', notes: 'no relational database' };
  const linked = byRule(ctx, 'database-migrations-missing', 'migrations-not-run-on-deploy');
  if (m.histories.length) {
    const histories = list(m.histories.map((h) => h.label));
    const gaps: string[] = [];
    if (!m.runs.length) gaps.push('nothing in the repository applies them on deploy');
    if (m.atStartup.length) gaps.push(`the app also creates tables itself (${formatAt(m.atStartup[0].at)})`);
    return { status: gaps.length ? 'PARTIAL' : 'PASS', notes: `${histories}${m.runs.length ? `; ${list(m.runs.map((r) => r.label))}` : ''}${gaps.length ? `. Gaps: ${gaps.join('; ')}` : ''}`, evidence: [...m.histories, ...m.runs, ...m.atStartup], linked };
  }
  const defined = [...m.models.map((x) => x.label), ...m.schemaFiles.map((x) => x.label), ...m.atStartup.map((x) => x.label)];
  if (m.empty.length) return { status: 'FAIL', notes: `${list(m.empty.map((e) => e.label))}${defined.length ? `; ${list(defined)}` : ''}`, evidence: [...m.empty, ...m.models, ...m.schemaFiles], linked };
  if (defined.length) return { status: 'FAIL', notes: `${list(defined)}, and no migration tool or history`, evidence: [...m.models, ...m.schemaFiles, ...m.atStartup], linked };
  return { status: 'UNKNOWN', notes: 'the app queries a relational database whose tables are defined outside the repository', evidence: ctx.ops.data.databases, howToKnow: 'Find where the schema is defined and changed (another repository, a DBA process), and whether those changes are versioned.' };
}

function gracefulShutdown(ctx: Context): Judgement {
  if (runsAsFunctionsOnly(ctx.ops)) return { status: 'N/A', notes: `runs as functions (${list(ctx.deployment.managed.map((p) => p.label))}): the platform starts and stops each invocation` };
  const services = shutdownByService(ctx.ops);
  if (!services.length) return { status: 'N/A', notes: 'no service' };
  const ok = (v: string) => v === 'handled' || v === 'framework';
  const bad = (v: string) => v === 'missing' || v === 'blocked';
  const linked = byRule(ctx, 'graceful-shutdown-missing');
  const notes = services.map((s) => s.detail).join('; ');
  const evidence = services.flatMap((s) => [...s.handlers, s.blockedBy?.at, s.entry?.at]);
  if (services.every((s) => ok(s.verdict))) return { status: 'PASS', notes, evidence };
  if (services.every((s) => bad(s.verdict))) return { status: 'FAIL', notes, evidence, linked };
  if (services.every((s) => s.verdict === 'unknown'))
    return { status: 'UNKNOWN', notes, evidence, howToKnow: 'Check the production start command (Dockerfile CMD, Procfile, platform start command): a server that drains requests on SIGTERM (gunicorn, uvicorn) and an app that closes its connections on shutdown.' };
  return { status: 'PARTIAL', notes, evidence, linked };
}

function ciCd(ctx: Context): Judgement {
  const ci = ciView(ctx.ops);
  if (!ci.pipelines.length) return { status: 'FAIL', notes: 'no CI/CD pipeline (GitHub Actions, GitLab CI, CircleCI, Jenkins …): nothing tests or checks a change before it ships', linked: byRule(ctx, 'ci-pipeline-missing') };
  const providers = [...new Set(ci.pipelines.map((p) => CI_PROVIDER_NAMES[p.provider]))];
  const files = ci.pipelines.map((p) => p.file);
  if (ci.opaqueOnly)
    return {
      status: 'UNKNOWN',
      notes: `${list(files)} only call shared workflows or templates (${list([...new Set(ci.pipelines.flatMap((p) => p.jobs.flatMap((j) => j.opaque)))])})`,
      evidence: ci.pipelines.map((p) => p.at),
      howToKnow: 'Read the shared workflows the pipeline calls and check they run the tests, linters and a security scan.',
    };
  const tools = (steps: typeof ci.tests, kind: string) => [...new Set(steps.flatMap((s) => s.tools.filter((t) => t.kind === kind).map((t) => t.tool)))];
  const done: string[] = [];
  const gaps: string[] = [];
  if (ci.tests.length) done.push(`runs tests (${list(tools(ci.tests, 'test'))})`);
  else gaps.push(ci.testsExist ? 'never runs the tests' : 'runs no tests (there are none)');
  if (ci.lint.length || ci.typecheck.length) done.push([ci.lint.length ? `lints (${list(tools(ci.lint, 'lint'))})` : '', ci.typecheck.length ? `type-checks (${list(tools(ci.typecheck, 'typecheck'))})` : ''].filter(Boolean).join(', '));
  else gaps.push('no lint or type check');
  if (ci.security.length) done.push(`scans for vulnerabilities (${list(tools(ci.security, 'security'))})`);
  else gaps.push('no security scan');
  const ungated = ci.ungatedProduction;
  if (ci.deploys.length) done.push(`deploys (${list([...new Set(ci.deploys.map((d) => d.deploy.tools.find((t) => t.kind === 'deploy')?.tool ?? 'deploy'))])})${ci.deploys.some((d) => d.gate) ? ` behind ${list([...new Set(ci.deploys.filter((d) => d.gate).map((d) => d.gate!))])}` : ''}`);
  if (ungated.length) gaps.push(`deploys without an approval gate (${list(ungated.map((d) => `job \`${d.job.id}\` in ${d.job.file}`))})`);
  const status: ScorecardStatus = gaps.length === 0 ? 'PASS' : 'PARTIAL';
  return {
    status,
    notes: `${list(providers)} (${list(files)}): ${done.join('; ') || 'no recognised checks'}${gaps.length ? `. Gaps: ${gaps.join('; ')}` : ''}`,
    evidence: [...ci.pipelines.map((p) => p.at), ...ci.tests, ...ci.lint, ...ci.typecheck, ...ci.security, ...ci.deploys.map((d) => d.deploy)].map((x) => ('at' in x ? x.at : x)),
  };
}
