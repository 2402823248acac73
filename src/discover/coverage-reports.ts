/**
 * Coverage reports a test run left in the repository. They usually sit in folders discovery skips
 * as build output (`coverage/`, `htmlcov/`) and are git-ignored, so they are looked for by name:
 * at the root and in every folder that holds a project manifest or test configuration, directly
 * or in `coverage/`, `reports/`, `htmlcov/` and `test-results/`, plus any discovered file with a
 * report's name. Only regular files inside the repository are returned; parse/coverage-report.ts
 * reads them.
 */
import { lstat } from 'node:fs/promises';
import path from 'node:path';

export interface CoverageReportFile {
  path: string;
  absolutePath: string;
  size: number;
}

/** File names coverage tools write: Cobertura XML (coverage.py, Istanbul's cobertura reporter), LCOV, Istanbul JSON, coverage.py JSON. */
export const COVERAGE_REPORT_NAMES = ['coverage.xml', 'cobertura.xml', 'cobertura-coverage.xml', 'lcov.info', 'coverage-final.json', 'coverage-summary.json', 'coverage.json'];
const SUBFOLDERS = ['', 'coverage', 'reports', 'htmlcov', 'test-results', 'coverage/lcov-report'];
const PROJECT_FILE = /(^|\/)(package\.json|pyproject\.toml|setup\.cfg|setup\.py|tox\.ini|pytest\.ini|requirements[^/]*\.txt|Pipfile|(jest|vitest|playwright)\.config\.[cm]?[jt]s|karma\.conf\.js|\.coveragerc|\.nycrc(\.json)?)$/;
const MAX_BASE_FOLDERS = 200;

export async function findCoverageReports(root: string, discovered: readonly string[]): Promise<CoverageReportFile[]> {
  const bases = new Set<string>(['']);
  for (const p of discovered) {
    if (bases.size >= MAX_BASE_FOLDERS) break;
    if (PROJECT_FILE.test(p)) bases.add(p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
  }
  const candidates = new Set<string>();
  for (const base of bases) for (const sub of SUBFOLDERS) for (const name of COVERAGE_REPORT_NAMES) candidates.add([base, sub, name].filter(Boolean).join('/'));
  for (const p of discovered) if (COVERAGE_REPORT_NAMES.includes(p.slice(p.lastIndexOf('/') + 1))) candidates.add(p);
  const out: CoverageReportFile[] = [];
  for (const relative of [...candidates].sort()) {
    const absolutePath = path.join(root, relative);
    let info;
    try {
      info = await lstat(absolutePath);
    } catch {
      continue;
    }
    // A link could point anywhere: coverage reports are read only when they are plain files.
    if (!info.isFile()) continue;
    out.push({ path: relative, absolutePath, size: info.size });
  }
  return out;
}
