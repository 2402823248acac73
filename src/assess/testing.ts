/**
 * Testing: the six rows of the reference audits' Testing Assessment (Unit, Integration, E2E,
 * Security and Load Tests, Test Coverage) from the test inventory, the CI steps that run the
 * suite and the coverage reports found, plus the `report.testing` section. Coverage that no
 * report records is UNKNOWN with the command that would produce it — except when there is no
 * test at all, where it is 0% by definition.
 */
import { ciSecurityScans, ciTestRuns, type CiToolRun } from '../facts/ci-pipelines.ts';
import { operationsOf } from '../facts/operations/index.ts';
import { ciView } from '../facts/operations/readiness.ts';
import { browserFrontend, COVERAGE_THRESHOLDS, coverageCommand, expectsTests, testInventory, type TestFile, type TestInventory, type TestKind } from '../facts/test-inventory.ts';
import type { ScorecardEntry, TestingAssessment } from '../model/audit-report.ts';
import type { Finding, Location } from '../model/finding.ts';
import type { Assessment, AssessmentInput } from './index.ts';
import { listSome, locationOf, openFindings, plural, scorecardRow } from './rows.ts';

const RULES = {
  missing: 'test-suite-missing',
  integration: 'integration-tests-missing',
  e2e: 'e2e-tests-missing',
  security: 'security-tests-missing',
  load: 'load-tests-missing',
  coverage: 'test-coverage-low',
  ci: 'ci-tests-not-run',
};
const MAX_UNTESTED_LISTED = 25;
const MAX_EVIDENCE_PER_KIND = 5;

export const testingAssessment: Assessment = {
  name: 'testing',
  run(input, result) {
    const { index, files } = input;
    const inventory = testInventory(index, files);
    const ci = ciView(operationsOf(index, files));
    const runs: TestRun[] = ciTestRuns(operationsOf(index, files).ci).map((r) => ({ ...r, runner: r.via ? `${r.tool} (${r.via})` : r.tool }));
    // No CI, or CI made only of shared workflows and templates shipgate cannot read: unknown.
    const ciRunsTests = runs.length ? true : ci.pipelines.length && !ci.opaqueOnly ? false : null;
    const noTests = openFindings(input, [RULES.missing]);
    const context: RowContext = { input, inventory, noTests, ciRunsTests, runs };
    const rows: ScorecardEntry[] = [unitRow(context), integrationRow(context), e2eRow(context), securityRow(context), loadRow(context), coverageRow(context)];
    (result.scorecards.testing ??= []).push(...rows);

    const byKind = (kind: TestKind) => inventory.tests.filter((t) => (kind === 'security' ? t.security : t.level === kind || (kind === 'unit' && t.alsoUnit)));
    const kinds: TestKind[] = ['unit', 'integration', 'e2e', 'security', 'load'];
    const coverage = inventory.coverage;
    const section: TestingAssessment = {
      frameworks: inventory.frameworks.map((f) => ({ name: f.name, evidence: f.evidence })),
      testFiles: Object.fromEntries(kinds.map((k) => [k, byKind(k).map((t) => t.file)])) as TestingAssessment['testFiles'],
      testLines: inventory.testLines,
      sourceLines: inventory.sourceLines,
      testToCodeRatio: inventory.sourceLines ? Math.round((inventory.testLines / inventory.sourceLines) * 100) / 100 : 0,
      untestedModules: inventory.untested.slice(0, MAX_UNTESTED_LISTED).map((m) => m.file),
      coverage: coverage ? { percent: coverage.percent, report: coverage.reports.map((r) => r.file).join(', '), format: coverage.reports[0].format } : null,
      ...(coverage ? {} : { coverageCommand: coverageCommand(inventory) }),
      ciRunsTests,
      testCases: inventory.tests.reduce((s, t) => s + t.cases, 0),
      evidence: Object.fromEntries(kinds.map((k) => [k, byKind(k).slice(0, MAX_EVIDENCE_PER_KIND).map((t) => t.evidence[k]).filter((l): l is Location => !!l)])),
      untestedModulesTotal: inventory.untested.length,
      ...(coverage
        ? {
            coverageReports: coverage.reports.map((r) => ({ file: r.file, format: r.format, percent: percent(r.covered, r.total), covered: r.covered, total: r.total, ...(r.generatedAt ? { generatedAt: r.generatedAt } : {}) })),
            leastCovered: [...coverage.byFile]
              .filter(([, f]) => f.total >= 10)
              .map(([file, f]) => ({ file, percent: percent(f.covered, f.total), covered: f.covered, total: f.total }))
              .sort((a, b) => a.percent - b.percent || (a.file < b.file ? -1 : 1))
              .slice(0, 10),
          }
        : {}),
      ciTestRuns: runs.map((r) => ({ runner: r.runner, file: r.file, line: r.line })),
    };
    result.sections.testing = section;

    if (inventory.tests.length && ciRunsTests) {
      const run = runs[0];
      result.strengths.push({
        title: 'Tests run in CI',
        detail: `${plural(inventory.tests.length, 'test file')} (${plural(section.testCases ?? 0, 'case')}) run by ${listSome([...new Set(runs.map((r) => r.runner))])} in ${run.file}`,
        area: 'testing',
        evidence: runs.slice(0, 3).map((r) => locationOf(r.file, r.line, `runs ${r.runner}`)),
      });
    }
    if (coverage && coverage.percent >= COVERAGE_THRESHOLDS.target)
      result.strengths.push({ title: 'High test coverage', detail: `${coverage.percent}% line coverage recorded in ${coverage.reports.map((r) => r.file).join(', ')}`, area: 'testing', evidence: coverage.reports.map((r) => locationOf(r.file)) });
  },
};

