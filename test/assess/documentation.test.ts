/** Every documentation row proven PASS, PARTIAL and FAIL (and N/A where nothing applies). */
import { describe, expect, it } from 'vitest';
import type { ScorecardStatus } from '../../src/model/audit-report.ts';
import { assessTree, rowOf } from '../support/operations-tree.ts';

const PY = { 'pyproject.toml': '[project]\nname = "orders-api"\nversion = "1.0.0"\ndependencies = ["fastapi==0.115.0"]\n' };
const APP = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/orders")\nasync def orders():\n    return []\n';
const EXPRESS = {
  'package.json': '{ "name": "orders", "dependencies": { "express": "4.21.0" } }\n',
  'src/server.js': "const express = require('express');\nconst app = express();\napp.get('/orders', (q, s) => s.json([]));\napp.post('/orders', (q, s) => s.json({}));\napp.get('/orders/:id', (q, s) => s.json({}));\napp.listen(3000);\n",
};
const GOOD_README = '# Orders\n\nTakes orders.\n\n## Setup\n\n```bash\npip install -e .\ncp .env.example .env\n```\n\n## Run\n\n```bash\nuvicorn app.main:app --reload\n```\n\n## Test\n\n```bash\npytest\n```\n';

async function expectRow(files: Record<string, string>, name: string, status: ScorecardStatus, notes?: RegExp) {
  const r = rowOf(await assessTree(files), 'documentation', name);
  expect(r.status, `${name}: ${r.notes}`).toBe(status);
  if (notes) expect(r.notes).toMatch(notes);
  return r;
}

