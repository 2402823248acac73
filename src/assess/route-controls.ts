/**
 * The route control matrix: every route of the route model against the controls it needs —
 * authentication, authorization, an input schema, a rate limit, CSRF protection (only where a
 * cookie authenticates), an audit log (where personal data is touched) and an upload size limit
 * (upload routes) — each `yes`, `no`, `n/a` or `unknown`, a `no` linked to the open finding
 * behind it when a rule reported one.
 *
 * It lives with the assessments because it reads the findings (a fact cannot: facts are built
 * before the rules run) and rolls up into scorecard rows ("Rate Limiting: 3 of 22 routes
 * limited"). Positive evidence comes from facts (src/facts/rate-limits.ts, web-controls.ts, the
 * route guards); where neither a finding nor a fact settles a control, it is `unknown` — never a
 * guessed `yes`.
 */
import type { RouteControl, RouteControlState, ScorecardEntry } from '../model/audit-report.ts';
import type { Finding } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import type { RepoIndex, Route } from '../model/repo-index.ts';
import type { ScorecardRow } from '../model/rule.ts';
import { rateLimiterFacts, routeLimitState, type LimiterFacts } from '../facts/rate-limits.ts';
import { isPublicByDesign, isStateChangingMethod } from '../facts/routes/guard-names.ts';
import { auditLogging, AUDIT_LOG_CALL, cookieAuthentication, csrfDefence, hasProjectSizeLimit, PERSONAL_DATA_NAME, type ControlEvidence } from '../facts/web-controls.ts';
import { jsLocalCallees } from '../parse/js-syntax.ts';
import { pyLocalCallees } from '../parse/python-syntax.ts';

export type RouteControls = Partial<Record<RouteControl, RouteControlState>>;

export interface ControlMatrixInput {
  index: RepoIndex;
  files: ParsedFiles;
  findings: readonly Finding[];
  /** Rule id → scorecard row, for the selected rules. */
  rowOf: ReadonlyMap<string, string>;
}

export interface ControlMatrix {
  /** One entry per route of `index.routes`, same order. */
  routes: RouteControls[];
  /** One line per scorecard row the matrix speaks to, prepended to the row's notes. */
  rollup: Partial<Record<ScorecardRow, string>>;
}

