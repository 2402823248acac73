import type { Location } from '../../model/finding.ts';
import type { ParsedFile, ParsedFiles } from '../../model/parsed-file.ts';
import { defineRule } from '../../model/rule.ts';
import { evaluatePyExpression, findPyCalls, pyStringValue } from '../../parse/python-syntax.ts';
import { jsStringValue } from '../../parse/js-syntax.ts';
import { functionKey, pyCallGraph } from '../../facts/call-reach.ts';
import { isDevConfigPath, isShippedDjangoSettings } from '../../facts/django-settings.ts';
import { processModel, productionDeployment, type ProcessModel } from '../../facts/process-model.ts';
import { handlersWithRoutes } from '../../facts/routes/route-scope.ts';

/**
 * The application's own database is SQLite (a `sqlite3.connect` its handlers reach, a `sqlite://`
 * database URL in its configuration, Django's `sqlite3` backend, Prisma / knex / TypeORM /
 * Sequelize / better-sqlite3 in Node) and the repository deploys it to production — worst with
 * several worker processes or replicas.
 */

interface SqliteUse {
  at: Location;
  /** For messages: "`sqlite3.connect(DB_PATH)` in get_db", "`DATABASE_URL` defaults to `sqlite:///./app.db`". */
  what: string;
  runtime: 'python' | 'node';
  /** The environment variable whose default this is: production may set it to another database. */
  envVar?: string;
}

/** Files that are not the running application: tests, one-off scripts, migrations, docs. */
const NOT_APP = /(^|\/)(scripts?|bin|tools|migrations|alembic|seeds?|fixtures|examples?|docs|notebooks)\//;
const SQLITE_URL = /^sqlite(\+\w+)?:\/\//;

