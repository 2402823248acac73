import { isAdminPath, isPublicByDesign } from '../../facts/routes/guard-names.ts';
import { expressRouteMiddleware } from '../../facts/routes/route-scope.ts';
import { cachedPyModuleLoader } from '../../facts/routes/python-modules.ts';
import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import type { Guard, Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';
import { isJsFunction, jsLocalCallees } from '../../parse/js-syntax.ts';
import { codeSpanText } from '../../parse/syntax.ts';
import {
  pyClassOf,
  pyDecorators,
  pyFunctionName,
  pyLocalCallees,
  pyOwnNodes,
  pyRouteDecorators,
  resolvePyCallee,
  type PyModuleLoader,
} from '../../parse/python-syntax.ts';

/**
 * Paths and handler names that clearly mean "operators only". `isAdminPath` also accepts
 * `manage` and `internal`, which are as often a user's own settings page or a service-to-service
 * API; those need a role only when the handler itself is named for admins.
 */
const ADMIN_SEGMENT = /(^|\/)_?(admin|administrator|superuser|staff|backoffice|back-office|sudo)([/\-_.]|$)/i;
const ADMIN_HANDLER = /(^|_)admin(_|$)|^admin[A-Z0-9]|[a-z0-9]Admin([A-Z0-9]|$)/;

/** A guard whose name (or arguments) says it checks a role or permission, not only who the caller is. */
const ROLE_GUARD =
  /(admin|superuser|super_user|staff|role|permission|perms?\b|perm_|_perm|scopes\s*=|RoleChecker|IsAdminUser|has_?perm|group|privilege|moderator|operator|entitle|authorize\(|policy|ability|casbin|enforce)/i;
/** Guards that authenticate with a shared operator secret (API key, basic auth, HMAC), not a user account: no role to check. */
const SECRET_GUARD = /(api_?key|apikey|x-api-key|APIKey(Header|Query|Cookie)|HTTPBasic|basic_?auth|basicAuth|internal_?(key|token|secret)|service_?(key|token|secret|auth)|admin_?(key|token|secret)|master_?key|shared_?secret|hmac|signature)/i;
const NEXT_MIDDLEWARE_FILE = /(^|\/)(src\/)?middleware\.[cm]?[jt]s$/;
/** Identifiers in a guard name that are wrappers, not the function that does the check. */
const GUARD_WRAPPER = /^(Depends|Security|Annotated|middleware|add_middleware|before_request|app|router|bp|blueprint|use|def|async|await|lambda|self|request|req|res|next|true|false|None|True|False)$/;

/** Words that, in a condition, test what the current user may do. */
const ROLE_CONDITION =
  /(role|admin|superuser|super_user|is_?staff|isStaff|\bstaff\b|permission|\bperms?\b|has_perm|\bscopes?\b|user_?type|userType|account_?type|accountType|\bgroups?\b|privilege|entitlement)/i;
const ROLE_CONDITION_EXCEPT_SCOPES = new RegExp(ROLE_CONDITION.source.replace('|\\bscopes?\\b', ''), 'i');
/** Calls that check a role or permission (Django, Flask-Principal, Casbin, Oso, CASL, project helpers). */
const PY_ROLE_CALL =
  /^(has_perms?|has_roles?|has_any_role|has_permissions?|check_perms?|check_permissions?|check_roles?|check_admin|is_admin|is_superuser|is_staff|authorize\w*|enforce|can|require_\w*(role|admin|perm|superuser|staff)\w*|ensure_\w*(admin|role|perm|superuser|staff)\w*|assert_\w*(admin|role|perm|superuser|staff)\w*|verify_\w*(admin|role|perm|superuser|staff)\w*|\w*_(admin|superuser|staff)_required|roles_(required|accepted)|permission_required|can_\w+)$/i;
const JS_ROLE_CALL =
  /^(hasRoles?|hasAnyRole|hasPermissions?|checkRoles?|checkPermissions?|checkAdmin|requireRole|requireRoles|requireAdmin|requirePermission|ensureAdmin|ensureRole|assertAdmin|assertRole|isAdmin|isSuperuser|isStaff|authorize|can|cannot|enforce|verifyAdmin|verifyRole)$/;

const PY_CONDITION_KINDS = ['comparison_operator', 'not_operator', 'boolean_operator', 'conditional_expression', 'assert_statement'];
const JS_CONDITION_KINDS = ['binary_expression', 'unary_expression', 'ternary_expression', 'parenthesized_expression'];

/** Decorators and mixins of Flask / Django views that check roles or permissions. */
const PY_ROLE_DECORATOR =
  /(admin|superuser|staff|role|permission|perms?\b|group|privilege|scopes?|IsAdminUser|PermissionRequiredMixin|UserPassesTestMixin|roles_(required|accepted))/i;
/** Class members of a class-based view that hold its permission policy. */
const PY_POLICY_MEMBER = /^(permission_classes|permission_required|permissions_required|required_roles|roles|allowed_roles|required_scopes)$/;
const PY_POLICY_METHOD = /^(test_func|has_permission|has_object_permission|get_permission_required|check_permissions|dispatch|initial)$/;

export default defineRule({
  meta: {
    id: 'admin-route-missing-role-check',
    category: 'security',
    title: 'Admin route without a role or permission check',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Authorization',
    effortHours: 1.5,
    fixScope: 'app',
    fixTitle: 'Add an admin role check (one dependency or middleware) to the admin routes',
    messages: {
      noRoleCheck:
        'Admin route `{{method}} {{path}}` ({{handler}}) only checks that the caller is signed in (`{{guard}}`); nothing checks that the caller is an admin.',
    },
    why: [
      'Authentication answers "who is calling", not "may this caller do this". An admin route that only requires a signed-in user is open to every account: anyone who registers (or any customer of a multi-tenant app) can list all users, change roles, refund orders or wipe data. This is the most common access-control flaw in real incidents (OWASP A01, broken function-level authorization).',
      '',
      'The rule looks for a role or permission check in the route\'s guards, the view\'s decorators or mixins, the handler, and the project functions it calls. When the check lives somewhere it cannot see (an API gateway, a database policy), suppress the finding with the reason.',
    ].join('\n'),
    fix: [
      'Put the role check in one reusable dependency, decorator or middleware and attach it to the whole admin router, so a new admin route cannot forget it.',
      '',
      'FastAPI:',
      '```python',
      'async def require_admin(user: User = Depends(get_current_user)) -> User:',
      '    if "admin" not in user.roles:',
      '        raise HTTPException(status_code=403, detail="admin only")',
      '    return user',
      '',
      'admin_router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])',
      '```',
      'Flask:',
      '```python',
      'def admin_required(view):',
      '    @wraps(view)',
      '    @login_required',
      '    def wrapped(*args, **kwargs):',
      '        if not current_user.is_admin:',
      '            abort(403)',
      '        return view(*args, **kwargs)',
      '    return wrapped',
      '```',
      'Django: `@staff_member_required`, `@permission_required("app.change_order")`, `PermissionRequiredMixin` or DRF `permission_classes = [IsAdminUser]`. Express:',
      '```ts',
      "app.use('/admin', requireAuth, requireRole('admin'), adminRouter);",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': [
          'from fastapi import Depends, FastAPI',
          '',
          'from auth import get_current_user',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.delete("/admin/users/{user_id}")',
          'async def delete_user(user_id: int, user=Depends(get_current_user)):',
          '    await users.delete(user_id)',
          '    return {"deleted": user_id}',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': [
          'from fastapi import Depends, FastAPI',
          '',
          'from auth import require_admin',
          '',
          'app = FastAPI()',
          '',
          '',
          '@app.delete("/admin/users/{user_id}")',
          'async def delete_user(user_id: int, admin=Depends(require_admin)):',
          '    await users.delete(user_id)',
          '    return {"deleted": user_id}',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [285, 862],
      owasp: ['A01:2021', 'API5:2023'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html', 'https://fastapi.tiangolo.com/advanced/security/oauth2-scopes/'],
    },
  },
  check({ index, files, report }) {
    const load = cachedPyModuleLoader(files);
    const guardChecks = new Map<string, boolean>();
    const seen = new Set<string>();
    for (const route of index.routes) {
      if (!route.guards.length || !isRoleRequiredRoute(route) || isPublicByDesign(route.path, route.handler.name)) continue;
      const file = files.get(route.handler.file);
      const fn = route.handler.node ?? (file && inheritedViewClass(file, route.handler.startLine));
      if (!fn || !file?.ast || file.isTest) continue;
      const key = `${route.method} ${route.path}`;
      if (seen.has(key)) continue;
      seen.add(key);

      if (route.guards.some((g) => ROLE_GUARD.test(policyOf(g.name)) || SECRET_GUARD.test(g.name))) continue;
      if (route.guards.some((g) => guardChecksRole(g, files, guardChecks))) continue;
      // A Django generic view without its own `get`/`post` is served by the class itself.
      if (fn.kind() === 'class_definition') {
        if (pyClassChecksRole(fn, (d) => pyDecorators(d).some((x) => PY_ROLE_DECORATOR.test(stripPyStrings(x.text()))))) continue;
      } else if (fn.kind() === 'function_definition') {
        if (pyViewChecksRole(fn, file, load)) continue;
      } else if (!isJsFunction(fn) || jsScopeChecksRole(fn, file) || expressRoleMiddleware(route, files)) continue;

      const guard = route.guards[0];
      const related: Location[] = [
        ...route.guards.slice(0, 3).map((g) => ({ ...g.at, note: `authentication only: ${codeSpanText(g.name, 60)}` })),
        file.locateLines(route.handler.startLine, route.handler.startLine, 'handler'),
      ];
      report({
        messageId: 'noRoleCheck',
        at: route.at,
        data: { method: route.method, path: route.path, handler: route.handler.name === '<anonymous>' ? 'inline handler' : route.handler.name, guard: codeSpanText(guard.name, 60) },
        related,
        // Only the handler's name says "admin" (`admin_stats` at `/stats`): less sure it is meant for operators only.
        ...(ADMIN_SEGMENT.test(route.path) ? {} : { confidence: 'low' as const }),
      });
    }
  },
});

function isRoleRequiredRoute(route: Route): boolean {
  if (!isAdminPath(route.path, route.handler.name) && !ADMIN_HANDLER.test(route.handler.name)) return false;
  return ADMIN_SEGMENT.test(route.path) || ADMIN_HANDLER.test(route.handler.name);
}

/** A Django generic view served by an inherited `get`/`post` has no handler function: the class at the handler's line stands in. */
function inheritedViewClass(file: ParsedFile, line: number): SyntaxNode | undefined {
  if (file.kind !== 'python' || !file.ast) return undefined;
  return file.findAll({ kind: 'class_definition' }).find((c) => c.range().start.line + 1 === line);
}

/** The policy a guard names, without the key it is stored under (`permission_classes: IsAuthenticated` → `IsAuthenticated`). */
function policyOf(name: string): string {
  // A path in a guard (`createRouteMatcher(['/admin(.*)'])`) says where it applies, not that it checks a role.
  return name.replace(/^(permission_classes|authentication_classes|DEFAULT_PERMISSION_CLASSES)\s*[:=]\s*/, '').replace(/(["'`])\/(?:\\.|(?!\1).)*\1/g, '""');
}

function stripPyStrings(text: string): string {
  return text.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '""');
}


// ---------------------------------------------------------------- guards

/** A guard function the name does not give away (`Depends(check_access)`, `before_request load_user`): does its body check a role? */
function guardChecksRole(guard: Guard, files: ParsedFiles, memo: Map<string, boolean>): boolean {
  // Next.js middleware (NextAuth `authorized: ({ token }) => token?.role === "admin"`, Clerk `auth.protect({ role })`) guards by path in one file.
  const guardFile = files.get(guard.at.file);
  if (guardFile?.kind === 'js' && guardFile.ast && NEXT_MIDDLEWARE_FILE.test(guardFile.path)) {
    const key = `${guardFile.path}\0*`;
    let checks = memo.get(key);
    if (checks === undefined) memo.set(key, (checks = jsScopeChecksRole(guardFile.ast, guardFile)));
    if (checks) return true;
  }
  const names = (guard.name.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '').match(/[A-Za-z_]\w*/g) ?? []).filter((n) => n.length > 2 && !GUARD_WRAPPER.test(n));
  for (const name of names) {
    const key = `${guard.at.file}\0${name}`;
    let checks = memo.get(key);
    if (checks === undefined) memo.set(key, (checks = definitionsNamed(name, guard.at.file, files).some(({ node, file }) => scopeChecksRole(node, file))));
    if (checks) return true;
  }
  return false;
}

/** Functions called `name` in the guard's own file first, then anywhere in the project. */
function definitionsNamed(name: string, preferred: string, files: ParsedFiles): { node: SyntaxNode; file: ParsedFile }[] {
  const own = files.get(preferred);
  const candidates = [own, ...files.ofKind('python', { containing: [`def ${name}`], includeTests: false }), ...files.ofKind('js', { containing: [name], includeTests: false })];
  const out: { node: SyntaxNode; file: ParsedFile }[] = [];
  const seen = new Set<string>();
  for (const file of candidates) {
    if (!file?.ast || seen.has(file.path)) continue;
    seen.add(file.path);
    if (file.kind === 'python') {
      for (const def of file.findAll({ kind: 'function_definition', has: { field: 'name', regex: `^${name}$` } })) out.push({ node: def, file });
    } else if (file.kind === 'js') {
      for (const def of file.findAll({ kind: 'function_declaration', has: { field: 'name', regex: `^${name}$` } })) out.push({ node: def, file });
      for (const decl of file.findAll({ kind: 'variable_declarator', has: { field: 'name', regex: `^${name}$` } })) {
        const value = decl.field('value');
        if (value && isJsFunction(value)) out.push({ node: value, file });
      }
    }
    if (out.length) break;
  }
  return out;
}

function scopeChecksRole(node: SyntaxNode, file: ParsedFile): boolean {
  if (file.kind === 'python') return [node, ...pyLocalCallees(node, file.ast!, 1)].some(pyChecksRole);
  return jsScopeChecksRole(node, file);
}

// ---------------------------------------------------------------- Python

function pyViewChecksRole(fn: SyntaxNode, file: ParsedFile, load: PyModuleLoader<ParsedFile>): boolean {
  // @admin_required, @staff_member_required, @permission_required(...), @user_passes_test(lambda u: u.is_superuser), @roles_required("admin")
  const routeDecorators = new Set(pyRouteDecorators(fn).map((d) => d.range().start.index));
  const decorated = (definition: SyntaxNode) =>
    pyDecorators(definition).some((d) => !routeDecorators.has(d.range().start.index) && PY_ROLE_DECORATOR.test(stripPyStrings(d.text())));
  if (decorated(fn)) return true;
  const cls = pyClassOf(fn);
  if (cls && pyClassChecksRole(cls, decorated)) return true;
  return pyCallScopes(fn, file, load).some((s) => pyChecksRole(s.node));
}

/** Class-based views: role mixins and decorators, `permission_classes = [IsAdminUser]`, or a `test_func` / `has_permission` that checks a role. */
function pyClassChecksRole(cls: SyntaxNode, decorated: (definition: SyntaxNode) => boolean): boolean {
  if (decorated(cls)) return true;
  const bases = cls.field('superclasses')?.text() ?? '';
  if (/PermissionRequiredMixin|IsAdminUser|StaffRequiredMixin|SuperuserRequiredMixin|AdminRequiredMixin|RoleRequiredMixin/.test(bases)) return true;
  for (const statement of cls.field('body')?.children() ?? []) {
    const assign = statement.kind() === 'expression_statement' ? statement.children().find((c) => c.kind() === 'assignment') : undefined;
    const name = assign?.field('left')?.text() ?? '';
    const value = assign?.field('right')?.text() ?? '';
    if (PY_POLICY_MEMBER.test(name) && value && !/^(\[\s*\]|\(\s*\)|None)$/.test(value)) {
      if (name !== 'permission_classes' || PY_ROLE_DECORATOR.test(value) || /Admin|Staff|Role|Perm|Scope|Group/.test(value)) return true;
    }
  }
  for (const statement of cls.field('body')?.children() ?? []) {
    const method = statement.kind() === 'decorated_definition' ? statement.field('definition') : statement;
    if (method?.kind() === 'function_definition' && PY_POLICY_METHOD.test(pyFunctionName(method)) && pyChecksRole(method)) return true;
  }
  return false;
}

/** The handler and the project functions it calls, two calls deep (same file, imported modules, methods of project classes). */
function pyCallScopes(fn: SyntaxNode, file: ParsedFile, load: PyModuleLoader<ParsedFile>): { node: SyntaxNode; file: ParsedFile }[] {
  const out = [{ node: fn, file }];
  const seen = new Set([`${file.path}:${fn.range().start.index}`]);
  let frontier = out;
  for (let level = 0; level < 2 && frontier.length && out.length < 40; level++) {
    const next: { node: SyntaxNode; file: ParsedFile }[] = [];
    for (const scope of frontier) {
      for (const call of pyOwnNodes(scope.node, 'call')) {
        const target = resolvePyCallee(call, { file: scope.file, fn: scope.node }, load);
        if (!target || target.file.isTest) continue;
        const key = `${target.file.path}:${target.fn.range().start.index}`;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push({ node: target.fn, file: target.file });
      }
    }
    out.push(...next);
    frontier = next;
  }
  return out;
}

/** A condition about the caller's role / staff flag / permissions, or a call to a role-checking helper. */
function pyChecksRole(scope: SyntaxNode): boolean {
  const body = scope.field('body') ?? scope;
  // FastAPI's `SecurityScopes` pattern checks only the scopes a route asks for: `Depends(get_current_user)` asks for none.
  const condition = /\bSecurityScopes\b/.test(scope.field('parameters')?.text() ?? '') ? ROLE_CONDITION_EXCEPT_SCOPES : ROLE_CONDITION;
  for (const node of body.findAll({ rule: { any: [{ kind: 'call' }, ...PY_CONDITION_KINDS.map((kind) => ({ kind }))] } })) {
    if (node.kind() === 'call') {
      const callee = node.field('function')?.text() ?? '';
      if (PY_ROLE_CALL.test(callee.split('.').pop() ?? '')) return true;
      continue;
    }
    if (!isCallArgument(node, body, 'argument_list') && condition.test(stripFStrings(node.text()))) return true;
  }
  for (const kind of ['if_statement', 'elif_clause', 'while_statement']) {
    for (const statement of body.findAll({ rule: { kind } })) {
      const test = statement.field('condition');
      if (test && condition.test(test.text())) return true;
    }
  }
  return false;
}

/**
 * A comparison passed to a call is a query (`User.query.filter(User.role == "admin")`,
 * `users.filter((u) => u.role === 'admin')`), not a decision about the caller.
 */
function isCallArgument(node: SyntaxNode, scope: SyntaxNode, argumentKind: 'argument_list' | 'arguments'): boolean {
  const stop = scope.range().start.index;
  for (let current = node.parent(); current && current.range().start.index >= stop; current = current.parent()) {
    const kind = String(current.kind());
    // A comprehension's `if` filters rows the same way: `[u for u in users if u.role == "admin"]`.
    if (kind === argumentKind || kind === 'if_clause') return true;
    // A callback passed straight to a call filters (`users.filter((u) => u.role === 'admin')`); one stored under a
    // name decides (`authorized: ({ token }) => token?.role === 'admin'`).
    if (kind === 'lambda' || kind === 'arrow_function' || kind === 'function_expression') return current.parent()?.kind() === argumentKind;
    if (/statement$|clause$|^(block|statement_block|function_definition|function_declaration)$/.test(kind)) return false;
  }
  return false;
}

/** Keep string literals (`== "admin"` is a role test), but not f-string noise; identifiers carry the rest. */
function stripFStrings(text: string): string {
  return text.replace(/f(["'])(?:\\.|(?!\1).)*\1/g, '""');
}

// ---------------------------------------------------------------- JS / TS

/** Express middleware on the registration that the route extractor did not count as auth: `can('delete', 'User')`, `checkPermissions(['users:write'])`. */
function expressRoleMiddleware(route: Route, files: ParsedFiles): boolean {
  return expressRouteMiddleware(route, files).some((m) => {
    const text = policyOf(m.text());
    const callee = m.kind() === 'call_expression' ? (m.field('function')?.text().split('.').pop() ?? '') : text;
    return JS_ROLE_CALL.test(callee) || ROLE_GUARD.test(text.replace(/\(.*$/s, ''));
  });
}

function jsScopeChecksRole(fn: SyntaxNode, file: ParsedFile): boolean {
  for (const scope of [fn, ...jsLocalCallees(fn, file.ast!, 2)]) {
    for (const node of scope.findAll({ rule: { any: [{ kind: 'call_expression' }, ...JS_CONDITION_KINDS.map((kind) => ({ kind }))] } })) {
      if (node.kind() === 'call_expression') {
        const callee = node.field('function')?.text() ?? '';
        const bare = callee.split('.').pop() ?? '';
        if (JS_ROLE_CALL.test(bare)) return true;
        // user.roles.includes('admin'), permissions.some(...)
        if (/(role|roles|permissions|scopes|groups)\.(includes|some|every|has|indexOf)$/i.test(callee)) return true;
        continue;
      }
      if (node.kind() === 'parenthesized_expression' && node.parent()?.kind() !== 'if_statement') continue;
      if (isCallArgument(node, scope, 'arguments')) continue;
      // A path like '/api/admin' in a condition says where a check applies, not that it checks a role.
      if (ROLE_CONDITION.test(node.text().replace(/(["'`])\/(?:\\.|(?!\1).)*\1/g, '""'))) return true;
    }
  }
  return false;
}
