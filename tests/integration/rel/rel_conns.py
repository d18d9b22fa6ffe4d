#!/usr/bin/env python3
"""rel_conns.py: connection-level clients for the issue 12 tests.

    rel_conns.py hold FCGI_SOCK HTTP_ADDR N_FCGI N_HTTP SECONDS READY_FILE
        Opens N_FCGI FastCGI and N_HTTP HTTP connections that send nothing
        (the ones the server cannot take yet wait in its listen queue),
        creates READY_FILE once every connect was issued, holds them for
        SECONDS, closes them all and exits.

    rel_conns.py served_again FCGI_SOCK HTTP_ADDR LIMIT_S
        Right after connections closed: sends a normal FastCGI and a normal
        HTTP request, each repeated on a fresh connection until it is
        answered 200, and fails if that takes longer than LIMIT_S.  Prints
        how long each door took.

    rel_conns.py neighbour FCGI_SOCK STATUS_JSON_URL SLOW_URI FAST_URI N_CONNS
        Opens N_CONNS kept-alive FastCGI connections and learns, from the
        X-Request-Id prefix (random per worker process), which worker holds
        each.  Starts SLOW_URI on one connection of a worker that holds at
        least two, waits until the status page shows it running, then sends
        FAST_URI on another connection of the SAME worker and prints how
        long it took and which worker answered.  Once the slow request is
        answered, FAST_URI goes once more on that other connection, which
        must answer 200: it got exactly one reply to each request (never
        the slow request's).  Prints "RESULT took_ms=N same_worker=0|1
        slow_status=S".

    rel_conns.py http_neighbour FCGI_SOCK HTTP_ADDR STATUS_JSON_URL SLOW_URI FAST_URI N_CONNS
        Opens N_CONNS kept-alive FastCGI connections, starts SLOW_URI at the
        HTTP door, waits until the status page shows it running, then sends
        FAST_URI on each FastCGI connection in turn.  Prints "RESULT
        max_ms=N busy_held=K": the longest of those requests, and how many
        of the connections the worker running the slow request held.

    rel_conns.py post_load URL SECONDS CLIENTS OUT_FILE
        CLIENTS threads POST to URL over kept-alive HTTP/1.1 connections
        for SECONDS; writes one line per response ("STATUS" or "ERROR
        reason") to OUT_FILE and prints a summary.  Stops early once
        OUT_FILE.stop exists.
"""
import http.client
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import fcgi_client as fc  # noqa: E402


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- FastCGI

def fcgi_request_bytes(uri, method="GET", body=b""):
    """One keep-conn request as nginx sends it (request id 1)."""
    path, _, query = uri.partition("?")
    params = [("REQUEST_METHOD", method), ("REQUEST_URI", uri), ("DOCUMENT_URI", path),
              ("SCRIPT_NAME", path), ("QUERY_STRING", query), ("SERVER_PROTOCOL", "HTTP/1.1"),
              ("REMOTE_ADDR", "127.0.0.1"), ("SERVER_NAME", "localhost"),
              ("HTTP_HOST", "localhost"), ("CONTENT_LENGTH", str(len(body)) if body else "")]
    begin = fc.struct.pack(">HB5x", fc.FCGI_RESPONDER, fc.FCGI_KEEP_CONN)
    return (fc.record(fc.FCGI_BEGIN_REQUEST, 1, begin)
            + fc.stream(fc.FCGI_PARAMS, 1, fc.encode_pairs(params))
            + fc.stream(fc.FCGI_STDIN, 1, body))


