import { isAuthGuardName } from '../../facts/routes/guard-names.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule, type ReportInput } from '../../model/rule.ts';
import { describeJsCall, enclosingJsFunction, findJsCalls, isJsFunction, jsLocalCallees, jsStringValue } from '../../parse/js-syntax.ts';
import {
  describePyCall,
  findPyCalls,
  pyClientInputParameters,
  pyLocalCallees,
  pyParameters,
  pyRouteDecorators,
  pyStringValue,
} from '../../parse/python-syntax.ts';

const IDENTITY = '(tenant|user|org|organization|organisation|account|workspace|company|owner|team)';
/** Parameter / field names that say whose data a request touches. */
const IDENTITY_NAME = new RegExp(`^(x_)?${IDENTITY}_?id$`, 'i');
/** `DEFAULT_TENANT_ID`, `DEMO_USER_ID`, `ACCOUNT_ID`; not `SYSTEM_USER_ID` (a deliberate actor). */
const IDENTITY_CONSTANT = new RegExp(`^((DEFAULT|DEMO|TEST|FIXED|HARDCODED|STATIC|DUMMY|MOCK|FAKE|PLACEHOLDER|TEMP|SINGLE|FALLBACK)_)?${IDENTITY.toUpperCase()}_?ID$`);
/** Header / key spellings of an identity (`tenant_id`, `X-Tenant-ID`, `userId`), compared without punctuation. */
const IDENTITY_KEY = /^x?(tenant|user|org|organization|organisation|account|workspace|company|owner|team)id$/;
/** Seeds, fixtures, migrations, scripts and examples hold ids on purpose. */
const NON_SHIPPED_PATH = /(^|\/)(seeds?|fixtures?|migrations?|alembic|scripts?|examples?|samples?|demo|docs?)(\/|[._-])|(^|\/)(seed|conftest|manage)\.py$|example/i;
/** Reads that narrow by the value; when the same call also names the user, the read stays within the user's data. */
const SCOPED_READ = /(^|\.)(filter|filter_by|where|get|find|find_one|find_many|select|query|fetch|fetchrow|fetchval|scalars|scalar|execute)$/;
/** Calls that read or write data with the value: ORM filters, inserts, updates, raw queries, document stores. */
const DATA_CALL =
  /(^|\.)(filter|filter_by|where|get|get_or_create|update_or_create|create|insert|insert_one|insert_many|update|update_one|update_many|upsert|add|execute|fetch|fetchrow|fetchval|find|find_one|find_many|select|query|delete|delete_one|delete_many|values|scalars|scalar)$/;
/** Names of helpers that check the request's identity against the user's. */
const ACCESS_CHECK = /(check|authori[sz]e|ensure|require|assert|verify|can_|has_access|is_member|permission|belongs)/i;

type MessageId = 'hardcodedDefault' | 'identityFromRequest';
type Report = (r: ReportInput<MessageId>) => void;

