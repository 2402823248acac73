/**
 * OSV matching on records written for these tests (TEST DATA: the ids and vulnerabilities are
 * invented; the package names are real so ecosystem rules apply). Each case pins one rule of the
 * OSV schema's evaluation.
 */
import { describe, expect, it } from 'vitest';
import type { OsvRecord } from '../../src/model/advisory.ts';
import { affectsVersion, indexAdvisories, matchAdvisories, severityOf } from '../../src/facts/osv-match.ts';

const rec = (r: Partial<OsvRecord> & { id: string }): OsvRecord => ({ modified: '2025-01-01T00:00:00Z', ...r });

describe('OSV range evaluation', () => {
  it('SEMVER range with introduced/fixed: the fixed version and later are safe', () => {
    const affected = { package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] };
    expect(affectsVersion(affected, 'npm', '4.17.20')).toEqual({ affected: true, fixed: '4.17.21' });
    expect(affectsVersion(affected, 'npm', '4.17.21').affected).toBe(false);
    expect(affectsVersion(affected, 'npm', '5.0.0').affected).toBe(false);
    expect(affectsVersion(affected, 'npm', '0.1.0').affected).toBe(true);
  });

  it('several intervals in one range, events out of order', () => {
    const affected = {
      package: { ecosystem: 'npm', name: 'express' },
      ranges: [{ type: 'SEMVER', events: [{ fixed: '4.19.2' }, { introduced: '5.0.0-alpha.1' }, { introduced: '0' }, { fixed: '5.0.0-beta.3' }] }],
    };
    expect(affectsVersion(affected, 'npm', '4.18.2')).toEqual({ affected: true, fixed: '4.19.2' });
    expect(affectsVersion(affected, 'npm', '4.19.2').affected).toBe(false);
    expect(affectsVersion(affected, 'npm', '5.0.0-beta.1')).toEqual({ affected: true, fixed: '5.0.0-beta.3' });
    expect(affectsVersion(affected, 'npm', '5.0.0').affected).toBe(false);
  });

  it('last_affected is inclusive and gives no fixed version', () => {
    const affected = { package: { ecosystem: 'PyPI', name: 'jinja2' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '2.0' }, { last_affected: '3.1.2' }] }] };
    expect(affectsVersion(affected, 'pypi', '3.1.2')).toEqual({ affected: true, lastAffected: '3.1.2' });
    expect(affectsVersion(affected, 'pypi', '3.1.3').affected).toBe(false);
    expect(affectsVersion(affected, 'pypi', '1.9').affected).toBe(false);
  });

  it('ECOSYSTEM ranges on PyPI follow PEP 440 ordering (pre-releases, post-releases, epochs, normalisation)', () => {
    const affected = { package: { ecosystem: 'PyPI', name: 'django' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '4.2a1' }, { fixed: '4.2.11' }] }] };
    expect(affectsVersion(affected, 'pypi', '4.2rc1').affected).toBe(true);
    expect(affectsVersion(affected, 'pypi', '4.2.10.post1').affected).toBe(true);
    expect(affectsVersion(affected, 'pypi', '4.2.11').affected).toBe(false);
    expect(affectsVersion(affected, 'pypi', '4.2.11.post1').affected).toBe(false);
    expect(affectsVersion(affected, 'pypi', '4.1.9').affected).toBe(false);
    // 4.10 is newer than 4.9 (not a string comparison)
    const numeric = { package: { ecosystem: 'PyPI', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.10' }] }] };
    expect(affectsVersion(numeric, 'pypi', '4.9').affected).toBe(true);
    expect(affectsVersion(numeric, 'pypi', '4.10.0').affected).toBe(false);
    const epoch = { package: { ecosystem: 'PyPI', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1!1.0' }] }] };
    expect(affectsVersion(epoch, 'pypi', '2024.1').affected).toBe(true);
  });

  it('explicit versions lists match without ranges, GIT ranges are not evaluated', () => {
    const affected = {
      package: { ecosystem: 'PyPI', name: 'pillow' },
      ranges: [{ type: 'GIT', repo: 'https://github.com/python-pillow/Pillow', events: [{ introduced: '0' }, { fixed: '6d2c9a8e' }] }, { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '10.2.0' }] }],
      versions: ['9.5.0', '10.0.0', '10.1.0'],
    };
    expect(affectsVersion(affected, 'pypi', '10.0.0')).toEqual({ affected: true, fixed: '10.2.0' });
    const listOnly = { package: { ecosystem: 'PyPI', name: 'pillow' }, versions: ['9.5.0'] };
    expect(affectsVersion(listOnly, 'pypi', '9.5.0')).toEqual({ affected: true });
    expect(affectsVersion(listOnly, 'pypi', '9.5.1').affected).toBe(false);
  });

  it('limit events bound a range', () => {
    const affected = { package: { ecosystem: 'npm', name: 'x' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { limit: '2.0.0' }] }] };
    expect(affectsVersion(affected, 'npm', '1.5.0').affected).toBe(true);
    expect(affectsVersion(affected, 'npm', '2.0.0').affected).toBe(false);
  });
});

