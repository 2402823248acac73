/** Every row of the dependency table proven PASS, PARTIAL, FAIL, UNKNOWN and N/A from file trees. OSV records are TEST DATA. */
import { describe, expect, it } from 'vitest';
import { dependencyAssessment } from '../../src/assess/dependencies.ts';
import type { AdvisoryData, OsvRecord } from '../../src/model/advisory.ts';
import { assessTree } from '../support/assess-tree.ts';

const LOCKED_NPM = {
  'package.json': JSON.stringify({ name: 'web', private: true, dependencies: { express: '^4.18.2' } }, null, 2),
  'package-lock.json': JSON.stringify(
    { name: 'web', lockfileVersion: 3, packages: { '': { name: 'web', dependencies: { express: '^4.18.2' } }, 'node_modules/express': { version: '4.18.2' }, 'node_modules/qs': { version: '6.11.0' } } },
    null,
    2,
  ),
};
const DEPENDABOT = { '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n' };
const EXPRESS_ADVISORY: OsvRecord = {
  id: 'GHSA-test-expr-9001',
  summary: 'Invented advisory (test data)',
  affected: [{ package: { ecosystem: 'npm', name: 'express' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.19.2' }] }] }],
  database_specific: { severity: 'HIGH' },
};
const QS_ADVISORY: OsvRecord = {
  id: 'GHSA-test-qs-9002',
  summary: 'Invented low advisory (test data)',
  affected: [{ package: { ecosystem: 'npm', name: 'qs' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '6.11.1' }] }] }],
  database_specific: { severity: 'LOW' },
};
const db = (records: OsvRecord[], extra: Partial<AdvisoryData['source']> = {}): AdvisoryData => ({ source: { kind: 'osv-db', detail: 'osv', ...extra }, records });

