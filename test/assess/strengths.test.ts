/**
 * Strengths are claimed only from evidence: a count and the places, and for "no problem found"
 * strengths only when the rule that would have found the problem ran and something was there to
 * judge.
 */
import { describe, expect, it } from 'vitest';
import { auditTree } from '../support/operations-tree.ts';

const PYPROJECT = '[project]\nname = "orders-api"\nversion = "1.0.0"\ndependencies = ["fastapi==0.115.0", "asyncpg==0.29.0", "sentry-sdk==2.14.0", "prometheus-fastapi-instrumentator==7.0.0"]\n';
const APP = [
  'import os',
  '',
  'import asyncpg',
  'import sentry_sdk',
  'from fastapi import Depends, FastAPI',
  'from prometheus_fastapi_instrumentator import Instrumentator',
  '',
  'from app.auth import get_current_user',
  '',
  'sentry_sdk.init(dsn=os.environ["SENTRY_DSN"], send_default_pii=False)',
  'app = FastAPI()',
  'Instrumentator().instrument(app).expose(app)',
  'DATABASE_URL = os.environ["DATABASE_URL"]',
  'JWT_SECRET = os.environ["JWT_SECRET"]',
  '',
  '',
  '@app.get("/orders")',
  'async def list_orders(user=Depends(get_current_user)):',
  '    conn = await asyncpg.connect(DATABASE_URL)',
  '    return await conn.fetch("SELECT id FROM orders WHERE owner = $1", user.id)',
  '',
  '',
  '@app.get("/orders/{order_id}")',
  'async def get_order(order_id: int, user=Depends(get_current_user)):',
  '    conn = await asyncpg.connect(DATABASE_URL)',
  '    return await conn.fetchrow("SELECT id FROM orders WHERE id = $1 AND owner = $2", order_id, user.id)',
  '',
  '',
  '@app.delete("/orders/{order_id}")',
  'async def delete_order(order_id: int, user=Depends(get_current_user)):',
  '    conn = await asyncpg.connect(DATABASE_URL)',
  '    await conn.execute("DELETE FROM orders WHERE id = $1 AND owner = $2", order_id, user.id)',
  '',
  '',
  '@app.get("/healthz")',
  'async def healthz():',
  '    return {"status": "ok"}',
  '',
].join('\n');
const AUTH = 'from fastapi import Header, HTTPException\n\n\nasync def get_current_user(authorization: str = Header()):\n    if not authorization:\n        raise HTTPException(status_code=401)\n    return authorization\n';

describe('strengths', () => {
  it('lists evidence-based strengths with counts and places, sorted by area', async () => {
    const report = await auditTree({ 'pyproject.toml': PYPROJECT, 'app/main.py': APP, 'app/auth.py': AUTH });
    const titles = report.strengths!.map((s) => s.title);
    expect(titles).toEqual(expect.arrayContaining(['Parameterised queries everywhere', 'Every route behind authentication', 'Secrets read from the environment', 'Sentry and Prometheus instrumented', 'OpenAPI documentation']));
    const queries = report.strengths!.find((s) => s.title === 'Parameterised queries everywhere')!;
    expect(queries.detail).toMatch(/^3 SQL calls pass parameters separately/);
    expect(queries.evidence.map((e) => e.startLine)).toEqual([20, 26, 32]);
    const auth = report.strengths!.find((s) => s.title === 'Every route behind authentication')!;
    expect(auth.detail).toMatch(/^3 of 4 routes require authentication .*public by design \(GET \/healthz\)/);
    const secrets = report.strengths!.find((s) => s.title === 'Secrets read from the environment')!;
    expect(secrets.detail).toMatch(/3 secret settings \(SENTRY_DSN, DATABASE_URL, JWT_SECRET\)/);
    const areas = report.strengths!.map((s) => s.area);
    expect(areas).toEqual([...areas].sort((a, b) => ['security', 'infrastructure', 'testing', 'data-model', 'concurrency', 'code-health', 'completeness', 'compliance', 'documentation'].indexOf(a) - ['security', 'infrastructure', 'testing', 'data-model', 'concurrency', 'code-health', 'completeness', 'compliance', 'documentation'].indexOf(b)));
  });

  it('claims no "no problem" strength when the rule found the problem', async () => {
    const flawed = APP.replace('await conn.fetch("SELECT id FROM orders WHERE owner = $1", user.id)', 'await conn.fetch(f"SELECT id FROM orders WHERE owner = \'{user.id}\' AND status = \'{status}\'")').replace('async def list_orders(user=Depends(get_current_user)):', 'async def list_orders(status: str, user=Depends(get_current_user)):');
    const open = flawed.replace('async def delete_order(order_id: int, user=Depends(get_current_user)):', 'async def delete_order(order_id: int):').replace('order_id, user.id)\n\n\n@app.get("/healthz")', 'order_id, 0)\n\n\n@app.get("/healthz")');
    const report = await auditTree({ 'pyproject.toml': PYPROJECT, 'app/main.py': open, 'app/auth.py': AUTH });
    expect(report.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['sql-string-interpolation', 'route-missing-auth']));
    const titles = report.strengths!.map((s) => s.title);
    expect(titles).not.toContain('Parameterised queries everywhere');
    expect(titles).not.toContain('Every route behind authentication');
  });

  it('claims nothing from an absence alone: no routes, no queries, no strengths about them', async () => {
    const report = await auditTree({ 'pyproject.toml': '[project]\nname = "tool"\nversion = "1.0.0"\n', 'tool/cli.py': 'def main():\n    print("hello")\n' });
    expect(report.strengths).toEqual([]);
  });
});
