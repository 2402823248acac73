/** Operations facts on inline trees: services, deployment, observability, data, documentation, and the HCL reader. */
import { describe, expect, it } from 'vitest';
import { hclAttributes, hclBlocks } from '../../src/parse/hcl-blocks.ts';
import { describeCommand } from '../../src/facts/operations/deployment.ts';
import { healthKindOf } from '../../src/facts/operations/observability.ts';
import { scalingView, shutdownByService } from '../../src/facts/operations/readiness.ts';
import { operationsOfTree } from '../support/operations-tree.ts';

const labels = (xs: { label: string }[]) => xs.map((x) => x.label);

describe('hcl blocks', () => {
  it('reads nested blocks and top-level attributes, ignoring braces in strings and comments', () => {
    const text = '# } not a brace\nresource "aws_db_instance" "main" {\n  engine = "postgres" # {\n  backup_retention_period = 7\n  tags = { Name = "db}" }\n}\njob "api" {\n  group "web" {\n    count = 2\n    scaling { min = 2\n      max = 10 }\n  }\n}\n';
    const blocks = hclBlocks(text);
    expect(blocks.map((b) => [b.keyword, b.labels, b.startLine, b.endLine])).toEqual([
      ['resource', ['aws_db_instance', 'main'], 2, 6],
      ['job', ['api'], 7, 13],
    ]);
    expect(Object.fromEntries([...hclAttributes(blocks[0].body, blocks[0].bodyLine)].map(([k, v]) => [k, `${v.value}@${v.line}`]))).toEqual({ engine: 'postgres@3', backup_retention_period: '7@4', tags: '{ Name = "db}" }@5' });
    const group = hclBlocks(blocks[1].body, blocks[1].bodyLine - 1)[0];
    expect([group.keyword, group.startLine]).toEqual(['group', 8]);
    expect([...hclAttributes(group.body, group.bodyLine).keys()]).toEqual(['count']);
  });
});

describe('services', () => {
  it('finds each app with its folder, framework and entry, named after the manifest or folder', async () => {
    const ops = await operationsOfTree({
      'pyproject.toml': '[project]\nname = "shop"\nversion = "1"\n',
      'api/requirements.txt': 'fastapi==0.115.0\n',
      'api/app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      'gateway/package.json': '{ "name": "gateway", "dependencies": { "fastify": "4.28.1" } }\n',
      'gateway/src/index.ts': "import Fastify from 'fastify';\n\nconst app = Fastify({ logger: true });\napp.listen({ port: 3000 });\n",
      'web/package.json': '{ "name": "web", "dependencies": { "next": "14.2.7" } }\n',
      'web/next.config.js': 'module.exports = {};\n',
      'tests/test_app.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
    });
    expect(ops.services.map((s) => `${s.root}|${s.name}|${s.framework}|${s.entry.file}:${s.entry.startLine}`)).toEqual([
      'api|api|fastapi|api/app/main.py:3',
      'gateway|gateway|fastify|gateway/src/index.ts:3',
      'web|web|nextjs|web/next.config.js:1',
    ]);
  });
});

