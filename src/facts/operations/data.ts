/**
 * The service's data and how it is looked after: which databases it uses (drivers, ORMs,
 * compose services, managed databases), its models and schema files, its migration history
 * (Alembic, Django, Prisma, Knex, TypeORM, Sequelize, Flask-Migrate, Flyway, Liquibase, dbmate,
 * golang-migrate, Drizzle, yoyo, aerich), where migrations are applied (entrypoints, release
 * phases, Jobs, CI), schemas created at start-up instead, and backup / restore procedures
 * (dump scripts, scheduled jobs, managed backup settings, documented procedures).
 */
import type { ParsedFile, ParsedFiles } from '../../model/parsed-file.ts';
import type { Dependency } from '../../model/repo-index.ts';
import { findPyCalls } from '../../parse/python-syntax.ts';
import type { CiFacts } from '../ci-pipelines.ts';
import { kubernetesObjects, podSpecOf } from '../kubernetes.ts';
import { yamlEntries, yamlGet, yamlScalar } from '../yaml-nodes.ts';
import { MIGRATE_COMMAND, type DeploymentFacts } from './deployment.ts';
import { baseName, dirOf, documentHeadings, matchLines, sectionText, signalAt, signalOfFile, sortSignals, type Signal } from './signals.ts';

export interface DatabaseUse extends Signal {
  engine: string;
  /** Relational databases need schema migrations; document and key-value stores do not. */
  relational: boolean;
}

export interface MigrationHistory extends Signal {
  tool: string;
  /** The folder holding the revisions. */
  folder: string;
  revisions: number;
}

export interface DataFacts {
  /** Database drivers and ORMs the code depends on. */
  databases: DatabaseUse[];
  /** ORM model classes and schema definitions (SQLAlchemy, SQLModel, Django, Prisma, TypeORM, Sequelize, Tortoise, Peewee). */
  models: (Signal & { orm: string; count: number })[];
  /** SQL schema files with `CREATE TABLE` (schema.sql, init scripts). */
  schemaFiles: (Signal & { tables: number })[];
  migrations: MigrationHistory[];
  /** Where migrations are applied automatically (a start script, a release phase, a Job, a compose service, CI). */
  migrationRuns: Signal[];
  /** `Base.metadata.create_all()`, `sequelize.sync()`, `synchronize: true`: the schema is created by the app at start-up. */
  schemaAtStartup: Signal[];
  /** Backup mechanisms: dump scripts, scheduled backup jobs, backup sidecars, documented procedures. */
  backups: Signal[];
  /** Restore procedures: restore scripts and documented steps. */
  restores: Signal[];
}

const DRIVERS: { engine: string; relational: boolean; pypi?: RegExp; npm?: RegExp }[] = [
  { engine: 'PostgreSQL', relational: true, pypi: /^(asyncpg|psycopg|psycopg2|psycopg2-binary|psycopg-binary|pg8000|aiopg)$/, npm: /^(pg|postgres|pg-promise|@neondatabase\/serverless|@vercel\/postgres|slonik)$/ },
  { engine: 'MySQL', relational: true, pypi: /^(pymysql|mysqlclient|aiomysql|mysql-connector-python|asyncmy)$/, npm: /^(mysql|mysql2|@planetscale\/database)$/ },
  { engine: 'SQLite', relational: true, pypi: /^(aiosqlite)$/, npm: /^(sqlite3|better-sqlite3|@libsql\/client)$/ },
  { engine: 'SQL (ORM)', relational: true, pypi: /^(sqlalchemy|sqlmodel|databases|tortoise-orm|peewee|piccolo|ormar|django)$/, npm: /^(@prisma\/client|prisma|typeorm|sequelize|knex|drizzle-orm|kysely|@mikro-orm\/core|objection)$/ },
  { engine: 'MongoDB', relational: false, pypi: /^(pymongo|motor|mongoengine|beanie|odmantic)$/, npm: /^(mongodb|mongoose)$/ },
  { engine: 'DynamoDB', relational: false, pypi: /^(pynamodb)$/, npm: /^(@aws-sdk\/client-dynamodb|dynamoose)$/ },
  { engine: 'Firestore', relational: false, pypi: /^(google-cloud-firestore|firebase-admin)$/, npm: /^(firebase-admin|@google-cloud\/firestore)$/ },
];