export default defineRule({
  meta: {
    id: 'tenant-id-hardcoded',
    category: 'security',
    title: 'Tenant or user identity not taken from the authenticated user',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Authorization',
    effortHours: 3,
    fixScope: 'app',
    fixTitle: 'Take tenant and user identity from the authenticated principal (one shared dependency)',
    messages: {
      hardcodedDefault: '`{{handler}}` uses the hard-coded identity `{{value}}` ({{code}}) instead of the authenticated user\'s.',
      identityFromRequest:
        '`{{method}} {{path}}` ({{handler}}) takes `{{expr}}` from the request and uses it in `{{use}}` without comparing it with the authenticated `{{user}}`.',
    },
    why: [
      'Which tenant or user a request acts for must come from the verified identity (the session, the token), never from a default or from the request itself.',
      '',
      '- A hard-coded `DEFAULT_TENANT_ID` or `user_id = "1"` fallback means every caller that omits the value, or every caller at all when auth is missing, reads and writes the data of that one tenant. In a multi-tenant product this mixes customers\' data.',
      '- A `tenant_id` or `user_id` taken from the body or query lets any logged-in user act on another account by changing one field (broken object-level authorization, IDOR).',
    ].join('\n'),
    fix: [
      'Derive the identity from the authenticated user and ignore (or reject) the one in the request; make a missing identity an error, not a default.',
      '',
      '```python',
      '@router.post("/documents")',
      'async def create_document(payload: DocumentIn, user: User = Depends(get_current_user), db: Session = Depends(get_db)):',
      '    doc = Document(title=payload.title, tenant_id=user.tenant_id, owner_id=user.id)',
      '    db.add(doc)',
      '    db.commit()',
      '    return doc',
      '```',
      'Flask-Login and Django carry the identity on the session: `Note(user_id=current_user.id, …)`, `Contact.objects.filter(organization_id=request.user.organization_id)`.',
      '',
      'When an admin really may act for another tenant, check it explicitly: `if payload.tenant_id != user.tenant_id and not user.is_admin: raise HTTPException(403)`.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': [
          'from fastapi import FastAPI',
          '',
          'app = FastAPI()',
          'DEFAULT_TENANT_ID = "3f1c6a52-5d7e-4a8e-9a51-0b6f2f9c1e11"',
          '',
          '',
          '@app.get("/documents")',
          'async def list_documents(tenant_id: str = DEFAULT_TENANT_ID):',
          '    return await db.fetch("SELECT * FROM documents WHERE tenant_id = $1", tenant_id)',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': [
          'from fastapi import Depends, FastAPI',
          '',
          'from auth import get_current_user',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.get("/documents")',
          'async def list_documents(user=Depends(get_current_user)):',
          '    return await db.fetch("SELECT * FROM documents WHERE tenant_id = $1", user.tenant_id)',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [639, 284],
      owasp: ['A01:2021', 'API1:2023'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Insecure_Direct_Object_Reference_Prevention_Cheat_Sheet.html'],
    },
  },
  check({ index, files, report }) {
    const seen = new Set<string>();
    const emit: Report = (r) => {
      const key = `${r.at.file}:${r.at.startLine}:${r.messageId}`;
      if (seen.has(key)) return;
      seen.add(key);
      report(r);
    };
    const noAuthAnywhere = index.routes.length > 0 && !index.routes.some((r) => r.guards.length);
    const severity = noAuthAnywhere ? 'critical' : 'high';
    const constants = identityConstants(files);
    const dependencyNames = dependencyFunctionNames(files);

    for (const file of files.ofKind('python', { includeTests: false })) {
      if (!file.ast || NON_SHIPPED_PATH.test(file.path)) continue;
      const handlers = requestFunctions(file, index.routes, dependencyNames);
      for (const fn of handlers) checkDefaults(file, fn, handlers, constants, severity, emit);
    }

    const jsConstants = jsIdentityConstants(files);
    for (const route of index.routes) {
      const fn = route.handler.node;
      const file = files.get(route.handler.file);
      if (!fn || !file?.ast || file.isTest || NON_SHIPPED_PATH.test(file.path)) continue;
      if (fn.kind() === 'function_definition') checkIdentityFromRequest(file, route, fn, emit);
      else if (isJsFunction(fn)) {
        checkJsDefaults(file, route, fn, jsConstants, severity, emit);
        checkJsIdentityFromRequest(file, route, fn, emit);
      }
    }
  },
});

// ---------------------------------------------------------------- (a) hard-coded defaults

/** Module-level `DEFAULT_TENANT_ID = "…"` / `USER_ID = 1` with a literal value, by name. */
function identityConstants(files: ParsedFiles): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files.ofKind('python', { containing: ['_ID'], includeTests: false })) {
    if (!file.ast || NON_SHIPPED_PATH.test(file.path)) continue;
    for (const statement of file.ast.children()) {
      const assign = statement.kind() === 'expression_statement' ? statement.child(0) : undefined;
      if (assign?.kind() !== 'assignment') continue;
      const name = assign.field('left')?.text() ?? '';
      const value = assign.field('right');
      if (!IDENTITY_CONSTANT.test(name) || !value) continue;
      const literal = literalIdentity(value);
      if (literal !== undefined) out.set(name, literal);
    }
  }
  return out;
}

/** `"acme"`, `42`, `UUID("…")`; undefined for anything read at run time or empty. */
function literalIdentity(node: SyntaxNode): string | undefined {
  if (node.kind() === 'integer') return node.text() === '0' ? undefined : node.text(); // 0 is a sentinel, not an id
  const text = pyStringValue(node);
  if (text !== undefined) return text.trim() ? node.text() : undefined;
  const call = describePyCall(node);
  if (call && /(^|\.)UUID$/.test(call.callee) && pyStringValue(call.args[0])) return node.text();
  return undefined;
}

