import type { ParsedFile, SyntaxNode } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { findPyCalls, pyStringValue } from '../../parse/python-syntax.ts';
import { isDevConfigPath } from '../../facts/django-settings.ts';

/**
 * Session, auth and token cookies set without `Secure` / `HttpOnly` / `SameSite`, and framework
 * settings that switch those flags off for the session, CSRF or remember-me cookie.
 * Non-sensitive cookies (`theme`, `locale`) and CSRF cookies (the page must read them) stay quiet.
 */

/** Files and config classes for a developer's machine or the test suite. */
/** Django split settings: `settings/base.py` overridden by `settings/production.py`. */
const SETTINGS_PACKAGE = /(^|\/)settings\/[^/]+\.py$/;
const DEV_CLASS = /dev|test|local|debug/i;
/** Substrings of a cookie name or value expression that say it authenticates someone. */
const SENSITIVE = /session|token|jwt|auth|bearer|credential|remember|api[_-]?key|refresh|user[_-]?id|(^|[^a-z])(sid|uid|sess|access|login|identity)([^a-z]|$)/i;
/** Names that are never authentication: preferences, consent, CSRF (JavaScript must read it). */
const NOT_SENSITIVE = /csrf|xsrf|theme|locale|lang|consent|timezone|currency|tracking|analytics|preference|banner|notice|tour|sidebar|color/i;

const SETTINGS: Record<string, { cookie: string; effect: 'secure' | 'httponly' | 'samesite' }> = {
  SESSION_COOKIE_SECURE: { cookie: 'session', effect: 'secure' },
  SESSION_COOKIE_HTTPONLY: { cookie: 'session', effect: 'httponly' },
  SESSION_COOKIE_SAMESITE: { cookie: 'session', effect: 'samesite' },
  CSRF_COOKIE_SECURE: { cookie: 'CSRF', effect: 'secure' },
  REMEMBER_COOKIE_SECURE: { cookie: 'remember-me', effect: 'secure' },
  REMEMBER_COOKIE_HTTPONLY: { cookie: 'remember-me', effect: 'httponly' },
};
const EFFECT_TEXT = {
  secure: 'lets browsers send the {{cookie}} cookie over plain HTTP',
  httponly: 'lets page JavaScript (and any XSS payload) read the {{cookie}} cookie',
  samesite: 'sends the {{cookie}} cookie along with cross-site requests',
};