export function readData(files: ParsedFiles, dependencies: Dependency[], deployment: DeploymentFacts, ci: CiFacts): DataFacts {
  const facts: DataFacts = { databases: [], models: [], schemaFiles: [], migrations: [], migrationRuns: [], schemaAtStartup: [], backups: [], restores: [] };
  for (const dep of dependencies) {
    if (dep.dev) continue;
    const driver = DRIVERS.find((d) => (dep.ecosystem === 'pypi' ? d.pypi : d.npm)?.test(dep.name));
    const manifest = files.get(dep.manifest);
    if (driver && manifest) facts.databases.push({ ...signalAt(manifest, `db-${driver.engine}`, `${dep.name} (${driver.engine}) in ${dep.manifest}`, dep.line ?? 1), engine: driver.engine, relational: driver.relational });
  }
  if (files.ofKind('python', { containing: ['sqlite3.connect'], includeTests: false }).length) {
    const file = files.ofKind('python', { containing: ['sqlite3.connect'], includeTests: false })[0];
    const m = /sqlite3\.connect/.exec(file.text)!;
    facts.databases.push({ ...signalAt(file, 'db-SQLite', `sqlite3 in ${file.path}`, file.position(m.index).line), engine: 'SQLite', relational: true });
  }
  readModels(files, facts);
  readMigrations(files, facts);
  readMigrationRuns(files, deployment, ci, facts);
  readBackups(files, facts);
  for (const key of ['databases', 'models', 'schemaFiles', 'migrations', 'migrationRuns', 'schemaAtStartup', 'backups', 'restores'] as const) (facts[key] as Signal[]) = sortSignals(facts[key] as Signal[]);
  return facts;
}

// ---- models and schema ----

