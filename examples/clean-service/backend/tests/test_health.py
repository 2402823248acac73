def test_healthz_is_public(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_reports_database_outage(client, fake_db):
    fake_db.healthy = False
    response = client.get("/healthz")
    assert response.status_code == 503


def test_security_headers_present(client):
    response = client.get("/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
