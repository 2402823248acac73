import type { SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { enclosingPyFunction, pyRouteDecorators } from '../../parse/python-syntax.ts';
import { codeSpanText, toSnakeCase } from '../../parse/syntax.ts';

/** Boolean flags and predicates whose truth grants access (`user.is_admin`, `has_perm(...)`, `verify_signature(...)`). */
const PREDICATE =
  /^(is_authenticated|authenticated|is_admin|is_staff|is_superuser|is_owner|is_member|is_verified|verified|is_authorized|authorized|is_allowed|allowed|permitted|has_perm|has_perms|has_permission|has_permissions|has_role|has_roles|has_scope|has_access|can_[a-z_]+|check_permission|check_permissions|check_password|verify_password|verify_signature|verify_token|verify_hmac|is_valid_signature|is_valid_token|valid_signature|valid_token|compare_digest|check_signature|check_token|is_safe_url|url_has_allowed_host_and_scheme)$/;
/** Names that make a comparison a security decision. */
const CREDENTIAL_WORD = /(^|_)(token|signature|sig|hmac|digest|csrf|xsrf|api_key|apikey|secret|secret_key|password|passwd|otp|nonce)(_|$)/;
const AUTHZ_WORD = /(^|_)(role|roles|permission|permissions|perms|scope|scopes|owner|owner_id|tenant|tenant_id|org_id|organization_id|account_id|user_id|current_user|is_admin|is_staff|is_superuser|admin|acl)(_|$)|^groups?$/;
const ID_NAME = /(^|_)id$/;
const OWNER_WORD = /(user|owner|tenant|account|org|organization|customer|member|author|creator)/;
/** Calls whose assertion is about types or shapes, not access. */
const SHAPE_CALL = /^(isinstance|issubclass|hasattr|callable|len|type|all|any)$/;

function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.kind() === 'parenthesized_expression') {
    const inner = current.children().find((c) => c.isNamed() && c.kind() !== 'comment');
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** The last name of an expression: `request.user.is_admin` → is_admin, `user.has_perm(x)` → has_perm. */
function lastName(node: SyntaxNode): string {
  const n = unwrap(node);
  switch (n.kind()) {
    case 'identifier':
      return n.text();
    case 'attribute':
      return n.field('attribute')?.text() ?? '';
    case 'call':
      return lastName(n.field('function') ?? n);
    case 'subscript': {
      const key = n.field('subscript');
      return key?.kind() === 'string' ? key.text().replace(/^[rbuf]*['"]|['"]$/gi, '') : lastName(n.field('value') ?? n);
    }
    default:
      return '';
  }
}

/** Identifier and attribute names in an expression, snake_cased. */
function namesOf(node: SyntaxNode): string[] {
  const ids = node.kind() === 'identifier' ? [node] : node.findAll({ rule: { kind: 'identifier' } });
  return ids.map((id) => toSnakeCase(id.text()));
}

type Kind = 'authentication' | 'authorization' | 'credential';

/** What security decision a condition makes, or undefined for type, shape and presence checks. */
function securityKind(expr: SyntaxNode): Kind | undefined {
  const node = unwrap(expr);
  switch (String(node.kind())) {
    case 'not_operator':
      return securityKind(node.field('argument') ?? node);
    case 'boolean_operator':
      return securityKind(node.field('left') ?? node) ?? securityKind(node.field('right') ?? node);
    case 'identifier':
    case 'attribute':
    case 'call': {
      if (node.kind() === 'call' && SHAPE_CALL.test(node.field('function')?.text() ?? '')) return undefined;
      const name = toSnakeCase(lastName(node));
      if (!PREDICATE.test(name)) return undefined;
      if (/authenticated/.test(name)) return 'authentication';
      if (/password|signature|token|hmac|digest/.test(name)) return 'credential';
      return 'authorization';
    }
    case 'comparison_operator': {
      const operators = node.children().filter((c) => !c.isNamed()).map((c) => c.text());
      if (operators.some((o) => o === 'is' || o === 'is not' || o === 'is\nnot')) return undefined;
      const operands = node.children().filter((c) => c.isNamed() && c.kind() !== 'comment');
      if (operands.some((o) => unwrap(o).kind() === 'call' && SHAPE_CALL.test(unwrap(o).field('function')?.text() ?? ''))) return undefined;
      // What each side holds (`project.owner_id`, `token.NUMBER` → owner_id, NUMBER), not every name on the way.
      const names = operands.flatMap((o) => [toSnakeCase(lastName(o)), ...(unwrap(o).kind() === 'identifier' ? [] : namesOf(o).filter((n) => /^(current_user|request_user)$/.test(n)))]);
      if (names.some((n) => CREDENTIAL_WORD.test(n))) return 'credential';
      if (names.some((n) => AUTHZ_WORD.test(n))) return 'authorization';
      // order.user_id == current.id: two ids, one of them naming an owner.
      const ids = operands.map((o) => toSnakeCase(lastName(o)));
      if (operands.length === 2 && ids.every((n) => ID_NAME.test(n)) && operands.some((o) => OWNER_WORD.test(toSnakeCase(o.text())))) return 'authorization';
      return undefined;
    }
    default:
      return undefined;
  }
}

const WHAT: Record<Kind, string> = {
  authentication: 'that the caller is logged in',
  authorization: 'an access rule',
  credential: 'a credential check',
};

export default defineRule({
  meta: {
    id: 'assert-used-for-security',
    category: 'security',
    title: 'Security check written as an assert statement',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Authorization',
    effortHours: 0.5,
    messages: {
      securityAssert: '`assert {{condition}}` enforces {{what}}, but Python removes assert statements under `python -O`, so the check can silently disappear.',
    },
    why: [
      'Python strips every `assert` statement when it runs with optimisation (`python -O`, `PYTHONOPTIMIZE=1`), which some deployments set to trim start-up time and memory.',
      'An access check written as an assert then vanishes without an error: every user becomes an admin, every signature is valid.',
      'Even when it stays, a failed assert raises `AssertionError`, which most frameworks turn into a 500 error instead of a 401/403.',
    ].join(' '),
    fix: [
      'Use an explicit `if` and raise the error your framework maps to the right status code:',
      '',
      '```python',
      '@router.delete("/projects/{project_id}")',
      'async def delete_project(project_id: int, user: User = Depends(get_current_user)):',
      '    project = await repo.get(project_id)',
      '    if project.owner_id != user.id:',
      '        raise HTTPException(status_code=403, detail="Not your project")',
      '```',
      'In Flask use `abort(403)`; in Django raise `PermissionDenied`.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'admin.py': 'from flask import g\n\n\ndef require_admin() -> None:\n    assert g.user.is_admin, "admins only"\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'admin.py': 'from flask import abort, g\n\n\ndef require_admin() -> None:\n    if not g.user.is_admin:\n        abort(403)\n',
      },
    },
    references: {
      cwe: [703, 617],
      owasp: ['A01:2021'],
      urls: ['https://docs.python.org/3/reference/simple_stmts.html#the-assert-statement'],
      equivalents: ['bandit:B101 (only in security checks)'],
    },
  },
  check({ index, files, report }) {
    const handlerStarts = new Set(index.routes.map((r) => `${r.handler.file}:${r.handler.startLine}`));
    for (const file of files.ofKind('python', { containing: ['assert'], includeTests: false })) {
      // conftest-style helpers and fixtures outside tests/ folders still are test code.
      if (/(^|\/)(conftest|.*_test|test_.*)\.py$/.test(file.path)) continue;
      for (const stmt of file.findAll({ kind: 'assert_statement' })) {
        const condition = stmt.children().find((c) => c.isNamed() && c.kind() !== 'comment');
        if (!condition) continue;
        const kind = securityKind(condition);
        if (!kind) continue;
        const fn = enclosingPyFunction(stmt);
        const inHandler = fn !== undefined && (pyRouteDecorators(fn).length > 0 || handlerStarts.has(`${file.path}:${fn.range().start.line + 1}`));
        report({
          messageId: 'securityAssert',
          at: file.locate(stmt),
          data: { condition: codeSpanText(condition, 80), what: WHAT[kind] },
          ...(inHandler ? { severity: 'high' as const } : {}),
        });
      }
    }
  },
});