interface RowContext {
  input: AssessmentInput;
  inventory: TestInventory;
  /** The test-suite-missing finding, which every row that fails for want of any test links to. */
  noTests: Finding[];
  ciRunsTests: boolean | null;
  runs: TestRun[];
}

type TestRun = CiToolRun & { runner: string };

function percent(covered: number, total: number): number {
  return total ? Math.round((covered / total) * 1000) / 10 : 0;
}

function describeFiles(tests: TestFile[]): string {
  const cases = tests.reduce((s, t) => s + t.cases, 0);
  return `${plural(tests.length, 'file')}${cases ? `, ${plural(cases, 'case')}` : ''}: ${listSome(tests.map((t) => `\`${t.file}\``))}`;
}

function ciNote(ctx: RowContext): string {
  if (ctx.ciRunsTests === null) return '; no CI configuration in the repository runs them';
  if (!ctx.ciRunsTests) return '; CI does not run them';
  return `; run in CI (${listSome([...new Set(ctx.runs.map((r) => r.runner))], 2)})`;
}

/** No test at all: FAIL linked to test-suite-missing (or N/A when there is no code to test). */
function noTestsRow(ctx: RowContext, name: string, rules: string[]): ScorecardEntry {
  if (!expectsTests(ctx.input.index, ctx.inventory)) return scorecardRow(name, 'N/A', ctx.inventory.sourceLines ? 'too little application code to expect tests' : 'no application code', { rules });
  return scorecardRow(name, 'FAIL', `none found: no test files for ${ctx.inventory.sourceLines} lines of code`, { rules: [RULES.missing, ...rules], findings: ctx.noTests });
}

function unitRow(ctx: RowContext): ScorecardEntry {
  const name = 'Unit Tests';
  const rules = [RULES.missing, RULES.ci];
  const { inventory } = ctx;
  if (!inventory.tests.length) return noTestsRow(ctx, name, []);
  const unit = inventory.tests.filter((t) => t.level === 'unit' || t.alsoUnit);
  const notRun = openFindings(ctx.input, [RULES.ci]);
  const evidence = unit.map((t) => t.evidence.unit).filter((l): l is Location => !!l);
  if (!unit.length) {
    const others = inventory.tests.filter((t) => t.level !== 'load');
    return scorecardRow(name, others.length ? 'PARTIAL' : 'FAIL', `no unit tests; ${others.length ? `${plural(others.length, 'integration or end-to-end test file')} ${others.length === 1 ? 'covers' : 'cover'} the code through the app` : 'only load tests'}${ciNote(ctx)}`, { rules, findings: notRun });
  }
  const status = ctx.ciRunsTests === false ? 'PARTIAL' : 'PASS';
  return scorecardRow(name, status, `${describeFiles(unit)}${ciNote(ctx)}`, { rules, findings: notRun, evidence });
}

function integrationRow(ctx: RowContext): ScorecardEntry {
  const name = 'Integration Tests';
  const rules = [RULES.integration];
  const { inventory, input } = ctx;
  if (!inventory.tests.length) return noTestsRow(ctx, name, rules);
  const integration = inventory.tests.filter((t) => t.level === 'integration');
  const evidence = integration.map((t) => t.evidence.integration).filter((l): l is Location => !!l);
  if (integration.length) return scorecardRow(name, 'PASS', `${describeFiles(integration)}; ${integrationHow(integration)}`, { rules, evidence });
  if (!input.index.routes.length) return scorecardRow(name, 'N/A', 'no HTTP routes to drive through the framework', { rules });
  const e2e = inventory.tests.filter((t) => t.level === 'e2e');
  if (e2e.length) return scorecardRow(name, 'PARTIAL', `no tests drive the API through the framework's test client; ${plural(e2e.length, 'end-to-end test file')} cover it through the browser`, { rules, evidence: e2e.map((t) => t.evidence.e2e!) });
  return scorecardRow(name, 'FAIL', `none of the ${plural(inventory.tests.length, 'test file')} sends a request to the ${plural(input.index.routes.length, 'route')}`, { rules, findings: openFindings(input, rules) });
}

