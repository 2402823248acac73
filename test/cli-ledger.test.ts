/**
 * The ledger through the CLI, as users and CI run it: history written and read, --no-history and
 * partial runs, triage round trip, baseline and changed-since scoping with --fail-on, diff.
 * Every repository here is a temporary git repo; nothing is written inside shipgate's own tree.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHistory } from '../src/ledger/history.ts';
import { parseTriageText } from '../src/ledger/triage-file.ts';
import type { AuditReport } from '../src/model/audit-report.ts';
import { writeTree } from './support/fixture-case.ts';
import { runCli } from './support/run-cli.ts';
import { runMain } from './support/run-main.ts';

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const ENV = { SOURCE_DATE_EPOCH: '1768471200' }; // 2026-01-15T10:00:00Z

const APP = {
  'requirements.txt': 'fastapi==0.115.0\nuvicorn==0.30.0\n',
  'auth.py': [
    'import os',
    '',
    'from fastapi import Header, HTTPException',
    '',
    '',
    'def require_user(authorization: str = Header(...)):',
    '    if authorization != "Bearer " + os.environ["API_TOKEN"]:',
    '        raise HTTPException(status_code=401)',
    '    return authorization',
    '',
  ].join('\n'),
  'main.py': [
    'from fastapi import Depends, FastAPI',
    '',
    'from auth import require_user',
    '',
    'app = FastAPI()',
    '',
    '',
    '@app.get("/health")',
    'def health():',
    '    return {"ok": True}',
    '',
    '',
    '@app.post("/notes", dependencies=[Depends(require_user)])',
    'def create_note(payload: dict):',
    '    return payload',
    '',
  ].join('\n'),
  // A test of its own, so the app's high findings stay the one this file is about (no test-suite-missing).
  'tests/test_main.py': ['from fastapi.testclient import TestClient', '', 'from main import app', '', '', 'def test_health():', '    assert TestClient(app).get("/health").json() == {"ok": True}', ''].join('\n'),
};

/** A new module with a hard-coded live Stripe key: a new critical finding (the key is split so this file holds none). */
const BILLING = `import stripe\n\nstripe.api_key = "${'sk_live_'}${'51HxYzQ2eZvKYlo2C8dJk3m9'}${'PqRsTuVwXyZ0aBcD'}"\n`;

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-C', root, '-c', 'user.name=Dana Reviewer', '-c', 'user.email=dana@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_DATE: '2026-01-15T10:00:00Z', GIT_COMMITTER_DATE: '2026-01-15T10:00:00Z' },
  });
}

function repo(files: Record<string, string> = APP): string {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-cli-ledger-'));
  roots.push(root);
  writeTree(root, files);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
  return root;
}

async function auditJson(root: string, ...args: string[]): Promise<{ report: AuditReport; code: number; stderr: string }> {
  const { stdout, stderr, code } = await runMain(['audit', root, '--format', 'json', ...args], { env: ENV });
  return { report: JSON.parse(stdout) as AuditReport, code, stderr };
}

const historyOf = (root: string) => parseHistory(readFileSync(path.join(root, '.shipgate/history.jsonl'), 'utf8')).records;

