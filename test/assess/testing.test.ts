/** Every row of the testing assessment proven PASS, PARTIAL, FAIL, UNKNOWN and N/A from file trees. */
import { describe, expect, it } from 'vitest';
import { testingAssessment } from '../../src/assess/testing.ts';
import type { CoverageReport } from '../../src/model/repo-index.ts';
import { assessTree } from '../support/assess-tree.ts';

const API = {
  'requirements.txt': 'fastapi==0.115.6\npytest==8.3.3\n',
  'app/__init__.py': '',
  'app/auth.py': 'from fastapi import Header, HTTPException\n\n\nasync def current_user(authorization: str = Header(...)):\n    if not authorization.startswith("Bearer "):\n        raise HTTPException(status_code=401)\n    return authorization[7:]\n',
  'app/pricing.py': 'def total(items):\n    subtotal = sum(i["price"] * i["qty"] for i in items)\n    if subtotal > 100:\n        subtotal *= 0.9\n    return round(subtotal, 2)\n\n\ndef tax(amount):\n    return round(amount * 0.2, 2)\n\n\ndef shipping(weight):\n    return 5 if weight < 2 else 12\n',
  'app/main.py':
    'from fastapi import Depends, FastAPI\n\nfrom app.auth import current_user\nfrom app.pricing import total\n\napp = FastAPI()\n\n\n@app.post("/quotes", dependencies=[Depends(current_user)])\nasync def quote(items: list[dict]):\n    return {"total": total(items)}\n\n\n@app.get("/quotes/{quote_id}", dependencies=[Depends(current_user)])\nasync def read_quote(quote_id: int):\n    return {"id": quote_id}\n',
};
const UNIT_TEST = { 'tests/test_pricing.py': 'from app.pricing import total\n\n\ndef test_discount_over_100():\n    assert total([{"price": 60, "qty": 2}]) == 108.0\n' };
const API_TEST = {
  'tests/conftest.py': 'import pytest\nfrom fastapi.testclient import TestClient\n\nfrom app.main import app\n\n\n@pytest.fixture\ndef client():\n    return TestClient(app)\n',
  'tests/test_quotes.py': 'def test_quote(client):\n    r = client.post("/quotes", json=[], headers={"Authorization": "Bearer t"})\n    assert r.json() == {"total": 0}\n\n\ndef test_quote_needs_a_token(client):\n    assert client.post("/quotes", json=[]).status_code == 422\n\n\ndef test_other_scheme_is_unauthorized(client):\n    assert client.post("/quotes", json=[], headers={"Authorization": "Basic x"}).status_code == 401\n',
};
const LOAD_TEST = { 'load/locustfile.py': 'from locust import HttpUser, task\n\n\nclass Buyer(HttpUser):\n    @task\n    def quote(self):\n        self.client.post("/quotes", json=[])\n' };
const CI = { '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pip install -r requirements.txt\n      - run: pytest --cov=app --cov-report=xml\n' };
const report = (covered: number, total: number): CoverageReport => ({ file: 'coverage.xml', format: 'cobertura', covered, total, files: [{ file: 'app/pricing.py', covered: Math.min(covered, 7), total: 7 }] });