describe('deployment', () => {
  it('describes start commands', () => {
    expect(describeCommand('gunicorn app.main:app -k uvicorn.workers.UvicornWorker -w 4 --graceful-timeout 20')).toEqual({ server: 'gunicorn', workers: 4, gracefulTimeout: true });
    expect(describeCommand('python manage.py runserver 0.0.0.0:8000')).toEqual({ server: 'django-dev' });
    expect(describeCommand('node dist/server.js')).toEqual({ server: 'node' });
    expect(describeCommand('python -m uvicorn app:app --workers 2')).toEqual({ server: 'uvicorn', workers: 2 });
    expect(describeCommand('fastapi run --workers 4 app/main.py')).toEqual({ server: 'uvicorn', workers: 4 });
    expect(describeCommand('fastapi dev app/main.py')).toEqual({ server: 'flask-dev' });
  });

  it('reads Helm charts from values.yaml and template text, and matches autoscalers to what they scale', async () => {
    const ops = await operationsOfTree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
      'chart/values.yaml': 'replicaCount: 1\nautoscaling:\n  enabled: true\n  minReplicas: 3\n  maxReplicas: 12\nreadinessProbe:\n  httpGet:\n    path: /readyz\n    port: http\ningress:\n  enabled: true\n',
      'chart/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "api.fullname" . }}\nspec:\n  {{- if not .Values.autoscaling.enabled }}\n  replicas: {{ .Values.replicaCount }}\n  {{- end }}\n  template:\n    spec:\n      containers:\n        - name: api\n          readinessProbe:\n            {{- toYaml .Values.readinessProbe | nindent 12 }}\n',
      'chart/templates/hpa.yaml': '{{- if .Values.autoscaling.enabled }}\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n{{- end }}\n',
    });
    expect(labels(ops.deployment.platforms)).toEqual(['Helm chart chart/Chart.yaml']);
    expect(labels(ops.deployment.probes)).toEqual(['readinessProbe in Helm template chart/templates/deployment.yaml (/readyz)']);
    expect(labels(ops.deployment.loadBalancers)).toEqual(['ingress enabled in chart/values.yaml']);
    const scaling = scalingView(ops);
    expect(scaling.autoscalers.map((s) => `${s.min}-${s.max}`)).toEqual(['3-12']);
    expect(scaling.single).toEqual([]);
  });

  it('reads PaaS configurations: Fly, Render, Railway, Procfile, App Engine, Heroku app.json', async () => {
    const ops = await operationsOfTree({
      'fly.toml': 'app = "orders"\n\n[deploy]\n  release_command = "alembic upgrade head"\n\n[http_service]\n  internal_port = 8000\n  auto_stop_machines = "stop"\n  auto_start_machines = true\n  min_machines_running = 2\n\n  [[http_service.checks]]\n    path = "/healthz"\n',
      'render.yaml': 'services:\n  - type: web\n    name: api\n    healthCheckPath: /readyz\n    scaling:\n      minInstances: 2\n      maxInstances: 6\n    preDeployCommand: python manage.py migrate\ndatabases:\n  - name: main\n',
      'railway.json': '{ "deploy": { "startCommand": "gunicorn app:app", "healthcheckPath": "/health", "numReplicas": 2 } }\n',
      Procfile: 'release: npx prisma migrate deploy\nweb: node dist/server.js\n',
      'gae/app.yaml': 'runtime: python312\nentrypoint: gunicorn -b :$PORT main:app\nautomatic_scaling:\n  max_instances: 5\n',
    });
    expect(ops.deployment.platforms.map((p) => p.kind).sort()).toEqual(['app-engine', 'fly', 'heroku', 'railway', 'render']);
    expect(ops.deployment.probes.map((p) => p.path).sort()).toEqual(['/health', '/healthz', '/readyz']);
    expect(ops.deployment.entrypoints.filter((e) => e.release).map((e) => `${e.source}:${e.command}`).sort()).toEqual(['fly:alembic upgrade head', 'procfile:npx prisma migrate deploy', 'render:python manage.py migrate']);
    expect(ops.deployment.scaling.map((s) => `${s.platform}:${s.replicas ?? ''}:${s.min ?? ''}-${s.max ?? ''}:${s.autoscaling}`).sort()).toEqual(['app-engine::0-5:true', 'fly::2-:true', 'railway:2:-:false', 'render::2-6:true']);
    expect(labels(ops.deployment.managedDatabases)).toEqual(['Render managed PostgreSQL `main`']);
  });

  it('sees Traefik-routed compose services as load balanced', async () => {
    const ops = await operationsOfTree({ 'docker-compose.yml': 'services:\n  backend:\n    build: ./backend\n    restart: always\n    labels:\n      - traefik.enable=true\n      - traefik.http.services.api.loadbalancer.server.port=8000\n  worker:\n    build: ./backend\n    restart: always\n' });
    expect(labels(ops.deployment.loadBalancers)).toEqual(['Traefik routes requests to `backend` (labels in docker-compose.yml)']);
  });

  it('tells development compose stacks from production ones, and finds the data stores they run', async () => {
    const ops = await operationsOfTree({
      'docker-compose.yml': 'services:\n  api:\n    build: .\n    command: uvicorn app:app --reload\n    volumes:\n      - .:/app\n  db:\n    image: postgres:16.4\n    volumes:\n      - pgdata:/var/lib/postgresql/data\n',
      'compose.prod.yaml': 'services:\n  api:\n    image: ghcr.io/acme/api:1.0.0\n    restart: always\n    deploy:\n      replicas: 3\n',
      Dockerfile: 'FROM python:3.12-slim\nCMD uvicorn app:app\n',
    });
    expect(ops.deployment.compose.map((c) => `${c.file.path}:${c.development ? 'dev' : ''}${c.production ? 'prod' : ''}`)).toEqual(['compose.prod.yaml:prod', 'docker-compose.yml:dev']);
    expect(ops.deployment.compose[1].datastores.map((d) => `${d.engine}/${d.volume}`)).toEqual(['PostgreSQL/pgdata']);
    expect(ops.deployment.scaling.map((s) => `${s.target}:${s.replicas}`)).toEqual(['compose service `api`:3']);
    expect(ops.deployment.entrypoints.find((e) => e.source === 'dockerfile')?.shellForm).toBe(true);
  });
});

