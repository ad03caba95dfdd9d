"""Real servers on 127.0.0.1 for the capture tests: a page server, a raw-socket server that
misbehaves on purpose, a counting forwarding proxy and a TLS server with a self-signed cert.

Everything served is generated here, so each test knows the exact bytes it should get back.
"""

from __future__ import annotations

import gzip
import http.client
import random
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

PAGE_HTML = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Il-62M RA-86496 flew Moscow to Pyongyang | Example Aviation News</title>
<meta name="author" content="Jane Analyst">
<meta property="og:site_name" content="Example Aviation News">
<meta property="article:published_time" content="2023-09-14T10:30:00+03:00">
</head><body>
<nav>Home | World | Aviation</nav>
<article><h1>Il-62M RA-86496 flew Moscow to Pyongyang</h1>
<p>The Russian government Ilyushin Il-62M registered RA-86496 left Moscow Vnukovo (VKO)
on 12 September 2023 and landed at Pyongyang Sunan (FNJ) the same evening.</p>
<p>Flight trackers showed the aircraft with Mode-S hex 155ABC under callsign RSD062.
The route UUWW-ZKPY is rarely flown by Rossiya Special Flight Detachment jets.</p>
<p>Published reports from 2023-09-10 mention preparations at the airport.</p>
</article><footer>Copyright Example</footer></body></html>
"""
PAGE_NO_DATE_HTML = b"<html><head><title>Plain</title></head><body><p>No dates here.</p></body></html>"
GZIP_HTML = PAGE_HTML.replace(b"Example Aviation News", b"Gzip Aviation News")
GZIP_BODY = gzip.compress(GZIP_HTML, mtime=0)
BINARY_BODY = random.Random(4).randbytes(300_000)
CHUNKED_HTML = b"<html><head><title>Chunked</title></head><body><p>" + b"chunk " * 5000 + b"</p></body></html>"
LATIN1_HEADER_VALUE = "caf\xe9 cr\xe8me"
BIG_SIZE_BYTES = 3 * 1024 * 1024


class PageHandler(BaseHTTPRequestHandler):
    """The page server. Each path is one situation a capture must handle."""

    protocol_version = "HTTP/1.1"
    server_version = "TestServer/1.0"
    sys_version = ""

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: C901 - a routing table
        self.server.requests_seen.append((self.path, dict(self.headers.items())))
        path = self.path
        if path == "/page.html":
            self._send(200, PAGE_HTML, "text/html; charset=utf-8")
        elif path == "/nodate.html":
            self._send(200, PAGE_NO_DATE_HTML, "text/html")
        elif path.startswith("/redirect/"):
            self._redirect_chain(int(path.rsplit("/", 1)[1]))
        elif path == "/loop":
            self._send(302, b"", "text/plain", [("Location", "/loop")])
        elif path == "/to-ftp":
            self._send(302, b"", "text/plain", [("Location", "ftp://127.0.0.1/file")])
        elif path == "/gzip":
            self._send(200, GZIP_BODY, "text/html; charset=utf-8", [("Content-Encoding", "gzip")])
        elif path == "/gzip-bomb":
            self._send(200, gzip.compress(b"\0" * (4 * 1024 * 1024), mtime=0), "text/html",
                       [("Content-Encoding", "gzip")])
        elif path == "/gzip-corrupt":
            self._send(200, GZIP_BODY[:40], "text/html", [("Content-Encoding", "gzip")])
        elif path == "/brotli":
            self._send(200, b"\x0b\x02\x80hello\x03", "text/html", [("Content-Encoding", "br")])
        elif path == "/big":
            self._send(200, b"x" * BIG_SIZE_BYTES, "application/octet-stream")
        elif path == "/big-unannounced":
            self._chunked([b"y" * 65536] * 64, "application/octet-stream")
        elif path == "/chunked":
            self._chunked([CHUNKED_HTML[i:i + 1000] for i in range(0, len(CHUNKED_HTML), 1000)], "text/html")
        elif path == "/binary":
            self._send(200, BINARY_BODY, "application/octet-stream")
        elif path == "/slow":
            self._slow_body()
        elif path == "/trickle":
            self._trickle()
        elif path == "/latin1-header":
            self._send(200, b"ok", "text/plain", [("X-Note", LATIN1_HEADER_VALUE), ("Set-Cookie", "a=1"),
                                                  ("Set-Cookie", "b=2")])
        elif path == "/close.html":  # answers, then hangs up (as HTTP/1.0 servers do)
            self._send(200, PAGE_HTML, "text/html; charset=utf-8", [("Connection", "close")])
            self.close_connection = True
        elif path == "/404":
            self._send(404, b"<html><title>Not here</title></html>", "text/html")
        else:
            self._send(404, b"no such test page", "text/plain")

    def _send(self, status, body, content_type, extra_headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect_chain(self, remaining):
        port = self.server.server_address[1]
        kinds = {3: (301, f"http://127.0.0.1:{port}/redirect/2"),  # absolute
                 2: (302, "/redirect/1"),                          # relative to the root
                 1: (307, "0"),                                    # relative to the folder
                 0: (308, "/page.html")}
        status, location = kinds[remaining]
        self._send(status, f"moved to {location}".encode(), "text/plain", [("Location", location)])

    def _chunked(self, pieces, content_type):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for piece in pieces:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def _slow_body(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.write(b"first bytes ")
        self.wfile.flush()
        time.sleep(self.server.slow_delay_s)
        try:
            self.wfile.write(b"z" * 88)
        except OSError:
            pass

    def _trickle(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for _ in range(200):
                self.wfile.write(b"1\r\n.\r\n")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass


class QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (limits, timeouts, cancels) are expected: no tracebacks."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


class PageServer(QuietServer):

    def __init__(self, handler=PageHandler):
        super().__init__(("127.0.0.1", 0), handler)
        self.requests_seen: list[tuple[str, dict]] = []
        self.slow_delay_s = 2.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def start(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return server


def stop(server):
    server.shutdown()
    server.server_close()


# ----------------------------------------------------------------------------- misbehaving server


class RawServer:
    """A socket server that answers each connection with a chosen kind of broken response."""

    MODES = ("garbage", "reset", "close", "short", "headers-flood")

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def url(self, mode: str) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/{mode}"

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        with conn:
            request = b""
            conn.settimeout(2)
            try:
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
            except OSError:
                return
            mode = request.split(b" ", 2)[1].decode().strip("/")
            try:
                self._misbehave(conn, mode)
            except OSError:
                pass

    @staticmethod
    def _misbehave(conn, mode):
        if mode == "garbage":
            conn.sendall(b"HELLO THIS IS NOT HTTP\r\n\r\n")
        elif mode == "reset":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n" + b"a" * 100)
            time.sleep(0.1)
            # SO_LINGER with a zero timeout makes close() send a TCP RST.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "close":
            pass  # close without a word
        elif mode == "short":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n" + b"a" * 100)
            conn.shutdown(socket.SHUT_WR)
        elif mode == "headers-flood":
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for i in range(500):
                conn.sendall(b"X-Flood-%d: yes\r\n" % i)
            conn.sendall(b"\r\n")

    def close(self):
        self.running = False
        self.sock.close()


# ----------------------------------------------------------------------------- forwarding proxy


class CountingProxyHandler(BaseHTTPRequestHandler):
    """A minimal forward proxy for plain-http URLs: it records and relays each request."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._relay("GET")

    def do_POST(self):  # a timestamp request goes through the proxy too
        self._relay("POST", self.rfile.read(int(self.headers.get("Content-Length", 0))))

    def _relay(self, method: str, body: bytes | None = None):
        self.server.seen.append(self.path)
        target = urlsplit(self.path)
        if not target.scheme:
            self.send_error(400, "a proxy expects an absolute URL")
            return
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=10)
        path = target.path + (f"?{target.query}" if target.query else "")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        upstream.request(method, path, body=body, headers=headers)
        response = upstream.getresponse()
        body = response.read()
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Via", "1.1 test-proxy")
        self.end_headers()
        self.wfile.write(body)
        upstream.close()