function integrationHow(tests: TestFile[]): string {
  const notes = [...new Set(tests.map((t) => t.evidence.integration?.note).filter((n): n is string => !!n))];
  return listSome(notes, 2);
}

function e2eRow(ctx: RowContext): ScorecardEntry {
  const name = 'E2E Tests';
  const rules = [RULES.e2e];
  const { inventory, input } = ctx;
  const e2e = inventory.tests.filter((t) => t.level === 'e2e');
  const frontend = browserFrontend(input.index);
  if (e2e.length) return scorecardRow(name, 'PASS', `${describeFiles(e2e)}; ${listSome([...new Set(e2e.map((t) => t.evidence.e2e?.note ?? 'end-to-end'))], 2)}`, { rules, evidence: e2e.map((t) => t.evidence.e2e!) });
  if (!frontend) {
    if (!inventory.tests.length && expectsTests(input.index, inventory) && input.index.routes.length) return noTestsRow(ctx, name, rules);
    return scorecardRow(name, 'N/A', 'no browser front end in this repository (API only): integration tests cover the HTTP surface', { rules });
  }
  if (!inventory.tests.length) return noTestsRow(ctx, name, rules);
  return scorecardRow(name, 'FAIL', `the ${frontend.name} front end has no Playwright or Cypress tests`, { rules, findings: openFindings(input, rules), evidence: [frontend.at] });
}