function readModels(files: ParsedFiles, facts: DataFacts): void {
  const counts = new Map<string, { orm: string; file: ParsedFile; line: number; count: number }>();
  const add = (orm: string, file: ParsedFile, line: number) => {
    const key = `${orm}\0${file.path}`;
    const entry = counts.get(key) ?? { orm, file, line, count: 0 };
    entry.count++;
    counts.set(key, entry);
  };
  for (const file of files.ofKind('python', { containing: ['__tablename__', 'models.Model', 'table=True', 'Mapped[', 'DeclarativeBase', 'declarative_base', 'tortoise', 'peewee'], includeTests: false })) {
    if (/(^|\/)migrations?\/|(^|\/)alembic\/versions\//.test(file.path)) continue;
    for (const { match, line } of matchLines(file, /^class\s+\w+\s*\(([^)]*)\)\s*:/gm)) {
      const bases = match[1];
      const body = file.text.slice(match.index, match.index + 1500).split(/\n(?=\S)/)[0];
      if (/\bmodels\.Model\b/.test(bases) && /\bmodels\.\w+Field\b|\bmodels\.ForeignKey\b/.test(body)) add('Django', file, line);
      else if (/table\s*=\s*True/.test(bases)) add('SQLModel', file, line);
      else if (/__tablename__\s*=/.test(body) || (/\b(Base|Model|DeclarativeBase)\b/.test(bases) && /Mapped\[|Column\(|mapped_column\(/.test(body))) add('SQLAlchemy', file, line);
      else if (/\bModel\b/.test(bases) && /fields\.\w+Field\(/.test(body) && /tortoise/.test(file.text)) add('Tortoise', file, line);
      else if (/\bModel\b/.test(bases) && /\w+Field\(/.test(body) && /peewee/.test(file.text)) add('Peewee', file, line);
    }
  }
  for (const file of files.all) {
    if (/\.prisma$/.test(file.path) && !file.isTest) for (const { line } of matchLines(file, /^model\s+\w+\s*\{/gm)) add('Prisma', file, line);
  }
  for (const file of files.ofKind('js', { containing: ['@Entity', 'sequelize', 'Sequelize', 'pgTable', 'mysqlTable', 'sqliteTable'], includeTests: false })) {
    for (const { line } of matchLines(file, /^\s*@Entity\(/gm)) add('TypeORM', file, line);
    for (const { line } of matchLines(file, /\.define\(\s*['"]\w+['"]|\bextends\s+Model\b.*\{|\.init\(\s*\{[\s\S]{0,40}?DataTypes/g)) if (/sequelize/i.test(file.text)) add('Sequelize', file, line);
    for (const { line } of matchLines(file, /\b(pgTable|mysqlTable|sqliteTable)\(\s*['"]\w+['"]/g)) add('Drizzle', file, line);
  }
  for (const { orm, file, line, count } of counts.values()) facts.models.push({ ...signalAt(file, `models-${orm}`, `${count} ${orm} model${count === 1 ? '' : 's'} in ${file.path}`, line), orm, count });
  for (const file of files.ofKind('text', { containing: ['CREATE TABLE', 'create table'], includeTests: false })) {
    if (!/\.sql$/i.test(file.path) || isMigrationPath(file.path)) continue;
    const tables = (file.text.match(/\bcreate\s+table\b/gi) ?? []).length;
    const m = /\bcreate\s+table\b/i.exec(file.text)!;
    facts.schemaFiles.push({ ...signalAt(file, 'schema-sql', `${tables} table${tables === 1 ? '' : 's'} created by ${file.path}`, file.position(m.index).line), tables });
  }
  for (const file of files.ofKind('python', { containing: ['create_all', 'CREATE TABLE'], includeTests: false })) {
    if (!file.ast) continue;
    for (const call of findPyCalls(file.ast, /(^|\.)create_all$/)) {
      if (!/metadata/.test(call.callee) && !/metadata/.test(call.node.text()) && !call.args.some((a) => /metadata/.test(a.text()))) continue;
      const line = call.node.range().start.line + 1;
      facts.schemaAtStartup.push(signalAt(file, 'create-all', `\`${call.callee}()\` creates the tables from the models (${file.path}:${line})`, line));
    }
    for (const call of findPyCalls(file.ast, /\.(execute|executescript|run_sync)$/)) {
      if (!/CREATE\s+TABLE/i.test(call.node.text())) continue;
      const line = call.node.range().start.line + 1;
      facts.schemaAtStartup.push(signalAt(file, 'create-table', `\`CREATE TABLE\` run by the app (${file.path}:${line})`, line));
    }
  }
  for (const file of files.ofKind('js', { containing: ['synchronize', '.sync('], includeTests: false })) {
    for (const { line } of matchLines(file, /\bsynchronize\s*:\s*true\b|\bsequelize\.sync\(|\.sync\(\s*\{\s*(alter|force)\s*:\s*true/g)) facts.schemaAtStartup.push(signalAt(file, 'orm-sync', `the ORM synchronises the schema at start-up (${file.path}:${line})`, line));
  }
}

function isMigrationPath(path: string): boolean {
  return /(^|\/)(migrations?|alembic|versions|db\/migrate|flyway|changelog|schema_migrations)(\/|$)/i.test(path) || /(^|\/)V\d+(_\d+)*__[^/]+\.sql$/.test(path) || /\.(up|down)\.sql$/.test(path);
}

// ---- migrations ----

function readMigrations(files: ParsedFiles, facts: DataFacts): void {
  const byFolder = new Map<string, { tool: string; files: string[] }>();
  const add = (tool: string, folder: string, path: string) => {
    const key = `${tool}\0${folder}`;
    const entry = byFolder.get(key) ?? { tool, files: [] };
    entry.files.push(path);
    byFolder.set(key, entry);
  };
  for (const file of files.all) {
    const path = file.path;
    if (file.isTest && !/(^|\/)migrations?\//.test(path)) continue;
    let m: RegExpExecArray | null;
    if (file.kind === 'python' && (m = /^(.*\/)?versions\/[^/]+\.py$/.exec(path)) && /^\s*(down_)?revision\s*[:=]/m.test(file.text)) {
      const folder = dirOf(path);
      const alembic = /(^|\/)migrations\/versions$/.test(folder) && /flask_migrate|Flask-Migrate/i.test(files.get(`${dirOf(folder)}/env.py`)?.text ?? '') ? 'Flask-Migrate (Alembic)' : 'Alembic';
      add(alembic, folder, path);
    } else if (file.kind === 'python' && /(^|\/)migrations\/\d{4}_[\w]+\.py$/.test(path) && /migrations\.Migration\b/.test(file.text)) add('Django', dirOf(path), path);
    else if ((m = /^(.*\/)?migrations\/[^/]+\/migration\.sql$/.exec(path)) && /(^|\/)prisma\//.test(path)) add('Prisma', dirOf(dirOf(path)), path);
    else if (file.kind === 'js' && /(^|\/)migrations?\/[^/]+\.[cm]?[jt]s$/.test(path)) {
      if (/\bimplements\s+MigrationInterface\b|\bMigrationInterface\b/.test(file.text)) add('TypeORM', dirOf(path), path);
      else if (/queryInterface\.(createTable|addColumn|addIndex|changeColumn|removeColumn|bulkInsert)|\bup\s*:\s*async\s*\(\s*queryInterface/.test(file.text)) add('Sequelize', dirOf(path), path);
      else if (/exports\.up\s*=|export\s+(async\s+)?function\s+up\b|knex\.schema/.test(file.text)) add(/pgm\.|MigrationBuilder/.test(file.text) ? 'node-pg-migrate' : 'Knex', dirOf(path), path);
    } else if (/(^|\/)V\d+(?:[._]\d+)*__[^/]+\.sql$/.test(path)) add('Flyway', dirOf(path), path);
    else if (/\.up\.sql$/.test(path)) add('golang-migrate', dirOf(path), path);
    else if (/(^|\/)db\/migrations\/[^/]+\.sql$/.test(path) && /--\s*migrate:up/.test(file.text)) add('dbmate', dirOf(path), path);
    else if (/(^|\/)drizzle\/\d{4}_[^/]+\.sql$/.test(path)) add('Drizzle', dirOf(path), path);
    else if (/(^|\/)migrations\/[^/]+\.(sql|py)$/.test(path) && /^\s*--\s*depends:|from\s+yoyo\s+import/m.test(file.text)) add('yoyo', dirOf(path), path);
    else if (/(^|\/)migrations\/models\/\d+_[^/]+\.py$/.test(path) && /async\s+def\s+upgrade/.test(file.text)) add('aerich', dirOf(dirOf(path)), path);
    else if (/(^|\/)(db\.)?changelog[^/]*\.(xml|ya?ml|json|sql)$/i.test(path) && /databaseChangeLog|liquibase/i.test(file.text)) add('Liquibase', dirOf(path), path);
    else if (/(^|\/)migrations?\/\d{3,}[_-][^/]+\.sql$/.test(path)) add('SQL migrations', dirOf(path), path);
  }
  for (const [key, { tool, files: revisions }] of byFolder) {
    const folder = key.split('\0')[1];
    const first = files.get([...revisions].sort()[0]);
    const label = `${tool}: ${revisions.length} revision${revisions.length === 1 ? '' : 's'} in ${folder || '.'}/`;
    const line = first ? Math.max(1, first.text.split('\n').findIndex((l) => /^(revision\s*[:=]|class\s+Migration\b|exports\.up\b|export\s+(async\s+)?function\s+up\b|export\s+class\b|module\.exports\b|--\s*migrate:up|\s*(CREATE|ALTER)\s)/i.test(l)) + 1) : 1;
    facts.migrations.push({ ...(first ? signalAt(first, `migrations-${tool}`, label, line) : signalOfFile(folder, `migrations-${tool}`, label)), tool, folder, revisions: revisions.length });
  }
  // Tools configured without revisions yet (an empty versions folder is not a history).
  for (const file of files.all) {
    if (/(^|\/)alembic\.ini$/.test(file.path) && !facts.migrations.some((m) => m.tool.includes('Alembic') && m.folder.startsWith(dirOf(file.path))))
      facts.migrations.push({ ...signalAt(file, 'migrations-Alembic', `Alembic configured (${file.path}) with no revisions`, Math.max(1, file.text.split('\n').findIndex((l) => /^\s*script_location\b/.test(l)) + 1)), tool: 'Alembic', folder: dirOf(file.path), revisions: 0 });
    if (file.kind === 'python' && !file.isTest && /^\s*from\s+flask_migrate\s+import|^\s*import\s+flask_migrate/m.test(file.text) && /\bMigrate\(/.test(file.text) && !facts.migrations.some((m) => m.tool.includes('Alembic')))
      facts.migrations.push({ ...signalAt(file, 'migrations-Flask-Migrate (Alembic)', `Flask-Migrate configured (${file.path}) with no migrations folder`, file.text.split('\n').findIndex((l) => /\bMigrate\(/.test(l)) + 1), tool: 'Flask-Migrate (Alembic)', folder: 'migrations', revisions: 0 });
    if (/(^|\/)schema\.prisma$/.test(file.path) && !facts.migrations.some((m) => m.tool === 'Prisma'))
      facts.migrations.push({ ...signalAt(file, 'migrations-Prisma', `Prisma schema (${file.path}) with no migrations folder`, Math.max(1, file.text.split('\n').findIndex((l) => /^\s*datasource\b/.test(l)) + 1)), tool: 'Prisma', folder: dirOf(file.path), revisions: 0 });
  }
}

function readMigrationRuns(files: ParsedFiles, deployment: DeploymentFacts, ci: CiFacts, facts: DataFacts): void {
  const describe = (where: string) => `migrations applied by ${where}`;
  for (const e of deployment.entrypoints) {
    if (MIGRATE_COMMAND.test(e.command)) facts.migrationRuns.push({ kind: 'migrate-run', label: describe(`${e.source === 'procfile' ? 'the Procfile release phase' : e.release ? `the ${e.source} release step` : `the ${e.source} start command`} (\`${(MIGRATE_COMMAND.exec(e.command) ?? [''])[0]}\`)`), at: { ...e.at, note: 'migrations run here' } });
    if (e.script) {
      const script = files.get(e.script);
      const m = script ? MIGRATE_COMMAND.exec(script.text) : null;
      if (script && m) facts.migrationRuns.push(signalAt(script, 'migrate-run', describe(`${script.path}, which the ${e.source} entrypoint runs (\`${m[0]}\`)`), script.position(m.index).line));
    }
  }
  // A CI job that migrates counts when it deploys (a test job migrating its throwaway database does not).
  const deployJobs = new Set(ci.pipelines.flatMap((p) => p.jobs.filter((j) => j.steps.some((st) => st.kinds.includes('deploy')) || /deploy|release|production|prod\b/i.test(`${j.id} ${p.file}`)).map((j) => `${p.file}\0${j.id}`)));
  for (const s of ci.steps) if (s.kinds.includes('migrate') && deployJobs.has(`${s.file}\0${s.job}`)) facts.migrationRuns.push({ kind: 'migrate-run', label: describe(`CI job \`${s.job}\` in ${s.file}`), at: { ...s.at, note: 'migrations run here' } });
  for (const object of kubernetesObjects(files, { includeTests: false })) {
    if (object.kind !== 'Job' && object.kind !== 'CronJob' && !podSpecOf(object)) continue;
    const text = object.file.text;
    const m = MIGRATE_COMMAND.exec(text);
    if (m && (object.kind === 'Job' || /initContainers/.test(text))) facts.migrationRuns.push(signalAt(object.file, 'migrate-run', describe(`Kubernetes ${object.kind === 'Job' ? `Job \`${object.name}\`` : `init container of \`${object.name}\``} (\`${m[0]}\`)`), object.file.position(m.index).line));
  }
  for (const file of files.ofKind('text', { containing: ['migrat', 'alembic', 'upgrade'], includeTests: false })) {
    if (!/\.sh$|(^|\/)(entrypoint|start|run|release|deploy)[^/]*$/.test(file.path)) continue;
    const m = MIGRATE_COMMAND.exec(file.text);
    if (m && !/^\s*#/.test(file.line(file.position(m.index).line))) facts.migrationRuns.push(signalAt(file, 'migrate-run', describe(`${file.path} (\`${m[0]}\`)`), file.position(m.index).line));
  }
  for (const file of files.ofKind('python', { containing: ['command.upgrade', 'call_command'], includeTests: false })) {
    const m = /\b(?:alembic\.)?command\.upgrade\(|call_command\(\s*["']migrate["']/.exec(file.text);
    if (m) facts.migrationRuns.push(signalAt(file, 'migrate-run', describe(`the app itself (${file.path})`), file.position(m.index).line));
  }
  for (const file of files.ofKind('json', { containing: ['migrat'] })) {
    if (baseName(file.path) !== 'package.json') continue;
    const scripts = (file.json as { scripts?: Record<string, unknown> } | undefined)?.scripts ?? {};
    for (const name of ['start', 'prestart', 'build', 'postbuild', 'release', 'deploy', 'predeploy', 'vercel-build']) {
      const script = scripts[name];
      if (typeof script === 'string' && MIGRATE_COMMAND.test(script)) {
        const line = file.text.split('\n').findIndex((l) => l.includes(`"${name}"`)) + 1;
        facts.migrationRuns.push(signalAt(file, 'migrate-run', describe(`the \`${name}\` script of ${file.path}`), Math.max(1, line)));
      }
    }
  }
}

// ---- backups ----

const BACKUP_COMMAND = /\b(pg_dump|pg_dumpall|pg_basebackup|mysqldump|mariadb-dump|mongodump|wal-g\s+backup-push|pgbackrest\s+(\S+\s+)*backup|barman\s+backup|restic\s+backup|borg\s+create|velero\s+backup|sqlite3\s+\S+\s+["']?\.backup|redis-cli\s+(\S+\s+)*(--rdb|bgsave)|aws\s+rds\s+create-db-snapshot|gcloud\s+sql\s+backups\s+create|litestream\s+replicate)\b/;
const RESTORE_COMMAND = /\b(pg_restore|mongorestore|wal-g\s+backup-fetch|pgbackrest\s+(\S+\s+)*restore|barman\s+recover|restic\s+restore|borg\s+extract|velero\s+restore|litestream\s+restore|aws\s+rds\s+restore-db-\w+|gcloud\s+sql\s+backups\s+restore)\b|\bpsql\b[^\n|]*<\s*\S+\.(sql|dump)|\bmysql\b[^\n|]*<\s*\S+\.sql|gunzip\s+-c\s+\S+\s*\|\s*(psql|mysql)/;
const BACKUP_IMAGE = /(postgres-backup|pgbackups|mysql-backup|mongodb-backup|backup-local|pgbackrest|wal-g|litestream|velero|restic|borgmatic|k8up)/;

function readBackups(files: ParsedFiles, facts: DataFacts): void {
  for (const file of files.all) {
    if (file.isTest || file.kind === 'markdown') continue;
    if (!/(dump|backup|wal-g|pgbackrest|barman|restic|borg|velero|restore|litestream|snapshot|bgsave|--rdb)/i.test(file.text)) continue;
    const backup = BACKUP_COMMAND.exec(file.text);
    if (backup && !/^\s*#/.test(file.line(file.position(backup.index).line))) {
      const scheduled = /CronJob|schedule|crontab|cron:|\bcron\b/i.test(file.text) ? ' on a schedule' : '';
      facts.backups.push(signalAt(file, 'backup-script', `\`${backup[1]}\`${scheduled} in ${file.path}`, file.position(backup.index).line));
    }
    const restore = RESTORE_COMMAND.exec(file.text);
    if (restore && !/^\s*#/.test(file.line(file.position(restore.index).line)) && !/(^|\/)docker-entrypoint-initdb\.d/.test(file.text.slice(Math.max(0, restore.index - 200), restore.index))) facts.restores.push(signalAt(file, 'restore-script', `\`${restore[0].trim().slice(0, 40)}\` in ${file.path}`, file.position(restore.index).line));
    if (file.kind === 'yaml')
      for (const doc of file.yaml ?? []) {
        const root = (doc as { contents?: unknown }).contents;
        for (const { value, keyNode } of yamlEntries(yamlGet(root, 'services', doc), doc)) {
          const image = yamlScalar(yamlGet(value, 'image', doc)) ?? '';
          if (BACKUP_IMAGE.test(image)) facts.backups.push(signalAt(file, 'backup-service', `backup service running \`${image}\` (${file.path})`, file.position(keyNode?.range?.[0] ?? 0).line));
        }
      }
  }
  // Documented procedures: a heading about backups or restores in README / docs / runbooks.
  for (const file of files.ofKind('markdown')) {
    if (file.isTest) continue;
    for (const heading of documentHeadings(file)) {
      const backup = /\b(back\s?-?ups?|backing up|disaster recovery)\b/i.test(heading.text);
      const restore = /\brestor(e|es|ing)\b/i.test(heading.text);
      if (!backup && !restore) continue;
      const section = sectionText(file, heading.line);
      const title = heading.text.trim().slice(0, 50);
      if (backup && (section.length >= 80 || BACKUP_COMMAND.test(section))) facts.backups.push(signalAt(file, 'backup-doc', `backup procedure documented in ${file.path} ("${title}")`, heading.line));
      if ((restore || /\brestor/i.test(section)) && section.length >= 80) facts.restores.push(signalAt(file, 'restore-doc', `restore steps documented in ${file.path} ("${title}")`, heading.line));
    }
  }
}
