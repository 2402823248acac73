/**
 * ORM model facts: every database table the code declares, with its columns, indexes and
 * relations, for SQLAlchemy (declarative classes, `Column` / `mapped_column` / `Mapped[...]`,
 * `__table_args__`, imperative `Table(...)`), SQLModel (`table=True`, `Field(...)`), Django
 * (`models.Model`, `Meta.indexes` / `unique_together` / `constraints`, abstract bases), Prisma
 * (`schema.prisma`: `@relation`, `@@index`, `@unique`, `enum`) and TypeORM (`@Entity`, `@Column`,
 * `@Index`, `@ManyToOne` + `@JoinColumn`, enums).
 *
 * Reuse it: `ormModels(files)` is computed once per audit (memoised on the file set) and answers
 * "which tables exist, which columns do they have, which of them are indexed, which hold an
 * enumeration, which reference another table" — the data-model rules, the compliance profiles
 * (PII/PHI fields: read `OrmField.name` / `rawType`) and the migration checks all read it.
 *
 * What "indexed" means: a lookup on the column alone can use an index — its own index, a unique
 * constraint or primary key, the leading column of a composite index/unique constraint, or an
 * index the ORM creates by itself (Django `ForeignKey`/`OneToOneField`/`SlugField`, TypeORM
 * `@OneToOne` join columns). Mixin and abstract-base columns are copied into each concrete model
 * (with `inheritedFrom`); abstract classes and mixins are not models themselves.
 */
import type { Location } from '../model/finding.ts';
import type { ParsedFiles } from '../model/parsed-file.ts';
import type { Dependency } from '../model/repo-index.ts';
import { extractPrismaModels, prismaDatasourceProviders } from './orm/prisma-models.ts';
import { extractPythonModels } from './orm/python-models.ts';
import { extractTypeormModels, typeormDatabaseTypes } from './orm/typeorm-models.ts';

export type OrmName = 'sqlalchemy' | 'sqlmodel' | 'django' | 'prisma' | 'typeorm';

/** The kind of value a column stores, normalised across ORMs. */
export type OrmFieldType =
  | 'string'
  | 'text'
  | 'integer'
  | 'float'
  | 'decimal'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'time'
  | 'interval'
  | 'uuid'
  | 'json'
  | 'binary'
  | 'enum'
  | 'array'
  | 'other';

export type IndexedBy = 'primary-key' | 'unique' | 'index' | 'composite' | 'orm-default';

export interface OrmField {
  /** The attribute in code: `user_id`, `author` (Django FK), `authorId`. */
  name: string;
  /** The database column: `user_id`, Django `author_id` for a ForeignKey `author`, a Prisma `@map` / TypeORM `name:` rename. */
  column: string;
  type: OrmFieldType;
  /** The type as written: `String(50)`, `models.CharField`, `String @db.VarChar(255)`, `varchar`, `Mapped[str]`. */
  rawType: string;
  primaryKey: boolean;
  unique: boolean;
  /** undefined when the declaration does not say. */
  nullable?: boolean;
  /** An index serves lookups on this column alone (see the module comment). */
  indexed: boolean;
  indexedBy?: IndexedBy;
  /** The referenced table or model as written (`users.id` → `{ target: 'users', targetColumn: 'id' }`; Django/Prisma/TypeORM: the model name). */
  foreignKey?: { target: string; targetColumn?: string };
  /**
   * The column holds one of a fixed set of values: a database enum, Django `choices`, a Prisma
   * enum, a TypeORM enum column, a CHECK constraint listing the values, or a code-level enum type
   * (`Mapped[Status]`, a TS enum property). `values` is empty when they cannot be read.
   */
  enumeration?: { name?: string; values: string[]; source: 'database' | 'choices' | 'check' | 'type' };
  /** A string-literal default (`default="pending"`, `@default("active")`, `default: 'draft'`). */
  defaultValue?: string;
  /** The ORM sets it: on insert (`auto_now_add`, `@CreateDateColumn`, `default=now`) or on every update (`onupdate=`, `auto_now`, `@updatedAt`, `@UpdateDateColumn`). */
  autoTimestamp?: 'create' | 'update';
  /** Declared in a mixin or abstract base class of the model (its name). */
  inheritedFrom?: string;
  at: Location;
}

