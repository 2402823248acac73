import { operationsOf } from '../../facts/operations/index.ts';
import { runsAsFunctionsOnly, shutdownByService } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'graceful-shutdown-missing',
    category: 'infrastructure',
    title: 'No graceful shutdown on SIGTERM',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Graceful Shutdown',
    effortHours: 1,
    messages: {
      nodeNoSignalHandler: '`{{service}}` starts a Node server but never handles SIGTERM, so every deploy or scale-down kills in-flight requests and open connections (and as PID 1 in a container the process ignores the signal until it is killed).',
      signalsNotForwarded: 'SIGTERM never reaches `{{service}}`: {{reason}}.',
      devServerAsPid1: '`{{service}}` is started with `{{command}}`, {{what}} that does not handle SIGTERM, so stopping the container waits for the kill timeout and drops in-flight requests.',
      exitsWithoutClosing: '`{{service}}` exits on {{signal}} without closing its server first ({{where}}), so requests in flight when a deploy starts fail.',
    },
    why: [
      'Every deploy, scale-down, node drain and platform restart sends the process SIGTERM and, after a grace period (10 s in Docker, 30 s in Kubernetes), SIGKILL. An app that stops accepting new connections, finishes the requests in flight and closes its database pool in between deploys without errors. One that ignores the signal is killed mid-request (failed payments, half-written rows, dropped WebSockets), and one that never receives it — because a shell in front of it is PID 1 — always waits out the whole timeout.',
    ].join('\n'),
    fix: [
      'Start the server in exec form (no shell in between), let a production server drain requests, and close resources on shutdown.',
      '',
      '```dockerfile',
      'CMD ["gunicorn", "app.main:app", "-k", "uvicorn.workers.UvicornWorker", "--graceful-timeout", "20"]',
      '```',
      '```js',
      "const server = app.listen(port);",
      "process.on('SIGTERM', () => {",
      '  server.close(async () => {   // stop accepting, finish in-flight requests',
      '    await pool.end();',
      '    process.exit(0);',
      '  });',
      '  setTimeout(() => process.exit(1), 20_000).unref();',
      '});',
      '```',
      'FastAPI: close clients and pools after `yield` in the `lifespan` context manager. Entry-point scripts must end with `exec "$@"` (or `exec gunicorn …`).',
    ].join('\n'),
    examples: {
      bad: {
        'package.json': '{ "name": "api", "dependencies": { "express": "4.21.0" } }\n',
        'src/server.js': "const express = require('express');\n\nconst app = express();\napp.get('/items', (req, res) => res.json([]));\napp.listen(3000);\n",
      },
      good: {
        'package.json': '{ "name": "api", "dependencies": { "express": "4.21.0" } }\n',
        'src/server.js': "const express = require('express');\n\nconst app = express();\napp.get('/items', (req, res) => res.json([]));\nconst server = app.listen(3000);\nprocess.on('SIGTERM', () => server.close(() => process.exit(0)));\n",
      },
    },
    references: { cwe: [404], urls: ['https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/', 'https://docs.docker.com/reference/dockerfile/#exec-form', 'https://expressjs.com/en/advanced/healthcheck-graceful-shutdown.html'], equivalents: ['hadolint:DL3025'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    if (runsAsFunctionsOnly(ops)) return;
    for (const s of shutdownByService(ops)) {
      const service = s.service.name;
      if (s.verdict === 'blocked' && s.blockedBy) report({ messageId: 'signalsNotForwarded', at: s.blockedBy.at, data: { service, reason: s.blockedBy.reason.replace(/ \([^)]*:\d+\)$/, '') } });
      else if (s.verdict === 'missing' && s.service.language === 'node') report({ messageId: 'nodeNoSignalHandler', at: s.service.entry, data: { service } });
      else if (s.verdict === 'missing' && s.entry)
        report({ messageId: 'devServerAsPid1', at: s.entry.at, data: { service, command: s.entry.command.slice(0, 60), what: s.server === 'python' ? 'a plain Python process' : 'the development server' } });
      else if (s.verdict === 'abrupt' && s.handlers[0]) report({ messageId: 'exitsWithoutClosing', at: s.handlers[0].at, data: { service, signal: /SIGINT/.test(s.handlers[0].label) ? 'SIGINT' : 'SIGTERM', where: `${s.handlers[0].at.file}:${s.handlers[0].at.startLine}` }, severity: 'low' });
    }
  },
});