/** Functions that serve a request: route handlers, `Depends(...)` providers, and the same-file helpers they call. */
/** Names passed to `Depends(...)` anywhere in the project: dependencies run per request like handlers. */
function dependencyFunctionNames(files: ParsedFiles): Set<string> {
  const names = new Set<string>();
  for (const file of files.ofKind('python', { containing: ['Depends('], includeTests: false }))
    for (const call of findPyCalls(file.ast, /(^|\.)Depends$/)) if (call.args[0]?.kind() === 'identifier') names.add(call.args[0].text());
  return names;
}

function requestFunctions(file: ParsedFile, routes: Route[], dependencyNames: Set<string>): SyntaxNode[] {
  const out = new Map<number, SyntaxNode>();
  const routeStarts = new Set(routes.filter((r) => r.handler.file === file.path && r.handler.node).map((r) => r.handler.node!.range().start.index));
  // Without a route here, a decorator (`@`) or the name of a dependency in the text, no function of the file can qualify.
  if (!routeStarts.size && !file.text.includes('@') && ![...dependencyNames].some((name) => file.text.includes(name))) return [];
  for (const fn of file.findAll({ kind: 'function_definition' })) {
    const isRoute = routeStarts.has(fn.range().start.index) || pyRouteDecorators(fn).length > 0;
    if (!isRoute && !dependencyNames.has(fn.field('name')?.text() ?? '')) continue;
    out.set(fn.range().start.index, fn);
    for (const helper of pyLocalCallees(fn, file.ast!, 1)) out.set(helper.range().start.index, helper);
  }
  return [...out.values()];
}

function checkDefaults(file: ParsedFile, fn: SyntaxNode, handlers: SyntaxNode[], constants: Map<string, string>, severity: 'critical' | 'high', emit: Report): void {
  const handler = fn.field('name')?.text() ?? 'handler';
  // Ranges read once: a native `range()` call per handler per node made this quadratic on files with thousands of routes.
  const own = fn.range();
  const inner = handlerRanges(handlers).filter(([start, end]) => start > own.start.index && end <= own.end.index);
  const nested = (node: SyntaxNode) => {
    if (!inner.length) return false;
    const r = node.range();
    return inner.some(([start, end]) => start <= r.start.index && r.end.index <= end);
  };

  // tenant_id: str = DEFAULT_TENANT_ID / user_id: str = Query("1") / org_id: int = 7
  for (const param of pyParameters(fn)) {
    if (!IDENTITY_NAME.test(param.name) || !param.default) continue;
    const value = defaultIdentity(param.default, constants);
    if (value) emit({ messageId: 'hardcodedDefault', at: file.locate(param.node), data: { handler, value, code: `parameter \`${firstLine(param.node.text())}\`` }, severity });
  }

  // DEFAULT_TENANT_ID used in the body: `x or DEFAULT_TENANT_ID`, `tenant_id=DEFAULT_TENANT_ID`, `.get("tenant_id", DEFAULT_TENANT_ID)`.
  const body = fn.field('body');
  if (!body) return;
  // Only identifiers named like a known constant (picked natively; the map is the real test).
  const constantIds = constants.size ? body.findAll({ rule: { kind: 'identifier', regex: exactNames([...constants.keys()]) } }) : [];
  for (const id of constantIds) {
    const value = constants.get(id.text());
    if (value === undefined || nested(id)) continue;
    const statement = enclosingStatement(id);
    emit({ messageId: 'hardcodedDefault', at: file.locate(statement), data: { handler, value: `${id.text()} = ${value}`, code: `\`${firstLine(statement.text())}\`` }, severity });
  }
  for (const call of findPyCalls(body, /\.get$/)) {
    if (nested(call.node)) continue;
    const key = pyStringValue(call.args[0])?.toLowerCase().replace(/[^a-z]/g, '');
    const fallback = call.args[1] ?? call.keywords.get('default');
    if (!key || !IDENTITY_KEY.test(key) || !fallback || fallback.kind() === 'identifier') continue; // identifiers are handled above
    const value = literalIdentity(fallback);
    if (value) emit({ messageId: 'hardcodedDefault', at: file.locate(call.node), data: { handler, value, code: `\`${firstLine(call.node.text())}\`` }, severity });
  }
}

