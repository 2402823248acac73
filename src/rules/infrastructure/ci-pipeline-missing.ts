import { operationsOf } from '../../facts/operations/index.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'ci-pipeline-missing',
    category: 'infrastructure',
    title: 'No CI pipeline',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'CI/CD',
    effortHours: 3,
    messages: {
      noPipeline:
        'No CI pipeline builds, tests or checks {{services}}: the repository has no GitHub Actions, GitLab CI, CircleCI, Azure Pipelines, Jenkins or Bitbucket configuration.',
    },
    why: [
      'Without continuous integration nothing runs the tests, linters, type checks or dependency audits on a change before it is merged and deployed: a broken build, a failing test or a known-vulnerable dependency reaches production as soon as someone forgets to run them by hand. Every later quality gate (coverage, security scans, this audit as a deployment gate) needs a pipeline to run in.',
      '',
      'Pipelines configured only in a CI server\'s web console (a Jenkins job, a Bitbucket UI setting) are invisible here and cannot be reviewed with the code, which is why the finding has medium confidence.',
    ].join('\n'),
    fix: [
      'Add a workflow that runs on every push and pull request: install, lint, type-check, test, audit dependencies.',
      '',
      '```yaml',
      '# .github/workflows/ci.yml',
      'name: ci',
      'on: [push, pull_request]',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-python@v5',
      '        with: { python-version: "3.12", cache: pip }',
      '      - run: pip install -r requirements.txt -r requirements-dev.txt',
      '      - run: ruff check .',
      '      - run: mypy app',
      '      - run: pytest --cov=app --cov-report=xml',
      '      - run: pip-audit -r requirements.txt',
      '```',
      'For Node: `npm ci`, `npm run lint`, `npx tsc --noEmit`, `npm test`, `npm audit --omit=dev`.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/items")\nasync def items():\n    return []\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/items")\nasync def items():\n    return []\n',
        '.github/workflows/ci.yml': 'name: ci\non: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt\n      - run: pytest\n',
      },
    },
    references: {
      urls: ['https://docs.github.com/en/actions/automating-builds-and-tests/building-and-testing-python', 'https://github.com/ossf/scorecard/blob/main/docs/checks.md#ci-tests'],
      equivalents: ['scorecard:CI-Tests'],
    },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    const services = ops.services;
    if (!services.length || ops.ci.pipelines.length) return;
    report({
      messageId: 'noPipeline',
      at: services[0].entry,
      data: { services: services.length === 1 ? `\`${services[0].name}\`` : services.map((s) => `\`${s.name}\``).join(', ') },
      related: services.slice(1).map((s) => ({ ...s.entry, note: `${s.name} is not built or tested by any pipeline either` })),
    });
  },
});
