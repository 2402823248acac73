import { isAdminPath, isPublicByDesign, isStateChangingMethod } from '../../facts/routes/guard-names.ts';
import type { Route } from '../../model/repo-index.ts';
import { defineRule } from '../../model/rule.ts';

/**
 * What only a provider's callback reads (TwiML, Twilio form fields, signature headers): such a
 * route cannot carry a user's credentials; whether it checks the provider's signature is
 * webhook-signature-missing's question.
 */
const PROVIDER_CALLBACK =
  /\b(VoiceResponse|MessagingResponse)\(|\b(form|values|POST|body|data)\s*(\[\s*|\.get\(\s*)["'](CallSid|MessageSid|SmsSid|RecordingSid|CallStatus|MessageStatus)["']|\breq\.body\.(CallSid|MessageSid|SmsSid)\b|stripe[-_]signature|x[-_]twilio[-_]signature|svix[-_](id|signature)|x[-_]hub[-_]signature|x[-_]slack[-_]signature|construct_?event|constructEvent/i;

export default defineRule({
  meta: {
    id: 'route-missing-auth',
    category: 'security',
    title: 'Route without authentication',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Authentication',
    effortHours: 1,
    fixScope: 'app',
    fixTitle: 'Require authentication at the router or app level, with an explicit allow-list of public routes',
    messages: {
      adminUnguarded: 'Admin route `{{method}} {{path}}` ({{handler}}) runs without any authentication guard.',
      noAuthAnywhere: '`{{method}} {{path}}` ({{handler}}) changes data and no route in this application requires authentication.',
      stateChangingUnguarded: '`{{method}} {{path}}` ({{handler}}) changes data without an authentication guard, unlike {{guarded}} other routes.',
      readUnguarded: '`{{method}} {{path}}` ({{handler}}) returns data without an authentication guard.',
    },
    why:
      'Anyone who can reach the service can call an unauthenticated route: read other tenants\' data, change or delete it, or run up costs on paid APIs. Admin and state-changing routes are the most damaging, and automated scanners find them within hours of deployment.',
    fix: [
      'Require an authenticated identity on the route, or better on the router or app so new routes are covered by default. Keep an explicit allow-list of public routes (health, login, webhooks verified by signature).',
      '',
      'FastAPI:',
      '```python',
      'router = APIRouter(prefix="/agents", dependencies=[Depends(get_current_user)])',
      '```',
      'Express:',
      '```ts',
      "app.use('/api', requireAuth, apiRouter);",
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.delete("/agents/{agent_id}")\nasync def delete_agent(agent_id: str):\n    return {"deleted": agent_id}\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'main.py':
          'from fastapi import Depends, FastAPI\nfrom auth import get_current_user\n\napp = FastAPI(dependencies=[Depends(get_current_user)])\n\n@app.delete("/agents/{agent_id}")\nasync def delete_agent(agent_id: str):\n    return {"deleted": agent_id}\n',
      },
    },
    references: { cwe: [306, 862], owasp: ['A01:2021', 'API2:2023'], equivalents: ['semgrep:python.fastapi.security.missing-auth (partial)'] },
  },
  check({ index, report }) {
    const routes = index.routes.filter(
      (r) => !/webhook/i.test(r.path) && !isPublicByDesign(r.path, r.handler.name) && !isProviderCallback(r) && !isStaticPage(r),
    );
    const guarded = index.routes.filter((r) => r.guards.length > 0).length;
    for (const route of routes) {
      if (route.guards.length) continue;
      const data = { method: route.method, path: route.path, handler: route.handler.name, guarded: String(guarded) };
      const related = route.handler.node ? [{ file: route.handler.file, startLine: route.handler.startLine, endLine: route.handler.startLine, note: 'handler' }] : [];
      if (isAdminPath(route.path, route.handler.name)) report({ messageId: 'adminUnguarded', at: route.at, data, related, severity: 'critical' });
      else if (isStateChangingMethod(route.method))
        report({ messageId: guarded ? 'stateChangingUnguarded' : 'noAuthAnywhere', at: route.at, data, related, severity: guarded ? 'high' : 'critical' });
      else report({ messageId: 'readUnguarded', at: route.at, data, related, severity: guarded ? 'low' : 'medium' });
    }
  },
});

function isProviderCallback(route: Route): boolean {
  const fn = route.handler.node;
  return fn !== undefined && ['POST', 'ANY', 'PUT'].includes(route.method) && PROVIDER_CALLBACK.test(fn.text());
}

/** A GET view that only renders a fixed template (`return render_template("pricing.html")`): there is nothing behind it to protect. */
function isStaticPage(route: Route): boolean {
  const body = route.handler.node?.field('body');
  if (route.method !== 'GET' || route.handler.node?.kind() !== 'function_definition' || !body) return false;
  const statements = body.children().filter((c) => c.isNamed() && c.kind() !== 'comment' && !(c.kind() === 'expression_statement' && c.children()[0]?.kind() === 'string'));
  return statements.length === 1 && /^return\s+(render_template|render|TemplateResponse|templates\.TemplateResponse)\(\s*(request\s*,\s*)?["'][^"']+["']\s*\)$/.test(statements[0].text());
}
