/**
 * Loading OSV records from a folder and from the OSV API. The API is a node:http server on
 * 127.0.0.1 that answers like api.osv.dev (querybatch → ids, vulns/{id} → records); no test
 * touches the internet. Records are TEST DATA: invented ids for invented vulnerabilities.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOsvDatabaseDir, loadOsvDatabase, OsvDatabaseError, queryOsvApi } from '../../src/facts/osv-sources.ts';
import type { OsvRecord } from '../../src/model/advisory.ts';

const LODASH: OsvRecord = {
  id: 'GHSA-test-lodash-0001',
  modified: '2025-03-04T05:06:07Z',
  summary: 'Prototype pollution (test data)',
  affected: [{ package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }],
};
const REQUESTS: OsvRecord = {
  id: 'PYSEC-2099-77',
  modified: '2025-06-01T00:00:00Z',
  affected: [{ package: { ecosystem: 'PyPI', name: 'requests' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.32.0' }] }] }],
};
const UNRELATED: OsvRecord = { id: 'GHSA-test-other-0002', affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, versions: ['1.0.0'] }] };
const GO_RECORD: OsvRecord = { id: 'GO-2099-1', affected: [{ package: { ecosystem: 'Go', name: 'lodash' }, versions: ['1.0.0'] }] };

describe('loadOsvDatabase', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'shipgate-osv-'));
    mkdirSync(path.join(dir, 'npm'));
    mkdirSync(path.join(dir, 'PyPI'));
    mkdirSync(path.join(dir, 'Go'));
    writeFileSync(path.join(dir, 'npm', `${LODASH.id}.json`), JSON.stringify(LODASH, null, 2));
    writeFileSync(path.join(dir, 'npm', `${UNRELATED.id}.json`), JSON.stringify(UNRELATED));
    writeFileSync(path.join(dir, 'PyPI', 'batch.json'), JSON.stringify({ vulns: [REQUESTS] }));
    writeFileSync(path.join(dir, 'Go', `${GO_RECORD.id}.json`), JSON.stringify(GO_RECORD));
    writeFileSync(path.join(dir, 'npm', 'broken.json'), '{ "id": "x", "affected": [ {"package": {"name": "lodash"');
    writeFileSync(path.join(dir, 'README.txt'), 'not a record');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps only records naming the repository packages, per ecosystem folder, and counts bad files', async () => {
    const data = await loadOsvDatabase(dir, [
      { ecosystem: 'npm', name: 'lodash', version: '4.17.20' },
      { ecosystem: 'pypi', name: 'requests', version: '2.31.0' },
    ], 'osv');
    expect(data.records.map((r) => r.id)).toEqual(['GHSA-test-lodash-0001', 'PYSEC-2099-77']);
    expect(data.source).toEqual({ kind: 'osv-db', detail: 'osv (4 record files, newest record modified 2025-06-01; 1 file could not be read as OSV records)', checked: 2 });
  });

  it('reads a flat folder too, and skips an ecosystem folder the repository does not use', async () => {
    const data = await loadOsvDatabase(dir, [{ ecosystem: 'npm', name: 'lodash', version: '1.0.0' }], 'osv');
    expect(data.records.map((r) => r.id)).toEqual(['GHSA-test-lodash-0001']);
    expect(data.source.detail).toMatch(/^osv \(3 record files/);
    const flat = mkdtempSync(path.join(tmpdir(), 'shipgate-osv-flat-'));
    try {
      writeFileSync(path.join(flat, 'all.json'), JSON.stringify([LODASH, UNRELATED]));
      const flatData = await loadOsvDatabase(flat, [{ ecosystem: 'npm', name: 'lodash', version: '1.0.0' }]);
      expect(flatData.records.map((r) => r.id)).toEqual(['GHSA-test-lodash-0001']);
    } finally {
      rmSync(flat, { recursive: true, force: true });
    }
  });

  it('rejects a missing folder, a file, and a folder without records', async () => {
    await expect(checkOsvDatabaseDir(path.join(dir, 'nope'))).rejects.toThrow(/no such folder/);
    await expect(checkOsvDatabaseDir(path.join(dir, 'README.txt'))).rejects.toThrow(/not a folder/);
    const empty = mkdtempSync(path.join(tmpdir(), 'shipgate-osv-empty-'));
    try {
      await expect(checkOsvDatabaseDir(empty)).rejects.toBeInstanceOf(OsvDatabaseError);
      await expect(checkOsvDatabaseDir(empty)).rejects.toThrow(/no \.json files/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    await expect(checkOsvDatabaseDir(dir)).resolves.toBeUndefined();
  });
});

describe('queryOsvApi against a local server', () => {
  let server: Server;
  let url: string;
  const seen: { method: string; path: string; body?: unknown }[] = [];
  let mode: 'ok' | 'slow' | 'error' | 'garbage' = 'ok';

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', path: req.url ?? '', ...(body ? { body: JSON.parse(body) } : {}) });
        if (mode === 'slow') return; // never answers: the client's deadline must fire
        if (mode === 'error') {
          res.writeHead(503).end('unavailable');
          return;
        }
        if (mode === 'garbage') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('<html>');
          return;
        }
        if (req.url === '/v1/querybatch') {
          const queries = (JSON.parse(body) as { queries: { package: { name: string }; version: string; page_token?: string }[] }).queries;
          const results = queries.map((q) => {
            if (q.package.name === 'lodash') return q.page_token ? { vulns: [{ id: 'GHSA-test-lodash-0003' }] } : { vulns: [{ id: LODASH.id, modified: LODASH.modified }], next_page_token: 'p2' };
            if (q.package.name === 'requests') return { vulns: [{ id: REQUESTS.id }] };
            return {};
          });
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
          return;
        }
        const id = decodeURIComponent((req.url ?? '').replace('/v1/vulns/', ''));
        const record = [LODASH, REQUESTS, { ...LODASH, id: 'GHSA-test-lodash-0003' }].find((r) => r.id === id);
        if (!record) {
          res.writeHead(404).end('{}');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const packages = [
    { ecosystem: 'npm' as const, name: 'lodash', version: '4.17.20' },
    { ecosystem: 'pypi' as const, name: 'requests', version: '2.31.0' },
    { ecosystem: 'npm' as const, name: 'lodash', version: '4.17.20' },
    { ecosystem: 'npm' as const, name: 'express', version: '4.21.2' },
  ];

  it('batches the queries, follows page tokens, and fetches each advisory once', async () => {
    mode = 'ok';
    seen.length = 0;
    const data = await queryOsvApi(packages, { url, timeoutMs: 5000 });
    expect(data.source).toEqual({ kind: 'osv-api', detail: url, checked: 3 });
    expect(data.records.map((r) => r.id)).toEqual(['GHSA-test-lodash-0001', 'GHSA-test-lodash-0003', 'PYSEC-2099-77']);
    const batches = seen.filter((s) => s.path === '/v1/querybatch');
    expect(batches).toHaveLength(2);
    expect(batches[0].body).toEqual({
      queries: [
        { package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.20' },
        { package: { name: 'requests', ecosystem: 'PyPI' }, version: '2.31.0' },
        { package: { name: 'express', ecosystem: 'npm' }, version: '4.21.2' },
      ],
    });
    expect(batches[1].body).toEqual({ queries: [{ package: { name: 'lodash', ecosystem: 'npm' }, version: '4.17.20', page_token: 'p2' }] });
    expect(seen.filter((s) => s.method === 'GET').map((s) => s.path).sort()).toEqual(['/v1/vulns/GHSA-test-lodash-0001', '/v1/vulns/GHSA-test-lodash-0003', '/v1/vulns/PYSEC-2099-77']);
  });

  it('gives up at the deadline with a clear message', async () => {
    mode = 'slow';
    const started = Date.now();
    await expect(queryOsvApi(packages, { url, timeoutMs: 300 })).rejects.toThrow('the OSV API did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports HTTP errors, invalid answers and unreachable servers', async () => {
    mode = 'error';
    await expect(queryOsvApi(packages, { url, timeoutMs: 2000 })).rejects.toThrow('the OSV API answered HTTP 503 for /v1/querybatch');
    mode = 'garbage';
    await expect(queryOsvApi(packages, { url, timeoutMs: 2000 })).rejects.toThrow('the OSV API answered /v1/querybatch with invalid JSON');
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(queryOsvApi(packages, { url: `http://127.0.0.1:${port}`, timeoutMs: 2000 })).rejects.toThrow(/could not be reached \(ECONNREFUSED\)/);
  });
});
