#!/usr/bin/env python3
"""resp_framing.py: response fields the app must not set reach no client.

Used by resp_framing.sh; arguments:  resp_framing.py HOST:PORT LOG
The app at HOST:PORT answers "abc" with the field named by ?h= set to ?v=.
For each field the server owns, one keep-alive connection carries two
requests, one after the other: the first sets the field, the second sets
nothing.  Both answers must be framed by the server alone (read strictly by
http_wire.py: one Content-Length of 3, no Transfer-Encoding, the body
"abc"), carry none of the app's value, and the log must have the warning
naming the field with the request's id.  Prints one "ok:" line per field;
exits 1 at the first failure.
"""
import os
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from http_wire import Connection, Malformed  # noqa: E402

HOST, PORT = sys.argv[1].rsplit(":", 1)
LOG = sys.argv[2]

# (field as the app spells it, value): every one the server owns.
CASES = [("Content-Length", "0"), ("Content-Length", "100"), ("content-length", "3"),
         ("Transfer-Encoding", "chunked"), ("Connection", "close"), ("Connection", "Upgrade"),
         ("Keep-Alive", "timeout=1"), ("Upgrade", "websocket"), ("Proxy-Connection", "close"),
         ("TE", "trailers"), ("Status", "404"), ("X-Request-Id", "evil")]


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(what, r, name, value):
    if r.status != 200 or r.body != b"abc":
        fail("%s: expected 200 'abc', got %d %r" % (what, r.status, r.body))
    if r.values("content-length") != ["3"]:
        fail("%s: Content-Length %s" % (what, r.values("content-length")))
    ids = r.values("x-request-id")
    if len(ids) != 1 or ids[0] == "evil":
        fail("%s: X-Request-Id %s (the server's one, once, expected)" % (what, ids))
    if name and name.lower() not in ("content-length", "x-request-id") and r.values(name):
        fail("%s: the app's %s reached the client: %s" % (what, name, r.values(name)))
    return ids[0]


def wait_log(text, limit_s=5.0):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        with open(LOG, encoding="utf-8", errors="replace") as f:
            if text in f.read():
                return
        time.sleep(0.05)
    fail("no log line containing %r" % text)


for name, value in CASES:
    what = "%s: %s" % (name, value)
    c = Connection(HOST, int(PORT), timeout_s=5.0)
    try:
        q = urllib.parse.urlencode({"h": name, "v": value})
        c.send(b"GET /?%s HTTP/1.1\r\nHost: x\r\n\r\n" % q.encode())
        rid = check(what, c.response(), name, value)
        c.send(b"GET /?second=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        check(what + " (the next request on the connection)", c.response(), None, None)
    except (Malformed, TimeoutError, OSError) as e:
        fail("%s: %s" % (what, e))
    finally:
        c.close()
    wait_log("[%s] response header %s dropped" % (rid, name))
    print("   ok: %s: dropped (logged with request id %s); both answers framed right" % (what, rid),
          flush=True)
