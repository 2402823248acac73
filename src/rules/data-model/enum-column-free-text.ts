import { enumNameStrength } from '../../facts/data-model-names.ts';
import { columnUses } from '../../facts/orm-queries.ts';
import { ormModels } from '../../facts/orm-models.ts';
import type { Location } from '../../model/finding.ts';
import { defineRule } from '../../model/rule.ts';

const MAX_VALUES = 6;

export default defineRule({
  meta: {
    id: 'enum-column-free-text',
    category: 'data-model',
    title: 'Enumerated column stored as free text',
    severity: 'low',
    confidence: 'medium',
    status: 'experimental',
    appliesWhen: ['orm'],
    scorecard: 'Enumerations',
    effortHours: 1,
    messages: {
      withValues: '`{{model}}.{{column}}` holds one of a fixed set of values ({{values}}) but is stored as free text (`{{type}}`), so the database accepts any typo or stale value.',
      stateName: '`{{model}}.{{column}}` names a state but is stored as free text (`{{type}}`) with no enum, choices or CHECK constraint, so the database accepts any value.',
    },
    why: [
      'A `status`, `type`, `category` or `role` column stored as a plain string accepts anything: `"canceled"` next to `"cancelled"`, `"Active"` next to `"active"`, a value an old release wrote and the new code no longer handles. Queries that filter on one spelling silently miss the others, reports count wrong, and a branch such as `if listing.status == "published"` is skipped for rows nobody can see are different.',
      '',
      'An enum type, Django `choices`, a Prisma `enum` or a CHECK constraint makes the database reject invalid values at write time, documents the allowed states in one place, and lets the type checker find every place that must handle a new value.',
    ].join('\n'),
    fix: [
      'Declare the set of values once and use it for the column (and a migration that converts existing rows).',
      '',
      '```python',
      '# SQLAlchemy',
      'class TrainingStatus(str, enum.Enum):',
      '    PENDING = "pending"',
      '    TRAINING = "training"',
      '    READY = "ready"',
      '    FAILED = "failed"',
      '',
      'training_status: Mapped[TrainingStatus] = mapped_column(Enum(TrainingStatus, name="training_status"), default=TrainingStatus.PENDING)',
      '',
      '# Django',
      'class Status(models.TextChoices):',
      '    PENDING = "pending"',
      '    PAID = "paid"',
      'status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)',
      '```',
      '',
      '```prisma',
      'enum ListingCategory { VOICE FACE FULL_BODY }',
      'model Listing {',
      '  category ListingCategory',
      '}',
      '```',
      '',
      "TypeORM: `@Column({ type: 'enum', enum: OrderStatus, default: OrderStatus.Pending }) status!: OrderStatus;`",
    ].join('\n'),
    examples: {
      bad: {
        'requirements.txt': 'sqlalchemy==2.0.30\n',
        'app/models.py': [
          'from sqlalchemy import String',
          'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
          '',
          'class Base(DeclarativeBase):',
          '    pass',
          '',
          'class Transaction(Base):',
          '    __tablename__ = "transactions"',
          '    id: Mapped[int] = mapped_column(primary_key=True)',
          '    type: Mapped[str] = mapped_column(String(20))',
          '',
        ].join('\n'),
        'app/billing.py': [
          'from app.models import Transaction',
          '',
          'def record_purchase(db, amount):',
          '    db.add(Transaction(type="purchase"))',
          '',
          'def record_refund(db, amount):',
          '    db.add(Transaction(type="refund"))',
          '',
        ].join('\n'),
      },
      good: {
        'requirements.txt': 'sqlalchemy==2.0.30\n',
        'app/models.py': [
          'import enum',
          'from sqlalchemy import Enum',
          'from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column',
          '',
          'class Base(DeclarativeBase):',
          '    pass',
          '',
          'class TransactionType(str, enum.Enum):',
          '    PURCHASE = "purchase"',
          '    REFUND = "refund"',
          '',
          'class Transaction(Base):',
          '    __tablename__ = "transactions"',
          '    id: Mapped[int] = mapped_column(primary_key=True)',
          '    type: Mapped[TransactionType] = mapped_column(Enum(TransactionType, name="transaction_type"))',
          '',
        ].join('\n'),
        'app/billing.py': [
          'from app.models import Transaction, TransactionType',
          '',
          'def record_purchase(db, amount):',
          '    db.add(Transaction(type=TransactionType.PURCHASE))',
          '',
        ].join('\n'),
      },
    },
    references: {
      cwe: [20, 1284],
      urls: [
        'https://docs.sqlalchemy.org/en/20/core/type_basics.html#sqlalchemy.types.Enum',
        'https://docs.djangoproject.com/en/stable/ref/models/fields/#field-choices-enum-types',
        'https://www.prisma.io/docs/orm/prisma-schema/data-model/models#defining-enums',
      ],
    },
  },
  check({ files, report }) {
    const literalsByField = new Map<string, { values: Set<string>; sites: Location[] }>();
    for (const use of columnUses(files)) {
      if (use.literal === undefined || use.literal.length > 40 || !/^[\w .:-]+$/.test(use.literal)) continue;
      const key = `${use.model.file}:${use.model.name}:${use.field.name}`;
      const entry = literalsByField.get(key) ?? { values: new Set(), sites: [] };
      entry.values.add(use.literal);
      entry.sites.push(use.at);
      literalsByField.set(key, entry);
    }
    for (const model of ormModels(files)) {
      if (model.unmanaged) continue;
      for (const field of model.fields) {
        if ((field.type !== 'string' && field.type !== 'text') || field.enumeration || field.foreignKey || field.primaryKey) continue;
        const strength = enumNameStrength(field);
        if (!strength) continue;
        const seen = literalsByField.get(`${model.file}:${model.name}:${field.name}`);
        const values = new Set(seen?.values ?? []);
        if (field.defaultValue !== undefined && /^[\w .:-]{1,40}$/.test(field.defaultValue)) values.add(field.defaultValue);
        const data = { model: model.name, column: field.column, type: field.rawType.length > 50 ? `${field.rawType.slice(0, 47)}...` : field.rawType };
        const related = (seen?.sites ?? []).slice(0, 8).map((at) => ({ ...at, note: `\`${field.name}\` set or compared to a literal` }));
        if (values.size >= 2) {
          const sorted = [...values].sort();
          const listed = sorted.slice(0, MAX_VALUES).map((v) => `"${v}"`).join(', ') + (sorted.length > MAX_VALUES ? ` and ${sorted.length - MAX_VALUES} more` : '');
          report({ messageId: 'withValues', at: field.at, data: { ...data, values: `the code uses ${listed}` }, related, severity: 'medium', confidence: 'high' });
        } else if (strength === 'state') {
          report({ messageId: 'stateName', at: field.at, data, related });
        }
      }
    }
  },
});
