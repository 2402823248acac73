from decimal import Decimal

from app.schemas import LineItem
from app.services.totals import invoice_number, subtotal, totals


def line(quantity: int, price: str) -> LineItem:
    return LineItem(description="work", quantity=quantity, unit_price=Decimal(price))


def test_subtotal_adds_lines_in_decimal() -> None:
    assert subtotal([line(3, "0.10"), line(1, "0.20")]) == Decimal("0.50")


def test_tax_is_rounded_half_up_once() -> None:
    net, tax, gross = totals([line(1, "10.05")], Decimal("0.2"))
    assert (net, tax, gross) == (Decimal("10.05"), Decimal("2.01"), Decimal("12.06"))


def test_invoice_numbers_are_zero_padded() -> None:
    assert invoice_number(2024, 42) == "INV-2024-000042"
