"""gunicorn settings for `make serve`, from the environment."""

import multiprocessing
import os

# Loopback by default: put a reverse proxy or load balancer in front, or set
# BIND=0.0.0.0:8000 where the host's firewall is the boundary.
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 9))
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
# Whose X-Forwarded-* headers to believe: the load balancer's addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
# The access log with ping keys hidden (a ping's URL holds its script's secret).
logger_class = "workflow_project.log_filters.HidingGunicornLogger"
# gunicorn's runtime control socket sits at one path per user: two servers on
# one host (a test beside a running site) would fight over it.
control_socket_disable = True


def post_worker_init(worker) -> None:
    # "Booting worker" is logged before the worker imports the site; this line
    # says it can answer, so a start-up script or test can wait for every worker.
    worker.log.info("Worker ready (pid: %s)", worker.pid)
