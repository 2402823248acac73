"""Invoice arithmetic in Decimal, rounded half-up to cents once per total."""
from decimal import ROUND_HALF_UP, Decimal

from app.schemas import LineItem

CENT = Decimal("0.01")


def subtotal(lines: list[LineItem]) -> Decimal:
    return sum((line.unit_price * line.quantity for line in lines), Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def totals(lines: list[LineItem], tax_rate: Decimal) -> tuple[Decimal, Decimal, Decimal]:
    net = subtotal(lines)
    tax = (net * tax_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    return net, tax, net + tax


def invoice_number(year: int, sequence: int) -> str:
    return f"INV-{year}-{sequence:06d}"