function pyUses(files: ParsedFiles, routes: Parameters<typeof handlersWithRoutes>[0]): SqliteUse[] {
  const out: SqliteUse[] = [];
  // sqlite3.connect(...) in code the route handlers run (each reached function judged once).
  const graph = pyCallGraph(files);
  const judged = new Set<string>();
  for (const { file, fn, routes: served } of handlersWithRoutes(routes, files, 'python')) {
    for (const path of graph.reach(graph.start(file, fn, served[0].handler.name), { maxDepth: 4 })) {
      const key = functionKey(path);
      if (judged.has(key)) continue;
      judged.add(key);
      for (const call of findPyCalls(path.fn, /(^|\.)connect$/)) {
        const value = evaluatePyExpression(call.node.field('function')!, { file: path.file, fn: path.fn }, graph.load);
        if (value?.kind !== 'external' || !/^(sqlite3|aiosqlite)\.connect$/.test(value.path)) continue;
        out.push({ at: path.file.locate(call.node), what: `\`${call.callee}(…)\` in \`${path.label}\``, runtime: 'python' });
      }
    }
  }
  for (const file of files.ofKind('python', { containing: ['sqlite'], includeTests: false })) {
    if (!file.ast || NOT_APP.test(file.path) || isDevConfigPath(file.path)) continue;
    // Django: DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", …}} in shipped settings.
    if (isShippedDjangoSettings(file)) {
      const m = /["']ENGINE["']\s*:\s*["']django\.db\.backends\.sqlite3["']/.exec(file.text);
      if (m) out.push({ at: file.locateLines(file.position(m.index).line), what: "Django's `sqlite3` database backend", runtime: 'python' });
      continue;
    }
    for (const literal of file.findAll({ kind: 'string', regex: '^[a-zA-Z]*["\']sqlite' })) {
      const url = pyStringValue(literal);
      if (!url || !SQLITE_URL.test(url) || /:memory:|mode=memory/.test(url)) continue;
      out.push({ at: file.locate(literal), ...describePyUrl(file, literal, url), runtime: 'python' });
    }
  }
  return out;
}

/** How a SQLite URL literal is used: the default of an environment variable, a settings field default, or a plain value. */
function describePyUrl(file: ParsedFile, literal: ReturnType<ParsedFile['findAll']>[number], url: string): { what: string; envVar?: string } {
  const parent = literal.parent();
  const call = parent?.kind() === 'argument_list' ? parent.parent() : undefined;
  const callee = call?.field('function')?.text() ?? '';
  if (call && /(^|\.)(getenv|get|environ\.get|config|env)$/.test(callee)) {
    const name = pyStringValue(call.field('arguments')?.children().find((c) => c.isNamed()));
    if (name && name !== url) return { what: `\`${name}\` falls back to \`${url}\``, envVar: name };
  }
  // pydantic-settings: `database_url: str = "sqlite:///./app.db"` in a BaseSettings class.
  const assign = parent?.kind() === 'assignment' ? parent : undefined;
  const target = assign?.field('left')?.text();
  if (assign && target && /BaseSettings|Settings\b/.test(file.text) && assign.parent()?.parent()?.kind() === 'block')
    return { what: `setting \`${target}\` defaults to \`${url}\``, envVar: target.toUpperCase() };
  return { what: `database URL \`${url}\`${target ? ` (\`${target}\`)` : ''}`, envVar: target && /^[A-Z_]+$/.test(target) ? target : undefined };
}

function jsUses(files: ParsedFiles): SqliteUse[] {
  const out: SqliteUse[] = [];
  for (const file of files.all) {
    if (file.isTest || NOT_APP.test(file.path)) continue;
    if (/\.prisma$/.test(file.path)) {
      const m = /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"sqlite"/.exec(file.text);
      if (m) out.push({ at: file.locateLines(file.position(m.index + m[0].indexOf('provider')).line), what: 'Prisma `provider = "sqlite"`', runtime: 'node' });
      continue;
    }
    if (file.kind !== 'js' || !/sqlite/i.test(file.text) || !file.ast) continue;
    for (const node of file.findAll({ kind: 'pair' })) {
      const key = node.field('key')?.text().replace(/['"]/g, '');
      const value = jsStringValue(node.field('value'));
      if (!key || !value) continue;
      if ((key === 'client' && /^(sqlite3|better-sqlite3)$/.test(value)) || (key === 'type' && /^(sqlite|better-sqlite3)$/.test(value)) || (key === 'dialect' && value === 'sqlite'))
        out.push({ at: file.locate(node), what: `\`${key}: '${value}'\``, runtime: 'node' });
    }
    const imported = /from\s+['"](better-sqlite3|sqlite3|sqlite)['"]|require\(\s*['"](better-sqlite3|sqlite3)['"]\s*\)/.exec(file.text);
    if (imported) {
      const ctor = /new\s+(?:\w+\.)?Database\s*\(/.exec(file.text);
      if (ctor) out.push({ at: file.locateLines(file.position(ctor.index).line), what: `\`${imported[1] ?? imported[2]}\` database`, runtime: 'node' });
    }
  }
  return out;
}

/** A value the deployment sets for the variable: undefined when it sets none. */
function deployedValue(model: ProcessModel, name: string): { value: string | undefined; at: Location } | undefined {
  return model.environment.find((e) => e.key.toUpperCase() === name.toUpperCase());
}

