/**
 * The git-history secret scan: a key added in one commit and removed in the next is still found,
 * at the commit that exposed it, redacted in the output; the scan can be turned off, and the
 * automatic mode skips long histories with a diagnostic.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { scanGitHistory } from '../../src/facts/git-history.ts';

const KEY = 'glpat-' + 'Zk3Qm8Vt2Lw9Rx4Nc7Yb';
const root = mkdtempSync(path.join(tmpdir(), 'shipgate-history-'));
const git = (args: string[], date: string) =>
  execFileSync('git', ['-C', root, '-c', 'user.name=Dana Dev', '-c', 'user.email=dana@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
execFileSync('git', ['-C', root, 'init', '-q']);
writeFileSync(path.join(root, 'deploy.sh'), `#!/bin/sh\ncurl -H "PRIVATE-TOKEN: ${KEY}" https://gitlab.example.invalid/api/v4/projects\n`);
git(['add', '-A'], '2025-03-02T09:00:00Z');
git(['commit', '-q', '-m', 'deploy script'], '2025-03-02T09:00:00Z');
writeFileSync(path.join(root, 'deploy.sh'), '#!/bin/sh\ncurl -H "PRIVATE-TOKEN: $GITLAB_TOKEN" https://gitlab.example.invalid/api/v4/projects\n');
git(['commit', '-q', '-am', 'read the token from the environment'], '2025-03-05T09:00:00Z');
writeFileSync(path.join(root, 'README.md'), '# tools\n');
git(['add', '-A'], '2025-04-01T09:00:00Z');
git(['commit', '-q', '-m', 'readme'], '2025-04-01T09:00:00Z');

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('git history scan', () => {
  it('finds a key that a later commit removed, at the commit that added it', async () => {
    const scan = await scanGitHistory(root);
    expect(scan.commits).toBe(3);
    expect(scan.secrets.map((s) => ({ provider: s.provider, file: s.file, line: s.line, date: s.date.slice(0, 10), author: s.author }))).toEqual([
      { provider: 'A GitLab token', file: 'deploy.sh', line: 2, date: '2025-03-02', author: 'Dana Dev' },
    ]);
  });

  it('reports it as only in history, rotate-it critical, without printing the key', async () => {
    const report = await audit({ root, only: ['secret-in-git-history'] });
    expect(report.findings.map((f) => [f.messageId, f.severity, f.location.file, f.location.startLine])).toEqual([['onlyInHistory', 'critical', 'deploy.sh', 2]]);
    expect(report.findings[0].message).toContain('2025-03-02');
    expect(JSON.stringify(report)).not.toContain(KEY);
  });

  it('can be turned off, and the automatic mode skips long histories with a diagnostic', async () => {
    const off = await audit({ root, only: ['secret-in-git-history'], gitHistory: false });
    expect(off.findings).toEqual([]);
    const limited = await audit({ root, only: ['secret-in-git-history'], config: { ...defaultConfig(), gitHistoryAutoLimit: 2 } });
    expect(limited.findings).toEqual([]);
    expect(limited.diagnostics.some((d) => d.kind === 'git' && /3 commits is more than gitHistoryAutoLimit \(2\)/.test(d.message))).toBe(true);
    const forced = await audit({ root, only: ['secret-in-git-history'], config: { ...defaultConfig(), gitHistoryAutoLimit: 2 }, gitHistory: true });
    expect(forced.findings).toHaveLength(1);
  });
});