describe('observability', () => {
  it('finds SDKs initialised in code, by launchers and side-effect imports, and those only declared', async () => {
    const ops = await operationsOfTree({
      'api/requirements.txt': 'fastapi==0.115.0\nsentry-sdk==2.14.0\nddtrace==2.12.0\nrollbar==1.0.0\n',
      'api/main.py': 'from fastapi import FastAPI\nfrom sentry_sdk import init as sentry_init\n\nsentry_init(traces_sample_rate=0.0)\napp = FastAPI()\n',
      'api/Dockerfile': 'FROM python:3.12-slim\nCMD ["ddtrace-run", "uvicorn", "main:app"]\n',
      'worker/package.json': '{ "name": "worker", "dependencies": { "express": "4.21.0", "newrelic": "12.5.0" } }\n',
      'worker/index.js': "require('newrelic');\nconst express = require('express');\nconst app = express();\napp.listen(3000);\n",
      'web/package.json': '{ "name": "web", "dependencies": { "next": "14.2.7", "@sentry/react": "8.30.0" } }\n',
      'web/next.config.js': 'module.exports = {};\n',
      'web/app/providers.tsx': "'use client';\nimport * as Sentry from '@sentry/react';\n\nSentry.init({ dsn: 'https://public@o1.ingest.sentry.io/1' });\n",
    });
    expect(ops.observability.tools.map((t) => `${t.tool}@${t.at.file}:${t.at.startLine}${t.clientOnly ? ' client' : ''}${t.tracing ? ' tracing' : ''}`)).toEqual([
      'datadog@api/Dockerfile:2',
      'sentry@api/main.py:4',
      'sentry@web/app/providers.tsx:4 client',
      'newrelic@worker/index.js:1',
    ]);
    expect(ops.observability.declared.map((d) => d.tool)).toEqual(['sentry', 'datadog', 'rollbar', 'newrelic']);
  });

  it('recognises JSON logging (formatters, dictConfig strings, pino, winston json, Fastify) and plain logging', async () => {
    const ops = await operationsOfTree({
      'a/app.py': 'import logging\n\nlogging.basicConfig(level="INFO")\n',
      'b/settings.py': 'LOGGING = {\n    "version": 1,\n    "formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter"}},\n}\n',
      'c/log.js': "const winston = require('winston');\nmodule.exports = winston.createLogger({ format: winston.format.combine(winston.format.timestamp(), winston.format.json()) });\n",
      'd/server.ts': "import Fastify from 'fastify';\nconst app = Fastify({ logger: { level: 'info' } });\n",
    });
    expect(labels(ops.observability.structuredLogging)).toEqual(['JSON formatter in a logging config (b/settings.py)', 'winston with JSON format (c/log.js:2)', "Fastify's built-in pino logger (d/server.ts:2)"]);
    expect(labels(ops.observability.plainLogging)).toEqual(['`logging.basicConfig` in a/app.py:3']);
  });

  it('names health endpoints by path, not by any route ending in status', () => {
    expect(healthKindOf('/healthz')).toBe('health');
    expect(healthKindOf('/api/health/ready')).toBe('readiness');
    expect(healthKindOf('/livez')).toBe('liveness');
    expect(healthKindOf('/status')).toBe('health');
    expect(healthKindOf('/orders/{id}/status')).toBeUndefined();
    expect(healthKindOf('/users/{id}/health')).toBeUndefined();
    expect(healthKindOf('/reports/monthly/summary/ping')).toBeUndefined();
  });

  it('judges shutdown per service: exec-form server, shell form, entry script without exec, Node handlers', async () => {
    const ops = await operationsOfTree({
      'a/requirements.txt': 'fastapi==0.115.0\n',
      'a/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      'a/Dockerfile': 'FROM python:3.12-slim\nENTRYPOINT ["./run.sh"]\n',
      'a/run.sh': '#!/bin/sh\nalembic upgrade head\nuvicorn main:app --host 0.0.0.0\n',
      'b/package.json': '{ "name": "b", "dependencies": { "express": "4.21.0" } }\n',
      'b/index.js': "const express = require('express');\nconst app = express();\nconst server = app.listen(3000);\nprocess.once('SIGTERM', () => server.close());\n",
    });
    expect(shutdownByService(ops).map((s) => `${s.service.name}:${s.verdict}`)).toEqual(['a:blocked', 'b:handled']);
  });
});

