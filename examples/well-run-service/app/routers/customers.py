"""Customers of the caller's tenant."""
import uuid

from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import select

from app.auth import CurrentPrincipal, get_principal
from app.db import DbSession
from app.models import Customer
from app.rate_limit import limiter
from app.schemas import CustomerIn, CustomerOut

router = APIRouter(prefix="/customers", tags=["customers"], dependencies=[Depends(get_principal)])


@router.get("", response_model=list[CustomerOut])
async def list_customers(principal: CurrentPrincipal, db: DbSession) -> list[Customer]:
    rows = await db.scalars(select(Customer).where(Customer.tenant_id == principal.tenant_id).order_by(Customer.name).limit(500))
    return list(rows)


@router.post("", response_model=CustomerOut, status_code=201)
@limiter.limit("30/minute")
async def create_customer(request: Request, body: CustomerIn, principal: CurrentPrincipal, db: DbSession) -> Customer:
    customer = Customer(tenant_id=principal.tenant_id, name=body.name, billing_email=body.billing_email)
    db.add(customer)
    await db.commit()
    return customer


@router.get("/{customer_id}", response_model=CustomerOut)
async def get_customer(customer_id: uuid.UUID, principal: CurrentPrincipal, db: DbSession) -> Customer:
    customer = await db.scalar(select(Customer).where(Customer.id == customer_id, Customer.tenant_id == principal.tenant_id))
    if customer is None:
        raise HTTPException(status_code=404, detail="Customer not found")
    return customer
