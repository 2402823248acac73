/**
 * Writes a synthetic repository for `npm run bench`: about 60% Python (FastAPI routers, services,
 * SQLAlchemy models, Pydantic schemas, tests) and 40% TypeScript (Express routers, services,
 * React components), generated from a handful of templates with varied names and sizes, plus a
 * few real problems (f-string SQL, an unguarded admin route, secrets committed in settings) so
 * the rules do real work. Deterministic: a seeded PRNG, no Math.random, no clock.
 *
 *   tsx scripts/generate-bench-repo.ts [--lines N]      (default 200000 non-blank lines)
 *
 * The repository goes to .bench/repo-<N>/ (gitignored) and is reused when it already exists
 * with the same size and generator version. It is a git repo with every file added, so
 * discovery takes the git path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Bump when the templates change, so stale repositories are regenerated. */
const GENERATOR_VERSION = 2;
export const DEFAULT_LINES = 200_000;
const PYTHON_SHARE = 0.6;
const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

export interface BenchRepo {
  root: string;
  lines: number;
  files: number;
  reused: boolean;
}

/** mulberry32: small, fast, good enough for picking template variations. */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
    sample<T>(items: readonly T[], n: number): T[] {
      const pool = [...items];
      const out: T[] = [];
      while (out.length < n && pool.length) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
      return out;
    },
    token(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
      let s = '';
      for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    },
  };
}
type Random = ReturnType<typeof createRandom>;

// ── names ────────────────────────────────────────────────────────────────────────────────────

const AREAS = ['billing', 'catalog', 'identity', 'scheduling', 'messaging', 'analytics', 'inventory', 'support', 'payments', 'content', 'logistics', 'compliance'];
const QUALIFIERS = ['', 'team', 'customer', 'vendor', 'draft', 'archived', 'shared', 'recurring', 'pending', 'partner', 'internal', 'regional', 'trial', 'bulk', 'audit', 'legacy'];
const NOUNS = [
  'invoice', 'order', 'shipment', 'ticket', 'agent', 'project', 'report', 'session', 'payment', 'refund', 'coupon', 'product',
  'category', 'review', 'comment', 'notification', 'webhook', 'subscription', 'plan', 'quota', 'workspace', 'member', 'role',
  'document', 'template', 'campaign', 'contact', 'lead', 'address', 'warehouse', 'supplier', 'batch', 'schedule', 'slot',
  'booking', 'message', 'thread', 'attachment', 'export', 'metric', 'dashboard', 'alert', 'policy', 'consent', 'device',
];

interface Entity {
  area: string;
  snake: string; // team_invoice
  snakePlural: string; // team_invoices
  pascal: string; // TeamInvoice
  camel: string; // teamInvoice
  kebabPlural: string; // team-invoices
  title: string; // team invoice
}

const pluralise = (word: string) =>
  /[^aeiou]y$/.test(word) ? `${word.slice(0, -1)}ies` : /(s|x|ch|sh)$/.test(word) ? `${word}es` : `${word}s`;

function makeEntity(area: string, words: string[]): Entity {
  const last = words.length - 1;
  const pluralWords = words.map((w, i) => (i === last ? pluralise(w) : w));
  const pascal = words.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return {
    area,
    snake: words.join('_'),
    snakePlural: pluralWords.join('_'),
    pascal,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    kebabPlural: pluralWords.join('-'),
    title: words.join(' '),
  };
}

/** Unique entity names per area, in a seeded order; a version suffix once combinations run out. */
function* entities(random: Random): Generator<Entity> {
  const used = new Set<string>();
  for (let round = 0; ; round++) {
    const area = random.pick(AREAS);
    let words = [random.pick(QUALIFIERS), random.pick(NOUNS)].filter(Boolean);
    let key = `${area}/${words.join('_')}`;
    for (let v = 2; used.has(key); v++) {
      words = [...words.filter((w) => !/^v\d+$/.test(w)), `v${v}`].filter(Boolean);
      // Keep the noun last so plurals read naturally: team_v2_invoice.
      const noun = words.find((w) => NOUNS.includes(w))!;
      words = [...words.filter((w) => w !== noun), noun];
      key = `${area}/${words.join('_')}`;
    }
    used.add(key);
    yield makeEntity(area, words);
  }
}

