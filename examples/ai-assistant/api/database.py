"""Database access. SQLite today; Postgres when DATABASE_URL is set (migration in progress)."""
import sqlite3

import psycopg2
import psycopg2.extras

from api import config


def get_db():
    """A fresh connection for every call: no pool."""
    if config.DATABASE_URL.startswith("postgres"):
        conn = psycopg2.connect(config.DATABASE_URL, cursor_factory=psycopg2.extras.RealDictCursor)
    else:
        conn = sqlite3.connect(config.SQLITE_PATH)
        conn.row_factory = sqlite3.Row
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def placeholder(conn) -> str:
    """Parameter style of the driver behind `conn`: `?` for SQLite, `%s` for psycopg2."""
    return "?" if isinstance(conn, sqlite3.Connection) else "%s"


def fetch_all(conn, sql: str, params: tuple = ()) -> list[dict]:
    cur = conn.cursor()
    cur.execute(sql.replace("?", placeholder(conn)), params)
    return [dict(row) for row in cur.fetchall()]


def fetch_one(conn, sql: str, params: tuple = ()) -> dict | None:
    rows = fetch_all(conn, sql, params)
    return rows[0] if rows else None


def execute(conn, sql: str, params: tuple = ()) -> int:
    cur = conn.cursor()
    cur.execute(sql.replace("?", placeholder(conn)), params)
    return cur.lastrowid or 0
