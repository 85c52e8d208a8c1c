"""A small web site the capture tests serve themselves, on loopback, on a free port.

Pages: an ordinary page with an image and a style sheet, a redirect to it, a
redirect loop, a page that is not there, a page that never finishes, a page of
200 MB (by its Content-Length, and one without a length), and a redirect to a
private address.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8cfc0f01f0005000"
    "1ff89993d1d0000000049454e44ae426082"
)
PAGE = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Team night out</title>
<link rel="stylesheet" href="/style.css"></head>
<body><h1>Posted by Jo Bloggs</h1><p>The address of the resident is 12 Acacia Avenue.</p>
<img src="/pixel.png" alt="" width="40" height="40"><script src="http://10.1.2.3/tracker.js"></script></body></html>
"""
CSS = b"body { background: #ffeeee; font-family: sans-serif; }"


class Handler(BaseHTTPRequestHandler):
    server_version = "CaptureTestSite/1.0"

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", content_type="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (the standard library's name)
        self.server.paths.append(self.path)
        path = self.path.split("?", 1)[0]
        if path == "/page":
            self._send(200, PAGE)
        elif path == "/style.css":
            self._send(200, CSS, "text/css")
        elif path == "/pixel.png":
            self._send(200, PNG, "image/png")
        elif path == "/old-address":
            self._send(301, b"", headers=[("Location", "/page")])
        elif path in ("/loop-a", "/loop-b"):
            self._send(302, b"", headers=[("Location", "/loop-b" if path == "/loop-a" else "/loop-a")])
        elif path == "/to-private":
            self._send(302, b"", headers=[("Location", "http://192.168.1.1/admin")])
        elif path == "/never-ends":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<!doctype html><html><body><p>Loading")
            self.wfile.flush()
            self.server.stopping.wait(60)
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(200 * 1024 * 1024))
            self.end_headers()
            try:
                for _ in range(10):
                    self.wfile.write(b" " * 65536)
            except OSError:
                pass
        elif path == "/huge-no-length":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(b"<!doctype html><html><body>")
                for _ in range(200 * 16):  # 200 MB, in 64 KB pieces, while the reader keeps reading
                    if self.server.stopping.is_set():
                        break
                    self.wfile.write(b"x" * 65536)
            except OSError:
                pass
        else:
            self._send(404, b"<h1>Not found</h1>")


class PageServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.paths = []
        self.httpd.stopping = threading.Event()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def paths(self) -> list:
        return self.httpd.paths

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
