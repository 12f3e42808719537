"""The web page door over plain HTTP: the token and Host checks, uploads kept inside the work folder,
each refusal a Chinese line, the work folder removed at exit, `unionxl web` itself.
(tests/test_web_browser.py drives the page in a real browser.)"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from unionxl.doors.web import app as web_app
from unionxl.doors.web.server import Server
from unionxl.doors.web.work import UNEXPECTED, clean_path

from .conftest import EXAMPLES, soffice

ROOT = Path(__file__).resolve().parent.parent


class Client:
    """Raw HTTP to the page's server: any Host header, the token where a test puts it."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.headers = {"X-Unionxl-Token": server.token}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                host: str | None = None) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.server.port}" if host is None else host, **(headers or {})}
        conn.request(method, path, body=body, headers=sent)
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        return answer.status, dict(answer.getheaders()), data

    def post(self, path: str, payload: dict | None = None) -> tuple[int, dict]:
        status, _, data = self.request("POST", path, json.dumps(payload or {}).encode(),
                                       {**self.headers, "Content-Type": "application/json"})
        return status, json.loads(data)

    def upload(self, files: list[tuple[str, bytes]], path: str = "/upload") -> tuple[int, dict]:
        boundary = uuid.uuid4().hex
        body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                        f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"
                        for name, data in files) + f"--{boundary}--\r\n".encode()
        status, _, data = self.request("POST", path, body, {**self.headers,
                                                            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        return status, json.loads(data)

    def page(self) -> str:
        status, _, data = self.request("GET", "/", headers=self.headers)
        assert status == 200
        return data.decode()

    def finish(self, name: str, payload: dict | None = None) -> dict:
        """Run a button's job and wait for it."""
        status, started = self.post(f"/run/{name}", payload)
        assert status == 200, started
        return self.wait()

    def wait(self) -> dict:
        """The job running, once it has ended."""
        for _ in range(600):
            _, _, data = self.request("GET", "/task", headers=self.headers)
            task = json.loads(data)["task"]
            if task["state"] != "running":
                return task
            time.sleep(0.1)
        raise AssertionError("the job did not finish")


def serving():
    """A page's server running in a thread (the fixture ``server``; the browser tests use it too)."""
    served = Server()
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    yield served
    served.stop()
    thread.join(10)
    assert not thread.is_alive() and not served.folder.exists()  # the work folder goes with the server


server = pytest.fixture(serving, name="server")


@pytest.fixture
def client(server) -> Client:
    return Client(server)


def test_the_token_is_required_on_every_request(server, client):
    wrong = server.token[:-1] + ("y" if server.token.endswith("x") else "x")  # one character off
    for path in ("/", "/task", "/static/page.js", "/download/township", f"/?token={wrong}"):
        status, _, data = client.request("GET", path)
        assert status == 403 and "拒绝访问" in data.decode(), path
    status, headers, _ = client.request("GET", f"/?token={server.token}")  # the printed URL
    assert status == 303 and headers["Location"] == "/"
    cookie = headers["Set-Cookie"].split(";")[0]
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
    status, headers, data = client.request("GET", "/", headers={"Cookie": cookie})
    assert status == 200 and "收件" in data.decode() and "default-src 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"
    # a change needs the header, which another site's page cannot send: the cookie alone is not enough
    status, _, _ = client.request("POST", "/clear", b"{}", {"Cookie": cookie, "Content-Type": "application/json"})
    assert status == 403
    assert client.post("/clear")[0] == 200


def test_a_foreign_host_header_is_refused(server, client):
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 still sends its own Host."""
    for host in ("evil.example", f"evil.example:{server.port}", f"127.0.0.1:{server.port + 1}", "127.0.0.1", ""):
        status, _, data = client.request("GET", "/", headers=client.headers, host=host)
        assert status == 403 and "本机" in data.decode(), host
    status, _, _ = client.request("GET", "/", headers=client.headers, host=f"localhost:{server.port}")
    assert status == 200


def test_the_server_listens_on_loopback_only(server):
    assert server._server.effective_host == "127.0.0.1"
    assert server.url.startswith(f"http://127.0.0.1:{server.port}/?token=")


def test_uploads_stay_inside_the_work_folder(server, client):
    status, answer = client.upload([("../../逃出去.xlsx", b"x"), ("..\\..\\也逃.xlsx", b"y"), ("/etc/x.xlsx", b"z"),
                                    ("甲村/补报/甲村.xlsx", b"w"), ("甲村/补报/甲村.xlsx", b"v"), ("..", b"")])
    assert status == 200 and answer["saved"] == 5
    inbox = server.workspace.inbox
    found = sorted(str(p.relative_to(inbox)) for p in inbox.rglob("*") if p.is_file())
    assert found == ["etc/x.xlsx", "也逃.xlsx", "甲村/补报/甲村 (2).xlsx", "甲村/补报/甲村.xlsx", "逃出去.xlsx"]
    assert not (server.folder.parent / "逃出去.xlsx").exists()
    assert clean_path('村<1>:"?|*\x1b.xlsx') == ["村_1_______.xlsx"] and clean_path("../.hidden") == ["hidden"]


def test_an_upload_over_the_cap_is_refused(server, client, monkeypatch):
    server.app.config["MAX_CONTENT_LENGTH"] = 10_000
    status, answer = client.upload([("大.xlsx", b"0" * 20_000)])
    assert status == 413 and "超过" in answer["message"]
    monkeypatch.setattr(web_app, "MAX_UPLOADS", 100)
    server.app.config["MAX_CONTENT_LENGTH"] = web_app.MAX_REQUEST
    status, answer = client.upload([("中.xlsx", b"0" * 1000)])
    assert status == 400 and "清空" in answer["message"]
    assert not server.workspace.inbox.exists()


def test_each_refusal_is_one_chinese_line(server, client):
    status, answer = client.post("/run/merge")
    assert status == 400 and answer["ok"] is False and "还没有收到村报表" in answer["message"]
    assert "请先点“合并”" in client.post("/run/summary")[1]["message"]
    assert "找不到文件夹" in client.post("/folder", {"path": "/没有这个文件夹"})[1]["message"]
    assert "这是一个文件" in client.post("/folder", {"path": str(EXAMPLES / "排兄村.xlsx")})[1]["message"]
    assert client.post("/folder", {"path": str(EXAMPLES)})[0] == 200
    status, answer = client.post("/run/merge", {"start": "2026年1月"})
    assert status == 400 and "不是日期" in answer["message"]
    status, answer = client.post("/run/nothing")
    assert status == 404 and "请求无效" in answer["message"]
    assert client.request("GET", "/download/township", headers=client.headers)[0] == 404  # nothing merged yet
    assert client.request("GET", "/download/copy/99", headers=client.headers)[0] == 404


def test_a_typed_folder_is_read_where_it_is(server, client):
    assert client.post("/folder", {"path": str(EXAMPLES)})[0] == 200
    assert "收到 14 个工作簿" in client.page()  # 13 villages and 寨阳乡本级
    task = client.finish("merge", {"mask": True})
    assert task["state"] == "done" and "应报 13 个村，已报 13 个" in task["message"]
    status, headers, data = client.request("GET", "/download/township", headers=client.headers)
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    path = server.folder / "got.xlsx"
    path.write_bytes(data)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("会员名册").to_python()
    assert len(rows) - 1 == 580
    header = rows[0]
    ids = [r[header.index("身份证号")] for r in rows[1:]]
    assert all("*" in str(v) for v in ids if v)  # --mask


def test_an_unexpected_failure_shows_a_generic_chinese_line(server, client, monkeypatch):
    from unionxl import jobs

    def broken(*args, **kwargs):
        raise RuntimeError("Traceback (most recent call last): secret internals")

    monkeypatch.setattr(jobs, "merge", broken)
    client.post("/folder", {"path": str(EXAMPLES)})
    task = client.finish("merge")
    assert task["state"] == "failed" and task["message"] == f"合并未完成：{UNEXPECTED}"
    page = client.page()
    assert UNEXPECTED in page and "Traceback" not in page and "secret" not in page


def test_quit_stops_the_server_and_removes_the_work_folder():
    served = Server()
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    Client(served).upload([("甲村.xlsx", b"x")])
    assert (served.workspace.inbox / "甲村.xlsx").is_file()
    assert Client(served).post("/quit")[0] == 200
    thread.join(10)
    assert not thread.is_alive() and not served.folder.exists()


def test_unionxl_web_prints_its_address_first_and_cleans_up_on_sigterm(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "unionxl", "web", "--no-browser"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stdout.readline().strip()
        assert first.startswith("http://127.0.0.1:") and "/?token=" in first
        port = int(first.split(":")[2].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", first.split(str(port), 1)[1])
        assert conn.getresponse().status == 303
        assert [p.name.startswith("unionxl-web-") for p in tmp_path.iterdir()] == [True]
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert "Traceback" not in err and "已退出" in out
    assert list(tmp_path.iterdir()) == []  # the work folder is gone


def test_the_web_command_is_documented():
    from click.testing import CliRunner

    from unionxl.doors.cli import main

    result = CliRunner().invoke(main, ["web", "--help"])
    assert result.exit_code == 0 and "--no-browser" in result.output and "--port" in result.output


def test_the_wheel_carries_the_page_and_its_launcher(tmp_path):
    import zipfile

    from hatchling.builders.wheel import WheelBuilder

    wheel, = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        entry_points = next(z.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    web = ROOT / "unionxl" / "doors" / "web"
    assets = {p.relative_to(ROOT).as_posix() for p in web.rglob("*") if p.suffix in (".html", ".js", ".css", ".svg")}
    assert {"unionxl/doors/web/templates/page.html", "unionxl/doors/web/static/page.js"} <= assets <= names
    assert "[gui_scripts]\nunionxl-web = unionxl.doors.web.server:launch" in entry_points


def test_the_inbox_lists_what_it_skipped_with_why(server, client):
    pdf, lock = "各村/说明.pdf", "各村/~$排兄村.xlsx"
    client.upload([(pdf, b"%PDF-1.4"), (lock, b"\x06zhangsan"), ("各村/排兄村.xlsx", (EXAMPLES / "排兄村.xlsx").read_bytes())])
    page = client.page()
    assert "收到 1 个工作簿" in page and "跳过 2 个文件" in page
    assert "说明.pdf</strong>：这是 PDF 文件" in page and "~$排兄村.xlsx</strong>：Excel/WPS 打开文件时留下的临时锁文件" in page


def test_a_running_job_shows_its_progress_and_holds_the_batch(server, client, monkeypatch):
    from unionxl import jobs

    release = threading.Event()

    def slow(inputs, output, *args, progress=None, **kwargs):
        progress(1, 3, "排兄村.xlsx")
        release.wait(20)
        raise jobs.UserError("村名单里没有村。")

    monkeypatch.setattr(jobs, "merge", slow)
    client.post("/folder", {"path": str(EXAMPLES)})
    assert client.post("/run/merge")[0] == 200
    for _ in range(100):
        task = json.loads(client.request("GET", "/task", headers=client.headers)[2])["task"]
        if task["done"] == 1:
            break
        time.sleep(0.05)
    assert (task["state"], task["done"], task["total"], task["what"]) == ("running", 1, 3, "排兄村.xlsx")
    assert 'data-running="1"' in client.page()  # a reload keeps showing the bar
    for refused in (client.post("/run/validate"), client.post("/clear"), client.upload([("甲.xlsx", b"x")])):
        assert refused == (400, {"ok": False, "message": "正在合并，请等它完成。"})
    release.set()
    task = client.wait()
    assert task["state"] == "failed" and task["message"] == "合并未完成：村名单里没有村。"


def test_the_village_list_and_a_password(server, client):
    from unionxl import bundled

    client.post("/folder", {"path": str(EXAMPLES)})
    status, _ = client.upload([(bundled.VILLAGE_LIST, bundled.village_list().read_bytes())], path="/villages")
    assert status == 400  # the village list goes in the field named "file"
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{bundled.VILLAGE_LIST}"\r\n\r\n'
            .encode() + bundled.village_list().read_bytes() + f"\r\n--{boundary}--\r\n".encode())
    status, _, _ = client.request("POST", "/villages", body, {**client.headers,
                                                              "Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert status == 200 and f'<strong id="villages-name">{bundled.VILLAGE_LIST}</strong>' in client.page()
    task = client.finish("merge", {"password": "甲乙123"})
    assert task["state"] == "done" and "已设打开密码" in task["message"]
    assert server.workspace.merged.expected == 13 and server.workspace.villages.name == bundled.VILLAGE_LIST
    _, _, data = client.request("GET", "/download/township", headers=client.headers)
    assert data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted: an OLE container, not a zip
    task = client.finish("summary")
    assert task["state"] == "failed" and "密码" in task["message"]  # one Chinese line, nothing broken
    assert client.post("/villages/clear")[0] == 200 and "未选择" in client.page()


@pytest.mark.skipif(not soffice(), reason="LibreOffice is not installed")
def test_the_summary_as_pdf(server, client):
    client.post("/folder", {"path": str(EXAMPLES)})
    client.finish("merge")
    task = client.finish("summary", {"pdf": True})
    assert task["state"] == "done" and "未导出 PDF" not in task["message"]
    assert 'id="get-pdf"' in client.page()
    status, headers, data = client.request("GET", "/download/pdf", headers=client.headers)
    assert status == 200 and data.startswith(b"%PDF") and ".pdf" in headers["Content-Disposition"]


@pytest.mark.skipif(os.name != "posix", reason="the memory cap and the shell script are POSIX")
def test_the_browser_opens_on_the_address_without_the_memory_cap(tmp_path):
    """Chromium does not start under an address-space limit: the browser is started with the cap lifted."""
    seen = tmp_path / "browser.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$(ulimit -v) $1" > "{seen}"\n')
    browser.chmod(0o755)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BROWSER": str(browser), "UNIONXL_MAX_MEMORY_MB": "8192"}
    proc = subprocess.Popen([sys.executable, "-m", "unionxl", "web"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        first = proc.stdout.readline().strip()
        for _ in range(100):
            if seen.exists() and seen.read_text().strip():
                break
            time.sleep(0.1)
        assert seen.read_text().split() == ["unlimited", first]
        limit = Path(f"/proc/{proc.pid}/limits").read_text()
        assert "8589934592" in next(line for line in limit.splitlines() if line.startswith("Max address space"))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
