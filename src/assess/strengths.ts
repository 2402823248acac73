/**
 * Strengths ("Positive Aspects" of the reference audits), each proven by evidence in the
 * repository with a count and its places: parameterised queries (N calls, none interpolated),
 * a migration history, async handlers, OpenAPI docs, CI that runs the tests, authentication on
 * every route, instrumentation, hardened images, secrets from the environment, structured logs,
 * graceful shutdown, health probes, validated request bodies, autoscaling, alert rules, backups.
 *
 * A strength built on "no finding" is only claimed when the rule that would have found the
 * problem ran on this repository AND positive evidence exists (queries to count, routes to
 * guard); an absence alone proves nothing.
 */
import type { Strength } from '../model/audit-report.ts';
import type { Location } from '../model/finding.ts';
import type { ParsedFile, SyntaxNode } from '../model/parsed-file.ts';
import { isPublicByDesign } from '../facts/routes/guard-names.ts';
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
  scalingView,
  shutdownByService,
} from '../facts/operations/readiness.ts';
import { findJsCalls, jsStringValue } from '../parse/js-syntax.ts';
import { findPyCalls, pyModuleAssignments, pyStringValue } from '../parse/python-syntax.ts';
import { matchLines } from '../facts/operations/signals.ts';
import type { Assessment, AssessmentInput } from './index.ts';

const MAX_EVIDENCE = 6;
const AREA_ORDER: Strength['area'][] = ['security', 'infrastructure', 'testing', 'data-model', 'concurrency', 'code-health', 'completeness', 'compliance', 'documentation'];

