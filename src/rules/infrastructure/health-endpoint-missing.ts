import { operationsOf } from '../../facts/operations/index.ts';
import { deploymentView, healthByService, probesWithoutRoute, runsAsFunctionsOnly } from '../../facts/operations/readiness.ts';
import { isWithin } from '../../facts/operations/signals.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'health-endpoint-missing',
    category: 'infrastructure',
    title: 'Health endpoint missing or not served',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Health Checks',
    effortHours: 1,
    messages: {
      noEndpoint: '`{{service}}` has no health or readiness endpoint (`/healthz`, `/readyz`), so load balancers and orchestrators can only tell that its process runs, not that it can serve requests.',
      probePathMissing: '{{probe}} requests `{{path}}`, but `{{service}}` serves no such route, so the check always fails and the container is reported unhealthy.',
    },
    why: [
      'Orchestrators and load balancers decide where to send traffic, and what to restart, from a health check. Without an endpoint to call they fall back to "the process exists" or "the port accepts connections": a worker whose event loop is blocked, whose database pool is exhausted or that lost its configuration keeps receiving requests and failing them, and a rolling deploy sends traffic to instances that are still starting.',
      '',
      'A probe that asks for a path the app does not serve is worse than none: the check fails forever, so Docker marks the container unhealthy, Kubernetes never sends it traffic (readiness) or restarts it in a loop (liveness), and platform deploys time out.',
    ].join('\n'),
    fix: [
      'Serve a cheap liveness endpoint and a readiness endpoint that checks the dependencies the app cannot work without, and point the probes at them.',
      '',
      '```python',
      'from fastapi import APIRouter, Response',
      'from sqlalchemy import text',
      '',
      'router = APIRouter()',
      '',
      '@router.get("/healthz", include_in_schema=False)',
      'async def healthz() -> dict[str, str]:',
      '    return {"status": "ok"}',
      '',
      '@router.get("/readyz", include_in_schema=False)',
      'async def readyz(response: Response) -> dict[str, str]:',
      '    try:',
      '        async with engine.connect() as conn:',
      '            await conn.execute(text("SELECT 1"))',
      '    except Exception:',
      '        response.status_code = 503',
      '        return {"status": "database unavailable"}',
      '    return {"status": "ok"}',
      '```',
      'Express: `app.get("/healthz", (_req, res) => res.json({ status: "ok" }))`, registered before authentication middleware.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/items")\nasync def items():\n    return []\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/healthz")\nasync def healthz():\n    return {"status": "ok"}\n\n\n@app.get("/items")\nasync def items():\n    return []\n',
      },
    },
    references: { cwe: [754], urls: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/', 'https://microservices.io/patterns/observability/health-check-api.html'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    if (runsAsFunctionsOnly(ops)) return;
    const probes = ops.deployment.probes;
    for (const { service, endpoints } of healthByService(ops)) {
      if (service.framework === 'nextjs' || endpoints.length) continue;
      // A probe that checks something other than an HTTP path (a TCP socket, a command) still checks this service.
      if (probes.some((p) => !p.path && isWithin(p.at.file, service.root))) continue;
      report({ messageId: 'noEndpoint', at: service.entry, data: { service: service.name }, ...(deploymentView(ops).anyDefinition ? {} : { confidence: 'low' as const }) });
    }
    for (const m of probesWithoutRoute(ops)) {
      const critical = /^k8s-(readiness|liveness)Probe$|check$|healthcheck$/.test(m.probe.kind) && m.probe.kind !== 'docker-healthcheck' && m.probe.kind !== 'compose-healthcheck';
      report({ messageId: 'probePathMissing', at: m.probe.at, data: { probe: m.probe.label.replace(/ \(.*\)$/, ''), path: m.path, service: m.service.name }, related: [{ ...m.service.entry, note: 'the app is created here' }], ...(critical ? { severity: 'high' as const } : {}) });
    }
  },
});
