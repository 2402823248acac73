/**
 * Claims vs reality on inline repositories: which documentation text is a claim (and which is
 * not: marketing, negations, plans, unchecked items), and each claim kind proven VERIFIED,
 * CONTRADICTED and, where the code cannot tell, UNKNOWN — with the other rules' findings as
 * evidence, as in a real audit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.ts';
import { extractClaims } from '../../src/facts/claims/extract.ts';
import type { AuditReport, ClaimCheck } from '../../src/model/audit-report.ts';
import { initGitRepo, writeTree } from '../support/fixture-case.ts';
import { indexTree } from '../support/index-tree.ts';

async function claimsOf(tree: Record<string, string>): Promise<{ report: AuditReport; claims: ClaimCheck[]; cleanup: () => void }> {
  const root = mkdtempSync(path.join(tmpdir(), 'shipgate-claims-'));
  writeTree(root, tree);
  initGitRepo(root);
  const report = await audit({ root, only: ['readme-claim-contradicted'] });
  return { report, claims: report.claims ?? [], cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

const statusOf = (claims: ClaimCheck[], text: string | RegExp) => {
  const found = claims.filter((c) => (typeof text === 'string' ? c.claim === text : text.test(c.claim)));
  expect(found.length, `no claim ${text} among: ${claims.map((c) => c.claim).join(' | ')}`).toBeGreaterThan(0);
  return found[0];
};

describe('claim extraction', () => {
  it('takes claims from README files and docs/, with their lines, and skips what is not a claim', async () => {
    const { files } = await indexTree({
      'README.md': [
        '# Atlas', // 1
        '', // 2
        'Blazing fast, delightful and enterprise-grade.', // 3
        '', // 4
        '## Features', // 5
        '', // 6
        '- JWT authentication', // 7
        '- [x] Rate limiting per user', // 8
        '- [ ] WebSocket notifications', // 9
        '- No OAuth yet', // 10
        '- Redis is not required', // 11
        '', // 12
        'Should we add HIPAA support?', // 13
        '', // 14
        '## Roadmap', // 15
        '', // 16
        '- Kubernetes deployment', // 17
        '- WebRTC calls', // 18
        '', // 19
        '## API', // 20
        '', // 21
        '| Method | Path |', // 22
        '|---|---|', // 23
        '| GET | `/api/users/{id}` |', // 24
        '', // 25
        'See `backend/app/main.py`, `path/to/your/file.py` and [the guide](docs/setup.md).', // 26
        '<!-- GDPR compliant -->', // 27
      ].join('\n'),
      'docs/setup.md': '# Setup\n\n## Environment\n\n```env\nDATABASE_URL=postgresql://localhost/atlas\n```\n\nRun `docker compose up`.\n',
      'CHANGELOG.md': '- Added Kubernetes manifests\n',
      'tests/README.md': '# Tests\n\n- Uses WebRTC mocks\n',
    });
    const claims = extractClaims(files).map((c) => `${c.kind} ${c.claim} ${c.source.file}:${c.source.startLine}`);
    expect(claims).toEqual([
      'jwt JWT authentication README.md:7',
      'rate-limiting rate limiting README.md:8',
      'endpoint GET /api/users/{id} README.md:24',
      'file `backend/app/main.py` README.md:26',
      'file `docs/setup.md` README.md:26',
      'env-var environment variable `DATABASE_URL` docs/setup.md:6',
      'docker Docker docs/setup.md:9',
    ]);
  });

  it('reads coverage and CI badges, curl examples, OAuth providers and monitoring tools', async () => {
    const { files } = await indexTree({
      'README.md': [
        '[![coverage](https://img.shields.io/badge/coverage-87%25-green)](https://example.com)',
        '[![CI](https://github.com/acme/atlas/actions/workflows/ci.yml/badge.svg)](https://example.com)',
        '',
        '- Sign in with Google or GitHub via OAuth2',
        '- Errors are reported to Sentry',
        '',
        '```bash',
        'curl -X POST http://localhost:8000/api/orders -d \'{"sku": 1}\'',
        '```',
      ].join('\n'),
    });
    expect(extractClaims(files).map((c) => [c.kind, c.claim, (({ term: _, ...rest }) => rest)(c.detail)])).toEqual([
      ['test-coverage', '87% test coverage (badge)', { percent: 87 }],
      ['ci-cd', 'CI workflow `ci.yml` (badge)', { workflow: 'ci.yml' }],
      ['oauth', 'OAuth (Google, GitHub)', { providers: ['Google', 'GitHub'] }],
      ['monitoring', 'Sentry monitoring', { tool: 'Sentry' }],
      ['endpoint', 'POST /api/orders', { method: 'POST', path: '/api/orders' }],
    ]);
  });
});

describe('claim extraction: sign-in providers and command paths', () => {
  it('finds providers named after a sign-in phrase and paths inside inline commands', async () => {
    const { files } = await indexTree({
      'README.md': '- Sign in with email/password, Google, GitHub or Microsoft\n- Integrations: Slack, Notion, Google Drive\n\nMigrate with `python scripts/migrate_to_postgres.py data/assistant.db`.\n',
    });
    expect(extractClaims(files).map((c) => `${c.kind} ${c.claim}`)).toEqual(['oauth OAuth (Google, GitHub, Microsoft)', 'file `scripts/migrate_to_postgres.py`']);
  });
});

/** A FastAPI service that does what its README says. */
const VERIFIED_TREE: Record<string, string> = {
  'README.md': [
    '# Ledger API',
    '',
    '[![coverage](https://img.shields.io/badge/coverage-85%25-brightgreen)](https://example.com)',
    '',
    '## Features',
    '',
    '- JWT authentication on every `/api` route',
    '- Sign in with Google (OAuth)',
    '- Role-based access control',
    '- Rate limiting with slowapi',
    '- Real-time balance updates over WebSockets',
    '- Redis caching of balances',
    '- Multi-tenant: every row belongs to an organization',
    '- Sentry error tracking',
    '- Health check endpoint for the load balancer',
    '- Encryption at rest for account numbers',
    '- Ships as a Docker image with a Helm chart for Kubernetes',
    '- CI/CD with GitHub Actions',
    '',
    '## API',
    '',
    '| Method | Path |',
    '|---|---|',
    '| GET | `/api/accounts/{account_id}` |',
    '',
    '## Configuration',
    '',
    '| Variable | Meaning |',
    '|---|---|',
    '| `DATABASE_URL` | PostgreSQL URL |',
    '',
    'The entry point is `app/main.py`; see the [deployment guide](docs/deploy.md).',
    '',
  ].join('\n'),
  'docs/deploy.md': '# Deploying\n\nBuild the image and install the chart.\n',
  '.env.example': 'JWT_SECRET=\nREDIS_URL=redis://localhost:6379/0\n',
  'requirements.txt': 'fastapi==0.115.0\npyjwt==2.9.0\nslowapi==0.1.9\nredis==5.0.8\nsentry-sdk==2.14.0\nauthlib==1.3.2\ncryptography==43.0.1\n',
  'app/__init__.py': '',
  'app/main.py': [
    'import os',
    '',
    'import redis',
    'import sentry_sdk',
    'from fastapi import Depends, FastAPI, Request, WebSocket',
    'from slowapi import Limiter',
    'from slowapi.util import get_remote_address',
    '',
    'from app.auth import get_current_user, require_role',
    '',
    'sentry_sdk.init(dsn=os.environ.get("SENTRY_DSN"))',
    'limiter = Limiter(key_func=get_remote_address, default_limits=["120/minute"])',
    'cache = redis.Redis.from_url(os.environ["REDIS_URL"])',
    'app = FastAPI()',
    'app.state.limiter = limiter',
    '',
    '',
    '@app.get("/healthz")',
    'async def healthz():',
    '    return {"ok": True}',
    '',
    '',
    '@app.get("/api/accounts/{account_id}")',
    'async def get_account(account_id: int, user=Depends(get_current_user)):',
    '    return {"id": account_id, "organization_id": user["org"]}',
    '',
    '',
    '@app.delete("/api/admin/accounts/{account_id}")',
    'async def close_account(account_id: int, user=Depends(require_role("admin"))):',
    '    return {"closed": account_id}',
    '',
    '',
    '@app.websocket("/ws/balances")',
    'async def balances(websocket: WebSocket):',
    '    await websocket.accept()',
    '',
  ].join('\n'),
  'app/auth.py': [
    'import os',
    '',
    'import jwt',
    'from fastapi import Depends, Header, HTTPException',
    '',
    '',
    'def get_current_user(authorization: str = Header(...)):',
    '    return jwt.decode(authorization.removeprefix("Bearer "), os.environ["JWT_SECRET"], algorithms=["HS256"])',
    '',
    '',
    'def require_role(role):',
    '    def check(user=Depends(get_current_user)):',
    '        if user.get("role") != role:',
    '            raise HTTPException(status_code=403)',
    '        return user',
    '    return check',
    '',
  ].join('\n'),
  'app/oauth.py': 'from authlib.integrations.starlette_client import OAuth\n\noauth = OAuth()\noauth.register(name="google", client_id="…", server_metadata_url="https://accounts.google.com/.well-known/openid-configuration")\n',
  'app/models.py': 'from sqlalchemy import Column, Integer, LargeBinary\nfrom sqlalchemy_utils import StringEncryptedType\n\n\nclass Account:\n    organization_id = Column(Integer, nullable=False, index=True)\n    number = Column(StringEncryptedType(LargeBinary, key="k"))\n',
  'app/settings.py': 'import os\n\nDATABASE_URL = os.environ["DATABASE_URL"]\n',
  'Dockerfile': 'FROM python:3.12-slim\nCOPY . /app\nCMD ["uvicorn", "app.main:app"]\n',
  'charts/ledger/Chart.yaml': 'apiVersion: v2\nname: ledger\nversion: 0.1.0\n',
  '.github/workflows/ci.yml': 'name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n',
  'coverage.xml': '<?xml version="1.0" ?>\n<coverage version="7.6" line-rate="0.871" branch-rate="0">\n</coverage>\n',
  'tests/test_accounts.py': 'def test_account():\n    assert True\n',
};

