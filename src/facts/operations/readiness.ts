/**
 * Judgements over the operations facts that a scorecard row and its rule share, so the row and
 * the finding can never disagree: per service, what error tracking, metrics, logging, health
 * endpoints and shutdown handling it has; what the repository says about where the app runs and
 * how it scales; what CI does; where the data lives and how it is backed up and migrated.
 */
import type { Location } from '../../model/finding.ts';
import type { ParsedFile } from '../../model/parsed-file.ts';
import { ciDeployJobs, ciStepsOfKind, type CiFacts, type CiJob, type CiPipeline, type CiStep } from '../ci-pipelines.ts';
import { testInventory, type TestFile } from '../test-inventory.ts';
import type { DataFacts, MigrationHistory } from './data.ts';
import { BUILDS_FROM_SOURCE, MANAGED_PLATFORMS, ORCHESTRATORS, type ComposeFact, type DockerfileFact, type Entrypoint, type PlatformFact, type ScalingFact } from './deployment.ts';
import type { OperationsFacts } from './index.ts';
import type { HealthEndpoint, ToolUse } from './observability.ts';
import { serviceOf, type ServiceUnit } from './services.ts';
import { baseName, dirOf, isWithin, type Signal } from './signals.ts';

/** Signals that belong to a service: in its folder, or in shared files outside every service folder. */
export function signalsOf<S extends Signal>(signals: S[], service: ServiceUnit, services: ServiceUnit[]): S[] {
  return signals.filter((s) => {
    const owner = serviceOf(s.at.file, services);
    return owner ? owner === service : true;
  });
}

// ---- deployment ----

export interface DeploymentView {
  /** Production Dockerfiles that run something. */
  images: DockerfileFact[];
  orchestrators: PlatformFact[];
  managed: PlatformFact[];
  /** Platforms that build the app from source (no image needed). */
  buildFromSource: PlatformFact[];
  /** Terraform, Pulumi, CloudFormation. */
  infrastructureAsCode: PlatformFact[];
  productionCompose: ComposeFact[];
  developmentCompose: ComposeFact[];
  /** Compose files that are, as far as the repository shows, how the app is deployed: production files, or a development stack that is the only definition. */
  composeAsDeployment: ComposeFact[];
  /** Compose services built from a folder without the Dockerfile they name. */
  missingDockerfiles: { compose: ComposeFact; service: string; dockerfile: string; at: Location }[];
  /** Anything that says where and how the app runs in production. */
  anyDefinition: boolean;
}

export function deploymentView(ops: OperationsFacts): DeploymentView {
  const d = ops.deployment;
  const images = d.dockerfiles.filter((f) => !f.development && f.runs);
  const orchestrators = d.platforms.filter((p) => ORCHESTRATORS.has(p.kind));
  const managed = d.platforms.filter((p) => MANAGED_PLATFORMS.has(p.kind));
  const buildFromSource = d.platforms.filter((p) => BUILDS_FROM_SOURCE.has(p.kind));
  const infrastructureAsCode = d.platforms.filter((p) => p.kind === 'terraform' || p.kind === 'pulumi' || p.kind === 'cloudformation');
  const productionCompose = d.compose.filter((c) => c.production);
  const developmentCompose = d.compose.filter((c) => c.development);
  const onlyCompose = !images.length && !orchestrators.length && !managed.length && !infrastructureAsCode.length;
  const composeAsDeployment = [...productionCompose, ...(onlyCompose && !productionCompose.length ? developmentCompose : [])];
  const missingDockerfiles: DeploymentView['missingDockerfiles'] = [];
  for (const compose of d.compose)
    for (const built of compose.built)
      if (!ops.files.get(built.dockerfile) && !ops.files.all.some((f) => f.kind === 'dockerfile' && dirOf(f.path) === built.context))
        missingDockerfiles.push({ compose, service: built.service.name, dockerfile: built.dockerfile, at: built.at });
  return {
    images,
    orchestrators,
    managed,
    buildFromSource,
    infrastructureAsCode,
    productionCompose,
    developmentCompose,
    composeAsDeployment,
    missingDockerfiles,
    anyDefinition: images.length > 0 || d.platforms.length > 0,
  };
}