describe('documentation assessment', () => {
  it('has the six documentation rows in order', async () => {
    const result = await assessTree({ ...PY, 'app/main.py': APP });
    expect(result.scorecards.documentation.map((r) => r.name)).toEqual(['README', 'API Documentation', 'Deployment Guide', 'Security Policy', 'Changelog', 'Architecture Notes']);
  });

  describe('README', () => {
    it('PASS: setup, run and test instructions, with the headings as evidence', async () => {
      const r = await expectRow({ ...PY, 'app/main.py': APP, 'README.md': GOOD_README }, 'README', 'PASS', /covers setup, run, test/);
      expect(r.evidence?.map((e) => e.startLine)).toEqual([1, 5, 12, 18]);
    });
    it('PARTIAL: no run instructions', () => expectRow({ ...PY, 'app/main.py': APP, 'README.md': '# Orders\n\nTakes orders from the shop.\n\n## Install\n\n```bash\npip install -e .\n```\n\nMore later.\n' }, 'README', 'PARTIAL', /nothing on how to run/));
    it('PARTIAL: a stub', () => expectRow({ ...PY, 'app/main.py': APP, 'README.md': '# Orders\n\n## Setup\n\n`pip install -e .` then `uvicorn app.main:app`\n' }, 'README', 'PARTIAL', /too short/));
    it('FAIL: no README', () => expectRow({ ...PY, 'app/main.py': APP }, 'README', 'FAIL'));
  });

  describe('API Documentation', () => {
    it("PASS: FastAPI's default /docs", () => expectRow({ ...PY, 'app/main.py': APP }, 'API Documentation', 'PASS', /at \/docs/));
    it('PASS: a committed OpenAPI spec', () => expectRow({ ...EXPRESS, 'openapi.yaml': 'openapi: 3.1.0\ninfo:\n  title: Orders\n  version: 1.0.0\npaths: {}\n' }, 'API Documentation', 'PASS', /committed OpenAPI 3\.1\.0 spec openapi\.yaml/));
    it('PARTIAL: hand-written API docs only', () => expectRow({ ...EXPRESS, 'docs/api.md': '# API\n\n## GET /orders\n\nLists orders.\n' }, 'API Documentation', 'PARTIAL', /written by hand/));
    it('FAIL: an Express API with no schema', () => expectRow(EXPRESS, 'API Documentation', 'FAIL', /3 API routes/));
    it('N/A: server-rendered pages only', () =>
      expectRow({ 'requirements.txt': 'flask==3.0.3\n', 'app.py': 'from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n@app.get("/")\ndef index():\n    return render_template("index.html")\n' }, 'API Documentation', 'N/A'));
  });

  describe('Deployment Guide', () => {
    const DOCKERFILE = 'FROM python:3.12-slim\nUSER nobody\nCMD ["uvicorn", "app.main:app"]\n';
    it('PASS: docs/deploy.md', () => expectRow({ ...PY, 'app/main.py': APP, Dockerfile: DOCKERFILE, 'docs/deploy.md': '# Deploy\n\nSteps.\n' }, 'Deployment Guide', 'PASS', /docs\/deploy\.md/));
    it('PASS: a README deployment section with substance', () =>
      expectRow({ ...PY, 'app/main.py': APP, Dockerfile: DOCKERFILE, 'README.md': `${GOOD_README}\n## Deployment\n\n1. CI builds the image.\n2. Approve the production environment.\n3. Check /healthz.\n4. Roll back by redeploying the previous tag.\n` }, 'Deployment Guide', 'PASS', /README section "Deployment"/));
    it('PARTIAL: a one-line deployment section', () => expectRow({ ...PY, 'app/main.py': APP, Dockerfile: DOCKERFILE, 'README.md': `${GOOD_README}\n## Deployment\n\nWe use Docker.\n` }, 'Deployment Guide', 'PARTIAL', /only a few lines/));
    it('FAIL: deployment configuration without a guide', () => expectRow({ ...PY, 'app/main.py': APP, Dockerfile: DOCKERFILE }, 'Deployment Guide', 'FAIL', /holds deployment configuration/));
    it('N/A: nothing is deployed from the repository', () => expectRow({ 'lib/util.py': 'def f():\n    return 1\n' }, 'Deployment Guide', 'N/A'));
  });

  describe('Security Policy', () => {
    it('PASS: SECURITY.md with a reporting channel', () => expectRow({ ...PY, 'app/main.py': APP, 'SECURITY.md': '# Security\n\nReport vulnerabilities to security@example.com.\nWe answer within two working days.\n' }, 'Security Policy', 'PASS'));
    it('PARTIAL: a stub', () => expectRow({ ...PY, 'app/main.py': APP, '.github/SECURITY.md': '# Security\n' }, 'Security Policy', 'PARTIAL'));
    it('FAIL: none', () => expectRow({ ...PY, 'app/main.py': APP }, 'Security Policy', 'FAIL'));
  });

  describe('Changelog', () => {
    it('PASS: release entries', () => expectRow({ ...PY, 'app/main.py': APP, 'CHANGELOG.md': '# Changelog\n\n## [1.1.0] - 2024-09-01\n\n- Refunds.\n\n## [1.0.0] - 2024-08-01\n\n- First release.\n' }, 'Changelog', 'PASS', /2 releases/));
    it('PASS: release tooling writes it', () => expectRow({ ...PY, 'app/main.py': APP, 'release-please-config.json': '{ "packages": { ".": {} } }\n' }, 'Changelog', 'PASS', /release-please/));
    it('PARTIAL: a changelog with no release entries', () => expectRow({ ...PY, 'app/main.py': APP, 'CHANGELOG.md': '# Changelog\n\nNothing yet.\n' }, 'Changelog', 'PARTIAL'));
    it('FAIL: none', () => expectRow({ ...PY, 'app/main.py': APP }, 'Changelog', 'FAIL'));
  });

  describe('Architecture Notes', () => {
    it('PASS: architecture decision records', () => expectRow({ ...PY, 'app/main.py': APP, 'docs/adr/0001-use-postgres.md': '# Use PostgreSQL\n\nDecided.\n' }, 'Architecture Notes', 'PASS', /decision record/));
    it('PARTIAL: a README section only', () => expectRow({ ...PY, 'app/main.py': APP, 'README.md': `${GOOD_README}\n## Architecture\n\nOne FastAPI service.\nPostgreSQL behind it.\nRedis for the rate limiter.\n` }, 'Architecture Notes', 'PARTIAL'));
    it('FAIL: none', () => expectRow({ ...PY, 'app/main.py': APP }, 'Architecture Notes', 'FAIL'));
  });
});
