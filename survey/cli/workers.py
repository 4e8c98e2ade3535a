"""Several worker processes for a shared instance (``survey serve --workers N``): gunicorn,
each worker making its own app with the factory after the fork (a database pool's connections
and threads do not survive a fork). Linux and macOS only; waitress stays the laptop's server."""

from __future__ import annotations

from typing import Callable

WORKER_TIMEOUT = 120  # seconds: an export or a PDF of a large campaign may take a while


def run_gunicorn(make: Callable, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``make()``'s app with ``workers`` processes of ``threads`` threads each, until
    Ctrl-C or SIGTERM (the master stops its workers)."""
    from gunicorn.app.base import BaseApplication

    class Workers(BaseApplication):
        def load_config(self) -> None:
            bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
            for key, value in {
                "bind": [bind],
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": WORKER_TIMEOUT,
                "graceful_timeout": 20,
                "proc_name": "porteur-de-parole",
                "accesslog": None,
                "control_socket_disable": True,  # gunicorn ≥ 25: no shared socket in $HOME
            }.items():
                if key in self.cfg.settings:  # a setting an older gunicorn lacks is left out
                    self.cfg.set(key, value)

        def load(self):
            return make()

    Workers().run()