export interface OrmIndex {
  /** Database column names, in index order. */
  columns: string[];
  unique: boolean;
  name?: string;
  at: Location;
}

export interface OrmRelation {
  /** The attribute in code: `owner`, `orders`. */
  name: string;
  /** The related model's name as written. */
  target: string;
  kind: 'many-to-one' | 'one-to-one' | 'one-to-many' | 'many-to-many' | 'unknown';
  at: Location;
}

export interface OrmModel {
  orm: OrmName;
  /** The class or Prisma model name. */
  name: string;
  /** The database table (from `__tablename__`, `Meta.db_table`, `@@map`, `@Entity('x')`, or the ORM's default naming). */
  table: string;
  file: string;
  /** The class / model declaration. */
  at: Location;
  endLine: number;
  fields: OrmField[];
  /** Declared indexes and unique constraints (single and composite), primary keys not included. */
  indexes: OrmIndex[];
  relations: OrmRelation[];
  /** Django: the app label (the app's folder name), which prefixes default table names and owns the migrations. */
  app?: string;
  /** Django `Meta.managed = False`, or a SQLAlchemy table reflected from the database: migrations are not expected to create it. */
  unmanaged?: boolean;
  /** Single-table inheritance: the model shares its parent's table. */
  sharesTableOf?: string;
}

export type DatabaseEngine = 'postgresql' | 'mysql' | 'sqlite' | 'sqlserver' | 'oracle' | 'mongodb' | 'cockroachdb';

export interface OrmFacts {
  models: OrmModel[];
  /** Database engines the project targets, from Prisma datasources, TypeORM options, database URLs and driver dependencies. */
  engines: Set<DatabaseEngine>;
}

const memo = new WeakMap<ParsedFiles, { models: OrmModel[]; errors: string[] }>();
const EXTRACTORS: [string, (files: ParsedFiles) => OrmModel[]][] = [
  ['Python (SQLAlchemy, SQLModel, Django)', extractPythonModels],
  ['Prisma', extractPrismaModels],
  ['TypeORM', extractTypeormModels],
];

