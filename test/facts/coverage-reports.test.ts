import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFiles } from '../../src/discover/discover-files.ts';
import { parseCoverageReport, readCoverageReports } from '../../src/parse/coverage-report.ts';
import { initGitRepo, writeTree } from '../support/fixture-case.ts';

const COBERTURA = `<?xml version="1.0" ?>
<coverage version="7.6.1" timestamp="1718000000000" lines-valid="10" lines-covered="7" line-rate="0.7" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
	<sources>
		<source>/home/ci/work/backend</source>
	</sources>
	<packages>
		<package name="app" line-rate="0.7" branch-rate="0" complexity="0">
			<classes>
				<class name="main.py" filename="app/main.py" complexity="0" line-rate="1" branch-rate="0">
					<methods/>
					<lines>
						<line number="1" hits="1"/>
						<line number="2" hits="1"/>
						<line number="5" hits="3"/>
					</lines>
				</class>
				<class name="billing.py" filename="app/billing.py" complexity="0" line-rate="0.571" branch-rate="0">
					<methods/>
					<lines>
						<line number="1" hits="1"/>
						<line number="2" hits="1"/>
						<line number="4" hits="1"/>
						<line number="7" hits="1"/>
						<line number="8" hits="0"/>
						<line number="9" hits="0"/>
						<line number="12" hits="0"/>
					</lines>
				</class>
			</classes>
		</package>
	</packages>
</coverage>
`;

const LCOV = ['TN:', 'SF:/repo/web/src/app.ts', 'DA:1,1', 'DA:2,0', 'DA:3,4', 'LF:3', 'LH:2', 'end_of_record', 'TN:', 'SF:src/util.ts', 'DA:1,0', 'DA:2,0', 'end_of_record', ''].join('\n');

const ISTANBUL_FINAL = JSON.stringify({
  '/repo/web/src/app.ts': {
    path: '/repo/web/src/app.ts',
    statementMap: { '0': { start: { line: 1, column: 0 }, end: { line: 1, column: 9 } }, '1': { start: { line: 2, column: 0 }, end: { line: 2, column: 9 } }, '2': { start: { line: 2, column: 10 }, end: { line: 2, column: 19 } }, '3': { start: { line: 5, column: 0 }, end: { line: 5, column: 9 } } },
    fnMap: {},
    branchMap: {},
    s: { '0': 1, '1': 0, '2': 2, '3': 0 },
    f: {},
    b: {},
  },
});

const SUMMARY = JSON.stringify({ total: { lines: { total: 200, covered: 150, skipped: 0, pct: 75 } }, '/repo/web/src/app.ts': { lines: { total: 200, covered: 150, pct: 75 } } });

const COVERAGE_PY_JSON = JSON.stringify({
  meta: { format: 3, version: '7.6.1', timestamp: '2025-06-01T10:00:00.000000', branch_coverage: false, show_contexts: false },
  files: { 'app/main.py': { executed_lines: [1, 2], summary: { covered_lines: 2, num_statements: 4, percent_covered: 50 }, missing_lines: [3, 4] } },
  totals: { covered_lines: 2, num_statements: 4, percent_covered: 50, missing_lines: 2 },
});

describe('coverage report parsing', () => {
  it('Cobertura: totals from the root element, per-file lines, sources made relative to the repository', () => {
    const report = parseCoverageReport('backend/coverage.xml', COBERTURA, '/home/ci/work')!;
    expect(report).toMatchObject({ file: 'backend/coverage.xml', format: 'cobertura', covered: 7, total: 10, generatedAt: '2024-06-10T06:13:20.000Z' });
    expect(report.files).toEqual([
      { file: 'backend/app/billing.py', covered: 4, total: 7 },
      { file: 'backend/app/main.py', covered: 3, total: 3 },
    ]);
  });

  it('LCOV: LF/LH when present, else DA lines', () => {
    const report = parseCoverageReport('web/coverage/lcov.info', LCOV, '/repo')!;
    expect(report).toMatchObject({ format: 'lcov', covered: 2, total: 5 });
    expect(report.files).toEqual([
      { file: 'src/util.ts', covered: 0, total: 2 },
      { file: 'web/src/app.ts', covered: 2, total: 3 },
    ]);
  });

  it('Istanbul coverage-final.json: statements folded into lines as Istanbul does', () => {
    const report = parseCoverageReport('web/coverage/coverage-final.json', ISTANBUL_FINAL, '/repo')!;
    expect(report).toMatchObject({ format: 'istanbul', covered: 2, total: 3, files: [{ file: 'web/src/app.ts', covered: 2, total: 3 }] });
  });

  it('Istanbul summary and coverage.py JSON', () => {
    expect(parseCoverageReport('coverage/coverage-summary.json', SUMMARY)).toMatchObject({ format: 'istanbul-summary', covered: 150, total: 200 });
    expect(parseCoverageReport('coverage.json', COVERAGE_PY_JSON)).toMatchObject({ format: 'coverage.py-json', covered: 2, total: 4, generatedAt: '2025-06-01T10:00:00.000000', files: [{ file: 'app/main.py', covered: 2, total: 4 }] });
  });

  it('returns nothing for other files named like reports, and throws on broken JSON (turned into a diagnostic)', async () => {
    expect(parseCoverageReport('coverage.json', '{"threshold": 80}')).toBeUndefined();
    expect(parseCoverageReport('coverage.xml', '<html><body>not cobertura</body></html>')).toBeUndefined();
    const root = mkdtempSync(path.join(tmpdir(), 'shipgate-cov-'));
    try {
      writeFileSync(path.join(root, 'coverage.xml'), '<coverage line-rate="0.5"');
      writeFileSync(path.join(root, 'coverage-final.json'), '{ broken');
      const diagnostics: { kind: string; file?: string; message: string }[] = [];
      const reports = await readCoverageReports(root, [
        { path: 'coverage.xml', absolutePath: path.join(root, 'coverage.xml'), size: 30 },
        { path: 'coverage-final.json', absolutePath: path.join(root, 'coverage-final.json'), size: 9 },
        { path: 'huge.xml', absolutePath: path.join(root, 'huge.xml'), size: 1e9 },
      ], diagnostics as never);
      expect(reports).toEqual([]);
      expect(diagnostics.map((d) => `${d.file}: ${d.message}`)).toEqual([
        'coverage.xml: not a coverage report shipgate can read',
        expect.stringMatching(/^coverage-final\.json: coverage report could not be parsed/),
        'huge.xml: coverage report larger than 64 MB: not read',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('finding coverage reports', () => {
  it('finds reports in ignored output folders next to each project, not through links', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'shipgate-cov-find-'));
    try {
      writeTree(root, {
        '.gitignore': 'coverage/\nhtmlcov/\ncoverage.xml\n',
        'backend/pyproject.toml': '[project]\nname = "x"\n',
        'backend/app/main.py': 'x = 1\n',
        'backend/coverage.xml': COBERTURA,
        'web/package.json': '{"name":"web"}',
        'web/coverage/lcov.info': LCOV,
        'docs/coverage.xml': COBERTURA,
      });
      symlinkSync('/etc/hostname', path.join(root, 'coverage.json'));
      initGitRepo(root, false);
      const discovery = await discoverFiles(root, { maxFileBytes: 1 << 20, ignore: [] });
      expect(discovery.coverageReports.map((r) => r.path)).toEqual(['backend/coverage.xml', 'web/coverage/lcov.info']);
      expect(discovery.files.some((f) => f.path.includes('coverage'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
