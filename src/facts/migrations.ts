/**
 * Migration histories: which tables (and columns) the project's migrations create, per tool —
 * Alembic revisions (`op.create_table`, `op.add_column`, `batch_alter_table`, raw `CREATE TABLE`),
 * Django app migrations (`CreateModel`, `AddField`, `RenameModel`), Prisma Migrate
 * (`prisma/migrations/*\/migration.sql`), TypeORM migration classes (`queryRunner.query`,
 * `createTable(new Table(...))`), Knex (`knex.schema.createTable`) and plain SQL migration folders
 * (Flyway `V1__init.sql`, `migrations/*.sql`).
 *
 * The data-model rules compare it with the ORM models (`orm-models.ts`); infrastructure checks
 * can read `tools` to know which migration tool is in use. Memoised per file set.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFile, ParsedFiles, SyntaxNode } from '../model/parsed-file.ts';
import { describeJsCall, jsObjectProperty, jsStringValue } from '../parse/js-syntax.ts';
import { describePyCall, pyStringValue } from '../parse/python-syntax.ts';
import type { OrmName } from './orm-models.ts';

export type MigrationTool = 'alembic' | 'django' | 'prisma' | 'typeorm' | 'knex' | 'sql';

export interface MigratedTable {
  /** Where a migration creates it (the first one). */
  createdAt: Location;
  /** Column names the migrations create or add (lower-cased); undefined when some step could not be read (raw SQL built at run time). */
  columns?: Set<string>;
}

export interface MigrationHistory {
  tool: MigrationTool;
  /** The migration files, sorted. */
  files: string[];
  /** Tables created, by lower-cased name (Django: by `app_label.modelname`). */
  tables: Map<string, MigratedTable>;
  /** Django: the app labels that have a migrations folder. */
  apps?: Set<string>;
}

/** Which migration tools can create an ORM's tables. */
export const MIGRATION_TOOLS_FOR: Record<OrmName, MigrationTool[]> = {
  sqlalchemy: ['alembic', 'sql'],
  sqlmodel: ['alembic', 'sql'],
  django: ['django'],
  prisma: ['prisma'],
  typeorm: ['typeorm', 'knex', 'sql'],
};

const memo = new WeakMap<ParsedFiles, MigrationHistory[]>();

/** Every migration history of the project, one per tool that has at least one migration file. */
export function migrationHistories(files: ParsedFiles): MigrationHistory[] {
  let histories = memo.get(files);
  if (!histories) {
    histories = [alembicHistory(files), djangoHistory(files), prismaHistory(files), typeormHistory(files), knexHistory(files), sqlHistory(files)].filter(
      (h): h is MigrationHistory => !!h && h.files.length > 0,
    );
    memo.set(files, histories);
  }
  return histories;
}

function addTable(history: MigrationHistory, name: string, at: Location, columns: string[] | undefined): MigratedTable {
  const keyName = name.toLowerCase();
  let table = history.tables.get(keyName);
  if (!table) {
    table = { createdAt: at, columns: columns ? new Set() : undefined };
    history.tables.set(keyName, table);
  }
  if (columns && table.columns) for (const c of columns) table.columns.add(c.toLowerCase());
  if (!columns) table.columns = undefined;
  return table;
}

function addColumns(history: MigrationHistory, table: string, columns: string[]): void {
  const known = history.tables.get(table.toLowerCase());
  if (known?.columns) for (const c of columns) known.columns.add(c.toLowerCase());
}

function renameTable(history: MigrationHistory, from: string, to: string, at: Location): void {
  const old = history.tables.get(from.toLowerCase());
  history.tables.set(to.toLowerCase(), old ? { ...old } : { createdAt: at });
}

// ── SQL text ───────────────────────────────────────────────────────────────────────────────