const FIELD_POOL = [
  { name: 'name', py: 'str', sa: 'String(120)', ts: 'string', zod: 'z.string().min(1).max(120)' },
  { name: 'description', py: 'str | None', sa: 'Text', ts: 'string | null', zod: 'z.string().max(2000).nullable()' },
  { name: 'status', py: 'str', sa: 'String(32)', ts: 'string', zod: "z.enum(['active', 'paused', 'closed'])" },
  { name: 'amount_cents', py: 'int', sa: 'Integer', ts: 'number', zod: 'z.number().int().nonnegative()' },
  { name: 'currency', py: 'str', sa: 'String(3)', ts: 'string', zod: 'z.string().length(3)' },
  { name: 'due_date', py: 'date | None', sa: 'Date', ts: 'string | null', zod: 'z.string().date().nullable()' },
  { name: 'priority', py: 'int', sa: 'Integer', ts: 'number', zod: 'z.number().int().min(0).max(5)' },
  { name: 'email', py: 'str', sa: 'String(254)', ts: 'string', zod: 'z.string().email()' },
  { name: 'external_ref', py: 'str | None', sa: 'String(64)', ts: 'string | null', zod: 'z.string().max(64).nullable()' },
  { name: 'is_archived', py: 'bool', sa: 'Boolean', ts: 'boolean', zod: 'z.boolean()' },
  { name: 'quantity', py: 'int', sa: 'Integer', ts: 'number', zod: 'z.number().int().positive()' },
  { name: 'region', py: 'str', sa: 'String(16)', ts: 'string', zod: 'z.string().max(16)' },
  { name: 'notes', py: 'str | None', sa: 'Text', ts: 'string | null', zod: 'z.string().max(4000).nullable()' },
  { name: 'score', py: 'float', sa: 'Float', ts: 'number', zod: 'z.number()' },
] as const;
type Field = (typeof FIELD_POOL)[number];
const camelOf = (snake: string) => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

// ── Python templates ─────────────────────────────────────────────────────────────────────────

interface PythonRouterOptions {
  routerGuard: boolean;
  fStringSql: boolean;
  unguardedAdmin: boolean;
}

function pythonRouter(e: Entity, fields: Field[], random: Random, o: PythonRouterOptions): string {
  // With a router-level guard the handlers need no user parameter; without one, each route asks for it.
  const userParam = o.routerGuard ? '' : '\n    user: User = Depends(get_current_user),';
  const userArg = o.routerGuard ? '' : ' user: User = Depends(get_current_user),';
  const deps = o.routerGuard ? ', dependencies=[Depends(get_current_user)]' : '';
  const out = [
    `"""HTTP endpoints for ${e.title} records."""`,
    'import logging',
    '',
    'from fastapi import APIRouter, Depends, HTTPException, Query, status',
    'from sqlalchemy import text',
    'from sqlalchemy.orm import Session',
    '',
    'from ..auth import User, get_current_user',
    'from ..db import get_db',
    `from ..schemas.${e.snake} import ${e.pascal}Create, ${e.pascal}Read, ${e.pascal}Update`,
    `from ..services.${e.snake}_service import ${e.pascal}Service`,
    '',
    'logger = logging.getLogger(__name__)',
    '',
    `router = APIRouter(prefix="/${e.kebabPlural}", tags=["${e.kebabPlural}"]${deps})`,
    '',
    '',
    `@router.get("/", response_model=list[${e.pascal}Read])`,
    `def list_${e.snakePlural}(`,
    '    limit: int = Query(50, ge=1, le=200),',
    `    offset: int = Query(0, ge=0),${userParam}`,
    '    db: Session = Depends(get_db),',
    '):',
    `    return ${e.pascal}Service(db).list(limit=limit, offset=offset)`,
    '',
    '',
  ];
  // Static paths (/search, /export, …) go before /{id}, which would otherwise shadow them.
  const detail = [
    `@router.get("/{${e.snake}_id}", response_model=${e.pascal}Read)`,
    `def get_${e.snake}(${e.snake}_id: int,${userArg} db: Session = Depends(get_db)):`,
    `    item = ${e.pascal}Service(db).get(${e.snake}_id)`,
    '    if item is None:',
    `        raise HTTPException(status_code=404, detail="${e.title} not found")`,
    '    return item',
    '',
    '',
    `@router.post("/", response_model=${e.pascal}Read, status_code=status.HTTP_201_CREATED)`,
    `def create_${e.snake}(payload: ${e.pascal}Create,${userArg} db: Session = Depends(get_db)):`,
    `    item = ${e.pascal}Service(db).create(payload)`,
    `    logger.info("created ${e.snake} %s", item.id)`,
    '    return item',
    '',
    '',
    `@router.patch("/{${e.snake}_id}", response_model=${e.pascal}Read)`,
    `def update_${e.snake}(${e.snake}_id: int, payload: ${e.pascal}Update,${userArg} db: Session = Depends(get_db)):`,
    `    item = ${e.pascal}Service(db).update(${e.snake}_id, payload)`,
    '    if item is None:',
    `        raise HTTPException(status_code=404, detail="${e.title} not found")`,
    '    return item',
    '',
    '',
    `@router.delete("/{${e.snake}_id}", status_code=status.HTTP_204_NO_CONTENT)`,
    `def delete_${e.snake}(${e.snake}_id: int,${userArg} db: Session = Depends(get_db)):`,
    `    if not ${e.pascal}Service(db).delete(${e.snake}_id):`,
    `        raise HTTPException(status_code=404, detail="${e.title} not found")`,
    '',
  ];
  const extras = random.sample(['search', 'stats', 'archive', 'export', 'bulk'] as const, random.int(1, 4));
  for (const extra of extras) {
    if (extra === 'search') {
      out.push(
        `@router.get("/search", response_model=list[${e.pascal}Read])`,
        `def search_${e.snakePlural}(q: str = Query(..., min_length=2),${userArg} db: Session = Depends(get_db)):`,
      );
      if (o.fStringSql)
        out.push(`    rows = db.execute(text(f"SELECT * FROM ${e.snakePlural} WHERE name ILIKE '%{q}%' LIMIT 50"))`, '    return [dict(row._mapping) for row in rows]');
      else
        out.push(
          `    rows = db.execute(text("SELECT * FROM ${e.snakePlural} WHERE name ILIKE :pattern LIMIT 50"), {"pattern": f"%{q}%"})`,
          '    return [dict(row._mapping) for row in rows]',
        );
    } else if (extra === 'stats') {
      out.push(
        `@router.get("/stats")`,
        `def ${e.snake}_stats(${userArg.trim()}${userArg ? ' ' : ''}db: Session = Depends(get_db)):`,
        `    service = ${e.pascal}Service(db)`,
        '    total = service.count()',
        '    return {"total": total, "active": service.count(status="active")}',
      );
    } else if (extra === 'archive') {
      out.push(
        `@router.post("/{${e.snake}_id}/archive", response_model=${e.pascal}Read)`,
        `def archive_${e.snake}(${e.snake}_id: int,${userArg} db: Session = Depends(get_db)):`,
        `    item = ${e.pascal}Service(db).archive(${e.snake}_id)`,
        '    if item is None:',
        `        raise HTTPException(status_code=404, detail="${e.title} not found")`,
        '    return item',
      );
    } else if (extra === 'export') {
      out.push(
        `@router.get("/export")`,
        `def export_${e.snakePlural}(fmt: str = Query("csv", pattern="^(csv|json)$"),${userArg} db: Session = Depends(get_db)):`,
        `    rows = ${e.pascal}Service(db).list(limit=10_000, offset=0)`,
        '    if fmt == "json":',
        `        return [${e.pascal}Read.model_validate(row).model_dump() for row in rows]`,
        `    header = "${['id', ...fields.map((f) => f.name)].join(',')}"`,
        `    lines = [header] + [",".join(str(getattr(row, c)) for c in header.split(",")) for row in rows]`,
        '    return {"content": "\\n".join(lines)}',
      );
    } else {
      out.push(
        `@router.post("/bulk", response_model=list[${e.pascal}Read])`,
        `def bulk_create_${e.snakePlural}(payload: list[${e.pascal}Create],${userArg} db: Session = Depends(get_db)):`,
        '    if len(payload) > 500:',
        '        raise HTTPException(status_code=413, detail="at most 500 items per request")',
        `    service = ${e.pascal}Service(db)`,
        '    return [service.create(item) for item in payload]',
      );
    }
    out.push('', '');
  }
  out.push(...detail);
  if (o.unguardedAdmin) {
    out.push(
      '',
      `admin_router = APIRouter(prefix="/admin/${e.kebabPlural}")`,
      '',
      '',
      '@admin_router.post("/purge")',
      `def purge_${e.snakePlural}(db: Session = Depends(get_db)):`,
      `    removed = ${e.pascal}Service(db).purge_archived()`,
      `    logger.warning("purged %d archived ${e.snakePlural}", removed)`,
      '    return {"removed": removed}',
      '',
    );
  }
  return out.join('\n');
}

