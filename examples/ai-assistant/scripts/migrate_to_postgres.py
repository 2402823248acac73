"""Copy the SQLite database into PostgreSQL.

Usage:
    DATABASE_URL=postgresql://assistant@db.internal:5432/assistant \
        python scripts/migrate_to_postgres.py data/assistant.db [--tables users,projects] [--truncate]

Creates the tables that do not exist yet (types mapped from the SQLite declarations), then copies
every row in batches. Run it with the API stopped: rows written during the copy are not picked up.
"""
import argparse
import logging
import os
import sqlite3
import sys
import time

import psycopg2
import psycopg2.extras
from psycopg2 import sql

logger = logging.getLogger("migrate")

BATCH_SIZE = 500

TYPE_MAP = {
    "INTEGER": "BIGINT",
    "INT": "BIGINT",
    "REAL": "DOUBLE PRECISION",
    "FLOAT": "DOUBLE PRECISION",
    "TEXT": "TEXT",
    "VARCHAR": "TEXT",
    "BLOB": "BYTEA",
    "BOOLEAN": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMPTZ",
    "DATETIME": "TIMESTAMPTZ",
    "JSON": "JSONB",
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sqlite_path")
    parser.add_argument("--tables", default="", help="comma-separated table names (default: all)")
    parser.add_argument("--truncate", action="store_true", help="empty each target table before copying")
    return parser.parse_args(argv)


def sqlite_tables(src: sqlite3.Connection) -> list[str]:
    rows = src.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in rows]


def sqlite_columns(src: sqlite3.Connection, table: str) -> list[tuple[str, str, bool]]:
    columns = []
    for _cid, name, declared, notnull, _default, pk in src.execute(f"PRAGMA table_info({table})"):
        base = (declared or "TEXT").split("(")[0].upper()
        columns.append((name, TYPE_MAP.get(base, "TEXT"), bool(notnull) or bool(pk)))
    return columns


def postgres_has_table(dst, table: str) -> bool:
    with dst.cursor() as cur:
        cur.execute("SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = %s", (table,))
        return cur.fetchone() is not None


def create_table(dst, table: str, columns: list[tuple[str, str, bool]]) -> None:
    definitions = sql.SQL(", ").join(
        sql.SQL("{} {}{}").format(sql.Identifier(name), sql.SQL(pg_type), sql.SQL(" NOT NULL" if required else "")) for name, pg_type, required in columns
    )
    with dst.cursor() as cur:
        cur.execute(sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(table), definitions))
    logger.info("created table %s (%d columns)", table, len(columns))


def batches(src: sqlite3.Connection, table: str, columns: list[str]):
    cursor = src.execute(f"SELECT {', '.join(columns)} FROM {table}")
    while True:
        rows = cursor.fetchmany(BATCH_SIZE)
        if not rows:
            return
        yield rows


def reset_sequence(dst, table: str) -> None:
    with dst.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
        sequence = cur.fetchone()[0]
        if sequence:
            cur.execute(sql.SQL("SELECT setval(%s, (SELECT COALESCE(MAX(id), 1) FROM {}))").format(sql.Identifier(table)), (sequence,))


def copy_table(src: sqlite3.Connection, dst, table: str, truncate: bool) -> int:
    columns = sqlite_columns(src, table)
    if not postgres_has_table(dst, table):
        create_table(dst, table, columns)
    names = [name for name, _type, _required in columns]
    started = time.monotonic()
    copied = 0
    with dst.cursor() as cur:
        if truncate:
            cur.execute(sql.SQL("TRUNCATE TABLE {} RESTART IDENTITY CASCADE").format(sql.Identifier(table)))
        for rows in batches(src, table, names):
            quoted = ", ".join(f'"{n}"' for n in names)
            cur.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(names))})", rows)
            copied += len(rows)
            logger.info("%s: %d rows so far", table, copied)
    reset_sequence(dst, table)
    logger.info("%s: %d rows in %.1fs", table, copied, time.monotonic() - started)
    return copied


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    src = sqlite3.connect(args.sqlite_path)
    dst = psycopg2.connect(os.environ["DATABASE_URL"])
    tables = [t for t in args.tables.split(",") if t] or sqlite_tables(src)
    try:
        for table in tables:
            copy_table(src, dst, table, args.truncate)
        dst.commit()
    except Exception:
        dst.rollback()
        logger.exception("migration failed; nothing was committed")
        return 1
    finally:
        src.close()
        dst.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