class KeptConn:
    """A kept-alive FastCGI connection; request() returns (status line, headers, body)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.buf = b""

    def send(self, uri):
        self.sock.sendall(fcgi_request_bytes(uri))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("the server closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def response(self):
        out = b""
        while True:
            _, rtype, _, clen, plen = fc.struct.unpack(">BBHHBx", self._read(8))
            content = self._read(clen + plen)[:clen]
            if rtype == fc.FCGI_STDOUT:
                out += content
            elif rtype == fc.FCGI_END_REQUEST:
                break
        head, _, body = out.partition(b"\r\n\r\n")
        headers = {}
        for line in head.decode().split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return int(headers.get("status", "200").split()[0]), headers, body

    def request(self, uri):
        self.send(uri)
        return self.response()


def worker_of(headers):
    """The worker that answered: a request id is 8 hex digits random per
    worker process, then a counter (js_begin_request)."""
    return headers.get("x-request-id", "")[:8]


# ---------------------------------------------------------------- commands

def hold(sock_path, http_addr, n_fcgi, n_http, seconds, ready_file):
    host, port = http_addr.rsplit(":", 1)
    conns = []
    for i in range(n_fcgi + n_http):
        unix = i < n_fcgi
        s = socket.socket(socket.AF_UNIX if unix else socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(sock_path if unix else (host, int(port)))
        except (BlockingIOError, InterruptedError):
            pass  # in progress, or waiting in the listen queue
        except OSError as e:
            s.close()
            print("   connect %d: %s" % (i, e))
            continue
        conns.append(s)
    open(ready_file, "w").close()
    print("   holding %d connections for %d s" % (len(conns), seconds), flush=True)
    time.sleep(seconds)
    for s in conns:
        s.close()


def served_again(sock_path, http_addr, limit_s):
    t0 = time.monotonic()
    took = {}
    while "fcgi" not in took or "http" not in took:
        if time.monotonic() - t0 > limit_s:
            fail("not served again within %.1f s of the connections closing (done: %s)"
                 % (limit_s, sorted(took)))
        if "fcgi" not in took:
            try:
                c = KeptConn(sock_path)
                c.sock.settimeout(limit_s)
                if c.request("/")[0] == 200:
                    took["fcgi"] = time.monotonic() - t0
                c.sock.close()
            except (OSError, EOFError):
                pass
        if "http" not in took:
            host, port = http_addr.rsplit(":", 1)
            try:
                h = http.client.HTTPConnection(host, int(port), timeout=limit_s)
                h.request("GET", "/", headers={"Connection": "close"})
                if h.getresponse().status == 200:
                    took["http"] = time.monotonic() - t0
                h.close()
            except (OSError, http.client.HTTPException):
                pass
        time.sleep(0.01)
    print("   served again: FastCGI after %d ms, HTTP after %d ms"
          % (took["fcgi"] * 1000, took["http"] * 1000))


def neighbour(sock_path, status_url, slow_uri, fast_uri, n_conns):
    conns, owner = [], {}
    for _ in range(n_conns):
        c = KeptConn(sock_path)
        st, headers, _ = c.request("/warm")
        if st != 200:
            fail("warm-up request answered %d" % st)
        conns.append(c)
        owner[c] = worker_of(headers)
    by_worker = {}
    for c in conns:
        by_worker.setdefault(owner[c], []).append(c)
    print("   %d connections held by %d workers: %s" % (
        n_conns, len(by_worker), ", ".join("%s:%d" % (w, len(cs)) for w, cs in by_worker.items())))
    busy = next((w for w, cs in by_worker.items() if len(cs) >= 2), None)
    if busy is None:
        fail("no worker holds two connections")
    slow, fast = by_worker[busy][0], by_worker[busy][1]
    slow.sock.settimeout(30)
    slow.send(slow_uri)
    # The probe must find the slow request running, not race it.
    wait_busy(status_url)
    t0 = time.monotonic()
    fast.sock.settimeout(30)
    st, headers, _ = fast.request(fast_uri)
    took_ms = (time.monotonic() - t0) * 1000
    slow_st, _, _ = slow.response()
    print("   fast request on the busy worker's other connection: %d ms, status %d, "
          "answered by %s (the busy worker is %s); slow request status %d"
          % (took_ms, st, worker_of(headers), busy, slow_st))
    again, again_headers, _ = fast.request(fast_uri)
    if st != 200 or again != 200:
        fail("the fast connection answered %d, then %d" % (st, again))
    print("   the same connection once the slow request was answered: 200, by %s" % worker_of(again_headers))
    print("RESULT took_ms=%d same_worker=%d slow_status=%d" % (took_ms, worker_of(headers) == busy, slow_st))


def wait_busy(status_url):
    """Waits until the status page shows a request running."""
    deadline = time.monotonic() + 10
    while not any(w["state"] == "busy" for w in json.load(urllib.request.urlopen(status_url))["workers"]):
        if time.monotonic() > deadline:
            fail("the slow request never showed as running on the status page")
        time.sleep(0.01)


def http_neighbour(sock_path, http_addr, status_url, slow_uri, fast_uri, n_conns):
    conns, owner = [], {}
    for _ in range(n_conns):
        c = KeptConn(sock_path)
        c.sock.settimeout(30)
        st, headers, _ = c.request("/warm")
        if st != 200:
            fail("warm-up request answered %d" % st)
        conns.append(c)
        owner[c] = worker_of(headers)
    host, port = http_addr.rsplit(":", 1)
    slow = {}

    def run_slow():
        h = http.client.HTTPConnection(host, int(port), timeout=30)
        h.request("GET", slow_uri)
        r = h.getresponse()
        r.read()
        slow["status"], slow["worker"] = r.status, worker_of({"x-request-id": r.getheader("x-request-id", "")})
        h.close()

    t = threading.Thread(target=run_slow)
    t.start()
    wait_busy(status_url)
    took = []
    for c in conns:
        t0 = time.monotonic()
        st, _, _ = c.request(fast_uri)
        took.append((time.monotonic() - t0) * 1000)
        if st != 200:
            fail("a FastCGI request during the slow HTTP one answered %d" % st)
    t.join()
    held = sum(1 for c in conns if owner[c] == slow.get("worker"))
    print("   HTTP %s: status %s, by %s, which held %d of the %d FastCGI connections; "
          "requests on them meanwhile: %s ms" % (slow_uri, slow.get("status"), slow.get("worker"), held,
                                                 n_conns, " ".join("%d" % ms for ms in took)))
    print("RESULT max_ms=%d busy_held=%d" % (max(took), held))


def post_load(url, seconds, clients, out_file):
    parts = urllib.parse.urlsplit(url)
    lock = threading.Lock()
    f = open(out_file, "w")
    deadline = time.monotonic() + seconds
    counts = {}

    def client(n):
        conn = None
        i = 0
        while time.monotonic() < deadline and not os.path.exists(out_file + ".stop"):
            i += 1
            body = ('{"client":%d,"n":%d}' % (n, i)).encode()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                conn.request("POST", parts.path, body=body,
                             headers={"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                line = "%d" % r.status
                if r.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                line = "ERROR %r" % (e,)
                if conn is not None:
                    conn.close()
                conn = None
            with lock:
                f.write(line + "\n")
                key = line.split()[0]
                counts[key] = counts.get(key, 0) + 1
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    f.close()
    print("   responses: " + ", ".join("%s: %d" % kv for kv in sorted(counts.items())))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "hold":
        hold(args[0], args[1], int(args[2]), int(args[3]), float(args[4]), args[5])
    elif cmd == "served_again":
        served_again(args[0], args[1], float(args[2]))
    elif cmd == "neighbour":
        neighbour(args[0], args[1], args[2], args[3], int(args[4]))
    elif cmd == "http_neighbour":
        http_neighbour(args[0], args[1], args[2], args[3], args[4], int(args[5]))
    elif cmd == "post_load":
        post_load(args[0], float(args[1]), int(args[2]), args[3])
    else:
        fail("unknown command %r" % cmd)


if __name__ == "__main__":
    main()
