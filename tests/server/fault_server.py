#!/usr/bin/env python3
"""fault_server.py - a local test server for the kiosk's uploader and content
sync (docs/PROTOCOL.md), with fault modes. Python standard library only.

    fault_server.py [--cert PEM --key PEM] [--token TOKEN] [--poison TEXT]

Listens on 127.0.0.1 only, on two ephemeral ports, and prints
"PORT <service> <control>" on stdout. The service port (https when --cert
is given) serves the protocol:

    POST /submit            a submission; Idempotency-Key must equal its "id"
    POST /submit/contact    a contact record; key "<id>:contact"
    GET  /content           the content document (ETag, If-None-Match)
    POST /heartbeat         a heartbeat
    ANY  /redirect?to=URL   307 to URL

It behaves as the protocol asks of a server: a repeated Idempotency-Key
with the same body is answered 200 and not accepted again; the same key
with a different body is a conflict (422). A body containing the poison
text is refused with 400.

The control port (plain http) drives and inspects it:

    GET  /state                       everything recorded, as JSON
    GET  /wait?cond=C&n=N&timeout=S   block until count C >= N (accepted,
                                      requests, inflight, stalls (hangs and
                                      trickles ever started), heartbeats,
                                      content_requests, content_full (200s with
                                      the document), contacts); JSON state
                                      with "ok"
    POST /faults {"mode": M, "count": N, "retry_after": "...", "path": P}
         modes for the next N submission/contact requests (N < 0: all;
         only those to path P when given):
         none, 500, 503, 429, hang, reset, reset_after, slow, 400
    POST /release                     let hanging requests go (no answer)
    POST /content {"mode": M, "body": "...", "etag": "...", "bare_304": B,
                   "ctype": "..."}
         modes: ok, truncated, huge (50 MB with a length), huge_stream
         (50 MB without one), invalid, hang; bare_304: answer 304
         without repeating the ETag (allowed by some servers and proxies);
         ctype: the Content-Type of a 200 (default application/json; null:
         none)
    POST /clear                       forget everything recorded

The server exits when its stdin closes (its parent died) or on SIGTERM.
"""
import argparse
import base64
import http.server
import json
import os
import select
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse

HUGE = 50 * 1024 * 1024


class State:
    def __init__(self):
        self.cv = threading.Condition()
        self.clear()
        self.faults = {"mode": "none", "count": 0, "retry_after": None, "path": None}
        self.content = {"mode": "ok", "body": "", "etag": "", "bare_304": False,
                        "ctype": "application/json"}
        self.release_gen = 0

    def clear(self):
        self.requests = 0          # submission + contact POSTs seen
        self.keys = {}             # key -> {"body": bytes, "accepts": 1, "repeats": n}
        self.accepted = {}         # submission id -> [keys]
        self.contacts = {}         # submission id -> contact record (dict)
        self.conflicts = 0
        self.bad_auth = 0
        self.bad_key = 0
        self.poison = 0
        self.inflight = 0
        self.stalls = 0            # hangs and trickles started, ever
        self.heartbeats = []
        self.content_requests = 0
        self.files = {}            # path -> {"body": bytes, "ctype": str} (pictures)
        self.file_requests = {}    # path -> GETs seen
        self.file_auth = {}        # path -> the last Authorization header ("" none)
        self.content_full = 0      # content answered 200 with the whole document
        self.headers_seen = []     # (path, Idempotency-Key, Content-Type) of each POST

    def counts(self):
        return {
            "accepted": len(self.accepted), "requests": self.requests,
            "inflight": self.inflight, "stalls": self.stalls,
            "heartbeats": len(self.heartbeats),
            "content_requests": self.content_requests, "contacts": len(self.contacts),
            "content_full": self.content_full,
        }

    def snapshot(self):
        return {
            "requests": self.requests,
            "accepted": self.accepted,
            "keys": {k: {"accepts": v["accepts"], "repeats": v["repeats"]}
                     for k, v in self.keys.items()},
            "contacts": self.contacts,
            "conflicts": self.conflicts, "bad_auth": self.bad_auth,
            "bad_key": self.bad_key, "poison": self.poison,
            "inflight": self.inflight, "stalls": self.stalls, "heartbeats": self.heartbeats,
            "content_requests": self.content_requests, "content_full": self.content_full,
            "file_requests": self.file_requests, "file_auth": self.file_auth,
            "headers": self.headers_seen[-50:],
            "faults": self.faults, "content_mode": self.content["mode"],
        }

    def take_fault(self, path):
        """The fault for this request, counting it down."""
        f = self.faults
        if f["mode"] == "none" or f["count"] == 0 or f["path"] not in (None, path):
            return None, None
        if f["count"] > 0:
            f["count"] -= 1
        return f["mode"], f["retry_after"]