const rangesOfHandlers = new WeakMap<SyntaxNode[], [number, number][]>();
function handlerRanges(handlers: SyntaxNode[]): [number, number][] {
  let ranges = rangesOfHandlers.get(handlers);
  if (!ranges) {
    ranges = handlers.map((h) => {
      const r = h.range();
      return [r.start.index, r.end.index];
    });
    rangesOfHandlers.set(handlers, ranges);
  }
  return ranges;
}

/** The literal an identity parameter defaults to: a constant, a literal, or `Query("1")` / `Header(default="acme")`. */
function defaultIdentity(node: SyntaxNode, constants: Map<string, string>): string | undefined {
  if (node.kind() === 'identifier') {
    const value = constants.get(node.text());
    return value === undefined ? undefined : `${node.text()} = ${value}`;
  }
  const literal = literalIdentity(node);
  if (literal) return literal;
  const call = describePyCall(node);
  if (!call || !/(^|\.)(Query|Header|Cookie|Form|Body|Path)$/.test(call.callee)) return undefined;
  const inner = call.args[0] ?? call.keywords.get('default');
  if (!inner) return undefined;
  if (inner.kind() === 'identifier' && constants.has(inner.text())) return `${inner.text()} = ${constants.get(inner.text())}`;
  return literalIdentity(inner);
}

// ---------------------------------------------------------------- (b) identity taken from the request

