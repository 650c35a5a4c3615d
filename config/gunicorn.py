"""gunicorn settings: gunicorn -c config/gunicorn.py config.wsgi

preload_app loads Django (and the jieba dictionary, ~75 MB, ~0.6 s) once before forking, so
workers share it copy-on-write and start answering at once.  Each worker then warms its own
search caches in the background (SEARCH_WARM_UP=0 turns that off), so the first search after a
start does not pay seconds for them.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
preload_app = True
timeout = 60
graceful_timeout = 30
accesslog = "-"
max_requests = 2000
max_requests_jitter = 200


def post_fork(server: object, worker: object) -> None:
    # After the fork, so that the index files the warm-up opens belong to this worker alone.
    if os.environ.get("SEARCH_WARM_UP", "1") != "0":
        from search.engine import start_warm_up

        start_warm_up()
