/**
 * What the running service tells its operators, read from the code: metrics and APM
 * instrumentation (Prometheus, OpenTelemetry, Datadog, New Relic, StatsD …), error tracking
 * (Sentry, Rollbar, Bugsnag, Honeybadger …) — initialised in code, or only declared as a
 * dependency — structured logging (structlog, python-json-logger, JSON formatters, pino,
 * winston JSON, bunyan), alert rules as code (Prometheus rules, Alertmanager, Grafana,
 * Terraform monitors), health endpoints and what they check, and shutdown handling.
 */
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Dependency, Route } from '../../model/repo-index.ts';
import { describeJsCall, jsObjectProperty, jsStringValue } from '../../parse/js-syntax.ts';
import { describePyCall, pyImports, pyQualifiedName } from '../../parse/python-syntax.ts';
import { findAllIn, findCallsByCallee } from '../../parse/syntax.ts';
import { hclBlocks } from '../../parse/hcl-blocks.ts';
import { findLocalDeclaration, jsModuleInfo, jsQualifiedName } from '../routes/js-modules.ts';
import { seqItems, yamlEntries, yamlGet, yamlScalar } from '../yaml-nodes.ts';
import { baseName, matchLines, signalAt, sortSignals, type Signal } from './signals.ts';

export type Coverage = 'metrics' | 'errors' | 'tracing';

interface ToolSpec {
  id: string;
  name: string;
  covers: Coverage[];
  pypi?: RegExp;
  npm?: RegExp;
  /** Qualified Python calls that initialise it. */
  py?: RegExp;
  /** Qualified JS calls or constructions that initialise it. */
  js?: RegExp;
  /** Side-effect imports that initialise it. */
  pyImport?: RegExp;
  jsImport?: RegExp;
  /** A launcher in the start command (`ddtrace-run`, `newrelic-admin run-program`). */
  command?: RegExp;
  /** Django INSTALLED_APPS / MIDDLEWARE entry that enables it. */
  django?: RegExp;
  /** Literal pre-filter. */
  literals: string[];
}

