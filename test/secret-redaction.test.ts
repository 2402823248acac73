/**
 * No output of an audit ever holds a secret the audit detected: every example app and the labelled
 * secret corpus (≈290 secrets in ~40 formats) are audited into every format, and each value the
 * secret rules reported — read back from the audited line with the same scanner — is searched for
 * in the terminal output and every report file. Guessable defaults (`changeme`, `postgres`) and
 * values shorter than the redaction minimum are shown on purpose and not searched for.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyFile } from '../src/discover/classify.ts';
import { MIN_REDACTED_LENGTH } from '../src/engine/redact.ts';
import { scanSnippet } from '../src/facts/secret-scan.ts';
import { WELL_KNOWN } from '../src/facts/secret-vocabulary.ts';
import type { AuditReport } from '../src/model/audit-report.ts';
import { PROJECT_ROOT, runCli } from './support/run-cli.ts';

const SECRET_RULES = new Set([
  'hardcoded-secret',
  'secret-in-config-file',
  'env-file-tracked',
  'compose-hardcoded-password',
  'dockerfile-secret-in-image',
  'kubernetes-secret-in-manifest',
  'secret-exposed-to-browser',
  'secret-in-git-history',
]);

/** The values the secret rules reported: each reported line (and related line) scanned again. */
function detectedValues(root: string, report: AuditReport): Set<string> {
  const values = new Set<string>();
  for (const finding of report.findings) {
    if (!SECRET_RULES.has(finding.ruleId)) continue;
    for (const at of [finding.location, ...(finding.ruleId === 'env-file-tracked' ? finding.related : [])]) {
      if (!at.startLine) continue;
      let text: string;
      try {
        text = readFileSync(path.join(root, at.file), 'utf8');
      } catch {
        continue; // a file only in git history
      }
      const lines = text.split('\n');
      const first = at.startLine;
      // A private key block: the lines after its header.
      const last = /PRIVATE KEY/.test(lines[first - 1] ?? '') ? Math.min(lines.length, first + 60) : (at.endLine ?? first);
      const snippet = lines.slice(first - 1, last).join('\n');
      for (const hit of scanSnippet(at.file, classifyFile(at.file).kind, snippet, first)) {
        if (hit.line !== first || (hit.strength === 'weak' && hit.reason === WELL_KNOWN)) continue;
        for (const piece of hit.pieces) if (piece.length >= MIN_REDACTED_LENGTH) values.add(piece);
      }
    }
  }
  return values;
}

function auditEverything(target: string, extra: string[] = []): { report: AuditReport; outputs: string[] } {
  const out = mkdtempSync(path.join(tmpdir(), 'shipgate-redaction-'));
  try {
    const terminal = runCli(['audit', target, '--format', 'all', '--out', out, ...extra]);
    const files = readdirSync(out);
    const json = files.find((f) => f.endsWith('.json') && !f.endsWith('.sarif.json'));
    if (!json) throw new Error(`no JSON report in ${files.join(', ')}: ${terminal.stderr}`);
    const outputs = [terminal.stdout, terminal.stderr, ...files.map((f) => readFileSync(path.join(out, f), 'utf8'))];
    return { report: JSON.parse(readFileSync(path.join(out, json), 'utf8')) as AuditReport, outputs };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Examples written without any committed secret: the clean apps, and two apps whose defects lie elsewhere. */
const WITHOUT_SECRETS = new Set(['avatar-engine', 'well-run-service']);

const targets: { name: string; root: string; minimum: number; extra?: string[] }[] = [
  ...readdirSync(path.join(PROJECT_ROOT, 'examples'))
    .sort()
    .map((name) => ({ name: `examples/${name}`, root: path.join(PROJECT_ROOT, 'examples', name), minimum: name.startsWith('clean-') || WITHOUT_SECRETS.has(name) ? 0 : 2 })),
  { name: 'fixtures/secret-corpus/files', root: path.join(PROJECT_ROOT, 'fixtures/secret-corpus/files'), minimum: 200, extra: ['--no-git-history'] },
];

describe('no output holds a detected secret', () => {
  for (const target of targets) {
    it(`${target.name}: every format`, () => {
      const { report, outputs } = auditEverything(target.name, target.extra);
      const values = detectedValues(target.root, report);
      expect(values.size, 'the audit should have detected secrets here').toBeGreaterThanOrEqual(target.minimum);
      const leaks = [...values].filter((v) => outputs.some((o) => o.includes(v))).map((v) => `${v.slice(0, 4)}… (${v.length} characters)`);
      expect(leaks).toEqual([]);
    });
  }
});