function extract(files: ParsedFiles): { models: OrmModel[]; errors: string[] } {
  let result = memo.get(files);
  if (!result) {
    const models: OrmModel[] = [];
    const errors: string[] = [];
    // One extractor failing on odd code loses its models, never the audit.
    for (const [name, run] of EXTRACTORS) {
      try {
        models.push(...run(files));
      } catch (error) {
        errors.push(`${name} models could not be read: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      }
    }
    models.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.at.startLine ?? 0) - (b.at.startLine ?? 0)));
    result = { models, errors };
    memo.set(files, result);
  }
  return result;
}

/** Every concrete ORM model of the project (tests excluded), sorted by file and line. Memoised per file set. */
export function ormModels(files: ParsedFiles): OrmModel[] {
  return extract(files).models;
}

/** Why some models could not be read (an extractor failed), for the audit's diagnostics. */
export function ormModelErrors(files: ParsedFiles): string[] {
  return extract(files).errors;
}

/** A model by class name or table name (case-insensitive on tables), preferring the same ORM. */
export function findOrmModel(models: readonly OrmModel[], nameOrTable: string, orm?: OrmName): OrmModel | undefined {
  const lower = nameOrTable.toLowerCase();
  const candidates = models.filter((m) => m.name === nameOrTable || m.table.toLowerCase() === lower);
  return candidates.find((m) => !orm || m.orm === orm || (orm === 'sqlalchemy' && m.orm === 'sqlmodel')) ?? candidates[0];
}

/** The field of a model by attribute name or column name. */
export function findOrmField(model: OrmModel, nameOrColumn: string): OrmField | undefined {
  return model.fields.find((f) => f.name === nameOrColumn) ?? model.fields.find((f) => f.column === nameOrColumn);
}

/** Whether a lookup on `column` (database name) alone can use an index of the model. */
export function isColumnIndexed(model: OrmModel, column: string): boolean {
  return model.fields.some((f) => f.column === column && f.indexed) || model.indexes.some((i) => i.columns[0] === column);
}

const PY_DRIVERS: [RegExp, DatabaseEngine][] = [
  [/^(psycopg2?(-binary)?|psycopg\[.*\]|asyncpg|pg8000|psycopg-binary|aiopg)$/i, 'postgresql'],
  [/^(pymysql|mysqlclient|mysql-connector-python|aiomysql|asyncmy)$/i, 'mysql'],
  [/^(aiosqlite)$/i, 'sqlite'],
  [/^(pyodbc|pymssql|aioodbc)$/i, 'sqlserver'],
  [/^(oracledb|cx[-_]oracle)$/i, 'oracle'],
];
const NODE_DRIVERS: [RegExp, DatabaseEngine][] = [
  [/^(pg|postgres|pg-promise|@neondatabase\/serverless|@vercel\/postgres)$/, 'postgresql'],
  [/^(mysql|mysql2|@planetscale\/database)$/, 'mysql'],
  [/^(sqlite3|better-sqlite3|@libsql\/client)$/, 'sqlite'],
  [/^(mssql|tedious)$/, 'sqlserver'],
  [/^(oracledb)$/, 'oracle'],
];
const URL_SCHEMES: [RegExp, DatabaseEngine][] = [
  [/\b(postgres(ql)?(\+\w+)?):\/\//, 'postgresql'],
  [/\b(mysql|mariadb)(\+\w+)?:\/\//, 'mysql'],
  [/\bsqlite(\+\w+)?:\/\//, 'sqlite'],
  [/\bmssql(\+\w+)?:\/\//, 'sqlserver'],
  [/['"]django\.db\.backends\.postgresql/, 'postgresql'],
  [/['"]django\.db\.backends\.mysql/, 'mysql'],
  [/['"]django\.db\.backends\.sqlite3/, 'sqlite'],
];

/**
 * The database engines the project targets. Prisma datasources and TypeORM `type:` options are
 * authoritative; otherwise database URLs in code, settings and env files, then driver packages.
 * Empty when nothing tells.
 */
export function databaseEngines(files: ParsedFiles, dependencies: readonly Dependency[]): Set<DatabaseEngine> {
  const declared = new Set<DatabaseEngine>([...prismaDatasourceProviders(files), ...typeormDatabaseTypes(files)]);
  if (declared.size) return declared;
  const found = new Set<DatabaseEngine>();
  const texts = [
    ...files.ofKind('python', { containing: ['://', 'django.db.backends'], includeTests: false }),
    ...files.ofKind('env', { containing: ['://'] }),
    ...files.ofKind('yaml', { containing: ['://'] }),
    ...files.ofKind('toml', { containing: ['://'] }),
    ...files.ofKind('text', { containing: ['sqlalchemy.url'] }),
  ];
  for (const file of texts) for (const [pattern, engine] of URL_SCHEMES) if (pattern.test(file.text)) found.add(engine);
  for (const dep of dependencies) {
    if (dep.dev) continue;
    for (const [pattern, engine] of dep.ecosystem === 'pypi' ? PY_DRIVERS : NODE_DRIVERS) if (pattern.test(dep.name)) found.add(engine);
  }
  return found;
}

/** `ormModels` and `databaseEngines` together. */
export function ormFacts(files: ParsedFiles, dependencies: readonly Dependency[]): OrmFacts {
  return { models: ormModels(files), engines: databaseEngines(files, dependencies) };
}
