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

  it('of a finding anchored on a route follow the route, not its decorator lines', async () => {
    const route = (decorators: string) => ({
      'requirements.txt': 'flask==3.0.3\n',
      'app.py': `import functools\n\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\ndef traced(view):\n    @functools.wraps(view)\n    def wrapper(*args, **kwargs):\n        return view(*args, **kwargs)\n    return wrapper\n\n\n@app.post("/items/<item_id>/archive")\n${decorators}def archive(item_id):\n    return {"archived": item_id}\n`,
    });
    const plain = await findingsOf(route(''));
    const decorated = await findingsOf(route('@traced\n'));
    expect(plain).toHaveLength(1);
    expect(decorated.map((f) => f.location.snippet)).not.toEqual(plain.map((f) => f.location.snippet));
    expect(decorated.map((f) => f.fingerprint)).toEqual(plain.map((f) => f.fingerprint));
    // A different route in the same place is a different finding.
    const renamed = await findingsOf({ ...route(''), 'app.py': route('')['app.py'].replace('/archive', '/restore') });
    expect(renamed.map((f) => f.fingerprint)).not.toEqual(plain.map((f) => f.fingerprint));
  });
});
