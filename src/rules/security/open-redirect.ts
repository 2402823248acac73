import { classifyPySinkArgument, describeTaintTrace, isPyConstantExpression, taintSourceLocation } from '../../facts/python-taint.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, pyQualifiedName, pyStringHeads, pyStringValue } from '../../parse/python-syntax.ts';

/** Calls that answer with a redirect to their first argument. */
const REDIRECT_SINK = /^(flask|quart|werkzeug\.utils|django\.shortcuts)\.redirect$|^django\.http\.(response\.)?HttpResponse(Permanent)?Redirect$|^(starlette|fastapi)\.responses\.RedirectResponse$|^aiohttp\.web\.HTTP(Found|SeeOther|MovedPermanently|TemporaryRedirect|PermanentRedirect)$/;
/** Request values that point back at this app (`redirect(request.url)` after a POST): not chosen freely by another site. */
const SELF_URL = /^`?(request|req|self\.request)\.(url|path|full_path|base_url|url_root|host_url|script_root|path_info|get_full_path\(\)|build_absolute_uri\(\)|referrer)`?$|HTTP_REFERER|[Rr]eferer/;
const VALIDATOR_HELPER = /(valid|sanitiz|sanitis|safe|allow|verify|check|ensure)/i;

export default defineRule({
  meta: {
    id: 'open-redirect',
    category: 'security',
    title: 'Redirect to a URL chosen by the client',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Input Validation',
    messages: {
      taintedRedirect: '`{{sink}}` sends the browser to a URL taken from {{source}}, which can point at any site.',
    },
    why: [
      'A link on your own domain (`https://app.example.com/login?next=https://evil.example`) forwards users to a site the attacker controls. Phishing pages borrow your domain\'s trust this way, and OAuth or password-reset flows that redirect with a token in the URL hand that token to the attacker.',
      '',
      'A redirect to a fixed path with the client\'s value after it (`redirect("/projects/" + slug)`) is not reported: it stays on your site.',
    ].join('\n'),
    fix: [
      'Redirect to a named route, or accept only relative paths on your own host. Django ships `url_has_allowed_host_and_scheme`; in Flask and FastAPI check `urlparse(url)` yourself.',
      '',
      '```python',
      'from django.utils.http import url_has_allowed_host_and_scheme',
      '',
      'def login_view(request):',
      '    next_url = request.GET.get("next", "/")',
      '    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):',
      '        next_url = "/"',
      '    return redirect(next_url)',
      '```',
    ].join('\n'),
    effortHours: 1,
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'from flask import Flask, redirect, request',
          '',
          'app = Flask(__name__)',
          '',
          '@app.get("/out")',
          'def outbound():',
          '    return redirect(request.args["to"])',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'from flask import Flask, redirect, request, url_for',
          '',
          'app = Flask(__name__)',
          '',
          '@app.get("/projects/open")',
          'def open_project():',
          '    slug = request.args["slug"]',
          '    return redirect(url_for("project", slug=slug))',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [601],
      owasp: ['A01:2021 Broken Access Control'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html'],
      equivalents: ['semgrep:python.flask.security.open-redirect.open-redirect', 'semgrep:python.django.security.injection.open-redirect.open-redirect'],
    },
  },
  check(ctx) {
    const checkTarget = (file: ParsedFile, at: SyntaxNode, target: SyntaxNode, sink: string): void => {
      if (isPyConstantExpression(target)) return;
      const reached = classifyPySinkArgument(ctx, file, target, 'redirect');
      if (reached?.kind !== 'tainted') return;
      if (SELF_URL.test(reached.trace.source)) return;
      if (reached.trace.via.some((v) => v.endsWith('()') && VALIDATOR_HELPER.test(v))) return;
      if (staysOnSite(target, enclosingPyFunction(at), file)) return;
      ctx.report({
        messageId: 'taintedRedirect',
        at: file.locate(at),
        data: { sink, source: describeTaintTrace(reached.trace) },
        related: [taintSourceLocation(reached.trace)],
      });
    };

    for (const file of ctx.files.ofKind('python', { containing: ['redirect', 'Redirect', 'HTTPFound', 'HTTPSeeOther', 'HTTPMovedPermanently', 'Location'] })) {
      const root = file.ast;
      if (!root) continue;
      for (const node of file.findAll({ kind: 'call', has: { field: 'function', regex: '(redirect|Redirect|RedirectResponse|HTTPFound|HTTPSeeOther|HTTPMovedPermanently|HTTPTemporaryRedirect|HTTPPermanentRedirect)$' } })) {
        const call = describePyCall(node);
        if (!call || !REDIRECT_SINK.test(qualify(root, call.callee))) continue;
        const target = call.args[0] ?? call.keywords.get('url') ?? call.keywords.get('to') ?? call.keywords.get('location') ?? call.keywords.get('redirect_to');
        if (target) checkTarget(file, node, target, call.callee);
      }
      if (!file.text.includes('Location')) continue;
      // A hand-set `Location` header: `response.headers["Location"] = v`, Django's `response["Location"] = v`.
      for (const assign of file.findAll({ kind: 'assignment', has: { field: 'left', kind: 'subscript' } })) {
        const left = assign.field('left');
        const value = assign.field('right');
        const target = left?.field('value')?.text() ?? '';
        if (left && value && isLocationKey(left.field('subscript')) && /(^|\.|_)(headers|resp|response|res|r)$/.test(target)) checkTarget(file, assign, value, 'headers["Location"]');
      }
      // `Response(status=302, headers={"Location": v})`, Flask's `return "", 302, {"Location": v}`.
      for (const pair of file.findAll({ kind: 'pair' })) {
        const value = pair.field('value');
        if (!value || !isLocationKey(pair.field('key'))) continue;
        const dict = pair.parent();
        const owner = dict?.parent();
        const headersArgument = owner?.kind() === 'keyword_argument' && owner.field('name')?.text() === 'headers';
        const flaskTuple = (owner?.kind() === 'expression_list' || owner?.kind() === 'tuple') && owner.parent()?.kind() === 'return_statement' && owner.children().find((c) => c.isNamed()) !== dict;
        if (headersArgument || flaskTuple) checkTarget(file, pair, value, 'headers["Location"]');
      }
    }
  },
});

