"""Load a web page in headless Chromium on the server and keep what it showed: a full-page PNG, a PDF,
the page's HTML and a WARC record of every HTTP exchange, with the final address and HTTP status.

Every request the page makes (the page itself, its images, scripts, styles)
is fetched here, not by the browser: each address is resolved and checked
against the rules of `casework.domain.capture` (no private or loopback
addresses unless allowed), every response counts against one size limit
and one deadline, and each exchange is written to the WARC exactly as it
came. Chromium gets a proxy that goes nowhere, so nothing it might try on
its own (a WebSocket, say) leaves the machine. Nothing here touches the
database: `casework.services.capture` stores the result, or the reason it
failed.
"""

import http.client
import io
import queue
import socket
import ssl
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin, urlsplit

from .domain.capture import address_problem, url_problem

REDIRECTS = {301, 302, 303, 307, 308}
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-encoding",
}
CHUNK = 64 * 1024
# Chromium's own traffic (anything not routed through `fetch`) goes to a proxy that does not exist
DEAD_PROXY_ARGS = ("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>")


class CaptureFailed(Exception):
    """The page could not be captured; `reason` says why in words a caseworker understands."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CaptureSettings:
    timeout_seconds: float = 60
    max_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 10
    allowed_networks: tuple = ()
    chromium_path: str = "/usr/bin/chromium"
    chromium_args: tuple = ()
    user_agent: str = "Casework evidence capture"
    viewport: tuple = (1280, 900)


@dataclass
class Exchange:
    """One HTTP request and its response, as sent and received."""

    url: str
    method: str
    request_headers: list
    status: int
    reason: str
    headers: list
    body: bytes
    ip: str
    at: datetime


@dataclass
class CaptureResult:
    url: str
    final_url: str
    http_status: int
    started_at: datetime
    finished_at: datetime
    screenshot: bytes
    pdf: bytes
    html: bytes
    warc: bytes
    exchanges: list = field(default_factory=list)


class Fetcher:
    """HTTP GETs under one deadline and one byte budget, to checked addresses only."""

    def __init__(self, settings: CaptureSettings, deadline: float):
        self.settings = settings
        self.deadline = deadline
        self.used = 0
        self.exchanges: list[Exchange] = []

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise CaptureFailed(
                f"The page did not finish loading within {self.settings.timeout_seconds:g} seconds, "
                "so it was not captured"
            )
        return left

    def _resolve(self, host: str, port: int) -> str:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise CaptureFailed(f"The site {host} could not be found: check the web address") from None
        addresses = list(dict.fromkeys(info[4][0] for info in infos))
        for address in addresses:
            problem = address_problem(address, self.settings.allowed_networks)
            if problem:
                raise CaptureFailed(problem)
        return addresses[0]

    def get(self, url: str, headers: dict | None = None) -> Exchange:
        """One GET, not following redirects."""
        problem = url_problem(url, self.settings.allowed_networks)
        if problem:
            raise CaptureFailed(problem)
        parts = urlsplit(url)
        secure = parts.scheme.lower() == "https"
        host = parts.hostname.rstrip(".")
        port = parts.port or (443 if secure else 80)
        ip = self._resolve(host, port)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        host_header = host if ":" not in host else f"[{host}]"
        if parts.port:
            host_header += f":{parts.port}"
        request_headers = [
            ("Host", host_header),
            ("User-Agent", self.settings.user_agent),
            ("Accept", (headers or {}).get("accept", "*/*")),
            ("Accept-Encoding", "identity"),
            ("Connection", "close"),
        ]
        if (headers or {}).get("referer"):
            request_headers.append(("Referer", headers["referer"]))
        at = datetime.now(UTC)
        try:
            sock = socket.create_connection((ip, port), timeout=self.remaining())
            if secure:
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            connection = http.client.HTTPConnection(host, port, timeout=self.remaining())
            connection.sock = sock
            try:
                connection.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
                for name, value in request_headers:
                    connection.putheader(name, value)
                connection.endheaders()
                response = connection.getresponse()
                body = self._read(response, sock)
                exchange = Exchange(
                    url=url,
                    method="GET",
                    request_headers=request_headers,
                    status=response.status,
                    reason=response.reason or "",
                    headers=list(response.getheaders()),
                    body=body,
                    ip=ip,
                    at=at,
                )
            finally:
                connection.close()
        except CaptureFailed:
            raise
        except TimeoutError:
            self.remaining()  # the deadline's own message when it has passed
            raise CaptureFailed(f"The site {host} stopped answering, so the page was not captured") from None
        except ssl.SSLError as error:
            raise CaptureFailed(f"The site {host} has no valid secure (https) certificate: {error.reason}") from None
        except (OSError, http.client.HTTPException):
            raise CaptureFailed(f"The site {host} could not be reached or gave a broken answer") from None
        self.exchanges.append(exchange)
        return exchange

    def _too_large(self) -> CaptureFailed:
        megabytes = self.settings.max_bytes / (1024 * 1024)
        return CaptureFailed(f"The page is larger than {megabytes:g} MB, so it was not captured")

    def _read(self, response, sock) -> bytes:
        length = response.getheader("Content-Length")
        if length and length.strip().isdigit() and self.used + int(length) > self.settings.max_bytes:
            raise self._too_large()
        parts = []
        while True:
            sock.settimeout(self.remaining())
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            self.used += len(chunk)
            if self.used > self.settings.max_bytes:
                raise self._too_large()
            parts.append(chunk)
            self.remaining()
        return b"".join(parts)

    def get_following(self, url: str, headers: dict | None = None) -> Exchange:
        """A GET that follows redirects, refusing loops and more than `max_redirects` of them."""
        seen = {urldefrag(url)[0]}
        exchange = self.get(url, headers)
        hops = 0
        while exchange.status in REDIRECTS:
            location = dict((name.lower(), value) for name, value in exchange.headers).get("location")
            if not location:
                break
            hops += 1
            next_url = urldefrag(urljoin(exchange.url, location.strip()))[0]
            if next_url in seen:
                raise CaptureFailed("The page redirects in a loop, so there is no page to capture")
            if hops > self.settings.max_redirects:
                raise CaptureFailed(
                    f"The page redirected more than {self.settings.max_redirects} times, so it was not captured"
                )
            seen.add(next_url)
            exchange = self.get(next_url, headers)
        return exchange


def _status_problem(exchange: Exchange) -> str | None:
    if exchange.status in (404, 410):
        return f"The page is not there: the site answered HTTP {exchange.status} {exchange.reason}".rstrip()
    if exchange.status >= 400:
        return f"The site refused the page: it answered HTTP {exchange.status} {exchange.reason}".rstrip()
    if exchange.status in REDIRECTS:
        return "The page redirects without saying where to, so there is no page to capture"
    return None


def _browser_headers(exchange: Exchange) -> dict:
    return {name: value for name, value in exchange.headers if name.lower() not in HOP_BY_HOP}


def warc_file(exchanges: list[Exchange], final_url: str) -> bytes:
    """A gzipped WARC 1.1 file: a warcinfo record, then a request and a response record for each exchange."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
    writer.write_record(
        writer.create_warcinfo_record(
            "capture.warc.gz",
            {"software": "Casework", "format": "WARC File Format 1.1", "description": f"Capture of {final_url}"},
        )
    )
    for exchange in exchanges:
        date = exchange.at.strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = urlsplit(exchange.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request = writer.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(b""),
            http_headers=StatusAndHeaders(
                f"GET {target} HTTP/1.1", exchange.request_headers, protocol="HTTP/1.1", is_http_request=True
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        headers = [(name, value) for name, value in exchange.headers if name.lower() != "transfer-encoding"]
        headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
        headers.append(("Content-Length", str(len(exchange.body))))
        response = writer.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=StatusAndHeaders(f"{exchange.status} {exchange.reason}", headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": date, "WARC-IP-Address": exchange.ip},
        )
        writer.write_request_response_pair(request, response)
    return buffer.getvalue()


def capture(url: str, settings: CaptureSettings, progress: Callable[[str], None] = lambda step: None) -> CaptureResult:
    """Capture `url`, or raise CaptureFailed with the reason. Nothing is kept on failure."""
    started_at = datetime.now(UTC)
    problem = url_problem(url, settings.allowed_networks)
    if problem:
        raise CaptureFailed(problem)
    deadline = time.monotonic() + settings.timeout_seconds
    fetcher = Fetcher(settings, deadline)
    progress("Fetching the page")
    main = fetcher.get_following(url, {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"})
    problem = _status_problem(main)
    if problem:
        raise CaptureFailed(problem)
    final_url = main.url
    progress("Loading the page in the browser")
    # Playwright's sync API runs its own event loop: in a thread of its own it never meets another one
    # (a worker's, or a browser already driven by the same thread). Its steps are reported from this thread.
    steps: queue.SimpleQueue = queue.SimpleQueue()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="casework-capture") as pool:
        rendering = pool.submit(_render, main, fetcher, settings, steps.put)
        while True:
            try:
                screenshot, pdf, html = rendering.result(timeout=0.25)
                break
            except FuturesTimeout:
                pass
            finally:
                while not steps.empty():
                    progress(steps.get())
    progress("Writing the web archive (WARC)")
    warc = warc_file(fetcher.exchanges, final_url)
    return CaptureResult(
        url=url,
        final_url=final_url,
        http_status=main.status,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        screenshot=screenshot,
        pdf=pdf,
        html=html,
        warc=warc,
        exchanges=list(fetcher.exchanges),
    )


def _render(main: Exchange, fetcher: Fetcher, settings: CaptureSettings, progress) -> tuple[bytes, bytes, bytes]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    served = {"main": False}
    failures: list[CaptureFailed] = []

    def handle(route):
        request = route.request
        try:
            if not served["main"] and request.is_navigation_request() and request.url == main.url:
                served["main"] = True
                route.fulfill(status=main.status, headers=_browser_headers(main), body=main.body)
                return
            if request.method != "GET" or request.is_navigation_request():
                route.abort("blockedbyclient")  # the page is kept as it loaded: no forms sent, no navigation away
                return
            exchange = fetcher.get_following(
                request.url, {"accept": request.headers.get("accept", "*/*"), "referer": main.url}
            )
            route.fulfill(status=exchange.status, headers=_browser_headers(exchange), body=exchange.body)
        except CaptureFailed as failure:
            if "larger than" in failure.reason or "did not finish loading" in failure.reason:
                failures.append(failure)
            route.abort("blockedbyclient")

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=settings.chromium_path,
                args=[*settings.chromium_args, *DEAD_PROXY_ARGS],
                headless=True,
            )
            try:
                context = browser.new_context(
                    viewport={"width": settings.viewport[0], "height": settings.viewport[1]},
                    user_agent=settings.user_agent,
                    service_workers="block",
                    accept_downloads=False,
                )
                context.route("**/*", handle)
                page = context.new_page()
                page.goto(main.url, wait_until="load", timeout=fetcher.remaining() * 1000)
                if failures:
                    raise failures[0]
                progress("Taking the screenshot and the PDF")
                html = page.content().encode("utf-8")
                screenshot = page.screenshot(full_page=True, type="png", timeout=fetcher.remaining() * 1000)
                page.emulate_media(media="screen")
                pdf = page.pdf(print_background=True, format="A4")
                if failures:
                    raise failures[0]
                fetcher.remaining()
                return screenshot, pdf, html
            finally:
                browser.close()
    except CaptureFailed:
        raise
    except PlaywrightTimeout:
        if failures:
            raise failures[0] from None
        raise CaptureFailed(
            f"The page did not finish loading within {settings.timeout_seconds:g} seconds, so it was not captured"
        ) from None
    except PlaywrightError as error:
        if failures:
            raise failures[0] from None
        message = str(error).splitlines()[0][:200]
        raise CaptureFailed(f"The browser could not show the page ({message})") from None