class CountingProxy(QuietServer):

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CountingProxyHandler)
        self.seen: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


# ----------------------------------------------------------------------------- SOCKS5 proxy


class Socks5Proxy:
    """A tiny SOCKS5 proxy (no authentication, CONNECT only) that records what it was asked.

    ``seen`` holds (address type, host, port): "domain" proves the client let the proxy
    resolve the name, as socks5h must.
    """

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.seen: list[tuple[str, str, int]] = []
        self.running = True
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"socks5h://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while self.running:
            try:
                client, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client):
        with client:
            try:
                client.settimeout(5)
                _, n_methods = _recv_exact(client, 2)
                _recv_exact(client, n_methods)
                client.sendall(b"\x05\x00")
                _, command, _, address_type = _recv_exact(client, 4)
                if address_type == 3:
                    host = _recv_exact(client, _recv_exact(client, 1)[0]).decode()
                    kind, connect_host = "domain", "127.0.0.1" if host == "localhost" else host
                else:
                    host = socket.inet_ntoa(_recv_exact(client, 4))
                    kind, connect_host = "ipv4", host
                port = int.from_bytes(_recv_exact(client, 2), "big")
                self.seen.append((kind, host, port))
                upstream = socket.create_connection((connect_host, port), timeout=5)
            except (OSError, ValueError):
                return
            with upstream:
                client.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + b"\x00\x00")
                _pipe(client, upstream)

    def close(self):
        self.running = False
        self.sock.close()


def _recv_exact(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


def _pipe(a, b):
    def forward(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    other = threading.Thread(target=forward, args=(b, a), daemon=True)
    other.start()
    forward(a, b)
    other.join(5)