export default defineRule({
  meta: {
    id: 'sqlite-in-production',
    category: 'concurrency',
    title: 'SQLite as the production database',
    severity: 'high',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['web'],
    scorecard: 'Horizontal Scaling',
    effortHours: 16,
    messages: {
      sqliteMultiProcess:
        'The application keeps its data in SQLite ({{what}}), but {{processes}}: SQLite lets one process write at a time, so concurrent writes queue on the file lock and fail with "database is locked"{{replicas}}.',
      sqliteDeployed:
        'The application keeps its data in SQLite ({{what}}) and ships a production deployment ({{deployment}}): one file on one machine, with no concurrent writers, no replication and no managed backups, lost with the container unless it sits on a volume.',
    },
    why: [
      'SQLite is an excellent embedded database and a poor server database. It allows one writer at a time for the whole file: with several gunicorn/uvicorn workers, every write takes the lock and the others wait or fail with `sqlite3.OperationalError: database is locked`. Several replicas or a serverless platform each get their own file, so users see different data depending on which instance answers. The file lives on the container\'s disk: a redeploy replaces it unless a volume is mounted, and there is no point-in-time recovery, replication or failover.',
      '',
      'A SQLite default that production overrides (`DATABASE_URL` set to Postgres in the deployment) is not reported.',
    ].join('\n'),
    fix: [
      'Move to a server database (PostgreSQL, MySQL) for production, with migrations (Alembic, Django migrations, Prisma Migrate) and a connection pool; keep SQLite for tests and local development if you like.',
      '',
      '```python',
      '# settings.py',
      'database_url: str = "postgresql+asyncpg://app@db/app"  # from DATABASE_URL in production',
      '',
      '# db.py',
      'engine = create_async_engine(settings.database_url, pool_size=10, max_overflow=20, pool_pre_ping=True)',
      '```',
      '',
      'Migrate the data once with a reviewed script (`pgloader sqlite:///app.db postgresql://…` or a parameterised copy per table).',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nuvicorn==0.30.6\n',
        Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--workers", "4"]\n',
        'main.py':
          'import sqlite3\n\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\ndef db():\n    return sqlite3.connect("app.db")\n\n\n@app.post("/notes")\ndef add_note(text: str):\n    with db() as conn:\n        conn.execute("INSERT INTO notes (text) VALUES (?)", (text,))\n    return {"ok": True}\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nuvicorn==0.30.6\npsycopg[binary,pool]==3.2.3\n',
        Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--workers", "4"]\n',
        'main.py':
          'import os\n\nfrom fastapi import FastAPI\nfrom psycopg_pool import ConnectionPool\n\napp = FastAPI()\npool = ConnectionPool(os.environ["DATABASE_URL"], max_size=10)\n\n\n@app.post("/notes")\ndef add_note(text: str):\n    with pool.connection() as conn:\n        conn.execute("INSERT INTO notes (text) VALUES (%s)", (text,))\n    return {"ok": True}\n',
      },
    },
    references: {
      urls: ['https://www.sqlite.org/whentouse.html', 'https://www.sqlite.org/lockingv3.html', 'https://docs.djangoproject.com/en/5.1/ref/databases/#database-is-locked-errors'],
    },
  },
  check({ index, files, report }) {
    const uses = [...pyUses(files, index.routes), ...jsUses(files)];
    if (!uses.length) return;
    const deployment = productionDeployment(files);
    for (const runtime of ['python', 'node'] as const) {
      const model = processModel(files, runtime);
      const mine = uses.filter((u) => {
        if (u.runtime !== runtime) return false;
        if (!u.envVar) return true;
        // Production sets the variable: reported only when it sets it to SQLite too.
        const deployed = deployedValue(model, u.envVar);
        return !deployed || (deployed.value !== undefined && SQLITE_URL.test(deployed.value));
      });
      if (!mine.length) continue;
      const first = mine[0];
      const related = [...mine.slice(1, 6).map((u) => ({ ...u.at, note: u.what })), ...model.evidence.slice(0, 3).map((e) => ({ ...e.at, note: e.what }))];
      if (model.kind === 'many') {
        const replicated = model.evidence.filter((e) => /replica|instance|machine|serverless|Lambda|App Engine/i.test(e.what));
        const replicas = replicated.length ? `; with ${replicated[0].what}, each instance writes its own database file and they drift apart` : '';
        report({ messageId: 'sqliteMultiProcess', at: first.at, data: { what: first.what, processes: model.summary, replicas }, related, severity: 'high' });
      } else if (deployment) {
        report({ messageId: 'sqliteDeployed', at: first.at, data: { what: first.what, deployment: `${deployment.what}` }, related: [...related, { ...deployment.at, note: 'production deployment' }], severity: 'medium' });
      }
    }
  },
});
