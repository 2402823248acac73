/**
 * Grows `api/server.py` of a copy of examples/ai-assistant into the monolith of the ai-assistant
 * reference audit ("api/server.py (130,087 lines!!!)"): the hand-written head stays as committed
 * (so its line numbers hold), and feature sections — schemas, helpers and CRUD/action endpoints
 * for dozens of product areas, every one on the same `get_db()` connection-per-request and cookie
 * session dependency — are appended after the `Feature sections` marker. Deterministic: a seeded
 * PRNG, no clock, no Math.random.
 *
 *   tsx scripts/generate-ai-assistant-monolith.ts DIR [--lines N]    (default 40000 lines)
 *
 * DIR is a copy of examples/ai-assistant (never the committed example itself: the e2e test copies
 * it to a temporary folder first). Prints the resulting line and route counts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRandom, parseCount, readFlag } from './generate-bench-repo.ts';

export const DEFAULT_MONOLITH_LINES = 40_000;
const MARKER = '# ── Feature sections ──';

type Random = ReturnType<typeof createRandom>;

const AREAS = [
  'workspace', 'team', 'member', 'invitation', 'note', 'prompt', 'template', 'snippet', 'document', 'folder',
  'tag', 'label', 'comment', 'reaction', 'bookmark', 'reminder', 'task', 'checklist', 'milestone', 'sprint',
  'board', 'column', 'card', 'dataset', 'table', 'view', 'query', 'chart', 'report', 'dashboard_widget',
  'trigger', 'action', 'schedule', 'webhook_endpoint', 'integration', 'slack_channel', 'notion_page', 'drive_file', 'calendar_event', 'contact',
  'company', 'deal', 'pipeline', 'stage', 'ticket', 'macro', 'canned_reply', 'knowledge_article', 'faq', 'glossary_term',
  'persona', 'voice_profile', 'agent_skill', 'tool_config', 'memory', 'embedding_job', 'evaluation', 'experiment', 'feature_flag', 'api_token',
  'audit_entry', 'export_job', 'import_job', 'notification', 'subscription', 'invoice', 'coupon', 'plan', 'usage_record', 'quota',
];

const FIELD_POOL: { name: string; type: string; sql: string; sample: string }[] = [
  { name: 'title', type: 'str = Field(max_length=200)', sql: 'TEXT', sample: '"Untitled"' },
  { name: 'description', type: 'str = Field(default="", max_length=4000)', sql: 'TEXT', sample: '""' },
  { name: 'status', type: 'str = Field(default="active", max_length=20)', sql: 'TEXT', sample: '"active"' },
  { name: 'priority', type: 'int = Field(default=3, ge=1, le=5)', sql: 'INTEGER', sample: '3' },
  { name: 'color', type: 'str = Field(default="#4f46e5", pattern=r"^#[0-9a-fA-F]{6}$")', sql: 'TEXT', sample: '"#4f46e5"' },
  { name: 'position', type: 'int = Field(default=0, ge=0)', sql: 'INTEGER', sample: '0' },
  { name: 'is_pinned', type: 'bool = False', sql: 'INTEGER', sample: 'False' },
  { name: 'due_at', type: 'float | None = None', sql: 'REAL', sample: 'None' },
  { name: 'body', type: 'str = Field(default="", max_length=20000)', sql: 'TEXT', sample: '""' },
  { name: 'url', type: 'str | None = Field(default=None, max_length=2000)', sql: 'TEXT', sample: 'None' },
  { name: 'weight', type: 'float = Field(default=1.0, ge=0)', sql: 'REAL', sample: '1.0' },
  { name: 'visibility', type: 'str = Field(default="private", pattern=r"^(private|team|public)$")', sql: 'TEXT', sample: '"private"' },
  { name: 'language', type: 'str = Field(default="en", max_length=8)', sql: 'TEXT', sample: '"en"' },
  { name: 'limit_value', type: 'int = Field(default=100, ge=0)', sql: 'INTEGER', sample: '100' },
];

const pascal = (s: string) => s.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const plural = (s: string) => (s.endsWith('y') ? `${s.slice(0, -1)}ies` : s.endsWith('s') ? `${s}es` : `${s}s`);

function section(area: string, index: number, random: Random): string {
  const Name = pascal(area);
  const table = plural(area);
  const route = `/${table.replace(/_/g, '-')}`;
  const fields = random.sample(FIELD_POOL, random.int(4, 8));
  const columns = fields.map((f) => f.name);
  const out: string[] = [];
  const line = (text = '') => out.push(text);

  line(`# ── ${Name} ${'─'.repeat(Math.max(4, 90 - Name.length))}`);
  line();
  line();
  line(`class ${Name}In(BaseModel):`);
  for (const f of fields) line(`    ${f.name}: ${f.type}`);
  line();
  line();
  line(`class ${Name}Patch(BaseModel):`);
  for (const f of fields) line(`    ${f.name}: ${f.type.split(' =')[0].replace(/ \| None$/, '')} | None = None`);
  line();
  line();
  line(`${area.toUpperCase()}_COLUMNS = (${columns.map((c) => `"${c}"`).join(', ')},)`);
  line(`${area.toUpperCase()}_SORTABLE = {"id", "created_at", ${columns.slice(0, 2).map((c) => `"${c}"`).join(', ')}}`);
  line();
  line();
  line(`def _${area}_row(row: dict) -> dict:`);
  line(`    item = {"id": row["id"], "created_at": row.get("created_at")}`);
  line(`    for column in ${area.toUpperCase()}_COLUMNS:`);
  line(`        item[column] = row.get(column)`);
  if (fields.some((f) => f.name === 'is_pinned')) line(`    item["is_pinned"] = bool(item.get("is_pinned"))`);
  line(`    return item`);
  line();
  line();
  line(`def _${area}_or_404(db, item_id: int, owner_id: int) -> dict:`);
  line(`    row = fetch_one(db, "SELECT * FROM ${table} WHERE id = ? AND owner_id = ?", (item_id, owner_id))`);
  line(`    if row is None:`);
  line(`        raise HTTPException(status_code=404, detail="${Name.replace(/([a-z])([A-Z])/g, '$1 $2')} not found")`);
  line(`    return row`);
  line();
  line();
  line(`def _${area}_score(item: dict) -> float:`);
  line(`    score = 0.0`);
  for (const f of fields.slice(0, 3)) {
    if (/int|float/.test(f.type)) line(`    score += float(item.get("${f.name}") or 0) * ${random.int(1, 9)}`);
    else if (/bool/.test(f.type)) line(`    score += ${random.int(2, 20)} if item.get("${f.name}") else 0`);
    else line(`    score += len(item.get("${f.name}") or "") / ${random.int(10, 90)}`);
  }
  line(`    return round(score, 3)`);
  line();
  line();
  const label = Name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  const text = fields.filter((f) => f.sql === 'TEXT').map((f) => f.name);
  // Endpoints: list, get, create, update, patch, delete, and a few actions — written out in full,
  // the way a module that grew endpoint by endpoint reads.
  line(`@app.get("${route}")`);
  line(`def list_${table}(`);
  line(`    q: str | None = None,`);
  line(`    sort: str = "created_at",`);
  line(`    page: int = 1,`);
  line(`    page_size: int = 25,`);
  line(`    include_archived: bool = False,`);
  line(`    user: dict = Depends(get_current_user),`);
  line(`    db=Depends(get_db),`);
  line(`):`);
  line(`    column = sort if sort in ${area.toUpperCase()}_SORTABLE else "created_at"`);
  line(`    page = max(page, 1)`);
  line(`    page_size = min(max(page_size, 1), 100)`);
  line(`    clauses = ["owner_id = ?"]`);
  line(`    params: list = [user["id"]]`);
  line(`    if not include_archived:`);
  line(`        clauses.append("archived = 0")`);
  if (text.length) {
    line(`    if q:`);
    line(`        clauses.append("(${text.map((c) => `${c} LIKE ?`).join(' OR ')})")`);
    line(`        params.extend([f"%{q}%"] * ${text.length})`);
  }
  line(`    where = " AND ".join(clauses)`);
  line(`    total = fetch_one(db, f"SELECT COUNT(*) AS n FROM ${table} WHERE {where}", tuple(params))["n"]`);
  line(`    rows = fetch_all(db, f"SELECT * FROM ${table} WHERE {where} ORDER BY {column} DESC LIMIT ? OFFSET ?", (*params, page_size, (page - 1) * page_size))`);
  line(`    logger.debug("listed %d ${table} for user %s (page %d)", len(rows), user["id"], page)`);
  line(`    return {`);
  line(`        "items": [_${area}_row(r) for r in rows],`);
  line(`        "page": page,`);
  line(`        "page_size": page_size,`);
  line(`        "total": total,`);
  line(`        "pages": (total + page_size - 1) // page_size,`);
  line(`    }`);
  line();
  line();
  line(`@app.get("${route}/{item_id}")`);
  line(`def get_${area}(item_id: int, user: dict = Depends(get_current_user), db=Depends(get_db)):`);
  line(`    item = _${area}_row(_${area}_or_404(db, item_id, user["id"]))`);
  line(`    owner = fetch_one(db, "SELECT id, name FROM users WHERE id = ?", (user["id"],))`);
  line(`    item["owner"] = {"id": owner["id"], "name": owner["name"]} if owner else None`);
  line(`    item["score"] = _${area}_score(item)`);
  line(`    return item`);
  line();
  line();
  line(`def _validate_${area}(body: ${Name}In) -> list[str]:`);
  line(`    problems = []`);
  for (const f of fields) {
    if (f.sql === 'TEXT' && /max_length/.test(f.type)) line(`    if body.${f.name} is not None and body.${f.name} != body.${f.name}.strip():`), line(`        problems.append("${f.name} has leading or trailing spaces")`);
    else if (f.sql === 'INTEGER' && !/bool/.test(f.type)) line(`    if body.${f.name} is not None and body.${f.name} > ${random.int(100, 100000)}:`), line(`        problems.append("${f.name} is too large")`);
  }
  line(`    return problems`);
  line();
  line();
  line(`@app.post("${route}", status_code=201)`);
  line(`def create_${area}(body: ${Name}In, user: dict = Depends(get_current_user), db=Depends(get_db)):`);
  line(`    problems = _validate_${area}(body)`);
  line(`    if problems:`);
  line(`        raise HTTPException(status_code=422, detail=problems)`);
  line(`    count = fetch_one(db, "SELECT COUNT(*) AS n FROM ${table} WHERE owner_id = ?", (user["id"],))["n"]`);
  line(`    if count >= ${random.pick([100, 250, 500, 1000])}:`);
  line(`        raise HTTPException(status_code=409, detail="Too many ${label} items")`);
  line(`    values = [getattr(body, column) for column in ${area.toUpperCase()}_COLUMNS]`);
  line(`    item_id = execute(db, "INSERT INTO ${table} (owner_id, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})", (user["id"], *values))`);
  line(`    execute(db, "INSERT INTO audit_log (user_id, action, item_kind, item_id, at) VALUES (?, 'create', '${area}', ?, ?)", (user["id"], item_id, time.time()))`);
  line(`    logger.info("user %s created ${label} %s", user["id"], item_id)`);
  line(`    return {"id": item_id, **body.model_dump()}`);
  line();
  line();
  line(`@app.put("${route}/{item_id}")`);
  line(`def update_${area}(item_id: int, body: ${Name}In, user: dict = Depends(get_current_user), db=Depends(get_db)):`);
  line(`    current = _${area}_row(_${area}_or_404(db, item_id, user["id"]))`);
  line(`    problems = _validate_${area}(body)`);
  line(`    if problems:`);
  line(`        raise HTTPException(status_code=422, detail=problems)`);
  line(`    changed = [c for c in ${area.toUpperCase()}_COLUMNS if current.get(c) != getattr(body, c)]`);
  line(`    if not changed:`);
  line(`        return current`);
  line(`    execute(db, "UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND owner_id = ?", (*[getattr(body, c) for c in ${area.toUpperCase()}_COLUMNS], item_id, user["id"]))`);
  line(`    execute(db, "INSERT INTO audit_log (user_id, action, item_kind, item_id, detail, at) VALUES (?, 'update', '${area}', ?, ?, ?)", (user["id"], item_id, ",".join(changed), time.time()))`);
  line(`    return {"id": item_id, "changed": changed}`);
  line();
  line();
  line(`@app.patch("${route}/{item_id}")`);
  line(`def patch_${area}(item_id: int, body: ${Name}Patch, user: dict = Depends(get_current_user), db=Depends(get_db)):`);
  line(`    current = _${area}_row(_${area}_or_404(db, item_id, user["id"]))`);
  line(`    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if k in ${area.toUpperCase()}_COLUMNS}`);
  line(`    if not changes:`);
  line(`        return current`);
  line(`    for column, value in changes.items():`);
  line(`        execute(db, "UPDATE ${table} SET " + {c: f"{c} = ?" for c in ${area.toUpperCase()}_COLUMNS}[column] + " WHERE id = ? AND owner_id = ?", (value, item_id, user["id"]))`);
  line(`    execute(db, "INSERT INTO audit_log (user_id, action, item_kind, item_id, detail, at) VALUES (?, 'patch', '${area}', ?, ?, ?)", (user["id"], item_id, ",".join(changes), time.time()))`);
  line(`    return {**current, **changes}`);
  line();
  line();
  line(`@app.delete("${route}/{item_id}")`);
  line(`def delete_${area}(item_id: int, hard: bool = False, user: dict = Depends(get_current_user), db=Depends(get_db)):`);
  line(`    _${area}_or_404(db, item_id, user["id"])`);
  line(`    if hard:`);
  line(`        execute(db, "DELETE FROM ${table} WHERE id = ? AND owner_id = ?", (item_id, user["id"]))`);
  line(`    else:`);
  line(`        execute(db, "UPDATE ${table} SET archived = 1 WHERE id = ? AND owner_id = ?", (item_id, user["id"]))`);
  line(`    execute(db, "INSERT INTO audit_log (user_id, action, item_kind, item_id, at) VALUES (?, ?, '${area}', ?, ?)", (user["id"], "delete" if hard else "archive", item_id, time.time()))`);
  line(`    return {"deleted": item_id, "hard": hard}`);
  line();
  line();
  const actions = random.sample(['duplicate', 'export', 'share', 'move', 'score'], random.int(1, 3));
  for (const action of actions) {
    line(`@app.post("${route}/{item_id}/${action}")`);
    line(`def ${action}_${area}(item_id: int, user: dict = Depends(get_current_user), db=Depends(get_db)):`);
    line(`    item = _${area}_row(_${area}_or_404(db, item_id, user["id"]))`);
    if (action === 'duplicate') {
      line(`    values = [item[column] for column in ${area.toUpperCase()}_COLUMNS]`);
      line(`    copy_id = execute(db, "INSERT INTO ${table} (owner_id, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})", (user["id"], *values))`);
      line(`    return {"id": copy_id, "copied_from": item_id}`);
    } else if (action === 'export') {
      line(`    lines = [f"{column}: {item[column]}" for column in ${area.toUpperCase()}_COLUMNS]`);
      line(`    return {"id": item_id, "format": "text", "content": "\\n".join(lines)}`);
    } else if (action === 'share') {
      line(`    token = secrets.token_urlsafe(24)`);
      line(`    execute(db, "INSERT INTO shares (kind, item_id, owner_id, token) VALUES ('${area}', ?, ?, ?)", (item_id, user["id"], token))`);
      line(`    return {"id": item_id, "share_token": token}`);
    } else if (action === 'move') {
      line(`    execute(db, "UPDATE ${table} SET position = position + 1 WHERE owner_id = ? AND id != ?", (user["id"], item_id))`);
      line(`    return {"id": item_id, "moved": True}`);
    } else {
      line(`    return {"id": item_id, "score": _${area}_score(item)}`);
    }
    line();
    line();
  }
  line(`@app.get("${route}-stats")`);
  line(`def ${area}_stats(days: int = 30, user: dict = Depends(get_current_user), db=Depends(get_db)):`);
  line(`    since = time.time() - max(days, 1) * 86400`);
  line(`    rows = fetch_all(db, "SELECT * FROM ${table} WHERE owner_id = ?", (user["id"],))`);
  line(`    items = [_${area}_row(r) for r in rows]`);
  line(`    recent = [i for i in items if (i.get("created_at") or 0) >= since]`);
  line(`    scores = sorted(_${area}_score(i) for i in items)`);
  line(`    return {`);
  line(`        "count": len(items),`);
  line(`        "recent": len(recent),`);
  line(`        "median_score": scores[len(scores) // 2] if scores else 0,`);
  line(`        "top": [i["id"] for i in sorted(items, key=_${area}_score, reverse=True)[:${random.int(3, 10)}]],`);
  line(`        "section": ${index},`);
  line(`    }`);
  line();
  line();
  return out.join('\n');
}

/** Append generated sections to `api/server.py` under DIR until it has about `lines` lines. */
export function growMonolith(dir: string, lines = DEFAULT_MONOLITH_LINES): { lines: number; routes: number; sections: number } {
  const file = path.join(dir, 'api', 'server.py');
  const head = readFileSync(file, 'utf8');
  const marker = head.indexOf(MARKER);
  if (marker < 0) throw new Error(`${file} has no "${MARKER}" marker: not the ai-assistant example`);
  const base = head.slice(0, head.indexOf('\n', marker) + 1);
  const random = createRandom(20251105);
  const parts = [base, '\n\n'];
  let total = base.split('\n').length;
  let sections = 0;
  const prefixes = ['', 'team_', 'shared_', 'legacy_', 'draft_', 'public_', 'archived_', 'client_'];
  while (total < lines) {
    const area = `${prefixes[Math.floor(sections / AREAS.length) % prefixes.length]}${AREAS[sections % AREAS.length]}`;
    const text = section(area, sections, random);
    parts.push(text);
    total += text.split('\n').length - 1;
    sections++;
  }
  const content = parts.join('');
  writeFileSync(file, content);
  return { lines: content.split('\n').length, routes: (content.match(/^@app\.(get|post|put|patch|delete)\(/gm) ?? []).length, sections };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const dir = process.argv[2];
  if (!dir || dir.startsWith('--')) {
    console.error('usage: tsx scripts/generate-ai-assistant-monolith.ts DIR [--lines N]');
    process.exit(2);
  }
  const raw = readFlag(process.argv.slice(3), '--lines');
  const lines = raw === undefined ? DEFAULT_MONOLITH_LINES : parseCount(raw, '--lines');
  const result = growMonolith(path.resolve(dir), lines);
  console.log(`api/server.py: ${result.lines} lines, ${result.routes} routes, ${result.sections} generated sections`);
}
