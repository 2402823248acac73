/**
 * The route control matrix on small apps: each control `yes` from positive evidence, `no` linked
 * to the finding behind it (or with the reason when no rule reports that route), `n/a` where the
 * control does not apply, `unknown` where the code cannot tell — and the rollup into the rows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import type { AuditReport, RouteSummary } from '../../src/model/audit-report.ts';
import { writeTree } from '../support/fixture-case.ts';

async function auditTree(files: Record<string, string>): Promise<AuditReport> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-controls-'));
  try {
    writeTree(root, files);
    return await audit({ root, gitHistory: false });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const route = (report: AuditReport, method: string, p: string): RouteSummary => {
  const found = report.routes.find((r) => r.method === method && r.path === p);
  if (!found) throw new Error(`no route ${method} ${p} in ${report.routes.map((r) => `${r.method} ${r.path}`).join(', ')}`);
  return found;
};
const row = (report: AuditReport, name: string) => Object.values(report.scorecards).flat().find((r) => r.name === name);

const FASTAPI_OPEN = {
  'requirements.txt': 'fastapi==0.115.0\nopenai==1.51.0\n',
  'app/main.py': [
    'from typing import Any',
    'from fastapi import FastAPI, UploadFile',
    'from openai import AsyncOpenAI',
    'from pydantic import BaseModel',
    '',
    'app = FastAPI()',
    'client = AsyncOpenAI()',
    '',
    '',
    'class NoteIn(BaseModel):',
    '    text: str',
    '',
    '',
    '@app.get("/health")',
    'async def health():',
    '    return {"ok": True}',
    '',
    '',
    '@app.post("/notes")',
    'async def create_note(note: NoteIn):',
    '    return {"text": note.text}',
    '',
    '',
    '@app.put("/notes/{note_id}")',
    'async def update_note(note_id: int, payload: dict[str, Any]):',
    '    return payload',
    '',
    '',
    '@app.post("/chat")',
    'async def chat(note: NoteIn):',
    '    reply = await client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": note.text}])',
    '    return {"reply": reply.choices[0].message.content}',
    '',
    '',
    '@app.post("/users/{user_id}/avatar")',
    'async def upload_avatar(user_id: int, file: UploadFile):',
    '    data = await file.read()',
    '    with open(f"/srv/media/{user_id}.png", "wb") as out:',
    '        out.write(data)',
    '    return {"ok": True}',
    '',
  ].join('\n'),
};

describe('route control matrix', () => {
  it('marks what an open FastAPI app lacks, linked to the findings, and what does not apply', async () => {
    const report = await auditTree(FASTAPI_OPEN);
    const findingOf = (id: string | undefined) => report.findings.find((f) => f.id === id);

    const create = route(report, 'POST', '/notes').controls!;
    expect(create.authentication?.state).toBe('no');
    expect(findingOf(create.authentication?.finding)?.ruleId).toBe('route-missing-auth');
    expect(create.authorization).toMatchObject({ state: 'no', note: 'no authenticated caller to authorize' });
    expect(create.inputSchema).toMatchObject({ state: 'yes', note: 'NoteIn' });
    expect(create.rateLimit).toMatchObject({ state: 'no', note: 'no rate limiter in the application' });
    expect(create.csrf).toMatchObject({ state: 'n/a', note: 'no cookie-based authentication' });
    expect(create.uploadLimit?.state).toBe('n/a');

    // The raw dict body: request-body-unvalidated reports it, and the matrix links that finding.
    const update = route(report, 'PUT', '/notes/{note_id}').controls!.inputSchema!;
    expect(update.state).toBe('no');
    expect(findingOf(update.finding)?.ruleId).toBe('request-body-unvalidated');

    const chat = route(report, 'POST', '/chat').controls!;
    expect(chat.rateLimit?.state).toBe('no');
    expect(findingOf(chat.rateLimit?.finding)?.messageId).toBe('noRateLimitPaidApi');

    const health = route(report, 'GET', '/health').controls!;
    expect(health.authentication).toMatchObject({ state: 'n/a', note: 'public by design' });
    expect(health.rateLimit?.state).toBe('n/a');
    expect(health.inputSchema?.state).toBe('n/a');
    expect(health.auditLog?.state).toBe('n/a');

    const upload = route(report, 'POST', '/users/{user_id}/avatar').controls!;
    expect(upload.uploadLimit?.state).toBe('no');
    expect(findingOf(upload.uploadLimit?.finding)?.messageId).toBe('noSizeLimit');
    // Names a user: personal data, and the app writes no audit log anywhere.
    expect(upload.auditLog).toMatchObject({ state: 'no', note: 'the application writes no audit log' });

    expect(row(report, 'Rate Limiting')?.notes).toMatch(/^rate-limited: 0 of 4 routes; /);
    expect(row(report, 'File Upload Security')?.notes).toMatch(/^upload size limit: 0 of 1 upload route; /);
    expect(row(report, 'CSRF Protection')?.notes).toMatch(/^no cookie-based authentication, so CSRF does not apply/);
  });

  it('marks what a guarded, limited, validated FastAPI app has', async () => {
    const report = await auditTree({
      'requirements.txt': 'fastapi==0.115.0\nslowapi==0.1.9\n',
      'app/auth.py': 'from fastapi import Header, HTTPException\n\nasync def get_current_user(authorization: str = Header()):\n    if not authorization:\n        raise HTTPException(401)\n    return authorization\n\nasync def require_admin(authorization: str = Header()):\n    return authorization\n',
      'app/main.py': [
        'from fastapi import APIRouter, Depends, FastAPI, Request, UploadFile, HTTPException',
        'from pydantic import BaseModel',
        'from slowapi import Limiter',
        'from slowapi.middleware import SlowAPIMiddleware',
        'from slowapi.util import get_remote_address',
        'from app.auth import get_current_user, require_admin',
        '',
        'limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])',
        'app = FastAPI()',
        'app.state.limiter = limiter',
        'app.add_middleware(SlowAPIMiddleware)',
        'router = APIRouter(prefix="/api", dependencies=[Depends(get_current_user)])',
        'MAX_BYTES = 1024 * 1024',
        '',
        '',
        'class NoteIn(BaseModel):',
        '    text: str',
        '',
        '',
        '@router.post("/notes")',
        'async def create_note(note: NoteIn):',
        '    return {"text": note.text}',
        '',
        '',
        '@router.delete("/admin/notes/{note_id}", dependencies=[Depends(require_admin)])',
        'async def delete_note(note_id: int):',
        '    return {"deleted": note_id}',
        '',
        '',
        '@router.post("/files")',
        'async def upload(file: UploadFile):',
        '    data = await file.read(MAX_BYTES + 1)',
        '    if len(data) > MAX_BYTES:',
        '        raise HTTPException(413)',
        '    return {"size": len(data)}',
        '',
        '',
        'app.include_router(router)',
        '',
      ].join('\n'),
    });
    const create = route(report, 'POST', '/api/notes').controls!;
    expect(create.authentication).toMatchObject({ state: 'yes', note: 'Depends(get_current_user)' });
    expect(create.authorization?.state).toBe('unknown');
    expect(create.rateLimit).toMatchObject({ state: 'yes', note: 'slowapi' });
    expect(create.inputSchema?.state).toBe('yes');
    const admin = route(report, 'DELETE', '/api/admin/notes/{note_id}').controls!;
    expect(admin.authorization?.state).toBe('yes');
    expect(admin.authorization?.note).toContain('require_admin');
    expect(route(report, 'POST', '/api/files').controls!.uploadLimit).toMatchObject({ state: 'yes', note: 'the handler checks the size' });
    expect(row(report, 'Rate Limiting')?.notes).toMatch(/^rate-limited: 3 of 3 routes/);
  });

  it('requires CSRF protection only where a cookie session authenticates, and sees Flask-WTF', async () => {
    const app = (withCsrf: boolean) => ({
      'requirements.txt': `flask==3.0.3\nflask-login==0.6.3\n${withCsrf ? 'flask-wtf==1.2.1\n' : ''}`,
      'app.py': [
        'from flask import Flask, request, redirect',
        'from flask_login import LoginManager, login_required, login_user',
        ...(withCsrf ? ['from flask_wtf.csrf import CSRFProtect'] : []),
        '',
        'app = Flask(__name__)',
        'login_manager = LoginManager(app)',
        ...(withCsrf ? ['csrf = CSRFProtect(app)'] : []),
        '',
        '',
        '@app.post("/login")',
        'def login():',
        '    login_user(load(request.form["email"]))',
        '    return redirect("/")',
        '',
        '',
        '@app.post("/notes")',
        '@login_required',
        'def add_note():',
        '    save(request.form["text"])',
        '    return redirect("/notes")',
        '',
        '',
        '@app.get("/notes")',
        '@login_required',
        'def notes():',
        '    return "notes"',
        '',
      ].join('\n'),
    });
    const open = await auditTree(app(false));
    const addOpen = route(open, 'POST', '/notes').controls!;
    expect(addOpen.csrf?.state).toBe('no');
    expect(open.findings.find((f) => f.id === addOpen.csrf?.finding)?.messageId).toBe('flaskNoCsrf');
    expect(route(open, 'GET', '/notes').controls!.csrf?.state).toBe('n/a');
    // A form read straight from request.form has no schema (request-body-unvalidated says so); a GET takes no body.
    expect(addOpen.inputSchema?.state).toBe('no');
    expect(open.findings.find((f) => f.id === addOpen.inputSchema?.finding)?.ruleId).toBe('request-body-unvalidated');
    expect(route(open, 'GET', '/notes').controls!.inputSchema?.state).toBe('n/a');

    const safe = await auditTree(app(true));
    expect(route(safe, 'POST', '/notes').controls!.csrf?.state).toBe('yes');
    expect(row(safe, 'CSRF Protection')?.notes).toMatch(/^CSRF-protected: 2 of 2 state-changing routes/);
  });

  it('sees audit records written by the handler', async () => {
    const report = await auditTree({
      'requirements.txt': 'fastapi==0.115.0\n',
      'app/audit.py': 'def audit_log(actor, action, target):\n    print(actor, action, target)\n',
      'app/main.py': [
        'from fastapi import Depends, FastAPI',
        'from app.audit import audit_log',
        'from app.auth import get_current_user',
        '',
        'app = FastAPI(dependencies=[Depends(get_current_user)])',
        '',
        '',
        '@app.delete("/patients/{patient_id}")',
        'async def delete_patient(patient_id: int, user=Depends(get_current_user)):',
        '    audit_log(user, "delete", patient_id)',
        '    return {"deleted": patient_id}',
        '',
        '',
        '@app.get("/patients/{patient_id}")',
        'async def get_patient(patient_id: int):',
        '    return {"id": patient_id}',
        '',
      ].join('\n'),
      'app/auth.py': 'async def get_current_user():\n    return "user"\n',
    });
    expect(route(report, 'DELETE', '/patients/{patient_id}').controls!.auditLog).toMatchObject({ state: 'yes', note: 'the handler writes an audit record' });
    expect(route(report, 'GET', '/patients/{patient_id}').controls!.auditLog?.state).toBe('unknown');
  });
});
