from httpx import AsyncClient


async def create_customer(client: AsyncClient) -> str:
    response = await client.post("/customers", json={"name": "Acme GmbH", "billing_email": "billing@acme.example"})
    assert response.status_code == 201
    return response.json()["id"]


async def test_issue_invoice_computes_totals(client: AsyncClient) -> None:
    customer_id = await create_customer(client)
    response = await client.post(
        "/invoices",
        json={"customer_id": customer_id, "currency": "EUR", "tax_rate": "0.19", "due_on": "2024-12-31", "lines": [{"description": "Audit", "quantity": 2, "unit_price": "450.00"}]},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["subtotal"], body["tax"], body["total"]) == ("900.00", "171.00", "1071.00")
    assert body["number"].startswith("INV-")


async def test_unknown_fields_are_rejected(client: AsyncClient) -> None:
    customer_id = await create_customer(client)
    response = await client.post("/invoices", json={"customer_id": customer_id, "currency": "EUR", "tax_rate": "0", "due_on": "2024-12-31", "lines": [], "status": "paid"})
    assert response.status_code == 422


async def test_status_changes_follow_the_lifecycle(client: AsyncClient) -> None:
    customer_id = await create_customer(client)
    invoice = (await client.post("/invoices", json={"customer_id": customer_id, "currency": "EUR", "tax_rate": "0", "due_on": "2024-12-31", "lines": [{"description": "x", "quantity": 1, "unit_price": "1.00"}]})).json()
    assert (await client.patch(f"/invoices/{invoice['id']}/status", json={"status": "paid"})).status_code == 409
    assert (await client.patch(f"/invoices/{invoice['id']}/status", json={"status": "sent"})).status_code == 200
    assert (await client.patch(f"/invoices/{invoice['id']}/status", json={"status": "paid"})).json()["status"] == "paid"
