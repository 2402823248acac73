/**
 * Redaction everywhere (issue 4 item 5): every secret value the audit detects in an example app
 * must appear in none of its outputs — terminal, Markdown audit, plan, TODO list, YAML, JSON,
 * SARIF, HTML. The values come from the engine itself (audit()'s test-only `onSecrets`), the
 * outputs from the real CLI with `--format all --out`, as a user runs it (git history scan on its
 * default). Values shorter than MIN_REDACTED_LENGTH are weak defaults (`admin`), not redacted by
 * design (docs/secret-detection.md): the test says how many there were.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { MIN_REDACTED_LENGTH } from '../../src/engine/redact.ts';
import { FORMATS } from '../../src/report/index.ts';
import { PROJECT_ROOT, runCli } from '../support/run-cli.ts';

const EXAMPLES_DIR = path.join(PROJECT_ROOT, 'examples');
const examples = readdirSync(EXAMPLES_DIR).filter((name) => statSync(path.join(EXAMPLES_DIR, name)).isDirectory()).sort();

describe('no detected secret appears in any output', () => {
  const checked: Record<string, number> = {};
  for (const example of examples) {
    it(`${example}: every format`, async () => {
      let secrets: readonly string[] = [];
      await audit({ root: path.join(EXAMPLES_DIR, example), onSecrets: (s) => (secrets = s) });
      const long = secrets.filter((s) => s.length >= MIN_REDACTED_LENGTH);
      checked[example] = long.length;
      const out = mkdtempSync(path.join(tmpdir(), `shipgate-redaction-${example}-`));
      try {
        const cli = runCli(['audit', `examples/${example}`, '--format', 'all', '--out', out, '--no-history']);
        expect(cli.code, cli.stderr).toBe(0);
        const files = readdirSync(out).sort();
        expect(files).toEqual(Object.values(FORMATS).map((f) => f.fileName).sort());
        const outputs: [string, string][] = [
          ['terminal stdout', cli.stdout],
          ['terminal stderr', cli.stderr],
          ...files.map((f): [string, string] => [f, readFileSync(path.join(out, f), 'utf8')]),
        ];
        const leaks: string[] = [];
        for (const secret of long)
          for (const [name, text] of outputs)
            if (text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1))) leaks.push(`${secret.slice(0, 4)}… (${secret.length} chars) in ${name}`);
        expect(leaks).toEqual([]);
        // The redacted form is there instead, so the finding can still be located.
        if (long.length) expect(outputs.some(([, text]) => text.includes('[redacted sha256:'))).toBe(true);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }
  it('checked real secrets, not nothing', () => {
    // mindful-api (committed .env, hard-coded keys) and voice-agent (hard-coded credentials) carry planted secrets.
    expect(checked['mindful-api']).toBeGreaterThanOrEqual(3);
    expect(checked['voice-agent']).toBeGreaterThanOrEqual(1);
  });
});
