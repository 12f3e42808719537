"""Starting the page: a waitress server on 127.0.0.1, a random token, a private work folder.

:func:`serve` is what ``unionxl web`` and the ``unionxl-web`` launcher run: it prints the address
with its token as the first line (as Jupyter does), opens the default browser unless told not to,
and serves until Ctrl-C, SIGTERM or the page's 退出 button; the work folder (uploads and outputs) is
removed on the way out. :class:`Server` is the same without the printing, for tests.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import sys
import tempfile
import threading
import webbrowser
from pathlib import Path

from waitress import wasyncore
from waitress.server import create_server

from ...reading import safety
from ..process import prepare
from .app import MAX_REQUEST, create_app
from .work import Workspace

HOST = "127.0.0.1"


class Server:
    """One launch: the work folder, the token, the application and its server (``port`` 0: a free one)."""

    def __init__(self, port: int = 0) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="unionxl-web-"))  # readable by this user only
        self.token = secrets.token_urlsafe(24)
        self.workspace = Workspace(self.folder)
        self._stopping = threading.Event()
        self._server = create_server(self._application, host=HOST, port=port, threads=6,
                                     max_request_body_size=MAX_REQUEST, clear_untrusted_proxy_headers=True,
                                     ident="unionxl")
        self.port = int(self._server.effective_port)
        self.app = create_app(self.workspace, self.token, self.port, stop=self.stop)

    def _application(self, environ, start_response):
        return self.app(environ, start_response)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def run(self) -> None:
        """Serve until :meth:`stop` (or Ctrl-C, SIGTERM); then close every connection and remove the work folder.
        The loop polls a few times a second, so stopping needs nothing from another thread but a flag."""
        server = self._server
        try:
            while not self._stopping.is_set():
                server.asyncore.loop(timeout=0.2, map=server._map, use_poll=server.adj.asyncore_use_poll, count=1)
        except (SystemExit, KeyboardInterrupt):
            pass
        finally:
            # the request threads first: one still answering pulls the loop's trigger, which close_all closes
            server.task_dispatcher.shutdown(timeout=5)
            wasyncore.close_all(server._map, ignore_all=True)
            shutil.rmtree(self.folder, ignore_errors=True)

    def stop(self) -> None:
        """End :meth:`run` (from any thread) within a fraction of a second."""
        self._stopping.set()


def serve(port: int = 0, browser: bool = True) -> None:
    """Run the page until stopped: the address first, then the browser."""
    prepare()
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    server = Server(port)
    _say(server.url)
    _say("unionxl 网页版已启动：请在浏览器中打开上面的网址（只能在本机打开）。按 Ctrl-C 或点页面上的“退出”结束。")
    if browser:
        open_browser(server.url)
    server.run()
    _say("unionxl 网页版已退出。")


def open_browser(url: str) -> None:
    """The default browser on ``url``, started without this process's memory cap (Chromium and Chrome
    do not start under an address-space limit). No job runs yet, so lifting the cap for the moment is
    safe; the server's socket is already listening, so the browser's request waits for :meth:`Server.run`."""
    safety.unlimit_memory()
    try:
        webbrowser.open(url)
    except Exception:  # no browser at all: the address printed above is the way in
        pass
    finally:
        safety.limit_memory()


def _say(line: str) -> None:
    """A line on the terminal; a launcher without one (``pythonw``) has no stdout."""
    if sys.stdout is not None:
        print(line, flush=True)


def launch() -> None:
    """The ``unionxl-web`` launcher (gui-scripts: no terminal on Windows): a free port, the browser."""
    serve()
