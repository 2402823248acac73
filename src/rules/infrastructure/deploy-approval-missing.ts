import { operationsOf } from '../../facts/operations/index.ts';
import { ciView } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'deploy-approval-missing',
    category: 'infrastructure',
    title: 'Production deploy without an approval gate',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'CI/CD',
    effortHours: 1,
    messages: {
      ungated: 'Job `{{job}}` in {{file}} deploys with {{tool}} on every {{trigger}} without a protected environment, manual trigger or approval step{{tests}}.',
    },
    why: [
      'A pipeline that deploys to production on every push to the main branch ships whatever was merged, at whatever time it was merged, with nobody deciding that it should go out now: a migration that needs a maintenance window, a change that needs a feature flag flipped first, or a merge done by mistake all reach users immediately. When the deploy job does not even wait for the tests, a red build still deploys.',
      '',
      'A protected environment (GitHub environments with required reviewers, GitLab protected environments, a manual job) keeps continuous delivery but puts one deliberate click — recorded, with a name — between a merge and production.',
    ].join('\n'),
    fix: [
      'Run the deploy job in a protected environment that requires a reviewer, and make it wait for the test job.',
      '',
      '```yaml',
      '  deploy:',
      '    needs: [test]',
      '    runs-on: ubuntu-latest',
      '    environment: production   # Settings → Environments → production → Required reviewers',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: superfly/flyctl-actions/setup-flyctl@v1',
      '      - run: flyctl deploy --remote-only',
      '```',
      'GitLab: `environment: production` with `when: manual` on the deploy job.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        '.github/workflows/deploy.yml': 'name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: flyctl deploy --remote-only\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        '.github/workflows/deploy.yml': 'name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n  deploy:\n    needs: [test]\n    environment: production\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: flyctl deploy --remote-only\n',
      },
    },
    references: { urls: ['https://docs.github.com/en/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#required-reviewers'] },
  },
  check({ index, files, report }) {
    for (const d of ciView(operationsOf(index, files)).ungatedProduction) {
      const triggers = d.pipeline.triggers.filter((t) => t !== 'manual');
      const trigger = triggers.includes('push') ? 'push' : triggers[0];
      report({
        messageId: 'ungated',
        at: d.deploy.at,
        data: { job: d.job.id, file: d.job.file, tool: d.deploy.tools.find((t) => t.kind === 'deploy')?.tool ?? 'a deploy command', trigger, tests: d.afterTests ? '' : ', and it does not wait for any test job' },
        ...(d.afterTests ? {} : { severity: 'medium' as const }),
      });
    }
  },
});
