"""Postgres access through a single asyncpg connection pool."""
import asyncpg

_pool: asyncpg.Pool | None = None


async def init_pool(dsn: str) -> None:
    """Create the shared pool. Called once from the app's startup hook."""
    global _pool
    _pool = await asyncpg.create_pool(dsn, min_size=2, max_size=10, command_timeout=30)


async def close_pool() -> None:
    if _pool is not None:
        await _pool.close()


def get_pool() -> asyncpg.Pool:
    if _pool is None:
        raise RuntimeError("Database pool has not been initialised")
    return _pool