describe('matching records to package versions', () => {
  const records: OsvRecord[] = [
    rec({
      id: 'GHSA-test-0001-aaaa',
      aliases: ['CVE-2099-0001'],
      summary: 'Prototype pollution in merge (test data)',
      affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }],
      database_specific: { severity: 'HIGH' },
    }),
    rec({
      id: 'PYSEC-2099-1',
      aliases: ['CVE-2099-0002', 'GHSA-test-0002-bbbb'],
      details: 'A crafted header makes the parser loop forever. Upgrade.',
      affected: [{ package: { ecosystem: 'PyPI', name: 'Flask_Cors' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.0.1' }] }] }],
    }),
    rec({
      id: 'GHSA-test-0002-bbbb',
      aliases: ['CVE-2099-0002'],
      summary: 'Denial of service in flask-cors (test data)',
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
      affected: [{ package: { ecosystem: 'PyPI', name: 'flask-cors' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.0.0' }, { fixed: '4.0.2' }] }] }],
    }),
    rec({
      id: 'GHSA-test-0003-cccc',
      withdrawn: '2025-02-01T00:00:00Z',
      summary: 'Withdrawn: not a vulnerability (test data)',
      affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }] }],
    }),
    rec({
      id: 'GHSA-test-0004-dddd',
      summary: 'Same name, other ecosystem (test data)',
      affected: [{ package: { ecosystem: 'PyPI', name: 'lodash' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }],
    }),
    rec({ id: 'MAL-2099-9', summary: 'Malicious code in event-streamz (test data)', affected: [{ package: { ecosystem: 'npm', name: 'event-streamz' }, versions: ['1.0.0'] }] }),
  ];
  const index = indexAdvisories(records);

  it('matches by ecosystem and normalised name, skips withdrawn records', () => {
    const hits = matchAdvisories(index, { ecosystem: 'npm', name: 'lodash', version: '4.17.20' });
    expect(hits).toEqual([
      {
        ids: ['GHSA-test-0001-aaaa', 'CVE-2099-0001'],
        summary: 'Prototype pollution in merge (test data)',
        severity: 'high',
        severitySource: 'GitHub: HIGH',
        fixedIn: '4.17.21',
        url: 'https://osv.dev/vulnerability/GHSA-test-0001-aaaa',
      },
    ]);
    expect(matchAdvisories(index, { ecosystem: 'npm', name: 'lodash', version: '4.17.21' })).toEqual([]);
  });

  it('merges records that alias each other, keeps the highest fix and the GHSA id first', () => {
    const hits = matchAdvisories(index, { ecosystem: 'pypi', name: 'flask-cors', version: '3.0.10' });
    expect(hits).toHaveLength(1);
    expect(hits[0].ids).toEqual(['GHSA-test-0002-bbbb', 'PYSEC-2099-1', 'CVE-2099-0002']);
    expect(hits[0].fixedIn).toBe('4.0.2');
    expect(hits[0].severity).toBe('high');
    expect(hits[0].severitySource).toMatch(/^CVSS 7\.5 /);
    expect(hits[0].summary).toBe('Denial of service in flask-cors (test data)');
    // Only the PYSEC record's range covers 2.x: one record, its own fix.
    const old = matchAdvisories(index, { ecosystem: 'pypi', name: 'Flask.CORS', version: '2.1.0' });
    expect(old.map((h) => [h.ids[0], h.fixedIn, h.severity, h.summary])).toEqual([['PYSEC-2099-1', '4.0.1', 'medium', 'A crafted header makes the parser loop forever.']]);
  });

  it('malicious package reports are critical', () => {
    expect(matchAdvisories(index, { ecosystem: 'npm', name: 'event-streamz', version: '1.0.0' })[0]).toMatchObject({ severity: 'critical', severitySource: 'malicious package' });
  });

  it('rates severity from GitHub, CVSS v4/v3/v2 vectors, or not at all', () => {
    expect(severityOf(rec({ id: 'a', database_specific: { severity: 'MODERATE' } })).severity).toBe('medium');
    expect(severityOf(rec({ id: 'b', severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }] }))).toMatchObject({ severity: 'critical' });
    expect(severityOf(rec({ id: 'c', severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:M/Au:N/C:N/I:P/A:N' }] })).severity).toBe('medium');
    expect(severityOf(rec({ id: 'd', severity: [{ type: 'CVSS_V3', score: 'not a vector' }] }))).toMatchObject({ severity: 'medium', source: 'not rated' });
  });
});
