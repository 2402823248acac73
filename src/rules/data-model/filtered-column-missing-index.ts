import { isLookupKeyName } from '../../facts/data-model-names.ts';
import { columnUses, type ColumnUse } from '../../facts/orm-queries.ts';
import { isColumnIndexed } from '../../facts/orm-models.ts';
import type { Location } from '../../model/finding.ts';
import { defineRule } from '../../model/rule.ts';

const MAX_LISTED = 3;

export default defineRule({
  meta: {
    id: 'filtered-column-missing-index',
    category: 'data-model',
    title: 'Column filtered in queries without an index',
    severity: 'medium',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['orm'],
    scorecard: 'Indexes',
    effortHours: 0.5,
    messages: {
      unindexedFilter: '`{{model}}.{{column}}` has no index, but {{count}} by it ({{sites}}), so {{each}} the whole `{{table}}` table.',
    },
    why: [
      'A query that selects rows by a column with no index reads every row of the table. Looking users up by `email` or `clerk_id`, listings by `category`, orders by `status` is instant with a few hundred rows and turns into the slowest query of the service as the table grows — on the hot path of every request that runs it.',
      '',
      'The call sites listed are the queries that filter on the column without any indexed column in the same query to narrow them down first.',
    ].join('\n'),
    fix: [
      'Add an index on the column — or a composite index led by the column the queries always filter on (`(user_id, status)` serves `user_id = ? AND status = ?`) — and the migration that creates it. A column that identifies a row (`email`, `external_id`) should be `unique`, which indexes it too.',
      '',
      '```python',
      '# SQLAlchemy',
      'clerk_id: Mapped[str] = mapped_column(String(64), unique=True)',
      'category: Mapped[ListingCategory] = mapped_column(Enum(ListingCategory), index=True)',
      '__table_args__ = (Index("ix_orders_user_status", "user_id", "status"),)',
      '',
      '# Django',
      'class Meta:',
      '    indexes = [models.Index(fields=["status", "-created_at"])]',
      '```',
      '',
      '```prisma',
      'model Listing {',
      '  category String',
      '  @@index([category])',
      '}',
      '```',
      '',
      'TypeORM: `@Index()` on the property, or `@Index(["userId", "status"])` on the entity.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'sqlalchemy==2.0.30\n',
        'app/models.py': [
          'from sqlalchemy import Integer, String',
          'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
          '',
          'class Base(DeclarativeBase):',
          '    pass',
          '',
          'class User(Base):',
          '    __tablename__ = "users"',
          '    id: Mapped[int] = mapped_column(primary_key=True)',
          '    clerk_id: Mapped[str] = mapped_column(String(64))',
          '',
        ].join('\n'),
        'app/auth.py': ['from app.models import User', '', 'def current_user(session, clerk_id):', '    return session.query(User).filter(User.clerk_id == clerk_id).first()', ''].join('\n'),
      },
      good: {
        'requirements.txt': 'sqlalchemy==2.0.30\n',
        'app/models.py': [
          'from sqlalchemy import Integer, String',
          'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
          '',
          'class Base(DeclarativeBase):',
          '    pass',
          '',
          'class User(Base):',
          '    __tablename__ = "users"',
          '    id: Mapped[int] = mapped_column(primary_key=True)',
          '    clerk_id: Mapped[str] = mapped_column(String(64), unique=True)',
          '',
        ].join('\n'),
        'app/auth.py': ['from app.models import User', '', 'def current_user(session, clerk_id):', '    return session.query(User).filter(User.clerk_id == clerk_id).first()', ''].join('\n'),
      },
    },
    references: {
      cwe: [1067],
      urls: ['https://use-the-index-luke.com/sql/where-clause', 'https://docs.djangoproject.com/en/stable/ref/models/indexes/'],
    },
  },
  check({ files, report }) {
    const uses = columnUses(files).filter((u) => u.kind === 'filter');
    // A query that also filters on an indexed column of the same table is served by that index; one
    // that filters on a foreign key is served once foreign-key-missing-index's fix indexes it.
    const servedQueries = new Set<string>();
    for (const use of uses)
      if (use.query && !use.substring && (isColumnIndexed(use.model, use.field.column) || use.field.foreignKey)) servedQueries.add(`${use.query}\0${use.model.table}`);
    const byColumn = new Map<string, ColumnUse[]>();
    for (const use of uses) {
      const { field, model } = use;
      if (use.substring || field.indexed || isColumnIndexed(model, field.column) || field.primaryKey || field.type === 'boolean' || model.unmanaged) continue;
      if (field.foreignKey && model.orm !== 'django') continue; // foreign-key-missing-index reports it
      if (use.query && servedQueries.has(`${use.query}\0${model.table}`)) continue;
      const key = `${field.at.file}:${field.at.startLine}:${model.table}`;
      byColumn.set(key, [...(byColumn.get(key) ?? []), use]);
    }
    for (const sites of byColumn.values()) {
      const { model, field } = sites[0];
      const places = new Map<string, Location>();
      for (const s of sites) places.set(`${s.at.file}:${s.at.startLine}`, s.at);
      const list = [...places.keys()];
      const shown = list.slice(0, MAX_LISTED).join(', ') + (list.length > MAX_LISTED ? ` and ${list.length - MAX_LISTED} more` : '');
      report({
        messageId: 'unindexedFilter',
        at: field.at,
        data: {
          model: model.name,
          column: field.column,
          count: list.length === 1 ? '1 query selects rows' : `${list.length} queries select rows`,
          each: list.length === 1 ? 'it reads' : 'each reads',
          sites: shown,
          table: model.table,
        },
        related: [...places.values()].slice(0, 10).map((at) => ({ ...at, note: `filters on \`${model.name}.${field.name}\`` })),
        // One query on a column that names a value (status, category) is worth noting; keys looked up by value, or several queries, are worth fixing.
        severity: list.length >= 2 || isLookupKeyName(field) ? 'medium' : 'low',
      });
    }
  },
});
