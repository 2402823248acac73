/**
 * Application-wide web controls that several readers need: a body-size cap for uploads, cookie
 * (session) authentication — the condition under which CSRF matters —, a CSRF defence, and an
 * audit log. Read by rules (upload-content-type-only, csrf-protection-missing) and by the route
 * control matrix (src/assess/route-controls.ts). Pure: facts of the parsed files and the index.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../model/parsed-file.ts';
import type { RepoIndex } from '../model/repo-index.ts';
import { findPyCalls, pyImports } from '../parse/python-syntax.ts';

/** A body-size cap that applies to every upload: Flask MAX_CONTENT_LENGTH, nginx client_max_body_size, a size-limit middleware. */
export function hasProjectSizeLimit(index: RepoIndex, files: ParsedFiles): boolean {
  if (files.ofKind('python', { containing: ['MAX_CONTENT_LENGTH', 'ContentSizeLimit', 'max_body_size', 'MaxBodySize'], includeTests: false }).length) return true;
  if (files.ofKind('text', { containing: ['client_max_body_size'] }).length) return true;
  if (files.ofKind('yaml', { containing: ['proxy-body-size'] }).length) return true;
  return index.dependencies.some((d) => d.name === 'starlette-context-size-limit');
}

/** Where a Flask app stores a login in the cookie session: `session["user_id"] = …`, `login_user(…)`, Flask-Login. */
export function flaskSessionEvidence(file: ParsedFile): { at: Location; what: string } | undefined {
  const root = file.ast;
  if (!root) return undefined;
  const imports = pyImports(root);
  const sessionName = [...imports].find(([, v]) => v.module === 'flask' && v.name === 'session')?.[0];
  if (sessionName) {
    for (const assignment of root.findAll({ rule: { kind: 'assignment' } })) {
      const left = assignment.field('left');
      if (left?.kind() === 'subscript' && left.field('value')?.text() === sessionName)
        return { at: file.locate(assignment, 'session written here'), what: `\`${left.text().split('\n')[0]} = …\`` };
    }
  }
  const login = findPyCalls(root, /(^|\.)login_user$/)[0];
  if (login) return { at: file.locate(login.node, 'user logged in here'), what: '`login_user(…)`' };
  const flaskLogin = [...imports.values()].find((v) => v.module.startsWith('flask_login'));
  if (flaskLogin) return { at: file.locateLines(flaskLogin.line, flaskLogin.line, 'Flask-Login imported here'), what: 'Flask-Login' };
  return undefined;
}

export interface ControlEvidence {
  at: Location;
  /** What was found, for a note: "Flask-Login", "express-session", "CsrfViewMiddleware". */
  what: string;
}

