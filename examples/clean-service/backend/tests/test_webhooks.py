import json


def test_stripe_webhook_rejects_missing_signature(client):
    body = json.dumps({"id": "evt_test", "type": "customer.subscription.deleted", "data": {"object": {}}})
    response = client.post("/webhooks/stripe", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400


def test_stripe_webhook_rejects_bad_signature(client):
    body = json.dumps({"id": "evt_test", "type": "customer.subscription.deleted", "data": {"object": {}}})
    response = client.post(
        "/webhooks/stripe",
        content=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": "t=1700000000,v1=deadbeef"},
    )
    assert response.status_code == 400
