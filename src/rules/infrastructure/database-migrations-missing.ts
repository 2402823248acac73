import { operationsOf } from '../../facts/operations/index.ts';
import { migrationView } from '../../facts/operations/readiness.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'database-migrations-missing',
    category: 'infrastructure',
    title: 'Database schema without migrations',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: [],
    scorecard: 'Database Migrations',
    effortHours: 4,
    messages: {
      modelsWithoutMigrations: '{{models}} define the database schema, but the repository has no migration tool or history, so schema changes reach production by hand or not at all.',
      schemaFileWithoutMigrations: '`{{file}}` creates {{tables}} table(s), but there is no migration history: the next schema change has no versioned, repeatable way to reach an existing database.',
      createdAtStartup: '{{call}} and no migration history exists, so an existing database never gets new columns or indexes and a changed model silently diverges from the table.',
      toolWithoutRevisions: '{{tool}} is set up but the repository holds no migration revisions, so the production schema is not versioned.',
    },
    why: [
      'Without versioned migrations the schema in production is whatever someone last ran by hand. A deploy that adds a column fails at runtime (`column does not exist`), a rollback cannot undo a schema change, staging and production drift apart, and a new environment cannot be rebuilt from the repository. `create_all()` and `synchronize: true` only create missing tables: they never alter existing ones, so they hide the problem until the first real change.',
    ].join('\n'),
    fix: [
      'Adopt the migration tool of the ORM, generate the first revision from the current models, and apply migrations on every deploy.',
      '',
      '```bash',
      'pip install alembic',
      'alembic init -t async alembic          # env.py: target_metadata = Base.metadata',
      'alembic revision --autogenerate -m "initial schema"',
      'alembic upgrade head                   # run on deploy: release phase, init job or entrypoint',
      '```',
      'Django: `python manage.py makemigrations && python manage.py migrate`. Prisma: `prisma migrate dev` locally, `prisma migrate deploy` on deploy. Knex / TypeORM / Sequelize have equivalent CLIs.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'fastapi==0.115.0\nsqlalchemy==2.0.35\n',
        'app/models.py': 'from sqlalchemy import String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    email: Mapped[str] = mapped_column(String(320), unique=True)\n',
      },
      good: {
        'requirements.txt': 'fastapi==0.115.0\nsqlalchemy==2.0.35\nalembic==1.13.3\n',
        'app/models.py': 'from sqlalchemy import String\nfrom sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\nclass Base(DeclarativeBase):\n    pass\n\n\nclass User(Base):\n    __tablename__ = "users"\n    id: Mapped[int] = mapped_column(primary_key=True)\n    email: Mapped[str] = mapped_column(String(320), unique=True)\n',
        'alembic/versions/0001_initial.py': 'revision = "0001"\ndown_revision = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n',
      },
    },
    references: { urls: ['https://alembic.sqlalchemy.org/en/latest/tutorial.html', 'https://www.prisma.io/docs/orm/prisma-migrate/workflows/development-and-production'] },
  },
  check({ index, files, report }) {
    const m = migrationView(operationsOf(index, files));
    if (!m.relational || m.histories.length) return;
    if (m.empty.length) {
      const tool = m.empty[0];
      report({ messageId: 'toolWithoutRevisions', at: tool.at, data: { tool: tool.tool }, severity: 'low' });
      return;
    }
    if (m.models.length) {
      const total = m.models.reduce((n, x) => n + x.count, 0);
      report({ messageId: 'modelsWithoutMigrations', at: m.models[0].at, data: { models: `${total} ${m.models[0].orm} model${total === 1 ? '' : 's'} (${m.models.map((x) => x.at.file).join(', ')})` }, related: [...m.models.slice(1).map((x) => x.at), ...m.atStartup.map((x) => x.at)] });
      return;
    }
    if (m.schemaFiles.length) {
      const s = m.schemaFiles[0];
      report({ messageId: 'schemaFileWithoutMigrations', at: s.at, data: { file: s.at.file, tables: String(s.tables) }, related: m.schemaFiles.slice(1).map((x) => x.at) });
      return;
    }
    if (m.atStartup.length) report({ messageId: 'createdAtStartup', at: m.atStartup[0].at, data: { call: m.atStartup[0].label.replace(/ \([^)]*\)$/, '') } });
  },
});
