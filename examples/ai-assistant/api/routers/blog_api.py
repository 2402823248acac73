"""Public blog posts shown on the marketing site."""
from fastapi import APIRouter, Depends, HTTPException

from api.database import fetch_all, fetch_one, get_db

router = APIRouter(prefix="/blog", tags=["blog"])

SORTABLE = {"published_at", "title", "views"}


@router.get("/posts")
def list_posts(sort: str = "published_at", direction: str = "desc", limit: int = 20, db=Depends(get_db)):
    cur = db.cursor()
    cur.execute(f"SELECT id, slug, title, summary, published_at FROM posts WHERE published = 1 ORDER BY {sort} {direction} LIMIT {int(limit)}")
    return [dict(row) for row in cur.fetchall()]


@router.get("/posts/sorted")
def list_posts_checked(sort: str = "published_at", limit: int = 20, db=Depends(get_db)):
    column = sort if sort in SORTABLE else "published_at"
    return fetch_all(db, f"SELECT id, slug, title FROM posts WHERE published = 1 ORDER BY {column} DESC LIMIT ?", (limit,))


@router.get("/posts/{slug}")
def get_post(slug: str, db=Depends(get_db)):
    post = fetch_one(db, "SELECT id, slug, title, body, published_at FROM posts WHERE slug = ? AND published = 1", (slug,))
    if post is None:
        raise HTTPException(status_code=404, detail="Post not found")
    return post
