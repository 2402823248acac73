"""Invoices of the caller's tenant: issue, list, read, change status."""
import uuid
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import func, select

from app.auth import CurrentPrincipal, get_principal, require_scope
from app.db import DbSession
from app.models import Customer, Invoice, InvoiceStatus
from app.rate_limit import limiter
from app.schemas import InvoiceIn, InvoiceOut, InvoiceStatusIn
from app.services.totals import invoice_number, totals

router = APIRouter(prefix="/invoices", tags=["invoices"], dependencies=[Depends(get_principal)])

# Allowed status changes; anything else is a conflict.
TRANSITIONS: dict[InvoiceStatus, frozenset[InvoiceStatus]] = {
    InvoiceStatus.DRAFT: frozenset({InvoiceStatus.SENT, InvoiceStatus.VOID}),
    InvoiceStatus.SENT: frozenset({InvoiceStatus.PAID, InvoiceStatus.VOID}),
    InvoiceStatus.PAID: frozenset(),
    InvoiceStatus.VOID: frozenset(),
}


@router.get("", response_model=list[InvoiceOut])
async def list_invoices(principal: CurrentPrincipal, db: DbSession, status: InvoiceStatus | None = None) -> list[Invoice]:
    query = select(Invoice).where(Invoice.tenant_id == principal.tenant_id)
    if status is not None:
        query = query.where(Invoice.status == status)
    rows = await db.scalars(query.order_by(Invoice.created_at.desc()).limit(200))
    return list(rows)


@router.post("", response_model=InvoiceOut, status_code=201)
@limiter.limit("60/minute")
async def issue_invoice(request: Request, body: InvoiceIn, principal: CurrentPrincipal, db: DbSession) -> Invoice:
    customer = await db.scalar(select(Customer).where(Customer.id == body.customer_id, Customer.tenant_id == principal.tenant_id))
    if customer is None:
        raise HTTPException(status_code=404, detail="Customer not found")
    net, tax, gross = totals(body.lines, body.tax_rate)
    sequence = (await db.scalar(select(func.count()).select_from(Invoice).where(Invoice.tenant_id == principal.tenant_id))) or 0
    invoice = Invoice(
        tenant_id=principal.tenant_id,
        customer_id=customer.id,
        number=invoice_number(date.today().year, sequence + 1),
        currency=body.currency,
        subtotal=net,
        tax=tax,
        total=gross,
        due_on=body.due_on,
    )
    db.add(invoice)
    await db.commit()
    return invoice


@router.get("/{invoice_id}", response_model=InvoiceOut)
async def get_invoice(invoice_id: uuid.UUID, principal: CurrentPrincipal, db: DbSession) -> Invoice:
    invoice = await db.scalar(select(Invoice).where(Invoice.id == invoice_id, Invoice.tenant_id == principal.tenant_id))
    if invoice is None:
        raise HTTPException(status_code=404, detail="Invoice not found")
    return invoice


@router.patch("/{invoice_id}/status", response_model=InvoiceOut, dependencies=[Depends(require_scope("invoices:write"))])
async def change_status(invoice_id: uuid.UUID, body: InvoiceStatusIn, principal: CurrentPrincipal, db: DbSession) -> Invoice:
    invoice = await db.scalar(select(Invoice).where(Invoice.id == invoice_id, Invoice.tenant_id == principal.tenant_id).with_for_update())
    if invoice is None:
        raise HTTPException(status_code=404, detail="Invoice not found")
    if body.status not in TRANSITIONS[invoice.status]:
        raise HTTPException(status_code=409, detail=f"Cannot change an invoice from {invoice.status} to {body.status}")
    invoice.status = body.status
    await db.commit()
    return invoice
