"""gunicorn settings for production: `make serve`, or `gunicorn -c gunicorn.conf.py`.

Threaded workers (gthread): a slow or idle client holds a thread (gunicorn 23+ parks a
connection that sends nothing for 5 s), never a whole worker, so a few slow clients cannot
stall the site. Behind nginx (deploy/nginx.conf), which buffers requests and responses, gunicorn
never waits on a client at all. Every setting can be changed with an environment variable.
"""

import os

wsgi_app = "webmap:create_app()"
bind = os.environ.get("WEBMAP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEBMAP_WORKERS", "3"))
worker_class = "gthread"
# Threads per worker: each slow client that has started a request holds one (an idle
# thread costs little memory). 3 workers x 128 threads hold 200 slow clients and still answer.
threads = int(os.environ.get("WEBMAP_THREADS", "128"))
worker_connections = 1000  # open connections per worker, idle keep-alive ones included
# Load the data once, before forking: workers start fast, and a start that fails shows the
# 503 page instead of "Worker failed to boot" (create_app never raises on bad data).
preload_app = True
timeout = 30  # a worker whose main loop stops for this long is restarted
graceful_timeout = 20
keepalive = 5
# A worker is replaced after this many requests (with jitter), so no leak can grow for ever.
max_requests = 20000
max_requests_jitter = 2000
# Request limits: the app needs short URLs (see security.MAX_QUERY_BYTES) and few headers.
limit_request_line = 8190
limit_request_fields = 64
limit_request_field_size = 8190
accesslog = os.environ.get("WEBMAP_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("WEBMAP_LOG_LEVEL", "info")
# Trust X-Forwarded-* only from the proxy: nginx on this machine (deploy/nginx.conf), or the
# address of the nginx in front of several servers (deploy/nginx-several.conf).
forwarded_allow_ips = os.environ.get("WEBMAP_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn's control socket (gunicornc) lives at one path per user: off unless asked for, so
# two servers on one machine do not fight over it.
if os.environ.get("WEBMAP_CONTROL_SOCKET"):
    control_socket = os.environ["WEBMAP_CONTROL_SOCKET"]
else:
    control_socket_disable = True
