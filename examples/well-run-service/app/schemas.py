"""Request and response bodies. Requests forbid unknown fields."""
import uuid
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.models import InvoiceStatus


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    billing_email: EmailStr


class CustomerOut(CustomerIn):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID


class LineItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1, max_length=500)
    quantity: int = Field(gt=0, le=10_000)
    unit_price: Decimal = Field(gt=0, max_digits=10, decimal_places=2)


class InvoiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: uuid.UUID
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    tax_rate: Decimal = Field(ge=0, le=Decimal("0.5"))
    due_on: date
    lines: list[LineItem] = Field(min_length=1, max_length=200)


class InvoiceStatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: InvoiceStatus


class InvoiceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    status: InvoiceStatus
    currency: str
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    due_on: date