describe('dependency assessment', () => {
  it('PASS on every row: locked, pinned, Dependabot, no advisory matches', async () => {
    const run = await assessTree({ ...LOCKED_NPM, ...DEPENDABOT }, dependencyAssessment, { inputs: { advisories: db([{ ...EXPRESS_ADVISORY, affected: [{ package: { ecosystem: 'npm', name: 'express' }, versions: ['4.0.0'] }] }]) } });
    expect(run.row('Lockfiles')).toMatchObject({ status: 'PASS', notes: '1 manifest pinned: `package.json` → `package-lock.json`' });
    expect(run.row('Version Pinning')).toMatchObject({ status: 'PASS' });
    expect(run.row('Dependency Updates')).toMatchObject({ status: 'PASS', notes: 'Dependabot (`.github/dependabot.yml`) covers npm', evidence: [{ file: '.github/dependabot.yml', startLine: 3, endLine: 3 }] });
    expect(run.row('Known Vulnerabilities')).toMatchObject({ status: 'PASS', notes: '2 installed package versions checked against the OSV folder osv: none affected' });
    const section = run.result.sections.dependencies!;
    expect(section.manifests).toEqual([{ file: 'package.json', ecosystem: 'npm', dependencies: 1, lockfile: 'package-lock.json', manager: 'npm', selfPinned: false }]);
    expect(section.updateBot).toEqual({ name: 'dependabot', file: '.github/dependabot.yml' });
    expect(run.result.strengths.map((s) => s.title)).toEqual(['Dependencies locked', 'Automated dependency updates', 'No known vulnerable dependencies']);
  });

  it('FAIL: no lockfile, unpinned requirements, no bot, a high advisory', async () => {
    const run = await assessTree(
      {
        'package.json': JSON.stringify({ name: 'web', dependencies: { express: '^4.18.2', pg: '^8.0.0' } }),
        'requirements.txt': 'flask\nrequests>=2.0\ngunicorn==22.0.0\n',
      },
      dependencyAssessment,
      { inputs: { advisories: db([{ ...EXPRESS_ADVISORY, affected: [{ package: { ecosystem: 'PyPI', name: 'gunicorn' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '23.0.0' }] }] }] }]) } },
    );
    const lockfiles = run.row('Lockfiles');
    expect(lockfiles.status).toBe('FAIL');
    expect(lockfiles.notes).toBe('2 manifests with no lockfile or pins: `package.json`, `requirements.txt`');
    expect(lockfiles.findings.length).toBe(3); // lockfile-missing for package.json + two unpinned requirement lines
    const pinning = run.row('Version Pinning');
    expect(pinning.status).toBe('FAIL');
    expect(pinning.notes).toMatch(/^4 of 5 dependencies resolve afresh at every install/);
    expect(run.row('Dependency Updates')).toMatchObject({ status: 'FAIL', notes: 'no Dependabot or Renovate configuration and no dependency audit in CI' });
    expect(run.row('Dependency Updates').findings).toHaveLength(1);
    const vulns = run.row('Known Vulnerabilities');
    expect(vulns.status).toBe('FAIL');
    expect(vulns.notes).toMatch(/^1 vulnerable package of 1 checked against the OSV folder osv: `gunicorn@22\.0\.0` \(GHSA-test-expr-9001\); 4 dependencies declared as a range with no lockfile could not be checked/);
    expect(vulns.findings).toHaveLength(1);
    expect(run.result.sections.dependencies!.vulnerable[0]).toMatchObject({ name: 'gunicorn', version: '22.0.0', file: 'requirements.txt', line: 3, upgrade: 'set `gunicorn==23.0.0` in requirements.txt and reinstall (`pip install -r requirements.txt`)' });
  });

  it('PARTIAL: one of two manifests locked, a minority unpinned, a bot for one ecosystem, only a low advisory', async () => {
    const run = await assessTree(
      {
        ...LOCKED_NPM,
        'worker/requirements.txt': 'celery==5.4.0\nredis==5.0.8\nkombu>=5\n',
        '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n',
      },
      dependencyAssessment,
      { inputs: { advisories: db([QS_ADVISORY]) } },
    );
    expect(run.row('Lockfiles')).toMatchObject({ status: 'PARTIAL' });
    expect(run.row('Lockfiles').notes).toBe('1 manifest with no lockfile or pins: `worker/requirements.txt`; pinned: `package.json` → `package-lock.json`');
    expect(run.row('Version Pinning')).toMatchObject({ status: 'PARTIAL', notes: '1 of 4 dependencies resolve afresh at every install (`kombu >=5`); 3 pinned' });
    expect(run.row('Dependency Updates')).toMatchObject({ status: 'PARTIAL', notes: 'update bot covers npm but not pip' });
    expect(run.row('Known Vulnerabilities')).toMatchObject({ status: 'PARTIAL' });
    expect(run.row('Known Vulnerabilities').notes).toMatch(/^1 vulnerable package of 4 checked against the OSV folder osv: `qs@6\.11\.0` \(GHSA-test-qs-9002\)/);
  });

  it('PARTIAL Dependency Updates with no bot when CI audits the dependencies', async () => {
    const run = await assessTree(
      { ...LOCKED_NPM, '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n      - run: npm audit --omit=dev\n' },
      dependencyAssessment,
    );
    expect(run.row('Dependency Updates')).toMatchObject({ status: 'PARTIAL', notes: 'no Dependabot or Renovate configuration; CI checks them for advisories (npm audit), but nothing opens upgrades' });
    expect(run.findings.find((f) => f.ruleId === 'dependency-update-bot-missing')?.severity).toBe('info');
    const vulns = run.row('Known Vulnerabilities');
    expect(vulns).toMatchObject({ status: 'UNKNOWN', evidence: [{ file: '.github/workflows/ci.yml', startLine: 8, note: 'CI runs npm audit' }] });
    expect(vulns.notes).toBe('not checked: no advisory database was given; CI runs npm audit, whose result the repository does not record');
  });

  it('UNKNOWN Known Vulnerabilities without a database, after a failed lookup, and when no version can be told', async () => {
    const none = await assessTree(LOCKED_NPM, dependencyAssessment);
    expect(none.row('Known Vulnerabilities')).toMatchObject({ status: 'UNKNOWN', notes: 'not checked: no advisory database was given' });
    expect(none.row('Known Vulnerabilities').howToKnow).toMatch(/--online.*--osv-db DIR/);
    expect(none.findings.some((f) => f.ruleId === 'dependency-known-vulnerability')).toBe(false);
    expect(none.result.sections.dependencies!.advisorySource.kind).toBe('none');

    const failed = await assessTree(LOCKED_NPM, dependencyAssessment, { inputs: { advisories: { source: { kind: 'osv-api', detail: 'http://127.0.0.1:1', error: 'the OSV API did not answer within 20 s' }, records: [] } } });
    expect(failed.row('Known Vulnerabilities')).toMatchObject({ status: 'UNKNOWN', notes: 'not checked: the OSV API did not answer within 20 s' });
    expect(failed.row('Known Vulnerabilities').howToKnow).toMatch(/^retry with network access/);

    const ranges = await assessTree({ 'requirements.txt': 'flask>=3\n' }, dependencyAssessment, { inputs: { advisories: db([]) } });
    expect(ranges.row('Known Vulnerabilities')).toMatchObject({ status: 'UNKNOWN' });
    expect(ranges.row('Known Vulnerabilities').notes).toMatch(/^no installed version can be told/);
  });

  it('N/A everywhere for a repository without manifests', async () => {
    const run = await assessTree({ 'main.py': 'print("hello")\n' }, dependencyAssessment);
    for (const name of ['Lockfiles', 'Version Pinning', 'Dependency Updates', 'Known Vulnerabilities']) expect(run.row(name).status).toBe('N/A');
  });

  it('reports an uncommitted or ignored lockfile as not a PASS', async () => {
    const untracked = await assessTree(LOCKED_NPM, dependencyAssessment, { untracked: ['package-lock.json'] });
    expect(untracked.row('Lockfiles')).toMatchObject({ status: 'FAIL', notes: '1 lockfile not committed; pinned: `package.json` → `package-lock.json`' });
    expect(untracked.findings.find((f) => f.ruleId === 'dependency-lockfile-missing')?.messageId).toBe('lockfileNotCommitted');
    // An ignored lockfile is not even discovered: the manifest has none.
    const ignored = await assessTree({ ...LOCKED_NPM, '.gitignore': 'package-lock.json\n' }, dependencyAssessment, { untracked: ['package-lock.json'] });
    expect(ignored.row('Lockfiles')).toMatchObject({ status: 'FAIL', notes: '1 manifest with no lockfile or pins: `package.json`' });
  });
});
