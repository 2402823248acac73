/**
 * Every infrastructure row proven PASS, PARTIAL, FAIL and — where the repository can leave the
 * answer open — UNKNOWN (and N/A where nothing applies), on small inline repositories.
 */
import { describe, expect, it } from 'vitest';
import type { ScorecardStatus } from '../../src/model/audit-report.ts';
import { assessTree, auditTree, rowOf } from '../support/operations-tree.ts';

const PY = { 'pyproject.toml': '[project]\nname = "orders-api"\nversion = "1.0.0"\ndependencies = ["fastapi==0.115.0", "uvicorn==0.30.6"]\n' };
const pyWith = (...deps: string[]) => ({ 'pyproject.toml': `[project]\nname = "orders-api"\nversion = "1.0.0"\ndependencies = [${['fastapi==0.115.0', 'uvicorn==0.30.6', ...deps].map((d) => `"${d}"`).join(', ')}]\n` });
const APP = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/orders")\nasync def orders():\n    return []\n';
const HEALTHY_APP = `${APP}\n\n@app.get("/healthz")\nasync def healthz():\n    return {"status": "ok"}\n`;
const GOOD_DOCKERFILE = [
  'FROM python:3.12-slim AS build',
  'RUN python -m venv /opt/venv',
  'COPY pyproject.toml .',
  'RUN /opt/venv/bin/pip install .',
  'FROM python:3.12-slim',
  'RUN useradd --system app',
  'COPY --from=build /opt/venv /opt/venv',
  'COPY app /srv/app',
  'USER app',
  'EXPOSE 8000',
  'HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8000/healthz\', timeout=2)"',
  'CMD ["/opt/venv/bin/uvicorn", "app.main:app", "--host", "0.0.0.0", "--timeout-graceful-shutdown", "20"]',
  '',
].join('\n');
const DEV_COMPOSE = 'services:\n  api:\n    image: python:3.12\n    command: uvicorn app.main:app --reload --host 0.0.0.0\n    volumes:\n      - .:/app\n  db:\n    image: postgres:16.4\n    volumes:\n      - pgdata:/var/lib/postgresql/data\nvolumes:\n  pgdata:\n';
const deployment = (name: string, replicas: number | undefined, extra = '') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n${replicas === undefined ? '' : `  replicas: ${replicas}\n`}  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      containers:\n        - name: ${name}\n          image: ghcr.io/acme/${name}:1.0.0\n${extra}`;
const HPA = 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: api\nspec:\n  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }\n  minReplicas: 2\n  maxReplicas: 10\n';
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector: { app: api }\n  ports:\n    - port: 80\n      targetPort: 8000\n';
const STATEFUL_APP = 'from fastapi import FastAPI\n\napp = FastAPI()\nsessions = {}\n\n\n@app.post("/sessions/{session_id}")\nasync def start(session_id: str):\n    sessions[session_id] = {"started": True}\n    return {"ok": True}\n';

async function row(files: Record<string, string>, name: string) {
  return rowOf(await assessTree(files), 'infrastructure', name);
}

async function expectRow(files: Record<string, string>, name: string, status: ScorecardStatus, notes?: RegExp) {
  const r = await row(files, name);
  expect(r.status, `${name}: ${r.notes}`).toBe(status);
  if (notes) expect(r.notes).toMatch(notes);
  if (status === 'UNKNOWN') expect(r.howToKnow, `${name} UNKNOWN says what would settle it`).toBeTruthy();
  return r;
}

describe('infrastructure assessment', () => {
  it('lists the thirteen rows of the reference Infrastructure Assessment, in order', async () => {
    const result = await assessTree({ ...PY, 'app/main.py': APP });
    expect(result.scorecards.infrastructure.map((r) => r.name)).toEqual([
      'Containerization',
      'Orchestration',
      'Load Balancing',
      'Auto-Scaling',
      'Health Checks',
      'Monitoring',
      'Error Tracking',
      'Structured Logging',
      'Alerting',
      'Backup/Restore',
      'Database Migrations',
      'Graceful Shutdown',
      'CI/CD',
    ]);
  });

  it('marks every row but CI/CD N/A when there is no service or deployment', async () => {
    const result = await assessTree({ 'lib/util.py': 'def add(a, b):\n    return a + b\n' });
    for (const r of result.scorecards.infrastructure) expect(r.status, r.name).toBe(r.name === 'CI/CD' ? 'FAIL' : 'N/A');
  });

  describe('Containerization', () => {
    it('PASS: a non-root multi-stage image with a pinned base and a HEALTHCHECK, with evidence', async () => {
      const r = await expectRow({ ...PY, 'app/main.py': HEALTHY_APP, Dockerfile: GOOD_DOCKERFILE }, 'Containerization', 'PASS', /Dockerfile: 2-stage, non-root, base `python:3\.12-slim`, HEALTHCHECK/);
      expect(r.evidence?.map((e) => `${e.file}:${e.startLine}`)).toEqual(['Dockerfile:5', 'Dockerfile:9', 'Dockerfile:11']);
    });
    it('PARTIAL: an image that runs as root from an unpinned base', () =>
      expectRow({ ...PY, 'app/main.py': HEALTHY_APP, Dockerfile: 'FROM python\nCOPY . /srv\nCMD ["uvicorn", "app.main:app"]\n' }, 'Containerization', 'PARTIAL', /runs as root.*unpinned|unpinned.*runs as root|runs as root/));
    it('PARTIAL: a development compose stack only', () => expectRow({ ...PY, 'app/main.py': APP, 'docker-compose.yml': DEV_COMPOSE }, 'Containerization', 'PARTIAL', /development docker-compose only/));
    it('FAIL: compose builds an image from a folder without a Dockerfile', () =>
      expectRow({ 'backend/requirements.txt': 'fastapi==0.115.0\n', 'backend/main.py': APP, 'docker-compose.yml': 'services:\n  backend:\n    build: ./backend\n' }, 'Containerization', 'FAIL', /backend\/Dockerfile, which does not exist/));
    it('FAIL: nothing builds or runs the app', () => expectRow({ ...PY, 'app/main.py': APP }, 'Containerization', 'FAIL'));
    it('UNKNOWN: Kubernetes runs an image built elsewhere', () => expectRow({ ...PY, 'app/main.py': APP, 'k8s/api.yaml': deployment('api', 2) }, 'Containerization', 'UNKNOWN'));
    it('N/A: a buildpack platform builds the app from source', () => expectRow({ ...PY, 'app/main.py': APP, Procfile: 'web: uvicorn app.main:app --host 0.0.0.0 --port $PORT\n' }, 'Containerization', 'N/A', /Procfile/));
  });

  describe('Orchestration', () => {
    it('PASS: Kubernetes manifests', () => expectRow({ ...PY, 'app/main.py': APP, 'k8s/api.yaml': deployment('api', 2) }, 'Orchestration', 'PASS', /Kubernetes/));
    it('PASS: a PaaS that runs and restarts the app (Fly.io)', () => expectRow({ ...PY, 'app/main.py': APP, 'fly.toml': 'app = "orders"\n' }, 'Orchestration', 'PASS', /Fly\.io/));
    it('PARTIAL: a production compose file on one host', () =>
      expectRow({ ...PY, 'app/main.py': APP, Dockerfile: GOOD_DOCKERFILE, 'docker-compose.prod.yml': 'services:\n  api:\n    build: .\n    restart: unless-stopped\n' }, 'Orchestration', 'PARTIAL', /one host/));
    it('FAIL: a development compose stack only', () => expectRow({ ...PY, 'app/main.py': APP, 'docker-compose.yml': DEV_COMPOSE }, 'Orchestration', 'FAIL', /development docker-compose/));
    it('UNKNOWN: an image is built, where it runs is not in the repository', () => expectRow({ ...PY, 'app/main.py': APP, Dockerfile: GOOD_DOCKERFILE }, 'Orchestration', 'UNKNOWN'));
  });

  describe('Load Balancing', () => {
    it('PASS: a Service and an Ingress in front of several replicas', () =>
      expectRow({ ...PY, 'app/main.py': APP, 'k8s/api.yaml': `${deployment('api', 3)}---\n${SERVICE}---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: api\nspec:\n  rules: []\n` }, 'Load Balancing', 'PASS', /Ingress `api`/));
    it('PARTIAL: a platform router in front of a single instance', () =>
      expectRow({ ...PY, 'app/main.py': APP, 'render.yaml': 'services:\n  - type: web\n    name: orders\n    runtime: docker\n    numInstances: 1\n' }, 'Load Balancing', 'PARTIAL', /single replica/));
    it('PARTIAL: a load balancer, but per-process state found by the concurrency rules (linked)', async () => {
      const report = await auditTree({ ...PY, 'app/main.py': STATEFUL_APP, 'k8s/api.yaml': `${deployment('api', 3)}---\n${SERVICE}` });
      const r = rowOf(report, 'infrastructure', 'Load Balancing');
      expect(r.status).toBe('PARTIAL');
      expect(r.notes).toMatch(/per-process state \(`sessions`\)/);
      const linked = report.findings.filter((f) => r.findings.includes(f.id));
      // The session dict is a per-process store (in-memory-store-per-process), the finding the row links.
      expect(linked.map((f) => f.ruleId)).toContain('in-memory-store-per-process');
    });
    it('FAIL: a development compose stack, no load balancer', () => expectRow({ ...PY, 'app/main.py': APP, 'docker-compose.yml': DEV_COMPOSE }, 'Load Balancing', 'FAIL'));
    it('UNKNOWN: only a Dockerfile', () => expectRow({ ...PY, 'app/main.py': APP, Dockerfile: GOOD_DOCKERFILE }, 'Load Balancing', 'UNKNOWN'));
  });

  describe('Auto-Scaling', () => {
    it('PASS: a HorizontalPodAutoscaler scales the Deployment', () =>
      expectRow({ ...PY, 'app/main.py': APP, 'k8s/api.yaml': deployment('api', 1), 'k8s/hpa.yaml': HPA }, 'Auto-Scaling', 'PASS', /2–10 replicas/));
    it('PASS: Cloud Run scales with traffic by default', () =>
      expectRow({ ...PY, 'app/main.py': APP, 'service.yaml': 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:\n        - image: gcr.io/acme/orders:1.0.0\n' }, 'Auto-Scaling', 'PASS', /by default/));
    it('PARTIAL: a fixed replica count', () => expectRow({ ...PY, 'app/main.py': APP, 'k8s/api.yaml': deployment('api', 3) }, 'Auto-Scaling', 'PARTIAL', /Deployment `api`: 3/));
    it('FAIL: a single replica and nothing scales it', () => expectRow({ ...PY, 'app/main.py': APP, 'k8s/api.yaml': deployment('api', undefined) }, 'Auto-Scaling', 'FAIL', /runs 1 replica/));
    it('FAIL: per-process state prevents scaling out, even with an autoscaler', async () => {
      const report = await auditTree({ ...PY, 'app/main.py': STATEFUL_APP, 'k8s/api.yaml': deployment('api', 1), 'k8s/hpa.yaml': HPA });
      const r = rowOf(report, 'infrastructure', 'Auto-Scaling');
      expect(r.status).toBe('FAIL');
      expect(r.notes).toMatch(/design prevents scaling out \(autoscaling is configured/);
      expect(r.findings.length).toBeGreaterThan(0);
    });
    it('UNKNOWN: a PaaS whose scaling settings are not in the repository', () => expectRow({ ...PY, 'app/main.py': APP, 'fly.toml': 'app = "orders"\n' }, 'Auto-Scaling', 'UNKNOWN'));
  });

  describe('Health Checks', () => {
    it('PASS: a health endpoint that checks the database, probed by a Docker HEALTHCHECK', () =>
      expectRow(
        { ...pyWith('sqlalchemy==2.0.35'), 'app/main.py': `${APP}\n\n@app.get("/healthz")\nasync def healthz():\n    async with engine.connect() as conn:\n        await conn.execute(text("SELECT 1"))\n    return {"status": "ok"}\n`, Dockerfile: GOOD_DOCKERFILE },
        'Health Checks',
        'PASS',
        /GET \/healthz \(checks database\); probed by Docker HEALTHCHECK/,
      ));
    it('PARTIAL: an endpoint nothing probes', () => expectRow({ ...PY, 'app/main.py': HEALTHY_APP }, 'Health Checks', 'PARTIAL', /no probe configured/));
    it('PARTIAL: the probe requests a path the app does not serve', () =>
      expectRow({ ...PY, 'app/main.py': `${APP}\n\n@app.get("/health")\nasync def health():\n    return {}\n`, Dockerfile: GOOD_DOCKERFILE }, 'Health Checks', 'PARTIAL', /requests \/healthz, which orders-api does not serve/));
    it('PASS: a probe on a route whose mount prefix comes from settings is not a mismatch', () =>
      expectRow(
        {
          ...PY,
          'app/main.py': 'from fastapi import FastAPI\n\nfrom app.config import settings\nfrom app.routes import router\n\napp = FastAPI()\napp.include_router(router, prefix=settings.API_PREFIX)\n',
          'app/routes.py': 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/utils")\n\n\n@router.get("/health-check/")\nasync def health_check() -> bool:\n    return True\n\n\n@router.get("/version")\nasync def version() -> str:\n    return "1"\n',
          'docker-compose.yml': 'services:\n  backend:\n    build: .\n    restart: always\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://localhost:8000/api/v1/utils/health-check/"]\n',
        },
        'Health Checks',
        'PASS',
      ));
    it('FAIL: no health endpoint and no probe', () => expectRow({ ...PY, 'app/main.py': APP }, 'Health Checks', 'FAIL'));
    it('N/A: the app runs as functions, with no long-running server to probe', () =>
      expectRow({ ...PY, 'app/main.py': `${APP}\nfrom mangum import Mangum\n\nhandler = Mangum(app)\n`, 'serverless.yml': 'service: orders\nprovider:\n  name: aws\nfunctions:\n  api:\n    handler: app.main.handler\n' }, 'Health Checks', 'N/A', /runs as functions/));
  });

  describe('Monitoring (UNKNOWN cannot occur: instrumentation is in the code or it is not)', () => {
    it('PASS: Prometheus instrumentation exposed', () =>
      expectRow({ ...pyWith('prometheus-fastapi-instrumentator==7.0.0'), 'app/main.py': `${APP}\nfrom prometheus_fastapi_instrumentator import Instrumentator\n\nInstrumentator().instrument(app).expose(app)\n` }, 'Monitoring', 'PASS', /Prometheus/));
    it('PARTIAL: only Sentry performance traces', () =>
      expectRow({ ...pyWith('sentry-sdk==2.14.0'), 'app/main.py': `import sentry_sdk\n\nsentry_sdk.init(traces_sample_rate=0.1)\n${APP}` }, 'Monitoring', 'PARTIAL', /only Sentry performance traces/));
    it('PARTIAL: one of two services instrumented', () =>
      expectRow(
        { 'api/requirements.txt': 'fastapi==0.115.0\nprometheus-fastapi-instrumentator==7.0.0\n', 'api/main.py': `${APP}\nfrom prometheus_fastapi_instrumentator import Instrumentator\n\nInstrumentator().instrument(app).expose(app)\n`, 'gateway/package.json': '{ "name": "gateway", "dependencies": { "express": "4.21.0" } }\n', 'gateway/index.js': "const express = require('express');\nconst app = express();\napp.listen(3000);\n" },
        'Monitoring',
        'PARTIAL',
        /gateway: no metrics/,
      ));
    it('FAIL: no metrics or APM', () => expectRow({ ...PY, 'app/main.py': APP }, 'Monitoring', 'FAIL'));
  });

  describe('Error Tracking (UNKNOWN cannot occur)', () => {
    it('PASS: Sentry initialised, with its options in the notes', () =>
      expectRow({ ...pyWith('sentry-sdk==2.14.0'), 'app/main.py': `import sentry_sdk\n\nsentry_sdk.init(dsn=None, traces_sample_rate=0.1, send_default_pii=False)\n${APP}` }, 'Error Tracking', 'PASS', /Sentry initialised in app\/main\.py:3 \(traces_sample_rate=0\.1, send_default_pii=False\)/));
    it('PARTIAL: the SDK is a dependency but never initialised', () => expectRow({ ...pyWith('sentry-sdk==2.14.0'), 'app/main.py': APP }, 'Error Tracking', 'PARTIAL', /never initialised/));
    it('FAIL: nothing reports exceptions', () => expectRow({ ...PY, 'app/main.py': APP }, 'Error Tracking', 'FAIL'));
  });

  describe('Structured Logging (UNKNOWN cannot occur)', () => {
    it('PASS: structlog with JSON output', () =>
      expectRow({ ...pyWith('structlog==24.4.0'), 'app/main.py': `import structlog\n\nstructlog.configure(processors=[structlog.processors.JSONRenderer()])\n${APP}` }, 'Structured Logging', 'PASS', /structlog configured with JSON output/));
    it('PARTIAL: one of two services writes JSON', () =>
      expectRow(
        { 'api/requirements.txt': 'fastapi==0.115.0\nstructlog==24.4.0\n', 'api/main.py': `import structlog\n\nstructlog.configure(processors=[structlog.processors.JSONRenderer()])\n${APP}`, 'gateway/package.json': '{ "name": "gateway", "dependencies": { "express": "4.21.0" } }\n', 'gateway/index.js': "const express = require('express');\nconst app = express();\napp.listen(3000);\n" },
        'Structured Logging',
        'PARTIAL',
      ));
    it('FAIL: plain-text logging.basicConfig', () => expectRow({ ...PY, 'app/main.py': `import logging\n\nlogging.basicConfig(level=logging.INFO)\n${APP}` }, 'Structured Logging', 'FAIL', /plain-text logs/));
  });

  describe('Alerting', () => {
    const RULES = 'groups:\n  - name: api\n    rules:\n      - alert: HighErrorRate\n        expr: sum(rate(http_requests_total{status=~"5.."}[5m])) > 1\n        for: 5m\n      - alert: ApiDown\n        expr: up{job="api"} == 0\n';
    it('PASS: Prometheus alert rules in the repository', () => expectRow({ ...PY, 'app/main.py': APP, 'ops/alerts.yml': RULES }, 'Alerting', 'PASS', /2 Prometheus alert rules/));
    it('PARTIAL: an Alertmanager route with no rules', () =>
      expectRow({ ...PY, 'app/main.py': APP, 'ops/alertmanager.yml': 'route:\n  receiver: oncall\nreceivers:\n  - name: oncall\n    pagerduty_configs:\n      - routing_key_file: /etc/pd-key\n' }, 'Alerting', 'PARTIAL', /pagerduty/));
    it('FAIL: nothing instrumented to alert from', () => expectRow({ ...PY, 'app/main.py': APP }, 'Alerting', 'FAIL'));
    it('UNKNOWN: Sentry is instrumented, its alert rules live in Sentry', () => expectRow({ ...pyWith('sentry-sdk==2.14.0'), 'app/main.py': `import sentry_sdk\n\nsentry_sdk.init()\n${APP}` }, 'Alerting', 'UNKNOWN', /Sentry instrumented/));
  });

  describe('Backup/Restore', () => {
    const PG = pyWith('asyncpg==0.29.0');
    const PROD_COMPOSE = 'services:\n  api:\n    build: .\n    restart: unless-stopped\n  db:\n    image: postgres:16.4\n    restart: unless-stopped\n    volumes:\n      - pgdata:/var/lib/postgresql/data\nvolumes:\n  pgdata:\n';
    it('PASS: a scheduled dump and a written restore procedure', () =>
      expectRow(
        { ...PG, 'app/main.py': APP, 'k8s/backup.yaml': 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: db-backup\nspec:\n  schedule: "0 2 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: dump\n              image: postgres:16.4\n              command: ["sh", "-c", "pg_dump -Fc $DATABASE_URL > /backup/db.dump"]\n', 'docs/runbooks/restore.md': '# Restore the database\n\nDownload the last dump from the bucket, then run\n`pg_restore --clean --dbname "$DATABASE_URL" db.dump` and check `/readyz`.\n' },
        'Backup/Restore',
        'PASS',
        /pg_dump.*on a schedule.*restore/,
      ));
    it('PASS: a managed database with automated backups', () => expectRow({ ...PG, 'app/main.py': APP, 'infra/db.tf': 'resource "aws_db_instance" "main" {\n  engine = "postgres"\n  backup_retention_period = 14\n}\n' }, 'Backup/Restore', 'PASS', /point-in-time/));
    it('PARTIAL: dumps with no restore procedure', () =>
      expectRow({ ...PG, 'app/main.py': APP, Dockerfile: GOOD_DOCKERFILE, 'scripts/backup.sh': '#!/bin/sh\npg_dump -Fc "$DATABASE_URL" > /backups/db.dump\n' }, 'Backup/Restore', 'PARTIAL', /no restore procedure/));
    it('FAIL: the compose stack that deploys the app runs PostgreSQL and nothing backs it up', () => expectRow({ ...PG, 'app/main.py': APP, Dockerfile: GOOD_DOCKERFILE, 'docker-compose.prod.yml': PROD_COMPOSE }, 'Backup/Restore', 'FAIL', /`db` \(postgres:16\.4, volume `pgdata`\)/));
    it('FAIL: backups switched off on the managed database', () => expectRow({ ...PG, 'app/main.py': APP, 'infra/db.tf': 'resource "aws_db_instance" "main" {\n  engine = "postgres"\n  backup_retention_period = 0\n}\n' }, 'Backup/Restore', 'FAIL', /switched off/));
    it('UNKNOWN: the database is reached by URL; its backups are a provider setting', () => expectRow({ ...PG, 'app/main.py': APP, Dockerfile: GOOD_DOCKERFILE }, 'Backup/Restore', 'UNKNOWN'));
    it('N/A: no data store', () => expectRow({ ...PY, 'app/main.py': APP }, 'Backup/Restore', 'N/A'));
  });

  describe('Database Migrations', () => {
    const SA = pyWith('sqlalchemy==2.0.35', 'alembic==1.13.3');
    const MODEL = 'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass Order(Base):\n    __tablename__ = "orders"\n    id: Mapped[int] = mapped_column(primary_key=True)\n';
    const REVISION = 'revision = "0001"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n';
    it('PASS: Alembic history applied by the release command', () =>
      expectRow({ ...SA, 'app/main.py': APP, 'app/models.py': MODEL, 'alembic/versions/0001_initial.py': REVISION, 'fly.toml': 'app = "orders"\n\n[deploy]\n  release_command = "alembic upgrade head"\n' }, 'Database Migrations', 'PASS', /Alembic: 1 revision.*release step/));
    it('PARTIAL: a history nothing applies on deploy', () => expectRow({ ...SA, 'app/main.py': APP, 'app/models.py': MODEL, 'alembic/versions/0001_initial.py': REVISION, Dockerfile: GOOD_DOCKERFILE }, 'Database Migrations', 'PARTIAL', /nothing in the repository applies them/));
    it('FAIL: models and no migration tool', () => expectRow({ ...SA, 'app/main.py': APP, 'app/models.py': MODEL }, 'Database Migrations', 'FAIL', /1 SQLAlchemy model/));
    it('FAIL: a schema.sql and no history', () => expectRow({ ...pyWith('asyncpg==0.29.0'), 'app/main.py': APP, 'schema.sql': 'CREATE TABLE orders (id BIGSERIAL PRIMARY KEY);\n' }, 'Database Migrations', 'FAIL', /schema\.sql/));
    it('UNKNOWN: a relational driver, tables defined elsewhere', () => expectRow({ ...pyWith('asyncpg==0.29.0'), 'app/main.py': APP }, 'Database Migrations', 'UNKNOWN'));
    it('N/A: no relational database', () => expectRow({ ...PY, 'app/main.py': APP }, 'Database Migrations', 'N/A'));
  });

  describe('Graceful Shutdown', () => {
    const EXPRESS = (body: string) => ({ 'package.json': '{ "name": "gw", "dependencies": { "express": "4.21.0" } }\n', 'index.js': `const express = require('express');\nconst app = express();\nconst server = app.listen(3000);\n${body}` });
    it('PASS: a Node server closed on SIGTERM', () => expectRow(EXPRESS("process.on('SIGTERM', () => server.close(() => process.exit(0)));\n"), 'Graceful Shutdown', 'PASS', /closes the server/));
    it('PASS: uvicorn with a graceful timeout, in exec form', () => expectRow({ ...PY, 'app/main.py': APP, Dockerfile: GOOD_DOCKERFILE }, 'Graceful Shutdown', 'PASS', /graceful timeout/));
    it("PARTIAL: relies on the server's default drain, the app closes nothing", () =>
      expectRow({ ...PY, 'app/main.py': APP, Dockerfile: 'FROM python:3.12-slim\nUSER nobody\nCMD ["uvicorn", "app.main:app"]\n' }, 'Graceful Shutdown', 'PARTIAL', /default drain/));
    it('FAIL: a Node server without a SIGTERM handler', () => expectRow(EXPRESS(''), 'Graceful Shutdown', 'FAIL', /no SIGTERM handler/));
    it('FAIL: shell-form CMD keeps SIGTERM from the app', () => expectRow({ ...PY, 'app/main.py': APP, Dockerfile: 'FROM python:3.12-slim\nUSER nobody\nCMD uvicorn app.main:app\n' }, 'Graceful Shutdown', 'FAIL', /shell form/));
    it('UNKNOWN: how the app is started in production is not in the repository', () => expectRow({ ...PY, 'app/main.py': APP }, 'Graceful Shutdown', 'UNKNOWN'));
    it('N/A: functions are started and stopped by the platform', () => expectRow({ ...PY, 'app/main.py': APP, 'vercel.json': '{}\n' }, 'Graceful Shutdown', 'N/A'));
  });

  describe('CI/CD', () => {
    const workflow = (steps: string) => `name: ci\non: [push, pull_request]\njobs:\n  ci:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${steps}`;
    it('PASS: tests, lint and a security scan on every push', () =>
      expectRow({ ...PY, 'app/main.py': APP, '.github/workflows/ci.yml': workflow('      - run: ruff check .\n      - run: pytest\n      - run: pip-audit\n') }, 'CI/CD', 'PASS', /runs tests \(pytest\); lints \(ruff\); scans for vulnerabilities \(pip-audit\)/));
    it('PARTIAL: tests only', () => expectRow({ ...PY, 'app/main.py': APP, '.github/workflows/ci.yml': workflow('      - run: pytest\n') }, 'CI/CD', 'PARTIAL', /Gaps: no lint or type check; no security scan/));
    it('PARTIAL: deploys to production without an approval gate', () =>
      expectRow({ ...PY, 'app/main.py': APP, '.github/workflows/ci.yml': workflow('      - run: ruff check .\n      - run: pytest\n      - run: pip-audit\n      - run: flyctl deploy\n') }, 'CI/CD', 'PARTIAL', /deploys without an approval gate/));
    it('FAIL: no pipeline', () => expectRow({ ...PY, 'app/main.py': APP }, 'CI/CD', 'FAIL'));
    it('UNKNOWN: the pipeline only calls a shared workflow of another repository', () =>
      expectRow({ ...PY, 'app/main.py': APP, '.github/workflows/ci.yml': 'name: ci\non: [push]\njobs:\n  ci:\n    uses: acme/workflows/.github/workflows/python.yml@v3\n' }, 'CI/CD', 'UNKNOWN', /acme\/workflows/));
  });
});
