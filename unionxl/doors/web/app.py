"""The Flask application behind the page: every request checked, then one small handler each.

Every request must name this launch's loopback address and port in its Host header (a page on
another site that points a name of its own at 127.0.0.1 is refused: DNS rebinding) and carry the
launch's token: in the URL (``?token=…``, which sets a same-site cookie and leads to the bare
address), in that cookie, or in the ``X-Unionxl-Token`` header. A request that changes anything
(POST) must carry the header, which no other site's page can send. Uploads are capped per request
and per launch; what they hold is read only by the jobs, with the same safety checks as the command
line. Answers are never cached and the page loads nothing from elsewhere.
"""

from __future__ import annotations

import hmac
import io
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

from flask import Flask, Request, Response, abort, jsonify, redirect, render_template, request, send_file

from ...errors import UserError
from . import actions, views
from .work import UNEXPECTED, Workspace

MiB = 1024 * 1024
MAX_REQUEST = 256 * MiB  # one upload request (the page sends files in batches below this)
MAX_UPLOADS = 8192 * MiB  # all uploads of one launch
HEADER = "X-Unionxl-Token"
REFUSED = "拒绝访问：请用启动 unionxl web 时显示的完整网址（含 token）打开本页。"
FOREIGN_HOST = "拒绝访问：只接受本机地址 127.0.0.1 的访问。"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def create_app(ws: Workspace, token: str, port: int, stop: Callable[[], None] = lambda: None) -> Flask:
    """The application for one launch: ``ws`` its state, ``token`` the secret in its URL, ``port`` its
    port (for the Host check), ``stop`` what 退出 calls."""
    app = Flask(__name__)
    app.request_class = _private_request(ws.root)
    app.config.update(MAX_CONTENT_LENGTH=MAX_REQUEST, MAX_FORM_PARTS=10_000, TEMPLATES_AUTO_RELOAD=False)
    hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
    cookie = f"unionxl-token-{port}"

    def given() -> str:
        if request.method != "GET":
            return request.headers.get(HEADER, "")
        return request.args.get("token") or request.headers.get(HEADER) or request.cookies.get(cookie, "")

    @app.before_request
    def guard():
        if request.headers.get("Host", "") not in hosts:
            return refuse(FOREIGN_HOST)
        if not hmac.compare_digest(given().encode(), token.encode()):
            return refuse(REFUSED)
        if request.method == "GET" and "token" in request.args:  # into the cookie, out of the address bar
            answer = redirect(request.path, code=303)
            answer.set_cookie(cookie, token, httponly=True, samesite="Strict", path="/")
            return answer
        return None

    @app.after_request
    def headers(answer: Response) -> Response:
        answer.headers.update({"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                               "Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
                               "X-Frame-Options": "DENY"})
        return answer

    @app.errorhandler(UserError)
    def user_error(exc: UserError):
        return jsonify(ok=False, message=str(exc)), 400

    @app.errorhandler(413)
    def too_large(_):
        return jsonify(ok=False, message=f"一次上传的文件超过 {MAX_REQUEST // MiB} MB，未收下。"), 413

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        code = getattr(exc, "code", None)
        if isinstance(code, int) and code < 500:
            return jsonify(ok=False, message=f"请求无效（{code}）。"), code
        app.logger.exception("request failed")
        return jsonify(ok=False, message=UNEXPECTED), 500

    @app.get("/")
    def page():
        return render_template("page.html", token=token, **views.page(ws))

    @app.post("/upload")
    def upload():
        ws.idle()
        files = request.files.getlist("files")
        if ws.uploaded_bytes + (request.content_length or 0) > MAX_UPLOADS:
            raise UserError(f"本次启动上传的文件已超过 {MAX_UPLOADS // MiB} MB：请先“清空”，或填写文件夹路径直接读取。")
        saved = [ws.save_upload(f.filename or "", f.stream) for f in files]
        return jsonify(ok=True, saved=sum(1 for p in saved if p is not None))

    @app.post("/villages")
    def villages():
        file = request.files.get("file")
        if file is None or not file.filename:
            raise UserError("请选择村名单工作簿。")
        ws.save_villages(file.filename, file.stream)
        return jsonify(ok=True)

    @app.post("/villages/clear")
    def villages_clear():
        ws.villages = None
        return jsonify(ok=True)

    @app.post("/folder")
    def folder():
        typed = str((request.get_json(silent=True) or {}).get("path", "")).strip().strip('"')
        if not typed:
            raise UserError("请填写存放村报表的文件夹路径。")
        path = Path(typed).expanduser()
        if path.is_file() and path.parent.is_dir():
            raise UserError(f"这是一个文件，请填写它所在的文件夹：{path.parent}")
        if not path.is_dir():
            raise UserError(f"找不到文件夹：{typed}")
        if path.resolve() not in [f.resolve() for f in ws.folders]:
            ws.folders.append(path)
        return jsonify(ok=True)

    @app.post("/clear")
    def clear():
        ws.clear()
        return jsonify(ok=True)

    @app.post("/run/<name>")
    def run(name: str):
        if name not in actions.ACTIONS:
            abort(404)
        title, make = actions.ACTIONS[name]
        task = ws.start(title, make(ws, actions.options(request.get_json(silent=True))))
        return jsonify(ok=True, task=task.as_dict())

    @app.get("/task")
    def task():
        return jsonify(ok=True, task=ws.task.as_dict() if ws.task else None)

    @app.get("/download/<what>")
    @app.get("/download/<what>/<int:index>")
    def download(what: str, index: int | None = None):
        path = _download(ws, what, index)
        if path is None or not path.is_file():
            abort(404)
        return send_file(path, as_attachment=True, download_name=path.name)

    @app.get("/download/copies.zip")
    def copies():
        checked = ws.checked
        if checked is None or not checked.copies:
            abort(404)
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as z:
            for path in checked.copies:
                z.write(path, path.name)
        data.seek(0)
        return send_file(data, mimetype="application/zip", as_attachment=True, download_name="退回各村的标注副本.zip")

    @app.post("/quit")
    def quit_():
        threading.Timer(0.3, stop).start()  # after this answer has gone out
        return jsonify(ok=True, message="已退出 unionxl，可以关闭本页。")

    def refuse(message: str) -> Response:
        return Response(message, status=403, mimetype="text/plain", headers={"Cache-Control": "no-store"})

    return app


def _private_request(folder: Path) -> type[Request]:
    """Requests whose uploaded files wait in the work folder (not the system's temporary folder)."""

    class PrivateRequest(Request):
        def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
            return tempfile.TemporaryFile("wb+", dir=folder)

    return PrivateRequest


def _download(ws: Workspace, what: str, index: int | None) -> Path | None:
    """The one file a download names: a marked-up copy (by its place in the last 校验), the township
    workbook, the summary or its PDF. Nothing else of the machine can be named."""
    if what == "copy" and ws.checked is not None and index is not None and 0 <= index < len(ws.checked.reports):
        return ws.checked.reports[index].annotated
    if what == "township" and ws.merged is not None:
        return ws.merged.township
    if what == "summary" and ws.summarised is not None:
        return ws.summarised.summary
    if what == "pdf" and ws.summarised is not None:
        return ws.summarised.pdf
    return None
