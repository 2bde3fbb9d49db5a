#!/usr/bin/python3
"""A fake FXO/FXS gateway web server for dahdi-doctor's HTTP client and status reader tests.

It serves the fixture pages of one vendor profile (Tests/DoctorCoreTests/Fixtures/gateways/<profile>/) the way
gateways.md says the real firmware does: Grandstream form logins with cookie sessions (login failures and expired
sessions as HTTP 200 pages), the HT802V2 JSON API with a session token, Cisco SPA112 credentials in the path, and
Sipura pages behind HTTP Basic or Digest. A --behaviour bends the status answer (slow, chunked, huge, truncated,
not HTTP, redirects...). It listens on 127.0.0.1 on an ephemeral port and prints `PORT <n>` once ready.
Standard library only (Debian's python3).
"""
import argparse
import base64
import hashlib
import json
import os
import secrets
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIGEST_REALM = "Sipura fixture"


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", required=True,
                        choices=["grandstream-gxw410x", "grandstream-ht8xx", "grandstream-ht8xx-api", "cisco-spa112",
                                 "sipura"])
    parser.add_argument("--fixtures", required=True, help="the profile's fixture directory")
    parser.add_argument("--status", required=True,
                        help="the status page file, relative to --fixtures (or an absolute path: a capture's page)")
    parser.add_argument("--voice", help="sipura: the /voice/ page (then --status is served at /)")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", required=True)
    parser.add_argument("--auth", choices=["none", "basic", "digest"], default="none", help="sipura only")
    parser.add_argument("--behaviour", default="normal",
                        choices=["normal", "slow", "expire", "redirect-login", "chunked", "http10", "huge",
                                 "close-early", "not-http", "redirect-https", "redirect-loop", "not-found",
                                 "silent-close", "locked"])
    parser.add_argument("--locked-page", default=None,
                        help="locked: the lock-out answer to every login (default loginlocked.htm / login/locked.json)")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="the certificate's key (PEM)")
    parser.add_argument("--delay", type=float, default=3.0, help="seconds the slow behaviour waits")
    parser.add_argument("--lifetime", type=float, default=120, help="exit after this many seconds whatever happens")
    parser.add_argument("--log", help="append one JSON line per request (method, path, cookie, auth scheme)")
    return parser.parse_args()