S = State()
OPTS = None


def client_gone(sock):
    """Whether the peer closed the connection (readable with EOF or error)."""
    try:
        r, _, _ = select.select([sock], [], [], 0)
        if not r:
            return False
        if isinstance(sock, ssl.SSLSocket):
            return True   # anything arriving while we hang means it gave up
        return sock.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault-server/1"
    disable_nagle_algorithm = True   # headers and body go in two writes

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, body=b"", ctype="application/json", headers=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if code != 304:
            if ctype is not None:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if code != 304:
            self.wfile.write(body)

    def reset(self):
        """Close with a TCP RST."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    def hang(self):
        """Wait, answering nothing, until released, the client leaves, or 60 s."""
        with S.cv:
            S.inflight += 1
            S.stalls += 1
            gen = S.release_gen
            S.cv.notify_all()
        try:
            end = time.monotonic() + 60
            while time.monotonic() < end:
                with S.cv:
                    if S.release_gen != gen:
                        break
                    S.cv.wait(0.05)
                if client_gone(self.connection):
                    break
        finally:
            with S.cv:
                S.inflight -= 1
                S.cv.notify_all()
        self.close_connection = True

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    # -- the protocol --

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        data = self.body()
        if path.startswith("/redirect"):
            return self.redirect()
        if path == "/heartbeat":
            if not self.auth_ok():
                return self.reply(401, '{"error":"token"}')
            with S.cv:
                try:
                    S.heartbeats.append(json.loads(data))
                except ValueError:
                    S.heartbeats.append({"invalid": data.decode("utf-8", "replace")})
                S.cv.notify_all()
            return self.reply(204)
        if path not in ("/submit", "/submit/contact"):
            return self.reply(404, '{"error":"not found"}')
        contact = path == "/submit/contact"
        key = self.headers.get("Idempotency-Key") or ""
        with S.cv:
            S.requests += 1
            S.headers_seen.append([path, key, self.headers.get("Content-Type")])
            mode, retry_after = S.take_fault(path)
            S.cv.notify_all()
        if mode == "hang":
            return self.hang()
        if mode == "reset":
            return self.reset()
        if mode in ("500", "503", "429", "400"):
            hdr = {"Retry-After": retry_after} if retry_after else {}
            return self.reply(int(mode), '{"error":"fault"}', headers=hdr)
        code, answer = self.accept(contact, key, data)
        if mode == "reset_after":
            return self.reset()
        if mode == "slow":
            return self.slow(code, answer)
        return self.reply(code, answer)

    def auth_ok(self):
        if self.headers.get("Authorization") == "Bearer " + OPTS.token:
            return True
        with S.cv:
            S.bad_auth += 1
        return False

    def accept(self, contact, key, data):
        """Record a submission or contact as the protocol says; (code, body)."""
        if not self.auth_ok():
            return 401, '{"error":"token"}'
        if OPTS.poison and OPTS.poison.encode() in data:
            with S.cv:
                S.poison += 1
            return 400, '{"error":"refused"}'
        try:
            doc = json.loads(data)
            sid = doc["id"]
        except (ValueError, KeyError, TypeError):
            return 400, '{"error":"not a submission"}'
        want = sid + ":contact" if contact else sid
        if key != want:
            with S.cv:
                S.bad_key += 1
            return 400, '{"error":"Idempotency-Key does not match the id"}'
        with S.cv:
            seen = S.keys.get(key)
            if seen is not None:
                if seen["body"] != data:
                    S.conflicts += 1
                    return 422, '{"error":"key reused with another body"}'
                seen["repeats"] += 1
                return 200, json.dumps({"id": sid, "status": "duplicate"})
            S.keys[key] = {"body": data, "accepts": 1, "repeats": 0}
            if contact:
                S.contacts[sid] = doc
            else:
                S.accepted.setdefault(sid, []).append(key)
            S.cv.notify_all()
        return 201, json.dumps({"id": sid, "status": "accepted"})

    def slow(self, code, answer):
        """Answer one byte a second: the client's low-speed limit trips."""
        body = (answer + " " * 64).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with S.cv:
            S.inflight += 1
            S.stalls += 1
            S.cv.notify_all()
        try:
            for b in body:
                if client_gone(self.connection):
                    break
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass
        finally:
            with S.cv:
                S.inflight -= 1
                S.cv.notify_all()
        self.close_connection = True

    def redirect(self):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        self.reply(307, "", headers={"Location": q.get("to", ["/"])[0]})

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/redirect"):
            return self.redirect()
        if path in S.files:
            with S.cv:
                S.file_requests[path] = S.file_requests.get(path, 0) + 1
                S.file_auth[path] = self.headers.get("Authorization") or ""
                f = S.files[path]
                S.cv.notify_all()
            return self.reply(200, f["body"], ctype=f["ctype"])
        if path != "/content":
            return self.reply(404, '{"error":"not found"}')
        with S.cv:
            S.content_requests += 1
            c = dict(S.content)
            S.cv.notify_all()
        if not self.auth_ok():
            return self.reply(401, '{"error":"token"}')
        mode, body = c["mode"], c["body"].encode()
        if mode == "hang":
            return self.hang()
        if mode == "invalid":
            return self.reply(200, "{this is not json", headers={"ETag": '"bad"'})
        if mode == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            return self.reset()
        if mode in ("huge", "huge_stream"):
            return self.huge(mode == "huge")
        etag = c["etag"]
        if etag and self.headers.get("If-None-Match") == etag:
            return self.reply(304, headers={} if c["bare_304"] else {"ETag": etag})
        with S.cv:
            S.content_full += 1
            S.cv.notify_all()
        return self.reply(200, body, ctype=c["ctype"], headers={"ETag": etag} if etag else None)

    def huge(self, with_length):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if with_length:
            self.send_header("Content-Length", str(HUGE))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"[" + b" " * 65535
        try:
            sent = 0
            while sent < HUGE:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        self.close_connection = True


