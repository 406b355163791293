"""A government site in miniature, served by the tests on 127.0.0.1 (a free port): listing
pages with paging (one GB2312-encoded), reports as HTML, PDF, DOCX and DOC, validators
(ETag, Last-Modified, or none), and the ways URLs fail: a timeout, a 404, a redirect loop,
a redirect to ftp, an oversized file (declared and streamed), a flaky 503, a robots.txt
that disallows /private/. Every request is logged with its status."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

SLOW_SECONDS = 0.6


@functools.cache
def make_pdf(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=1)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


@functools.cache
def make_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@dataclass
class Resource:
    body: bytes
    content_type: str
    etag: bool = True
    last_modified: bool = True
    version: int = 1  # bumped by Site.change(): a new ETag and Last-Modified

    def etag_value(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'

    def last_modified_value(self) -> str:
        return formatdate(1_700_000_000 + self.version * 86_400, usegmt=True)


LISTING_0 = """<html><head><meta charset="gb2312"><title>法治政府建设年度报告</title></head><body>
<ul>
<li><a href="/art/2023/report.html">威海市文登区2023年法治政府建设年度报告</a></li>
<li><a href="../files/2022.pdf">2022年法治政府建设情况报告（PDF）</a></li>
<li><a href="/news/plain.html" title="2020年度法治政府建设工作报告">2020年度报告</a></li>
<li><a href="/about.html">关于我们</a></li>
<li><a href="/files/photo.jpg">法治政府建设图片</a></li>
<li><a href="javascript:void(0)">法治政府建设</a></li>
</ul>
<a href="index_1.html">下一页</a></body></html>"""

LISTING_1 = """<html><head><meta charset="utf-8"></head><body>
<a href="/files/2021.docx">2021年法治政府建设年度报告（Word）</a>
<a href="/missing.pdf">法治政府建设报告（已删除）</a>
<a href="/loop/a.pdf">法治政府建设报告（循环跳转）</a>
<a href="/ftp.pdf">法治政府建设报告（ftp）</a>
<a href="/files/huge.pdf">法治政府建设报告（过大）</a>
<a href="/files/stream.pdf">法治政府建设报告（过大，无长度）</a>
<a href="/private/secret.pdf">法治政府建设报告（robots 禁止）</a>
<a href="/flaky.pdf">法治政府建设报告（偶尔 503）</a>
<a href="/moved.doc">2019年法治政府建设年度报告（已迁移）</a>
<a href="index.html">上一页</a> <a href="index_2.html">下一页</a>
</body></html>"""

LISTING_2 = """<html><body>
<a href="/files/2022.pdf">2022年法治政府建设情况报告</a>
<a href="index_1.html">上一页</a></body></html>"""

COLUMN_1 = """<html><body>
<a href="/col/att/a.pdf">附件1</a> <a href="/col/att/b.xls">附件2</a> <a href="/files/2022.pdf">附件3</a>
</body></html>"""


@dataclass
class Site:
    host: str
    port: int
    resources: dict[str, Resource]
    log: list[tuple[float, str, int, dict]] = field(default_factory=list)  # (arrival, path, status, request headers)
    hits: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def change(self, path: str, body: bytes) -> None:
        resource = self.resources[path]
        resource.body, resource.version = body, resource.version + 1

    def requests(self, path: str | None = None) -> list[tuple[float, str, int, dict]]:
        return [entry for entry in self.log if path is None or entry[1] == path]

    def statuses(self, path: str) -> list[int]:
        return [entry[2] for entry in self.requests(path)]

    def clear(self) -> None:
        self.log.clear()


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
            site.log.append((self.arrived, self.path, status, dict(self.headers)))
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if "Content-Length" not in (headers or {}) and not (headers or {}).get("X-No-Length"):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        def do_GET(self):  # noqa: N802
            self.arrived = time.monotonic()
            path = self.path
            site.hits[path] = site.hits.get(path, 0) + 1
            if path == "/slow.pdf":
                time.sleep(SLOW_SECONDS)
                return self._send(200, b"%PDF-1.4 late", {"Content-Type": "application/pdf"})
            if path == "/loop/a.pdf":
                return self._send(302, headers={"Location": "/loop/b.pdf"})
            if path == "/loop/b.pdf":
                return self._send(302, headers={"Location": f"http://{site.host}:{site.port}/loop/a.pdf"})
            if path == "/ftp.pdf":
                return self._send(302, headers={"Location": "ftp://127.0.0.1/report.pdf"})
            if path == "/moved.doc":
                return self._send(301, headers={"Location": "/files/old.doc"})
            if path == "/flaky.pdf" and site.hits[path] == 1:
                return self._send(503, b"busy", {"Content-Type": "text/plain"})
            if path == "/files/stream.pdf":  # no Content-Length: read until the connection closes
                site.log.append((self.arrived, path, 200, dict(self.headers)))
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.end_headers()
                try:
                    for _ in range(64):
                        self.wfile.write(b"0" * 16_384)
                except OSError:
                    pass
                return None
            resource = site.resources.get(path)
            if resource is None:
                return self._send(404, b"not found", {"Content-Type": "text/html"})
            headers = {"Content-Type": resource.content_type}
            if resource.etag:
                headers["ETag"] = resource.etag_value()
            if resource.last_modified:
                headers["Last-Modified"] = resource.last_modified_value()
            if resource.etag and self.headers.get("If-None-Match") == resource.etag_value():
                return self._send(304, headers={k: v for k, v in headers.items() if k != "Content-Type"})
            if (not resource.etag and resource.last_modified
                    and self.headers.get("If-Modified-Since") == resource.last_modified_value()):
                return self._send(304, headers={"Last-Modified": resource.last_modified_value()})
            return self._send(200, resource.body, headers)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that gave up on /slow.pdf
        pass


def site_resources() -> dict[str, Resource]:
    html = "text/html; charset=utf-8"
    return {
        "/robots.txt": Resource(b"User-agent: *\nDisallow: /private/\n", "text/plain", etag=False, last_modified=False),
        "/list/index.html": Resource(LISTING_0.encode("gb18030"), "text/html", etag=False, last_modified=False),
        "/list/index_1.html": Resource(LISTING_1.encode(), html, etag=False, last_modified=False),
        "/list/index_2.html": Resource(LISTING_2.encode(), html, etag=False, last_modified=False),
        "/col/list.html": Resource(b"<html><body>no links yet</body></html>", html, etag=False, last_modified=False),
        "/col/list_1.html": Resource(COLUMN_1.encode(), html, etag=False, last_modified=False),
        "/slow/list.html": Resource('<a href="/slow.pdf">法治政府建设报告（超时）</a>'.encode(), html, etag=False,
                                    last_modified=False),
        "/art/2023/report.html": Resource(
            ("<html><body><h1>威海市文登区2023年法治政府建设年度报告</h1><p>全年办理行政复议案件82件。</p>"
             '<p>附件：<a href="/files/att-2023.pdf">2023年报告.pdf</a> <a href="/files/att-2023.xls">统计表</a></p>'
             "</body></html>").encode(),
            html, last_modified=False),
        "/news/plain.html": Resource("<html><body><p>2020年度法治政府建设工作报告</p></body></html>".encode(),
                                     html, etag=False, last_modified=False),
        "/files/2022.pdf": Resource(make_pdf("2022 report, first version"), "application/pdf"),
        "/files/2021.docx": Resource(
            make_docx("2021年法治政府建设年度报告"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", etag=False),
        "/files/old.doc": Resource(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 a Word 97 file", "application/msword"),
        "/files/huge.pdf": Resource(b"%PDF-1.4\n" + b"0" * 300_000, "application/pdf"),
        "/flaky.pdf": Resource(make_pdf("flaky server"), "application/octet-stream"),
        "/private/secret.pdf": Resource(make_pdf("secret"), "application/pdf"),
        "/col/att/a.pdf": Resource(make_pdf("attachment"), "application/pdf"),
        "/files/att-2023.pdf": Resource(make_pdf("2023 report, the attachment"), "application/pdf"),
        "/att/list.html": Resource('<a href="/art/2023/report.html">2023年法治政府建设年度报告</a>'.encode(), html,
                                   etag=False, last_modified=False),
    }


@pytest.fixture
def site():
    server = _Server(("127.0.0.1", 0), BaseHTTPRequestHandler)
    host, port = server.server_address[:2]
    fixture = Site(host, port, site_resources())
    server.RequestHandlerClass = _handler(fixture)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fixture
    finally:
        server.shutdown()
        server.server_close()


class LocalOnly(httpx.HTTPTransport):
    """Refuses any request that is not to 127.0.0.1: the tests never reach the internet."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert request.url.host == "127.0.0.1", f"a test tried to reach {request.url}"
        return super().handle_request(request)


@pytest.fixture
def local_only() -> httpx.HTTPTransport:
    return LocalOnly()


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