describe('testing assessment', () => {
  it('PASS on every row for a tested service with load tests, CI and 85% coverage', async () => {
    const run = await assessTree({ ...API, ...UNIT_TEST, ...API_TEST, ...LOAD_TEST, ...CI }, testingAssessment, { inputs: { coverage: [report(85, 100)] } });
    expect(run.row('Unit Tests')).toMatchObject({ status: 'PASS', notes: '1 file, 1 case: `tests/test_pricing.py`; run in CI (pytest)' });
    expect(run.row('Integration Tests')).toMatchObject({ status: 'PASS', notes: '1 file, 3 cases: `tests/test_quotes.py`; uses the `client` fixture of tests/conftest.py' });
    expect(run.row('Integration Tests').evidence).toEqual([{ file: 'tests/test_quotes.py', startLine: 1, endLine: 1, snippet: 'def test_quote(client):', note: 'uses the `client` fixture of tests/conftest.py' }]);
    expect(run.row('Security Tests')).toMatchObject({ status: 'PASS', notes: '1 file, 3 cases: `tests/test_quotes.py`; tests a denied request' });
    expect(run.row('Load Tests')).toMatchObject({ status: 'PASS', notes: '1 file, 1 case: `load/locustfile.py`; locust load test' });
    expect(run.row('Test Coverage')).toMatchObject({ status: 'PASS', notes: '85% of 100 lines (`coverage.xml`)' });
    expect(run.row('E2E Tests').status).toBe('N/A');
    const section = run.result.sections.testing!;
    expect(section.frameworks.map((f) => f.name)).toEqual(['locust', 'pytest']);
    expect(section.testFiles).toEqual({ unit: ['tests/test_pricing.py'], integration: ['tests/test_quotes.py'], e2e: [], security: ['tests/test_quotes.py'], load: ['load/locustfile.py'] });
    expect(section).toMatchObject({ ciRunsTests: true, coverage: { percent: 85, report: 'coverage.xml', format: 'cobertura' }, testCases: 5 });
    expect(section.ciTestRuns).toEqual([{ runner: 'pytest', file: '.github/workflows/ci.yml', line: 8 }]);
    expect(section.untestedModules).toEqual([]);
    expect(run.result.strengths.map((s) => s.title)).toEqual(['Tests run in CI', 'High test coverage']);
    expect(run.findings.filter((f) => f.category === 'testing')).toEqual([]);
  });

  it('FAIL on every row when a web app has no tests (coverage 0%, one test-suite-missing finding behind them)', async () => {
    const run = await assessTree(API, testingAssessment);
    const missing = run.findings.find((f) => f.ruleId === 'test-suite-missing')!;
    expect(missing).toMatchObject({ severity: 'high', location: { file: 'app/main.py' } });
    for (const name of ['Unit Tests', 'Integration Tests', 'Security Tests', 'Load Tests', 'Test Coverage']) {
      expect(run.row(name).status, name).toBe('FAIL');
      expect(run.row(name).findings, name).toEqual([missing.id]);
    }
    expect(run.row('Test Coverage').notes).toBe('0%: there are no tests');
    expect(run.row('E2E Tests').status).toBe('FAIL');
    const section = run.result.sections.testing!;
    expect(section).toMatchObject({ testLines: 0, testToCodeRatio: 0, ciRunsTests: null, coverage: null, coverageCommand: '`pytest --cov=app --cov-report=xml`' });
    // Modules under 10 lines (app/auth.py, app/pricing.py) are too small to list.
    expect(section.untestedModules).toEqual(['app/main.py']);
  });

  it('PARTIAL and FAIL rows when only unit tests exist, CI skips them and coverage is 60%', async () => {
    const ciLintOnly = { '.github/workflows/ci.yml': 'on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ruff check .\n' };
    const run = await assessTree({ ...API, ...UNIT_TEST, ...ciLintOnly }, testingAssessment, { inputs: { coverage: [report(60, 100)] } });
    expect(run.row('Unit Tests')).toMatchObject({ status: 'PARTIAL', notes: '1 file, 1 case: `tests/test_pricing.py`; CI does not run them' });
    expect(run.row('Unit Tests').findings).toHaveLength(1);
    expect(run.findings.find((f) => f.ruleId === 'ci-tests-not-run')?.location.file).toBe('.github/workflows/ci.yml');
    expect(run.row('Integration Tests')).toMatchObject({ status: 'FAIL', notes: 'none of the 1 test file sends a request to the 2 routes' });
    expect(run.row('Integration Tests').findings).toHaveLength(1);
    expect(run.row('Security Tests')).toMatchObject({ status: 'FAIL' });
    expect(run.row('Load Tests')).toMatchObject({ status: 'FAIL', notes: 'no locust, k6 or Artillery scenario' });
    expect(run.row('Test Coverage')).toMatchObject({ status: 'PARTIAL', notes: '60% of 100 lines (`coverage.xml`); below the 80% target' });
    expect(run.findings.find((f) => f.ruleId === 'test-coverage-low')).toMatchObject({ severity: 'low', messageId: 'belowTarget' });
    expect(run.result.sections.testing!.ciRunsTests).toBe(false);
  });

  it('FAIL coverage below the minimum; PARTIAL security with a scanner in CI; PARTIAL unit row with only client tests', async () => {
    const ciBandit = { '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n      - run: bandit -r app\n' };
    const happy = { 'tests/conftest.py': API_TEST['tests/conftest.py'], 'tests/test_quotes.py': 'def test_quote(client):\n    assert client.post("/quotes", json=[], headers={"Authorization": "Bearer t"}).status_code == 200\n' };
    const run = await assessTree({ ...API, ...happy, ...ciBandit }, testingAssessment, { inputs: { coverage: [report(30, 100)] } });
    expect(run.row('Test Coverage')).toMatchObject({ status: 'FAIL', notes: '30% of 100 lines (`coverage.xml`); below the 50% minimum' });
    expect(run.findings.find((f) => f.ruleId === 'test-coverage-low')?.message).toBe('`coverage.xml` records 30% line coverage (30 of 100 lines), below the 50% minimum.');
    expect(run.row('Security Tests')).toMatchObject({ status: 'PARTIAL', notes: 'no test checks that unauthenticated or foreign requests are refused; CI runs Bandit' });
    expect(run.row('Unit Tests')).toMatchObject({ status: 'PARTIAL', notes: 'no unit tests; 1 integration or end-to-end test file covers the code through the app; run in CI (pytest)' });
  });

  it('UNKNOWN coverage with the command for the project, and N/A rows for code without routes or front end', async () => {
    const worker = {
      'requirements.txt': 'celery==5.4.0\npytest==8.3.3\n',
      'worker/__init__.py': '',
      'worker/jobs.py': 'def resize(width, height, factor):\n    return int(width * factor), int(height * factor)\n\n\ndef thumbnail(size):\n    return resize(size[0], size[1], 0.25)\n\n\ndef banner(size):\n    return resize(size[0], size[1], 2)\n',
      'tests/test_jobs.py': 'from worker.jobs import thumbnail\n\n\ndef test_thumbnail():\n    assert thumbnail((400, 200)) == (100, 50)\n',
    };
    const run = await assessTree(worker, testingAssessment);
    expect(run.row('Test Coverage')).toMatchObject({ status: 'UNKNOWN', notes: 'no coverage report in the repository' });
    expect(run.row('Test Coverage').howToKnow).toBe("run `pytest --cov=worker --cov-report=xml` and audit again (shipgate reads coverage.xml, lcov.info, coverage-final.json and coverage.py's coverage.json)");
    for (const name of ['Integration Tests', 'E2E Tests', 'Load Tests']) expect(run.row(name).status, name).toBe('N/A');
    expect(run.row('Security Tests').status).toBe('N/A');
    expect(run.row('Unit Tests').status).toBe('PASS');
  });

  it('E2E: FAIL for a Next.js front end without browser tests, PASS with Playwright', async () => {
    const web = {
      'package.json': JSON.stringify({ name: 'web', dependencies: { next: '14.2.7', react: '18.3.1' }, devDependencies: { vitest: '2.1.1' } }, null, 2),
      'app/page.tsx': 'export default function Page() {\n  return <h1>Hi</h1>;\n}\n',
      'lib/money.ts': 'export const money = (c: number) => (c / 100).toFixed(2);\n',
      'lib/money.test.ts': "import { it, expect } from 'vitest';\nimport { money } from './money';\nit('formats', () => expect(money(150)).toBe('1.50'));\n",
    };
    const without = await assessTree(web, testingAssessment);
    expect(without.row('E2E Tests')).toMatchObject({ status: 'FAIL', notes: 'the Next.js front end has no Playwright or Cypress tests' });
    expect(without.row('E2E Tests').findings).toHaveLength(1);
    const withE2e = await assessTree({ ...web, 'e2e/home.spec.ts': "import { test, expect } from '@playwright/test';\ntest('home', async ({ page }) => {\n  await page.goto('/');\n  await expect(page.getByRole('heading')).toHaveText('Hi');\n});\n" }, testingAssessment);
    expect(withE2e.row('E2E Tests')).toMatchObject({ status: 'PASS', notes: '1 file, 1 case: `e2e/home.spec.ts`; Playwright test' });
    expect(withE2e.result.sections.testing!.coverageCommand).toBe('`npx vitest run --coverage --coverage.reporter=lcov`');
  });

  it('N/A everywhere without application code', async () => {
    const run = await assessTree({ 'README.md': '# notes\n' }, testingAssessment);
    for (const name of ['Unit Tests', 'Integration Tests', 'E2E Tests', 'Security Tests', 'Load Tests', 'Test Coverage']) expect(run.row(name).status, name).toBe('N/A');
  });
});
