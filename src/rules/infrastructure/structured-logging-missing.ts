import { operationsOf } from '../../facts/operations/index.ts';
import { loggingByService } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'structured-logging-missing',
    category: 'infrastructure',
    title: 'Logs are unstructured text',
    severity: 'low',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Structured Logging',
    effortHours: 2,
    messages: {
      plainText: '`{{service}}` configures plain-text logging ({{config}}), so fields such as request id, user, route and status cannot be searched, filtered or aggregated.',
      noConfig: '`{{service}}` never configures logging and writes the framework\'s default plain-text lines, so fields such as request id, user and status cannot be searched or aggregated.',
    },
    why: [
      'Log platforms (CloudWatch, Loki, Datadog, Cloud Logging, Elastic) index JSON fields; free text can only be grepped. With plain-text logs an incident question like "which users got 500s from /checkout between 14:02 and 14:10, and what did they have in common" takes hours of regular expressions, log-based metrics and alerts cannot be built, and multi-line stack traces are split into unrelated lines.',
    ].join('\n'),
    fix: [
      'Emit one JSON object per line with a timestamp, level, logger, message and context fields.',
      '',
      '```python',
      '# pip install python-json-logger',
      'import logging',
      'from pythonjsonlogger.json import JsonFormatter',
      '',
      'handler = logging.StreamHandler()',
      'handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))',
      'logging.basicConfig(level="INFO", handlers=[handler], force=True)',
      'logger.info("order paid", extra={"order_id": order.id, "amount": order.total})',
      '```',
      '```js',
      "import pino from 'pino';",
      'export const logger = pino({ level: process.env.LOG_LEVEL ?? "info" });',
      "app.use(require('pino-http')({ logger }));",
      '```',
      'structlog (with `JSONRenderer`) and winston (`format.json()`) are equivalent.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'import logging\n\nfrom fastapi import FastAPI\n\nlogging.basicConfig(level=logging.INFO)\napp = FastAPI()\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nstructlog==24.4.0\n',
        'app/main.py': 'import structlog\nfrom fastapi import FastAPI\n\nstructlog.configure(processors=[structlog.processors.JSONRenderer()])\napp = FastAPI()\n',
      },
    },
    references: { cwe: [778], urls: ['https://12factor.net/logs', 'https://www.structlog.org/en/stable/logging-best-practices.html'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    for (const l of loggingByService(ops)) {
      if (l.structured.length) continue;
      if (l.plain.length) report({ messageId: 'plainText', at: l.plain[0].at, data: { service: l.service.name, config: l.plain[0].label.replace(/ in [^ ]+$/, '').replace(/ \(.*\)$/, '') } });
      else report({ messageId: 'noConfig', at: l.service.entry, data: { service: l.service.name } });
    }
  },
});