/** The same README over a service that has none of it, or only stubs and placeholders. */
const CONTRADICTED_TREE: Record<string, string> = {
  'README.md': [
    '# Mindful API',
    '',
    '[![CI](https://github.com/acme/mindful/actions/workflows/ci.yml/badge.svg)](https://example.com)',
    '',
    '## Features',
    '',
    '- JWT authentication',
    '- All endpoints require authentication',
    '- Sign in with Google and GitHub (OAuth)',
    '- Rate limited API',
    '- HIPAA compliant storage of session notes',
    '- 80% test coverage',
    '- WebRTC voice sessions',
    '- WebSocket live transcripts',
    '- Redis caching',
    '- Sentry error tracking',
    '- End-to-end encrypted journaling',
    '- Health check endpoint',
    '- Kubernetes ready',
    '',
    '## API',
    '',
    '- `GET /api/reports` lists reports',
    '- `POST /api/sessions/{id}/export` renders a PDF',
    '- `DELETE /api/agents/{agent_id}` removes an agent',
    '',
    '## Configuration',
    '',
    '```env',
    'LEGACY_TOKEN=abc',
    'OPENAI_API_KEY=sk-…',
    '```',
    '',
    'The signalling server lives in `backend/core/webrtc_handler.py`.',
    '',
  ].join('\n'),
  'requirements.txt': 'fastapi==0.115.0\nsentry-sdk==2.14.0\n',
  'backend/__init__.py': '',
  'backend/main.py': [
    'import logging',
    '',
    'from fastapi import FastAPI',
    '',
    'from backend.limits import check_rate_limit',
    '',
    'logger = logging.getLogger(__name__)',
    'app = FastAPI()',
    '',
    '',
    '@app.post("/api/sessions/{session_id}/notes")',
    'async def add_note(session_id: str, note: str, patient_email: str):',
    '    check_rate_limit(session_id)',
    '    logger.info("note for %s: %s", patient_email, note)',
    '    return {"ok": True}',
    '',
    '',
    '@app.post("/api/sessions/{session_id}/export")',
    'async def export_session(session_id: str):',
    '    raise NotImplementedError("PDF export")',
    '',
    '',
    '@app.get("/api/agents/{agent_id}")',
    'async def get_agent(agent_id: str):',
    '    return {"id": agent_id}',
    '',
  ].join('\n'),
  'backend/limits.py': 'def check_rate_limit(key):\n    """Rate limit per key."""\n    # TODO: real limiter\n    return True\n',
  'backend/oauth_providers.py': [
    'class GoogleProvider:',
    '    def authorize_url(self):',
    '        raise NotImplementedError',
    '',
    '',
    'class GithubProvider:',
    '    def authorize_url(self):',
    '        raise NotImplementedError',
    '',
  ].join('\n'),
  'frontend/app/page.tsx': 'export default function Page() {\n  return <textarea name="journal" />;\n}\n',
  'docker-compose.yml': 'services:\n  api:\n    build: .\n  redis:\n    image: redis:7.2\n',
  'coverage.xml': '<?xml version="1.0" ?>\n<coverage version="7.6" line-rate="0.31" branch-rate="0">\n</coverage>\n',
  'tests/test_main.py': 'def test_nothing():\n    assert True\n',
};