function checkIdentityFromRequest(file: ParsedFile, route: Route, fn: SyntaxNode, emit: Report): void {
  // Admin-only routes act on other accounts by design. (DRF guards read `permission_classes: IsAuthenticated`: judge the class, not the key.)
  if (!route.guards.length || route.guards.some((g) => /admin|superuser|staff|role|permission|scope/i.test(g.name.replace(/^permission_classes:\s*/, '')))) return;
  const params = pyParameters(fn);
  const user =
    params.find((p) => {
      const injected = `${p.default?.text() ?? ''} ${p.annotation?.text() ?? ''}`;
      const inner = /\b(?:Depends|Security)\(\s*([\w.]*)/.exec(injected)?.[1];
      return (inner !== undefined && (/\bSecurity\(/.test(injected) || isAuthGuardName(inner))) || route.guards.some((g) => g.name === `${p.name}: ${p.annotation?.text()}`);
    })?.name ?? sessionUser(route, file, fn);
  if (!user) return;

  // FastAPI `{id}`, Flask and Django `<int:id>` path parameters are routing, not a body field.
  const pathParams = new Set([...route.path.matchAll(/\{(\w+)(:[^}]*)?\}|<(?:[\w.]+:)?(\w+)>/g)].map((m) => m[1] ?? m[3]));
  const inputs = pyClientInputParameters(fn).filter((p) => !pathParams.has(p.name) && p.name !== user);
  const body = fn.field('body');
  if (!body) return;
  const requestDicts = new Set<string>();
  for (const assign of body.findAll({ rule: { kind: 'assignment' } })) {
    const right = assign.field('right')?.text() ?? '';
    if (REQUEST_DICT_VALUE.test(right) && assign.field('left')?.kind() === 'identifier') requestDicts.add(assign.field('left')!.text());
  }

  const candidates: { node: SyntaxNode; expr: string; field: string }[] = [];
  for (const param of inputs) {
    if (IDENTITY_NAME.test(param.name)) {
      for (const id of body.findAll({ rule: { kind: 'identifier', regex: exactNames([param.name]) } }))
        if (id.text() === param.name && !isAttributeName(id)) candidates.push({ node: id, expr: param.name, field: param.name });
      continue;
    }
    // payload.tenant_id on a body model
    for (const attr of body.findAll({ rule: { kind: 'attribute', has: { field: 'object', regex: exactNames([param.name]) } } })) {
      const field = attr.field('attribute')?.text() ?? '';
      if (attr.field('object')?.text() === param.name && IDENTITY_NAME.test(field)) candidates.push({ node: attr, expr: attr.text(), field });
    }
    requestDicts.add(param.name);
  }
  // body["user_id"], body.get("user_id"), request.query_params["tenant_id"]
  for (const node of body.findAll({ rule: { any: [{ kind: 'subscript' }, { kind: 'call', has: { field: 'function', regex: '\\.get$' } }] } })) {
    let object: string | undefined;
    let key: string | undefined;
    if (node.kind() === 'subscript') {
      object = node.field('value')?.text();
      key = pyStringValue(node.field('subscript'));
    } else {
      const call = describePyCall(node);
      if (!call || !/\.get$/.test(call.callee)) continue;
      object = call.callee.replace(/\.get$/, '');
      key = pyStringValue(call.args[0]);
    }
    if (!object || !key || !IDENTITY_NAME.test(key)) continue;
    if (requestDicts.has(object) || REQUEST_DICT.test(object)) candidates.push({ node, expr: node.text(), field: key });
  }

  const reported = new Set<string>();
  for (const candidate of candidates) {
    if (reported.has(candidate.expr)) continue;
    const use = dataUse(candidate.node, fn);
    if (!use || comparedWithUser(body, candidate, user)) continue;
    if (use.node.kind() === 'call' && SCOPED_READ.test(use.node.field('function')?.text() ?? '') && new RegExp(`\\b${escapeRegExp(user)}\\b`).test(use.node.text())) continue;
    reported.add(candidate.expr);
    emit({
      messageId: 'identityFromRequest',
      at: file.locate(enclosingStatement(candidate.node)),
      data: { method: route.method, path: route.path, handler: route.handler.name, expr: candidate.expr, use: use.text, user },
      severity: 'high',
    });
  }
}

/** Request data as a mapping: Starlette `query_params`, Flask `json`/`form`/`args`/`values`/`get_json()`, Django `POST`/`GET`, DRF `data`. */
const REQUEST_DICT = /^request\.(query_params|path_params|json|form|args|values|get_json\([^)]*\)|POST|GET|data|query_params)$/;
/** Right-hand sides that bind such a mapping to a name: `data = request.get_json()`, `body = json.loads(request.body)`. */
const REQUEST_DICT_VALUE =
  /^(await\s+)?request\.(json|form)\(\)|request\.query_params|^request\.(get_json\([^)]*\)|json|form|args|values|POST|GET|data)(\.(to_dict|dict|copy)\(\))?$|^json\.loads\(\s*request\.(body|data|get_data\(\))/;

/**
 * Flask and Django handlers read the signed-in user from the session, not a parameter:
 * Flask-Login's `current_user`, `g.user`, Django's `request.user`. Undefined when the handler's
 * file shows none of them.
 */
function sessionUser(route: Route, file: ParsedFile, fn: SyntaxNode): string | undefined {
  if (route.framework === 'django') return pyParameters(fn).some((p) => p.name === 'request') || /\brequest\.user\b/.test(fn.text()) ? 'request.user' : undefined;
  if (route.framework !== 'flask') return undefined;
  if (/\bcurrent_user\b/.test(file.text)) return 'current_user';
  if (/\bg\.user\b/.test(file.text)) return 'g.user';
  return undefined;
}

/** The data call (or model attribute assignment) the value flows into directly; undefined otherwise. A call that also names the user is scoped to them. */
function dataUse(node: SyntaxNode, fn: SyntaxNode): { node: SyntaxNode; text: string } | undefined {
  for (let current = node.parent(); current && current.range().start.index >= fn.range().start.index; current = current.parent()) {
    if (current.kind() === 'function_definition') return undefined;
    if (current.kind() === 'call') {
      const callee = current.field('function')?.text() ?? '';
      const bare = callee.split('.').pop() ?? '';
      if (DATA_CALL.test(callee) || /^[A-Z]\w*$/.test(bare)) return { node: current, text: `${callee}(…)` };
    }
    if (current.kind() === 'assignment') {
      const left = current.field('left');
      if (left?.kind() === 'attribute' && IDENTITY_NAME.test(left.field('attribute')?.text() ?? '')) return { node: current, text: `${left.text()} = …` };
      return undefined;
    }
    if (/statement$/.test(String(current.kind()))) return undefined;
  }
  return undefined;
}

/** `payload.tenant_id != user.tenant_id`, `ensure_member(user, payload.org_id)`: the handler checks the value itself. */
function comparedWithUser(body: SyntaxNode, candidate: { expr: string; field: string }, user: string): boolean {
  const mentionsUser = (text: string) => new RegExp(`\\b${escapeRegExp(user)}\\b`).test(text);
  const mentionsValue = (text: string) => text.includes(candidate.expr) || new RegExp(`\\b${candidate.field}\\b`).test(text);
  for (const comparison of body.findAll({ rule: { kind: 'comparison_operator' } })) {
    const text = comparison.text();
    if (mentionsUser(text) && mentionsValue(text) && /!=|==|\bnot in\b|\bin\b/.test(text)) return true;
  }
  for (const call of findPyCalls(body, ACCESS_CHECK)) {
    const args = call.node.field('arguments')?.text() ?? '';
    if (mentionsUser(args) && mentionsValue(args)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- JS / TS (Express, Next.js route handlers)

const JS_DATA_CALL =
  /(^|\.)(create|createMany|update|updateMany|upsert|delete|deleteMany|findMany|findFirst|findUnique|findOne|find|findById|findByIdAndUpdate|findOneAndUpdate|insertOne|insertMany|updateOne|deleteOne|query|execute|where|insert|values|select|set|from)$/;
const JS_SCOPED_READ = /(^|\.)(findMany|findFirst|findUnique|findOne|find|query|execute|where|select|from)$/;
/** Where the authenticated identity lives in Express / Next.js code. */
const JS_USER = /\b(req|request)\.(user|auth|session)\b|\bres\.locals\.(user|auth|session)\b|\bsession\??\.user\b|\bcurrentUser\b|\bauth\(\)/;

function identityKey(text: string | undefined): boolean {
  return text !== undefined && IDENTITY_KEY.test(text.toLowerCase().replace(/[^a-z]/g, ''));
}

/** Module-level `const DEFAULT_TENANT_ID = '…'` in JS/TS files, by name. */
function jsIdentityConstants(files: ParsedFiles): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files.ofKind('js', { containing: ['_ID'], includeTests: false })) {
    if (!file.ast || NON_SHIPPED_PATH.test(file.path)) continue;
    for (const declarator of file.findAll({ kind: 'variable_declarator' })) {
      if (enclosingJsFunction(declarator)) continue;
      const name = declarator.field('name')?.text() ?? '';
      const value = declarator.field('value');
      if (!IDENTITY_CONSTANT.test(name) || !value) continue;
      const literal = jsLiteral(value);
      if (literal) out.set(name, literal);
    }
  }
  return out;
}

function jsLiteral(node: SyntaxNode): string | undefined {
  if (node.kind() === 'number') return node.text() === '0' ? undefined : node.text();
  const text = jsStringValue(node);
  return text?.trim() ? node.text() : undefined;
}

/** The request parameter of a handler: `req` in `(req, res) => …`, `request` in `POST(request)`. */
function jsRequestName(fn: SyntaxNode): string {
  const params = fn.field('parameters') ?? fn.children().find((c) => c.kind() === 'formal_parameters');
  const first = params?.children().find((c) => c.isNamed() && c.kind() !== 'comment');
  const id = first?.kind() === 'identifier' ? first : first?.find({ rule: { kind: 'identifier' } });
  return id?.text() ?? (fn.kind() === 'arrow_function' ? (fn.field('parameter')?.text() ?? 'req') : 'req');
}

/** Reads of an identity from the request: `req.query.tenantId`, `req.headers['x-tenant-id']`, `searchParams.get('orgId')`. */
function isJsRequestIdentity(node: SyntaxNode, req: string): boolean {
  const text = node.text();
  const member = new RegExp(`^${req}\\.(body|query|headers|cookies)(\\.(\\w+)|\\[\\s*['"]([^'"]+)['"]\\s*\\])$`).exec(text);
  if (member) return identityKey(member[3] ?? member[4]);
  const call = describeJsCall(node);
  return !!call && /searchParams\.get$|headers\.get$/.test(call.callee) && identityKey(jsStringValue(call.args[0]));
}

function checkJsDefaults(file: ParsedFile, route: Route, fn: SyntaxNode, constants: Map<string, string>, severity: 'critical' | 'high', emit: Report): void {
  const handler = route.handler.name === '<anonymous>' ? `${route.method} ${route.path}` : route.handler.name;
  const req = jsRequestName(fn);
  const scopes = [fn, ...jsLocalCallees(fn, file.ast!, 1)];
  const constantIdRule = constants.size ? { kind: 'identifier', regex: exactNames([...constants.keys()]) } : undefined;
  for (const scope of scopes) {
    for (const id of constantIdRule ? scope.findAll({ rule: constantIdRule }) : []) {
      const value = constants.get(id.text());
      if (value === undefined) continue;
      const statement = jsStatement(id);
      emit({ messageId: 'hardcodedDefault', at: file.locate(statement), data: { handler, value: `${id.text()} = ${value}`, code: `\`${firstLine(statement.text())}\`` }, severity });
    }
    // req.query.tenantId || 'default', req.headers['x-org-id'] ?? 1
    for (const binary of scope.findAll({ rule: { kind: 'binary_expression', regex: '\\|\\||\\?\\?' } })) {
      const left = binary.field('left');
      const right = binary.field('right');
      const operator = binary.field('operator')?.text();
      if (!left || !right || (operator !== '||' && operator !== '??') || !isJsRequestIdentity(left, req)) continue;
      const value = jsLiteral(right);
      if (value) emit({ messageId: 'hardcodedDefault', at: file.locate(jsStatement(binary)), data: { handler, value, code: `\`${firstLine(binary.text())}\`` }, severity });
    }
    // const { tenantId = 'default' } = req.query
    for (const pattern of scope.findAll({ rule: { kind: 'object_assignment_pattern' } })) {
      const key = pattern.child(0);
      const fallback = pattern.child(pattern.children().length - 1);
      const source = pattern.parent()?.parent()?.field('value')?.text() ?? '';
      if (!key || !fallback || !identityKey(key.text()) || !new RegExp(`^(await\\s+)?${req}\\.(body|query|json\\(\\))`).test(source)) continue;
      const value = jsLiteral(fallback);
      if (value) emit({ messageId: 'hardcodedDefault', at: file.locate(jsStatement(pattern)), data: { handler, value, code: `\`${firstLine(pattern.text())}\`` }, severity });
    }
  }
}

function checkJsIdentityFromRequest(file: ParsedFile, route: Route, fn: SyntaxNode, emit: Report): void {
  // Admin-only routes act on other accounts by design. (DRF guards read `permission_classes: IsAuthenticated`: judge the class, not the key.)
  if (!route.guards.length || route.guards.some((g) => /admin|superuser|staff|role|permission|scope/i.test(g.name.replace(/^permission_classes:\s*/, '')))) return;
  const req = jsRequestName(fn);
  const handler = route.handler.name === '<anonymous>' ? 'inline handler' : route.handler.name;
  const bodies = new Set<string>();
  const candidates: { node: SyntaxNode; expr: string; field: string }[] = [];
  const bodySource = new RegExp(`^(await\\s+)?${req}\\.(body|query|json\\(\\)|formData\\(\\))$`);
  for (const declarator of fn.findAll({ rule: { kind: 'variable_declarator' } })) {
    const target = declarator.field('name');
    const value = declarator.field('value')?.text() ?? '';
    if (!target || !bodySource.test(value)) continue;
    if (target.kind() === 'identifier') {
      bodies.add(target.text());
      continue;
    }
    // const { tenantId, ownerId: owner } = req.body
    for (const part of target.children()) {
      const key = part.kind() === 'pair_pattern' ? part.field('key')?.text() : part.kind() === 'object_assignment_pattern' ? part.child(0)?.text() : part.text();
      const local = part.kind() === 'pair_pattern' ? part.field('value')?.text() : part.kind() === 'object_assignment_pattern' ? part.child(0)?.text() : part.text();
      if (!key || !local || !identityKey(key) || !/^\w+$/.test(local)) continue;
      for (const id of fn.findAll({ rule: { any: [{ kind: 'identifier' }, { kind: 'shorthand_property_identifier' }] } }))
        if (id.text() === local && id.range().start.index > declarator.range().end.index) candidates.push({ node: id, expr: local, field: key });
    }
  }
  for (const member of fn.findAll({ rule: { any: [{ kind: 'member_expression' }, { kind: 'subscript_expression' }, { kind: 'call_expression' }] } })) {
    const text = member.text();
    if (member.kind() === 'call_expression') {
      const call = describeJsCall(member);
      if (call && /searchParams\.get$/.test(call.callee) && identityKey(jsStringValue(call.args[0]))) candidates.push({ node: member, expr: text, field: jsStringValue(call.args[0])! });
      continue;
    }
    const match = new RegExp(`^(${[`${req}\\.body`, `${req}\\.query`, ...[...bodies]].join('|')})(\\.(\\w+)|\\[\\s*['"]([^'"]+)['"]\\s*\\])$`).exec(text);
    const field = match?.[3] ?? match?.[4];
    if (field && identityKey(field)) candidates.push({ node: member, expr: text, field });
  }

  const reported = new Set<string>();
  for (const candidate of candidates) {
    if (reported.has(candidate.expr)) continue;
    const use = jsDataUse(candidate.node, fn);
    if (!use || jsComparedWithUser(fn, candidate)) continue;
    if (use.node.kind() === 'call_expression' && JS_SCOPED_READ.test(use.node.field('function')?.text() ?? '') && JS_USER.test(use.node.text())) continue;
    reported.add(candidate.expr);
    emit({
      messageId: 'identityFromRequest',
      at: file.locate(jsStatement(candidate.node)),
      data: { method: route.method, path: route.path, handler, expr: candidate.expr, use: use.text, user: JS_USER.exec(fn.text())?.[0] ?? (route.framework === 'express' ? 'req.user' : 'session user') },
      severity: 'high',
    });
  }
}

function jsDataUse(node: SyntaxNode, fn: SyntaxNode): { node: SyntaxNode; text: string } | undefined {
  for (let current = node.parent(); current && current.range().start.index >= fn.range().start.index; current = current.parent()) {
    if (isJsFunction(current)) return undefined;
    if (current.kind() === 'call_expression') {
      const callee = current.field('function')?.text() ?? '';
      if (JS_DATA_CALL.test(callee)) return { node: current, text: `${callee.replace(/\s+/g, '')}(…)` };
    }
    if (current.kind() === 'new_expression') {
      const ctor = current.field('constructor')?.text() ?? '';
      if (/^[A-Z]\w*$/.test(ctor)) return { node: current, text: `new ${ctor}(…)` };
    }
    if (current.kind() === 'assignment_expression') {
      const left = current.field('left');
      const property = left?.kind() === 'member_expression' ? left.field('property')?.text() : undefined;
      return property && identityKey(property) ? { node: current, text: `${left!.text()} = …` } : undefined;
    }
    if (/_statement$|^lexical_declaration$|^variable_declaration$/.test(String(current.kind()))) return undefined;
  }
  return undefined;
}

function jsComparedWithUser(fn: SyntaxNode, candidate: { expr: string; field: string }): boolean {
  const mentionsValue = (text: string) => text.includes(candidate.expr) || new RegExp(`\\b${candidate.field}\\b`).test(text);
  for (const binary of fn.findAll({ rule: { kind: 'binary_expression' } })) {
    const text = binary.text();
    if (/[!=]==?/.test(binary.field('operator')?.text() ?? '') && JS_USER.test(text) && mentionsValue(text)) return true;
  }
  for (const call of findJsCalls(fn, ACCESS_CHECK)) {
    const args = call.node.field('arguments')?.text() ?? '';
    if (JS_USER.test(args) && mentionsValue(args)) return true;
  }
  return false;
}

function jsStatement(node: SyntaxNode): SyntaxNode {
  let current: SyntaxNode = node;
  while (current.parent() && !/_statement$|^lexical_declaration$|^variable_declaration$/.test(String(current.kind())) && !/^(statement_block|program)$/.test(String(current.parent()!.kind())))
    current = current.parent()!;
  return current;
}

/** A native regex matching exactly one of `names` (a pre-filter; callers still compare the text). */
function exactNames(names: string[]): string {
  return `^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}

function isAttributeName(id: SyntaxNode): boolean {
  const parent = id.parent();
  if (parent?.kind() === 'attribute' && parent.field('attribute')?.range().start.index === id.range().start.index) return true;
  if (parent?.kind() === 'keyword_argument' && parent.field('name')?.range().start.index === id.range().start.index) return true;
  return false;
}

function enclosingStatement(node: SyntaxNode): SyntaxNode {
  let current: SyntaxNode = node;
  while (current.parent() && !/statement$|^decorated_definition$/.test(String(current.kind())) && current.parent()!.kind() !== 'block') current = current.parent()!;
  return current;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length < text.length ? `${line} …` : line;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
