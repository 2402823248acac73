import { classifyPySinkArgument, describeTaintTrace, taintSourceLocation } from '../../facts/python-taint.ts';
import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describePyCall, enclosingPyFunction, pyBindingsOf, pyOwnNodes, pyQualifiedName, pyStringParts, pyStringValue, type PyCall } from '../../parse/python-syntax.ts';

/** Wrappers that tell the template engine "this is already safe HTML". */
const MARK_SAFE = /^(markupsafe|flask|jinja2)\.Markup$|^django\.utils\.safestring\.(mark_safe|SafeString|SafeText)$/;
/** Responses whose body is HTML unless another content type is given. */
const HTML_RESPONSE = /^(flask\.(make_response|Response)|werkzeug\.wrappers\.Response|django\.http\.HttpResponse|(starlette|fastapi)\.responses\.(HTMLResponse|Response)|aiohttp\.web\.Response)$/;
/** Calls that compile their argument as a template. */
const TEMPLATE_COMPILE = /^(flask\.render_template_string|jinja2\.Template|django\.template\.Template|mako\.template\.Template)$/;
/** Markup in a string: an opening or closing tag. */
const HTML_TAG = /<\/?[a-zA-Z][\w-]*(\s|>|\/|$)/;
const VALIDATOR_HELPER = /(valid|sanitiz|sanitis|safe|allow|verify|check|ensure|escape|clean)/i;

