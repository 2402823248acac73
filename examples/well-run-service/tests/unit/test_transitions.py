from app.models import InvoiceStatus
from app.routers.invoices import TRANSITIONS


def test_paid_and_void_invoices_are_final() -> None:
    assert TRANSITIONS[InvoiceStatus.PAID] == frozenset()
    assert TRANSITIONS[InvoiceStatus.VOID] == frozenset()


def test_draft_can_be_sent_or_voided() -> None:
    assert TRANSITIONS[InvoiceStatus.DRAFT] == {InvoiceStatus.SENT, InvoiceStatus.VOID}