describe('history through the CLI', () => {
  it('records each complete audit and reports progress on the next, with JSON alone on stdout', async () => {
    const root = repo();
    const first = await runMain(['audit', root], { env: ENV });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/History\s+first audit recorded in \.shipgate\/history\.jsonl/);
    expect(historyOf(root)).toHaveLength(1);

    writeTree(root, { 'billing.py': BILLING });
    // Through the real entry point: the JSON alone on stdout, nothing on stderr, history written silently.
    const spawned = runCli(['audit', root, '--format', 'json'], { env: ENV });
    expect(spawned.stderr).toBe('');
    const second = { report: JSON.parse(spawned.stdout) as AuditReport };
    expect(second.report.progress).toMatchObject({ previous: { score: historyOf(root)[0].score }, fixed: [] });
    const added = second.report.findings.filter((f) => second.report.progress!.new.includes(f.id));
    expect(added.map((f) => f.ruleId)).toContain('hardcoded-secret');
    expect(second.report.progress!.stillOpen.length).toBe(historyOf(root)[0].findings.length);
    expect(historyOf(root)).toHaveLength(2);

    rmSync(path.join(root, 'billing.py'));
    const third = await runMain(['audit', root], { env: ENV });
    expect(third.stdout).toMatch(/History\s+3 audits, score (\d+) → (\d+) \(grade .*\); since the last audit \(2026-01-15\): \d+ fixed, 0 new, 0 regressed/);
    const progress = (await auditJson(root, '--no-history')).report;
    expect(progress.progress).toBeUndefined();
    expect(historyOf(root)).toHaveLength(3);

    // `shipgate history` shows the three audits, with fixed and new counts between them.
    const table = await runMain(['history', root]);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^shipgate history — shipgate-cli-ledger-\w+ \(\.shipgate\/history\.jsonl, 3 audits\)$/);
    expect(lines[2]).toMatch(/^\s+date\s+commit\s+score\s+grade\s+security\s+verdict\s+crit\s+high\s+med\s+low\s+fixed\s+new$/);
    expect(lines[3]).toMatch(/^\s+2026-01-15 10:00\s+[0-9a-f]{7}\s+\d+\s+\S+\s+\S+\s+GO WITH CONDITIONS\s+0\s+1\s+\d+\s+\d+\s+—\s+—$/);
    expect(lines[4]).toMatch(/NO-GO\s+1\s+1\s+\d+\s+\d+\s+0\s+1$/);
    expect(lines[5]).toMatch(/GO WITH CONDITIONS\s+0\s+1\s+\d+\s+\d+\s+1\s+0$/);
    const json = JSON.parse((await runMain(['history', root, '--format', 'json'])).stdout);
    expect(json.map((r: { verdict: string }) => r.verdict)).toEqual(['GO WITH CONDITIONS', 'NO-GO', 'GO WITH CONDITIONS']);
    expect(json[1]).toMatchObject({ fixed: 0, new: 1 });
    expect(json[0].findings).toBeUndefined();
  });

  it('writes nothing with --no-history or `history: false`, and nothing for --only or --changed-since runs', async () => {
    const root = repo();
    expect((await runMain(['audit', root, '--no-history'], { env: ENV })).code).toBe(0);
    expect(existsSync(path.join(root, '.shipgate'))).toBe(false);

    writeFileSync(path.join(root, 'shipgate.config.yaml'), 'history: false\n');
    expect((await runMain(['audit', root], { env: ENV })).code).toBe(0);
    expect(existsSync(path.join(root, '.shipgate'))).toBe(false);
    expect((await runMain(['audit', root, '--history', '--no-history'], { env: ENV })).code).toBe(0);
    rmSync(path.join(root, 'shipgate.config.yaml'));

    const only = await auditJson(root, '--only', 'timing-unsafe-comparison');
    expect(only.report.diagnostics).toContainEqual(expect.objectContaining({ kind: 'history', message: expect.stringContaining('--only audits part of the rules') }));
    const changed = await auditJson(root, '--changed-since', 'HEAD');
    expect(changed.report.diagnostics).toContainEqual(expect.objectContaining({ kind: 'history', message: expect.stringContaining('--changed-since gates a change') }));
    expect(existsSync(path.join(root, '.shipgate'))).toBe(false);
  });

  it('audits a folder it cannot record in, and says why', async () => {
    const root = repo();
    writeFileSync(path.join(root, '.shipgate'), 'not a folder');
    const { report, code } = await auditJson(root);
    expect(code).toBe(0);
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ kind: 'history', message: expect.stringMatching(/^history not recorded: /) }));
    const terminal = await runMain(['audit', root], { env: ENV });
    expect(terminal.stdout).toMatch(/history not recorded: /);
  });

  it('reports a corrupt history line by number, keeps it, and still compares with the good records', async () => {
    const root = repo();
    await runMain(['audit', root], { env: ENV });
    const file = path.join(root, '.shipgate/history.jsonl');
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"version":1,"date":"2026-01-1\n`);
    writeTree(root, { 'billing.py': BILLING });
    const { report } = await auditJson(root);
    expect(report.diagnostics).toContainEqual({ kind: 'history', file: '.shipgate/history.jsonl', message: expect.stringMatching(/^line 2 is not valid JSON .*skipped \(the line is kept in the file\)$/) });
    expect(report.progress?.new.length).toBeGreaterThan(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('{"version":1,"date":"2026-01-1');
  });
});

