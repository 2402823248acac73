import { CI_PROVIDER_NAMES } from '../../facts/ci-pipelines.ts';
import { operationsOf } from '../../facts/operations/index.ts';
import { ciView, runnableTests } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'ci-tests-not-run',
    category: 'infrastructure',
    title: 'CI pipeline does not run the tests',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'CI/CD',
    effortHours: 1,
    messages: {
      testsNotRun: 'The repository has {{tests}}, but no job of {{pipelines}} runs {{them}}, so a change that breaks {{them}} still merges and ships.',
    },
    why: [
      'Tests that only run when a developer remembers to run them do not protect production: a pull request that breaks them is merged, the pipeline stays green, and the regression is found by users. A pipeline that builds and lints but skips the tests also gives a false sense of safety in branch protection rules that require "CI passed".',
    ].join('\n'),
    fix: [
      'Add the test command to the pipeline that runs on pull requests, and make it required in branch protection.',
      '',
      '```yaml',
      '      - run: pip install -r requirements.txt -r requirements-dev.txt',
      '      - run: pytest --cov=app --cov-report=xml',
      '```',
      'For Node projects: `- run: npm ci` then `- run: npm test`.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'tests/test_main.py': 'def test_app():\n    assert True\n',
        '.github/workflows/ci.yml': 'name: ci\non: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ruff check .\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\n',
        'app/main.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n',
        'tests/test_main.py': 'def test_app():\n    assert True\n',
        '.github/workflows/ci.yml': 'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ruff check .\n      - run: pytest\n',
      },
    },
    references: { equivalents: ['scorecard:CI-Tests'] },
  },
  check({ index, files, report }) {
    const ops = operationsOf(index, files);
    const ci = ciView(ops);
    if (!ci.pipelines.length || ci.tests.length || ci.opaqueOnly || !ci.testsExist) return;
    const tests = runnableTests(ops).length;
    const first = ci.primary ?? ci.pipelines[0];
    report({
      messageId: 'testsNotRun',
      at: first.at,
      data: { tests: tests === 1 ? '1 test file' : `${tests} test files`, them: tests === 1 ? 'it' : 'them', pipelines: ci.pipelines.map((p) => `${p.file} (${CI_PROVIDER_NAMES[p.provider]})`).join(', ') },
      related: ci.pipelines.filter((p) => p !== first).map((p) => ({ ...p.at, note: 'this pipeline does not run the tests either' })),
    });
  },
});
