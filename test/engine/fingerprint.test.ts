import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { writeTree } from '../support/fixture-case.ts';

const app = (header: string) => ({
  'requirements.txt': 'fastapi==0.115.0\n',
  'main.py': `${header}from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.delete("/items/{item_id}")\nasync def delete_item(item_id: str):\n    return {"deleted": item_id}\n\n@app.post("/items")\nasync def create_item(item: dict):\n    return item\n`,
});

async function findingsOf(files: Record<string, string>) {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-fp-'));
  try {
    writeTree(root, files);
    return (await audit({ root, only: ['route-missing-auth'] })).findings;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('fingerprints', () => {
  it('stay the same when unrelated lines above move, and differ between findings', async () => {
    const before = await findingsOf(app(''));
    const after = await findingsOf(app('"""Items service."""\nimport logging\n\nlogger = logging.getLogger(__name__)\n\n'));
    expect(before.length).toBe(2);
    expect(after.map((f) => f.location.startLine)).not.toEqual(before.map((f) => f.location.startLine));
    expect(after.map((f) => f.fingerprint).sort()).toEqual(before.map((f) => f.fingerprint).sort());
    expect(new Set(before.map((f) => f.fingerprint)).size).toBe(2);
  });
});