/** Function platforms (Lambda, Vercel, Netlify functions) run the app per request: no long-running server to probe or shut down. */
const FUNCTION_PLATFORMS = new Set(['serverless', 'vercel', 'netlify']);

export function runsAsFunctionsOnly(ops: OperationsFacts): boolean {
  const d = deploymentView(ops);
  return d.managed.length > 0 && d.managed.every((p) => FUNCTION_PLATFORMS.has(p.kind)) && !d.images.length && !d.orchestrators.length;
}

/** Autoscalers, fixed replica counts and single-replica workloads no autoscaler covers. */
export function scalingView(ops: OperationsFacts): { autoscalers: ScalingFact[]; byDefault: ScalingFact[]; fixed: ScalingFact[]; single: ScalingFact[] } {
  const all = ops.deployment.scaling;
  const autoscalers = all.filter((s) => s.autoscaling && !s.byDefault);
  const byDefault = all.filter((s) => s.autoscaling && s.byDefault);
  const covered = new Set(autoscalers.map((a) => a.scaleTarget).filter((t): t is string => !!t));
  const fixed = all.filter((s) => !s.autoscaling && s.replicas !== undefined && !(s.name && covered.has(s.name)));
  return { autoscalers, byDefault, fixed, single: fixed.filter((s) => s.replicas === 1) };
}

// ---- observability ----

export interface ServiceTools {
  service: ServiceUnit;
  /** Initialised in code (or by a launcher) for the server side. */
  tools: ToolUse[];
  /** Declared as dependencies but initialised nowhere in the service. */
  declaredOnly: ToolUse[];
  /** Initialised in browser code only. */
  clientOnly: ToolUse[];
  /** Instrumentation that covers the need only in part (OpenTelemetry for errors, Sentry traces for metrics). */
  partial: ToolUse[];
}

/** Error tracking per service. */
export function errorTrackingByService(ops: OperationsFacts): ServiceTools[] {
  const { services } = ops;
  const { tools, declared } = ops.observability;
  return services.map((service) => {
    const mine = signalsOf(tools, service, services);
    const full = mine.filter((t) => t.covers.includes('errors') && !t.clientOnly);
    const partial = mine.filter((t) => t.tool === 'opentelemetry');
    const clientOnly = mine.filter((t) => t.covers.includes('errors') && t.clientOnly);
    const declaredOnly = signalsOf(declared, service, services).filter((d) => d.covers.includes('errors') && !mine.some((t) => t.tool === d.tool));
    return { service, tools: full, declaredOnly, clientOnly, partial };
  });
}

/** Metrics and APM per service (Sentry performance traces count as partial). Next.js front ends are left to their platform unless instrumented. */
export function monitoringByService(ops: OperationsFacts): (ServiceTools & { definedOnly: Signal[] })[] {
  const { services } = ops;
  const { tools, declared, metricsDefined } = ops.observability;
  const backends = services.filter((s) => s.framework !== 'nextjs' || signalsOf(tools, s, services).some((t) => t.covers.includes('metrics')));
  return backends.map((service) => {
    const mine = signalsOf(tools, service, services).filter((t) => !t.clientOnly);
    const full = mine.filter((t) => t.covers.includes('metrics'));
    const partial = mine.filter((t) => (t.covers.includes('tracing') && !t.covers.includes('metrics')) || (t.tool === 'sentry' && t.tracing));
    const declaredOnly = signalsOf(declared, service, services).filter((d) => d.covers.includes('metrics') && !mine.some((t) => t.tool === d.tool));
    return { service, tools: full, declaredOnly, clientOnly: [], partial, definedOnly: full.length ? [] : signalsOf(metricsDefined, service, services) };
  });
}