/** Routes that need no rate limit: probes, metrics, docs. */
const INFRA_PATH = /(^|\/)(health|healthz|healthcheck|ready|readyz|livez|live|ping|metrics|version|docs|redoc|openapi\.json|swagger|favicon\.ico|robots\.txt)(\/|$)/i;
/** Types of a request body that are not a schema. */
const RAW_BODY_TYPE = /^((dict|Dict|list|List|Mapping|MutableMapping|Sequence)(\[.*\])?|Any|object|Request|bytes|str|Json|JsonValue)$/;
/** Validation calls in a handler: pydantic/marshmallow/DRF/Django forms in Python, zod/joi/yup/class-validator in JS. */
const VALIDATION_CALL =
  /\.(model_validate|parse_obj|parse_raw|validate_python|load|loads_schema|is_valid|validate_on_submit|safeParse|parseAsync|safeParseAsync|validateSync|validateAsync|validate)\(|\bSerializer\(\s*data\s*=|\w+Form\(\s*(request\.(POST|form)|data\s*=)|\b\w+Schema\(\)\.load\(|\bvalidate\(\s*\w+Schema|\bcelebrate\(|\bvalidationResult\(|\bplainToInstance\(|\bz\.\w+\(.*\)\.parse\(|\b[A-Z]\w*\(\s*\*\*\s*(await\s+)?request\.(json|get_json)/;
const UPLOAD_TEXT = /\bUploadFile\b|request\.files\b|request\.FILES\b|\bmulter\b|req\.files?\b|\.formData\(\)|\bFileField\b|\bsecure_filename\(|\.stream\.read\(/;
const SIZE_CHECK = /\.size\b|\blen\(\s*\w+\s*\)\s*>|\.read\(\s*[A-Z_]\w*|fileSize|MAX_(UPLOAD|FILE|CONTENT|BYTES|SIZE)\w*|max_size|content_length|contentLength/;
/** A guard that checks more than identity: a role, a permission, membership or ownership (the `permission_classes:` label itself is not one). */
const ROLE_GUARD = /admin|role|permission|perms?\b|scope|staff|superuser|owner|(^|[_(.])own_|member|tenant|has_perm|can_|policy|authori[sz]/i;
const roleGuards = (route: Route) =>
  route.guards.map((g) => g.name.replace(/^permission_classes:\s*/, '')).flatMap((n) => n.split(/,\s*/)).filter((n) => ROLE_GUARD.test(n) && !/^IsAuthenticated(OrReadOnly)?$/.test(n));
const WEBHOOK = /webhook|callback|hook(s)?(\/|$)/i;

export function routeControlMatrix(input: ControlMatrixInput): ControlMatrix {
  const { index, files, findings, rowOf } = input;
  const open = findings.filter((f) => f.status === 'open');
  const byRow = (row: string) => open.filter((f) => rowOf.get(f.ruleId) === row);
  const auth = open.filter((f) => f.ruleId === 'route-missing-auth');
  const authz = byRow('Authorization');
  const schema = byRow('Request Validation');
  const rate = open.filter((f) => f.ruleId === 'rate-limit-missing');
  const csrf = byRow('CSRF Protection');
  const audit = byRow('Audit Logging');
  const upload = byRow('File Upload Security');
  const authRan = rowOf.has('route-missing-auth');
  const schemaRuleRan = [...rowOf.values()].includes('Request Validation');

  const limiter = rateLimiterFacts(index, files);
  const noLimiterFinding = rate.find((f) => f.messageId === 'noRateLimitAnywhere');
  const cookieAuth = cookieAuthentication(index, files);
  const csrfGuard = cookieAuth ? csrfDefence(index, files) : undefined;
  const appCsrfFindings = csrf.filter((f) => ['flaskNoCsrf', 'middlewareRemoved', 'csrfDisabled'].includes(f.messageId));
  const audits = auditLogging(files);
  const sizeLimit = hasProjectSizeLimit(index, files);

  const routes = index.routes.map((route): RouteControls => {
    const file = files.get(route.handler.file);
    const scope = handlerScopeText(route, file);
    const inRoute = (f: Finding) => isInRoute(f, route);
    const publicByDesign = isPublicByDesign(route.path, route.handler.name) || WEBHOOK.test(route.path);
    const controls: RouteControls = {};

    // Authentication: a guard at route, router or app level; the finding of route-missing-auth; public by design.
    const authFinding = auth.find(inRoute);
    if (route.guards.length) controls.authentication = { state: 'yes', note: route.guards.map((g) => g.name).join(', ') };
    else if (authFinding) controls.authentication = { state: 'no', finding: authFinding.id };
    else if (publicByDesign) controls.authentication = { state: 'n/a', note: 'public by design' };
    else if (authRan) controls.authentication = { state: 'n/a', note: 'serves nothing that needs a login (static page or provider callback)' };
    else controls.authentication = { state: 'unknown', note: 'route-missing-auth did not run' };

    // Authorization: a finding of an Authorization rule in the handler; a role guard; nothing to authorize without a caller.
    const authzFinding = authz.find(inRoute);
    if (authzFinding) controls.authorization = { state: 'no', finding: authzFinding.id };
    else if (controls.authentication.state === 'n/a') controls.authorization = { state: 'n/a', note: controls.authentication.note };
    else if (controls.authentication.state === 'no') controls.authorization = { state: 'no', finding: authFinding?.id, note: 'no authenticated caller to authorize' };
    else if (roleGuards(route).length) controls.authorization = { state: 'yes', note: roleGuards(route).join(', ') };
    else controls.authorization = { state: 'unknown', note: 'ownership and role checks inside the handler cannot be told apart from the code' };

    // Input schema: routes that take a body, a form or WebSocket messages. A provider callback's payload is
    // the provider's (its control is the signature check, the Webhook Security row).
    const providerCallback = !route.guards.length && !authFinding && publicByDesign === false && controls.authentication.state === 'n/a';
    controls.inputSchema =
      WEBHOOK.test(route.path) || providerCallback
        ? { state: 'n/a', note: "the provider's payload: its control is the signature check" }
        : inputSchemaState(route, scope, schema.find(inRoute), schemaRuleRan);

    // Rate limit.
    controls.rateLimit = rateLimitState(route, file, files, limiter, rate.find(inRoute), noLimiterFinding);

    // CSRF: state-changing routes of an app that authenticates with a cookie.
    const csrfFinding = csrf.find((f) => inRoute(f) || f.related.some((r) => sameLine(r, route.at.file, route.at.startLine)));
    if (!isStateChangingMethod(route.method) || route.method === 'ANY') controls.csrf = { state: 'n/a', note: 'does not change state' };
    else if (csrfFinding) controls.csrf = { state: 'no', finding: csrfFinding.id };
    else if (WEBHOOK.test(route.path)) controls.csrf = { state: 'n/a', note: 'webhook: no browser cookie involved' };
    else if (!cookieAuth) controls.csrf = { state: 'n/a', note: 'no cookie-based authentication' };
    else {
      const appFinding = appCsrfFindings.find((f) => f.messageId !== 'flaskNoCsrf' || route.framework === 'flask');
      if (appFinding && route.framework === 'flask' && /request\.(get_json|json)\b/.test(scope) && !/request\.(form|values|files)\b/.test(scope))
        controls.csrf = { state: 'n/a', note: 'JSON only: a cross-site form cannot send it' };
      else if (appFinding) controls.csrf = { state: 'no', finding: appFinding.id };
      else if (csrfGuard) controls.csrf = { state: 'yes', note: csrfGuard.what };
      else controls.csrf = { state: 'no', note: `cookie authentication (${cookieAuth.what}) and no CSRF protection found` };
    }

    // Audit log: routes that name personal data.
    controls.auditLog = auditLogState(route, scope, audit.find(inRoute), audits);

    // Upload size limit: upload routes only.
    const uploadFindings = upload.filter(inRoute);
    const isUpload = route.inputs.some((i) => i.source === 'file') || UPLOAD_TEXT.test(scope) || uploadFindings.length > 0;
    const noSize = uploadFindings.find((f) => f.messageId === 'noSizeLimit');
    if (!isUpload) controls.uploadLimit = { state: 'n/a', note: 'not an upload route' };
    else if (noSize) controls.uploadLimit = { state: 'no', finding: noSize.id };
    else if (sizeLimit) controls.uploadLimit = { state: 'yes', note: 'a body-size cap applies to every request' };
    else if (SIZE_CHECK.test(scope)) controls.uploadLimit = { state: 'yes', note: 'the handler checks the size' };
    else controls.uploadLimit = { state: 'unknown', note: 'no size check found, and no rule reported the upload' };
    return controls;
  });
  return { routes, rollup: rollup(index.routes, routes, cookieAuth) };
}

function inputSchemaState(route: Route, scope: string, finding: Finding | undefined, ruleRan: boolean): RouteControlState {
  if (['GET', 'HEAD', 'OPTIONS'].includes(route.method)) return { state: 'n/a', note: 'takes no body' };
  const payload = route.inputs.filter((i) => i.source === 'body' || i.source === 'form' || i.source === 'websocket');
  const readsBody = /request\.(json|get_json|form|data|body|POST)\b|await\s+request\.(json|form|body)\(|req\.body\b|\.receive_(json|text)\(|await\s+req\.json\(\)|request\.json\(\)|\.validate_on_submit\(/.test(scope);
  // A view whose handler is inherited (a DRF viewset action, a generic view) cannot be read.
  if (!route.handler.node && !payload.length && ['POST', 'PUT', 'PATCH'].includes(route.method)) return { state: 'unknown', note: 'the handler is inherited and cannot be read' };
  if (!payload.length && !readsBody) return { state: 'n/a', note: 'takes no body' };
  if (finding) return { state: 'no', finding: finding.id };
  const typed = payload.filter((i) => i.type && !RAW_BODY_TYPE.test(i.type.replace(/\s+/g, '')) && /^[A-Z]/.test(i.type));
  if (typed.length) return { state: 'yes', note: [...new Set(typed.map((i) => i.type))].join(', ') };
  if (VALIDATION_CALL.test(scope)) return { state: 'yes', note: 'validated in the handler' };
  // A Request Validation rule looked at this handler and reported nothing: it may validate in a way not read here.
  if (ruleRan) return { state: 'unknown', note: 'no schema found, and no rule reported the body' };
  const raw = payload.find((i) => !i.type || RAW_BODY_TYPE.test(i.type.replace(/\s+/g, '')));
  if (raw || readsBody) return { state: 'no', note: raw?.type ? `body read as \`${raw.type}\` without a schema` : 'body read without a schema' };
  return { state: 'unknown' };
}

function rateLimitState(route: Route, file: ParsedFile | undefined, files: ParsedFiles, limiter: LimiterFacts, finding: Finding | undefined, anywhere: Finding | undefined): RouteControlState {
  if (INFRA_PATH.test(route.path)) return { state: 'n/a', note: 'health, metrics or docs' };
  if (finding && finding.messageId !== 'noRateLimitAnywhere') return { state: 'no', finding: finding.id };
  if (!limiter.name) return { state: 'no', ...(anywhere ? { finding: anywhere.id } : {}), note: 'no rate limiter in the application' };
  if (limiter.coversAll) return { state: 'yes', note: limiter.name };
  if (limiter.authLockout && /\b(login|signin|sign-in|token|auth|admin)\b|login|token/i.test(`${route.path} ${route.handler.name}`))
    return { state: 'yes', note: `${limiter.name} locks out repeated failed logins` };
  if (file && routeLimitState(route, file, files, limiter.drfDefault ?? false).limited)
    return { state: 'yes', note: limiter.drfDefault && /\w(ViewSet|APIView)\b/.test(route.handler.name) ? "DRF's default throttles" : limiter.name };
  return { state: 'no', note: `not limited, although the application uses ${limiter.name}` };
}

function auditLogState(route: Route, scope: string, finding: Finding | undefined, audits: { writers: unknown[]; middleware?: ControlEvidence }): RouteControlState {
  const names = [route.path, route.handler.name, ...route.inputs.map((i) => i.name)].join(' ');
  if (INFRA_PATH.test(route.path)) return { state: 'n/a', note: 'health, metrics or docs' };
  if (!PERSONAL_DATA_NAME.test(names.replace(/[{}<>:[\]]/g, ' '))) return { state: 'n/a', note: 'no personal data named' };
  if (finding) return { state: 'no', finding: finding.id };
  if (audits.middleware) return { state: 'yes', note: audits.middleware.what };
  if (AUDIT_LOG_CALL.test(scope)) return { state: 'yes', note: 'the handler writes an audit record' };
  if (!audits.writers.length) return { state: 'no', note: 'the application writes no audit log' };
  return { state: 'unknown', note: 'the application writes audit records, but none is visible in this handler' };
}

/** The handler's text plus the same-file helpers it calls (two levels), for evidence inside the handler. */
function handlerScopeText(route: Route, file: ParsedFile | undefined): string {
  const fn = route.handler.node;
  if (!fn) return '';
  if (!file?.ast) return fn.text();
  const callees = fn.kind() === 'function_definition' ? pyLocalCallees(fn, file.ast, 2) : jsLocalCallees(fn, file.ast, 2);
  return [fn, ...callees].map((n) => n.text()).join('\n');
}

/** A finding at the route's declaration or inside its handler. */
function isInRoute(f: Finding, route: Route): boolean {
  const { file, startLine } = f.location;
  if (startLine === undefined) return false;
  if (file === route.at.file && startLine === route.at.startLine) return true;
  if (file !== route.handler.file) return false;
  const start = route.at.file === route.handler.file ? Math.min(route.at.startLine ?? route.handler.startLine, route.handler.startLine) : route.handler.startLine;
  return startLine >= start && startLine <= route.handler.endLine;
}

function sameLine(location: { file: string; startLine?: number }, file: string, line: number | undefined): boolean {
  return location.file === file && location.startLine !== undefined && location.startLine === line;
}

const CONTROL_ROWS: { control: RouteControl; row: ScorecardRow; label: string; noun: [string, string] }[] = [
  { control: 'authorization', row: 'Authorization', label: 'role or permission check visible', noun: ['route', 'routes'] },
  { control: 'inputSchema', row: 'Request Validation', label: 'body parsed into a schema', noun: ['route taking a body', 'routes taking a body'] },
  { control: 'rateLimit', row: 'Rate Limiting', label: 'rate-limited', noun: ['route', 'routes'] },
  { control: 'csrf', row: 'CSRF Protection', label: 'CSRF-protected', noun: ['state-changing route', 'state-changing routes'] },
  { control: 'auditLog', row: 'Audit Logging', label: 'audit record written', noun: ['route touching personal data', 'routes touching personal data'] },
  { control: 'uploadLimit', row: 'File Upload Security', label: 'upload size limit', noun: ['upload route', 'upload routes'] },
];

/** "rate-limited: 3 of 22 routes (2 unknown)": the matrix as one line per scorecard row. */
function rollup(routes: Route[], controls: RouteControls[], cookieAuth: ControlEvidence | undefined): Partial<Record<ScorecardRow, string>> {
  const out: Partial<Record<ScorecardRow, string>> = {};
  if (!routes.length) return out;
  for (const { control, row, label, noun } of CONTROL_ROWS) {
    if (control === 'csrf' && !cookieAuth) {
      out[row] = 'no cookie-based authentication, so CSRF does not apply to the routes';
      continue;
    }
    const states = controls.map((c) => c[control]?.state ?? 'unknown');
    const applicable = states.filter((s) => s !== 'n/a').length;
    const yes = states.filter((s) => s === 'yes').length;
    // A line of nothing but unknowns tells the reader nothing the matrix does not.
    if (!applicable || yes + states.filter((s) => s === 'no').length === 0) continue;
    const unknown = states.filter((s) => s === 'unknown').length;
    out[row] = `${label}: ${yes} of ${applicable} ${noun[applicable === 1 ? 0 : 1]}${unknown ? ` (${unknown} unknown)` : ''}`;
  }
  return out;
}

/**
 * Prepend the matrix's line to every scorecard row of that name, in whichever area the row ended
 * up (a rule row, or one an assessment produced or merged), except rows that do not apply.
 */
export function applyControlRollup<T extends Record<string, ScorecardEntry[]>>(scorecards: T, rollup: Partial<Record<ScorecardRow, string>>): T {
  const out: Record<string, ScorecardEntry[]> = {};
  for (const [area, rows] of Object.entries(scorecards)) {
    out[area] = rows.map((row) => {
      const line = rollup[row.name as ScorecardRow];
      if (!line || row.status === 'N/A' || row.notes.startsWith(line)) return row;
      return { ...row, notes: row.notes ? `${line}; ${row.notes}` : line };
    });
  }
  return out as T;
}