function securityRow(ctx: RowContext): ScorecardEntry {
  const name = 'Security Tests';
  const rules = [RULES.security];
  const { inventory, input } = ctx;
  const security = inventory.tests.filter((t) => t.security);
  const scans = ciSecurityScans(operationsOf(input.index, input.files).ci);
  const scanEvidence = scans.map((s) => locationOf(s.file, s.line, `CI runs ${s.tool}`));
  const scanNote = scans.length ? `; CI runs ${listSome([...new Set(scans.map((s) => s.tool))])}` : '';
  if (security.length) return scorecardRow(name, 'PASS', `${describeFiles(security)}; ${listSome([...new Set(security.map((t) => t.evidence.security?.note ?? 'security'))], 2)}${scanNote}`, { rules, evidence: [...security.map((t) => t.evidence.security!), ...scanEvidence] });
  if (!input.index.routes.length && !inventory.tests.length && !expectsTests(input.index, inventory)) return scorecardRow(name, 'N/A', 'no application code', { rules });
  if (!inventory.tests.length) {
    const row = noTestsRow(ctx, name, rules);
    return scans.length && row.status === 'FAIL' ? { ...row, status: 'PARTIAL', notes: `no tests; static analysis only${scanNote}`, evidence: scanEvidence } : row;
  }
  if (!input.index.routes.length) return scorecardRow(name, scans.length ? 'PASS' : 'N/A', scans.length ? `no HTTP routes; code scanned in CI${scanNote}` : 'no HTTP routes whose access control tests would check', { rules, evidence: scanEvidence });
  const findings = openFindings(input, rules);
  if (scans.length) return scorecardRow(name, 'PARTIAL', `no test checks that unauthenticated or foreign requests are refused${scanNote}`, { rules, findings, evidence: scanEvidence });
  return scorecardRow(name, 'FAIL', 'no test checks that unauthenticated or foreign requests are refused, and no security scanner runs in CI', { rules, findings });
}

function loadRow(ctx: RowContext): ScorecardEntry {
  const name = 'Load Tests';
  const rules = [RULES.load];
  const { inventory, input } = ctx;
  const load = inventory.tests.filter((t) => t.level === 'load');
  if (load.length) return scorecardRow(name, 'PASS', `${describeFiles(load)}; ${listSome([...new Set(load.map((t) => t.evidence.load?.note ?? 'load test'))], 2)}`, { rules, evidence: load.map((t) => t.evidence.load!) });
  if (!input.index.routes.length) return scorecardRow(name, 'N/A', 'no HTTP service to load', { rules });
  if (!inventory.tests.length) return noTestsRow(ctx, name, rules);
  return scorecardRow(name, 'FAIL', 'no locust, k6 or Artillery scenario', { rules, findings: openFindings(input, rules) });
}

function coverageRow(ctx: RowContext): ScorecardEntry {
  const name = 'Test Coverage';
  const rules = [RULES.coverage];
  const { inventory, input } = ctx;
  const coverage = inventory.coverage;
  if (coverage) {
    const reports = coverage.reports.map((r) => `\`${r.file}\``).join(', ');
    const evidence = coverage.reports.map((r) => locationOf(r.file, undefined, `${r.format} report${r.generatedAt ? ` from ${r.generatedAt.slice(0, 10)}` : ''}`));
    const figure = `${coverage.percent}% of ${coverage.total} lines (${reports})`;
    if (coverage.percent >= COVERAGE_THRESHOLDS.target) return scorecardRow(name, 'PASS', figure, { rules, evidence });
    const findings = openFindings(input, rules);
    const status = coverage.percent >= COVERAGE_THRESHOLDS.minimum ? 'PARTIAL' : 'FAIL';
    return scorecardRow(name, status, `${figure}; ${status === 'FAIL' ? `below the ${COVERAGE_THRESHOLDS.minimum}% minimum` : `below the ${COVERAGE_THRESHOLDS.target}% target`}`, { rules, findings, evidence });
  }
  if (!inventory.tests.length) {
    const row = noTestsRow(ctx, name, rules);
    return row.status === 'FAIL' ? { ...row, notes: '0%: there are no tests' } : row;
  }
  const ciCoverage = ctx.runs.some((r) => r.step.kinds.includes('coverage'));
  return scorecardRow(name, 'UNKNOWN', `no coverage report in the repository${ciCoverage ? ' (CI measures it but does not keep the report here)' : ''}`, {
    rules,
    howToKnow: `run ${coverageCommand(inventory)} and audit again (shipgate reads coverage.xml, lcov.info, coverage-final.json and coverage.py's coverage.json)`,
  });
}