/** Structured and plain logging per service. Next.js front ends are not asked for JSON logs. */
export function loggingByService(ops: OperationsFacts): { service: ServiceUnit; structured: Signal[]; plain: Signal[] }[] {
  const { services } = ops;
  const { structuredLogging, plainLogging } = ops.observability;
  return services
    .map((service) => ({ service, structured: signalsOf(structuredLogging, service, services), plain: signalsOf(plainLogging, service, services) }))
    .filter((l) => l.service.framework !== 'nextjs' || l.structured.length);
}

// ---- health ----

export interface ServiceHealth {
  service: ServiceUnit;
  endpoints: HealthEndpoint[];
}

export function healthByService(ops: OperationsFacts): ServiceHealth[] {
  const { services } = ops;
  const endpoints = ops.observability.healthEndpoints;
  return services.map((service) => ({ service, endpoints: endpoints.filter((e) => (serviceOf(e.at.file, services) ?? service) === service) }));
}

/**
 * Probes that request a path the app does not serve (the HEALTHCHECK asks for `/healthz`, the app
 * answers `/health`): the container is reported unhealthy forever. Only judged for services whose
 * routes shipgate extracts, and a path that appears anywhere in the service's code is given the
 * benefit of the doubt.
 */
export function probesWithoutRoute(ops: OperationsFacts): { probe: Signal & { path?: string }; path: string; service: ServiceUnit }[] {
  const { services } = ops;
  const out: { probe: Signal & { path?: string }; path: string; service: ServiceUnit }[] = [];
  const normal = (p: string) => p.replace(/\/+$/, '') || '/';
  for (const probe of ops.deployment.probes) {
    if (!probe.path || probe.path.includes('{{') || probe.path.includes('$')) continue;
    const service = serviceOf(probe.at.file, services) ?? (services.length === 1 ? services[0] : undefined);
    if (!service || service.framework === 'nextjs' || !['fastapi', 'flask', 'django', 'starlette', 'aiohttp', 'express'].includes(service.framework)) continue;
    const routes = ops.index.routes.filter((r) => isWithin(r.at.file, service.root));
    if (routes.length < 2) continue;
    const path = normal(probe.path.split('?')[0]);
    // A route whose mount prefix could not be resolved (`prefix=settings.API_V1_STR`) still serves the probe's path if it ends it.
    const serves = (routePath: string) => normal(routePath) === path || (normal(routePath).length > 1 && path.endsWith(normal(routePath)));
    const served = routes.some((r) => serves(r.path)) || ops.observability.healthEndpoints.some((e) => serves(e.path));
    if (served) continue;
    const literal = new RegExp(`['"\`]${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?['"\`]`);
    const mentioned = ops.files.all.some((f) => (f.kind === 'python' || f.kind === 'js') && isWithin(f.path, service.root) && !f.isTest && literal.test(f.text));
    if (!mentioned) out.push({ probe, path, service });
  }
  return out;
}

// ---- shutdown ----

export type ShutdownVerdict = 'handled' | 'framework' | 'server-default' | 'abrupt' | 'missing' | 'blocked' | 'unknown';

export interface ServiceShutdown {
  service: ServiceUnit;
  verdict: ShutdownVerdict;
  handlers: Signal[];
  entry?: Entrypoint;
  /** The server the entry runs, after following `python app.py` into the script. */
  server?: Entrypoint['server'];
  /** Why SIGTERM never reaches the app, and where. */
  blockedBy?: { at: Location; reason: string };
  /** Plain words for the row's notes. */
  detail: string;
}

const DRAINING_SERVERS = new Set(['gunicorn', 'uvicorn', 'hypercorn', 'daphne', 'granian', 'waitress', 'uwsgi']);