const CREATE_TABLE = /\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?(?:["`[]?\w+["`\]]?\.)?["`[]?(\w+)["`\]]?\s*\(/gi;
const ALTER_ADD = /\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?(?:["`[]?\w+["`\]]?\.)?["`[]?(\w+)["`\]]?\s+((?:add\s+(?:column\s+)?(?:if\s+not\s+exists\s+)?["`[]?\w+["`\]]?[^,;]*,?\s*)+)/gi;
const RENAME_TABLE = /\balter\s+table\s+(?:["`[]?\w+["`\]]?\.)?["`[]?(\w+)["`\]]?\s+rename\s+to\s+["`[]?(\w+)/gi;
const NOT_A_COLUMN = /^(constraint|primary|foreign|unique|check|index|key|exclude|like|period)$/i;

/** Tables and columns of SQL DDL text, with the offset of each statement. */
function readSql(text: string): { creates: { table: string; columns: string[]; offset: number }[]; adds: { table: string; columns: string[] }[]; renames: { from: string; to: string; offset: number }[] } {
  const creates: { table: string; columns: string[]; offset: number }[] = [];
  for (const m of text.matchAll(CREATE_TABLE)) {
    const start = (m.index ?? 0) + m[0].length;
    let depth = 1;
    let end = start;
    for (; end < text.length && depth > 0; end++) {
      if (text[end] === '(') depth++;
      else if (text[end] === ')') depth--;
    }
    const body = text.slice(start, end - 1);
    const columns: string[] = [];
    let level = 0;
    let current = '';
    for (const ch of body) {
      if (ch === '(') level++;
      if (ch === ')') level--;
      if (ch === ',' && level === 0) {
        columns.push(current);
        current = '';
      } else current += ch;
    }
    columns.push(current);
    creates.push({
      table: m[1],
      columns: columns
        .map((c) => /^\s*(?:--[^\n]*\n\s*)*["`[]?(\w+)["`\]]?/.exec(c)?.[1] ?? '')
        .filter((c) => c && !NOT_A_COLUMN.test(c)),
      offset: m.index ?? 0,
    });
  }
  const adds: { table: string; columns: string[] }[] = [];
  for (const m of text.matchAll(ALTER_ADD))
    adds.push({ table: m[1], columns: [...m[2].matchAll(/add\s+(?:column\s+)?(?:if\s+not\s+exists\s+)?["`[]?(\w+)/gi)].map((c) => c[1]).filter((c) => !NOT_A_COLUMN.test(c)) });
  const renames = [...text.matchAll(RENAME_TABLE)].map((m) => ({ from: m[1], to: m[2], offset: m.index ?? 0 }));
  return { creates, adds, renames };
}

function applySql(history: MigrationHistory, file: ParsedFile, text: string, baseOffset: number): void {
  const sql = readSql(text);
  for (const c of sql.creates) addTable(history, c.table, file.locateOffsets(baseOffset + c.offset, baseOffset + c.offset + 12), c.columns);
  for (const a of sql.adds) addColumns(history, a.table, a.columns);
  for (const r of sql.renames) renameTable(history, r.from, r.to, file.locateOffsets(baseOffset + r.offset, baseOffset + r.offset + 11));
}

// ── Alembic ────────────────────────────────────────────────────────────────────────────────

function alembicHistory(files: ParsedFiles): MigrationHistory | undefined {
  const revisions = files
    .ofKind('python', { containing: ['revision'], includeTests: false })
    .filter((f) => f.ast && /(^|\/)versions\/[^/]+\.py$/.test(f.path) && /\bdef upgrade\b/.test(f.text) && /^\s*(down_)?revision\b/m.test(f.text));
  if (!revisions.length) return undefined;
  const history: MigrationHistory = { tool: 'alembic', files: revisions.map((f) => f.path).sort(), tables: new Map() };
  for (const file of [...revisions].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const upgrade = file.ast!.children().map((c) => (c.kind() === 'decorated_definition' ? c.field('definition') : c)).find((d) => d?.kind() === 'function_definition' && d.field('name')?.text() === 'upgrade');
    if (!upgrade) continue;
    // `with op.batch_alter_table("users") as batch_op:` → calls on batch_op alter "users".
    const batches = new Map<string, string>();
    for (const withItem of upgrade.findAll({ rule: { kind: 'with_item' } })) {
      const m = /batch_alter_table\(\s*["'](\w+)["'][^)]*\)\s+as\s+(\w+)/.exec(withItem.text());
      if (m) batches.set(m[2], m[1]);
    }
    for (const node of upgrade.findAll({ rule: { kind: 'call' } })) {
      const call = describePyCall(node);
      if (!call) continue;
      const [object, method] = splitCallee(call.callee);
      const first = pyStringValue(call.args[0]) ?? pyStringValue(call.keywords.get('table_name'));
      if (object === 'op' && method === 'create_table' && first) {
        const columns = call.args.slice(1).map(columnName).filter((c): c is string => !!c);
        addTable(history, first, file.locate(node), columns);
      } else if (object === 'op' && method === 'rename_table' && first) {
        const to = pyStringValue(call.args[1]);
        if (to) renameTable(history, first, to, file.locate(node));
      } else if (method === 'add_column' && (object === 'op' || batches.has(object))) {
        const table = object === 'op' ? first : batches.get(object);
        const column = columnName(object === 'op' ? call.args[1] : call.args[0]);
        if (table && column) addColumns(history, table, [column]);
      } else if (method === 'alter_column' && (object === 'op' || batches.has(object))) {
        const table = object === 'op' ? first : batches.get(object);
        const renamed = pyStringValue(call.keywords.get('new_column_name'));
        if (table && renamed) addColumns(history, table, [renamed]);
      } else if (object === 'op' && method === 'execute') {
        const text = pyStringValue(call.args[0]) ?? pyStringValue(describePyCall(call.args[0] ?? node)?.args[0]);
        if (text !== undefined) applySql(history, file, text, call.args[0].range().start.index);
        else markUnreadable(history, node.text());
      }
    }
  }
  return history;
}

/** `op.create_table` → ['op', 'create_table']; `batch_op.add_column` → ['batch_op', 'add_column']. */
function splitCallee(callee: string): [string, string] {
  const i = callee.lastIndexOf('.');
  return i < 0 ? ['', callee] : [callee.slice(0, i).split('.').pop() ?? '', callee.slice(i + 1)];
}

/** `sa.Column("email", …)` → `email`. */
function columnName(node: SyntaxNode | undefined): string | undefined {
  if (node?.kind() !== 'call' || !/(^|\.)Column$/.test(node.field('function')?.text() ?? '')) return undefined;
  return pyStringValue(describePyCall(node)?.args[0]);
}

/** A raw statement we could not read mentions tables: their column lists are no longer known. */
function markUnreadable(history: MigrationHistory, text: string): void {
  for (const [name, table] of history.tables) if (new RegExp(`\\b${name}\\b`, 'i').test(text)) table.columns = undefined;
}

// ── Django ─────────────────────────────────────────────────────────────────────────────────

function djangoHistory(files: ParsedFiles): MigrationHistory | undefined {
  const migrations = files
    .ofKind('python', { containing: ['migrations.'], includeTests: false })
    .filter((f) => f.ast && /(^|\/)migrations\/\d{4}_[^/]*\.py$/.test(f.path) && /class Migration\b/.test(f.text));
  const apps = new Set(
    files
      .ofKind('python', { includeTests: false })
      .filter((f) => /(^|\/)migrations\/__init__\.py$/.test(f.path) || /(^|\/)migrations\/\d{4}_[^/]*\.py$/.test(f.path))
      .map((f) => appOf(f.path)),
  );
  if (!migrations.length && !apps.size) return undefined;
  const history: MigrationHistory = { tool: 'django', files: migrations.map((f) => f.path).sort(), tables: new Map(), apps };
  for (const file of [...migrations].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const app = appOf(file.path);
    for (const node of file.findAll({ kind: 'call' })) {
      const call = describePyCall(node);
      const op = call?.callee.split('.').pop();
      if (!call || !/^(CreateModel|RenameModel|AddField|RenameField)$/.test(op ?? '')) continue;
      if (op === 'CreateModel') {
        const name = pyStringValue(call.keywords.get('name') ?? call.args[0]);
        const fieldList = call.keywords.get('fields') ?? call.args[1];
        const fields = (fieldList?.children() ?? []).filter((c) => c.kind() === 'tuple').map((t) => pyStringValue(t.children().find((c) => c.isNamed())) ?? '');
        if (name) addTable(history, `${app}.${name}`, file.locate(node), fields.filter(Boolean));
      } else if (op === 'RenameModel') {
        const from = pyStringValue(call.keywords.get('old_name') ?? call.args[0]);
        const to = pyStringValue(call.keywords.get('new_name') ?? call.args[1]);
        if (from && to) renameTable(history, `${app}.${from}`, `${app}.${to}`, file.locate(node));
      } else {
        const model = pyStringValue(call.keywords.get('model_name') ?? call.args[0]);
        const name = pyStringValue(call.keywords.get(op === 'AddField' ? 'name' : 'new_name') ?? call.args[op === 'AddField' ? 1 : 2]);
        if (model && name) addColumns(history, `${app}.${model}`, [name]);
      }
    }
  }
  return history;
}

const appOf = (path: string) => {
  const parts = path.split('/');
  const i = parts.lastIndexOf('migrations');
  return i > 0 ? parts[i - 1] : '';
};

// ── Prisma, TypeORM, Knex, plain SQL ───────────────────────────────────────────────────────

function prismaHistory(files: ParsedFiles): MigrationHistory | undefined {
  const sqlFiles = files.ofKind('text').filter((f) => /(^|\/)migrations\/[^/]+\/migration\.sql$/.test(f.path));
  if (!sqlFiles.length || !files.ofKind('prisma').length) return undefined;
  const history: MigrationHistory = { tool: 'prisma', files: sqlFiles.map((f) => f.path).sort(), tables: new Map() };
  for (const file of [...sqlFiles].sort((a, b) => (a.path < b.path ? -1 : 1))) applySql(history, file, file.text, 0);
  return history;
}

function typeormHistory(files: ParsedFiles): MigrationHistory | undefined {
  const migrations = files.ofKind('js', { containing: ['MigrationInterface'], includeTests: false }).filter((f) => f.ast);
  if (!migrations.length) return undefined;
  const history: MigrationHistory = { tool: 'typeorm', files: migrations.map((f) => f.path).sort(), tables: new Map() };
  for (const file of [...migrations].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const up = file.findAll({ kind: 'method_definition' }).find((m) => m.field('name')?.text() === 'up');
    if (!up) continue;
    for (const node of up.findAll({ rule: { kind: 'call_expression' } })) {
      const call = describeJsCall(node);
      if (!call) continue;
      const method = call.callee.split('.').pop();
      if (method === 'query') {
        const text = jsStringValue(call.args[0]) ?? (call.args[0]?.kind() === 'template_string' ? call.args[0].text() : undefined);
        if (text !== undefined) applySql(history, file, text, call.args[0].range().start.index);
      } else if (method === 'createTable') {
        const table = call.args[0]?.kind() === 'new_expression' ? call.args[0].field('arguments')?.children().find((c) => c.kind() === 'object') : undefined;
        const name = jsStringValue(jsObjectProperty(table, 'name'));
        const columns = (jsObjectProperty(table, 'columns')?.children() ?? []).filter((c) => c.kind() === 'object').map((c) => jsStringValue(jsObjectProperty(c, 'name')) ?? '');
        if (name) addTable(history, name, file.locate(node), columns.filter(Boolean));
      } else if (method === 'addColumn' || method === 'addColumns') {
        const table = jsStringValue(call.args[0]);
        const columnNodes = call.args[1]?.kind() === 'array' ? call.args[1].children() : [call.args[1]];
        const names = columnNodes.map((c) => (c?.kind() === 'new_expression' ? jsStringValue(jsObjectProperty(c.field('arguments')?.children().find((x) => x.kind() === 'object'), 'name')) : undefined));
        if (table) addColumns(history, table, names.filter((n): n is string => !!n));
      }
    }
  }
  return history;
}

function knexHistory(files: ParsedFiles): MigrationHistory | undefined {
  const migrations = files.ofKind('js', { containing: ['createTable'], includeTests: false }).filter((f) => f.ast && /(^|\/)migrations?\//.test(f.path) && /\bexports\.up\b|export\s+(async\s+)?function\s+up\b|\bup\s*[:=(]/.test(f.text));
  if (!migrations.length) return undefined;
  const history: MigrationHistory = { tool: 'knex', files: migrations.map((f) => f.path).sort(), tables: new Map() };
  for (const file of migrations)
    for (const node of file.findAll({ kind: 'call_expression' })) {
      const call = describeJsCall(node);
      if (!call || !/\.createTable(IfNotExists)?$/.test(call.callee)) continue;
      const name = jsStringValue(call.args[0]);
      if (name) addTable(history, name, file.locate(node), undefined);
    }
  return history;
}

function sqlHistory(files: ParsedFiles): MigrationHistory | undefined {
  const sqlFiles = files
    .ofKind('text', { containing: ['CREATE', 'create', 'ALTER', 'alter'] })
    .filter((f) => /\.sql$/i.test(f.path) && (/(^|\/)(migrations?|migrate|db\/migrate|flyway|sql\/migrations)\//i.test(f.path) || /(^|\/)V\d+(_\d+)*__[^/]+\.sql$/.test(f.path)) && !/(^|\/)migrations\/[^/]+\/migration\.sql$/.test(f.path));
  if (!sqlFiles.length) return undefined;
  const history: MigrationHistory = { tool: 'sql', files: sqlFiles.map((f) => f.path).sort(), tables: new Map() };
  for (const file of [...sqlFiles].sort((a, b) => (a.path < b.path ? -1 : 1))) applySql(history, file, file.text, 0);
  return history;
}
