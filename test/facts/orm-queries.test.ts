/** Column uses: which columns the code filters on, and the literals it compares them to or stores. */
import { describe, expect, it } from 'vitest';
import { columnUses, type ColumnUse } from '../../src/facts/orm-queries.ts';
import { parseTree } from '../support/parsed-tree.ts';

const show = (uses: ColumnUse[]) => uses.map((u) => `${u.kind} ${u.model.name}.${u.field.column}${u.literal !== undefined ? `=${u.literal}` : ''} ${u.at.file}:${u.at.startLine}`);

describe('columnUses', () => {
  it('finds SQLAlchemy filters, filter_by, constructor and attribute literals, and raw SQL', async () => {
    const { files } = await parseTree({
      'app/models.py': [
        'from sqlalchemy import Column, ForeignKey, Integer, String',
        'from app.db import Base',
        'class Listing(Base):',
        '    __tablename__ = "listings"',
        '    id = Column(Integer, primary_key=True)',
        '    seller_id = Column(Integer, ForeignKey("users.id"))',
        '    category = Column(String(40))',
        '    status = Column(String(20))',
      ].join('\n'),
      'app/db.py': 'from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n',
      'app/routes.py': [
        'from sqlalchemy import select',
        'from app.models import Listing',
        '',
        'def by_category(db, category):',
        '    return db.query(Listing).filter(Listing.category == category, Listing.status.in_(["active", "paused"])).all()',
        '',
        'async def mine(session, user):',
        '    return await session.execute(select(Listing).where(Listing.seller_id == user.id))',
        '',
        'def active(db):',
        '    return db.query(Listing).filter_by(status="active").all()',
        '',
        'def create(db):',
        '    listing = Listing(category="voice", status="draft")',
        '    listing.status = "pending"',
        '    if listing.status == "archived":',
        '        pass',
        '    response = object()',
        '    if response.status == "ok":',
        '        pass',
        '',
        'def raw(cur, cat):',
        '    cur.execute("SELECT id FROM listings l WHERE l.category = %s AND status = \'active\'", (cat,))',
      ].join('\n'),
      'tests/test_routes.py': 'from app.models import Listing\n\ndef test_x(db):\n    db.query(Listing).filter(Listing.category == "x")\n',
    });
    expect(show(columnUses(files))).toEqual([
      'filter Listing.category app/routes.py:5',
      'filter Listing.status=active app/routes.py:5',
      'filter Listing.status=paused app/routes.py:5',
      'filter Listing.seller_id app/routes.py:8',
      'filter Listing.status=active app/routes.py:11',
      'assign Listing.category=voice app/routes.py:14',
      'assign Listing.status=draft app/routes.py:14',
      'assign Listing.status=pending app/routes.py:15',
      'compare Listing.status=archived app/routes.py:16',
      'filter Listing.category app/routes.py:23',
      'filter Listing.status app/routes.py:23',
    ]);
    const uses = columnUses(files);
    expect(uses[0].query).toBe(uses[1].query);
    expect(uses[0].query).not.toBe(uses[3].query);
  });

  it('finds Django lookups (and leaves joins through a foreign key to the related table)', async () => {
    const { files } = await parseTree({
      'shop/models.py': [
        'from django.db import models',
        'class Order(models.Model):',
        '    customer = models.ForeignKey("Customer", on_delete=models.CASCADE)',
        '    state = models.CharField(max_length=20)',
        '    number = models.CharField(max_length=20)',
      ].join('\n'),
      'shop/views.py': [
        'from django.db.models import Q',
        'from django.shortcuts import get_object_or_404',
        'from .models import Order',
        '',
        'def view(request):',
        '    Order.objects.filter(state__in=["open", "held"], customer__email=request.user.email)',
        '    Order.objects.exclude(Q(number=request.GET["n"]))',
        '    get_object_or_404(Order, number=request.GET["n"])',
        '    Order.objects.create(state="open", number="1")',
      ].join('\n'),
    });
    expect(show(columnUses(files))).toEqual([
      'filter Order.state=open shop/views.py:6',
      'filter Order.state=held shop/views.py:6',
      'filter Order.number shop/views.py:7',
      'filter Order.number shop/views.py:8',
      'assign Order.state=open shop/views.py:9',
      'assign Order.number=1 shop/views.py:9',
    ]);
  });

  it('finds Prisma where/data objects, TypeORM repository queries and TS comparisons', async () => {
    const { files } = await parseTree({
      'package.json': JSON.stringify({ dependencies: { '@prisma/client': '5.0.0', typeorm: '0.3.20' } }),
      'prisma/schema.prisma': ['model Payout {', '  id     Int    @id', '  status String', '  userId Int', '}'].join('\n'),
      'src/payouts.ts': [
        "import { prisma } from './db';",
        'export async function pending(userId: number) {',
        "  const rows = await prisma.payout.findMany({ where: { userId, status: { in: ['pending', 'held'] } } });",
        "  await prisma.payout.update({ where: { id: 1 }, data: { status: 'paid' } });",
        "  return rows.filter((payout) => payout.status === 'failed');",
        '}',
      ].join('\n'),
      'src/entities/invoice.ts': [
        "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';",
        '@Entity()',
        'export class Invoice {',
        '  @PrimaryGeneratedColumn() id!: number;',
        '  @Column() state!: string;',
        '  @Column() customerEmail!: string;',
        '}',
      ].join('\n'),
      'src/invoices.service.ts': [
        "import { InjectRepository } from '@nestjs/typeorm';",
        "import { Repository } from 'typeorm';",
        "import { Invoice } from './entities/invoice';",
        'export class InvoicesService {',
        '  constructor(@InjectRepository(Invoice) private readonly invoices: Repository<Invoice>) {}',
        '  open(email: string) {',
        "    return this.invoices.find({ where: { customerEmail: email, state: 'open' } });",
        '  }',
        '  one(email: string) {',
        '    return this.invoices.findOneBy({ customerEmail: email });',
        '  }',
        '}',
      ].join('\n'),
    });
    expect(show(columnUses(files))).toEqual([
      'filter Invoice.customerEmail src/invoices.service.ts:7',
      'filter Invoice.state=open src/invoices.service.ts:7',
      'filter Invoice.customerEmail src/invoices.service.ts:10',
      'filter Payout.userId src/payouts.ts:3',
      'filter Payout.status=pending src/payouts.ts:3',
      'filter Payout.status=held src/payouts.ts:3',
      'filter Payout.id src/payouts.ts:4',
      'assign Payout.status=paid src/payouts.ts:4',
      'compare Payout.status=failed src/payouts.ts:5',
    ]);
  });
});
