import { operationsOf } from '../../facts/operations/index.ts';
import { ciView, deploymentView, errorTrackingByService } from '../../facts/operations/readiness.ts';
import { formatAt } from '../../facts/operations/signals.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'error-tracking-missing',
    category: 'infrastructure',
    title: 'No error tracking',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Error Tracking',
    effortHours: 2,
    messages: {
      noErrorTracking: '`{{service}}` reports its exceptions nowhere (no Sentry, Rollbar, Bugsnag, Honeybadger or APM error tracking){{deployed}}.',
      declaredNotInitialised: '{{package}} is a dependency of `{{service}}` but `init` is never called, so no error is reported.',
      clientOnly: '`{{service}}` initialises error tracking only in browser code ({{where}}), so exceptions on the server are not reported.',
    },
    why: [
      'An unhandled exception in production becomes a 500 for one user and a stack trace in a log stream nobody reads. Without error tracking the team learns about broken checkouts, failing webhooks or a crashing background job from customers, cannot see how many users are affected, and cannot tell whether a deploy introduced the error. Error trackers group exceptions, attach the request and release, and alert on new issues — the cheapest observability there is for a service about to launch.',
      '',
      'The finding is high when the repository itself deploys the service to production (a deploy job in CI, Kubernetes or a platform configuration): the service is launching, and its errors will reach users before they reach the team.',
    ].join('\n'),
    fix: [
      'Initialise an error tracker once at start-up, with the environment and release, without personal data.',
      '',
      '```python',
      'import sentry_sdk',
      '',
      'if settings.sentry_dsn:',
      '    sentry_sdk.init(',
      '        dsn=settings.sentry_dsn,',
      '        environment=settings.environment,',
      '        release=settings.git_sha,',
      '        traces_sample_rate=0.1,',
      '        send_default_pii=False,',
      '    )',
      '```',
      '```js',
      "import * as Sentry from '@sentry/node';",
      "Sentry.init({ dsn: process.env.SENTRY_DSN, environment: process.env.NODE_ENV, tracesSampleRate: 0.1 });",
      'Sentry.setupExpressErrorHandler(app);',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nsentry-sdk==2.14.0\n',
        'app/main.py': 'import os\n\nimport sentry_sdk\nfrom fastapi import FastAPI\n\nsentry_sdk.init(dsn=os.environ.get("SENTRY_DSN"), traces_sample_rate=0.1)\napp = FastAPI()\n',
      },
    },
    references: { cwe: [778], urls: ['https://docs.sentry.io/platforms/python/integrations/fastapi/'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    const d = deploymentView(ops);
    const ci = ciView(ops);
    const launch = ci.deploys.length ? `CI job \`${ci.deploys[0].job.id}\` in ${ci.deploys[0].job.file}` : [...d.orchestrators, ...d.managed][0]?.at.file;
    for (const e of errorTrackingByService(ops)) {
      if (e.tools.length) continue;
      const service = e.service.name;
      if (e.declaredOnly.length) {
        report({ messageId: 'declaredNotInitialised', at: e.declaredOnly[0].at, data: { service, package: e.declaredOnly[0].label.replace(/ declared in .*$/, '') } });
        continue;
      }
      if (e.clientOnly.length) {
        report({ messageId: 'clientOnly', at: e.clientOnly[0].at, data: { service, where: formatAt(e.clientOnly[0].at) } });
        continue;
      }
      report({
        messageId: 'noErrorTracking',
        at: e.service.entry,
        data: { service, deployed: launch ? `, yet the repository deploys it to production (${launch}), so its errors reach users before they reach the team` : '' },
        ...(launch && !e.partial.length ? { severity: 'high' as const } : {}),
      });
    }
  },
});