/** The instrumentation libraries shipgate recognises, with how each is switched on. */
const TOOLS: ToolSpec[] = [
  {
    id: 'sentry',
    name: 'Sentry',
    covers: ['errors'],
    pypi: /^sentry-sdk$/,
    npm: /^@sentry\/(node|nextjs|bun|nestjs|aws-serverless|google-cloud-serverless|serverless|remix|sveltekit|astro|deno|cloudflare)$/,
    py: /^sentry_sdk\.init$/,
    js: /^@sentry\/(node|nextjs|bun|nestjs|aws-serverless|google-cloud-serverless|serverless|remix|sveltekit|astro|deno|cloudflare)\.init$/,
    literals: ['sentry'],
  },
  { id: 'rollbar', name: 'Rollbar', covers: ['errors'], pypi: /^rollbar$/, npm: /^rollbar$/, py: /^rollbar\.init$/, js: /^rollbar(\.init)?$/, literals: ['ollbar'] },
  { id: 'bugsnag', name: 'Bugsnag', covers: ['errors'], pypi: /^bugsnag$/, npm: /^@bugsnag\/(js|node)$/, py: /^bugsnag\.configure$/, js: /^@bugsnag\/(js|node)\.start$/, literals: ['ugsnag'] },
  { id: 'honeybadger', name: 'Honeybadger', covers: ['errors'], pypi: /^honeybadger$/, npm: /^@honeybadger-io\/js$/, py: /^honeybadger\.(honeybadger\.)?configure$/, js: /^@honeybadger-io\/js\.configure$/, django: /honeybadger\.contrib/, literals: ['oneybadger'] },
  { id: 'airbrake', name: 'Airbrake', covers: ['errors'], pypi: /^pybrake$/, npm: /^@airbrake\/node$/, py: /^pybrake\.Notifier$/, js: /^@airbrake\/node\.Notifier$/, literals: ['brake'] },
  { id: 'raygun', name: 'Raygun', covers: ['errors'], pypi: /^raygun4py$/, npm: /^raygun$/, py: /^raygun4py\.raygunprovider\.RaygunSender$/, js: /^raygun\.Client$/, literals: ['aygun'] },
  { id: 'gcp-error-reporting', name: 'Google Cloud Error Reporting', covers: ['errors'], pypi: /^google-cloud-error-reporting$/, npm: /^@google-cloud\/error-reporting$/, py: /^google\.cloud\.error_reporting\.Client$/, js: /^@google-cloud\/error-reporting\.ErrorReporting$/, literals: ['error_reporting', 'error-reporting'] },
  {
    id: 'datadog',
    name: 'Datadog APM',
    covers: ['errors', 'metrics', 'tracing'],
    pypi: /^ddtrace$/,
    npm: /^dd-trace$/,
    py: /^ddtrace\.(patch_all|patch|tracer\.configure)$/,
    pyImport: /^ddtrace\.auto$/,
    js: /^dd-trace\.init$/,
    jsImport: /^dd-trace\/init$/,
    command: /\bddtrace-run\b/,
    literals: ['ddtrace', 'dd-trace'],
  },
  {
    id: 'newrelic',
    name: 'New Relic',
    covers: ['errors', 'metrics', 'tracing'],
    pypi: /^newrelic$/,
    npm: /^newrelic$/,
    py: /^newrelic\.agent\.(initialize|register_application)$/,
    jsImport: /^newrelic$/,
    command: /\bnewrelic-admin\s+run-program\b/,
    literals: ['newrelic'],
  },
  {
    id: 'elastic-apm',
    name: 'Elastic APM',
    covers: ['errors', 'metrics', 'tracing'],
    pypi: /^elastic-apm$/,
    npm: /^elastic-apm-node$/,
    py: /^elasticapm\.(Client|contrib\.\w+\.(ElasticAPM|make_apm_client))$/,
    js: /^elastic-apm-node\.start$/,
    django: /elasticapm\.contrib\.django/,
    literals: ['elasticapm', 'elastic-apm'],
  },
  {
    id: 'azure-monitor',
    name: 'Azure Monitor / Application Insights',
    covers: ['errors', 'metrics', 'tracing'],
    pypi: /^(azure-monitor-opentelemetry|opencensus-ext-azure|applicationinsights)$/,
    npm: /^(applicationinsights|@azure\/monitor-opentelemetry)$/,
    py: /^azure\.monitor\.opentelemetry\.configure_azure_monitor$/,
    js: /^applicationinsights\.setup$|^@azure\/monitor-opentelemetry\.useAzureMonitor$/,
    literals: ['azure', 'applicationinsights'],
  },
  {
    id: 'logfire',
    name: 'Logfire',
    covers: ['errors', 'metrics', 'tracing'],
    pypi: /^logfire$/,
    py: /^logfire\.(configure|instrument_[a-z_]+)$/,
    literals: ['logfire'],
  },
  {
    id: 'opentelemetry',
    name: 'OpenTelemetry',
    covers: ['tracing', 'metrics'],
    pypi: /^opentelemetry-(sdk|distro|instrumentation(-[\w-]+)?)$/,
    npm: /^@opentelemetry\/(sdk-node|sdk-trace-node|auto-instrumentations-node)$|^@vercel\/otel$/,
    py: /^opentelemetry\.(sdk\.trace\.TracerProvider|sdk\.metrics\.MeterProvider|trace\.set_tracer_provider|metrics\.set_meter_provider|instrumentation\.[\w.]+\.instrument(_app)?)$/,
    js: /^@opentelemetry\/sdk-node\.NodeSDK$|^@opentelemetry\/instrumentation\.registerInstrumentations$|^@vercel\/otel\.registerOTel$|^@opentelemetry\/sdk-trace-node\.NodeTracerProvider$/,
    jsImport: /^@opentelemetry\/auto-instrumentations-node\/register$/,
    command: /\bopentelemetry-instrument\b/,
    literals: ['opentelemetry', 'otel', 'Instrumentor'],
  },
  {
    id: 'prometheus',
    name: 'Prometheus',
    covers: ['metrics'],
    pypi: /^(prometheus-client|prometheus-fastapi-instrumentator|starlette-exporter|starlette-prometheus|prometheus-flask-exporter|django-prometheus|aioprometheus)$/,
    npm: /^(prom-client|express-prom-bundle|fastify-metrics|@willsoto\/nestjs-prometheus)$/,
    py: /^(prometheus_client\.(make_asgi_app|make_wsgi_app|start_http_server|start_wsgi_server|generate_latest|exposition\.\w+)|prometheus_fastapi_instrumentator\.Instrumentator|starlette_exporter\.(PrometheusMiddleware|handle_metrics)|starlette_prometheus\.(PrometheusMiddleware|metrics)|prometheus_flask_exporter\.(PrometheusMetrics|\w+\.\w*PrometheusMetrics)|aioprometheus\.(MetricsMiddleware|render))$/,
    js: /^prom-client\.(collectDefaultMetrics|register\.metrics|Registry)$|^express-prom-bundle$|^fastify-metrics$|^@willsoto\/nestjs-prometheus\.PrometheusModule\.register$/,
    django: /django_prometheus/,
    literals: ['prometheus', 'prom-client', 'prom-bundle', 'fastify-metrics', 'Instrumentator'],
  },
  {
    id: 'statsd',
    name: 'StatsD',
    covers: ['metrics'],
    pypi: /^(statsd|datadog)$/,
    npm: /^(hot-shots|node-statsd|statsd-client)$/,
    py: /^(statsd\.StatsClient|datadog\.(initialize|DogStatsd|dogstatsd\.DogStatsd|statsd\.\w+))$/,
    js: /^(hot-shots|hot-shots\.StatsD|node-statsd|statsd-client)$/,
    literals: ['statsd', 'StatsD', 'datadog', 'hot-shots'],
  },
  {
    id: 'cloudwatch-emf',
    name: 'CloudWatch embedded metrics',
    covers: ['metrics'],
    pypi: /^aws-embedded-metrics$/,
    npm: /^aws-embedded-metrics$/,
    py: /^aws_embedded_metrics\.(metric_scope|create_metrics_logger)$/,
    js: /^aws-embedded-metrics\.(metricScope|createMetricsLogger)$/,
    literals: ['embedded_metrics', 'embedded-metrics'],
  },
];

/** A tool switched on somewhere (a call, a side-effect import, a launcher, a Django app), or only declared as a dependency. */
export interface ToolUse extends Signal {
  tool: string;
  name: string;
  covers: Coverage[];
  /** Sentry's `traces_sample_rate` > 0 and similar: errors plus performance traces. */
  tracing?: boolean;
  /** The init runs in browser code only (`@sentry/react`, a `sentry.client.config`). */
  clientOnly?: boolean;
}

export interface HealthEndpoint {
  method: string;
  path: string;
  kind: 'liveness' | 'readiness' | 'health';
  at: import('../../model/finding.ts').Location;
  /** Dependencies the handler checks ('database', 'redis', 'cache', 'queue', 'http'), [] for a static answer. */
  checks: string[];
  source: 'route' | 'library' | 'text';
}

export interface ObservabilityFacts {
  /** Instrumentation that is initialised (errors, metrics, tracing). */
  tools: ToolUse[];
  /** Instrumentation libraries only declared as dependencies (whether used or not). */
  declared: ToolUse[];
  /** Prometheus metrics defined (`Counter(…)`) in files whose service never exposes them. */
  metricsDefined: Signal[];
  /** Structured (JSON or key-value) log configuration. */
  structuredLogging: Signal[];
  /** Plain-text log configuration (`logging.basicConfig`, Django LOGGING without a JSON formatter, winston text). */
  plainLogging: Signal[];
  /** Alert rules as code and where alerts go. */
  alertRules: Signal[];
  alertReceivers: Signal[];
  healthEndpoints: HealthEndpoint[];
  /** Shutdown handling in code: lifespan cleanup, shutdown events, SIGTERM handlers, graceful libraries. */
  shutdownHandlers: Signal[];
}

