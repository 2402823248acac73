/**
 * SARIF output validated two ways: against the OASIS SARIF 2.1.0 JSON schema (errata01, vendored
 * in schemas/; draft-04, so ajv with its draft-04 support) and with Microsoft's SARIF validator
 * (`@microsoft/sarif-multitool`, its SARIF and GitHub rule sets). Any schema error, or any
 * validator result at error or warning level, fails the test. The validator's URL-reachability
 * rule is switched off (sarif-validate.config.xml): tests do not use the network.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { renderSarif } from '../../src/report/sarif.ts';
import { PROJECT_ROOT } from '../support/run-cli.ts';
import { sampleReport } from '../support/sample-report.ts';

const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, 'schemas/sarif-schema-2.1.0.json'), 'utf8')) as object;
// CommonJS packages whose module.exports is the class / plugin itself.
const requireCjs = createRequire(import.meta.url);
const Ajv = requireCjs('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = requireCjs('ajv-formats') as typeof import('ajv-formats').default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const EXAMPLES_DIR = path.join(PROJECT_ROOT, 'examples');
const examples = readdirSync(EXAMPLES_DIR).filter((name) => statSync(path.join(EXAMPLES_DIR, name)).isDirectory()).sort();

const logs = new Map<string, string>();
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'shipgate-sarif-'));
  logs.set('sample', renderSarif(sampleReport()));
  for (const example of examples) logs.set(example, renderSarif(await audit({ root: path.join(EXAMPLES_DIR, example), gitHistory: false })));
  for (const [name, text] of logs) writeFileSync(path.join(dir, `${name}.sarif`), text);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SARIF against the OASIS 2.1.0 schema', () => {
  it('the schema is the OASIS errata01 document and rejects a broken log', () => {
    expect((schema as { id: string }).id).toBe('https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json');
    const broken = JSON.parse(logs.get('sample')!);
    broken.runs[0].results[0].level = 'fatal';
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/runs/0/results/0/level', '/runs/0/results/0/locations/0/physicalLocation/region/startLine']));
  });
  for (const name of ['sample', ...examples]) {
    it(`validates ${name}`, () => {
      const log = JSON.parse(logs.get(name)!);
      const ok = validate(log);
      expect(ok ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
      expect(Array.isArray(log.runs[0].results)).toBe(true);
      if (name === 'sample' || name === 'mindful-api') expect(log.runs[0].results.length).toBeGreaterThan(10);
    });
  }
});

describe("SARIF with Microsoft's validator", () => {
  const binary = multitoolBinary();
  it.skipIf(!binary)(`has no error or warning for ${['sample', ...examples].join(', ')}`, () => {
    const out = path.join(dir, 'validation.sarif');
    const files = [...logs.keys()].map((name) => path.join(dir, `${name}.sarif`));
    const run = spawnSync(binary!, ['validate', ...files, '--config', path.join(import.meta.dirname, 'sarif-validate.config.xml'), '--rule-kind', 'Sarif', 'Gh', '--level', 'Error', 'Warning', 'Note', '--output', out, '--quiet'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    });
    if (run.error || !existsSync(out)) {
      // The validator could not start here (no runtime support on this platform): say so rather than pass silently.
      console.warn(`SKIPPED: Microsoft's SARIF validator could not run: ${run.error?.message ?? run.stderr}`);
      return;
    }
    const validation = JSON.parse(readFileSync(out, 'utf8')) as { runs: { results?: { level?: string; ruleId: string; message: { text?: string; arguments?: string[] }; locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] }[] }[] };
    const results = validation.runs.flatMap((r) => r.results ?? []);
    const serious = results.filter((r) => r.level === 'error' || r.level === 'warning');
    expect(serious.map((r) => `${r.level} ${r.ruleId} ${r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''} ${(r.message.arguments ?? []).join(' | ') || r.message.text}`)).toEqual([]);
    // The validator did look at the files: it raises notes (suggestions) on them.
    expect(results.length).toBeGreaterThan(0);
  });
});

/** The platform binary of @microsoft/sarif-multitool (its npm wrapper runs it through a shell, which mangles arguments). */
function multitoolBinary(): string | undefined {
  const platform = process.platform === 'win32' ? 'win32' : process.platform === 'darwin' ? 'darwin' : 'linux';
  try {
    const require = createRequire(import.meta.url);
    const dirOf = path.dirname(require.resolve(`@microsoft/sarif-multitool-${platform}/package.json`));
    const exe = path.join(dirOf, platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool');
    if (!existsSync(exe)) return undefined;
    const probe = spawnSync(exe, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.error || probe.status !== 0) {
      console.warn(`SKIPPED: Microsoft's SARIF validator is installed but cannot start here: ${probe.error?.message ?? probe.stderr}`);
      return undefined;
    }
    return exe;
  } catch {
    console.warn("SKIPPED: Microsoft's SARIF validator (@microsoft/sarif-multitool) is not installed for this platform");
    return undefined;
  }
}
