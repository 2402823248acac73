import { operationsOf } from '../../facts/operations/index.ts';
import { deploymentView } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'deployment-guide-missing',
    category: 'documentation',
    title: 'No deployment guide',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Deployment Guide',
    effortHours: 2,
    messages: {
      noGuide: 'The repository deploys with {{deployment}}, but no document says how to deploy, configure or roll back a release (no docs/deploy*.md and no deployment section in the README).',
    },
    why: [
      'Deployment knowledge that lives in one person\'s head turns every release into a dependency on that person and every incident into guesswork: which secrets must exist, which migrations run when, how to roll back, how to rotate a key. A short guide next to the deployment configuration makes releases repeatable and lets someone else ship a fix at 3 a.m.',
    ].join('\n'),
    fix: [
      'Write `docs/deploy.md` next to the configuration it explains.',
      '',
      '````markdown',
      '# Deploying',
      '',
      '1. Merge to `main`; CI builds `ghcr.io/acme/api:<sha>`.',
      '2. Approve the `production` environment in GitHub Actions; the job runs `alembic upgrade head`, then `flyctl deploy`.',
      '3. Check `/readyz` and the error rate in Sentry.',
      '',
      '## Configuration',
      'Secrets live in `fly secrets` (list in `.env.example`).',
      '',
      '## Rollback',
      '```bash',
      'flyctl releases list && flyctl deploy --image ghcr.io/acme/api:<previous sha>',
      '```',
      '````',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'fly.toml': 'app = "api"\n\n[http_service]\n  internal_port = 8000\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'fly.toml': 'app = "api"\n\n[http_service]\n  internal_port = 8000\n',
        'docs/deploy.md': '# Deploying\n\n1. Merge to main.\n2. Run `flyctl deploy`.\n3. Check /healthz.\n\n## Rollback\n\n`flyctl deploy --image <previous>`\n',
      },
    },
    references: { urls: ['https://sre.google/sre-book/release-engineering/'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    const d = deploymentView(ops);
    if (!d.anyDefinition || ops.docs.deployGuides.length) return;
    const anchor = ops.deployment.platforms[0]?.at ?? d.images[0]?.from;
    if (!anchor) return;
    const deployment = [...new Set([...ops.deployment.platforms.map((p) => p.at.file), ...d.images.map((i) => i.file.path)])];
    report({ messageId: 'noGuide', at: anchor.startLine ? anchor : { ...anchor, startLine: 1, endLine: 1 }, data: { deployment: deployment.slice(0, 3).join(', ') + (deployment.length > 3 ? ` and ${deployment.length - 3} more` : '') } });
  },
});
