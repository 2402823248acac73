import pytest

from bookshelf.auth.routes import _safe_next
from tests.conftest import log_in


def test_login_page_renders(client):
    assert client.get("/auth/login").status_code == 200


def test_wrong_password_is_rejected(client, reader):
    response = log_in(client, "reader@example.com", password="wrong")
    assert response.status_code == 401


def test_correct_password_signs_in(client, reader):
    response = log_in(client, "reader@example.com")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/books/")


@pytest.mark.parametrize("path", ["/books/", "/books/new", "/books/stats", "/billing/checkout"])
def test_pages_require_login(client, path):
    response = client.get(path)
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]


def test_admin_pages_are_forbidden_to_readers(client, reader):
    log_in(client, "reader@example.com")
    assert client.get("/admin/users").status_code == 403


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil"])
def test_next_parameter_never_leaves_the_site(target):
    assert _safe_next(target) is None


def test_next_parameter_keeps_local_paths():
    assert _safe_next("/books/?q=dune") == "/books/?q=dune"
