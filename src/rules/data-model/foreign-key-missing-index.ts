import { columnUses } from '../../facts/orm-queries.ts';
import { databaseEngines, ormModels } from '../../facts/orm-models.ts';
import { defineRule } from '../../model/rule.ts';
import { toSnakeCase } from '../../parse/syntax.ts';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const singular = (table: string) => table.replace(/ies$/, 'y').replace(/(s|x|z|ch|sh)es$/, '$1').replace(/([^s])s$/, '$1');

export default defineRule({
  meta: {
    id: 'foreign-key-missing-index',
    category: 'data-model',
    title: 'Foreign key column without an index',
    severity: 'medium',
    confidence: 'high',
    status: 'experimental',
    appliesWhen: ['orm'],
    scorecard: 'Indexes',
    effortHours: 0.5,
    messages: {
      missingIndex: '`{{model}}.{{column}}` references `{{target}}` but has no index: fetching the {{rows}} of one {{targetName}}, joins on it, and every delete of a {{targetName}} scan the whole {{tables}}{{uses}}.',
    },
    why: [
      'PostgreSQL, SQLite and SQL Server do not index a foreign key column by itself, and SQLAlchemy, SQLModel, Prisma and TypeORM do not add one unless asked (MySQL/InnoDB and Django do). Every query that starts from the parent — "the API keys of this user", "the orders of this customer" — and every `ON DELETE` check of the parent row then reads the whole child table.',
      '',
      'It works on a laptop with a hundred rows and becomes the slowest query in production: response times grow with the table, deletes of a parent lock and scan the child table, and the database CPU goes to sequential scans.',
    ].join('\n'),
    fix: [
      'Index the column (or make it the leading column of a composite index the queries use), and add the migration that creates the index.',
      '',
      '```python',
      '# SQLAlchemy / SQLModel',
      'user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)',
      'team_id: int | None = Field(default=None, foreign_key="team.id", index=True)',
      '',
      '# Alembic',
      'op.create_index("ix_api_keys_user_id", "api_keys", ["user_id"])',
      '```',
      '',
      '```prisma',
      'model ApiKey {',
      '  userId String',
      '  user   User   @relation(fields: [userId], references: [id])',
      '  @@index([userId])',
      '}',
      '```',
      '',
      '```ts',
      '// TypeORM',
      "@Index()",
      '@ManyToOne(() => User, (user) => user.apiKeys)',
      "@JoinColumn({ name: 'user_id' })",
      'user!: User;',
      '```',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'sqlalchemy==2.0.30\npsycopg2-binary==2.9.9\n',
        'app/models.py': [
          'from sqlalchemy import ForeignKey, String',
          'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
          '',
          'class Base(DeclarativeBase):',
          '    pass',
          '',
          'class ApiKey(Base):',
          '    __tablename__ = "api_keys"',
          '    id: Mapped[int] = mapped_column(primary_key=True)',
          '    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))',
          '    prefix: Mapped[str] = mapped_column(String(8))',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'sqlalchemy==2.0.30\npsycopg2-binary==2.9.9\n',
        'app/models.py': [
          'from sqlalchemy import ForeignKey, String',
          'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
          '',
          'class Base(DeclarativeBase):',
          '    pass',
          '',
          'class ApiKey(Base):',
          '    __tablename__ = "api_keys"',
          '    id: Mapped[int] = mapped_column(primary_key=True)',
          '    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)',
          '    prefix: Mapped[str] = mapped_column(String(8))',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [1067],
      urls: [
        'https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK',
        'https://www.prisma.io/docs/orm/prisma-schema/data-model/relations/relation-mode#indexes',
        'https://docs.djangoproject.com/en/stable/ref/models/fields/#foreignkey',
      ],
    },
  },
  check({ index, files, report }) {
    const engines = databaseEngines(files, index.dependencies);
    // InnoDB creates an index for every foreign key; MongoDB has no joins.
    if (engines.size && [...engines].every((e) => e === 'mysql' || e === 'mongodb')) return;
    const uses = columnUses(files);
    // A mixin's column is reported once, where it is declared, naming the models that inherit it.
    const reported = new Set<string>();
    const models = ormModels(files);
    for (const model of models) {
      if (model.orm === 'django' || model.unmanaged) continue;
      for (const field of model.fields) {
        if (!field.foreignKey || field.indexed) continue;
        const where = `${field.at.file}:${field.at.startLine}`;
        if (reported.has(where)) continue;
        reported.add(where);
        const sharing = field.inheritedFrom
          ? models.filter((m) => m.fields.some((f) => f.at.file === field.at.file && f.at.startLine === field.at.startLine && !f.indexed))
          : [model];
        const sites = uses.filter((u) => sharing.includes(u.model) && u.field.at.file === field.at.file && u.field.at.startLine === field.at.startLine && u.kind === 'filter');
        const lines = [...new Set(sites.map((s) => `${s.at.file}:${s.at.startLine}`))];
        const target = field.foreignKey.target;
        report({
          messageId: 'missingIndex',
          at: field.at,
          data: {
            model: field.inheritedFrom ? `${field.inheritedFrom}` : model.name,
            column: field.column,
            target: `${target}${field.foreignKey.targetColumn ? `.${field.foreignKey.targetColumn}` : ''}`,
            targetName: toSnakeCase(models.find((m) => m.table === target || m.name === target)?.name ?? singular(target)).replace(/_/g, ' '),
            rows: field.inheritedFrom ? 'rows' : `${model.name} rows`,
            tables: sharing.length > 1 ? `${sharing.map((m) => `\`${m.table}\``).join(', ')} tables` : `\`${model.table}\` table`,
            uses: lines.length ? `; the code filters on it in ${plural(lines.length, 'place')}` : '',
          },
          related: sites.slice(0, 10).map((s) => ({ ...s.at, note: `filters \`${model.name}.${field.name}\`` })),
        });
      }
    }
  },
});