function pythonService(e: Entity, fields: Field[], random: Random): string {
  const out = [
    `"""Business logic for ${e.title} records."""`,
    'from __future__ import annotations',
    '',
    'import logging',
    'from datetime import datetime, timezone',
    '',
    'from sqlalchemy import func, select',
    'from sqlalchemy.orm import Session',
    '',
    `from ..models.${e.snake} import ${e.pascal}`,
    `from ..schemas.${e.snake} import ${e.pascal}Create, ${e.pascal}Update`,
    '',
    'logger = logging.getLogger(__name__)',
    '',
    '',
    `class ${e.pascal}Service:`,
    `    """Reads and writes ${e.title} rows inside the caller's session."""`,
    '',
    '    def __init__(self, db: Session) -> None:',
    '        self.db = db',
    '',
    `    def list(self, limit: int = 50, offset: int = 0) -> list[${e.pascal}]:`,
    `        stmt = select(${e.pascal}).where(${e.pascal}.is_deleted.is_(False)).order_by(${e.pascal}.id).limit(limit).offset(offset)`,
    '        return list(self.db.scalars(stmt))',
    '',
    `    def get(self, item_id: int) -> ${e.pascal} | None:`,
    `        item = self.db.get(${e.pascal}, item_id)`,
    '        return None if item is None or item.is_deleted else item',
    '',
    '    def count(self, status: str | None = None) -> int:',
    `        stmt = select(func.count()).select_from(${e.pascal}).where(${e.pascal}.is_deleted.is_(False))`,
    '        if status is not None:',
    `            stmt = stmt.where(${e.pascal}.status == status)`,
    '        return int(self.db.scalar(stmt) or 0)',
    '',
    `    def create(self, payload: ${e.pascal}Create) -> ${e.pascal}:`,
    `        item = ${e.pascal}(**payload.model_dump())`,
    '        self.db.add(item)',
    '        self.db.commit()',
    '        self.db.refresh(item)',
    '        return item',
    '',
    `    def update(self, item_id: int, payload: ${e.pascal}Update) -> ${e.pascal} | None:`,
    '        item = self.get(item_id)',
    '        if item is None:',
    '            return None',
  ];
  for (const f of fields) out.push(`        if payload.${f.name} is not None:`, `            item.${f.name} = payload.${f.name}`);
  out.push(
    '        item.updated_at = datetime.now(timezone.utc)',
    '        self.db.commit()',
    '        return item',
    '',
    '    def delete(self, item_id: int) -> bool:',
    '        item = self.get(item_id)',
    '        if item is None:',
    '            return False',
    '        item.is_deleted = True',
    '        self.db.commit()',
    '        return True',
    '',
    `    def archive(self, item_id: int) -> ${e.pascal} | None:`,
    '        item = self.get(item_id)',
    '        if item is None:',
    '            return None',
    '        item.status = "archived"',
    '        self.db.commit()',
    '        return item',
    '',
    '    def purge_archived(self) -> int:',
    `        rows = self.db.scalars(select(${e.pascal}).where(${e.pascal}.status == "archived")).all()`,
    '        for row in rows:',
    '            self.db.delete(row)',
    '        self.db.commit()',
    '        return len(rows)',
  );
  // Varied business helpers, so files differ in size and shape.
  const helpers = random.int(1, 6);
  for (let h = 0; h < helpers; h++) {
    const threshold = random.int(2, 90);
    const kind = random.pick(['score', 'bucket', 'validate', 'summarise'] as const);
    out.push('');
    if (kind === 'score') {
      out.push(
        `    def weighted_score_${h}(self, item: ${e.pascal}, weights: dict[str, float]) -> float:`,
        '        total = 0.0',
        '        for key, weight in weights.items():',
        '            value = getattr(item, key, None)',
        '            if isinstance(value, (int, float)):',
        '                total += value * weight',
        `        return round(total / max(len(weights), 1), ${random.int(1, 4)})`,
      );
    } else if (kind === 'bucket') {
      out.push(
        `    def bucket_${h}(self, items: list[${e.pascal}]) -> dict[str, list[int]]:`,
        '        buckets: dict[str, list[int]] = {"low": [], "mid": [], "high": []}',
        '        for item in items:',
        `            level = "high" if item.id % 100 > ${threshold} else "mid" if item.id % 100 > ${Math.floor(threshold / 2)} else "low"`,
        '            buckets[level].append(item.id)',
        '        return buckets',
      );
    } else if (kind === 'validate') {
      out.push(
        `    def check_limits_${h}(self, payload: ${e.pascal}Create) -> list[str]:`,
        '        problems: list[str] = []',
        `        if self.count() >= ${random.int(1000, 100000)}:`,
        `            problems.append("too many ${e.title} records")`,
      );
      for (const f of fields.slice(0, random.int(1, 3))) out.push(`        if getattr(payload, "${f.name}", None) in (None, ""):`, `            problems.append("${f.name} is required")`);
      out.push('        return problems');
    } else {
      out.push(
        `    def summary_${h}(self, since: datetime) -> dict[str, int]:`,
        `        stmt = select(${e.pascal}.status, func.count()).where(${e.pascal}.created_at >= since).group_by(${e.pascal}.status)`,
        '        result = {status: count for status, count in self.db.execute(stmt)}',
        `        logger.debug("${e.snake} summary since %s: %s", since.isoformat(), result)`,
        '        return result',
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function pythonModel(e: Entity, fields: Field[]): string {
  const out = [
    'from datetime import date, datetime',
    '',
    'from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, Text, func',
    'from sqlalchemy.orm import Mapped, mapped_column',
    '',
    'from ..db import Base',
    '',
    '',
    `class ${e.pascal}(Base):`,
    `    __tablename__ = "${e.snakePlural}"`,
    '',
    '    id: Mapped[int] = mapped_column(Integer, primary_key=True)',
    '    owner_id: Mapped[int] = mapped_column(Integer, index=True)',
  ];
  for (const f of fields) out.push(`    ${f.name}: Mapped[${f.py}] = mapped_column(${f.sa}${f.py.includes('None') ? ', nullable=True' : ''})`);
  out.push(
    '    is_deleted: Mapped[bool] = mapped_column(Boolean, default=False)',
    '    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())',
    '    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)',
    '',
    '    def __repr__(self) -> str:',
    `        return f"<${e.pascal} id={self.id}>"`,
    '',
  );
  return out.join('\n');
}

function pythonSchema(e: Entity, fields: Field[]): string {
  const out = ['from datetime import date, datetime', '', 'from pydantic import BaseModel, ConfigDict, Field', '', '', `class ${e.pascal}Create(BaseModel):`];
  for (const f of fields) out.push(`    ${f.name}: ${f.py}${f.py.includes('None') ? ' = None' : ''}`);
  out.push('', '', `class ${e.pascal}Update(BaseModel):`);
  for (const f of fields) out.push(`    ${f.name}: ${f.py.replace(' | None', '')} | None = None`);
  out.push('', '', `class ${e.pascal}Read(${e.pascal}Create):`, '    model_config = ConfigDict(from_attributes=True)', '', '    id: int', '    created_at: datetime', '');
  return out.join('\n');
}

function pythonTest(e: Entity, random: Random): string {
  const out = [
    'from fastapi.testclient import TestClient',
    '',
    'from backend.main import app',
    '',
    'client = TestClient(app)',
    '',
    '',
    `def test_list_${e.snakePlural}_requires_auth():`,
    `    response = client.get("/api/${e.area}/${e.kebabPlural}/")`,
    '    assert response.status_code == 401',
  ];
  for (let i = 0; i < random.int(1, 4); i++)
    out.push(
      '',
      '',
      `def test_get_missing_${e.snake}_${i}(auth_headers):`,
      `    response = client.get("/api/${e.area}/${e.kebabPlural}/${random.int(1000, 99999)}", headers=auth_headers)`,
      '    assert response.status_code == 404',
    );
  return `${out.join('\n')}\n`;
}

// ── TypeScript templates ─────────────────────────────────────────────────────────────────────

function tsRouter(e: Entity, fields: Field[], random: Random, o: { rawSql: boolean; unguardedAdmin: boolean }): string {
  const out = [
    "import { Router, type NextFunction, type Request, type Response } from 'express';",
    "import { z } from 'zod';",
    "import { db } from '../../db';",
    "import { requireAuth } from '../../middleware/auth';",
    `import { ${e.pascal}Service } from '../../services/${e.area}/${e.camel}Service';`,
    '',
    'const router = Router();',
    `const service = new ${e.pascal}Service();`,
    '',
    `const ${e.camel}Input = z.object({`,
    ...fields.map((f) => `  ${camelOf(f.name)}: ${f.zod},`),
    '});',
    '',
    `router.get('/', requireAuth, async (req: Request, res: Response, next: NextFunction) => {`,
    '  try {',
    `    const limit = Math.min(Number(req.query.limit ?? 50), 200);`,
    '    res.json(await service.list(req.user!.id, limit));',
    '  } catch (err) {',
    '    next(err);',
    '  }',
    '});',
    '',
    `router.get('/:id', requireAuth, async (req: Request, res: Response, next: NextFunction) => {`,
    '  try {',
    '    const item = await service.get(req.user!.id, Number(req.params.id));',
    `    if (!item) return res.status(404).json({ error: '${e.title} not found' });`,
    '    res.json(item);',
    '  } catch (err) {',
    '    next(err);',
    '  }',
    '});',
    '',
    `router.post('/', requireAuth, async (req: Request, res: Response, next: NextFunction) => {`,
    `  const parsed = ${e.camel}Input.safeParse(req.body);`,
    '  if (!parsed.success) return res.status(400).json({ error: parsed.error.flatten() });',
    '  try {',
    '    res.status(201).json(await service.create(req.user!.id, parsed.data));',
    '  } catch (err) {',
    '    next(err);',
    '  }',
    '});',
    '',
    `router.delete('/:id', requireAuth, async (req: Request, res: Response, next: NextFunction) => {`,
    '  try {',
    '    const removed = await service.remove(req.user!.id, Number(req.params.id));',
    '    res.status(removed ? 204 : 404).end();',
    '  } catch (err) {',
    '    next(err);',
    '  }',
    '});',
  ];
  if (random.chance(0.6) || o.rawSql) {
    out.push('', `router.get('/search/by-name', requireAuth, async (req: Request, res: Response, next: NextFunction) => {`, '  const q = String(req.query.q ?? \'\');', '  try {');
    if (o.rawSql) out.push(`    const rows = await db.raw(\`SELECT * FROM ${e.snakePlural} WHERE name LIKE '%\${q}%'\`);`);
    else out.push(`    const rows = await db('${e.snakePlural}').where('owner_id', req.user!.id).andWhereLike('name', \`%\${q}%\`).limit(50);`);
    out.push('    res.json(rows);', '  } catch (err) {', '    next(err);', '  }', '});');
  }
  if (o.unguardedAdmin)
    out.push(
      '',
      `router.post('/admin/reset', async (_req: Request, res: Response) => {`,
      `  await db('${e.snakePlural}').del();`,
      "  res.json({ ok: true });",
      '});',
    );
  out.push('', 'export default router;', '');
  return out.join('\n');
}

function tsService(e: Entity, fields: Field[], random: Random): string {
  const out = [
    "import { db } from '../../db';",
    "import { logger } from '../../logger';",
    '',
    `export interface ${e.pascal} {`,
    '  id: number;',
    '  ownerId: number;',
    ...fields.map((f) => `  ${camelOf(f.name)}: ${f.ts};`),
    '  createdAt: string;',
    '}',
    '',
    `export type ${e.pascal}Input = Omit<${e.pascal}, 'id' | 'ownerId' | 'createdAt'>;`,
    '',
    `export class ${e.pascal}Service {`,
    `  private readonly table = '${e.snakePlural}';`,
    '',
    `  async list(ownerId: number, limit = 50): Promise<${e.pascal}[]> {`,
    "    return db(this.table).where({ owner_id: ownerId, is_deleted: false }).orderBy('id').limit(limit);",
    '  }',
    '',
    `  async get(ownerId: number, id: number): Promise<${e.pascal} | undefined> {`,
    '    return db(this.table).where({ id, owner_id: ownerId, is_deleted: false }).first();',
    '  }',
    '',
    `  async create(ownerId: number, input: ${e.pascal}Input): Promise<${e.pascal}> {`,
    "    const [row] = await db(this.table).insert({ ...input, owner_id: ownerId }).returning('*');",
    `    logger.info({ id: row.id }, 'created ${e.title}');`,
    '    return row;',
    '  }',
    '',
    '  async remove(ownerId: number, id: number): Promise<boolean> {',
    '    const count = await db(this.table).where({ id, owner_id: ownerId }).update({ is_deleted: true });',
    '    return count > 0;',
    '  }',
  ];
  for (let h = 0; h < random.int(1, 5); h++) {
    const kind = random.pick(['total', 'group', 'validate'] as const);
    out.push('');
    if (kind === 'total') {
      out.push(
        `  async total${h}(ownerId: number): Promise<number> {`,
        "    const rows = await db(this.table).where({ owner_id: ownerId }).count<{ count: string }[]>('id as count');",
        '    return Number(rows[0]?.count ?? 0);',
        '  }',
      );
    } else if (kind === 'group') {
      out.push(
        `  groupBy${h}(items: ${e.pascal}[]): Map<string, ${e.pascal}[]> {`,
        `    const groups = new Map<string, ${e.pascal}[]>();`,
        '    for (const item of items) {',
        `      const key = String(item.id % ${random.int(2, 12)});`,
        '      const list = groups.get(key) ?? [];',
        '      list.push(item);',
        '      groups.set(key, list);',
        '    }',
        '    return groups;',
        '  }',
      );
    } else {
      out.push(`  problems${h}(input: Partial<${e.pascal}Input>): string[] {`, '    const problems: string[] = [];');
      for (const f of fields.slice(0, random.int(1, 3))) out.push(`    if (input.${camelOf(f.name)} === undefined) problems.push('${camelOf(f.name)} is required');`);
      out.push('    return problems;', '  }');
    }
  }
  out.push('}', '');
  return out.join('\n');
}

function tsxComponent(e: Entity, fields: Field[], random: Random): string {
  const shown = fields.slice(0, random.int(2, Math.min(5, fields.length)));
  const out = [
    "import { useEffect, useState } from 'react';",
    `import type { ${e.pascal} } from '../../../server/services/${e.area}/${e.camel}Service';`,
    '',
    `interface ${e.pascal}ListProps {`,
    '  pageSize?: number;',
    `  onSelect?: (item: ${e.pascal}) => void;`,
    '}',
    '',
    `export function ${e.pascal}List({ pageSize = 25, onSelect }: ${e.pascal}ListProps) {`,
    `  const [items, setItems] = useState<${e.pascal}[]>([]);`,
    '  const [error, setError] = useState<string | null>(null);',
    '  const [loading, setLoading] = useState(true);',
    '',
    '  useEffect(() => {',
    '    const controller = new AbortController();',
    `    fetch(\`/api/${e.area}/${e.kebabPlural}?limit=\${pageSize}\`, { signal: controller.signal, credentials: 'include' })`,
    '      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(res.statusText))))',
    `      .then((data: ${e.pascal}[]) => setItems(data))`,
    "      .catch((err: Error) => err.name !== 'AbortError' && setError(err.message))",
    '      .finally(() => setLoading(false));',
    '    return () => controller.abort();',
    '  }, [pageSize]);',
    '',
    `  if (loading) return <p className="muted">Loading ${e.title}s…</p>;`,
    '  if (error) return <p role="alert">{error}</p>;',
    '',
    '  return (',
    `    <table className="${e.kebabPlural}-table">`,
    '      <thead>',
    '        <tr>',
    ...shown.map((f) => `          <th>${f.name.replace(/_/g, ' ')}</th>`),
    '        </tr>',
    '      </thead>',
    '      <tbody>',
    '        {items.map((item) => (',
    '          <tr key={item.id} onClick={() => onSelect?.(item)}>',
    ...shown.map((f) => `            <td>{String(item.${camelOf(f.name)} ?? '')}</td>`),
    '          </tr>',
    '        ))}',
    '      </tbody>',
    '    </table>',
    '  );',
    '}',
    '',
  ];
  return out.join('\n');
}

// ── fixed files ──────────────────────────────────────────────────────────────────────────────

function fixedFiles(random: Random, areas: string[]): Record<string, string> {
  const secretKey = random.token(48);
  const stripeKey = ['sk', 'live', random.token(24)].join('_');
  const files: Record<string, string> = {
    'requirements.txt': ['fastapi==0.115.0', 'uvicorn[standard]==0.30.6', 'sqlalchemy==2.0.35', 'pydantic==2.9.2', 'psycopg[binary]==3.2.3', 'pytest==8.3.3', 'httpx==0.27.2', ''].join('\n'),
    'README.md': '# Synthetic benchmark service\n\nGenerated by `scripts/generate-bench-repo.ts`. Not real code.\n',
    '.gitignore': '__pycache__/\n.venv/\nnode_modules/\n',
    'backend/settings.py': [
      'import os',
      '',
      'DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://app:app@localhost:5432/app")',
      `SECRET_KEY = "${secretKey}"`,
      `STRIPE_SECRET_KEY = "${stripeKey}"`,
      'DEBUG = os.environ.get("DEBUG", "0") == "1"',
      '',
    ].join('\n'),
    'backend/db.py': [
      'from sqlalchemy import create_engine',
      'from sqlalchemy.orm import DeclarativeBase, sessionmaker',
      '',
      'from .settings import DATABASE_URL',
      '',
      'engine = create_engine(DATABASE_URL, pool_pre_ping=True)',
      'SessionLocal = sessionmaker(bind=engine, autoflush=False)',
      '',
      '',
      'class Base(DeclarativeBase):',
      '    pass',
      '',
      '',
      'def get_db():',
      '    db = SessionLocal()',
      '    try:',
      '        yield db',
      '    finally:',
      '        db.close()',
      '',
    ].join('\n'),
    'backend/auth.py': [
      'from dataclasses import dataclass',
      '',
      'from fastapi import Depends, HTTPException',
      'from fastapi.security import OAuth2PasswordBearer',
      '',
      'oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token")',
      '',
      '',
      '@dataclass',
      'class User:',
      '    id: int',
      '    email: str',
      '',
      '',
      'def get_current_user(token: str = Depends(oauth2_scheme)) -> User:',
      '    if not token:',
      '        raise HTTPException(status_code=401, detail="not authenticated")',
      '    return User(id=1, email="user@example.com")',
      '',
    ].join('\n'),
    'web/package.json': `${JSON.stringify(
      {
        name: 'bench-web',
        private: true,
        type: 'module',
        dependencies: { express: '^4.21.0', knex: '^3.1.0', pg: '^8.13.0', pino: '^9.4.0', react: '^18.3.1', 'react-dom': '^18.3.1', zod: '^3.23.8' },
        devDependencies: { typescript: '^5.6.2', vitest: '^2.1.1', '@types/express': '^4.17.21' },
      },
      null,
      2,
    )}\n`,
    'web/server/db.ts': "import knex from 'knex';\n\nexport const db = knex({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 2, max: 10 } });\n",
    'web/server/logger.ts': "import pino from 'pino';\n\nexport const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });\n",
    'web/server/middleware/auth.ts': [
      "import type { NextFunction, Request, Response } from 'express';",
      '',
      'export function requireAuth(req: Request, res: Response, next: NextFunction) {',
      "  const header = req.headers.authorization ?? '';",
      "  if (!header.startsWith('Bearer ')) return res.status(401).json({ error: 'unauthenticated' });",
      '  req.user = { id: 1 };',
      '  next();',
      '}',
      '',
    ].join('\n'),
  };
  for (const area of areas) {
    files[`backend/${area}/__init__.py`] = '';
    files[`backend/${area}/auth.py`] = 'from ..auth import User, get_current_user\n\n__all__ = ["User", "get_current_user"]\n';
    files[`backend/${area}/db.py`] = 'from ..db import Base, get_db\n\n__all__ = ["Base", "get_db"]\n';
    for (const sub of ['routers', 'services', 'models', 'schemas']) files[`backend/${area}/${sub}/__init__.py`] = '';
  }
  return files;
}

// ── generation ───────────────────────────────────────────────────────────────────────────────

const nonBlankLines = (text: string) => text.split('\n').filter((l) => l.trim()).length;

/** Returns path → content for a repository of about `targetLines` non-blank lines. */
export function generateBenchFiles(targetLines: number): Map<string, string> {
  const random = createRandom(0x5eed_2024);
  const files = new Map<string, string>();
  let pythonLines = 0;
  let tsLines = 0;
  const add = (rel: string, content: string) => {
    files.set(rel, content);
    const n = nonBlankLines(content);
    if (rel.endsWith('.py')) pythonLines += n;
    else if (/\.tsx?$/.test(rel)) tsLines += n;
    return n;
  };
  for (const [rel, content] of Object.entries(fixedFiles(random, AREAS))) add(rel, content);

  const pyRouters = new Map<string, string[]>(); // area → router modules
  const names = entities(random);
  let pyIndex = 0;
  while (pythonLines < targetLines * PYTHON_SHARE) {
    const e = names.next().value as Entity;
    const fields = random.sample(FIELD_POOL, random.int(3, 9));
    const dir = `backend/${e.area}`;
    const problems = { fStringSql: pyIndex % 37 === 5, unguardedAdmin: pyIndex % 53 === 11 };
    add(`${dir}/routers/${e.snake}.py`, pythonRouter(e, fields, random, { routerGuard: random.chance(0.7), ...problems }));
    add(`${dir}/services/${e.snake}_service.py`, pythonService(e, fields, random));
    add(`${dir}/models/${e.snake}.py`, pythonModel(e, fields));
    add(`${dir}/schemas/${e.snake}.py`, pythonSchema(e, fields));
    if (random.chance(0.35)) add(`tests/${e.area}/test_${e.snake}.py`, pythonTest(e, random));
    const list = pyRouters.get(e.area) ?? [];
    list.push(problems.unguardedAdmin ? `${e.snake}:admin` : e.snake);
    pyRouters.set(e.area, list);
    pyIndex++;
  }
  for (const [area, routers] of pyRouters) {
    const imports = routers.map((r) => `from .routers import ${r.split(':')[0]}`);
    const includes = routers.flatMap((r) => {
      const [name, admin] = r.split(':');
      return [`api.include_router(${name}.router)`, ...(admin ? [`api.include_router(${name}.admin_router)`] : [])];
    });
    add(`backend/${area}/api.py`, ['from fastapi import APIRouter', '', ...imports, '', `api = APIRouter(prefix="/${area}")`, ...includes, ''].join('\n'));
  }
  const areas = [...pyRouters.keys()].sort();
  add(
    'backend/main.py',
    [
      'from fastapi import FastAPI',
      'from fastapi.middleware.cors import CORSMiddleware',
      '',
      ...areas.map((a) => `from .${a}.api import api as ${a}_api`),
      '',
      'app = FastAPI(title="Bench service")',
      'app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_methods=["*"], allow_headers=["*"])',
      ...areas.map((a) => `app.include_router(${a}_api, prefix="/api")`),
      '',
      '',
      '@app.get("/health")',
      'def health():',
      '    return {"status": "ok"}',
      '',
    ].join('\n'),
  );

  const tsRoutes: { area: string; camel: string; pascal: string; kebab: string }[] = [];
  let tsIndex = 0;
  while (tsLines < targetLines * (1 - PYTHON_SHARE)) {
    const e = names.next().value as Entity;
    const fields = random.sample(FIELD_POOL, random.int(3, 8));
    add(`web/server/routes/${e.area}/${e.camel}.ts`, tsRouter(e, fields, random, { rawSql: tsIndex % 41 === 7, unguardedAdmin: tsIndex % 59 === 13 }));
    add(`web/server/services/${e.area}/${e.camel}Service.ts`, tsService(e, fields, random));
    add(`web/src/components/${e.area}/${e.pascal}List.tsx`, tsxComponent(e, fields, random));
    tsRoutes.push({ area: e.area, camel: e.camel, pascal: e.pascal, kebab: e.kebabPlural });
    tsIndex++;
  }
  add(
    'web/server/app.ts',
    [
      "import express from 'express';",
      ...tsRoutes.map((r) => `import ${r.area}${r.pascal}Routes from './routes/${r.area}/${r.camel}';`),
      '',
      'export const app = express();',
      "app.use(express.json({ limit: '1mb' }));",
      ...tsRoutes.map((r) => `app.use('/api/${r.area}/${r.kebab}', ${r.area}${r.pascal}Routes);`),
      '',
    ].join('\n'),
  );
  return files;
}

/** Writes (or reuses) .bench/repo-<lines>/ and returns where it is. */
export function ensureBenchRepo(lines = DEFAULT_LINES, log: (message: string) => void = () => {}): BenchRepo {
  const root = path.join(PROJECT_ROOT, '.bench', `repo-${lines}`);
  const markerFile = path.join(PROJECT_ROOT, '.bench', `repo-${lines}.json`);
  const wanted = { generatorVersion: GENERATOR_VERSION, lines };
  if (existsSync(markerFile) && existsSync(path.join(root, '.git'))) {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as typeof wanted & { files: number };
    if (marker.generatorVersion === wanted.generatorVersion && marker.lines === lines) return { root, lines, files: marker.files, reused: true };
  }
  log(`generating ${path.relative(PROJECT_ROOT, root)} (about ${lines.toLocaleString('en-US')} lines)…`);
  rmSync(markerFile, { force: true });
  rmSync(root, { recursive: true, force: true });
  const files = generateBenchFiles(lines);
  for (const [rel, content] of files) {
    const target = path.join(root, rel);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  writeFileSync(markerFile, `${JSON.stringify({ ...wanted, files: files.size })}\n`);
  return { root, lines, files: files.size, reused: false };
}

/** `--lines 200000`, `--lines=1e6`, `--lines 250k`, `--lines 1m`. */
export function parseCount(raw: string | undefined, flag: string): number {
  const match = raw ? /^(\d+(?:\.\d+)?(?:e\d+)?)([km]?)$/i.exec(raw.replace(/[_,]/g, '')) : null;
  const value = match ? Number(match[1]) * ({ k: 1e3, m: 1e6 }[match[2].toLowerCase() as 'k' | 'm'] ?? 1) : NaN;
  if (!Number.isFinite(value) || value < 1) throw new Error(`${flag} needs a positive number, got ${JSON.stringify(raw)}`);
  return Math.round(value);
}

export function readFlag(argv: string[], flag: string): string | undefined {
  const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(flag.length + 1) : argv[i + 1];
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const raw = readFlag(process.argv.slice(2), '--lines');
  const lines = raw === undefined ? DEFAULT_LINES : parseCount(raw, '--lines');
  const repo = ensureBenchRepo(lines, console.log);
  console.log(`${repo.reused ? 'reused' : 'wrote'} ${path.relative(process.cwd(), repo.root) || '.'}: ${repo.files.toLocaleString('en-US')} files`);
}
