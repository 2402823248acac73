import { operationsOf } from '../../facts/operations/index.ts';
import { deploymentView, migrationView } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'migrations-not-run-on-deploy',
    category: 'infrastructure',
    title: 'Database migrations not applied on deploy',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Database Migrations',
    effortHours: 1,
    messages: {
      notApplied: '{{history}}, but nothing in the deployment ({{deployment}}) applies them, so each release depends on someone running them by hand at the right moment.',
    },
    why: [
      'When migrations are a manual step, releases go out with code that expects columns the database does not have yet (500s until someone notices), or migrations are run long after, or twice, or against the wrong database. Running them automatically — once, before the new version takes traffic — makes the schema change part of the release that needs it.',
    ].join('\n'),
    fix: [
      'Run the migration command once per release, before the new version serves traffic: a release phase, a pre-deploy command, a Kubernetes Job or init container, or a one-shot compose service.',
      '',
      '```toml',
      '# fly.toml',
      '[deploy]',
      '  release_command = "alembic upgrade head"',
      '```',
      '```yaml',
      '# render.yaml',
      'services:',
      '  - type: web',
      '    name: api',
      '    preDeployCommand: python manage.py migrate --noinput',
      '```',
      'Procfile: `release: npx prisma migrate deploy`. Avoid running migrations in every replica\'s start command when several start at once.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nsqlalchemy==2.0.35\nalembic==1.13.3\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'alembic/versions/0001_initial.py': 'revision = "0001"\ndown_revision = None\n',
        Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["uvicorn", "app.main:app"]\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nsqlalchemy==2.0.35\nalembic==1.13.3\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'alembic/versions/0001_initial.py': 'revision = "0001"\ndown_revision = None\n',
        Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["uvicorn", "app.main:app"]\n',
        'fly.toml': 'app = "api"\n\n[deploy]\n  release_command = "alembic upgrade head"\n',
      },
    },
    references: { urls: ['https://fly.io/docs/reference/configuration/#run-one-off-commands-before-releasing-a-deployment', 'https://devcenter.heroku.com/articles/release-phase'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    const m = migrationView(ops);
    const d = deploymentView(ops);
    // Only a deployment the repository describes can be seen not to migrate.
    if (!m.histories.length || m.runs.length || !d.anyDefinition) return;
    const deployment = [...d.images.map((i) => i.file.path), ...ops.deployment.platforms.map((p) => p.at.file)];
    report({ messageId: 'notApplied', at: m.histories[0].at, data: { history: m.histories[0].label, deployment: [...new Set(deployment)].slice(0, 3).join(', ') } });
  },
});