class Control(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def reply(self, obj, code=200):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        if u.path == "/state":
            with S.cv:
                return self.reply(S.snapshot())
        if u.path == "/wait":
            cond = q.get("cond", ["accepted"])[0]
            n = int(q.get("n", ["1"])[0])
            end = time.monotonic() + float(q.get("timeout", ["10"])[0])
            with S.cv:
                while S.counts().get(cond, 0) < n and time.monotonic() < end:
                    S.cv.wait(max(0.0, min(0.5, end - time.monotonic())))
                snap = S.snapshot()
                snap["ok"] = S.counts().get(cond, 0) >= n
            return self.reply(snap)
        self.reply({"error": "not found"}, 404)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        try:
            doc = json.loads(self.rfile.read(n) or b"{}")
        except ValueError:
            return self.reply({"error": "bad json"}, 400)
        with S.cv:
            if self.path == "/faults":
                S.faults = {"mode": doc.get("mode", "none"), "count": int(doc.get("count", -1)),
                            "retry_after": doc.get("retry_after"), "path": doc.get("path")}
                S.release_gen += 1
            elif self.path == "/release":
                S.release_gen += 1
            elif self.path == "/content":
                S.content = {"mode": doc.get("mode", "ok"), "body": doc.get("body", ""),
                             "etag": doc.get("etag", ""),
                             "bare_304": bool(doc.get("bare_304", False)),
                             "ctype": doc.get("ctype", "application/json")}
            elif self.path == "/file":
                # a picture to serve: {"path": "/img/a.png", "b64": "...", "ctype": "image/png"}
                S.files[doc["path"]] = {"body": base64.b64decode(doc.get("b64", "")),
                                        "ctype": doc.get("ctype", "image/png")}
            elif self.path == "/clear":
                S.clear()
            else:
                return self.reply({"error": "not found"}, 404)
            S.cv.notify_all()
        self.reply({"ok": True})


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, tls=None):
        super().__init__(addr, handler)
        self.tls = tls

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls:
            # The handshake runs in the handler's thread, at its first read.
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        pass   # refused handshakes and dropped clients are the point of the tests


def main():
    global OPTS
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--token", default="test-token")
    ap.add_argument("--poison", default="")
    OPTS = ap.parse_args()
    tls = None
    if OPTS.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(OPTS.cert, OPTS.key)
    svc = Server(("127.0.0.1", 0), Handler, tls)
    ctl = Server(("127.0.0.1", 0), Control)
    for s in (svc, ctl):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print("PORT %d %d" % (svc.server_address[1], ctl.server_address[1]), flush=True)
    # Exit when the parent goes away (it holds our stdin open).
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
