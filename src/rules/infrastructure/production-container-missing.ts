import { operationsOf } from '../../facts/operations/index.ts';
import { deploymentView } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'production-container-missing',
    category: 'infrastructure',
    title: 'No production deployment definition',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Containerization',
    effortHours: 6,
    messages: {
      noDeployment: 'Nothing in the repository builds or runs `{{service}}` in production: no Dockerfile, no compose or Kubernetes manifests, no platform configuration (Fly, Render, Heroku, Vercel, Cloud Run, Terraform …).',
      buildWithoutDockerfile: '`{{file}}` builds service `{{service}}` from `{{dockerfile}}`, which does not exist, so the image cannot be built.',
    },
    why: [
      'A service whose production setup lives only in someone\'s terminal history or a platform console cannot be rebuilt, reviewed or rolled back: the runtime version, start command, environment and resources differ between machines, a new environment takes days, and a change to how the app runs is never code-reviewed. A compose file that points at a missing Dockerfile means the documented way to start the app does not work at all.',
      '',
      'Deployments configured only in a platform dashboard are invisible here, which is why the finding has medium confidence; committing that configuration (render.yaml, fly.toml, Terraform) fixes both.',
    ].join('\n'),
    fix: [
      'Add a production Dockerfile (multi-stage, non-root, pinned base, health check) and commit the configuration of the platform that runs it.',
      '',
      '```dockerfile',
      'FROM python:3.12-slim AS build',
      'RUN python -m venv /opt/venv',
      'ENV PATH="/opt/venv/bin:$PATH"',
      'COPY requirements.txt .',
      'RUN pip install --no-cache-dir -r requirements.txt',
      '',
      'FROM python:3.12-slim',
      'RUN useradd --system --no-create-home app',
      'ENV PATH="/opt/venv/bin:$PATH" PYTHONUNBUFFERED=1',
      'WORKDIR /srv',
      'COPY --from=build /opt/venv /opt/venv',
      'COPY --chown=app:app app ./app',
      'USER app',
      'EXPOSE 8000',
      'HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8000/healthz\', timeout=2)"',
      'CMD ["gunicorn", "app.main:app", "-k", "uvicorn.workers.UvicornWorker", "-b", "0.0.0.0:8000", "--graceful-timeout", "20"]',
      '```',
      'Then describe where it runs: `fly.toml`, `render.yaml`, Kubernetes manifests or Terraform.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        Dockerfile: 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\nRUN pip install -r requirements.txt\nUSER nobody\nCMD ["uvicorn", "app.main:app", "--host", "0.0.0.0"]\n',
      },
    },
    references: { urls: ['https://12factor.net/build-release-run', 'https://docs.docker.com/build/building/best-practices/'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    const d = deploymentView(ops);
    for (const m of d.missingDockerfiles) report({ messageId: 'buildWithoutDockerfile', at: m.at, data: { file: m.compose.file.path, service: m.service, dockerfile: m.dockerfile } });
    const services = ops.services.filter((s) => s.framework !== 'nextjs');
    if (d.anyDefinition || ops.deployment.compose.length || !services.length) return;
    report({ messageId: 'noDeployment', at: services[0].entry, data: { service: services[0].name }, related: services.slice(1).map((s) => ({ ...s.entry, note: `${s.name} has no deployment definition either` })) });
  },
});
