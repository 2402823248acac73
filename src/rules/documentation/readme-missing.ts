import { operationsOf } from '../../facts/operations/index.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'readme-missing',
    category: 'documentation',
    title: 'README missing or without setup instructions',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'README',
    effortHours: 2,
    messages: {
      noReadme: 'The repository has no README, so nobody can learn what `{{service}}` does or how to install, configure, run and test it without reading the code.',
      noInstructions: '`{{file}}` does not say how to {{missing}} the app (no section or command for it), so every new developer and every incident responder has to work it out from the code.',
    },
    why: [
      'The README is where a new team member, an on-call engineer at 3 a.m. or an auditor starts. Without install, configuration and run instructions the service can only be operated by the people who built it; onboarding takes days, environment variables are guessed, and the incident runbook starts with "how do I even start this locally?".',
    ].join('\n'),
    fix: [
      'Write a README with what the service does and how to set it up, run it, test it and deploy it.',
      '',
      '````markdown',
      '# Orders API',
      '',
      'Takes orders from the web shop and charges them through Stripe.',
      '',
      '## Setup',
      '```bash',
      'python -m venv .venv && . .venv/bin/activate',
      'pip install -r requirements.txt -r requirements-dev.txt',
      'cp .env.example .env   # fill in DATABASE_URL, STRIPE_SECRET_KEY',
      'alembic upgrade head',
      '```',
      '',
      '## Run',
      '```bash',
      'uvicorn app.main:app --reload',
      '```',
      '',
      '## Test',
      '```bash',
      'pytest',
      '```',
      '',
      '## Deploy',
      'See docs/deploy.md.',
      '````',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'README.md': '# Items API\n\n## Setup\n\n```bash\npip install -r requirements.txt\n```\n\n## Run\n\n```bash\nuvicorn app.main:app --reload\n```\n',
      },
    },
    references: { urls: ['https://www.makeareadme.com/'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    const readme = ops.docs.readme;
    const service = ops.services[0];
    if (!readme) {
      if (service) report({ messageId: 'noReadme', at: service.entry, data: { service: service.name } });
      return;
    }
    const missing = (['setup', 'run'] as const).filter((t) => !readme.topics.has(t));
    if (missing.length) report({ messageId: 'noInstructions', at: readme.file.locateLines(1), data: { file: readme.file.path, missing: missing.map((t) => (t === 'setup' ? 'install and set up' : 'run')).join(' or ') }, severity: 'low' });
  },
});
