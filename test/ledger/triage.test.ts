/**
 * Triage: the file's validation (errors name the entry and the expected values), writes that keep
 * comments and a stable order, and how an audit applies it — status and reason kept, out of the
 * score, expiry reopens, unused entries and inline comments reported.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { ConfigError } from '../../src/config/load-config.ts';
import { loadTriageFile, parseTriageText, removeTriageEntry, TRIAGE_FILE, upsertTriageEntry } from '../../src/ledger/triage-file.ts';
import { writeTree } from '../support/fixture-case.ts';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const FP1 = '0f1e2d3c4b5a6978';
const FP2 = '1234567890123456';
const entryText = (fields: string) => `version: 1\nfindings:\n  - fingerprint: ${FP1}\n    rule: route-missing-auth\n${fields}`;

function errorOf(text: string): string {
  try {
    parseTriageText(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('triage file validation', () => {
  it('accepts a complete entry and an empty file', () => {
    const entries = parseTriageText(entryText('    status: accepted\n    reason: internal only\n    until: 2026-06-30\n    by: Dana\n    date: 2026-01-15\n'));
    expect(entries).toEqual([{ fingerprint: FP1, rule: 'route-missing-auth', status: 'accepted', reason: 'internal only', until: '2026-06-30', by: 'Dana', date: '2026-01-15', sourceLine: 3 }]);
    expect(parseTriageText('')).toEqual([]);
    expect(parseTriageText('version: 1\nfindings:\n')).toEqual([]);
  });

  it('names the entry, its line, the key and the allowed values', () => {
    expect(errorOf(entryText('    status: ignored\n    reason: x\n'))).toBe(
      `.shipgate/triage.yaml: findings[0] (line 3), fingerprint ${FP1}: status: expected one of accepted, false-positive, wont-fix (got "ignored")`,
    );
    expect(errorOf(entryText('    status: accepted\n'))).toMatch(/findings\[0\] \(line 3\), fingerprint 0f1e2d3c4b5a6978: reason: missing; every entry needs fingerprint, rule, status and reason$/);
    expect(errorOf(entryText('    status: accepted\n    reason: "  "\n'))).toMatch(/reason: expected a non-empty text saying why/);
    expect(errorOf(entryText('    status: accepted\n    reason: x\n    until: 30/06/2026\n'))).toMatch(/until: expected a date written YYYY-MM-DD \(got "30\/06\/2026"\)/);
    expect(errorOf(entryText('    status: accepted\n    reason: x\n    until: 2026-02-30\n'))).toMatch(/until: expected a date/);
    expect(errorOf(entryText('    status: accepted\n    reason: x\n    owner: me\n'))).toMatch(/unknown key "owner"; allowed keys: fingerprint, rule, title, file, status, reason, until, by, date/);
    expect(errorOf('version: 1\nfindings:\n  - fingerprint: abc\n    rule: r\n    status: accepted\n    reason: x\n')).toMatch(/fingerprint abc: fingerprint: expected the 16 hex digits/);
    expect(errorOf('version: 1\nfindings:\n  - fingerprint: 1234567890123456\n    rule: r\n    status: accepted\n    reason: x\n')).toMatch(/read the value as a number; quote it/);
  });

  it('rejects a fingerprint triaged twice, a wrong shape and broken YAML', () => {
    const twice = `version: 1\nfindings:\n${[1, 2].map(() => `  - fingerprint: ${FP1}\n    rule: r\n    status: accepted\n    reason: x\n`).join('')}`;
    expect(errorOf(twice)).toMatch(/findings\[1\] \(line 7\).*triaged twice \(also findings\[0\]\)/);
    expect(errorOf('findings: yes\n')).toMatch(/findings: expected a list of entries/);
    expect(errorOf('ignore: []\n')).toMatch(/unknown key "ignore"; allowed keys here: version, findings/);
    expect(errorOf('version: 2\n')).toMatch(/version: expected 1/);
    expect(errorOf('findings:\n  - fingerprint: [unclosed\n')).toMatch(/is not valid YAML \(line \d+\)/);
    expect(errorOf('- just a list\n')).toMatch(/expected a mapping/);
  });
});

describe('triage file writes', () => {
  const decision = (fingerprint: string, file: string, extra: Record<string, string> = {}) => ({
    fingerprint,
    rule: 'route-missing-auth',
    title: 'Route without authentication',
    file,
    status: 'accepted' as const,
    reason: 'reachable only from the VPC',
    date: '2026-01-15',
    ...extra,
  });

  it('creates a commented file that reads back, quoting values YAML would read otherwise', () => {
    const text = upsertTriageEntry(undefined, decision(FP2, 'b.py', { until: '2026-06-30' }));
    expect(text).toMatch(/^# shipgate triage: reviewed decisions/);
    expect(text).toContain(`fingerprint: "${FP2}"`);
    expect(parseTriageText(text)).toEqual([expect.objectContaining({ fingerprint: FP2, until: '2026-06-30', file: 'b.py' })]);
  });

  it('keeps hand-written comments with their entry, sorts by file, and replaces a decision whole', () => {
    let text = upsertTriageEntry(undefined, decision(FP2, 'b.py', { until: '2026-06-30' }));
    text = text.replace('  - fingerprint', '  # Dana: reviewed with security, ticket SEC-12\n  - fingerprint');
    text += '# end of file note\n';
    text = upsertTriageEntry(text, decision(FP1, 'a.py'));
    const order = parseTriageText(text).map((e) => e.file);
    expect(order).toEqual(['a.py', 'b.py']);
    expect(text.indexOf('# Dana')).toBeGreaterThan(text.indexOf('file: a.py'));
    expect(text.indexOf('# Dana')).toBeLessThan(text.indexOf(`"${FP2}"`));
    expect(text).toContain('# end of file note');

    // A new decision for FP2 without --until drops the old date.
    text = upsertTriageEntry(text, { ...decision(FP2, 'b.py'), status: 'false-positive', reason: 'the middleware guards it' });
    const fp2 = parseTriageText(text).find((e) => e.fingerprint === FP2)!;
    expect(fp2).toMatchObject({ status: 'false-positive', reason: 'the middleware guards it' });
    expect(fp2.until).toBeUndefined();
    expect(text).toContain('# Dana');

    const removed = removeTriageEntry(text, FP1)!;
    expect(parseTriageText(removed).map((e) => e.fingerprint)).toEqual([FP2]);
    expect(removeTriageEntry(removed, FP1)).toBeUndefined();
  });

  it('refuses to rewrite a file with a bad entry', () => {
    expect(() => upsertTriageEntry(entryText('    status: nope\n    reason: x\n'), decision(FP2, 'b.py'))).toThrow(ConfigError);
  });
});

describe('an audit applies triage', () => {
  const app = {
    'requirements.txt': 'fastapi\n',
    'main.py': [
      'from fastapi import FastAPI',
      'app = FastAPI()',
      '',
      '@app.post("/jobs")',
      'def enqueue():',
      '    return {}',
      '',
      '@app.delete("/reports/{report_id}")',
      'def delete_report(report_id: str):',
      '    return {}',
      '',
      '# shipgate-ignore: route-missing-auth -- the route below was removed last week',
      'VERSION = "1.0"',
      '',
      '@app.put("/settings")  # shipgate-ignore: route-mising-auth -- typo in the rule id',
      'def settings():',
      '    return {}',
      '',
    ].join('\n'),
    'README.md': 'Suppress with `# shipgate-ignore: route-missing-auth -- reason` on the line.\n',
  };

  async function setup(triageYaml?: string) {
    const root = mkdtempSync(path.join(tmpdir(), 'shipgate-triage-'));
    roots.push(root);
    writeTree(root, app);
    const plain = await audit({ root, only: ['route-missing-auth'] });
    if (triageYaml !== undefined) {
      mkdirSync(path.join(root, '.shipgate'), { recursive: true });
      writeFileSync(path.join(root, TRIAGE_FILE), triageYaml);
    }
    return { root, plain };
  }

  const entry = (fingerprint: string, status: string, extra = '') => `  - fingerprint: "${fingerprint}"\n    rule: route-missing-auth\n    status: ${status}\n    reason: reviewed\n${extra}`;

  it('keeps triaged findings listed with status and reason, out of the score; an expired one is open again', async () => {
    const { root, plain } = await setup();
    const [jobs, reports] = ['/jobs', '/reports'].map((p) => plain.findings.find((f) => f.message.includes(p))!);
    const yaml = `version: 1\nfindings:\n${entry(jobs.fingerprint, 'accepted', '    until: 2026-06-30\n')}${entry(reports.fingerprint, 'wont-fix', '    until: 2026-01-10\n')}${entry('ffffffffffffffff', 'false-positive')}`;
    mkdirSync(path.join(root, '.shipgate'));
    writeFileSync(path.join(root, TRIAGE_FILE), yaml);
    const triage = await loadTriageFile(root);
    const report = await audit({ root, only: ['route-missing-auth'], triage, now: new Date('2026-01-15T12:00:00Z') });

    const byPath = (p: string) => report.findings.find((f) => f.message.includes(p))!;
    expect(byPath('/jobs')).toMatchObject({ status: 'accepted', triage: { source: 'triage-file', reason: 'reviewed', until: '2026-06-30', status: 'accepted' } });
    expect(byPath('/reports')).toMatchObject({ status: 'open', triage: { expired: true, until: '2026-01-10', status: 'wont-fix' } });
    expect(report.findings).toHaveLength(plain.findings.length);
    const open = (r: typeof report) => r.findings.filter((f) => f.status === 'open').length;
    expect(open(report)).toBe(open(plain) - 1);
    expect(report.summary.counts.critical + report.summary.counts.high).toBe(plain.summary.counts.critical + plain.summary.counts.high - 1);

    expect(report.triage).toMatchObject({ file: TRIAGE_FILE, entries: 3, applied: 1 });
    expect(report.triage!.expired).toEqual([
      { fingerprint: reports.fingerprint, finding: byPath('/reports').id, ruleId: 'route-missing-auth', status: 'wont-fix', until: '2026-01-10', reason: 'reviewed', line: 8 },
    ]);
    const unusedEntry = report.triage!.unused.find((u) => u.source === 'triage-file')!;
    expect(unusedEntry).toMatchObject({ fingerprint: 'ffffffffffffffff', file: TRIAGE_FILE, line: 13, why: expect.stringContaining('no finding of `route-missing-auth` has this fingerprint') });
    expect(report.diagnostics.filter((d) => d.kind === 'triage').map((d) => d.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/was triaged as wont-fix until 2026-01-10 \(line 8\); that date has passed, so it is open again/), expect.stringMatching(/triage entry ffffffffffffffff at line 13 suppresses nothing/)]),
    );
  });

  it('reports inline comments that suppress nothing or name no rule, but not Markdown prose about the syntax', async () => {
    const { root } = await setup();
    const report = await audit({ root, only: ['route-missing-auth'] });
    const unused = report.triage!.unused.map((u) => [u.file, u.line, u.why]);
    expect(unused).toEqual([
      ['main.py', 12, expect.stringContaining('no finding of `route-missing-auth` on this line or the next')],
      ['main.py', 15, 'names `route-mising-auth`, which is not a shipgate rule'],
    ]);
    expect(report.triage).toMatchObject({ entries: 0, inline: 2, applied: 0 });
  });

  it('does not call an entry or comment unused when its rule did not run', async () => {
    const { root, plain } = await setup();
    const jobs = plain.findings.find((f) => f.message.includes('/jobs'))!;
    mkdirSync(path.join(root, '.shipgate'));
    writeFileSync(path.join(root, TRIAGE_FILE), `version: 1\nfindings:\n${entry(jobs.fingerprint, 'accepted')}`);
    const triage = await loadTriageFile(root);
    const report = await audit({ root, only: ['cors-permissive-policy'], triage });
    expect(report.triage!.unused.filter((u) => !u.why.includes('not a shipgate rule'))).toEqual([]);
  });
});