describe('triage through the CLI', () => {
  it('triages by id from the latest audit, applies it, and reopens with --remove', async () => {
    const root = repo();
    const before = (await auditJson(root)).report;
    const high = before.findings.find((f) => f.severity === 'high')!;
    const triage = await runMain(['triage', high.id, root, '--as', 'accepted', '--reason', 'token compare is behind the gateway; fix tracked in SEC-9', '--until', '2026-03-31', '--by', 'Dana'], { env: ENV });
    expect(triage.stderr).toBe('');
    expect(triage.code).toBe(0);
    expect(triage.stdout).toContain(`Triaged ${high.id} as accepted until 2026-03-31`);
    expect(triage.stdout).toContain(`fingerprint ${high.fingerprint}`);
    expect(triage.stdout).toContain('Resolved through the audit of 2026-01-15 10:00');
    const entries = parseTriageText(readFileSync(path.join(root, '.shipgate/triage.yaml'), 'utf8'));
    expect(entries).toEqual([
      {
        fingerprint: high.fingerprint,
        rule: high.ruleId,
        title: high.title,
        file: high.location.file,
        status: 'accepted',
        reason: 'token compare is behind the gateway; fix tracked in SEC-9',
        until: '2026-03-31',
        by: 'Dana',
        date: '2026-01-15',
        sourceLine: 7,
      },
    ]);

    const after = (await auditJson(root)).report;
    const same = after.findings.find((f) => f.fingerprint === high.fingerprint)!;
    expect(same).toMatchObject({ status: 'accepted', triage: { source: 'triage-file', until: '2026-03-31' } });
    expect(after.summary.counts.high).toBe(before.summary.counts.high - 1);
    expect(after.summary.score).toBeGreaterThanOrEqual(before.summary.score);
    expect(after.progress!.triaged).toEqual([same.id]);
    expect((await runMain(['audit', root, '--fail-on', 'high'], { env: ENV })).code).toBe(0);

    // After the `until` day the decision lapses: open again, gated again, and said so.
    const later = await runMain(['audit', root, '--fail-on', 'high'], { env: { SOURCE_DATE_EPOCH: '1775001600' } }); // 2026-04-01
    expect(later.code).toBe(1);
    expect(later.stdout).toMatch(/1 triage decision expired, open again: HIGH-\d+ \(until 2026-03-31\)/);

    // By fingerprint prefix, with --remove.
    const removed = await runMain(['triage', high.fingerprint.slice(0, 8), root, '--remove'], { env: ENV });
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('is open again');
    expect(parseTriageText(readFileSync(path.join(root, '.shipgate/triage.yaml'), 'utf8'))).toEqual([]);
  });

  it('resolves through a fresh audit when there is no history, and refuses bad input with exit code 2', async () => {
    const root = repo();
    const fresh = await runMain(['triage', 'HIGH-001', root, '--as', 'wont-fix', '--reason', 'legacy client needs it'], { env: ENV });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('Resolved through a fresh audit.');

    const cases: [string[], RegExp][] = [
      [['triage', 'HIGH-001', root, '--as', 'accepted'], /--reason is required/],
      [['triage', 'HIGH-001', root, '--as', 'ignored', '--reason', 'x'], /ignored/],
      [['triage', 'HIGH-001', root, '--reason', 'x'], /--as is required/],
      [['triage', 'HIGH-001', root, '--as', 'accepted', '--reason', 'x', '--until', '2025-12-31'], /--until 2025-12-31 is in the past \(today is 2026-01-15\)/],
      [['triage', 'HIGH-001', root, '--as', 'accepted', '--reason', 'x', '--until', 'next week'], /--until: expected a date written YYYY-MM-DD/],
      [['triage', 'CRIT-042', root, '--as', 'accepted', '--reason', 'x'], /no finding with id CRIT-042 in a fresh audit/],
      [['triage', 'deadbeefdeadbeef', root, '--as', 'accepted', '--reason', 'x'], /no finding with fingerprint deadbeefdeadbeef/],
      [['triage', 'route-missing-auth', root, '--as', 'accepted', '--reason', 'x'], /neither a finding id \(CRIT-003\) nor a fingerprint/],
      [['triage', 'HIGH-001', path.join(root, 'nope'), '--as', 'accepted', '--reason', 'x'], /not a directory/],
    ];
    for (const [args, message] of cases) {
      const result = await runMain(args, { env: ENV });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
    }
    writeFileSync(path.join(root, '.shipgate/triage.yaml'), 'findings:\n  - fingerprint: 0123456789abcdef\n    rule: x\n    status: maybe\n    reason: y\n');
    const bad = await runMain(['audit', root], { env: ENV });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\.shipgate\/triage\.yaml: findings\[0\] \(line 2\), fingerprint 0123456789abcdef: status: expected one of accepted, false-positive, wont-fix \(got "maybe"\)/);
  });
});