export default defineRule({
  meta: {
    id: 'cross-site-scripting',
    category: 'security',
    title: 'Request data in HTML without escaping',
    severity: 'high',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['python'],
    scorecard: 'XSS Protection',
    messages: {
      taintedMarkup: '`{{sink}}` turns off HTML escaping for a value from {{source}}.',
      taintedHtml: '`{{sink}}` answers with HTML that embeds a value from {{source}}, unescaped.',
      taintedText:
        '`{{sink}}` answers with text built from {{source}}; it goes out as `text/html` (the default for a returned string or a plain response), so markup in it runs in the browser.',
      templateInjection: '`{{sink}}` compiles template text that includes a value from {{source}}, so the client can run template code on the server.',
      autoescapeOff: '`{{sink}}` renders an HTML template without autoescaping, with a value from {{source}}.',
      taintedTemplateVariable: '`{{sink}}` renders `{{template}}`, which prints a value from {{source}} without escaping ({{how}}).',
      safeFilter: '`{{template}}` prints `{{expression}}` without HTML escaping ({{how}}); it is cross-site scripting as soon as the value can hold user input.',
    },
    why: [
      'A value from the request printed into a page as HTML runs as script in the browser of whoever views it: `<script>` or `<img onerror=…>` steals their session, acts as them, or rewrites the page. Template engines escape values by default; building HTML by string formatting, `Markup()`/`mark_safe()` or a Jinja2 environment without autoescape switches that off.',
      '',
      'Putting request data into the *text* of a template (`render_template_string(f"<h1>{name}</h1>")`) is worse: `{{ config }}` or `{{ cycler.__init__.__globals__.os.popen("id").read() }}` in the value runs on the server (server-side template injection).',
    ].join('\n'),
    fix: [
      'Keep the template fixed and pass the values as variables, so the engine escapes them; escape explicitly (`markupsafe.escape`, Django\'s `format_html`) when you must build HTML in code.',
      '',
      '```python',
      '# before: return render_template_string(f"<h1>Hello {name}</h1>")',
      'return render_template_string("<h1>Hello {{ name }}</h1>", name=name)',
      '',
      '# Django: format_html escapes every argument',
      'return HttpResponse(format_html("<p>Results for {}</p>", query))',
      '',
      '# Jinja2 outside Flask',
      'env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape())',
      '```',
    ].join('\n'),
    effortHours: 1,
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'from flask import Flask, render_template_string, request',
          '',
          'app = Flask(__name__)',
          '',
          '@app.get("/hello")',
          'def hello():',
          '    name = request.args.get("name", "")',
          '    return render_template_string(f"<h1>Hello {name}</h1>")',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': [
          'from flask import Flask, render_template_string, request',
          '',
          'app = Flask(__name__)',
          '',
          '@app.get("/hello")',
          'def hello():',
          '    name = request.args.get("name", "")',
          '    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [79, 80, 1336, 94],
      owasp: ['A03:2021 Injection'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html'],
      equivalents: [
        'bandit:B701',
        'bandit:B703',
        'bandit:B704',
        'semgrep:python.flask.security.xss.audit.direct-use-of-jinja2.direct-use-of-jinja2',
        'semgrep:python.flask.security.injection.ssti.render-template-string',
        'semgrep:python.django.security.audit.avoid-mark-safe.avoid-mark-safe',
        'semgrep:python.flask.security.audit.directly-returned-format-string.directly-returned-format-string',
      ],
    },
  },
  check(ctx) {
    const reportAt = (file: ParsedFile, node: SyntaxNode, arg: SyntaxNode, sinkKind: 'html' | 'code', messageId: 'taintedMarkup' | 'taintedHtml' | 'taintedText' | 'templateInjection' | 'autoescapeOff', sink: string) => {
      const reached = classifyPySinkArgument(ctx, file, arg, sinkKind);
      if (reached?.kind !== 'tainted') return false;
      if (reached.trace.via.some((v) => v.endsWith('()') && VALIDATOR_HELPER.test(v))) return false;
      ctx.report({
        messageId,
        at: file.locate(node),
        data: { sink, source: describeTaintTrace(reached.trace) },
        related: [taintSourceLocation(reached.trace)],
        ...(messageId === 'templateInjection'
          ? { severity: 'critical' as const }
          : messageId === 'autoescapeOff'
            ? { severity: 'medium' as const }
            : messageId === 'taintedText'
              ? { severity: 'medium' as const, confidence: 'medium' as const }
              : {}),
      });
      return true;
    };

    for (const file of ctx.files.ofKind('python', { containing: ['Markup', 'mark_safe', 'SafeString', 'Response', 'make_response', 'render_template_string', 'Template', 'from_string', 'render'] })) {
      const root = file.ast;
      if (!root) continue;
      for (const node of file.findAll({ kind: 'call', has: { field: 'function', regex: '(Markup|mark_safe|SafeString|SafeText|Response|make_response|render_template_string|Template|from_string|render)$' } })) {
        const call = describePyCall(node);
        if (!call) continue;
        const q = qualify(root, call.callee);
        const first = call.args[0];
        if (MARK_SAFE.test(q)) {
          if (first) reportAt(file, node, first, 'html', 'taintedMarkup', call.callee);
        } else if (TEMPLATE_COMPILE.test(q) || isFromString(root, call)) {
          const source = first ?? call.keywords.get('source') ?? call.keywords.get('template_string') ?? call.keywords.get('text');
          if (source) reportAt(file, node, source, 'code', 'templateInjection', call.callee);
        } else if (HTML_RESPONSE.test(q)) {
          const body = first ?? call.keywords.get('content') ?? call.keywords.get('response') ?? call.keywords.get('body') ?? call.keywords.get('text');
          if (!body || !isHtmlResponse(q, call)) continue;
          const fn = enclosingPyFunction(node);
          if (containsMarkup(body, fn, file)) reportAt(file, node, body, 'html', 'taintedHtml', call.callee);
          // A text/html response whose body is request text, tags or not: `HttpResponse("Hi " + name)`.
          else if (/^(flask\.make_response|flask\.Response|werkzeug\.wrappers\.Response|django\.http\.HttpResponse|HttpResponse|make_response)$/.test(q) && isBuiltString(body, fn, file))
            reportAt(file, node, body, 'html', 'taintedText', call.callee);
        } else if (/\.render$/.test(call.callee)) {
          const template = unescapedHtmlTemplate(file, root, node.field('function')?.field('object'));
          if (!template) continue;
          for (const arg of [...call.args, ...call.keywords.values()]) if (reportAt(file, node, arg, 'html', 'autoescapeOff', call.callee)) break;
        }
      }
    }

    // A Flask view returning an HTML string it formatted itself: `return f"<p>{name}</p>"`.
    for (const route of ctx.index.routes) {
      if (route.framework !== 'flask' || !route.handler.node) continue;
      const file = ctx.files.get(route.handler.file);
      if (!file?.ast) continue;
      for (const ret of pyOwnNodes(route.handler.node, 'return_statement')) {
        let value = ret.children().find((c) => c.isNamed());
        if (value?.kind() === 'expression_list' || value?.kind() === 'tuple') value = value.children().find((c) => c.isNamed());
        if (!value || (value.kind() === 'call' && !isFormatCall(value))) continue;
        if (/Content-Type['"]\s*:\s*['"](?!text\/html)/i.test(ret.text())) continue;
        if (containsMarkup(value, route.handler.node, file)) reportAt(file, ret, value, 'html', 'taintedHtml', `${route.handler.name}()`);
        // No tag in the literal text, but still a string: Flask serves it as text/html all the same.
        else if (isBuiltString(value, route.handler.node, file)) reportAt(file, ret, value, 'html', 'taintedText', `${route.handler.name}()`);
      }
    }

    // Templates: `{{ x|safe }}` / `{% autoescape false %}`, tied to the view that passes request data as `x` when there is one.
    const templates = ctx.files.all.filter((f) => f.kind === 'text' && TEMPLATE_FILE.test(f.path) && !f.isTest);
    if (!templates.length) return;
    const unescaped = new Map<string, UnescapedUse[]>();
    for (const t of templates) unescaped.set(t.path, unescapedUses(t));
    const reportedLines = new Set<string>();
    /** Template variables a view passes, with a value that carries no request data. */
    const passedSafely = new Set<string>();
    for (const file of ctx.files.ofKind('python', { containing: ['render_template', 'render', 'TemplateResponse', 'render_to_string'] })) {
      const root = file.ast;
      if (!root) continue;
      for (const node of file.findAll({ kind: 'call', has: { field: 'function', regex: '(render_template|render|TemplateResponse|render_to_string)$' } })) {
        const call = describePyCall(node);
        if (!call) continue;
        const rendered = renderedTemplate(root, call);
        if (!rendered) continue;
        const template = templates.find((t) => t.path === rendered.name || t.path.endsWith(`/${rendered.name}`));
        const uses = template ? unescaped.get(template.path) ?? [] : [];
        if (!template || !uses.length) continue;
        let reportedCall = false;
        for (const [name, value] of rendered.variables) {
          const use = uses.find((u) => u.variable === name);
          if (!use) continue;
          const reached = classifyPySinkArgument(ctx, file, value, 'html');
          if (reached?.kind !== 'tainted') {
            passedSafely.add(`${template.path}:${name}`);
            continue;
          }
          reportedLines.add(`${template.path}:${use.line}`);
          if (reportedCall) continue;
          reportedCall = true;
          ctx.report({
            messageId: 'taintedTemplateVariable',
            at: file.locate(node),
            data: { sink: call.callee, source: describeTaintTrace(reached.trace), template: template.path, how: use.how },
            related: [taintSourceLocation(reached.trace), template.locateLines(use.line, use.line, 'printed without escaping here')],
          });
        }
      }
    }
    for (const t of templates)
      for (const use of unescaped.get(t.path) ?? []) {
        if (reportedLines.has(`${t.path}:${use.line}`) || passedSafely.has(`${t.path}:${use.variable}`)) continue;
        reportedLines.add(`${t.path}:${use.line}`);
        ctx.report({ messageId: 'safeFilter', at: t.locateLines(use.line), data: { template: t.path, expression: use.expression, how: use.how }, severity: 'medium', confidence: 'low' });
      }
  },
});

const TEMPLATE_FILE = /(^|\/)templates\/.*\.(html?|jinja2?|j2|djhtml)$/;

interface UnescapedUse {
  /** The root variable (`post` for `{{ post.body|safe }}`). */
  variable: string;
  expression: string;
  line: number;
  how: string;
}

/** `{{ x|safe }}` and `{{ x }}` inside `{% autoescape false %}` / `{% autoescape off %}` blocks, per line. */
function unescapedUses(t: ParsedFile): UnescapedUse[] {
  const out: UnescapedUse[] = [];
  const text = t.text;
  const offBlocks: [number, number][] = [];
  for (const m of text.matchAll(/\{%-?\s*autoescape\s+(false|off)\s*-?%\}/gi)) {
    const end = text.indexOf('endautoescape', m.index ?? 0);
    offBlocks.push([m.index ?? 0, end < 0 ? text.length : end]);
  }
  // `{% for c in comments %}`: `c.body` prints part of `comments`.
  const loopAlias = new Map<string, string>();
  for (const m of text.matchAll(/\{%-?\s*for\s+(\w+)(?:\s*,\s*(\w+))?\s+in\s+([A-Za-z_]\w*)/g)) {
    loopAlias.set(m[1], m[3]);
    if (m[2]) loopAlias.set(m[2], m[3]);
  }
  for (const m of text.matchAll(/\{\{-?\s*([^{}]*?)\s*-?\}\}/g)) {
    const expression = m[1];
    const written = /^([A-Za-z_]\w*)/.exec(expression)?.[1];
    const root = written && (loopAlias.get(written) ?? written);
    if (!root || /^(csrf_token|url_for|static|super|caller|loop|range|macros?)$/.test(root) || /\(/.test(expression.split('|')[0])) continue;
    const filters = expression.split('|').slice(1).map((f) => f.trim().split(/[\s(]/)[0]);
    const safeAt = filters.indexOf('safe');
    const at = m.index ?? 0;
    const inOff = offBlocks.some(([a, b]) => a <= at && at <= b);
    if (safeAt < 0 && !inOff) continue;
    // Filters that escape or encode before `|safe` (`|tojson|safe`, `|escape|safe`, `|urlencode`) keep it safe.
    if (filters.some((f, i) => (safeAt < 0 || i < safeAt) && /^(tojson|escape|e|forceescape|urlencode|int|float|length|count|striptags|json_script|date|filesizeformat)$/.test(f))) continue;
    out.push({ variable: root, expression: expression.length > 60 ? `${expression.slice(0, 57)}…` : expression, line: t.position(at).line, how: safeAt >= 0 ? '`|safe`' : 'inside `{% autoescape off %}`' });
  }
  return out;
}

/** The template a render call uses and the variables it passes: `render_template("a.html", x=v)`, `render(request, "a.html", {"x": v})`. */
function renderedTemplate(root: SyntaxNode, call: PyCall): { name: string; variables: [string, SyntaxNode][] } | undefined {
  const q = pyQualifiedName(root, call.callee);
  let nameNode: SyntaxNode | undefined;
  let context: SyntaxNode | undefined;
  const variables: [string, SyntaxNode][] = [];
  if (/^(flask|quart)\.render_template$/.test(q)) {
    nameNode = call.args[0] ?? call.keywords.get('template_name_or_list');
    for (const [k, v] of call.keywords) if (k !== 'template_name_or_list') variables.push([k, v]);
  } else if (/^django\.shortcuts\.render$|^django\.template\.response\.TemplateResponse$/.test(q)) {
    nameNode = call.args[1] ?? call.keywords.get('template_name');
    context = call.args[2] ?? call.keywords.get('context');
  } else if (/^django\.template\.loader\.render_to_string$/.test(q)) {
    nameNode = call.args[0] ?? call.keywords.get('template_name');
    context = call.args[1] ?? call.keywords.get('context');
  } else if (/\.TemplateResponse$/.test(call.callee)) {
    // Starlette: `TemplateResponse(request, "a.html", {...})` or the older `TemplateResponse("a.html", {...})`.
    const firstIsName = pyStringValue(call.args[0]) !== undefined;
    nameNode = (firstIsName ? call.args[0] : call.args[1]) ?? call.keywords.get('name');
    context = (firstIsName ? call.args[1] : call.args[2]) ?? call.keywords.get('context');
  } else return undefined;
  const name = pyStringValue(nameNode);
  if (!name) return undefined;
  if (context?.kind() === 'dictionary')
    for (const pair of context.children().filter((c) => c.kind() === 'pair')) {
      const key = pyStringValue(pair.field('key'));
      const value = pair.field('value');
      if (key && value) variables.push([key, value]);
    }
  return { name, variables };
}

function qualify(root: SyntaxNode, callee: string): string {
  const q = pyQualifiedName(root, callee);
  if (/^(fastapi|starlette)\.(HTMLResponse|Response)$/.test(q)) return `starlette.responses.${q.split('.').pop()}`;
  if (/^django\.http\.response\.HttpResponse$/.test(q)) return 'django.http.HttpResponse';
  if (q === 'jinja2.environment.Template') return 'jinja2.Template';
  return q.replace(/^fastapi\.responses\./, 'starlette.responses.').replace(/^markupsafe\.Markup$/, 'markupsafe.Markup');
}

/** `env.from_string(src)` / `app.jinja_env.from_string(src)` / `engines["django"].from_string(src)` in a file that uses a template engine. */
function isFromString(root: SyntaxNode, call: PyCall): boolean {
  if (!/\.from_string$/.test(call.callee)) return false;
  const text = root.text();
  return /\bjinja2\b|\bjinja_env\b|django\.template|\bflask\b/.test(text);
}

/** `"…{}…".format(x)`: a string built in place, not a call of another function. */
function isFormatCall(node: SyntaxNode): boolean {
  const fn = node.field('function');
  return fn?.kind() === 'attribute' && fn.field('attribute')?.text() === 'format' && pyStringValue(fn.field('object')) !== undefined;
}

/** The response is served as HTML: the type says so, or no type is given to a class whose default is HTML. */
function isHtmlResponse(qualified: string, call: PyCall): boolean {
  const type = call.keywords.get('content_type') ?? call.keywords.get('mimetype') ?? call.keywords.get('media_type');
  if (type) return /html/.test(type.text());
  if (qualified === 'starlette.responses.Response' || qualified === 'aiohttp.web.Response') return false; // no media type: not HTML
  return true;
}

/** Whether the literal text of a string-building expression (following local variables) contains an HTML tag. */
function containsMarkup(expr: SyntaxNode, fn: SyntaxNode | undefined, file: ParsedFile, depth = 0): boolean {
  if (depth > 4) return false;
  if (expr.kind() === 'identifier') {
    if (!fn) return false;
    return pyBindingsOf(fn, expr.text(), file).some((b) => {
      const value = b.binding.node.kind() === 'augmented_assignment' ? b.binding.node.field('right') : b.binding.value;
      return !!value && containsMarkup(value, fn, file, depth + 1);
    });
  }
  return pyStringParts(expr).some((p) => ('literal' in p ? HTML_TAG.test(p.literal) : p.node !== expr && containsMarkup(p.node, fn, file, depth + 1)));
}

/** Whether an expression (following local variables) is a string the code formats itself: an f-string, `+`/`%`/`.format` with literal text. */
function isBuiltString(expr: SyntaxNode, fn: SyntaxNode | undefined, file: ParsedFile, depth = 0): boolean {
  if (depth > 4) return false;
  if (expr.kind() === 'identifier') {
    if (!fn) return false;
    return pyBindingsOf(fn, expr.text(), file).some((b) => {
      const value = b.binding.node.kind() === 'augmented_assignment' ? b.binding.node.field('right') : b.binding.value;
      return !!value && isBuiltString(value, fn, file, depth + 1);
    });
  }
  // A keyed read of a text field is a string too: `request.args.get("q")`, `request.GET["q"]`.
  if (TEXT_READ.test(expr.text())) return true;
  return pyStringParts(expr).some((p) => ('literal' in p ? p.literal.trim().length > 0 : p.node !== expr && isBuiltString(p.node, fn, file, depth + 1)));
}
const TEXT_READ = /^(self\.)?(request|req)\.(args|form|values|cookies|headers|GET|POST|COOKIES)(\.get\(|\[)/;

/**
 * The receiver of `.render(...)` is a Jinja2 template from an environment that does not escape:
 * `jinja2.Template(...)` (autoescape is off by default) or `env.get_template("x.html")` /
 * `env.from_string(...)` where `env = Environment(...)` without `autoescape=True` or
 * `select_autoescape(...)`. Only templates that produce HTML count.
 */
function unescapedHtmlTemplate(file: ParsedFile, root: SyntaxNode, receiver: SyntaxNode | null | undefined, depth = 0): boolean {
  if (!receiver || depth > 3) return false;
  if (receiver.kind() === 'identifier') {
    const fn = enclosingPyFunction(receiver);
    const values = fn ? pyBindingsOf(fn, receiver.text(), file).map((b) => b.binding.value) : [];
    const bound = values.length ? values : moduleValues(root, receiver.text());
    return bound.some((v) => !!v && unescapedHtmlTemplate(file, root, v, depth + 1));
  }
  if (receiver.kind() !== 'call') return false;
  const call = describePyCall(receiver);
  if (!call) return false;
  const q = qualify(root, call.callee);
  if (q === 'jinja2.Template') return !call.keywords.has('autoescape') && HTML_TAG.test(pyStringValue(call.args[0]) ?? '');
  const method = /\.(get_template|from_string|select_template)$/.exec(call.callee);
  if (!method) return false;
  const htmlTemplate = method[1] === 'from_string' ? HTML_TAG.test(pyStringValue(call.args[0]) ?? '') : /\.html?\b|\.j2\b|\.jinja2?\b/.test(call.args[0]?.text() ?? '');
  if (!htmlTemplate) return false;
  const env = receiver.field('function')?.field('object');
  return !!env && environmentEscapes(file, root, env, depth) === false;
}

/** Whether a Jinja2 `Environment(...)` escapes; undefined when the object is not one we can see. */
function environmentEscapes(file: ParsedFile, root: SyntaxNode, env: SyntaxNode, depth: number): boolean | undefined {
  if (env.kind() === 'identifier') {
    const fn = enclosingPyFunction(env);
    const local = fn ? pyBindingsOf(fn, env.text(), file).map((b) => b.binding.value) : [];
    const values = local.length ? local : moduleValues(root, env.text());
    for (const v of values) {
      const r = v && depth < 3 ? environmentEscapes(file, root, v, depth + 1) : undefined;
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (env.kind() !== 'call') return undefined;
  const call = describePyCall(env);
  if (!call || !/^jinja2\.(Environment|environment\.Environment)$/.test(qualify(root, call.callee))) return undefined;
  const autoescape = call.keywords.get('autoescape');
  return !!autoescape && autoescape.text() !== 'False' && autoescape.text() !== 'None';
}

/** Values assigned to a module-level name. */
function moduleValues(root: SyntaxNode, name: string): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const stmt of root.children()) {
    const assign = stmt.kind() === 'expression_statement' ? stmt.children().find((c) => c.kind() === 'assignment') : undefined;
    if (assign?.field('left')?.text() === name) {
      const right = assign.field('right');
      if (right) out.push(right);
    }
  }
  return out;
}