export function readObservability(files: ParsedFiles, routes: Route[], dependencies: Dependency[]): ObservabilityFacts {
  const facts: ObservabilityFacts = { tools: [], declared: [], metricsDefined: [], structuredLogging: [], plainLogging: [], alertRules: [], alertReceivers: [], healthEndpoints: [], shutdownHandlers: [] };
  readDeclared(files, dependencies, facts);
  readPythonInstrumentation(files, facts);
  readJsInstrumentation(files, facts);
  readLaunchers(files, facts);
  readAlerting(files, facts);
  readHealthEndpoints(files, routes, facts);
  facts.tools = sortSignals(facts.tools);
  facts.declared = sortSignals(facts.declared);
  facts.metricsDefined = sortSignals(facts.metricsDefined);
  facts.structuredLogging = sortSignals(facts.structuredLogging);
  facts.plainLogging = sortSignals(facts.plainLogging);
  facts.alertRules = sortSignals(facts.alertRules);
  facts.alertReceivers = sortSignals(facts.alertReceivers);
  facts.shutdownHandlers = sortSignals(facts.shutdownHandlers);
  facts.healthEndpoints.sort((a, b) => (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : (a.at.startLine ?? 0) - (b.at.startLine ?? 0)));
  return facts;
}

/** Alembic's env.py and migration scripts configure logging for the migration tool, not for the service. */
function isMigrationTooling(path: string): boolean {
  return /(^|\/)(alembic|migrations)\//.test(path);
}

function toolUse(spec: ToolSpec, signal: Signal, extra: Partial<ToolUse> = {}): ToolUse {
  return { ...signal, tool: spec.id, name: spec.name, covers: spec.covers, ...extra };
}

function readDeclared(files: ParsedFiles, dependencies: Dependency[], facts: ObservabilityFacts): void {
  for (const dep of dependencies) {
    if (dep.dev) continue;
    const spec = TOOLS.find((t) => (dep.ecosystem === 'pypi' ? t.pypi : t.npm)?.test(dep.name));
    const manifest = files.get(dep.manifest);
    if (!spec || !manifest) continue;
    facts.declared.push(toolUse(spec, signalAt(manifest, spec.id, `${dep.name} declared in ${dep.manifest}`, dep.line ?? 1)));
  }
}

// ---- Python ----

const PY_LITERALS = [...new Set(TOOLS.flatMap((t) => t.literals)), 'structlog', 'jsonlogger', 'JsonFormatter', 'JSONFormatter', 'Formatter', 'loguru', 'ecs_logging', 'json_log_formatter', 'basicConfig', 'dictConfig', 'fileConfig', 'json.dumps', 'lifespan', 'shutdown', 'SIGTERM', 'on_cleanup', 'after_serving', 'before_server_stop', 'atexit', 'LOGGING', 'graceful_timeout'];
/** Modules whose calls can matter here: SDKs, metrics, logging, signals, app factories. */
const PY_MODULES = /^(sentry_sdk|rollbar|bugsnag|honeybadger|pybrake|raygun4py|google\.cloud|ddtrace|newrelic|elasticapm|azure\.monitor|logfire|opentelemetry|prometheus_client|prometheus_fastapi_instrumentator|starlette_exporter|starlette_prometheus|prometheus_flask_exporter|aioprometheus|statsd|datadog|aws_embedded_metrics|structlog|pythonjsonlogger|json_log_formatter|ecs_logging|loguru|logging|signal|atexit|fastapi|starlette|litestar)(\.|$)/;

/**
 * The calls of a file worth looking at: those whose callee starts with a name imported from one
 * of PY_MODULES (whatever it is aliased to), and app hooks (`app.add_event_handler`,
 * `app.on_shutdown.append`, `loop.add_signal_handler`). The native matcher filters.
 */
function pyCalleeFilter(file: ParsedFile): RegExp {
  const heads = [...pyImports(file.ast!)].filter(([, imp]) => PY_MODULES.test(imp.module)).map(([local]) => local.replace(/[^\w]/g, ''));
  const names = [...new Set(heads)].filter(Boolean);
  return new RegExp(`${names.length ? `^(${names.join('|')})(\\.|$)|` : ''}\\.(add_event_handler|append|add_signal_handler)$`);
}