class Gateway:
    """Session state shared by the handler threads."""

    def __init__(self, options):
        self.options = options
        self.sessions = set()
        self.token = None

    def page(self, name):
        with open(os.path.join(self.options.fixtures, name), "rb") as handle:
            return handle.read()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeGateway/1.0"

    def log_message(self, *arguments):
        pass  # quiet: the Swift tests read stdout for the port only

    # -- plumbing ---------------------------------------------------------------------------------------------
    @property
    def gateway(self):
        return self.server.gateway

    def record(self):
        log = self.gateway.options.log
        if not log:
            return
        authorization = self.headers.get("Authorization", "")
        entry = {"method": self.command, "path": self.path, "cookie": self.headers.get("Cookie", ""),
                 "auth": authorization.split(" ")[0], "nc": self.digest_fields().get("nc", "")}
        with open(log, "a") as handle:
            handle.write(json.dumps(entry) + "\n")

    def form(self):
        length = int(self.headers.get("Content-Length", "0") or "0")
        body = self.rfile.read(length).decode("utf-8", "replace")
        return {key: values[0] for key, values in urllib.parse.parse_qs(body, keep_blank_values=True).items()}

    def cookies(self):
        jar = {}
        for part in self.headers.get("Cookie", "").split(";"):
            if "=" in part:
                name, value = part.strip().split("=", 1)
                jar[name] = value
        return jar

    def send(self, status, body, content_type="text/html", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def redirect(self, location):
        self.send(302, b"", headers=[("Location", location)])

    def new_session(self):
        session = secrets.token_hex(6)
        self.gateway.sessions.add(session)
        return session

    # -- the status answer, bent by --behaviour ----------------------------------------------------------------
    def send_status(self, body, content_type="text/html"):
        behaviour = self.gateway.options.behaviour
        if behaviour == "slow":
            time.sleep(self.gateway.options.delay)
            self.send(200, body, content_type)
        elif behaviour == "chunked":
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for start in range(0, len(body), 700):
                piece = body[start:start + 700]
                self.wfile.write(b"%x;ext=1\r\n" % len(piece) + piece + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")
            self.close_connection = True
        elif behaviour == "http10":
            # An HTTP/1.0 CGI answer: no Content-Length, the body ends when the connection closes.
            self.wfile.write(b"HTTP/1.0 200 OK\nContent-Type: " + content_type.encode() + b"\n\n" + body)
            self.close_connection = True
        elif behaviour == "huge":
            self.send(200, body + b"<!-- padding -->" * (3 * 1024 * 1024 // 16), content_type)
        elif behaviour == "close-early":
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body) + 10000))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
        elif behaviour == "not-http":
            self.wfile.write(b"\x00\x01GARBAGE FROM A CONFUSED DEVICE\r\n\r\n\xff\xfe")
            self.close_connection = True
        elif behaviour == "silent-close":
            self.close_connection = True
        elif behaviour == "redirect-https":
            self.send(301, b"", headers=[("Location", "https://127.0.0.1" + self.path)])
        elif behaviour == "redirect-loop":
            self.redirect(self.path)
        elif behaviour == "not-found":
            self.send(404, b"<html><body>Not Found</body></html>")
        else:
            self.send(200, body, content_type)

    # -- HTTP methods ------------------------------------------------------------------------------------------
    def do_GET(self):
        self.record()
        getattr(self, "get_" + self.gateway.options.profile.replace("-", "_"))()

    def do_POST(self):
        self.record()
        handler = getattr(self, "post_" + self.gateway.options.profile.replace("-", "_"), None)
        if handler is None:
            self.send(405, b"")
        else:
            handler()

    # -- Grandstream GXW410x legacy: /dologin.htm, cookie, /index_net.htm -------------------------------------------
    def post_grandstream_gxw410x(self):
        if self.path != "/dologin.htm":
            return self.send(404, b"")
        form = self.form()
        options = self.gateway.options
        if form.get("P2") == options.password and form.get("gnkey") == "0b82" and form.get("Login") == "Login":
            session = self.new_session()
            self.send(200, self.gateway.page("logged-in.htm"), headers=[("Set-Cookie", "SESSIONID=%s; path=/" % session)])
        else:
            self.send(200, self.gateway.page("login-page.htm"))   # refused: the login form again, HTTP 200

    def get_grandstream_gxw410x(self):
        options = self.gateway.options
        if self.path == "/login.htm":
            return self.send(200, self.gateway.page("login-page.htm"))
        if self.path != "/index_net.htm":
            return self.send(404, b"")
        if options.behaviour == "redirect-login":
            return self.redirect("/login.htm")
        if self.cookies().get("SESSIONID") not in self.gateway.sessions or options.behaviour == "expire":
            return self.send(200, self.gateway.page("login-page.htm"))
        self.send_status(self.gateway.page(options.status))

    # -- Grandstream HT80x classic: /cgi-bin/login token, /cgi-bin/dologin, cookie session_id, /cgi-bin/index -----
    def get_grandstream_ht8xx(self):
        options = self.gateway.options
        if self.path == "/cgi-bin/login":
            return self.send(200, self.gateway.page("login.htm"))
        if self.path != "/cgi-bin/index":
            return self.send(404, b"")
        if options.behaviour == "redirect-login":
            return self.redirect("/cgi-bin/login")
        if options.behaviour == "expire":
            return self.send(200, self.gateway.page("loginout.htm"))
        if self.cookies().get("session_id") not in self.gateway.sessions:
            return self.send(200, self.gateway.page("login.htm"))
        self.send_status(self.gateway.page(options.status))

    def post_grandstream_ht8xx(self):
        if self.path != "/cgi-bin/dologin":
            return self.send(404, b"")
        form = self.form()
        options = self.gateway.options
        if options.behaviour == "locked":
            return self.send(200, self.gateway.page(options.locked_page or "loginlocked.htm"))
        if (form.get("session_token") == "3f2a9c1e7b" and form.get("username") == options.username
                and form.get("P2") == options.password and form.get("gnkey") == "0b82"):
            session = self.new_session()
            self.send(200, self.gateway.page(options.status), headers=[("Set-Cookie", "session_id=%s;" % session)])
        else:
            self.send(200, self.gateway.page("loginerr.htm"))

    # -- Grandstream HT802V2 JSON API -------------------------------------------------------------------------
    def get_grandstream_ht8xx_api(self):
        self.send(404, b"")

    def post_grandstream_ht8xx_api(self):
        form = self.form()
        options = self.gateway.options
        if self.path == "/cgi-bin/dologin" and options.behaviour == "locked":
            return self.send(200, self.gateway.page(options.locked_page or "login/locked.json"), "application/json")
        if self.path == "/cgi-bin/dologin":
            password = base64.b64decode(form.get("P2", "")).decode("utf-8", "replace")
            if form.get("username") == options.username and password == options.password:
                session = self.new_session()
                answer = self.gateway.page("login/success.json")
                self.gateway.token = json.loads(answer)["body"]["session_token"]
                return self.send(200, answer, "application/json", [("Set-Cookie", "session_id=%s;" % session)])
            return self.send(200, self.gateway.page("login/wrong-password.json"), "application/json")
        if self.path == "/cgi-bin/api.values.get":
            valid = (self.cookies().get("session_id") in self.gateway.sessions
                     and form.get("session_token") == self.gateway.token and options.behaviour != "expire")
            if not valid:
                return self.send(200, self.gateway.page("session-invalid.json"), "application/json")
            return self.send_status(self.gateway.page(options.status), "application/json")
        self.send(404, b"")

    # -- Cisco SPA112: /admin/status.xml&xuser=...&xpassword=... -------------------------------------------------
    def get_cisco_spa112(self):
        options = self.gateway.options
        path, _, query = self.path.partition("&")
        if path != "/admin/status.xml":
            return self.send(404, b"")
        given = {key: values[0] for key, values in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        if given.get("xuser") != options.username or given.get("xpassword") != options.password:
            return self.send(401, b"<html><body><h1>Unauthorized</h1></body></html>")
        self.send_status(self.gateway.page(options.status), "text/xml")

    # -- Sipura lineage: / and /voice/ behind nothing, Basic or Digest --------------------------------------------
    def digest_fields(self):
        header = self.headers.get("Authorization", "")
        if not header.startswith("Digest "):
            return {}
        fields = {}
        for part in _split_params(header[len("Digest "):]):
            name, _, value = part.partition("=")
            fields[name.strip()] = value.strip().strip('"')
        return fields

    def authorised(self):
        options = self.gateway.options
        header = self.headers.get("Authorization", "")
        if options.auth == "none":
            return True
        if options.auth == "basic":
            expected = base64.b64encode(("%s:%s" % (options.username, options.password)).encode()).decode()
            return header == "Basic " + expected
        fields = self.digest_fields()
        if not fields or fields.get("uri") != self.path or fields.get("qop") != "auth":
            return False
        md5 = lambda text: hashlib.md5(text.encode()).hexdigest()
        ha1 = md5("%s:%s:%s" % (options.username, DIGEST_REALM, options.password))
        ha2 = md5("%s:%s" % (self.command, fields["uri"]))
        expected = md5(":".join([ha1, fields.get("nonce", ""), fields.get("nc", ""), fields.get("cnonce", ""), "auth", ha2]))
        return fields.get("username") == options.username and fields.get("response") == expected \
            and fields.get("opaque") == "0paque"

    def challenge(self):
        if self.gateway.options.auth == "basic":
            value = 'Basic realm="Sipura fixture"'
        else:
            value = 'Digest realm="%s", qop="auth", algorithm=MD5, nonce="%s", opaque="0paque"' % (
                DIGEST_REALM, secrets.token_hex(8))
        self.send(401, b"<html><body>401 Unauthorized</body></html>", headers=[("WWW-Authenticate", value)])

    def get_sipura(self):
        options = self.gateway.options
        if self.path not in ("/", "/voice/"):
            return self.send(404, b"")
        if not self.authorised():
            return self.challenge()
        if self.path == "/voice/":
            if not options.voice:
                return self.send(404, b"")
            return self.send_status(self.gateway.page(options.voice))
        if options.voice:
            return self.send(200, self.gateway.page(options.status))   # the router's own page, linking voice/
        self.send_status(self.gateway.page(options.status))


def _split_params(text):
    """Splits `a="x, y", b=z` on the commas outside quotes."""
    parts, current, quoted = [], "", False
    for character in text:
        if character == '"':
            quoted = not quoted
        if character == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += character
    if current.strip():
        parts.append(current)
    return parts


def exit_with_the_parent(lifetime):
    """The test process may start us with SIGTERM blocked (the mask is inherited), so terminate() alone is not
    enough: unblock it, and also exit when stdin closes (the test dropped its handle, or died) or after
    `lifetime` seconds, so no server outlives its test."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))

    def watch_stdin():
        while sys.stdin.buffer.read(1):
            pass
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    threading.Timer(lifetime, lambda: os._exit(0)).start()


def main():
    options = parse_arguments()
    exit_with_the_parent(options.lifetime)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.gateway = Gateway(options)
    if options.tls_cert:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.tls_cert, options.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
