import { ciTestRuns } from '../../facts/ci-pipelines.ts';
import { operationsOf } from '../../facts/operations/index.ts';
import { testInventory } from '../../facts/test-inventory.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'test-suite-not-run-in-ci',
    category: 'testing',
    title: 'CI does not run the test suite',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'CI/CD',
    effortHours: 1,
    messages: {
      notRun: '`{{file}}` runs CI but no step runs the test suite ({{tests}}, {{frameworks}}): a change that breaks it still merges.',
    },
    why: [
      'Tests only protect what they are run against. When CI builds and lints but never runs the suite, a pull request that breaks it merges green, the suite rots, and by the time someone runs it locally nobody knows which change broke what.',
    ].join('\n'),
    fix: [
      'Run the suite in the CI workflow on every push and pull request, and make the deployment job depend on it:',
      '',
      '```yaml',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-python@v5',
      '        with: { python-version: "3.12" }',
      '      - run: pip install -r requirements-dev.txt',
      '      - run: pytest --cov=app --cov-report=xml',
      '  deploy:',
      '    needs: test',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'pytest==8.3.3\n',
        'app/core.py': 'def add(a, b):\n    return a + b\n',
        'tests/test_core.py': 'from app.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n',
        '.github/workflows/ci.yml': 'on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install ruff\n      - run: ruff check .\n',
      },
      good: {
        'requirements.txt': 'pytest==8.3.3\n',
        'app/core.py': 'def add(a, b):\n    return a + b\n',
        'tests/test_core.py': 'from app.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n',
        '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt\n      - run: pytest\n',
      },
    },
    references: { urls: ['https://docs.github.com/en/actions/use-cases-and-examples/building-and-testing/building-and-testing-python'] },
  },
  check({ index, files, report }) {
    const inventory = testInventory(index, files);
    const runnable = inventory.tests.filter((t) => t.level !== 'load');
    if (!runnable.length) return;
    const ci = operationsOf(index, files).ci;
    if (!ci.steps.length || ciTestRuns(ci).length) return;
    const file = [...new Set(ci.steps.map((c) => c.file))].sort()[0];
    const frameworks = inventory.frameworks.filter((f) => !/coverage|cov$|c8|nyc|supertest|Testing Library|tox|nox|hypothesis/.test(f.name)).map((f) => f.name);
    const workflow = files.get(file);
    const jobsAt = workflow ? workflow.text.search(/^(jobs|stages|pipeline|steps|workflows):/m) : -1;
    report({
      messageId: 'notRun',
      at: workflow ? workflow.locateLines(jobsAt >= 0 ? workflow.position(jobsAt).line : 1) : { file },
      data: { file, tests: `${runnable.length} test file${runnable.length === 1 ? '' : 's'}`, frameworks: frameworks.length ? frameworks.join(', ') : 'tests' },
    });
  },
});
