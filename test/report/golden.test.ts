/**
 * Golden files: every format of every example app, byte for byte. A change in a rule, the
 * scoring, the plan or a renderer shows up here as a reviewable diff of what users read.
 * Refresh after an intended change with `npx vitest run test/report/golden.test.ts -u` and read
 * the diff. Runs are deterministic: SOURCE_DATE_EPOCH is fixed, the git history scan is off (its
 * commit hashes change whenever branches are rebased; it has its own tests) and the audited commit
 * is left out (the examples' HEAD is this repository's latest commit).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import type { AuditReport } from '../../src/model/audit-report.ts';
import { FORMATS } from '../../src/report/index.ts';
import { PROJECT_ROOT } from '../support/run-cli.ts';

process.env.SOURCE_DATE_EPOCH = '1798761600'; // 2027-01-01T00:00:00Z

const EXAMPLES_DIR = path.join(PROJECT_ROOT, 'examples');
const examples = readdirSync(EXAMPLES_DIR)
  .filter((name) => statSync(path.join(EXAMPLES_DIR, name)).isDirectory())
  .sort();

it('has example apps to render', () => {
  expect(examples.length).toBeGreaterThanOrEqual(5);
});

for (const example of examples) {
  describe(example, () => {
    let report: AuditReport;
    beforeAll(async () => {
      report = await audit({ root: path.join(EXAMPLES_DIR, example), gitHistory: false });
      // The examples live in this repository: HEAD is whatever was committed last, not a property of the example.
      delete report.summary.commit;
    });
    for (const format of Object.values(FORMATS)) {
      it(`renders ${format.name} as recorded in golden/${example}/${format.fileName}`, async () => {
        const file = path.join(import.meta.dirname, 'golden', example, format.fileName);
        if (process.env.CI && !existsSync(file)) throw new Error(`missing golden file ${path.relative(PROJECT_ROOT, file)}: run the golden test with -u locally and commit it`);
        await expect(format.render(report)).toMatchFileSnapshot(file);
      });
    }
  });
}