export function shutdownByService(ops: OperationsFacts): ServiceShutdown[] {
  const { services } = ops;
  const entries = ops.deployment.entrypoints.filter((e) => !e.release);
  return services.map((service): ServiceShutdown => {
    const handlers = signalsOf(ops.observability.shutdownHandlers, service, services);
    const mine = entries.filter((e) => isWithin(e.at.file, service.root) || (services.length === 1 && !serviceOf(e.at.file, services)));
    const entry = mine.find((e) => e.source === 'dockerfile') ?? mine.find((e) => e.source !== 'package-json') ?? mine[0];
    const blockedBy = entry ? signalBlocker(entry, ops.files.get(entry.script ?? '')) : undefined;
    if (service.framework === 'nextjs') return { service, verdict: 'framework', handlers, entry, detail: `${service.name}: \`next start\` closes the server on SIGTERM itself` };
    if (blockedBy) return { service, verdict: 'blocked', handlers, entry, blockedBy, detail: `${service.name}: ${blockedBy.reason}` };
    const closing = handlers.filter((h) => h.kind !== 'signal-handler-exit' && h.kind !== 'atexit');
    if (service.language === 'node') {
      if (closing.length) return { service, verdict: 'handled', handlers, entry, detail: `${service.name}: ${closing[0].label}` };
      if (handlers.length) return { service, verdict: 'abrupt', handlers, entry, detail: `${service.name}: ${handlers[0].label} exits without closing the server` };
      return { service, verdict: 'missing', handlers, entry, detail: `${service.name}: no SIGTERM handler; in-flight requests are cut off on every deploy` };
    }
    const server = entry?.server === 'python' ? pythonScriptServer(ops, entry) : entry?.server;
    if (closing.length && (!server || DRAINING_SERVERS.has(server))) return { service, verdict: 'handled', handlers, entry, detail: `${service.name}: ${closing.map((h) => h.label).join('; ')}${entry?.gracefulTimeout ? `; graceful timeout set in ${entry.at.file}:${entry.at.startLine}` : ''}` };
    if (server && DRAINING_SERVERS.has(server)) {
      if (entry?.gracefulTimeout) return { service, verdict: 'handled', handlers, entry, detail: `${service.name}: ${server} drains requests with a graceful timeout (${entry.at.file}:${entry.at.startLine})` };
      return { service, verdict: 'server-default', handlers, entry, detail: `${service.name}: relies on ${server}'s default drain (${entry!.at.file}:${entry!.at.startLine}); no shutdown hook or graceful timeout` };
    }
    if (server === 'flask-dev' || server === 'django-dev' || server === 'python')
      return { service, verdict: 'missing', handlers, entry, server, detail: `${service.name}: \`${entry!.command}\` runs ${server === 'python' ? 'a plain Python process' : 'the development server'} that does not handle SIGTERM (${entry!.at.file}:${entry!.at.startLine})` };
    if (closing.length) return { service, verdict: 'handled', handlers, entry, detail: `${service.name}: ${closing[0].label}` };
    if (entry) return { service, verdict: 'unknown', handlers, entry, detail: `${service.name}: started with \`${entry.command.slice(0, 60)}\` (${entry.at.file}:${entry.at.startLine}), a command whose signal handling shipgate cannot tell, and no shutdown hook in the code` };
    return { service, verdict: 'unknown', handlers, entry, detail: `${service.name}: how it is started in production is not in the repository` };
  });
}