/** npm packages that keep a login in a cookie. */
const NPM_COOKIE_SESSION = ['express-session', 'cookie-session', 'iron-session', 'next-auth', '@auth/core', '@auth/express', 'lucia', 'koa-session', '@fastify/session', '@fastify/secure-session'];
/** npm packages (and the Python ones below) that check CSRF tokens. */
const NPM_CSRF = ['csurf', 'csrf-csrf', 'csrf-sync', 'lusca', 'tiny-csrf', '@fastify/csrf-protection', 'next-csrf', '@edge-csrf/nextjs', '@edge-csrf/core', 'koa-csrf'];
const PYPI_CSRF = ['flask-wtf', 'flask-seasurf', 'fastapi-csrf-protect', 'starlette-csrf', 'asgi-csrf'];
const DJANGO_SESSION = /["']django\.contrib\.sessions\.middleware\.SessionMiddleware["']/;
const DJANGO_CSRF = /["']django\.middleware\.csrf\.CsrfViewMiddleware["']/;

/**
 * How the application keeps users logged in with a cookie, if it does: Flask sessions and
 * Flask-Login, Django's session middleware, a cookie read as the credential in FastAPI/Starlette,
 * or a session package in a Node app. Undefined for header-token (bearer, API key) or no authentication.
 */
export function cookieAuthentication(index: RepoIndex, files: ParsedFiles): ControlEvidence | undefined {
  for (const file of files.ofKind('python', { containing: ['flask'], includeTests: false })) {
    if (!/^\s*(from|import)\s+flask(_login)?\b/m.test(file.text)) continue;
    const found = flaskSessionEvidence(file);
    if (found) return found;
  }
  for (const file of files.ofKind('python', { containing: ['SessionMiddleware'], includeTests: false })) {
    const line = lineOf(file, DJANGO_SESSION);
    if (line) return { at: file.locateLines(line, line, 'session middleware'), what: "Django's session middleware" };
  }
  for (const file of files.ofKind('python', { containing: ['APIKeyCookie', 'request.cookies', 'CookieTransport', 'request.session['], includeTests: false }))  {
    const line = lineOf(file, /\bAPIKeyCookie\(|\bCookieTransport\(|request\.cookies\.get\(\s*["'][\w-]*(session|token|auth|jwt)[\w-]*["']|request\.cookies\[\s*["'][\w-]*(session|token|auth|jwt)[\w-]*["']|request\.session\[[^\]]+\]\s*=/i);
    if (line) return { at: file.locateLines(line, line, 'cookie credential'), what: `a cookie credential in \`${file.path}\`` };
  }
  const dep = index.dependencies.find((d) => d.ecosystem === 'npm' && !d.dev && NPM_COOKIE_SESSION.includes(d.name));
  if (dep) return { at: { file: dep.manifest, ...(dep.line ? { startLine: dep.line, endLine: dep.line } : {}), note: 'session package' }, what: dep.name };
  return undefined;
}

/** A CSRF defence that covers the application: Django's CsrfViewMiddleware, Flask-WTF / SeaSurf, a CSRF package, or a SameSite=Strict session cookie. */
export function csrfDefence(index: RepoIndex, files: ParsedFiles): ControlEvidence | undefined {
  for (const file of files.ofKind('python', { containing: ['CsrfViewMiddleware'], includeTests: false })) {
    const line = lineOf(file, DJANGO_CSRF);
    if (line) return { at: file.locateLines(line, line, 'CSRF middleware'), what: 'CsrfViewMiddleware' };
  }
  for (const file of files.ofKind('python', { containing: ['CSRFProtect', 'SeaSurf', 'CsrfProtect', 'CSRFMiddleware'], includeTests: false }))  {
    const line = lineOf(file, /\b(CSRFProtect|SeaSurf|CsrfProtect|CSRFMiddleware)\b/);
    if (line) return { at: file.locateLines(line, line, 'CSRF protection'), what: file.line(line).trim().slice(0, 60) };
  }
  const dep = index.dependencies.find((d) => !d.dev && ((d.ecosystem === 'npm' && NPM_CSRF.includes(d.name)) || (d.ecosystem === 'pypi' && PYPI_CSRF.includes(d.name))));
  if (dep) return { at: { file: dep.manifest, ...(dep.line ? { startLine: dep.line, endLine: dep.line } : {}), note: 'CSRF package' }, what: dep.name };
  for (const file of [...files.ofKind('python', { containing: ['SAMESITE'], includeTests: false }), ...files.ofKind('js', { containing: ['sameSite'], includeTests: false })]) {
    const line = lineOf(file, /SESSION_COOKIE_SAMESITE["']?\]?\s*[=:]\s*["']Strict["']|sameSite\s*:\s*["']strict["']/i);
    if (line) return { at: file.locateLines(line, line, 'SameSite=Strict cookie'), what: 'a SameSite=Strict session cookie' };
  }
  return undefined;
}

/** A call or middleware that writes an audit record: `audit_log(...)`, `AuditLog(...)`, `auditLogger.info(...)`, `createAuditEvent(...)`. */
export const AUDIT_LOG_CALL = /\b(audit_?log|log_?audit|record_?audit|audit_?event|audit_?trail|write_?audit|AuditLog|AuditEvent|AuditTrail|auditLogger|audit_logger|createAuditLog|createAuditEvent)\w*\s*[.(]/i;
const AUDIT_MIDDLEWARE = /\b(Audit\w*Middleware|audit\w*_middleware|auditMiddleware)\b/;

/** Where the application writes audit records, and whether a middleware does it for every request. */
export function auditLogging(files: ParsedFiles): { writers: Location[]; middleware?: ControlEvidence } {
  const writers: Location[] = [];
  let middleware: ControlEvidence | undefined;
  const candidates = [...files.ofKind('python', { containing: ['udit'], includeTests: false }), ...files.ofKind('js', { containing: ['udit'], includeTests: false })];
  for (const file of candidates) {
    const lines = file.text.split('\n');
    lines.forEach((text, i) => {
      if (AUDIT_LOG_CALL.test(text) && !/^\s*(#|\/\/|\*|import\b|from\b)/.test(text)) writers.push(file.locateLines(i + 1, i + 1, 'audit record written here'));
      if (!middleware && AUDIT_MIDDLEWARE.test(text) && /add_middleware|MIDDLEWARE|\.use\(|@app\.middleware/.test(text + (lines[i - 1] ?? ''))) middleware = { at: file.locateLines(i + 1, i + 1, 'audit middleware'), what: text.trim().slice(0, 60) };
    });
  }
  return { writers, ...(middleware ? { middleware } : {}) };
}

/**
 * Personal or health data named in a route (its path, handler or inputs): users, accounts,
 * profiles, patients, contact details. A name is the evidence a static reader has; a compliance
 * profile's model facts are more precise when present.
 */
export const PERSONAL_DATA_NAME =
  /(^|[^a-z])(users?|accounts?|profiles?|patients?|members?|customers?|clients?|contacts?|persons?|people|employees?|me|medical|health_?records?|diagnos\w*|prescriptions?|appointments?|emails?|phones?|address(es)?|birth\w*|dob|ssn|gdpr|personal)([^a-z]|$)/i;

function lineOf(file: ParsedFile, pattern: RegExp): number | undefined {
  const lines = file.text.split('\n');
  const index = lines.findIndex((l) => pattern.test(l) && !/^\s*(#|\/\/)/.test(l));
  return index >= 0 ? index + 1 : undefined;
}