describe('baselines, changed files and the gate', () => {
  it('--baseline marks known findings and gates only the new ones', async () => {
    const root = repo();
    const out = path.join(root, '..', `${path.basename(root)}-baseline.json`);
    roots.push(out);
    writeFileSync(out, (await runMain(['audit', root, '--format', 'json', '--no-history'], { env: ENV })).stdout);

    // Nothing new: the existing high finding does not fail a --fail-on high gate in baseline mode.
    const same = await auditJson(root, '--baseline', out, '--fail-on', 'high');
    expect(same.code).toBe(0);
    expect(same.report.scope).toMatchObject({ new: [], existing: same.report.findings.length, fixed: [], baseline: { file: out } });
    expect(same.report.findings.every((f) => f.scope === 'in-baseline')).toBe(true);
    expect((await runMain(['audit', root, '--fail-on', 'high'], { env: ENV })).code).toBe(1);

    // A new critical finding fails it; the summary still reads the whole repository.
    writeTree(root, { 'billing.py': BILLING });
    const changed = await auditJson(root, '--baseline', out, '--fail-on', 'high');
    expect(changed.code).toBe(1);
    const fresh = changed.report.findings.filter((f) => f.scope === 'new');
    expect(fresh.map((f) => f.ruleId)).toContain('hardcoded-secret');
    expect(changed.report.scope!.new).toEqual(fresh.map((f) => f.id));
    expect(changed.report.scope!.counts.critical).toBeGreaterThan(0);
    expect(changed.report.summary.verdict).toBe('NO-GO');
    const terminal = await runMain(['audit', root, '--baseline', out], { env: ENV });
    expect(terminal.stdout).toMatch(/Scope\s+baseline .*-baseline\.json: \d+ new findings? \(open: 1 critical/);
    expect(terminal.stdout).toMatch(/New blockers \(\d+ critical\/high findings in scope\)/);
    expect(terminal.stdout).not.toMatch(/timing-unsafe-comparison\]/);

    // Fixing a baseline finding shows up as fixed.
    writeTree(root, { 'auth.py': APP['auth.py'].replace('if authorization != "Bearer " + os.environ["API_TOKEN"]:', 'if not hmac.compare_digest(authorization, "Bearer " + os.environ["API_TOKEN"]):').replace('import os', 'import hmac\nimport os') });
    const fixed = await auditJson(root, '--baseline', out);
    expect(fixed.report.scope!.fixed.map((f) => f.ruleId)).toContain('timing-unsafe-comparison');

    for (const [file, message] of [
      [path.join(root, 'missing.json'), /--baseline .*missing\.json cannot be read \(ENOENT\)/],
      [path.join(root, 'main.py'), /--baseline .*main\.py is not JSON/],
    ] as const) {
      const result = await runMain(['audit', root, '--baseline', file], { env: ENV });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    writeFileSync(path.join(root, 'other.json'), '{"schemaVersion": 1, "findings": []}');
    const wrong = await runMain(['audit', root, '--baseline', path.join(root, 'other.json')], { env: ENV });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/is not a shipgate JSON result: tool: /);
  });

  it('--changed-since reports findings in changed files (committed on the branch, staged, unstaged, untracked) and gates only those', async () => {
    const root = repo();
    git(root, 'checkout', '-q', '-b', 'feature');
    // A committed change on the branch that adds no finding.
    writeTree(root, { 'main.py': `${APP['main.py']}\n# a comment\n` });
    git(root, 'commit', '-qam', 'touch main');
    const clean = await auditJson(root, '--changed-since', 'main', '--fail-on', 'high');
    expect(clean.code).toBe(0);
    expect(clean.report.scope!.changedSince).toMatchObject({ ref: 'main', files: ['main.py'] });
    expect(clean.report.findings.find((f) => f.location.file === 'auth.py')!.scope).toBe('unchanged-file');

    // An untracked file with a critical finding is part of the change.
    writeTree(root, { 'billing.py': BILLING });
    const dirty = await auditJson(root, '--changed-since', 'main', '--fail-on', 'high');
    expect(dirty.code).toBe(1);
    expect(dirty.report.scope!.changedSince!.files).toEqual(['billing.py', 'main.py']);
    const inScope = dirty.report.findings.filter((f) => f.scope === 'new');
    expect([...new Set(inScope.map((f) => f.location.file))].sort()).toEqual(['billing.py', 'main.py']);
    expect(inScope.find((f) => f.location.file === 'billing.py')!.severity).toBe('critical');
    expect(dirty.report.findings.filter((f) => f.location.file === 'auth.py').every((f) => f.scope === 'unchanged-file')).toBe(true);

    // Pre-commit: --changed-since HEAD sees the staged file.
    git(root, 'add', 'billing.py');
    const staged = await auditJson(root, '--changed-since', 'HEAD', '--fail-on', 'critical');
    expect(staged.code).toBe(1);
    expect(staged.report.scope!.changedSince!.files).toEqual(['billing.py']);

    const badRef = await runMain(['audit', root, '--changed-since', 'no-such-branch'], { env: ENV });
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toMatch(/--changed-since: git cannot resolve "no-such-branch" to a commit/);
    const notGit = mkdtempSync(path.join(tmpdir(), 'shipgate-nogit-'));
    roots.push(notGit);
    const noRepo = await runMain(['audit', notGit, '--changed-since', 'main'], { env: ENV });
    expect(noRepo.code).toBe(2);
    expect(noRepo.stderr).toMatch(/--changed-since needs a git work tree/);
  });
});

