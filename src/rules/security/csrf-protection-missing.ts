import type { Location } from '../../model/finding.ts';
import type { Route } from '../../model/repo-index.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { describePyCall, findPyCalls, pyClassOf, pyDecorators, pyDefinitions, pyLocalCallees, pyStringValue } from '../../parse/python-syntax.ts';
import { isDevConfigPath, isShippedDjangoSettings, stripPyComments } from '../../facts/django-settings.ts';
import { flaskSessionEvidence } from '../../facts/web-controls.ts';

/**
 * CSRF: Flask apps with cookie sessions / Flask-Login and state-changing form routes but no
 * CSRF protection anywhere; FastAPI/Starlette apps that set a login cookie and trust it in
 * state-changing routes' dependencies with no CSRF defence (high with `samesite="none"`, medium
 * with the Lax default, quiet with Strict); Django views with `@csrf_exempt`;
 * `CsrfViewMiddleware` left out of MIDDLEWARE; Flask-WTF's `WTF_CSRF_ENABLED = False` in shipped
 * config. Pure bearer-token APIs (no session use) stay quiet.
 */

const DEV_CLASS = /dev|test|local|debug/i;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Any CSRF defence in the code: Flask-WTF, SeaSurf, a hand-written token check. */
const CSRF_DEFENCE = /csrf|xsrf|seasurf|FlaskForm|flask_wtf/i;
/** A view that verifies a webhook signature itself. */
const SIGNATURE_CHECK =
  /signature|hmac\.|compare_digest|construct_event|verify_webhook|webhook\.verify|\bWebhook\(|RequestValidator|validate_request|verify_signature|X-Hub-Signature|HTTP_X_[A-Z_]*SIGNATURE/i;
/** A view that authenticates by a bearer token or API key header, not the session cookie. */
const TOKEN_AUTH = /HTTP_AUTHORIZATION|headers\s*(\.get\(\s*|\[\s*)["'](Authorization|X-Api-Key|X-API-Key)["']|Bearer\s/;
const SESSION_USE = /request\.session|request\.user|login_required|LoginRequiredMixin/;

export default defineRule({
  meta: {
    id: 'csrf-protection-missing',
    category: 'security',
    title: 'Cookie-session app without CSRF protection',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['python', 'web'],
    scorecard: 'CSRF Protection',
    effortHours: 2,
    fixScope: 'app',
    fixTitle: 'Turn on CSRF protection for every cookie-authenticated form and route',
    messages: {
      flaskNoCsrf:
        'Flask app `{{app}}` keeps users logged in with a cookie session ({{evidence}}) and serves {{routes}}, e.g. `{{example}}`, with no CSRF protection.',
      fastapiNoCsrf:
        'FastAPI app `{{app}}` authenticates requests with the `{{cookie}}` cookie ({{evidence}}) and serves {{routes}}, e.g. `{{example}}`, with no CSRF protection{{samesite}}.',
      csrfExempt: '`{{decorator}}` switches off CSRF protection for view `{{view}}`{{note}}.',
      middlewareRemoved: '`MIDDLEWARE` in `{{file}}` leaves out `django.middleware.csrf.CsrfViewMiddleware`{{how}}, so no POST is checked for a CSRF token.',
      csrfDisabled: '`WTF_CSRF_ENABLED = False` in `{{file}}` switches off Flask-WTF CSRF checks for every form.',
    },
    why: [
      'When a logged-in user\'s browser sends the session cookie automatically, any other web page they visit can submit a form to your app in their name: change their email, transfer money, delete data. A CSRF token (or an equivalent check) is what tells a request the user made apart from one another site forged.',
      '',
      'Webhooks and bearer-token APIs do not rely on the cookie and may be exempt, but a webhook must then verify the sender\'s signature.',
    ].join('\n'),
    fix: [
      'Flask: enable Flask-WTF\'s CSRF protection for the whole app and put the token in every form.',
      '```python',
      'from flask_wtf.csrf import CSRFProtect',
      '',
      'csrf = CSRFProtect()',
      'csrf.init_app(app)',
      '```',
      '```html',
      '<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}"/> …</form>',
      '```',
      'FastAPI with a login cookie: validate a CSRF token on every state-changing route (`fastapi-csrf-protect`, `starlette-csrf` middleware, or a double-submit header checked in the auth dependency), or keep the cookie `samesite="strict"`; a bearer token in the `Authorization` header needs none of this.',
      '```python',
      'from fastapi_csrf_protect import CsrfProtect',
      '',
      '@app.post("/projects/{project_id}/delete")',
      'async def delete_project(project_id: int, request: Request, csrf: CsrfProtect = Depends(), user: User = Depends(get_current_user)):',
      '    await csrf.validate_csrf(request)',
      '    ...',
      '```',
      'Django: keep `"django.middleware.csrf.CsrfViewMiddleware"` in `MIDDLEWARE`, use `{% csrf_token %}` in forms, and replace `@csrf_exempt` by a signature check (webhooks) or token authentication (APIs, e.g. DRF `TokenAuthentication`).',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py':
          'from flask import Flask, redirect, request, session\n\napp = Flask(__name__)\n\n\n@app.post("/login")\ndef login():\n    session["user_id"] = check_user(request.form["email"], request.form["password"])\n    return redirect("/")\n\n\n@app.route("/profile/email", methods=["POST"])\ndef change_email():\n    update_email(session["user_id"], request.form["email"])\n    return redirect("/profile")\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\nflask-wtf==1.2.1\n',
        'app.py':
          'from flask import Flask, redirect, request, session\nfrom flask_wtf.csrf import CSRFProtect\n\napp = Flask(__name__)\nCSRFProtect(app)\n\n\n@app.post("/login")\ndef login():\n    session["user_id"] = check_user(request.form["email"], request.form["password"])\n    return redirect("/")\n\n\n@app.route("/profile/email", methods=["POST"])\ndef change_email():\n    update_email(session["user_id"], request.form["email"])\n    return redirect("/profile")\n',
      },
    },
    references: {
      cwe: [352],
      owasp: ['A01:2021'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html'],
      equivalents: [
        'semgrep:python.django.security.audit.csrf-exempt.no-csrf-exempt',
        'semgrep:python.flask.security.audit.wtf-csrf-disabled.flask-wtf-csrf-disabled',
        'semgrep:python.django.security.audit.django-csrf-middleware-missing (partial)',
      ],
    },
  },
  check({ files, index, report }) {
    const python = files.ofKind('python', { includeTests: false });
    const codeText = new Map<ParsedFile, string>();
    const code = (f: ParsedFile) => codeText.get(f) ?? codeText.set(f, stripPyComments(f.text)).get(f) ?? '';

    // ── Flask: cookie sessions + form routes + no defence anywhere ──
    const flaskFiles = python.filter((f) => f.ast && /^\s*(from\s+flask\b|import\s+flask\b)/m.test(f.text) && !/^\s*(from|import)\s+fastapi\b/m.test(f.text));
    const sessionFiles = flaskFiles.length ? python.filter((f) => f.ast && /^\s*(from|import)\s+flask(_login)?\b/m.test(f.text) && !/^\s*(from|import)\s+fastapi\b/m.test(f.text)) : [];
    const session = sessionFiles.map((f) => flaskSessionEvidence(f)).find((e) => e !== undefined);
    if (session && !python.some((f) => CSRF_DEFENCE.test(f.text) && CSRF_DEFENCE.test(code(f)))) {
      const routes = stateChangingFormRoutes(index.routes);
      if (routes.length) {
        const appCall = flaskFiles.flatMap((f) => findPyCalls(f.ast, /^(flask\.)?Flask$/).map((c) => ({ file: f, call: c }))).at(0);
        const appName = appCall ? (assignedName(appCall.call.node) ?? 'app') : 'app';
        const at = appCall ? appCall.file.locate(appCall.call.node) : routes[0].at;
        const lax = python.some((f) => /SESSION_COOKIE_SAMESITE["']?\]?\s*[=:]\s*["'](Lax|Strict)["']/i.test(f.text));
        report({
          messageId: 'flaskNoCsrf',
          at,
          data: {
            app: appName,
            evidence: session.what,
            routes: `${routes.length} state-changing form route${routes.length === 1 ? '' : 's'}`,
            example: (routes.find((r) => !/login|signin|sign-in|register|signup|sign-up|logout/i.test(r.label)) ?? routes[0]).label,
          },
          related: [session.at, ...routes.slice(0, 5).map((r) => r.at)],
          // SameSite=Lax on the session cookie already stops cross-site form posts in current browsers.
          severity: lax ? 'medium' : 'high',
        });
      }
    }

    // ── FastAPI / Starlette: a cookie set at login and read by the auth dependency, no CSRF defence ──
    if (!python.some((f) => CSRF_DEFENCE.test(f.text) && CSRF_DEFENCE.test(code(f)))) {
      const cookieAuth = fastapiCookieAuth(python);
      const routes = cookieAuth ? cookieGuardedRoutes(index.routes, cookieAuth.readers) : [];
      if (cookieAuth && routes.length && cookieAuth.sameSite !== 'strict') {
        const appCall = python.flatMap((f) => findPyCalls(f.ast, /^(fastapi\.)?FastAPI$/).map((c) => ({ file: f, call: c }))).at(0);
        report({
          messageId: 'fastapiNoCsrf',
          at: appCall ? appCall.file.locate(appCall.call.node) : cookieAuth.setAt,
          data: {
            app: appCall ? (assignedName(appCall.call.node) ?? 'app') : 'app',
            cookie: cookieAuth.cookie,
            evidence: `set by \`${cookieAuth.setter}\`, read by \`${cookieAuth.readers[0]}\``,
            routes: `${routes.length} state-changing route${routes.length === 1 ? '' : 's'} that trust it`,
            example: routes[0].label,
            samesite:
              cookieAuth.sameSite === 'none'
                ? ' — and `samesite="none"` sends the cookie with requests from any other site'
                : ' (the cookie is SameSite=Lax, which still lets top-level cross-site navigations and same-site subdomains through)',
          },
          related: [cookieAuth.setAt, cookieAuth.readAt, ...routes.slice(0, 5).map((r) => r.at)],
          severity: cookieAuth.sameSite === 'none' ? 'high' : 'medium',
        });
      }
    }

    // ── Django: @csrf_exempt views ──
    for (const file of python) {
      if (!file.ast || !/csrf_exempt|csrf\w*\.exempt/.test(file.text)) continue;
      // `path("hook/", csrf_exempt(views.hook))` in urls.py
      for (const call of findPyCalls(file.ast, /(^|\.)csrf_exempt$/)) {
        const target = call.args[0];
        const view = target ? resolveView(target, files) : undefined;
        const name = target?.text().replace(/\.as_view\(.*$/s, '') ?? 'view';
        const verdict = view ? judgeExemptView(view.node, view.file) : /webhook/i.test(name) ? 'webhook' : 'report';
        if (verdict === 'quiet') continue;
        report({ messageId: 'csrfExempt', at: file.locate(call.node), data: { decorator: 'csrf_exempt(…)', view: name, note: noteFor(verdict) }, severity: 'medium' });
      }
      for (const def of file.findAll({ any: [{ kind: 'function_definition' }, { kind: 'class_definition' }] })) {
        const exempt = pyDecorators(def).find((d) => isCsrfExemptDecorator(d));
        if (!exempt) continue;
        // `@method_decorator(csrf_exempt)` on `dispatch`: judge the whole class-based view.
        const view = def.kind() === 'function_definition' ? (pyClassOf(def) ?? def) : def;
        const verdict = judgeExemptView(view, file);
        if (verdict === 'quiet') continue;
        report({ messageId: 'csrfExempt', at: file.locate(exempt), data: { decorator: `@${firstLine(exempt.text())}`, view: view.field('name')?.text() ?? 'view', note: noteFor(verdict) }, severity: 'medium' });
      }
    }

    // ── Django: CsrfViewMiddleware left out ──
    const settingsModules = python.filter((f) => f.ast && f.text.includes('MIDDLEWARE') && isShippedDjangoSettings(f));
    const middlewareElsewhere = () => python.some((f) => f.text.includes('Middleware') && /["'][\w.]*Csrf\w*Middleware["']/.test(code(f)));
    if (settingsModules.length && !middlewareElsewhere()) {
      for (const file of settingsModules) {
        if (!file.ast) continue;
        for (const assignment of file.ast.findAll({ rule: { kind: 'assignment' } })) {
          const left = assignment.field('left')?.text();
          const list = assignment.field('right');
          if ((left !== 'MIDDLEWARE' && left !== 'MIDDLEWARE_CLASSES') || (list?.kind() !== 'list' && list?.kind() !== 'tuple')) continue;
          if (assignment.parent()?.parent()?.kind() !== 'module') continue;
          const entries = list.children().map((c) => pyStringValue(c)).filter((s): s is string => s !== undefined);
          if (!entries.some((e) => /SessionMiddleware|AuthenticationMiddleware/.test(e))) continue; // no cookie sessions
          const commented = list.children().some((c) => c.kind() === 'comment' && /CsrfViewMiddleware/.test(c.text()));
          report({ messageId: 'middlewareRemoved', at: file.locate(assignment), data: { file: file.path, how: commented ? ' (it is commented out)' : '' }, severity: 'high' });
        }
      }
    }

    // ── Flask-WTF switched off ──
    for (const file of python) {
      if (!file.ast || !file.text.includes('WTF_CSRF_ENABLED') || isDevConfigPath(file.path)) continue;
      const hits: SyntaxNode[] = [];
      /** Other values: a module-level one overrides every class; a class-level one only its own class. */
      const others: (SyntaxNode | undefined)[] = [];
      const consider = (value: SyntaxNode | null | undefined, node: SyntaxNode) => {
        if (!value) return;
        if (value.kind() === 'false' && !gatedForDevelopment(node)) hits.push(node);
        else if (value.kind() !== 'false') others.push(enclosingClass(node));
      };
      for (const assignment of file.ast.findAll({ rule: { kind: 'assignment' } })) {
        const left = assignment.field('left');
        const key = left?.kind() === 'identifier' ? left.text() : left?.kind() === 'subscript' ? pyStringValue(left.field('subscript')) : undefined;
        if (key === 'WTF_CSRF_ENABLED') consider(assignment.field('right'), assignment);
      }
      for (const call of findPyCalls(file.ast, /(^|\.)(update|from_mapping)$/)) {
        const value = call.keywords.get('WTF_CSRF_ENABLED');
        if (value) consider(value, value.parent() ?? value);
      }
      for (const node of hits) {
        const own = enclosingClass(node);
        if (others.some((cls) => cls === undefined || (own !== undefined && cls.range().start.index === own.range().start.index))) continue;
        report({ messageId: 'csrfDisabled', at: file.locate(node), data: { file: file.path }, severity: 'high' });
      }
    }
  },
});

/** Cookie names that carry a login: `session`, `access_token`, `sid`, `auth`, `jwt`. */
const AUTH_COOKIE = /sess|token|auth|sid\b|jwt|login|user/i;

/**
 * A FastAPI/Starlette app that logs users in with a cookie: `response.set_cookie("session", …)` and
 * functions that read it back (`Cookie()` parameters, `request.cookies[...]`, `APIKeyCookie`).
 */
function fastapiCookieAuth(python: ParsedFile[]): { cookie: string; setter: string; setAt: Location; readAt: Location; readers: string[]; sameSite: 'none' | 'lax' | 'strict' } | undefined {
  const fastapi = python.filter((f) => f.ast && /^\s*(from|import)\s+(fastapi|starlette)\b/m.test(f.text));
  let set: { cookie: string; setter: string; at: Location; sameSite: 'none' | 'lax' | 'strict' } | undefined;
  for (const file of fastapi) {
    for (const call of findPyCalls(file.ast, /\.set_cookie$/)) {
      const arg = call.args[0] ?? call.keywords.get('key');
      const name = pyStringValue(arg) ?? (arg ? constantString(python, arg.text().split('.').pop() ?? '') : undefined);
      if (!name || !AUTH_COOKIE.test(name)) continue;
      const same = pyStringValue(call.keywords.get('samesite'))?.toLowerCase() ?? (call.keywords.get('samesite')?.text() === 'None' ? 'none' : 'lax');
      set = { cookie: name, setter: `${call.callee}("${name}", …)`, at: file.locate(call.node, 'login cookie set here'), sameSite: same === 'none' ? 'none' : same === 'strict' ? 'strict' : 'lax' };
      break;
    }
    if (set) break;
  }
  if (!set) return undefined;
  const cookie = set.cookie;
  const readers: string[] = [];
  let readAt: Location | undefined;
  for (const file of fastapi) {
    if (!file.text.includes(cookie) && !/\bCookie\(|APIKeyCookie/.test(file.text)) continue;
    for (const def of file.findAll({ kind: 'function_definition' })) {
      const params = def.field('parameters')?.text() ?? '';
      const body = def.text();
      const reads =
        new RegExp(`\\bcookies(\\.get\\(|\\[)\\s*["']${cookie}["']`).test(body) ||
        (/\bCookie\(/.test(params) && new RegExp(`\\b${cookie}\\b`).test(params)) ||
        /APIKeyCookie/.test(params);
      if (!reads) continue;
      const name = def.field('name')?.text();
      if (!name) continue;
      readers.push(name);
      readAt ??= file.locateLines(def.range().start.line + 1, def.range().start.line + 1, 'login cookie read here');
    }
  }
  if (!readers.length || !readAt) return undefined;
  return { cookie, setter: set.setter, setAt: set.at, readAt, readers, sameSite: set.sameSite };
}

/** The value of a module-level string constant `NAME = "…"` anywhere in the project (`config.SESSION_COOKIE`). */
function constantString(python: ParsedFile[], name: string): string | undefined {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) return undefined;
  const pattern = new RegExp(`^${name}\\s*(?::[^=]+)?=\\s*["']([^"'\\n]+)["']`, 'm');
  for (const file of python) {
    const m = file.text.includes(name) ? pattern.exec(file.text) : null;
    if (m) return m[1];
  }
  return undefined;
}

/** State-changing FastAPI routes whose guards or handler read the login cookie; not the login itself, logout or webhooks. */
function cookieGuardedRoutes(routes: Route[], readers: string[]): { at: Location; label: string }[] {
  const pattern = new RegExp(`\\b(${readers.join('|')})\\b`);
  const out: { at: Location; label: string }[] = [];
  const seen = new Set<string>();
  for (const route of routes) {
    if ((route.framework !== 'fastapi' && route.framework !== 'starlette') || !STATE_CHANGING.has(route.method)) continue;
    const label = `${route.method} ${route.path} (${route.handler.name})`;
    if (/login|signin|sign-in|register|signup|sign-up|logout|webhook|callback|hook/i.test(label) || seen.has(label)) continue;
    const params = route.handler.node?.field('parameters')?.text() ?? '';
    const trusted = route.guards.some((g) => pattern.test(g.name)) || pattern.test(params) || readers.includes(route.handler.name);
    if (!trusted) continue;
    seen.add(label);
    out.push({ at: route.at, label });
  }
  return out;
}

function enclosingClass(node: SyntaxNode): SyntaxNode | undefined {
  for (let current = node.parent(); current; current = current.parent()) if (current.kind() === 'class_definition') return current;
  return undefined;
}

type Verdict = 'quiet' | 'report' | 'webhook';

function noteFor(verdict: Verdict): string {
  return verdict === 'webhook' ? ' (a webhook: verify the sender\'s signature in the view instead)' : '';
}

/** Quiet for DRF views, verified webhooks and views that authenticate by a token header and never touch the session. */
function judgeExemptView(def: SyntaxNode, file: ParsedFile): Verdict {
  if (pyDecorators(def).some((d) => /(^|\.)api_view$/.test((d.kind() === 'call' ? d.field('function') : d)?.text() ?? ''))) return 'quiet';
  if (def.kind() === 'class_definition' && /APIView|ViewSet/.test(def.field('superclasses')?.text() ?? '')) return 'quiet';
  const body = [def, ...(def.kind() === 'function_definition' && file.ast ? pyLocalCallees(def, file.ast) : [])].map((n) => n.text()).join('\n');
  const name = def.field('name')?.text() ?? '';
  if (/webhook|hook$|callback/i.test(name)) return SIGNATURE_CHECK.test(body) ? 'quiet' : 'webhook';
  if (TOKEN_AUTH.test(body) && !SESSION_USE.test(body)) return 'quiet';
  return 'report';
}

function isCsrfExemptDecorator(node: SyntaxNode): boolean {
  // Django `@csrf_exempt`, Flask-WTF `@csrf.exempt`
  if (node.kind() === 'identifier' || node.kind() === 'attribute') return /(^|\.)csrf_exempt$|^\w*csrf\w*\.exempt$/.test(node.text());
  const call = describePyCall(node);
  return !!call && /(^|\.)method_decorator$/.test(call.callee) && !!call.args[0] && /(^|\.)csrf_exempt\b/.test(call.args[0].text());
}

/** The function or class a `csrf_exempt(views.upload)` / `csrf_exempt(UploadView.as_view())` wraps, searched by name in the project. */
function resolveView(target: SyntaxNode, files: ParsedFiles): { file: ParsedFile; node: SyntaxNode } | undefined {
  const name = target.text().replace(/\.as_view\(.*$/s, '').split('.').pop() ?? '';
  if (!/^\w+$/.test(name)) return undefined;
  for (const file of files.ofKind('python', { containing: [`def ${name}`, `class ${name}`], includeTests: false })) {
    const def = file.ast ? pyDefinitions(file.ast).get(name) : undefined;
    if (def) return { file, node: def };
  }
  return undefined;
}


/**
 * State-changing Flask routes (from the route model, so paths carry their blueprint prefixes)
 * whose handler can be driven by a plain HTML form: not JSON-only, not webhooks. One per handler.
 */
function stateChangingFormRoutes(routes: Route[]): { at: Location; label: string }[] {
  const out: { at: Location; label: string }[] = [];
  const seen = new Set<string>();
  for (const route of routes) {
    if (route.framework !== 'flask' || !STATE_CHANGING.has(route.method)) continue;
    const handlerKey = `${route.handler.file}:${route.handler.startLine}`;
    if (seen.has(handlerKey)) continue;
    if (/webhook|callback|hook/i.test(`${route.path} ${route.handler.name}`)) continue;
    const body = route.handler.node?.text() ?? '';
    const jsonOnly = /request\.(get_json|json)\b/.test(body) && !/request\.(form|values|files|data|get_data)\b/.test(body);
    if (jsonOnly) continue;
    seen.add(handlerKey);
    out.push({ at: route.at, label: `${route.method} ${route.path} (${route.handler.name})` });
  }
  return out;
}

function assignedName(call: SyntaxNode): string | undefined {
  const parent = call.parent();
  return parent?.kind() === 'assignment' ? parent.field('left')?.text() : undefined;
}

function gatedForDevelopment(node: SyntaxNode): boolean {
  for (let current = node.parent(); current; current = current.parent()) {
    const kind = current.kind();
    if (kind === 'if_statement' && /test|debug|dev|local/i.test(current.field('condition')?.text() ?? '')) return true;
    if (kind === 'class_definition') {
      if (DEV_CLASS.test(current.field('name')?.text() ?? '')) return true;
      if (/^\s*TESTING\s*=\s*True/m.test(current.text())) return true;
    }
    if (kind === 'function_definition' && /test|dev|local/i.test(current.field('name')?.text() ?? '')) return true;
  }
  return false;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}
