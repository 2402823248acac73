/**
 * Whether a dependency / middleware name reads as an authentication control. Names are the
 * only evidence a static reader has; the list follows the conventions of FastAPI's security
 * docs, Flask-Login, Django, Passport, express-jwt, Clerk, Auth0 and NextAuth.
 */
const AUTH_NAME =
  /(auth|login|logged|session|token|jwt|bearer|api_?key|apikey|credential|permission|principal|current_?user|require_?user|requireuser|verify_?user|guard|protect|admin|role|clerk|passport|oauth|signed_?in|is_?staff|superuser|owner)/i;
/** Names that match the pattern above but do not authenticate anyone. */
const NOT_AUTH =
  /^(get_?db|get_?session|db_?session|session_?local|get_?settings|rate_?limit|limiter|cors|helmet|body_?parser|logger|compression|require_(POST|GET|safe|http_methods)|ensure_csrf_cookie|csrf_exempt|csrf_protect|login_not_required|authentication_classes|never_cache|cache_page|vary_on_\w+)$/i;

/** Names that only read as auth in context: `require_internal_key`, `requireTeamMember`, `verify_key`. */
const REQUIRE_STYLE = /^(requires?|ensure|must_?be|only)[_A-Z]|(^|_)(key|keys)$|Key$/;

export function isAuthGuardName(name: string): boolean {
  const bare = name.replace(/\(.*$/s, '').split('.').pop() ?? name;
  if (NOT_AUTH.test(bare)) return false;
  if (REQUIRE_STYLE.test(bare)) return true;
  return AUTH_NAME.test(name.replace(/\(.*$/s, '')) || /^(Security|HTTPBearer|OAuth2PasswordBearer|APIKeyHeader|APIKeyCookie|HTTPBasic)\b/.test(name);
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ANY']);
export function isStateChangingMethod(method: string): boolean {
  return STATE_CHANGING.has(method.toUpperCase());
}

/** Paths that are public by design: health checks, docs, the login flow itself. */
export function isPublicByDesign(path: string, handlerName: string): boolean {
  const p = path.toLowerCase();
  const h = handlerName.toLowerCase();
  if (/(^|\/)(health|healthz|healthcheck|ready|readyz|livez|live|ping|status|version|metrics|favicon\.ico|robots\.txt)\/?$/.test(p)) return true;
  if (/(^|\/)(docs|redoc|openapi\.json|swagger)(\/|$)/.test(p)) return true;
  // Marketing and legal pages every visitor must see.
  if (/^\/(pricing|about|terms|privacy|contact|faq|legal|features)\/?$/.test(p)) return true;
  if (/(^|\/)(auth|oauth)(\/|$)/.test(p) && /(login|signin|sign-in|callback|token|register|signup|sign-up|refresh|forgot|reset|verify)/.test(p)) return true;
  if (/(^|\/)(login|signin|sign-in|signup|sign-up|register|token|refresh|forgot-password|reset-password|logout)\/?$/.test(p)) return true;
  // the auth library's own catch-all endpoint: /api/auth/[...nextauth], /api/auth/[...all]
  if (/(^|\/)(auth|oauth)\/\[{1,2}\.\.\.[\w-]+\]{1,2}$/.test(p)) return true;
  if (/^(login|signin|sign_in|signup|sign_up|register|health|healthz|health_check|readiness|liveness|root|index)$/.test(h)) return true;
  return p === '/' || p === '';
}

export function isAdminPath(path: string, handlerName: string): boolean {
  return /(^|\/)(admin|internal|superuser|staff|manage|management)(\/|$|-)/i.test(path) || /^admin_|_admin$|^admin$/i.test(handlerName);
}
