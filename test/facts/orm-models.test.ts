/**
 * ORM model facts on inline file trees: SQLAlchemy (classic and 2.0 styles, mixins, table args,
 * module-level indexes, single-table inheritance, imperative tables), SQLModel, Django, Prisma and
 * TypeORM — tables, columns, indexes, foreign keys and enumerations.
 */
import { describe, expect, it } from 'vitest';
import { databaseEngines, findOrmField, findOrmModel, isColumnIndexed, ormModels, type OrmModel } from '../../src/facts/orm-models.ts';
import { parseTree } from '../support/parsed-tree.ts';

async function modelsOf(tree: Record<string, string>): Promise<OrmModel[]> {
  return ormModels((await parseTree(tree)).files);
}

/** `column:type[flags]` per field: pk, unique, idx=<how>, fk=<target>, enum=<values>, auto=<when>. */
function describeFields(model: OrmModel | undefined): string[] {
  return (model?.fields ?? []).map((f) =>
    [
      `${f.column}:${f.type}`,
      f.primaryKey ? 'pk' : '',
      f.unique ? 'unique' : '',
      f.indexed ? `idx=${f.indexedBy}` : '',
      f.foreignKey ? `fk=${f.foreignKey.target}${f.foreignKey.targetColumn ? `.${f.foreignKey.targetColumn}` : ''}` : '',
      f.enumeration ? `enum=${f.enumeration.values.join('|')}` : '',
      f.autoTimestamp ? `auto=${f.autoTimestamp}` : '',
      f.inheritedFrom ? `from=${f.inheritedFrom}` : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
}

describe('ormModels: SQLAlchemy', () => {
  it('reads classic Column models with foreign keys, indexes, enums and __table_args__', async () => {
    const models = await modelsOf({
      'app/db.py': 'from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n',
      'app/models.py': [
        'import enum',
        'from sqlalchemy import Column, DateTime, Enum, ForeignKey, Index, Integer, String, UniqueConstraint, CheckConstraint, func',
        'from app.db import Base',
        '',
        'class Tier(str, enum.Enum):',
        '    FREE = "free"',
        '    PRO = "pro"',
        '',
        'class User(Base):',
        '    __tablename__ = "users"',
        '    id = Column(Integer, primary_key=True)',
        '    email = Column(String(255), unique=True, nullable=False)',
        '    tier = Column(Enum(Tier), default=Tier.FREE)',
        '    status = Column(String(20), default="active")',
        '    created_at = Column(DateTime, server_default=func.now())',
        '    updated_at = Column(DateTime, onupdate=func.now())',
        '',
        'class ApiKey(Base):',
        '    __tablename__ = "api_keys"',
        '    __table_args__ = (',
        '        UniqueConstraint("user_id", "name"),',
        '        Index("ix_api_keys_prefix_created", "prefix", "created_at"),',
        '        CheckConstraint("kind IN (\'live\', \'test\')"),',
        '    )',
        '    id = Column(Integer, primary_key=True)',
        '    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)',
        '    org_id = Column(Integer, ForeignKey("orgs.id"))',
        '    name = Column(String(50))',
        '    prefix = Column(String(8))',
        '    kind = Column(String(10))',
        '    created_at = Column(DateTime)',
        '',
        'Index("ix_api_keys_org", ApiKey.org_id)',
      ].join('\n'),
    });
    expect(models.map((m) => `${m.orm} ${m.name} ${m.table} ${m.file}:${m.at.startLine}`)).toEqual([
      'sqlalchemy User users app/models.py:9',
      'sqlalchemy ApiKey api_keys app/models.py:18',
    ]);
    expect(describeFields(models[0])).toEqual([
      'id:integer pk idx=primary-key',
      'email:string unique idx=unique',
      'tier:enum enum=free|pro',
      'status:string',
      'created_at:datetime auto=create',
      'updated_at:datetime auto=update',
    ]);
    expect(describeFields(models[1])).toEqual([
      'id:integer pk idx=primary-key',
      'user_id:integer idx=composite fk=users.id',
      'org_id:integer idx=index fk=orgs.id',
      'name:string',
      'prefix:string idx=composite',
      'kind:string enum=live|test',
      'created_at:datetime',
    ]);
    expect(models[1].fields.find((f) => f.column === 'user_id')?.type).toBe('integer');
    expect(models[1].indexes.map((i) => `${i.columns.join(',')}${i.unique ? ' unique' : ''}`)).toEqual(['user_id,name unique', 'prefix,created_at', 'org_id']);
    expect(isColumnIndexed(models[1], 'created_at')).toBe(false);
    expect(models[0].fields[3].at).toMatchObject({ file: 'app/models.py', startLine: 14 });
  });

  it('reads 2.0 Mapped / mapped_column models, mixins from another module, and Flask-SQLAlchemy naming', async () => {
    const models = await modelsOf({
      'app/mixins.py': [
        'from datetime import datetime',
        'from sqlalchemy.orm import Mapped, mapped_column',
        'from sqlalchemy import func',
        '',
        'class TimestampMixin:',
        '    created_at: Mapped[datetime] = mapped_column(server_default=func.now())',
        '    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())',
      ].join('\n'),
      'app/models.py': [
        'import uuid',
        'from typing import Optional',
        'from sqlalchemy import ForeignKey, String, Text',
        'from sqlalchemy.orm import Mapped, mapped_column, relationship',
        'from app.extensions import db',
        'from app.mixins import TimestampMixin',
        '',
        'class ActorPack(TimestampMixin, db.Model):',
        '    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)',
        '    identity_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("identities.id"))',
        '    training_status: Mapped[str] = mapped_column(String(32), default="pending")',
        '    notes: Mapped[Optional[str]] = mapped_column(Text)',
        '    title: Mapped[str]',
        '    identity: Mapped["Identity"] = relationship(back_populates="packs")',
        '    tags: Mapped[list["Tag"]] = relationship(secondary="pack_tags")',
      ].join('\n'),
    });
    expect(models.map((m) => `${m.name} ${m.table}`)).toEqual(['ActorPack actor_pack']);
    expect(describeFields(models[0])).toEqual([
      'created_at:datetime auto=create from=TimestampMixin',
      'updated_at:datetime auto=update from=TimestampMixin',
      'id:uuid pk idx=primary-key',
      'identity_id:uuid fk=identities.id',
      'training_status:string',
      'notes:text',
      'title:string',
    ]);
    expect(models[0].fields.find((f) => f.name === 'notes')?.nullable).toBe(true);
    expect(models[0].fields.find((f) => f.name === 'title')?.nullable).toBe(false);
    expect(models[0].relations.map((r) => `${r.name}->${r.target} ${r.kind}`)).toEqual(['identity->Identity unknown', 'tags->Tag many-to-many']);
  });

  it('skips abstract bases and pydantic look-alikes, and puts single-table subclasses on the parent table', async () => {
    const models = await modelsOf({
      'models.py': [
        'from pydantic import BaseModel',
        'from sqlalchemy import Column, Integer, String',
        'from sqlalchemy.orm import DeclarativeBase',
        '',
        'class Base(DeclarativeBase):',
        '    pass',
        '',
        'class SoftDelete(Base):',
        '    __abstract__ = True',
        '    deleted = Column(Integer, default=0)',
        '',
        'class Payment(SoftDelete):',
        '    __tablename__ = "payments"',
        '    id = Column(Integer, primary_key=True)',
        '    type = Column(String(20))',
        '    __mapper_args__ = {"polymorphic_on": type}',
        '',
        'class CardPayment(Payment):',
        '    last4 = Column(String(4))',
        '',
        'class PaymentOut(BaseModel):',
        '    id: int',
        '    type: str',
      ].join('\n'),
    });
    expect(models.map((m) => `${m.name} ${m.table} ${m.sharesTableOf ?? ''}`.trim())).toEqual(['Payment payments', 'CardPayment payments Payment']);
    expect(describeFields(models[0])).toEqual(['deleted:integer from=SoftDelete', 'id:integer pk idx=primary-key', 'type:string']);
  });

  it('reads imperative Table() definitions, and marks reflected tables unmanaged', async () => {
    const models = await modelsOf({
      'tables.py': [
        'from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table',
        'metadata = MetaData()',
        'orders = Table(',
        '    "orders", metadata,',
        '    Column("id", Integer, primary_key=True),',
        '    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),',
        '    Column("state", String(16)),',
        '    Index("ix_orders_state", "state"),',
        ')',
        'legacy = Table("legacy_users", metadata, autoload_with=engine)',
      ].join('\n'),
    });
    expect(models.map((m) => `${m.name} ${m.table}${m.unmanaged ? ' unmanaged' : ''}`)).toEqual(['orders orders', 'legacy legacy_users unmanaged']);
    expect(describeFields(models[0])).toEqual(['id:integer pk idx=primary-key', 'customer_id:integer idx=index fk=customers.id', 'state:string idx=index']);
  });

  it('reads SQLModel table classes with Field(...) and inherited non-table bases', async () => {
    const models = await modelsOf({
      'app/models.py': [
        'from enum import Enum',
        'from sqlmodel import Field, Relationship, SQLModel',
        '',
        'class Level(str, Enum):',
        '    low = "low"',
        '    high = "high"',
        '',
        'class HeroBase(SQLModel):',
        '    name: str = Field(index=True)',
        '    age: int | None = None',
        '',
        'class Hero(HeroBase, table=True):',
        '    id: int | None = Field(default=None, primary_key=True)',
        '    team_id: int | None = Field(default=None, foreign_key="team.id")',
        '    level: Level = Level.low',
        '    team: "Team" = Relationship(back_populates="heroes")',
        '',
        'class HeroPublic(HeroBase):',
        '    id: int',
      ].join('\n'),
    });
    expect(models.map((m) => `${m.orm} ${m.name} ${m.table}`)).toEqual(['sqlmodel Hero hero']);
    expect(describeFields(models[0])).toEqual([
      'name:string idx=index from=HeroBase',
      'age:integer from=HeroBase',
      'id:integer pk idx=primary-key',
      'team_id:integer fk=team.id',
      'level:enum enum=low|high',
    ]);
  });
});

describe('ormModels: Django', () => {
  it('indexes ForeignKeys by default, reads db_index, choices, Meta indexes and abstract bases', async () => {
    const models = await modelsOf({
      'shop/models.py': [
        'from django.db import models',
        'from common.models import TimeStamped',
        '',
        'STATE_CHOICES = [("open", "Open"), ("closed", "Closed")]',
        '',
        'class Order(TimeStamped):',
        '    class Status(models.TextChoices):',
        '        PENDING = "pending", "Pending"',
        '        PAID = "paid", "Paid"',
        '',
        '    customer = models.ForeignKey("accounts.Customer", on_delete=models.CASCADE)',
        '    coupon = models.ForeignKey("Coupon", null=True, on_delete=models.SET_NULL, db_index=False)',
        '    status = models.CharField(max_length=20, choices=Status.choices)',
        '    state = models.CharField(max_length=10, choices=STATE_CHOICES)',
        '    kind = models.CharField(max_length=20)',
        '    reference = models.CharField(max_length=40, db_index=True)',
        '    slug = models.SlugField()',
        '    email = models.EmailField(unique=True)',
        '',
        '    class Meta:',
        '        indexes = [models.Index(fields=["kind", "-placed_at"])]',
        '        unique_together = [("customer", "reference")]',
        '',
        'class Coupon(models.Model):',
        '    code = models.CharField(max_length=20)',
        '    class Meta:',
        '        db_table = "coupons"',
        '        managed = False',
      ].join('\n'),
      'common/models.py': [
        'from django.db import models',
        '',
        'class TimeStamped(models.Model):',
        '    placed_at = models.DateTimeField(auto_now_add=True)',
        '    modified = models.DateTimeField(auto_now=True)',
        '    class Meta:',
        '        abstract = True',
      ].join('\n'),
    });
    expect(models.map((m) => `${m.name} ${m.table} app=${m.app}${m.unmanaged ? ' unmanaged' : ''}`)).toEqual(['Order shop_order app=shop', 'Coupon coupons app=shop unmanaged']);
    const order = models[0];
    expect(describeFields(order)).toEqual([
      'placed_at:datetime auto=create from=TimeStamped',
      'modified:datetime auto=update from=TimeStamped',
      'customer_id:other idx=orm-default fk=Customer',
      'coupon_id:other fk=Coupon',
      'status:string enum=pending|paid',
      'state:string enum=open|closed',
      'kind:string idx=composite',
      'reference:string idx=index',
      'slug:string idx=orm-default',
      'email:string unique idx=unique',
    ]);
    expect(order.indexes.map((i) => i.columns.join(','))).toEqual(['kind,placed_at', 'customer_id,reference']);
    expect(findOrmField(order, 'customer')?.column).toBe('customer_id');
    expect(order.relations.map((r) => `${r.name} ${r.kind}`)).toEqual(['customer many-to-one', 'coupon many-to-one']);
  });
});

describe('ormModels: Prisma', () => {
  it('reads models, relations, @@index/@unique/@id, @map/@@map and enums across schema files', async () => {
    const { files, index } = await parseTree({
      'prisma/schema/base.prisma': [
        'datasource db {',
        '  provider = "postgresql"',
        '  url      = env("DATABASE_URL")',
        '}',
        '',
        'enum Role {',
        '  USER',
        '  ADMIN @map("admin")',
        '}',
      ].join('\n'),
      'prisma/schema/models.prisma': [
        'model User {',
        '  id        String   @id @default(cuid())',
        '  email     String   @unique',
        '  role      Role     @default(USER)',
        '  status    String   @default("active")',
        '  bio       String?  @db.Text',
        '  orders    Order[]',
        '  createdAt DateTime @default(now()) @map("created_at")',
        '  updatedAt DateTime @updatedAt',
        '',
        '  @@map("users")',
        '}',
        '',
        'model Order {',
        '  id         Int      @id @default(autoincrement())',
        '  user       User     @relation(fields: [userId], references: [id])',
        '  userId     String   @map("user_id")',
        '  couponId   Int?',
        '  state      String',
        '  placedAt   DateTime',
        '',
        '  @@index([state, placedAt(sort: Desc)])',
        '}',
      ].join('\n'),
    });
    const models = ormModels(files);
    expect(models.map((m) => `${m.orm} ${m.name} ${m.table} ${m.file}:${m.at.startLine}-${m.endLine}`)).toEqual([
      'prisma User users prisma/schema/models.prisma:1-12',
      'prisma Order Order prisma/schema/models.prisma:14-23',
    ]);
    expect(describeFields(models[0])).toEqual([
      'id:string pk idx=primary-key',
      'email:string unique idx=unique',
      'role:enum enum=USER|admin',
      'status:string',
      'bio:text',
      'created_at:datetime auto=create',
      'updatedAt:datetime auto=update',
    ]);
    expect(describeFields(models[1])).toEqual(['id:integer pk idx=primary-key', 'user_id:string fk=User', 'couponId:integer', 'state:string idx=composite', 'placedAt:datetime']);
    expect(models[1].fields[1].at.startLine).toBe(17);
    expect(models[0].relations.map((r) => `${r.name}->${r.target} ${r.kind}`)).toEqual(['orders->Order one-to-many']);
    expect([...databaseEngines(files, index.dependencies)]).toEqual(['postgresql']);
    expect(findOrmModel(models, 'users')?.name).toBe('User');
  });

  it('reports an unparsable schema as a diagnostic and yields no models', async () => {
    const { files, diagnostics } = await parseTree({ 'schema.prisma': 'model X {\n  id Int @id\n  broken (((\n}\n' });
    expect(ormModels(files)).toEqual([]);
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/^Prisma schema could not be parsed at line 3/)]);
  });
});

