/**
 * The git-history secret scan: a key added in one commit and removed in the next is still found,
 * at the commit that exposed it, redacted in the output; the scan can be turned off, and the
 * automatic mode skips long histories with a diagnostic.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

describe('git history scan beyond provider formats', () => {
  const repo = mkdtempSync(path.join(tmpdir(), 'shipgate-history-generic-'));
  const commitAll = (message: string, date: string) => {
    const run = (args: string[]) =>
      execFileSync('git', ['-C', repo, '-c', 'user.name=Dana Dev', '-c', 'user.email=dana@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
        stdio: 'ignore',
        env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
      });
    run(['add', '-A']);
    run(['commit', '-q', '-m', message]);
  };
  // Generated here, so no key sits in this repository's own files.
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const password = ['Qz8v', 'Lm2X', 'r5Tn', '9Wb4', 'Kc7'].join('');
  execFileSync('git', ['-C', repo, 'init', '-q']);
  mkdirSync(path.join(repo, 'deploy'));
  mkdirSync(path.join(repo, 'config'));
  mkdirSync(path.join(repo, 'tests'));
  writeFileSync(path.join(repo, 'deploy', 'signing.pem'), pem);
  writeFileSync(path.join(repo, 'config', 'app.ini'), `[db]\nhost = db.internal\npassword = ${password}\n`);
  writeFileSync(path.join(repo, 'config', 'dev.ini'), '[db]\npassword = changeme\n');
  writeFileSync(path.join(repo, 'tests', 'fixtures.ini'), `[db]\npassword = ${password.split('').reverse().join('')}\n`);
  commitAll('deployment config', '2025-05-01T09:00:00Z');
  rmSync(path.join(repo, 'deploy', 'signing.pem'));
  writeFileSync(path.join(repo, 'config', 'app.ini'), '[db]\nhost = db.internal\npassword = ${DB_PASSWORD}\n');
  commitAll('secrets from the environment', '2025-05-02T09:00:00Z');
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('finds a private key added over many lines and a generated password in a config file, not test or guessable values', async () => {
    const scan = await scanGitHistory(repo);
    expect(scan.secrets.map((s) => [s.provider, s.file, s.line, s.date.slice(0, 10)]).sort()).toEqual([
      ['A hard-coded password in `password`', 'config/app.ini', 3, '2025-05-01'],
      ['A private key', 'deploy/signing.pem', 1, '2025-05-01'],
    ]);
  });

  it('reports both as only in history, without printing either', async () => {
    const report = await audit({ root: repo, only: ['secret-in-git-history'] });
    expect(report.findings.map((f) => [f.messageId, f.severity, f.location.file])).toEqual([
      ['onlyInHistory', 'critical', 'config/app.ini'],
      ['onlyInHistory', 'critical', 'deploy/signing.pem'],
    ]);
    const json = JSON.stringify(report);
    expect(json).not.toContain(password);
    for (const line of pem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) expect(json).not.toContain(line);
  });
});
