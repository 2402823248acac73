import { classifyPySinkArgument, describeTaintTrace, taintSourceLocation } from '../../facts/python-taint.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, pyBindingsOf, pyOwnNodes, pyParameters, pyQualifiedName, pyStringValue } from '../../parse/python-syntax.ts';

/** Names people give a response object. */
const RESPONSE_NAME = /^(resp|response|res|rv|r|self\.response)$|_(resp|response)$/i;
/** Calls that build a response object (the value a `response` variable holds). */
const RESPONSE_CONSTRUCTOR = /(^|\.)(make_response|Response|HttpResponse\w*|JsonResponse|JSONResponse|HTMLResponse|PlainTextResponse|FileResponse|StreamingResponse|StreamingHttpResponse|RedirectResponse|HttpResponseRedirect|redirect|render|send_file|send_from_directory|jsonify|json_response|TemplateResponse)$/;
/** Clients whose `headers` go to another server, not to the browser. */
const OUTGOING = /^(requests|httpx|aiohttp|urllib3|urllib)\./;
/** `headers.add("X", v)` and friends: the methods that set a header. */
const HEADER_METHOD = /^(add|set|setdefault|add_header|append|__setitem__)$/;
/** A CR/LF strip the value went through. */
const FROM_HEADERS = /\b(headers|META|environ|cookies|COOKIES|user_agent|referrer)\b|^(header|cookie) parameter/;
const STRIPS_NEWLINES = /(replace|sub)\([^)]*\\[rn]|splitlines\(|isprintable\(/;

export default defineRule({
  meta: {
    id: 'header-injection',
    category: 'security',
    title: 'Response header set from request data',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'Input Validation',
    messages: {
      taintedHeader: 'The `{{header}}` response header is set from {{source}}; a CR/LF in the value would add headers or split the response.',
    },
    why: [
      'A header value that carries `\\r\\n` ends the header early: the client\'s text becomes new headers (`Set-Cookie`, a second `Location`) or even a second response body, which enables session fixation, cache poisoning and cross-site scripting. Even without newlines, a client-chosen `Content-Disposition` file name or `Location` can mislead the browser.',
      '',
      'Current Werkzeug (Flask), Django and Starlette reject header values containing newlines, so on those versions this mostly turns into an error page; older versions, other servers and proxies do not all protect you, hence medium confidence. A client-chosen `Location` header is reported by `open-redirect` instead.',
    ].join('\n'),
    fix: [
      'Set headers only from values you control, or reduce the client\'s value to a safe form first: a sanitised file name for `Content-Disposition`, an allow-listed value otherwise. `set_cookie()` quotes its value and is fine.',
      '',
      '```python',
      'from werkzeug.utils import secure_filename',
      '',
      'name = secure_filename(request.args.get("name", "report")) or "report"',
      'response.headers["Content-Disposition"] = f\'attachment; filename="{name}.csv"\'',
      '```',
    ].join('\n'),
    effortHours: 0.5,
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'from flask import Flask, make_response, request',
          '',
          'app = Flask(__name__)',
          '',
          '@app.get("/export")',
          'def export():',
          '    response = make_response("id,name\\n")',
          '    name = request.args.get("name", "export")',
          '    response.headers["Content-Disposition"] = f"attachment; filename={name}.csv"',
          '    return response',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'from flask import Flask, make_response, request',
          'from werkzeug.utils import secure_filename',
          '',
          'app = Flask(__name__)',
          '',
          '@app.get("/export")',
          'def export():',
          '    response = make_response("id,name\\n")',
          '    name = secure_filename(request.args.get("name", "export")) or "export"',
          '    response.headers["Content-Disposition"] = f"attachment; filename={name}.csv"',
          '    return response',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [113, 93],
      owasp: ['A03:2021 Injection'],
      urls: ['https://owasp.org/www-community/attacks/HTTP_Response_Splitting'],
      equivalents: ['semgrep:python.django.security.injection.tainted-header-injection'],
    },
  },
  check(ctx) {
    const checkerFor = (file: ParsedFile) => (at: SyntaxNode, header: SyntaxNode | undefined, value: SyntaxNode): boolean => {
      // A client-chosen `Location` is an open redirect first: `open-redirect` reports it.
      if (pyStringValue(header) === 'Location') return false;
      for (const part of header && !pyStringValue(header) ? [value, header] : [value]) {
        const reached = classifyPySinkArgument(ctx, file, part, 'header');
        if (reached?.kind !== 'tainted') continue;
        // Incoming header and cookie values cannot carry a raw CR/LF: the server already split on them.
        if (FROM_HEADERS.test(reached.trace.source)) continue;
        const fn = enclosingPyFunction(at);
        if (fn && STRIPS_NEWLINES.test(fn.text())) return false;
        ctx.report({
          messageId: 'taintedHeader',
          at: file.locate(at),
          data: { header: header ? (pyStringValue(header) ?? header.text()) : 'headers', source: describeTaintTrace(reached.trace) },
          related: [taintSourceLocation(reached.trace)],
        });
        return true;
      }
      return false;
    };

    for (const file of ctx.files.ofKind('python', { containing: ['headers', 'Response', 'response['] })) {
      const root = file.ast;
      if (!root) continue;
      const check = checkerFor(file);
      const django = isDjangoFile(root);
      // `response.headers["X"] = v`, Django's `response["X"] = v`.
      for (const assign of file.findAll({ kind: 'assignment', has: { field: 'left', kind: 'subscript' } })) {
        const left = assign.field('left');
        const value = assign.field('right');
        const target = left?.field('value');
        const key = left?.field('subscript');
        if (!target || !value || !key) continue;
        if (target.kind() === 'attribute' && target.field('attribute')?.text() === 'headers') {
          const owner = target.field('object');
          if (owner && isResponse(file, root, owner)) check(assign, key, value);
        } else if (django && /^['"][A-Z][A-Za-z0-9-]*['"]$/.test(key.text()) && isResponse(file, root, target)) {
          check(assign, key, value);
        }
      }

      // Structural queries first: a regex on every call's callee text costs far more.
      const headerCalls = [
        ...file.findAll({ kind: 'call', has: { field: 'function', kind: 'attribute', has: { field: 'object', kind: 'attribute', has: { field: 'attribute', regex: '^headers$' } } } }),
        ...file.findAll({ kind: 'call', has: { field: 'arguments', has: { kind: 'keyword_argument', has: { field: 'name', regex: '^headers$' } } } }),
      ];
      for (const node of headerCalls) {
        const call = describePyCall(node);
        if (!call) continue;
        const fnNode = node.field('function');
        // `response.headers.add("X", v)`.
        if (fnNode?.kind() === 'attribute' && HEADER_METHOD.test(fnNode.field('attribute')?.text() ?? '')) {
          const headers = fnNode.field('object');
          const owner = headers?.kind() === 'attribute' && headers.field('attribute')?.text() === 'headers' ? headers.field('object') : undefined;
          if (owner && isResponse(file, root, owner) && call.args[1]) check(node, call.args[0], call.args[1]);
          continue;
        }
        // `Response(body, headers={"Location": v})`.
        const headers = call.keywords.get('headers');
        if (!headers || headers.kind() !== 'dictionary') continue;
        if (!RESPONSE_CONSTRUCTOR.test(call.callee) || OUTGOING.test(pyQualifiedName(root, call.callee))) continue;
        for (const pair of headers.children().filter((c) => c.kind() === 'pair')) {
          const value = pair.field('value');
          if (value && check(node, pair.field('key') ?? undefined, value)) break;
        }
      }
    }

    // Flask: `return body, 302, {"Location": v}`.
    for (const route of ctx.index.routes) {
      if (route.framework !== 'flask' || !route.handler.node) continue;
      const file = ctx.files.get(route.handler.file);
      if (!file?.ast) continue;
      const check = checkerFor(file);
      for (const ret of pyOwnNodes(route.handler.node, 'return_statement')) {
        const value = ret.children().find((c) => c.isNamed());
        if (value?.kind() !== 'expression_list' && value?.kind() !== 'tuple') continue;
        const headers = value.children().filter((c) => c.isNamed()).slice(1).find((c) => c.kind() === 'dictionary');
        for (const pair of headers?.children().filter((c) => c.kind() === 'pair') ?? []) {
          const v = pair.field('value');
          if (v && check(ret, pair.field('key') ?? undefined, v)) break;
        }
      }
    }
  },
});

function isDjangoFile(root: SyntaxNode): boolean {
  return /^\s*(from|import)\s+(django|rest_framework)\b/m.test(root.text());
}

/**
 * A response object: a local assigned from a response constructor (`make_response(...)`,
 * `HttpResponse(...)`), a parameter typed `Response` (FastAPI's injected response), or a name
 * people only give responses (`response`, `resp`).
 */
function isResponse(file: ParsedFile, root: SyntaxNode, node: SyntaxNode): boolean {
  if (node.kind() === 'call') return RESPONSE_CONSTRUCTOR.test(node.field('function')?.text() ?? '') && !OUTGOING.test(pyQualifiedName(root, node.field('function')?.text() ?? ''));
  if (node.kind() !== 'identifier' && node.kind() !== 'attribute') return false;
  const fn = enclosingPyFunction(node);
  if (fn && node.kind() === 'identifier') {
    const param = pyParameters(fn).find((p) => p.name === node.text());
    if (param) return /(^|\.)(Response|HttpResponse|StreamResponse)$/.test(param.annotation?.text() ?? '') || (!param.annotation && RESPONSE_NAME.test(param.name) && /after_request|process_response|middleware/i.test(fn.text().slice(0, 200)));
    const values = pyBindingsOf(fn, node.text(), file).map((b) => b.binding.value).filter((v): v is SyntaxNode => !!v);
    if (values.length) return values.some((v) => v.kind() === 'call' ? isResponse(file, root, v) : v.kind() === 'await' && isResponse(file, root, v.children().find((c) => c.isNamed()) ?? v));
  }
  return RESPONSE_NAME.test(node.text());
}