export const strengthsAssessment: Assessment = {
  name: 'strengths',
  run(input, result) {
    const ops = operationsOf(input.index, input.files);
    const found: Strength[] = [];
    const add = (s: Strength | undefined) => {
      if (s) found.push({ ...s, evidence: dedupe(s.evidence).slice(0, MAX_EVIDENCE) });
    };
    add(parameterisedQueries(input));
    add(authenticationEverywhere(input));
    add(secretsFromEnvironment(input));
    add(validatedBodies(input));
    add(migrationHistory(ops));
    add(asyncHandlers(input));
    add(openApi(ops));
    add(ciRunsTests(ops));
    add(instrumented(ops));
    add(hardenedImages(ops));
    add(structuredLogs(ops));
    add(gracefulShutdown(ops));
    add(healthProbes(ops));
    add(autoscaling(ops, input));
    add(alertRules(ops));
    add(backups(ops));
    found.sort((a, b) => AREA_ORDER.indexOf(a.area) - AREA_ORDER.indexOf(b.area) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
    result.strengths.push(...found);
  },
};

function dedupe(locations: Location[]): Location[] {
  const seen = new Set<string>();
  return locations
    .map(({ snippet: _snippet, ...loc }) => loc)
    .filter((l) => {
      const key = `${l.file}:${l.startLine ?? 0}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The rule was selected and applies to this repository, so its silence means something. */
function ruleLooked(input: AssessmentInput, id: string): boolean {
  const meta = input.metas.get(id);
  return !!meta && meta.appliesWhen.every((d) => input.index.domains.has(d));
}

function openFindings(input: AssessmentInput, ...ids: string[]): number {
  return input.findings.filter((f) => ids.includes(f.ruleId) && f.status === 'open').length;
}

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`}`;
}

/** The string a module-level constant (`LOW_STOCK_SQL = "SELECT …"`) holds, for a constant passed by name. */
function moduleConstant(file: ParsedFile, node: SyntaxNode | undefined): string | undefined {
  if (node?.kind() !== 'identifier' || !/^[A-Z][A-Z0-9_]*$/.test(node.text()) || !file.ast) return undefined;
  const assignment = pyModuleAssignments(file.ast).get(node.text());
  return assignment?.length === 1 ? pyStringValue(assignment[0].field('right')) : undefined;
}

// ---- security ----

const PY_SQL_CALL = /(^|\.)(execute|executemany|fetch|fetchrow|fetchval|fetchone|fetchall|mogrify)$/;
const SQL_TEXT = /^\s*(select|insert|update|delete|with|create|alter)\b/i;

/** SQL calls that pass their parameters separately from a constant query text. */
function parameterisedQueries(input: AssessmentInput): Strength | undefined {
  if (!ruleLooked(input, 'sql-string-interpolation') || openFindings(input, 'sql-string-interpolation')) return undefined;
  const places: Location[] = [];
  const ormPlaces: Location[] = [];
  let orm = 0;
  for (const file of input.files.ofKind('python', { containing: ['execute', 'fetch', 'mogrify', 'select(', '.filter(', 'objects.'], includeTests: false })) {
    if (!file.ast) continue;
    const sqlCalls = /\.(execute|executemany|fetch\w*|mogrify)\(/.test(file.text) ? findPyCalls(file.ast, PY_SQL_CALL) : [];
    for (const call of sqlCalls) {
      const first = call.args[0];
      const sql = pyStringValue(first) ?? moduleConstant(file, first) ?? (first?.kind() === 'call' && /(^|\.)text$/.test(first.field('function')?.text() ?? '') ? pyStringValue(first.field('arguments')?.children().find((c) => c.isNamed())) : undefined);
      if (sql && SQL_TEXT.test(sql) && (call.args.length > 1 || call.keywords.size > 0 || /[%$:?]/.test(sql))) places.push(file.locate(call.node));
    }
    for (const { line } of matchLines(file, /\bselect\(\s*\w|\.objects\.(filter|get|exclude|create)\(|session\.(get|scalars|scalar)\(/g)) {
      orm++;
      if (ormPlaces.length < 3) ormPlaces.push(file.locateLines(line));
    }
  }
  for (const file of input.files.ofKind('js', { containing: ['.query(', '.execute(', 'prisma.'], includeTests: false })) {
    if (!file.ast) continue;
    const sqlCalls = /\.(query|execute)\(/.test(file.text) ? findJsCalls(file.ast, /(^|\.)(query|execute)$/) : [];
    for (const call of sqlCalls) {
      const sql = jsStringValue(call.args[0]);
      if (sql && SQL_TEXT.test(sql) && call.args.length > 1) places.push(file.locate(call.node));
    }
    orm += (file.text.match(/\bprisma\.\w+\.(find\w*|create|update|delete|upsert|count)\(/g) ?? []).length;
  }
  if (places.length + orm < 3) return undefined;
  const parts = [places.length ? `${plural(places.length, 'SQL call')} pass${places.length === 1 ? 'es' : ''} parameters separately from a constant query` : '', orm ? `${plural(orm, 'ORM query')} build${orm === 1 ? 's' : ''} SQL from expressions` : ''].filter(Boolean);
  return { title: 'Parameterised queries everywhere', detail: `${parts.join('; ')}; none interpolates data into SQL`, area: 'security', evidence: [...places, ...ormPlaces] };
}

function authenticationEverywhere(input: AssessmentInput): Strength | undefined {
  const routes = input.index.routes;
  if (routes.length < 3 || !ruleLooked(input, 'route-missing-auth') || openFindings(input, 'route-missing-auth', 'admin-route-missing-role-check')) return undefined;
  const guarded = routes.filter((r) => r.guards.length);
  const open = routes.filter((r) => !r.guards.length);
  if (!guarded.length || open.some((r) => !isPublicByDesign(r.path, r.handler.name) && !/webhook/i.test(r.path))) return undefined;
  const guards = [...new Set(guarded.flatMap((r) => r.guards.map((g) => g.name)))];
  return {
    title: 'Every route behind authentication',
    detail: `${guarded.length} of ${routes.length} routes require authentication (${guards.slice(0, 3).map((g) => `\`${g}\``).join(', ')}${guards.length > 3 ? ' …' : ''}); the ${plural(open.length, 'other route')} ${open.length === 1 ? 'is' : 'are'} public by design (${open.slice(0, 4).map((r) => `${r.method} ${r.path}`).join(', ')})`,
    area: 'security',
    evidence: guarded.flatMap((r) => r.guards.map((g) => g.at)),
  };
}

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|DSN|DATABASE_URL|CREDENTIALS)/i;

/** Secret-named settings read from the environment with no default value. */
function secretsFromEnvironment(input: AssessmentInput): Strength | undefined {
  if (!ruleLooked(input, 'hardcoded-secret') || openFindings(input, 'hardcoded-secret', 'secret-in-config-file', 'env-file-tracked', 'secret-exposed-to-browser', 'compose-hardcoded-password', 'dockerfile-secret-in-image')) return undefined;
  const places: Location[] = [];
  const names = new Set<string>();
  const addMatch = (file: ParsedFile, line: number, name: string) => {
    if (!SECRET_NAME.test(name) || /PUBLIC|PUBLISHABLE/i.test(name)) return;
    names.add(name.toUpperCase());
    places.push(file.locateLines(line));
  };
  for (const file of input.files.ofKind('python', { containing: ['environ', 'getenv', 'BaseSettings', 'SecretStr'], includeTests: false })) {
    for (const { match, line } of matchLines(file, /os\.environ\[\s*["'](\w+)["']\s*\]|os\.(?:environ\.get|getenv)\(\s*["'](\w+)["']\s*\)/g)) addMatch(file, line, match[1] ?? match[2]);
    if (/BaseSettings/.test(file.text)) for (const { match, line } of matchLines(file, /^\s+(\w+)\s*:\s*(?:SecretStr|str|PostgresDsn|AnyUrl|HttpUrl)\s*(?:#.*)?$/gm)) addMatch(file, line, match[1]);
  }
  for (const file of input.files.ofKind('js', { containing: ['process.env'], includeTests: false })) {
    for (const { match, line } of matchLines(file, /process\.env\.(\w+)(?!\s*(\?\?|\|\|))/g)) if (!/NEXT_PUBLIC_|VITE_|REACT_APP_/.test(match[1])) addMatch(file, line, match[1]);
    for (const { match, line } of matchLines(file, /^\s*(\w+)\s*:\s*z\.string\(\)(?![^\n]*\.default\()/gm)) addMatch(file, line, match[1]);
  }
  if (names.size < 2) return undefined;
  return { title: 'Secrets read from the environment', detail: `${plural(names.size, 'secret setting')} (${[...names].slice(0, 4).join(', ')}${names.size > 4 ? ' …' : ''}) come from the environment with no default value, and no secret is committed`, area: 'security', evidence: places };
}

function validatedBodies(input: AssessmentInput): Strength | undefined {
  const withBody = input.index.routes.filter((r) => r.inputs.some((i) => i.source === 'body' || i.source === 'form'));
  if (withBody.length < 3) return undefined;
  const typed = withBody.filter((r) => r.inputs.some((i) => (i.source === 'body' || i.source === 'form') && i.type && !/^(dict|Dict|Any|object|list|List|Request|bytes|str)\b/.test(i.type)));
  if (typed.length !== withBody.length) return undefined;
  const schemas = [...new Set(typed.flatMap((r) => r.inputs.filter((i) => i.source === 'body' || i.source === 'form').map((i) => i.type!)))];
  return { title: 'Request bodies validated by schemas', detail: `${typed.length} of ${withBody.length} routes that take a body declare its schema (${schemas.slice(0, 4).map((s) => `\`${s}\``).join(', ')}${schemas.length > 4 ? ' …' : ''})`, area: 'security', evidence: typed.map((r) => r.at) };
}

// ---- data, concurrency, documentation ----

function migrationHistory(ops: OperationsFacts): Strength | undefined {
  const m = migrationView(ops);
  if (!m.histories.length) return undefined;
  return {
    title: 'Versioned database migrations',
    detail: `${m.histories.map((h) => h.label).join('; ')}${m.runs.length ? `; ${m.runs[0].label}` : '; not yet applied by the deployment'}`,
    area: 'data-model',
    evidence: [...m.histories.map((h) => h.at), ...m.runs.map((r) => r.at)],
  };
}

function asyncHandlers(input: AssessmentInput): Strength | undefined {
  const routes = input.index.routes.filter((r) => ['fastapi', 'starlette', 'aiohttp'].includes(r.framework));
  if (routes.length < 3 || !ruleLooked(input, 'async-blocking-call') || openFindings(input, 'async-blocking-call')) return undefined;
  const asyncRoutes = routes.filter((r) => r.handler.isAsync);
  if (asyncRoutes.length / routes.length < 0.9) return undefined;
  return { title: 'Async handlers throughout', detail: `${asyncRoutes.length} of ${routes.length} handlers are \`async\`, and no blocking call was found in them`, area: 'concurrency', evidence: asyncRoutes.map((r) => r.at) };
}

function openApi(ops: OperationsFacts): Strength | undefined {
  const served = ops.docs.apiDocs.filter((d) => d.served || d.kind === 'openapi-file');
  if (!served.length) return undefined;
  return { title: 'OpenAPI documentation', detail: served.map((d) => d.label).join('; '), area: 'documentation', evidence: served.map((d) => d.at) };
}

// ---- infrastructure ----

function ciRunsTests(ops: OperationsFacts): Strength | undefined {
  const ci = ciView(ops);
  const testing = ci.pipelines.filter((p) => p.jobs.some((j) => j.steps.some((s) => s.kinds.includes('test'))));
  if (!testing.length) return undefined;
  const triggers = [...new Set(testing.flatMap((p) => p.triggers))].filter((t) => ['push', 'pull_request', 'merge_request'].includes(t));
  const also = [ci.lint.length ? 'lint' : '', ci.typecheck.length ? 'type checks' : '', ci.security.length ? `security scans (${[...new Set(ci.security.flatMap((s) => s.tools.filter((t) => t.kind === 'security').map((t) => t.tool)))].join(', ')})` : ''].filter(Boolean);
  const tools = [...new Set(ci.tests.flatMap((s) => s.tools.filter((t) => t.kind === 'test').map((t) => t.tool)))];
  return {
    title: triggers.length ? `CI runs the tests on every ${triggers.map((t) => t.replace('_', ' ')).join(' and ')}` : 'CI runs the tests',
    detail: `${testing.map((p) => p.file).join(', ')} run${testing.length === 1 ? 's' : ''} ${tools.join(', ')}${also.length ? `, with ${also.join(', ')}` : ''}`,
    area: 'testing',
    evidence: [...testing.map((p) => p.at), ...ci.tests.map((s) => s.at), ...ci.security.map((s) => s.at)],
  };
}

function instrumented(ops: OperationsFacts): Strength | undefined {
  const errors = errorTrackingByService(ops);
  const metrics = monitoringByService(ops);
  if (!errors.length) return undefined;
  const allErrors = errors.every((e) => e.tools.length);
  const allMetrics = metrics.length > 0 && metrics.every((m) => m.tools.length);
  if (!allErrors && !allMetrics) return undefined;
  const names = [...new Set([...(allErrors ? errors.flatMap((e) => e.tools.map((t) => t.name)) : []), ...(allMetrics ? metrics.flatMap((m) => m.tools.map((t) => t.name)) : [])])];
  const what = allErrors && allMetrics ? 'errors and metrics' : allErrors ? 'errors' : 'metrics';
  return {
    title: `${names.join(' and ')} instrumented`,
    detail: `every service reports its ${what} (${names.join(', ')})`,
    area: 'infrastructure',
    evidence: [...(allErrors ? errors.flatMap((e) => e.tools.map((t) => t.at)) : []), ...(allMetrics ? metrics.flatMap((m) => m.tools.map((t) => t.at)) : [])],
  };
}

function hardenedImages(ops: OperationsFacts): Strength | undefined {
  const images = deploymentView(ops).images;
  if (!images.length || !images.every((i) => i.user === 'non-root' && !i.unpinned && i.healthcheck)) return undefined;
  const multi = images.every((i) => i.stages > 1);
  return {
    title: `Non-root${multi ? ' multi-stage' : ''} container image${images.length === 1 ? '' : 's'} with a HEALTHCHECK`,
    detail: images.map((i) => `${i.file.path} (${i.stages} stage${i.stages === 1 ? '' : 's'}, base \`${i.base}\`)`).join('; '),
    area: 'infrastructure',
    evidence: images.flatMap((i) => [i.from, ...(i.userAt ? [i.userAt] : []), ...(i.healthcheck ? [i.healthcheck] : [])]),
  };
}

function structuredLogs(ops: OperationsFacts): Strength | undefined {
  const logging = loggingByService(ops);
  if (!logging.length || !logging.every((l) => l.structured.length)) return undefined;
  return { title: 'Structured JSON logging', detail: logging.map((l) => l.structured[0].label).join('; '), area: 'infrastructure', evidence: logging.flatMap((l) => l.structured.map((s) => s.at)) };
}

function gracefulShutdown(ops: OperationsFacts): Strength | undefined {
  const services = shutdownByService(ops);
  if (!services.length || !services.every((s) => s.verdict === 'handled' || s.verdict === 'framework') || !services.some((s) => s.verdict === 'handled')) return undefined;
  return { title: 'Graceful shutdown', detail: services.map((s) => s.detail).join('; '), area: 'infrastructure', evidence: services.flatMap((s) => [...s.handlers.map((h) => h.at), ...(s.entry?.gracefulTimeout ? [s.entry.at] : [])]) };
}

function healthProbes(ops: OperationsFacts): Strength | undefined {
  const health = healthByService(ops).filter((h) => h.service.framework !== 'nextjs');
  const probes = ops.deployment.probes;
  if (!health.length || !probes.length || !health.every((h) => h.endpoints.length)) return undefined;
  const endpoints = health.flatMap((h) => h.endpoints);
  const describe = health.map((h) => `${health.length > 1 ? `${h.service.name}: ` : ''}${h.endpoints.map((e) => `${e.method} ${e.path}${e.checks.length ? ` (checks ${e.checks.join(', ')})` : ''}`).join(', ')}`);
  return {
    title: 'Health endpoints probed by the platform',
    detail: `${describe.join('; ')}; probed by ${probes.map((p) => p.label).slice(0, 3).join(', ')}`,
    area: 'infrastructure',
    evidence: [...endpoints.map((e) => e.at), ...probes.map((p) => p.at)],
  };
}

function autoscaling(ops: OperationsFacts, input: AssessmentInput): Strength | undefined {
  const s = scalingView(ops);
  if (!s.autoscalers.length || s.single.length) return undefined;
  if (input.findings.some((f) => f.status === 'open' && ['Shared State', 'Horizontal Scaling'].includes(input.metas.get(f.ruleId)?.scorecard ?? ''))) return undefined;
  return { title: 'Autoscaling configured', detail: s.autoscalers.map((a) => `${a.target}: ${a.min}–${a.max} replicas`).join('; '), area: 'infrastructure', evidence: s.autoscalers.map((a) => a.at) };
}

function alertRules(ops: OperationsFacts): Strength | undefined {
  const rules = ops.observability.alertRules;
  if (!rules.length) return undefined;
  return { title: 'Alert rules kept as code', detail: [...rules, ...ops.observability.alertReceivers].map((r) => r.label).join('; '), area: 'infrastructure', evidence: [...rules, ...ops.observability.alertReceivers].map((r) => r.at) };
}

function backups(ops: OperationsFacts): Strength | undefined {
  const b = backupView(ops);
  if (!b.relevant || !(b.backups.length || b.managedWithBackups.length) || !(b.restores.length || b.managedWithBackups.length) || b.disabled.length) return undefined;
  return { title: 'Backups with a restore procedure', detail: [...b.backups, ...b.managedWithBackups, ...b.restores].map((x) => x.label).join('; '), area: 'infrastructure', evidence: [...b.backups, ...b.managedWithBackups, ...b.restores].map((x) => x.at) };
}