/** `CMD uvicorn …` in shell form, or an entrypoint script that starts the server without `exec`: SIGTERM stops at the shell. */
function signalBlocker(entry: Entrypoint, script: ParsedFile | undefined): { at: Location; reason: string } | undefined {
  if (entry.source === 'dockerfile' && entry.shellForm && !/^\s*exec\s/.test(entry.command) && !/\b(tini|dumb-init)\b/.test(entry.command))
    return { at: entry.at, reason: `\`${entry.command.slice(0, 60)}\` is in shell form, so /bin/sh is PID 1 and does not pass SIGTERM on to the app (${entry.at.file}:${entry.at.startLine})` };
  if (script && entry.source === 'dockerfile' && !/\b(tini|dumb-init)\b/.test(entry.command)) {
    const lines = script.text.split('\n');
    const last = [...lines.entries()].reverse().find(([, l]) => l.trim() && !/^\s*(#|fi\b|done\b|esac\b|\}|set\s)/.test(l));
    if (last && !/^\s*exec\b/.test(last[1]) && /\b(gunicorn|uvicorn|hypercorn|daphne|node|python|npm|yarn|pnpm|flask|granian)\b/.test(last[1]) && !/&\s*$/.test(last[1]))
      return { at: script.locateLines(last[0] + 1), reason: `${script.path} starts the server without \`exec\`, so the script's shell keeps PID 1 and SIGTERM never reaches the app (${script.path}:${last[0] + 1})` };
  }
  return undefined;
}

/** `python app.py` where app.py hands over to a server that handles SIGTERM (`uvicorn.run`, `web.run_app`). */
function pythonScriptServer(ops: OperationsFacts, entry: Entrypoint): Entrypoint['server'] {
  const script = /(\S+\.py)\b/.exec(entry.command)?.[1];
  const dir = dirOf(entry.at.file);
  const file = script ? (ops.files.get(dir ? `${dir}/${script}` : script) ?? ops.files.all.find((f) => baseName(f.path) === baseName(script) && !f.isTest)) : undefined;
  if (file && /\buvicorn\.run\(|\bweb\.run_app\(|\bhypercorn\b|\bwaitress\.serve\(|\bgranian\b/.test(file.text)) return 'uvicorn';
  if (file && /\.run\([^)]*\)/.test(file.text) && /\bFlask\(|\bQuart\(/.test(file.text)) return 'flask-dev';
  return 'python';
}

// ---- CI ----

/** Jobs, environments and files that deploy somewhere other than production. */
const NOT_PRODUCTION = /\b(stag(e|ing)|preview|review|dev(elop(ment)?)?|test(ing)?|qa|sandbox|demo|pr)\b|[-_](stag(e|ing)|preview|dev|qa)\b/i;

export interface CiView {
  pipelines: CiPipeline[];
  tests: CiStep[];
  lint: CiStep[];
  typecheck: CiStep[];
  security: CiStep[];
  deploys: { pipeline: CiPipeline; job: CiJob; deploy: CiStep; gate?: string; afterTests: boolean }[];
  /** Deploys to production that nothing holds back for a person (staging, preview and pull-request deploys excluded). */
  ungatedProduction: CiView['deploys'];
  /** The pipeline a finding about CI as a whole is anchored on: the one that runs tests, else one triggered by pushes. */
  primary?: CiPipeline;
  /** Every job only calls shared workflows, orbs or templates shipgate cannot read. */
  opaqueOnly: boolean;
  /** Test files CI should run exist in the repository (load scenarios aside). */
  testsExist: boolean;
}

/** Test files CI is expected to run: every test of the inventory but load scenarios (run against a deployment, not on each push). */
export function runnableTests(ops: OperationsFacts): TestFile[] {
  return testInventory(ops.index, ops.files).tests.filter((t) => t.level !== 'load');
}

export function ciView(ops: OperationsFacts): CiView {
  const ci: CiFacts = ops.ci;
  const jobs = ci.pipelines.flatMap((p) => p.jobs);
  const classified = ci.steps.filter((s) => s.kinds.length);
  const deploys = ciDeployJobs(ci);
  const ungatedProduction = deploys.filter((d) => {
    if (d.gate) return false;
    const triggers = d.pipeline.triggers.filter((t) => t !== 'manual');
    if (!triggers.length || triggers.every((t) => t === 'pull_request' || t === 'merge_request' || t === 'pull_request_target')) return false;
    return !NOT_PRODUCTION.test(d.job.id) && !NOT_PRODUCTION.test(d.deploy.text) && !NOT_PRODUCTION.test(d.pipeline.file.replace(/^.*\//, ''));
  });
  const primary =
    ci.pipelines.find((p) => p.jobs.some((j) => j.steps.some((st) => st.kinds.includes('test')))) ??
    ci.pipelines.find((p) => p.triggers.some((t) => t === 'push' || t === 'pull_request' || t === 'merge_request')) ??
    ci.pipelines[0];
  return {
    pipelines: ci.pipelines,
    ungatedProduction,
    ...(primary ? { primary } : {}),
    tests: ciStepsOfKind(ci, 'test'),
    lint: ciStepsOfKind(ci, 'lint'),
    typecheck: ciStepsOfKind(ci, 'typecheck'),
    security: ciStepsOfKind(ci, 'security'),
    deploys,
    opaqueOnly: jobs.length > 0 && !classified.length && jobs.some((j) => j.opaque.length),
    testsExist: runnableTests(ops).length > 0,
  };
}

// ---- data ----

export interface BackupView {
  /** Whether the service keeps data worth backing up. */
  relevant: boolean;
  /** Databases the repository runs itself (compose services that are the deployment, StatefulSets), with no managed alternative. */
  selfHosted: { engine: string; label: string; at: Location }[];
  /** Managed databases whose backups are explicitly off. */
  disabled: (Signal & { engine: string })[];
  /** Managed databases with backups or point-in-time recovery on. */
  managedWithBackups: (Signal & { backupRetention?: number })[];
  /** Managed databases whose backup settings the repository does not show. */
  managedUnknown: Signal[];
  backups: Signal[];
  restores: Signal[];
}

const KUBE_DATASTORE = /(postgres|mysql|mariadb|mongo|redis-stack|elasticsearch|opensearch|qdrant|cassandra|clickhouse)/;

export function backupView(ops: OperationsFacts): BackupView {
  const d = ops.deployment;
  const data: DataFacts = ops.data;
  const view = deploymentView(ops);
  const selfHosted: BackupView['selfHosted'] = [];
  for (const compose of view.composeAsDeployment)
    for (const ds of compose.datastores) if (ds.engine !== 'data store' || ds.volume) selfHosted.push({ engine: ds.engine, label: `\`${ds.service.name}\` (${ds.image}${ds.volume ? `, volume \`${ds.volume}\`` : ''}) in ${compose.file.path}`, at: ds.at });
  for (const workload of d.workloads) {
    if (workload.kind !== 'StatefulSet') continue;
    const image = /image:\s*["']?([^\s"']+)/.exec(workload.file.text)?.[1] ?? '';
    if (KUBE_DATASTORE.test(image)) selfHosted.push({ engine: image.split(':')[0], label: `StatefulSet \`${workload.name}\` (${image})`, at: workload.file.locateLines(workload.file.position(workload.root.range?.[0] ?? 0).line) });
  }
  const sqlite = data.databases.filter((db) => db.engine === 'SQLite');
  if (sqlite.length && !selfHosted.length) selfHosted.push({ engine: 'SQLite', label: `SQLite database file (${sqlite[0].label})`, at: sqlite[0].at });
  const disabled = d.managedDatabases.filter((m) => m.backupRetention === 0);
  const managedWithBackups = d.managedDatabases.filter((m) => (m.backupRetention ?? 0) > 0 || m.pointInTimeRecovery);
  const managedUnknown = d.managedDatabases.filter((m) => m.backupRetention === undefined && !m.pointInTimeRecovery);
  const relevant = data.databases.length > 0 || selfHosted.length > 0 || d.managedDatabases.length > 0 || d.compose.some((c) => c.datastores.length > 0);
  return { relevant, selfHosted, disabled, managedWithBackups, managedUnknown, backups: data.backups, restores: data.restores };
}

export interface MigrationView {
  /** The app uses a relational database (a driver, an ORM, models or schema files). */
  relational: boolean;
  histories: MigrationHistory[];
  /** Migration tools configured with no revisions. */
  empty: MigrationHistory[];
  runs: Signal[];
  models: DataFacts['models'];
  schemaFiles: DataFacts['schemaFiles'];
  atStartup: Signal[];
}

export function migrationView(ops: OperationsFacts): MigrationView {
  const data = ops.data;
  const histories = data.migrations.filter((m) => m.revisions > 0);
  return {
    relational: data.databases.some((d) => d.relational) || data.models.length > 0 || data.schemaFiles.length > 0 || data.migrations.length > 0,
    histories,
    empty: data.migrations.filter((m) => m.revisions === 0 && !histories.some((h) => h.tool === m.tool || h.tool.includes('Alembic') && m.tool.includes('Alembic'))),
    runs: data.migrationRuns,
    models: data.models,
    schemaFiles: data.schemaFiles,
    atStartup: data.schemaAtStartup,
  };
}