describe('data', () => {
  it('finds migration histories of several tools and where they are applied', async () => {
    const ops = await operationsOfTree({
      'py/alembic/versions/0001_init.py': 'revision = "0001"\ndown_revision = None\n',
      'py/alembic/versions/0002_orders.py': 'revision = "0002"\ndown_revision = "0001"\n',
      'dj/shop/migrations/0001_initial.py': 'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    pass\n',
      'js/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n',
      'js/prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "A" (id int);\n',
      'kn/migrations/20240101_create_users.js': 'exports.up = (knex) => knex.schema.createTable("users", () => {});\nexports.down = () => {};\n',
      'fw/db/V1__init.sql': 'CREATE TABLE a (id int);\n',
      'Procfile': 'release: python manage.py migrate --noinput\nweb: gunicorn shop.wsgi\n',
    });
    expect(labels(ops.data.migrations).sort()).toEqual([
      'Alembic: 2 revisions in py/alembic/versions/',
      'Django: 1 revision in dj/shop/migrations/',
      'Flyway: 1 revision in fw/db/',
      'Knex: 1 revision in kn/migrations/',
      'Prisma: 1 revision in js/prisma/migrations/',
    ]);
    expect(labels(ops.data.migrationRuns)).toEqual(['migrations applied by the Procfile release phase (`manage.py migrate`)']);
  });

  it('counts migrations run by CI only in jobs that deploy', async () => {
    const ops = await operationsOfTree({
      'alembic/versions/0001_init.py': 'revision = "0001"\ndown_revision = None\n',
      '.github/workflows/test.yml': 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: alembic upgrade head\n      - run: pytest\n',
      '.github/workflows/release.yml': 'on:\n  release:\n    types: [published]\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    steps:\n      - run: alembic upgrade head\n      - run: flyctl deploy\n',
    });
    expect(labels(ops.data.migrationRuns)).toEqual(['migrations applied by CI job `ship` in .github/workflows/release.yml']);
  });

  it('finds backups and restores in scripts and runbooks, not in initdb mounts', async () => {
    const ops = await operationsOfTree({
      'ops/backup.sh': '#!/bin/sh\n# nightly from cron\npg_dump -Fc "$DATABASE_URL" | gzip > /backups/db.gz\n',
      'docs/runbook.md': '# Runbook\n\n## Restoring the database\n\nFetch the last dump from the bucket and run pg_restore against a fresh database;\nthen point DATABASE_URL at it and restart the API.\n',
      'docker-compose.yml': 'services:\n  db:\n    image: postgres:16.4\n    volumes:\n      - ./schema.sql:/docker-entrypoint-initdb.d/1.sql\n',
    });
    expect(labels(ops.data.backups)).toEqual(['`pg_dump` on a schedule in ops/backup.sh']);
    expect(labels(ops.data.restores)).toEqual(['restore steps documented in docs/runbook.md ("Restoring the database")']);
  });
});

describe('documentation facts', () => {
  it('reads headings from parsed Markdown, so a comment in a code block is not a heading', async () => {
    const ops = await operationsOfTree({ 'README.md': '# Orders\n\n```bash\n# Backups\npg_dump x > y\n```\n\n## Run\n\n`uvicorn app:app`\n' });
    expect(ops.docs.readme!.headings.map((h) => h.text)).toEqual(['Orders', 'Run']);
    expect(ops.data.backups.filter((b) => b.kind === 'backup-doc')).toEqual([]);
  });

  it('reads README topics from headings and code blocks', async () => {
    const ops = await operationsOfTree({ 'README.md': 'Orders\n======\n\nQuick start\n-----------\n\n```bash\npip install -e .\npytest\n```\n\n## Configuration\n\nSet `DATABASE_URL`.\n' });
    expect([...ops.docs.readme!.topics.keys()].sort()).toEqual(['configuration', 'run', 'setup', 'test']);
    expect(ops.docs.readme!.headings.map((h) => h.text)).toEqual(['Orders', 'Quick start', 'Configuration']);
  });
});
