/** Migration histories: the tables and columns each tool's migrations create. */
import { describe, expect, it } from 'vitest';
import { migrationHistories, type MigrationHistory } from '../../src/facts/migrations.ts';
import { parseTree } from '../support/parsed-tree.ts';

const tables = (h: MigrationHistory | undefined) =>
  [...(h?.tables ?? [])].map(([name, t]) => `${name}@${t.createdAt.file}:${t.createdAt.startLine} ${t.columns ? [...t.columns].join(',') : '?'}`);

describe('migrationHistories', () => {
  it('reads Alembic revisions: create_table columns, add_column, batch ops, renames and raw SQL', async () => {
    const { files } = await parseTree({
      'alembic/versions/001_init.py': [
        'import sqlalchemy as sa',
        'from alembic import op',
        'revision = "001"',
        'down_revision = None',
        'def upgrade():',
        '    op.create_table("users", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("email", sa.String(255)))',
        '    op.create_table("old_listings", sa.Column("id", sa.Integer()))',
        '    op.execute("CREATE TABLE audit_log (id serial PRIMARY KEY, action text NOT NULL, CONSTRAINT x CHECK (true))")',
        'def downgrade():',
        '    op.create_table("never", sa.Column("id", sa.Integer()))',
      ].join('\n'),
      'alembic/versions/002_more.py': [
        'from alembic import op',
        'import sqlalchemy as sa',
        'revision = "002"',
        'down_revision = "001"',
        'def upgrade():',
        '    op.add_column("users", sa.Column("status", sa.String(20)))',
        '    with op.batch_alter_table("users") as batch_op:',
        '        batch_op.add_column(sa.Column("tier", sa.String(20)))',
        '    op.rename_table("old_listings", "listings")',
      ].join('\n'),
    });
    const [history] = migrationHistories(files);
    expect(history.tool).toBe('alembic');
    expect(history.files).toEqual(['alembic/versions/001_init.py', 'alembic/versions/002_more.py']);
    expect(tables(history)).toEqual([
      'users@alembic/versions/001_init.py:6 id,email,status,tier',
      'old_listings@alembic/versions/001_init.py:7 id',
      'audit_log@alembic/versions/001_init.py:8 id,action',
      'listings@alembic/versions/001_init.py:7 id',
    ]);
  });

  it('reads Django CreateModel / AddField per app, and apps that have a migrations folder', async () => {
    const { files } = await parseTree({
      'shop/migrations/__init__.py': '',
      'shop/migrations/0001_initial.py': [
        'from django.db import migrations, models',
        'class Migration(migrations.Migration):',
        '    operations = [',
        '        migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(primary_key=True)), ("state", models.CharField(max_length=20))]),',
        '    ]',
      ].join('\n'),
      'shop/migrations/0002_order_note.py': [
        'from django.db import migrations, models',
        'class Migration(migrations.Migration):',
        '    operations = [migrations.AddField(model_name="order", name="note", field=models.TextField(default=""))]',
      ].join('\n'),
      'billing/migrations/__init__.py': '',
    });
    const [history] = migrationHistories(files);
    expect(history.tool).toBe('django');
    expect([...history.apps!].sort()).toEqual(['billing', 'shop']);
    expect(tables(history)).toEqual(['shop.order@shop/migrations/0001_initial.py:4 id,state,note']);
  });

  it('reads Prisma Migrate SQL and TypeORM migration classes', async () => {
    const { files } = await parseTree({
      'prisma/schema.prisma': 'model User {\n  id Int @id\n}\n',
      'prisma/migrations/20240101_init/migration.sql': [
        '-- CreateTable',
        'CREATE TABLE "User" (',
        '    "id" SERIAL NOT NULL,',
        '    "email" TEXT NOT NULL,',
        '    CONSTRAINT "User_pkey" PRIMARY KEY ("id")',
        ');',
        'ALTER TABLE "User" ADD COLUMN "role" TEXT, ADD COLUMN "plan" TEXT;',
      ].join('\n'),
      'src/migrations/1700000000000-Init.ts': [
        "import { MigrationInterface, QueryRunner, Table } from 'typeorm';",
        'export class Init1700000000000 implements MigrationInterface {',
        '  async up(queryRunner: QueryRunner): Promise<void> {',
        '    await queryRunner.query(`CREATE TABLE "orders" ("id" uuid NOT NULL, "state" varchar NOT NULL)`);',
        "    await queryRunner.createTable(new Table({ name: 'payouts', columns: [{ name: 'id', type: 'int' }] }));",
        '  }',
        '  async down(queryRunner: QueryRunner): Promise<void> {}',
        '}',
      ].join('\n'),
    });
    const byTool = new Map(migrationHistories(files).map((h) => [h.tool, h]));
    expect(tables(byTool.get('prisma'))).toEqual(['user@prisma/migrations/20240101_init/migration.sql:2 id,email,role,plan']);
    expect(tables(byTool.get('typeorm'))).toEqual(['orders@src/migrations/1700000000000-Init.ts:4 id,state', 'payouts@src/migrations/1700000000000-Init.ts:5 id']);
  });

  it('finds no history in a project without migrations', async () => {
    const { files } = await parseTree({ 'app/models.py': 'x = 1\n', 'schema.sql': 'CREATE TABLE users (id int);\n' });
    expect(migrationHistories(files)).toEqual([]);
  });
});