function isLocationKey(key: SyntaxNode | null | undefined): boolean {
  return pyStringValue(key) === 'Location';
}

function qualify(root: SyntaxNode, callee: string): string {
  const q = pyQualifiedName(root, callee);
  if (/^(fastapi|starlette)\.RedirectResponse$/.test(q)) return 'starlette.responses.RedirectResponse';
  if (/^django\.http\.response\./.test(q)) return q.replace('django.http.response.', 'django.http.');
  if (/^aiohttp\.HTTP/.test(q)) return q.replace('aiohttp.', 'aiohttp.web.');
  return q;
}

/**
 * The target starts with a fixed path on this site (`"/projects/" + slug`), a fixed absolute URL,
 * a relative path (`"edit/" + id`), a constant, or a URL built by the router (`url_for(...)`):
 * the client's part cannot change the destination host. `"/" + x` is not fixed: `x` may start with `/`.
 */
function staysOnSite(target: SyntaxNode, fn: SyntaxNode | undefined, file: ParsedFile): boolean {
  const heads = pyStringHeads(target, fn, file);
  return heads.length > 0 && heads.every((h) => {
    if ('literal' in h) return /^\/[^/\\]/.test(h.literal) || /^https?:\/\/[^/?#\s@\\]+[/?#]/i.test(h.literal) || /^[\w.-]+[/?#]/.test(h.literal) || /^\?/.test(h.literal);
    if (h.node === target) return false;
    if (isPyConstantExpression(h.node)) return true;
    if (SELF_URL.test(h.node.text())) return true;
    return h.node.kind() === 'call' && /(^|\.)(url_for|reverse|resolve_url|url_path_for)$/.test(h.node.field('function')?.text() ?? '');
  });
}
