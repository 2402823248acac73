/**
 * .shipgate/history.jsonl: records built from the redacted report, corrupt lines reported by line
 * number and kept, atomic rewrites (a crash before the rename leaves the old file), the lock,
 * re-runs collapsed, the limit.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { withLock, writeFileAtomic } from '../../src/ledger/atomic-file.ts';
import { addRecordToText, appendHistory, buildHistoryRecord, HISTORY_FILE, LedgerPathError, parseHistory, readHistory, type HistoryRecord } from '../../src/ledger/history.ts';
import { loadTriageFile } from '../../src/ledger/triage-file.ts';
import { ConfigError } from '../../src/config/load-config.ts';
import { PROJECT_ROOT } from '../support/run-cli.ts';
import { initGitRepo, writeTree } from '../support/fixture-case.ts';

const roots: string[] = [];
function tempRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-history-'));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function record(overrides: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    version: 1,
    date: '2026-01-05T09:00:00.000Z',
    commit: 'a'.repeat(40),
    tool: '0.1.0',
    fingerprintVersion: 1,
    target: 'app',
    score: 40,
    grade: 'F',
    securityGrade: 'F',
    verdict: 'NO-GO',
    counts: { critical: 1, high: 0, medium: 0, low: 0, info: 0 },
    priorities: { P0: 1, P1: 0, P2: 0, P3: 0 },
    effortHours: 1,
    findings: [{ fingerprint: '0123456789abcdef', id: 'CRIT-001', ruleId: 'route-missing-auth', title: 'Route without authentication', severity: 'critical', priority: 'P0', status: 'open', file: 'main.py', line: 4 }],
    ...overrides,
  };
}

describe('parseHistory', () => {
  it('reads valid records oldest first and reports each bad line by number, without losing the good ones', () => {
    const lines = [
      JSON.stringify(record({ date: '2026-01-12T09:00:00.000Z', score: 55 })),
      '{"version": 1, "date": "2026-01-0',
      '',
      JSON.stringify(record()),
      JSON.stringify({ ...record(), score: 'high' }),
      JSON.stringify({ ...record(), version: 7 }),
      'not json at all',
    ];
    const read = parseHistory(lines.join('\n'));
    expect(read.records.map((r) => r.score)).toEqual([40, 55]);
    expect(read.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/^line 2 is not valid JSON .*; skipped \(the line is kept in the file\)$/),
      expect.stringMatching(/^line 5 is not a valid audit record \(score: /),
      expect.stringMatching(/^line 6 was written by a newer shipgate \(record version 7/),
      expect.stringMatching(/^line 7 is not valid JSON/),
    ]);
    expect(read.diagnostics.every((d) => d.kind === 'history' && d.file === HISTORY_FILE)).toBe(true);
  });

  it('keeps file order for records with the same date', () => {
    const text = [record({ score: 1 }), record({ score: 2 }), record({ score: 3 })].map((r) => JSON.stringify(r)).join('\n');
    expect(parseHistory(text).records.map((r) => r.score)).toEqual([1, 2, 3]);
  });

  it('reports the first bad lines one by one and the rest in one line (a binary file pasted over it)', () => {
    const text = [JSON.stringify(record()), ...Array.from({ length: 40 }, (_, i) => `\u0000garbage ${i}`)].join('\n');
    const read = parseHistory(text);
    expect(read.records).toHaveLength(1);
    expect(read.diagnostics).toHaveLength(6);
    expect(read.diagnostics[5].message).toBe('35 more lines are not valid audit records (lines 7–41); skipped and kept in the file');
  });

  it('treats a missing file as an empty history', async () => {
    expect(await readHistory(tempRoot())).toEqual({ records: [], diagnostics: [] });
  });
});

describe('symbolic links', () => {
  it('never reads or writes through a .shipgate link that could lead out of the repository', async () => {
    const outside = tempRoot();
    writeFileSync(path.join(outside, 'history.jsonl'), `${JSON.stringify(record())}\n`);
    writeFileSync(path.join(outside, 'triage.yaml'), 'version: 1\nfindings: []\n');
    const root = tempRoot();
    symlinkSync(outside, path.join(root, '.shipgate'));
    const read = await readHistory(root);
    expect(read.records).toEqual([]);
    expect(read.diagnostics[0].message).toBe('history not read: .shipgate is a symbolic link; shipgate does not follow links out of the repository');
    await expect(appendHistory(root, record(), { limit: 10 })).rejects.toThrow(LedgerPathError);
    expect(readFileSync(path.join(outside, 'history.jsonl'), 'utf8')).toBe(`${JSON.stringify(record())}\n`);
    await expect(loadTriageFile(root)).rejects.toThrow(ConfigError);

    const linkedFile = tempRoot();
    mkdirSync(path.join(linkedFile, '.shipgate'));
    symlinkSync(path.join(outside, 'history.jsonl'), path.join(linkedFile, HISTORY_FILE));
    expect((await readHistory(linkedFile)).diagnostics[0].message).toMatch(/\.shipgate\/history\.jsonl is a symbolic link/);
  });
});

describe('addRecordToText', () => {
  it('appends, keeps corrupt lines where they are, and replaces an identical re-run instead of adding it', () => {
    const text = `${JSON.stringify(record())}\ngarbage line\n`;
    const second = record({ date: '2026-01-12T09:00:00.000Z', score: 60, commit: 'b'.repeat(40) });
    const appended = addRecordToText(text, second, 100);
    expect(appended.text.split('\n')).toEqual([JSON.stringify(record()), 'garbage line', JSON.stringify(second), '']);
    expect(appended).toMatchObject({ records: 2, replaced: false, trimmed: 0 });

    const rerun = { ...second, date: '2026-01-12T10:30:00.000Z' };
    const replaced = addRecordToText(appended.text, rerun, 100);
    expect(replaced.replaced).toBe(true);
    expect(replaced.records).toBe(2);
    expect(replaced.text.split('\n')[2]).toBe(JSON.stringify(rerun));
  });

  it('drops the oldest valid records beyond the limit, never a corrupt line', () => {
    let text = 'corrupt first line\n';
    for (let i = 0; i < 5; i++) text = addRecordToText(text, record({ score: i, commit: String(i).repeat(40) }), 3).text;
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('corrupt first line');
    expect(parseHistory(text).records.map((r) => r.score)).toEqual([2, 3, 4]);
  });
});

describe('buildHistoryRecord', () => {
  it('is built from the redacted report: no detected secret value reaches the history file', async () => {
    const root = tempRoot();
    const openaiKey = `sk-proj-${'Q7vR2mX9kL4pT8wZ3nB6cF1hJ5dS0gY2'}${'aE4uI7oP9'}`;
    const stripeKey = `sk_live_${'51HxYzQ2eZvKYlo2C8dJk3m9'}${'PqRsTuVwXyZ0aBcD'}`;
    writeTree(root, {
      'requirements.txt': 'fastapi\n',
      'settings.py': `OPENAI_API_KEY = "${openaiKey}"\nSTRIPE_SECRET = "${stripeKey}"\n`,
      '.env': `OPENAI_API_KEY=${openaiKey}\n`,
    });
    initGitRepo(root);
    const report = await audit({ root, now: new Date('2026-01-05T09:00:00Z') });
    // The secrets were detected (so redaction had something to do) …
    expect(report.findings.filter((f) => f.ruleId === 'hardcoded-secret').length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(report)).toContain('[redacted sha256:');
    const line = JSON.stringify(buildHistoryRecord(report));
    await appendHistory(root, buildHistoryRecord(report), { limit: 10 });
    const written = readFileSync(path.join(root, HISTORY_FILE), 'utf8');
    for (const secret of [openaiKey, stripeKey, openaiKey.slice(8, 30), stripeKey.slice(8, 30)]) {
      expect(line.includes(secret)).toBe(false);
      expect(written.includes(secret)).toBe(false);
    }
    const [stored] = parseHistory(written).records;
    expect(stored.findings.map((f) => f.fingerprint).sort()).toEqual(report.findings.map((f) => f.fingerprint).sort());
    expect(Object.keys(stored.findings[0]).sort()).toEqual(['file', 'fingerprint', 'id', 'line', 'priority', 'ruleId', 'severity', 'status', 'title']);
    expect(stored).toMatchObject({ version: 1, date: '2026-01-05T09:00:00.000Z', score: report.summary.score, grade: report.summary.grade, verdict: report.summary.verdict });
    expect(stored.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('atomic writes', () => {
  it('leaves the old file intact when the writer dies before the rename (a real SIGKILL), and the next write recovers', () => {
    const root = tempRoot();
    mkdirSync(path.join(root, '.shipgate'));
    const file = path.join(root, HISTORY_FILE);
    const original = `${JSON.stringify(record())}\n`;
    writeFileSync(file, original);
    // A child process appends a record and is killed at the worst moment: new content complete in the temp file, not yet renamed.
    const script = `
      const { appendHistory } = await import(${JSON.stringify(path.join(PROJECT_ROOT, 'src/ledger/history.ts'))});
      const record = ${JSON.stringify(record({ score: 99, commit: 'c'.repeat(40) }))};
      await appendHistory(${JSON.stringify(root)}, record, { limit: 100, hooks: { beforeRename: () => process.kill(process.pid, 'SIGKILL') } });
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    expect(readFileSync(file, 'utf8')).toBe(original);
    const leftovers = readdirSync(path.join(root, '.shipgate'));
    expect(leftovers.some((n) => n.endsWith('.tmp'))).toBe(true); // the dead writer's temp file
    expect(leftovers).toContain('history.jsonl.lock'); // and its lock

    // The next audit takes over the dead writer's lock, writes, and removes the stale temp file.
    return appendHistory(root, record({ score: 70, commit: 'd'.repeat(40) }), { limit: 100 }).then((result) => {
      expect(result.records).toBe(2);
      expect(parseHistory(readFileSync(file, 'utf8')).records.map((r) => r.score)).toEqual([40, 70]);
      expect(readdirSync(path.join(root, '.shipgate')).sort()).toEqual(['history.jsonl']);
    });
  });

  it('removes its temp file and keeps the old content when writing fails midway', async () => {
    const root = tempRoot();
    const file = path.join(root, 'report.json');
    writeFileSync(file, 'old');
    await expect(
      writeFileAtomic(file, 'new', {
        beforeRename: () => {
          throw new Error('disk gone');
        },
      }),
    ).rejects.toThrow('disk gone');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(root)).toEqual(['report.json']);
  });

  it('serialises concurrent appends under the lock: no record is lost', async () => {
    const root = tempRoot();
    await Promise.all(Array.from({ length: 8 }, (_, i) => appendHistory(root, record({ score: i, commit: String(i).repeat(40) }), { limit: 100 })));
    const read = parseHistory(readFileSync(path.join(root, HISTORY_FILE), 'utf8'));
    expect(read.diagnostics).toEqual([]);
    expect(read.records.map((r) => r.score).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(existsSync(path.join(root, `${HISTORY_FILE}.lock`))).toBe(false);
  });

  it('gives up on a lock a live process holds, with a message naming it', async () => {
    const root = tempRoot();
    const lock = path.join(root, 'x.lock');
    // Our own pid: alive, and the lock is fresh.
    writeFileSync(lock, `${process.pid}\n${(await import('node:os')).hostname()}\n${Date.now()}\n`);
    await expect(withLock(lock, async () => 1, { timeoutMs: 150 })).rejects.toThrow(/held by another shipgate process \(pid \d+\)/);
    // An old lock is taken over even when its pid looks alive.
    expect(await withLock(lock, async () => 2, { timeoutMs: 150, staleMs: 0 })).toBe(2);
  });
});