describe('ormModels: TypeORM', () => {
  it('reads entities, columns, @Index/@Unique, ManyToOne join columns and enums', async () => {
    const { files, index } = await parseTree({
      'package.json': JSON.stringify({ dependencies: { typeorm: '0.3.20', pg: '8.11.0' } }),
      'src/entities/order.entity.ts': [
        "import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';",
        "import { Customer } from './customer.entity';",
        '',
        "export enum OrderStatus { Pending = 'pending', Paid = 'paid' }",
        "export type Channel = 'web' | 'app';",
        '',
        "@Entity({ name: 'orders' })",
        "@Index(['channel', 'createdAt'])",
        "@Unique(['reference'])",
        'export class Order {',
        "  @PrimaryGeneratedColumn('uuid') id!: string;",
        "  @Column({ type: 'enum', enum: OrderStatus, default: OrderStatus.Pending }) status!: OrderStatus;",
        '  @Column() channel!: Channel;',
        "  @Column({ type: 'varchar', length: 30 }) kind!: string;",
        '  @Index() @Column() reference!: string;',
        '  @ManyToOne(() => Customer, (c) => c.orders)',
        "  @JoinColumn({ name: 'customer_id' })",
        '  customer!: Customer;',
        '  @ManyToOne(() => Customer)',
        '  referrer?: Customer;',
        '  @CreateDateColumn() createdAt!: Date;',
        '  @UpdateDateColumn() updatedAt!: Date;',
        '}',
        '',
        'export class NotAnEntity {',
        '  @Column() x!: string;',
        '}',
      ].join('\n'),
    });
    const models = ormModels(files);
    expect(models.map((m) => `${m.orm} ${m.name} ${m.table}`)).toEqual(['typeorm Order orders']);
    expect(describeFields(models[0])).toEqual([
      'id:uuid pk idx=primary-key',
      'status:enum enum=pending|paid',
      'channel:string idx=composite enum=web|app',
      'kind:string',
      'reference:string idx=index',
      'createdAt:datetime auto=create',
      'updatedAt:datetime auto=update',
      'customer_id:other fk=Customer',
      'referrerId:other fk=Customer',
    ]);
    expect(models[0].fields.find((f) => f.name === 'channel')?.enumeration?.source).toBe('type');
    expect([...databaseEngines(files, index.dependencies)]).toEqual(['postgresql']);
  });
});

describe('databaseEngines', () => {
  it('reads database URLs and driver dependencies when no ORM declares the engine', async () => {
    const { files, index } = await parseTree({
      'requirements.txt': 'sqlalchemy==2.0.30\nasyncpg==0.29.0\n',
      'app/config.py': 'DATABASE_URL = "mysql+pymysql://app@db/app"\n',
    });
    expect([...databaseEngines(files, index.dependencies)].sort()).toEqual(['mysql', 'postgresql']);
  });
});