export default defineRule({
  meta: {
    id: 'cookie-insecure-flags',
    category: 'security',
    title: 'Session or auth cookie without Secure, HttpOnly or SameSite',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['python', 'web'],
    scorecard: 'Configuration',
    effortHours: 0.5,
    fixScope: 'app',
    fixTitle: 'Set Secure, HttpOnly and SameSite on the session and auth cookies',
    messages: {
      cookieFlagsMissing: '`{{call}}` sets the `{{cookie}}` cookie without {{missing}}.',
      insecureCookieSetting: '`{{setting}} = {{value}}` in `{{file}}` {{effect}}.',
    },
    why: [
      'A session or token cookie is the user\'s identity. Without `Secure` it is sent over plain HTTP and can be read on any network hop; without `HttpOnly` a single XSS bug lets script copy it to an attacker; without `SameSite` the browser attaches it to requests other sites trigger, which is what CSRF needs.',
      'Browsers drop `SameSite=None` cookies that are not also `Secure`, so that combination breaks logins as well.',
    ].join('\n\n'),
    fix: [
      'Set all three flags on every cookie that authenticates someone, and keep the framework settings at their secure values in production.',
      '',
      'Flask / FastAPI / Starlette:',
      '```python',
      'response.set_cookie("session_token", token, secure=True, httponly=True, samesite="Lax", max_age=3600)',
      '```',
      'Flask config and Django settings:',
      '```python',
      'SESSION_COOKIE_SECURE = True',
      'SESSION_COOKIE_HTTPONLY = True',
      'SESSION_COOKIE_SAMESITE = "Lax"',
      'CSRF_COOKIE_SECURE = True',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py':
          'from flask import Flask, make_response\n\napp = Flask(__name__)\n\n\n@app.post("/login")\ndef login():\n    resp = make_response({"ok": True})\n    resp.set_cookie("session_token", issue_token())\n    return resp\n',
      },
      good: {
        'requirements.txt': 'flask==3.0.3\n',
        'app.py':
          'from flask import Flask, make_response\n\napp = Flask(__name__)\n\n\n@app.post("/login")\ndef login():\n    resp = make_response({"ok": True})\n    resp.set_cookie("session_token", issue_token(), secure=True, httponly=True, samesite="Lax")\n    return resp\n',
      },
    },
    references: {
      cwe: [614, 1004, 1275],
      owasp: ['A05:2021', 'A07:2021'],
      urls: ['https://owasp.org/www-community/controls/SecureCookieAttribute'],
      equivalents: [
        'semgrep:python.flask.security.audit.secure-set-cookie.secure-set-cookie',
        'semgrep:python.django.security.audit.secure-cookies.django-secure-set-cookie',
      ],
    },
  },
  check({ files, report }) {
    const keys = Object.keys(SETTINGS);
    const siblings = files
      .ofKind('python', { containing: keys, includeTests: false })
      .filter((f) => f.ast && !isDevConfigPath(f.path) && SETTINGS_PACKAGE.test(f.path))
      .map((f) => ({ file: f, dir: f.path.slice(0, f.path.lastIndexOf('/') + 1), secure: insecureSettings(f).secure }));
    for (const file of files.ofKind('python', { containing: ['set_cookie', 'set_signed_cookie', ...keys], includeTests: false })) {
      if (!file.ast) continue;
      const devFile = isDevConfigPath(file.path);

      if (/set_(signed_)?cookie/.test(file.text)) {
        const starletteDefaults = /^\s*(from|import)\s+(fastapi|starlette)\b/m.test(file.text);
        for (const call of findPyCalls(file.ast, /\.set_(signed_)?cookie$/)) {
          if (call.args.some((a) => /splat/.test(String(a.kind())))) continue; // **cookie_options: cannot tell
          const nameNode = call.args[0] ?? call.keywords.get('key');
          const valueNode = call.args[1] ?? call.keywords.get('value');
          if (!nameNode) continue;
          const literalName = pyStringValue(nameNode);
          const nameText = literalName ?? nameNode.text();
          if (NOT_SENSITIVE.test(nameText)) continue;
          if (!SENSITIVE.test(nameText) && !(literalName === undefined && valueNode && SENSITIVE.test(valueNode.text()))) continue;

          const secure = flag(call.keywords.get('secure'));
          const httponly = flag(call.keywords.get('httponly'));
          const samesiteNode = call.keywords.get('samesite');
          const samesite = samesiteNode ? (pyStringValue(samesiteNode)?.toLowerCase() ?? (samesiteNode.kind() === 'none' ? 'absent' : 'set')) : 'absent';
          const missing: string[] = [];
          if (secure !== 'set') missing.push(samesite === 'none' ? '`secure=True` (browsers reject `SameSite=None` without it)' : '`secure=True`');
          if (httponly !== 'set') missing.push('`httponly=True`');
          if (samesite === 'absent' && !starletteDefaults) missing.push('`samesite="Lax"`');
          if (!missing.length) continue;
          report({
            messageId: 'cookieFlagsMissing',
            at: file.locate(call.node),
            data: { call: call.callee, cookie: nameText, missing: joinWords(missing) },
            severity: secure !== 'set' || httponly !== 'set' ? 'medium' : 'low',
          });
        }
      }

      if (devFile || !keys.some((k) => file.text.includes(k))) continue;
      const dir = file.path.slice(0, file.path.lastIndexOf('/') + 1);
      for (const hit of insecureSettings(file).hits) {
        // `settings/base.py` says False, `settings/production.py` next to it says True.
        if (siblings.some((s) => s.dir === dir && s.file !== file && s.secure.has(hit.key))) continue;
        const setting = SETTINGS[hit.key];
        report({
          messageId: 'insecureCookieSetting',
          at: file.locate(hit.node),
          data: { setting: hit.key, value: hit.value, file: file.path, effect: EFFECT_TEXT[setting.effect].replace('{{cookie}}', setting.cookie) },
          severity: setting.effect === 'samesite' ? 'low' : 'medium',
        });
      }
    }
  },
});

function flag(node: SyntaxNode | undefined): 'absent' | 'false' | 'set' {
  if (!node) return 'absent';
  if (node.kind() === 'false' || node.kind() === 'none') return 'false';
  return 'set';
}

function insecureSettings(file: ParsedFile): { hits: { key: string; value: string; node: SyntaxNode }[]; secure: Set<string> } {
  const hits: { key: string; value: string; node: SyntaxNode }[] = [];
  const overridden = new Set<string>();
  const secure = new Set<string>();
  const consider = (key: string, value: SyntaxNode | null | undefined, node: SyntaxNode) => {
    const setting = SETTINGS[key];
    if (!setting || !value) return;
    const insecure = setting.effect === 'samesite' ? value.kind() === 'none' : value.kind() === 'false';
    if (!insecure && !gated(node)) secure.add(key);
    if (!insecure || gated(node)) overridden.add(key);
    else hits.push({ key, value: value.text(), node });
  };
  for (const assignment of file.findAll({ kind: 'assignment' })) {
    const left = assignment.field('left');
    if (!left) continue;
    let key: string | undefined;
    if (left.kind() === 'identifier') key = left.text();
    else if (left.kind() === 'subscript' && /\.config$|^config$/.test(left.field('value')?.text() ?? '')) key = pyStringValue(left.field('subscript'));
    if (key && SETTINGS[key]) consider(key, assignment.field('right'), assignment);
  }
  for (const call of findPyCalls(file.ast, /(^|\.)config\.(update|from_mapping)$/))
    for (const [key, value] of call.keywords) if (SETTINGS[key]) consider(key, value, value.parent() ?? value);
  return { hits: hits.filter((h) => !overridden.has(h.key)), secure };
}

/** Inside an `if` or a development/test config class: not (only) the production value. */
function gated(node: SyntaxNode): boolean {
  for (let current = node.parent(); current; current = current.parent()) {
    const kind = current.kind();
    if (kind === 'if_statement' || kind === 'conditional_expression') return true;
    if (kind === 'class_definition' && DEV_CLASS.test(current.field('name')?.text() ?? '')) return true;
  }
  return false;
}

function joinWords(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

