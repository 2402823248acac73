import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { findPyCalls, pyStringValue } from '../../parse/python-syntax.ts';
import { isShippedDjangoSettings } from '../../facts/django-settings.ts';

/**
 * Python web apps that send none of CSP / HSTS / X-Frame-Options / X-Content-Type-Options.
 * Headers are often added by the reverse proxy, so a proxy config in the repository that sets
 * them (nginx, Caddy, Traefik labels, Vercel/Netlify headers) silences the app-level findings,
 * and the findings that remain carry low confidence.
 */

const HEADER_NAMES = /Content-Security-Policy|Strict-Transport-Security|X-Frame-Options|X-Content-Type-Options/i;
/** Libraries and middleware that set the headers: flask-talisman, secure.py, Secweb, django-csp … */
const HEADER_LIBRARY =
  /flask_talisman|\bTalisman\s*\(|^\s*import\s+secure\b|^\s*from\s+secure\s+import|\bSecweb\b|SecurityHeaders|security_headers|secure_headers|CSPMiddleware|\bcsp\.middleware/m;
const HEADER_PACKAGES = new Set(['flask-talisman', 'talisman', 'secure', 'secweb', 'django-csp', 'starlette-csp', 'fastapi-security-headers']);
/** Proxy config vocabulary: header names, Traefik `headers` middleware options. */
const PROXY_HEADERS = /Strict-Transport-Security|Content-Security-Policy|X-Frame-Options|X-Content-Type-Options|stsSeconds|frameDeny|contentTypeNosniff|contentSecurityPolicy|customFrameOptionsValue/i;
const HTML_SERVED = /render_template|TemplateResponse|Jinja2Templates|HTMLResponse|render_template_string|send_from_directory|StaticFiles/;
const APP_CONSTRUCTOR = /^(flask\.)?Flask$|^(fastapi\.)?FastAPI$|^(starlette\.applications\.)?Starlette$/;

export default defineRule({
  meta: {
    id: 'security-headers-missing',
    category: 'security',
    title: 'Security headers not set',
    severity: 'low',
    confidence: 'low',
    status: 'experimental',
    appliesWhen: ['python', 'web'],
    scorecard: 'Security Headers',
    effortHours: 1,
    fixScope: 'app',
    fixTitle: 'Set the security headers (HSTS, CSP, nosniff, frame protection) in one middleware',
    messages: {
      noSecurityHeaders:
        '{{framework}} app `{{app}}` sets none of Content-Security-Policy, Strict-Transport-Security, X-Frame-Options or X-Content-Type-Options, and no proxy config in the repository adds them (a reverse proxy or CDN outside it may).',
      weakenedTalisman: '`{{call}}` switches off {{what}}.',
      djangoSecurityMiddlewareMissing:
        '`MIDDLEWARE` in `{{file}}` leaves out `django.middleware.security.SecurityMiddleware`, so Django sends neither HSTS nor `X-Content-Type-Options` unless the reverse proxy adds them.',
      djangoHeaderOff: '`{{file}}` {{what}}, so responses carry no `{{header}}` header unless the reverse proxy adds it.',
    },
    why: [
      'Security headers are the browser-side safety net: `Content-Security-Policy` limits what an injected script can do, `Strict-Transport-Security` stops downgrade to plain HTTP after the first visit, `X-Frame-Options` (or CSP `frame-ancestors`) stops click-jacking in a hostile iframe, and `X-Content-Type-Options: nosniff` stops browsers running an uploaded file as script.',
      '',
      'They are often added by the reverse proxy (nginx, Caddy, Traefik, a CDN) rather than the app. If yours does, commit that config or note it; otherwise set them in the app.',
    ].join('\n'),
    fix: [
      'Flask:',
      '```python',
      'from flask_talisman import Talisman',
      '',
      'Talisman(app, content_security_policy={"default-src": "\'self\'"}, force_https=True)',
      '```',
      'FastAPI / Starlette:',
      '```python',
      '@app.middleware("http")',
      'async def security_headers(request: Request, call_next):',
      '    response = await call_next(request)',
      '    response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"',
      '    response.headers["X-Content-Type-Options"] = "nosniff"',
      '    response.headers["X-Frame-Options"] = "DENY"',
      '    response.headers["Content-Security-Policy"] = "default-src \'self\'"',
      '    return response',
      '```',
      'Django: keep `SecurityMiddleware` and `XFrameOptionsMiddleware` in `MIDDLEWARE` and set `SECURE_HSTS_SECONDS = 31536000` in production settings.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py': 'from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n@app.get("/")\ndef index():\n    return render_template("index.html")\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\nflask-talisman==1.1.0\n',
        'app.py':
          'from flask import Flask, render_template\nfrom flask_talisman import Talisman\n\napp = Flask(__name__)\nTalisman(app)\n\n\n@app.get("/")\ndef index():\n    return render_template("index.html")\n',
      },
    },
    references: {
      cwe: [693, 1021],
      owasp: ['A05:2021'],
      urls: ['https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html'],
      equivalents: ['django:check --deploy security.W001/W004/W006/W002'],
    },
  },
  check({ index, files, report }) {
    const python = files.ofKind('python', { includeTests: false });
    const proxySetsHeaders = (['text', 'yaml', 'toml', 'json'] as const).some((kind) =>
      files.ofKind(kind, { containing: ['Strict-Transport-Security', 'Content-Security-Policy', 'X-Frame-Options', 'X-Content-Type-Options', 'stsSeconds', 'frameDeny', 'contentTypeNosniff'], includeTests: false }).some((f) => PROXY_HEADERS.test(f.text)),
    );

    // ── Talisman with its protections switched off ──
    for (const file of python) {
      if (!file.ast || !file.text.includes('Talisman')) continue;
      for (const call of findPyCalls(file.ast, /(^|\.)Talisman$/)) {
        const off: string[] = [];
        if (isOff(call.keywords.get('content_security_policy'))) off.push('the Content-Security-Policy');
        if (isOff(call.keywords.get('strict_transport_security'))) off.push('HSTS');
        if (isOff(call.keywords.get('frame_options'))) off.push('X-Frame-Options');
        if (!off.length) continue;
        if (call.keywords.get('force_https')?.kind() === 'false') off.push('the HTTPS redirect');
        report({ messageId: 'weakenedTalisman', at: file.locate(call.node), data: { call: firstLine(call.node.text()), what: joinWords(off) }, severity: 'medium', confidence: 'high' });
      }
    }
    if (proxySetsHeaders) return;

    // ── Flask / FastAPI / Starlette apps with nothing that sets the headers ──
    const appHandled =
      python.some((f) => (HEADER_NAMES.test(f.text) && HEADER_NAMES.test(stripComments(f.text))) || HEADER_LIBRARY.test(f.text)) ||
      index.dependencies.some((d) => d.ecosystem === 'pypi' && HEADER_PACKAGES.has(d.name.toLowerCase()));
    const servesRoutes = index.routes.length > 0 || python.some((f) => /^\s*@\w+\.(route|get|post|put|patch|delete)\(/m.test(f.text));
    if (!appHandled && servesRoutes) {
      const html = python.some((f) => HTML_SERVED.test(f.text));
      for (const file of python) {
        if (!file.ast || !/\b(Flask|FastAPI|Starlette)\s*\(/.test(file.text)) continue;
        for (const call of findPyCalls(file.ast, APP_CONSTRUCTOR)) {
          const parent = call.node.parent();
          if (parent?.kind() !== 'assignment') continue;
          const framework = /Flask$/.test(call.callee) ? 'Flask' : /FastAPI$/.test(call.callee) ? 'FastAPI' : 'Starlette';
          report({
            messageId: 'noSecurityHeaders',
            at: file.locate(parent),
            data: { framework, app: parent.field('left')?.text() ?? 'app' },
            severity: html ? 'medium' : 'low',
          });
        }
      }
    }

    // ── Django settings ──
    if (!index.domains.has('django')) return;
    const settings = python.filter((f) => f.ast && isShippedDjangoSettings(f));
    const everywhere = python.map((f) => stripComments(f.text)).join('\n');
    // Any non-zero (or environment-read, or conditional) HSTS value in any shipped settings module.
    const hstsOn = settings.some((f) => assignmentsOf(f, 'SECURE_HSTS_SECONDS').some((a) => a.field('right')?.text() !== '0'));
    for (const file of settings) {
      const middleware = lastTopLevel(file, 'MIDDLEWARE');
      const list = middleware?.field('right');
      if (middleware && (list?.kind() === 'list' || list?.kind() === 'tuple')) {
        const entries = list.children().map((c) => pyStringValue(c)).filter((s): s is string => s !== undefined);
        const hasSecurity = entries.some((e) => /SecurityMiddleware$/.test(e));
        if (!hasSecurity && !/["']django\.middleware\.security\.SecurityMiddleware["']/.test(everywhere))
          report({ messageId: 'djangoSecurityMiddlewareMissing', at: file.locate(middleware), data: { file: file.path }, severity: 'medium', confidence: 'medium' });
        if (hasSecurity && !hstsOn && !assignmentsOf(file, 'SECURE_HSTS_SECONDS').length)
          report({ messageId: 'djangoHeaderOff', at: file.locate(middleware), data: { file: file.path, what: 'does not set `SECURE_HSTS_SECONDS`', header: 'Strict-Transport-Security' } });
        if (!entries.some((e) => /XFrameOptionsMiddleware$/.test(e)) && !/XFrameOptionsMiddleware["']|CSP_FRAME_ANCESTORS|frame-ancestors/.test(everywhere))
          report({ messageId: 'djangoHeaderOff', at: file.locate(middleware), data: { file: file.path, what: 'leaves `XFrameOptionsMiddleware` out of `MIDDLEWARE`', header: 'X-Frame-Options' } });
      }
      const hsts = lastTopLevel(file, 'SECURE_HSTS_SECONDS');
      if (hsts?.field('right')?.text() === '0' && !hstsOn)
        report({ messageId: 'djangoHeaderOff', at: file.locate(hsts), data: { file: file.path, what: 'sets `SECURE_HSTS_SECONDS = 0`', header: 'Strict-Transport-Security' } });
      const nosniff = lastTopLevel(file, 'SECURE_CONTENT_TYPE_NOSNIFF');
      if (nosniff?.field('right')?.kind() === 'false')
        report({ messageId: 'djangoHeaderOff', at: file.locate(nosniff), data: { file: file.path, what: 'sets `SECURE_CONTENT_TYPE_NOSNIFF = False`', header: 'X-Content-Type-Options' }, severity: 'medium' });
    }
  },
});

function isOff(node: SyntaxNode | undefined): boolean {
  return !!node && (node.kind() === 'none' || node.kind() === 'false');
}

/** The last module-level `NAME = …`, unless NAME is also assigned inside an `if`/`try` (environment-dependent). */
function lastTopLevel(file: ParsedFile, name: string): SyntaxNode | undefined {
  let last: SyntaxNode | undefined;
  for (const assignment of file.findAll({ kind: 'assignment' })) {
    if (assignment.field('left')?.text() !== name) continue;
    const statement = assignment.parent();
    if (statement?.kind() === 'expression_statement' && statement.parent()?.kind() === 'module') last = assignment;
    else if (!insideDefinition(assignment)) return undefined;
  }
  return last;
}

/** `NAME = …` anywhere outside functions and classes (top level or under `if`/`try`). */
function assignmentsOf(file: ParsedFile, name: string): SyntaxNode[] {
  return file.findAll({ kind: 'assignment' }).filter((a) => a.field('left')?.text() === name && !insideDefinition(a));
}

function insideDefinition(node: SyntaxNode): boolean {
  for (let current = node.parent(); current; current = current.parent())
    if (current.kind() === 'function_definition' || current.kind() === 'class_definition') return true;
  return false;
}

function stripComments(text: string): string {
  return text.replace(/^\s*#.*$/gm, '');
}

function joinWords(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length < text.length ? `${line} …` : line;
}