/** Claims the code cannot settle. */
const UNKNOWN_TREE: Record<string, string> = {
  'README.md': [
    '# Notes',
    '',
    '- HIPAA compliant hosting',
    '- SOC 2 Type II',
    '- 90% test coverage',
    '- End-to-end encryption of notes',
    '- Encryption at rest',
    '- Uses the OpenAI `POST /v1/chat/completions` API',
    '',
    '## Configuration',
    '',
    '```env',
    'OPENAI_API_KEY=sk-…',
    '```',
    '',
  ].join('\n'),
  'requirements.txt': 'fastapi==0.115.0\n',
  'app/main.py': [
    'from fastapi import Depends, FastAPI',
    '',
    'from app.auth import current_user',
    '',
    'app = FastAPI(dependencies=[Depends(current_user)])',
    '',
    '',
    '@app.get("/api/notes")',
    'async def notes():',
    '    return []',
    '',
  ].join('\n'),
  'app/auth.py': 'async def current_user():\n    return {"id": 1}\n',
  'web/src/crypto.ts': "export async function seal(key: CryptoKey, text: string) {\n  return crypto.subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, new TextEncoder().encode(text));\n}\n",
  'tests/test_notes.py': 'def test_notes():\n    assert True\n',
};

describe('claims checked against the code', () => {
  const trees = { verified: VERIFIED_TREE, contradicted: CONTRADICTED_TREE, unknown: UNKNOWN_TREE };
  const results: Record<string, { claims: ClaimCheck[]; report: AuditReport; cleanup: () => void }> = {};
  beforeAll(async () => {
    for (const [name, tree] of Object.entries(trees)) results[name] = await claimsOf(tree);
  });
  afterAll(() => Object.values(results).forEach((r) => r.cleanup()));

  it('VERIFIED: each feature with its evidence', () => {
    const { claims } = results.verified;
    const expectVerified = (claim: string | RegExp, evidenceFile?: string) => {
      const c = statusOf(claims, claim);
      expect(c.status, `${c.claim}: ${c.notes}`).toBe('VERIFIED');
      if (evidenceFile) expect(c.evidence.map((e) => e.file)).toContain(evidenceFile);
    };
    expectVerified('85% test coverage (badge)', 'coverage.xml');
    expectVerified('JWT authentication', 'app/auth.py');
    expectVerified('OAuth (Google)', 'app/oauth.py');
    expectVerified('role-based access control');
    expectVerified('rate limiting', 'app/main.py');
    expectVerified('WebSocket support', 'app/main.py');
    expectVerified('Redis caching', 'app/main.py');
    expectVerified('multi-tenancy', 'app/main.py');
    expectVerified('Sentry monitoring', 'app/main.py');
    expectVerified('health-check endpoint', 'app/main.py');
    expectVerified('encryption at rest', 'app/models.py');
    expectVerified('Docker', 'Dockerfile');
    expectVerified('Kubernetes deployment', 'charts/ledger/Chart.yaml');
    expectVerified('CI/CD pipeline', '.github/workflows/ci.yml');
    expectVerified('GET /api/accounts/{account_id}', 'app/main.py');
    expectVerified('environment variable `DATABASE_URL`', 'app/settings.py');
    expectVerified('the documented environment variables cover what the code requires');
    expectVerified('`app/main.py`');
    expectVerified('`docs/deploy.md`');
  });

  it('VERIFIED claims raise no finding', () => {
    expect(results.verified.report.findings.filter((f) => f.ruleId === 'readme-claim-contradicted').map((f) => f.message)).toEqual([]);
  });

  it('CONTRADICTED: each with the evidence that it is not so', () => {
    const { claims } = results.contradicted;
    const expectContradicted = (claim: string | RegExp, notes: RegExp) => {
      const c = statusOf(claims, claim);
      expect(c.status, `${c.claim}: ${c.notes}`).toBe('CONTRADICTED');
      expect(c.notes).toMatch(notes);
    };
    expectContradicted('CI workflow `ci.yml` (badge)', /\.github\/workflows\/ci\.yml`, which is not in the repository/);
    expectContradicted('JWT authentication', /no JWT library/);
    expectContradicted('all endpoints require authentication', /3 routes run without authentication/);
    expectContradicted('OAuth (Google, GitHub)', /Google, GitHub providers raise NotImplementedError.*backend\/oauth_providers\.py:3/);
    expectContradicted('rate limiting', /`backend\/limits\.py:1` is a placeholder/);
    expectContradicted('HIPAA compliance', /sensitive data written to logs|route without authentication/i);
    expectContradicted('80% test coverage', /records 31%, not 80%/);
    expectContradicted('WebRTC', /no WebRTC library/);
    expectContradicted('WebSocket support', /no WebSocket endpoint/);
    expectContradicted('Redis caching', /compose service.*no code connects/);
    expectContradicted('Sentry monitoring', /`sentry-sdk` is a dependency, but the code never initialises Sentry/);
    expectContradicted('end-to-end encryption', /no encryption library/);
    expectContradicted('health-check endpoint', /none of the 3 routes is a health check/);
    expectContradicted('Kubernetes deployment', /no Kubernetes manifests/);
    expectContradicted('GET /api/reports', /no route `GET \/api\/reports`/);
    expectContradicted('POST /api/sessions/{id}/export', /not implemented/);
    expectContradicted('DELETE /api/agents/{agent_id}', /served only as GET/);
    expectContradicted('environment variable `LEGACY_TOKEN`', /no code or configuration reads/);
    expectContradicted('`backend/core/webrtc_handler.py`', /does not exist/);
  });

  it('CONTRADICTED claims are findings, severity by what is promised, env variables grouped per document', () => {
    const findings = results.contradicted.report.findings.filter((f) => f.ruleId === 'readme-claim-contradicted');
    const byClaim = (claim: string) => findings.find((f) => f.message.includes(claim));
    expect(byClaim('HIPAA compliance')).toMatchObject({ severity: 'high', messageId: 'complianceContradicted', location: { file: 'README.md', startLine: 11 } });
    expect(byClaim('JWT authentication')).toMatchObject({ severity: 'high', messageId: 'featureContradicted' });
    expect(byClaim('rate limiting')).toMatchObject({ severity: 'medium' });
    expect(byClaim('80% test coverage')).toMatchObject({ severity: 'medium', messageId: 'coverageContradicted' });
    expect(byClaim('`GET /api/reports`')).toMatchObject({ severity: 'medium', messageId: 'endpointContradicted' });
    expect(byClaim('webrtc_handler.py')).toMatchObject({ severity: 'low', messageId: 'fileMissing' });
    expect(findings.filter((f) => f.messageId === 'envVarsUnread').map((f) => f.message)).toEqual(['`README.md` documents 1 environment variable(s) that no code or configuration reads: `LEGACY_TOKEN`.']);
  });

  it('UNKNOWN: what the code cannot tell, with how to know where it can say', () => {
    const { claims } = results.unknown;
    const expectUnknown = (claim: string | RegExp, notes: RegExp) => {
      const c = statusOf(claims, claim);
      expect(c.status, `${c.claim}: ${c.notes}`).toBe('UNKNOWN');
      expect(c.notes).toMatch(notes);
    };
    expectUnknown('HIPAA compliance', /business associate agreements/);
    expectUnknown('SOC 2 compliance', /audit of the organisation/);
    expectUnknown('90% test coverage', /no coverage report is committed.*pytest --cov/);
    expectUnknown('end-to-end encryption', /client-side encryption is used at `web\/src\/crypto\.ts:2`/);
    expectUnknown('encryption at rest', /setting of the database or cloud provider/);
    expectUnknown('POST /v1/chat/completions', /third-party API/);
    expectUnknown('environment variable `OPENAI_API_KEY`', /OpenAI client library reads it/);
    expect(results.unknown.report.findings.filter((f) => f.ruleId === 'readme-claim-contradicted')).toEqual([]);
  });

  it('lists every claim in the report in document order', () => {
    const lines = results.verified.claims.map((c) => c.source.startLine ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(results.verified.claims.every((c) => c.source.file === 'README.md' || c.source.file === 'docs/deploy.md')).toBe(true);
  });
});

describe('claims without documentation', () => {
  it('gives an empty table, and a docs-only repository gives UNKNOWN for what needs code', async () => {
    const none = await claimsOf({ 'app.py': 'print(1)\n' });
    try {
      expect(none.claims).toEqual([]);
    } finally {
      none.cleanup();
    }
    const docsOnly = await claimsOf({ 'README.md': '- JWT authentication on every route\n- `GET /api/users`\n' });
    try {
      expect(docsOnly.claims.map((c) => `${c.claim}: ${c.status}`)).toEqual(['JWT authentication: CONTRADICTED', 'GET /api/users: UNKNOWN']);
    } finally {
      docsOnly.cleanup();
    }
  });
});

describe('documented paths the route table does not hold', () => {
  it('counts FastAPI\'s own docs, Next.js pages and mounted paths the code names, and still contradicts a missing route', async () => {
    const r = await claimsOf({
      'README.md': [
        '- The API is documented at `/docs` and `/redoc`',
        '- The dashboard route `/dashboard/settings` shows the plan',
        '- Metrics for the API are at `/internal/metrics`',
        '- The API serves reports at `/api/reports`',
        '',
      ].join('\n'),
      'requirements.txt': 'fastapi==0.115.0\n',
      'api/main.py': [
        'from fastapi import FastAPI',
        'from prometheus_client import make_asgi_app',
        '',
        'app = FastAPI(redoc_url=None)',
        'app.mount("/internal/metrics", make_asgi_app())',
        '',
        '',
        '@app.get("/api/orders")',
        'async def orders():',
        '    return []',
        '',
      ].join('\n'),
      'web/package.json': '{ "dependencies": { "next": "14.2.7" } }\n',
      'web/app/dashboard/settings/page.tsx': 'export default function Page() {\n  return <h1>Settings</h1>;\n}\n',
    });
    try {
      const status = Object.fromEntries(r.claims.filter((c) => c.kind === 'endpoint').map((c) => [c.claim, `${c.status}: ${c.notes}`]));
      expect(status['/docs']).toMatch(/^VERIFIED: FastAPI serves \/docs by default/);
      expect(status['/redoc']).toMatch(/^CONTRADICTED: FastAPI's \/redoc is turned off at `api\/main\.py:4`/);
      expect(status['/dashboard/settings']).toMatch(/^VERIFIED: the Next.js page `web\/app\/dashboard\/settings\/page\.tsx`/);
      expect(status['/internal/metrics']).toMatch(/^UNKNOWN: `\/internal\/metrics` appears in the code at `api\/main\.py:5`/);
      expect(status['/api/reports']).toMatch(/^CONTRADICTED: no route `\/api\/reports`/);
    } finally {
      r.cleanup();
    }
  });
});

describe('documented configuration against what the code requires', () => {
  it('lists the variables read without a default that no doc or example env file mentions', async () => {
    const r = await claimsOf({
      'README.md': '## Configuration\n\n| Variable | Meaning |\n|---|---|\n| `DATABASE_URL` | database |\n',
      '.env.example': 'REDIS_URL=redis://localhost:6379/0\n',
      'requirements.txt': 'fastapi==0.115.0\npydantic-settings==2.5.2\n',
      'app/config.py': [
        'from pydantic import Field',
        'from pydantic_settings import BaseSettings, SettingsConfigDict',
        '',
        '',
        'class Settings(BaseSettings):',
        '    model_config = SettingsConfigDict(env_prefix="APP_")',
        '    database_url: str',
        '    stripe_secret: str = Field(...)',
        '    log_level: str = "INFO"',
        '    sentry_dsn: str | None = None',
        '',
      ].join('\n'),
      'app/cache.py': 'import os\n\nREDIS_URL = os.environ["REDIS_URL"]\nSIGNING_KEY = os.environ["SIGNING_KEY"]\n',
    });
    try {
      const c = statusOf(r.claims, 'the documented environment variables cover what the code requires');
      expect(c.status).toBe('CONTRADICTED');
      // DATABASE_URL is documented without the APP_ prefix the settings use: the code reads APP_DATABASE_URL.
      expect(c.notes).toMatch(/requires `SIGNING_KEY`, `APP_DATABASE_URL`, `APP_STRIPE_SECRET`, which neither/);
      expect(c.source).toMatchObject({ file: 'README.md', startLine: 5 });
    } finally {
      r.cleanup();
    }
  });
});
