from bookshelf.extensions import db
from bookshelf.models import Book
from tests.conftest import log_in


def test_reader_adds_a_book(client, reader):
    log_in(client, "reader@example.com")
    response = client.post("/books/new", data={"title": "Piranesi", "author": "Susanna Clarke", "status": "reading", "notes": ""})
    assert response.status_code == 302
    assert db.session.query(Book).filter_by(owner_id=reader.id, title="Piranesi").count() == 1


def test_reader_cannot_open_another_readers_book(client, reader, other_reader):
    book = db.session.query(Book).filter_by(owner_id=other_reader.id).one()
    log_in(client, "reader@example.com")
    assert client.get(f"/books/{book.id}/edit").status_code == 404


def test_health_check_answers(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
