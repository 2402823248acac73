import { enumNameStrength, isMutableBusinessTable, isUpdateTimestamp } from '../../facts/data-model-names.ts';
import { ormModels } from '../../facts/orm-models.ts';
import { defineRule } from '../../model/rule.ts';

export default defineRule({
  meta: {
    id: 'updated-at-column-missing',
    category: 'data-model',
    title: 'Mutable business table without an updated_at column',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['orm'],
    scorecard: 'Audit Columns',
    effortHours: 1,
    messages: {
      missingUpdatedAt: '`{{model}}` (`{{table}}`) holds business records that change after creation{{state}}, but has no `updated_at` column: nobody can tell when a row last changed.',
    },
    why: [
      'Payments, subscriptions, licenses, orders and user accounts change state after they are created. Without a last-modified timestamp, support cannot answer "when was this refunded / upgraded / suspended", incremental exports and cache invalidation have nothing to key on, and an incident review cannot tell which rows a bad deploy touched.',
      '',
      'An ORM-maintained `updated_at` costs one column and no code.',
    ].join('\n'),
    fix: [
      'Add an `updated_at` column that the ORM maintains, and the migration that adds it.',
      '',
      '```python',
      '# SQLAlchemy',
      'updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())',
      '',
      '# Django',
      'updated_at = models.DateTimeField(auto_now=True)',
      '```',
      '',
      '```prisma',
      'updatedAt DateTime @updatedAt @map("updated_at")',
      '```',
      '',
      'TypeORM: `@UpdateDateColumn() updatedAt!: Date;`. For a full history of who changed what, add an audit-log table written in the same transaction.',
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'sqlalchemy==2.0.30\n',
        'app/models.py': [
          'from datetime import datetime',
          'from sqlalchemy import String, func',
          'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
          '',
          'class Base(DeclarativeBase):',
          '    pass',
          '',
          'class Subscription(Base):',
          '    __tablename__ = "subscriptions"',
          '    id: Mapped[int] = mapped_column(primary_key=True)',
          '    plan: Mapped[str] = mapped_column(String(20))',
          '    created_at: Mapped[datetime] = mapped_column(server_default=func.now())',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'sqlalchemy==2.0.30\n',
        'app/models.py': [
          'from datetime import datetime',
          'from sqlalchemy import String, func',
          'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
          '',
          'class Base(DeclarativeBase):',
          '    pass',
          '',
          'class Subscription(Base):',
          '    __tablename__ = "subscriptions"',
          '    id: Mapped[int] = mapped_column(primary_key=True)',
          '    plan: Mapped[str] = mapped_column(String(20))',
          '    created_at: Mapped[datetime] = mapped_column(server_default=func.now())',
          '    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [778],
      urls: ['https://docs.sqlalchemy.org/en/20/core/defaults.html#python-executed-functions', 'https://docs.djangoproject.com/en/stable/ref/models/fields/#django.db.models.DateField.auto_now'],
    },
  },
  check({ files, report }) {
    for (const model of ormModels(files)) {
      if (model.unmanaged || model.sharesTableOf || !isMutableBusinessTable(model)) continue;
      if (model.fields.some(isUpdateTimestamp)) continue;
      const state = model.fields.find((f) => enumNameStrength(f) === 'state');
      report({
        messageId: 'missingUpdatedAt',
        at: model.at,
        data: {
          model: model.name,
          table: model.table,
          state: state ? ` (its \`${state.column}\` moves between states)` : '',
        },
      });
    }
  },
});
