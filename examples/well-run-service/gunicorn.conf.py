"""gunicorn settings: uvicorn workers, graceful shutdown inside the pod's termination grace period."""
import os

bind = "0.0.0.0:8000"
worker_class = "uvicorn.workers.UvicornWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Kubernetes waits 30 s (terminationGracePeriodSeconds) before SIGKILL: finish requests within 25 s.
graceful_timeout = 25
timeout = 60
keepalive = 5
accesslog = None  # request logs come from the app's JSON logger