describe('shipgate diff', () => {
  it('compares two results: fixed, new, still open, score and verdict; text and JSON; --fail-on on new findings', async () => {
    const root = repo();
    const a = path.join(root, '..', `${path.basename(root)}-a.json`);
    const b = path.join(root, '..', `${path.basename(root)}-b.json`);
    roots.push(a, b);
    writeFileSync(a, (await runMain(['audit', root, '--format', 'json', '--no-history'], { env: ENV })).stdout);
    writeTree(root, { 'billing.py': BILLING, 'auth.py': APP['auth.py'].replace('!= "Bearer "', '!= "Token "') });
    writeFileSync(b, (await runMain(['audit', root, '--format', 'json', '--no-history'], { env: ENV })).stdout);

    const text = await runMain(['diff', a, b]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^shipgate diff — shipgate-cli-ledger-\w+: 2026-01-15 \w{7} → 2026-01-15 \w{7}/);
    expect(text.stdout).toMatch(/Verdict\s+GO WITH CONDITIONS → NO-GO/);
    expect(text.stdout).toMatch(/Fixed \(1\)[\s\S]*timing-unsafe-comparison/);
    expect(text.stdout).toMatch(/New \(\d+\)[\s\S]*billing\.py:\d+\s+\[hardcoded-secret\]/);

    const json = await runMain(['diff', a, b, '--format', 'json']);
    const diff = JSON.parse(json.stdout);
    expect(diff.fixed.map((f: { ruleId: string }) => f.ruleId)).toEqual(['timing-unsafe-comparison']);
    expect(diff.new.map((f: { ruleId: string }) => f.ruleId)).toContain('hardcoded-secret');
    expect(diff.from.verdict).toBe('GO WITH CONDITIONS');
    expect(diff.to.verdict).toBe('NO-GO');

    expect((await runMain(['diff', a, b, '--fail-on', 'critical'])).code).toBe(1);
    expect((await runMain(['diff', b, a, '--fail-on', 'low'])).code).toBe(1); // the changed timing check comes back as new
    expect((await runMain(['diff', a, a, '--fail-on', 'low'])).code).toBe(0);
    const missing = await runMain(['diff', a, path.join(root, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json cannot be read/);
  });
});
