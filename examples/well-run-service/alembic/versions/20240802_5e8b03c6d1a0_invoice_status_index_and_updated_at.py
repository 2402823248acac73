"""invoice status index and updated_at

Revision ID: 5e8b03c6d1a0
Revises: a1c4e2f9b7d3
Create Date: 2024-08-02 14:30:05
"""
import sqlalchemy as sa
from alembic import op

revision = "5e8b03c6d1a0"
down_revision = "a1c4e2f9b7d3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invoices", sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False))
    op.create_index("ix_invoices_tenant_status", "invoices", ["tenant_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_invoices_tenant_status", table_name="invoices")
    op.drop_column("invoices", "updated_at")
