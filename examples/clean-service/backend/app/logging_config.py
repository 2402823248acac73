"""JSON logs on stdout, one object per line, for the log shipper."""
import logging

from pythonjsonlogger import jsonlogger


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(jsonlogger.JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Access logs carry query strings; keep them at WARNING in production.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