function readPythonInstrumentation(files: ParsedFiles, facts: ObservabilityFacts): void {
  for (const file of files.ofKind('python', { containing: PY_LITERALS, includeTests: false })) {
    if (!file.ast || isMigrationTooling(file.path)) continue;
    const root = file.ast;
    let exposesPrometheus = false;
    const defined: Signal[] = [];
    for (const node of findCallsByCallee(root, 'call', pyCalleeFilter(file))) {
      const call = describePyCall(node);
      if (!call) continue;
      const callee = call.callee;
      if (callee.length > 120) continue;
      const qualified = pyQualifiedName(root, callee);
      const line = node.range().start.line + 1;
      for (const spec of TOOLS) {
        if (spec.py?.test(qualified) || (spec.id === 'opentelemetry' && /Instrumentor\(\)\.instrument$/.test(callee) && /opentelemetry/.test(file.text))) {
          let label = `${spec.name} initialised in ${file.path}:${line}`;
          const extra: Partial<ToolUse> = {};
          if (spec.id === 'sentry') {
            const rate = call.keywords.get('traces_sample_rate')?.text();
            const pii = call.keywords.get('send_default_pii')?.text();
            const details = [rate ? `traces_sample_rate=${rate}` : '', pii ? `send_default_pii=${pii}` : ''].filter(Boolean);
            if (details.length) label = `${spec.name} initialised in ${file.path}:${line} (${details.join(', ')})`;
            if (rate && Number(rate) > 0) extra.tracing = true;
          }
          if (spec.id === 'prometheus') exposesPrometheus = true;
          facts.tools.push(toolUse(spec, signalAt(file, spec.id, label, line), extra));
          break;
        }
      }
      if (/^prometheus_client\.(Counter|Gauge|Histogram|Summary|Info|Enum)$/.test(qualified)) defined.push(signalAt(file, 'prometheus-metric', `Prometheus metric defined in ${file.path}:${line}`, line));
      readPythonLoggingCall(file, call, qualified, facts);
      readPythonShutdownCall(file, node, callee, qualified, facts);
    }
    if (/\.expose\(/.test(file.text) && /prometheus_fastapi_instrumentator/.test(file.text)) exposesPrometheus = true;
    if (!exposesPrometheus) facts.metricsDefined.push(...defined);
    // Side-effect imports: `import ddtrace.auto`.
    for (const spec of TOOLS) {
      if (!spec.pyImport) continue;
      for (const { line, match } of matchLines(file, /^\s*import\s+([\w.]+)/gm)) if (spec.pyImport.test(match[1])) facts.tools.push(toolUse(spec, signalAt(file, spec.id, `${spec.name} enabled by \`import ${match[1]}\` (${file.path}:${line})`, line)));
    }
    readPythonLoggingText(file, facts);
    readPythonShutdownText(file, facts);
    readDjangoApps(file, facts);
  }
  // Logging configuration in YAML / INI / JSON files (dictConfig files, gunicorn logconfig).
  for (const file of [...files.ofKind('yaml', { containing: ['JsonFormatter', 'jsonlogger', 'JSONFormatter', 'ecs_logging'] }), ...files.ofKind('json', { containing: ['JsonFormatter', 'jsonlogger'] }), ...files.ofKind('text', { containing: ['JsonFormatter', 'jsonlogger'] })]) {
    if (file.isTest) continue;
    const m = /pythonjsonlogger\.(?:jsonlogger|json)\.JsonFormatter|json_log_formatter\.\w*JSONFormatter|ecs_logging\.StdlibFormatter/.exec(file.text);
    if (m) facts.structuredLogging.push(signalAt(file, 'json-formatter', `JSON log formatter configured in ${file.path}`, file.position(m.index).line));
  }
}

function readPythonLoggingCall(file: ParsedFile, call: { node: SyntaxNode; keywords: Map<string, SyntaxNode>; args: SyntaxNode[] }, qualified: string, facts: ObservabilityFacts): void {
  const line = call.node.range().start.line + 1;
  if (qualified === 'structlog.configure') {
    const json = /JSONRenderer|EventRenamer|dict_tracebacks/.test(call.node.text());
    facts.structuredLogging.push(signalAt(file, 'structlog', `structlog configured${json ? ' with JSON output' : ''} (${file.path}:${line})`, line));
  } else if (/^pythonjsonlogger\.(jsonlogger|json)\.JsonFormatter$|^json_log_formatter\.\w*JSONFormatter$|^ecs_logging\.StdlibFormatter$/.test(qualified)) {
    facts.structuredLogging.push(signalAt(file, 'json-formatter', `JSON log formatter (${qualified.split('.').pop()}) in ${file.path}:${line}`, line));
  } else if (qualified === 'loguru.logger.add' && call.keywords.get('serialize')?.text() === 'True') {
    facts.structuredLogging.push(signalAt(file, 'loguru-json', `loguru with serialize=True (${file.path}:${line})`, line));
  } else if (/^google\.cloud\.logging\.Client$/.test(qualified) && /setup_logging\(/.test(file.text)) {
    facts.structuredLogging.push(signalAt(file, 'cloud-logging', `Google Cloud Logging handler (${file.path}:${line})`, line));
  } else if (qualified === 'logging.basicConfig' || qualified === 'logging.config.dictConfig' || qualified === 'logging.config.fileConfig' || qualified === 'loguru.logger.add') {
    facts.plainLogging.push(signalAt(file, 'logging-config', `\`${qualified}\` in ${file.path}:${line}`, line));
  }
}

/** A `logging.Formatter` subclass that writes JSON, a dictConfig naming a JSON formatter, or a Django LOGGING dict. */
function readPythonLoggingText(file: ParsedFile, facts: ObservabilityFacts): void {
  for (const { match, line } of matchLines(file, /^class\s+(\w+)\s*\(\s*(?:logging\.)?Formatter\s*\)\s*:/gm)) {
    const body = file.text.slice(match.index, match.index + 2000).split(/\n(?=\S)/)[0];
    if (/json\.dumps|orjson\.dumps|ujson\.dumps/.test(body)) facts.structuredLogging.push(signalAt(file, 'json-formatter', `JSON log formatter \`${match[1]}\` (${file.path}:${line})`, line));
  }
  const dictJson = /["'](?:\(\)|class)["']\s*:\s*["']?[\w.]*(?:Json|JSON)\w*Formatter\b/.exec(file.text);
  if (dictJson && !/pythonjsonlogger|json_log_formatter|ecs_logging/.test(dictJson[0])) facts.structuredLogging.push(signalAt(file, 'json-formatter', `JSON formatter in a logging config (${file.path})`, file.position(dictJson.index).line));
  const pyJsonRef = /["']pythonjsonlogger\.(?:jsonlogger|json)\.JsonFormatter["']|["']ecs_logging\.StdlibFormatter["']|["']json_log_formatter\.\w*JSONFormatter["']/.exec(file.text);
  if (pyJsonRef) facts.structuredLogging.push(signalAt(file, 'json-formatter', `JSON formatter in a logging config (${file.path})`, file.position(pyJsonRef.index).line));
  const jsonLine = /\b(?:print|sys\.stdout\.write|logger\.\w+|logging\.\w+)\(\s*json\.dumps\(/.exec(file.text);
  if (jsonLine) facts.structuredLogging.push(signalAt(file, 'json-lines', `JSON log lines written with \`${jsonLine[0].replace(/\($/, '')}\` (${file.path})`, file.position(jsonLine.index).line));
  const django = /^LOGGING\s*=\s*\{/m.exec(file.text);
  if (django && !dictJson && !pyJsonRef) facts.plainLogging.push(signalAt(file, 'logging-config', `LOGGING config without a JSON formatter (${file.path})`, file.position(django.index).line));
}

/** Shutdown hooks that are calls: `app.add_event_handler("shutdown", …)`, `app.on_shutdown.append(…)`, `signal.signal(SIGTERM, …)`, `atexit.register`. */
function readPythonShutdownCall(file: ParsedFile, node: SyntaxNode, callee: string, qualified: string, facts: ObservabilityFacts): void {
  const line = node.range().start.line + 1;
  const text = node.text();
  if (/\.add_event_handler$/.test(callee) && /["']shutdown["']/.test(text)) facts.shutdownHandlers.push(signalAt(file, 'shutdown-event', `shutdown event handler (${file.path}:${line})`, line));
  else if (/\.(on_shutdown|on_cleanup|cleanup_ctx)\.append$/.test(callee)) facts.shutdownHandlers.push(signalAt(file, 'shutdown-event', `aiohttp ${callee.split('.').slice(-2, -1)[0]} hook (${file.path}:${line})`, line));
  else if ((qualified === 'signal.signal' || /\.add_signal_handler$/.test(callee)) && /SIGTERM|SIGINT/.test(text)) facts.shutdownHandlers.push(signalAt(file, 'signal-handler', `SIGTERM handler (${file.path}:${line})`, line));
  else if (qualified === 'atexit.register') facts.shutdownHandlers.push(signalAt(file, 'atexit', `atexit hook (${file.path}:${line})`, line));
  else if (/^(fastapi\.FastAPI|starlette\.applications\.Starlette|litestar\.Litestar)$/.test(qualified)) {
    const call = describePyCall(node);
    if (call?.keywords.has('on_shutdown')) facts.shutdownHandlers.push(signalAt(file, 'shutdown-event', `on_shutdown handlers (${file.path}:${line})`, line));
  }
}

/** Lifespan context managers with code after `yield`, and `@app.on_event("shutdown")` / `@app.after_serving` / Sanic listeners. */
function readPythonShutdownText(file: ParsedFile, facts: ObservabilityFacts): void {
  for (const { line } of matchLines(file, /^\s*@[\w.]+\.(?:on_event\(\s*["']shutdown["']\s*\)|after_serving\b|listener\(\s*["'](?:before|after)_server_stop["']\s*\))/gm))
    facts.shutdownHandlers.push(signalAt(file, 'shutdown-event', `shutdown hook (${file.path}:${line})`, line));
  if (/(^|\/)gunicorn[\w.-]*\.py$/.test(file.path)) {
    const m = /^graceful_timeout\s*=\s*(\d+)/m.exec(file.text);
    if (m) facts.shutdownHandlers.push(signalAt(file, 'graceful-timeout', `gunicorn graceful_timeout = ${m[1]} s (${file.path})`, file.position(m.index).line));
  }
  if (!/lifespan/.test(file.text) || !file.ast) return;
  for (const fn of findAllIn(file.ast, { kind: 'function_definition' })) {
    const decorated = fn.parent()?.kind() === 'decorated_definition' ? fn.parent()!.text() : '';
    if (!/@(?:contextlib\.)?asynccontextmanager\b/.test(decorated)) continue;
    const name = fn.field('name')?.text() ?? '';
    if (!new RegExp(`lifespan\\s*=\\s*${name}\\b`).test(file.text) && !/lifespan/.test(name)) continue;
    const body = fn.field('body');
    if (!body) continue;
    const text = body.text();
    const yieldAt = text.search(/\byield\b/);
    if (yieldAt < 0) continue;
    const after = text.slice(yieldAt).split('\n').slice(1).filter((l) => l.trim() && !l.trim().startsWith('#') && !/^\s*(finally|else)\s*:\s*$/.test(l));
    const line = fn.range().start.line + 1;
    if (after.length) facts.shutdownHandlers.push(signalAt(file, 'lifespan-shutdown', `lifespan \`${name}\` cleans up after \`yield\` (${file.path}:${line})`, line));
  }
}

function readDjangoApps(file: ParsedFile, facts: ObservabilityFacts): void {
  if (!/^(INSTALLED_APPS|MIDDLEWARE)\s*[+]?=/m.test(file.text)) return;
  for (const spec of TOOLS) {
    if (!spec.django) continue;
    const m = new RegExp(`["']${spec.django.source}[\\w.]*["']`).exec(file.text);
    if (m) facts.tools.push(toolUse(spec, signalAt(file, spec.id, `${spec.name} enabled in Django settings (${file.path})`, file.position(m.index).line)));
  }
  const structlog = /["']django_structlog["']/.exec(file.text);
  if (structlog) facts.structuredLogging.push(signalAt(file, 'structlog', `django-structlog installed (${file.path})`, file.position(structlog.index).line));
}

// ---- JavaScript / TypeScript ----

/** Packages whose calls can matter here. */
const JS_PACKAGES = /^(@sentry\/|rollbar$|@bugsnag\/|@honeybadger-io\/|@airbrake\/|raygun$|@google-cloud\/|dd-trace|newrelic$|elastic-apm-node|applicationinsights|@azure\/monitor|@opentelemetry\/|@vercel\/otel|prom-client|express-prom-bundle|fastify-metrics|@willsoto\/nestjs-prometheus|hot-shots|node-statsd|statsd-client|aws-embedded-metrics|pino|nestjs-pino|hono-pino|bunyan|winston|fastify$|morgan|@godaddy\/terminus|http-terminator|lightship|close-with-grace|stoppable|fastify-graceful-shutdown)/;

/** The calls of a file worth looking at: callees headed by a name imported from JS_PACKAGES, `process.on`, `require(…)`, NestJS shutdown hooks. */
function jsCalleeFilter(file: ParsedFile): RegExp {
  const heads = [...jsModuleInfo(file).imports].filter(([, imp]) => JS_PACKAGES.test(imp.source)).map(([local]) => local.replace(/[^\w$]/g, ''));
  const names = [...new Set(heads)].filter(Boolean).map((n) => n.replace(/\$/g, '\\$'));
  return new RegExp(`^(${['process', 'require', ...names].join('|')})(\\.|\\(|$)|\\.enableShutdownHooks$`);
}
const JS_LITERALS = [...new Set(TOOLS.flatMap((t) => t.literals)), 'JSON.stringify', 'pino', 'winston', 'bunyan', 'SIGTERM', 'SIGINT', 'terminus', 'http-terminator', 'lightship', 'close-with-grace', 'stoppable', 'enableShutdownHooks', 'fastify'];

function readJsInstrumentation(files: ParsedFiles, facts: ObservabilityFacts): void {
  for (const file of files.ofKind('js', { containing: JS_LITERALS, includeTests: false })) {
    if (!file.ast) continue;
    const clientFile = /(^|\/)sentry\.(client|edge)\.config\.[jt]s$|instrumentation-client\.[jt]s$/.test(file.path) || /^\s*['"]use client['"]/m.test(file.text);
    const filter = jsCalleeFilter(file);
    for (const node of [...findCallsByCallee(file.ast, 'call_expression', filter), ...findAllIn(file.ast, { kind: 'new_expression', has: { field: 'constructor', regex: filter.source } })]) {
      const callee = node.kind() === 'new_expression' ? node.field('constructor')?.text() : describeJsCall(node)?.callee;
      if (!callee || callee.length > 120) continue;
      const qualified = jsQualifiedName(file, callee);
      const line = node.range().start.line + 1;
      for (const spec of TOOLS) {
        if (!spec.js?.test(qualified)) continue;
        const extra: Partial<ToolUse> = {};
        let label = `${spec.name} initialised in ${file.path}:${line}`;
        if (spec.id === 'sentry') {
          const options = describeJsCall(node)?.args[0];
          const rate = jsObjectProperty(options, 'tracesSampleRate')?.text();
          if (rate) {
            label = `${spec.name} initialised in ${file.path}:${line} (tracesSampleRate=${rate})`;
            if (Number(rate) > 0) extra.tracing = true;
          }
          if (clientFile) extra.clientOnly = true;
        }
        facts.tools.push(toolUse(spec, signalAt(file, spec.id, label, line), extra));
        break;
      }
      if (/^@sentry\/(react|browser|vue|angular|svelte)\.init$/.test(qualified))
        facts.tools.push(toolUse(TOOLS[0], signalAt(file, 'sentry', `Sentry initialised in browser code (${file.path}:${line})`, line), { clientOnly: true }));
      readJsLoggingCall(file, node, qualified, line, facts);
      readJsShutdownCall(file, node, callee, qualified, line, facts);
    }
    const jsonLine = /\bconsole\.(log|info|warn|error)\(\s*JSON\.stringify\(|process\.stdout\.write\(\s*JSON\.stringify\(/.exec(file.text);
    if (jsonLine) facts.structuredLogging.push(signalAt(file, 'json-lines', `JSON log lines written with \`${jsonLine[0].replace(/\($/, '')}\` (${file.path})`, file.position(jsonLine.index).line));
    for (const spec of TOOLS) {
      if (!spec.jsImport) continue;
      for (const { match, line } of matchLines(file, /^\s*(?:import\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)\s*;?\s*$)/gm))
        if (spec.jsImport.test(match[1] ?? match[2])) facts.tools.push(toolUse(spec, signalAt(file, spec.id, `${spec.name} loaded by a side-effect import (${file.path}:${line})`, line)));
    }
  }
}

function readJsLoggingCall(file: ParsedFile, node: SyntaxNode, qualified: string, line: number, facts: ObservabilityFacts): void {
  if (/^(pino|pino\.pino|pino-http|nestjs-pino\.LoggerModule\.forRoot(Async)?|hono-pino\.pinoLogger)$/.test(qualified)) facts.structuredLogging.push(signalAt(file, 'pino', `pino JSON logger (${file.path}:${line})`, line));
  else if (/^bunyan\.createLogger$/.test(qualified)) facts.structuredLogging.push(signalAt(file, 'bunyan', `bunyan JSON logger (${file.path}:${line})`, line));
  else if (/^winston\.createLogger$/.test(qualified)) {
    const text = node.text();
    if (/\bjson\s*\(|format\.json|logstash\s*\(/.test(text) || /format:\s*\w*[Jj]son/.test(text)) facts.structuredLogging.push(signalAt(file, 'winston-json', `winston with JSON format (${file.path}:${line})`, line));
    else facts.plainLogging.push(signalAt(file, 'winston-text', `winston without a JSON format (${file.path}:${line})`, line));
  } else if (/^fastify(\.fastify|\.default)?$/.test(qualified)) {
    const options = describeJsCall(node)?.args[0];
    const logger = jsObjectProperty(options, 'logger');
    if (logger && logger.text() !== 'false') facts.structuredLogging.push(signalAt(file, 'pino', `Fastify's built-in pino logger (${file.path}:${line})`, line));
  } else if (/^morgan$/.test(qualified)) {
    const format = jsStringValue(describeJsCall(node)?.args[0]);
    if (format && format !== 'json') facts.plainLogging.push(signalAt(file, 'morgan', `morgan \`${format}\` access log (${file.path}:${line})`, line));
  }
}

function readJsShutdownCall(file: ParsedFile, node: SyntaxNode, callee: string, qualified: string, line: number, facts: ObservabilityFacts): void {
  if (/^process\.(on|once|addListener)$/.test(callee)) {
    const args = describeJsCall(node)?.args ?? [];
    const event = jsStringValue(args[0]);
    if (event === 'SIGTERM' || event === 'SIGINT') {
      let handler = args[1]?.text() ?? '';
      if (args[1]?.kind() === 'identifier') {
        const binding = findLocalDeclaration(file, args[1].text());
        handler = (binding?.value ?? binding?.declaration)?.text() ?? handler;
      }
      const closes = /\.close\s*\(|\.shutdown\s*\(|\.stop\s*\(|\.end\s*\(|\.disconnect\s*\(|\.\$disconnect\s*\(|terminate\s*\(|drain/.test(handler) || /\b\w+\s*\(\s*\)/.test(handler) && /\.close\(/.test(file.text);
      facts.shutdownHandlers.push(signalAt(file, closes ? 'signal-handler' : 'signal-handler-exit', `\`process.on('${event}')\` ${closes ? 'closes the server' : 'handler'} (${file.path}:${line})`, line));
    }
  } else if (/^(@godaddy\/terminus\.createTerminus|http-terminator\.createHttpTerminator|lightship\.createLightship|close-with-grace|stoppable|fastify-graceful-shutdown)$/.test(qualified)) {
    facts.shutdownHandlers.push(signalAt(file, 'graceful-library', `${qualified.split('.')[0]} (${file.path}:${line})`, line));
  } else if (/\.enableShutdownHooks$/.test(callee)) {
    facts.shutdownHandlers.push(signalAt(file, 'shutdown-event', `NestJS enableShutdownHooks (${file.path}:${line})`, line));
  }
}

/** `ddtrace-run gunicorn …`, `newrelic-admin run-program …`, `opentelemetry-instrument …` in start commands. */
function readLaunchers(files: ParsedFiles, facts: ObservabilityFacts): void {
  const candidates = [...files.ofKind('dockerfile'), ...files.ofKind('text').filter((f) => baseName(f.path) === 'Procfile' || /\.sh$/.test(f.path)), ...files.ofKind('yaml'), ...files.ofKind('toml'), ...files.ofKind('json').filter((f) => baseName(f.path) === 'package.json')];
  for (const file of candidates) {
    if (file.isTest) continue;
    for (const spec of TOOLS) {
      if (!spec.command) continue;
      for (const { line } of matchLines(file, new RegExp(spec.command.source, 'g'))) {
        if (/^\s*#/.test(file.line(line))) continue;
        facts.tools.push(toolUse(spec, signalAt(file, spec.id, `${spec.name} launcher in ${file.path}:${line}`, line)));
      }
    }
  }
}

// ---- alerting ----

const TF_ALERT = /^(datadog_monitor|datadog_synthetics_test|aws_cloudwatch_metric_alarm|aws_cloudwatch_composite_alarm|google_monitoring_alert_policy|google_monitoring_uptime_check_config|newrelic_alert_policy|newrelic_nrql_alert_condition|sentry_issue_alert|sentry_metric_alert|grafana_rule_group|azurerm_monitor_metric_alert|azurerm_monitor_scheduled_query_rules_alert(_v2)?|betteruptime_monitor|uptimerobot_monitor|checkly_check|honeycombio_trigger|opsgenie_alert_policy)$/;
const TF_RECEIVER = /^(pagerduty_service|pagerduty_service_integration|opsgenie_team|opsgenie_integration|aws_sns_topic_subscription|google_monitoring_notification_channel|datadog_integration_pagerduty|grafana_contact_point|azurerm_monitor_action_group)$/;

function readAlerting(files: ParsedFiles, facts: ObservabilityFacts): void {
  for (const file of files.ofKind('yaml', { containing: ['alert', 'receivers', 'Alarm', 'condition'], includeTests: false })) {
    for (const doc of file.yaml ?? []) {
      const root = (doc as { contents?: unknown }).contents;
      const kind = yamlScalar(yamlGet(root, 'kind', doc));
      const groups = yamlGet(kind === 'PrometheusRule' ? yamlGet(root, 'spec', doc) : root, 'groups', doc);
      let alerts = 0;
      let grafana = 0;
      for (const group of seqItems(groups, doc))
        for (const rule of seqItems(yamlGet(group, 'rules', doc), doc)) {
          if (yamlGet(rule, 'alert', doc)) alerts++;
          else if (yamlGet(rule, 'condition', doc) && (yamlGet(rule, 'title', doc) || yamlGet(rule, 'uid', doc))) grafana++;
        }
      if (alerts) facts.alertRules.push(signalAt(file, 'prometheus-rules', `${alerts} Prometheus alert rule${alerts === 1 ? '' : 's'} (${file.path})`, firstLine(file, /^\s*-?\s*alert:/m)));
      if (grafana) facts.alertRules.push(signalAt(file, 'grafana-alerts', `${grafana} Grafana alert rule${grafana === 1 ? '' : 's'} (${file.path})`, firstLine(file, /^\s*-?\s*condition:/m)));
      const receivers = yamlGet(root, 'receivers', doc);
      if (receivers && yamlGet(root, 'route', doc)) {
        const names = seqItems(receivers, doc).map((r) => yamlEntries(r, doc).map((e) => e.key).filter((k) => k.endsWith('_configs')).map((k) => k.replace('_configs', ''))).flat();
        facts.alertReceivers.push(signalAt(file, 'alertmanager', `Alertmanager routes alerts${names.length ? ` to ${[...new Set(names)].join(', ')}` : ''} (${file.path})`, firstLine(file, /^receivers:/m)));
      }
      for (const { value, key } of yamlEntries(yamlGet(root, 'Resources', doc), doc))
        if (/^AWS::CloudWatch::(Alarm|CompositeAlarm)$/.test(yamlScalar(yamlGet(value, 'Type', doc)) ?? '')) facts.alertRules.push(signalAt(file, 'cloudwatch-alarm', `CloudWatch alarm \`${key}\` (${file.path})`, file.position(value?.range?.[0] ?? 0).line));
    }
  }
  for (const file of files.ofKind('text', { containing: ['resource'] })) {
    if (!/\.tf$/.test(file.path)) continue;
    for (const block of hclBlocks(file.text)) {
      if (block.keyword !== 'resource') continue;
      const [type, name] = block.labels;
      if (TF_ALERT.test(type)) facts.alertRules.push(signalAt(file, 'terraform-alert', `${type} \`${name}\` (${file.path}:${block.startLine})`, block.startLine));
      else if (TF_RECEIVER.test(type)) facts.alertReceivers.push(signalAt(file, 'terraform-receiver', `${type} \`${name}\` (${file.path}:${block.startLine})`, block.startLine));
    }
  }
  for (const file of files.ofKind('json', { containing: ['alert'] })) {
    const json = file.json as Record<string, unknown> | undefined;
    if (!json || file.isTest) continue;
    if (typeof json.type === 'string' && /alert$/.test(json.type) && typeof json.query === 'string') facts.alertRules.push(signalAt(file, 'datadog-monitor', `Datadog monitor \`${String(json.name ?? baseName(file.path))}\` (${file.path})`, 1));
  }
  for (const file of files.all) {
    if (/(^|\/)checkly\.config\.[jt]s$|(^|\/)__checks__\/.+\.check\.[jt]s$/.test(file.path)) facts.alertRules.push(signalAt(file, 'checkly', `Checkly checks (${file.path})`, 1));
  }
  for (const file of [...files.ofKind('python', { containing: ['pdpyras', 'pagerduty'], includeTests: false }), ...files.ofKind('js', { containing: ['pagerduty'], includeTests: false })]) {
    const m = /^\s*(?:import\s+pdpyras|from\s+pdpyras\s+import|import\s+pagerduty|from\s+pagerduty|import\s+.*from\s+['"]@pagerduty\/pdjs['"]|.*require\(['"]@pagerduty\/pdjs['"]\))/m.exec(file.text);
    if (m) facts.alertReceivers.push(signalAt(file, 'pagerduty', `PagerDuty client in ${file.path}`, file.position(m.index).line));
  }
}

function firstLine(file: ParsedFile, re: RegExp): number {
  const m = re.exec(file.text);
  return m ? file.position(m.index).line : 1;
}

// ---- health endpoints ----

const HEALTH_SEGMENT = /^(?:_?health|healthz|healthcheck|health-check|health_check|_healthz|ready|readyz|readiness|live|livez|liveness|ping|heartbeat|alive|status)$/i;

/** The health kind a route path names, undefined when it is not a health endpoint. */
export function healthKindOf(path: string): HealthEndpoint['kind'] | undefined {
  const segments = path.split('/').filter(Boolean);
  if (!segments.length || segments.length > 3) return undefined;
  const last = segments[segments.length - 1].replace(/\{[^}]*\}|<[^>]*>|:\w+/g, '');
  if (!HEALTH_SEGMENT.test(last)) return undefined;
  // `/status` only as the whole path (or under /api, /v1): `/orders/{id}/status` is a resource's status.
  if (/^status$/i.test(last) && (segments.length > 2 || (segments.length === 2 && !/^(api|v\d+|_?health|internal|system)$/i.test(segments[0])))) return undefined;
  if (segments.some((s) => /[{<:]/.test(s))) return undefined;
  if (/ready|readiness/i.test(last)) return 'readiness';
  if (/live|liveness|ping|heartbeat|alive/i.test(last)) return 'liveness';
  return 'health';
}

const DEPENDENCY_CHECKS: [RegExp, string][] = [
  [/SELECT\s+1|\.execute\(|\.fetchval\(|\.fetchrow\(|\.fetch\(|\$queryRaw|\.query\(|engine\.connect|session\.(execute|scalar)|connection\.cursor|\.raw\(|db\.command\(\s*["']ping|\.authenticate\(\)|sequelize\.authenticate|prisma\.\$queryRaw|connection\.ensure_connection|\bdb\b.*\bping\b|pool\.(acquire|connect|query)/i, 'database'],
  [/redis[\w.]*\.ping\(|\bcache\.(ping|get|set)\(|\.ping\(\)/i, 'redis'],
  [/broker|celery|rabbit|kafka|queue\.(ping|check)/i, 'queue'],
];

function readHealthEndpoints(files: ParsedFiles, routes: Route[], facts: ObservabilityFacts): void {
  const seen = new Set<string>();
  for (const route of routes) {
    const kind = healthKindOf(route.path);
    if (!kind || !/^(GET|HEAD|ANY)$/.test(route.method)) continue;
    const handler = route.handler.node?.text() ?? '';
    const checks = DEPENDENCY_CHECKS.filter(([re]) => re.test(handler)).map(([, name]) => name);
    facts.healthEndpoints.push({ method: route.method, path: route.path, kind, at: route.at, checks, source: 'route' });
    seen.add(`${route.at.file}:${route.at.startLine}`);
  }
  // Registrations the route tables do not model (Fastify, Hono, NestJS controllers, Koa routers) and health libraries.
  for (const file of files.ofKind('js', { containing: ['health', 'ready', 'live', 'ping'], includeTests: false })) {
    for (const { match, line } of matchLines(file, /\.(?:get|head|all|route)\(\s*['"`](\/[\w/-]*?(?:healthz?|readyz?|livez?|readiness|liveness|ping|heartbeat)[\w/-]*)['"`]/g)) {
      if (seen.has(`${file.path}:${line}`) || !healthKindOf(match[1])) continue;
      seen.add(`${file.path}:${line}`);
      const body = file.text.slice(match.index, match.index + 600);
      facts.healthEndpoints.push({ method: 'GET', path: match[1], kind: healthKindOf(match[1])!, at: file.locateLines(line), checks: DEPENDENCY_CHECKS.filter(([re]) => re.test(body)).map(([, n]) => n), source: 'text' });
    }
    for (const { match, line } of matchLines(file, /@Controller\(\s*['"`]\/?(health|healthz|ready|readyz|status)['"`]\s*\)/g)) {
      facts.healthEndpoints.push({ method: 'GET', path: `/${match[1]}`, kind: healthKindOf(`/${match[1]}`) ?? 'health', at: file.locateLines(line), checks: /HealthCheckService|TypeOrmHealthIndicator|PrismaHealthIndicator|MongooseHealthIndicator/.test(file.text) ? ['database'] : [], source: 'text' });
    }
    const terminus = /createTerminus\s*\([\s\S]{0,400}?healthChecks\s*:\s*\{\s*['"`]?(\/[\w/-]+)/.exec(file.text);
    if (terminus) facts.healthEndpoints.push({ method: 'GET', path: terminus[1], kind: healthKindOf(terminus[1]) ?? 'health', at: file.locateLines(file.position(terminus.index).line), checks: [], source: 'library' });
  }
  for (const file of files.ofKind('python', { containing: ['health_check', 'healthz', 'HealthCheck'], includeTests: false })) {
    const django = /["']health_check(?:\.db|\.cache)?["']/.exec(file.text);
    if (django && /INSTALLED_APPS/.test(file.text)) facts.healthEndpoints.push({ method: 'GET', path: '/ht/', kind: 'health', at: file.locateLines(file.position(django.index).line), checks: /health_check\.db/.test(file.text) ? ['database'] : [], source: 'library' });
    const flask = /^\s*from\s+flask_healthz\s+import|^\s*HealthCheck\s*\(\s*app/m.exec(file.text);
    if (flask) facts.healthEndpoints.push({ method: 'GET', path: '/healthz', kind: 'health', at: file.locateLines(file.position(flask.index).line), checks: [], source: 'library' });
  }
}
