import { operationsOf } from '../../facts/operations/index.ts';
import { deploymentView, monitoringByService } from '../../facts/operations/readiness.ts';
import { formatAt } from '../../facts/operations/signals.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'monitoring-missing',
    category: 'infrastructure',
    title: 'No metrics or APM instrumentation',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Monitoring',
    effortHours: 4,
    messages: {
      noMetrics: '`{{service}}` exports no metrics and runs no APM agent{{platform}}, so request rates, latencies, error rates and saturation are invisible in production.',
      tracesOnly: '`{{service}}` has only sampled Sentry performance traces ({{where}}) and no metrics, so error rates, saturation and business counters cannot be graphed or alerted on.',
      declaredNotInitialised: '{{package}} is a dependency of `{{service}}` but is never initialised, so it exports nothing.',
      metricsNotExposed: '`{{service}}` defines Prometheus metrics ({{where}}) but never exposes them (no `/metrics` endpoint, exporter or push), so nothing can scrape them.',
    },
    why: [
      'Without metrics nobody can tell whether the service is healthy before users complain: latency creeping up after a deploy, a dependency timing out, a queue backing up or memory growing until the process is killed are all invisible. Capacity planning, SLOs and alerting all start from metrics; so does every post-mortem question ("when did it start?").',
    ].join('\n'),
    fix: [
      'Expose RED metrics (rate, errors, duration) per route and the runtime\'s own metrics, and scrape them (or run an APM agent).',
      '',
      '```python',
      '# FastAPI: pip install prometheus-fastapi-instrumentator',
      'from prometheus_fastapi_instrumentator import Instrumentator',
      '',
      'app = FastAPI(lifespan=lifespan)',
      'Instrumentator().instrument(app).expose(app, include_in_schema=False)   # GET /metrics',
      '```',
      '```js',
      '// Express: npm install prom-client',
      "import client from 'prom-client';",
      'client.collectDefaultMetrics();',
      "app.get('/metrics', async (_req, res) => { res.type(client.register.contentType); res.send(await client.register.metrics()); });",
      '```',
      'OpenTelemetry (`opentelemetry-instrument`, `@opentelemetry/sdk-node`), Datadog (`ddtrace-run`) or New Relic agents are equivalent.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nprometheus-fastapi-instrumentator==7.0.0\n',
        'app/main.py': 'from fastapi import FastAPI\nfrom prometheus_fastapi_instrumentator import Instrumentator\n\napp = FastAPI()\nInstrumentator().instrument(app).expose(app)\n',
      },
    },
    references: { urls: ['https://sre.google/sre-book/monitoring-distributed-systems/', 'https://prometheus.io/docs/practices/instrumentation/'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    const managed = deploymentView(ops).managed;
    for (const m of monitoringByService(ops)) {
      if (m.tools.length) continue;
      const service = m.service.name;
      if (m.definedOnly.length) {
        report({ messageId: 'metricsNotExposed', at: m.definedOnly[0].at, data: { service, where: formatAt(m.definedOnly[0].at) }, related: m.definedOnly.slice(1).map((s) => s.at) });
        continue;
      }
      if (m.declaredOnly.length) {
        const dep = m.declaredOnly[0];
        report({ messageId: 'declaredNotInitialised', at: dep.at, data: { service, package: dep.label.replace(/ declared in .*$/, '') } });
        continue;
      }
      const sentry = m.partial.find((t) => t.tool === 'sentry');
      if (sentry) {
        report({ messageId: 'tracesOnly', at: sentry.at, data: { service, where: formatAt(sentry.at) }, severity: 'low' });
        continue;
      }
      report({
        messageId: 'noMetrics',
        at: m.service.entry,
        data: { service, platform: managed.length ? ` beyond the platform's own CPU and request graphs (${managed[0].kind})` : '' },
        ...(managed.length || m.partial.length ? { severity: 'low' as const } : {}),
      });
    }
  },
});
