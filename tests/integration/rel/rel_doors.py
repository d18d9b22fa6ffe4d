#!/usr/bin/env python3
"""rel_doors.py: bad input at the two front doors of a running jsfpm.

Used by rel_doors.sh and rel_timeouts.sh, which start the server; arguments:
    rel_doors.py FCGI_UNIX_SOCKET HTTP_HOST:PORT MAX_PARAMS MAX_BODY [timeouts=SECONDS]
With timeouts=SECONDS (the server's client_timeout) only the timeout cases run.

Every case sends something malformed, hostile or slow and checks that it
gets a clear error (a status line or an FCGI END_REQUEST) or a closed
connection, never a hang, and that a normal request on a fresh connection
succeeds right after.  (That the worker processes are the same ones is
checked by the shell script.)  Prints one "ok:" line per case; exits 1 at
the first failure.
"""
import os
import random
import socket
import struct
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import fcgi_client as fc  # noqa: E402
import http_wire  # noqa: E402

SOCK, HTTP, MAX_PARAMS, MAX_BODY = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
HOST, PORT = HTTP.rsplit(":", 1)
PORT = int(PORT)
CASES = 0


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def server_error(what, st):
    fail("%s: answered %d (a server error for a client's bad input)" % (what, st))


def ok(msg):
    global CASES
    CASES += 1
    print("   ok: " + msg, flush=True)


# ---------------------------------------------------------------- FastCGI

def fcgi_connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(SOCK)
    return s


def pairs(d):
    return fc.encode_pairs(list(d.items()))


def begin(rid=1, role=fc.FCGI_RESPONDER, keep=0):
    return fc.record(fc.FCGI_BEGIN_REQUEST, rid, struct.pack(">HB5x", role, keep))


def base_params(uri="/notes", method="GET", extra=None):
    p = {"REQUEST_METHOD": method, "REQUEST_URI": uri, "SCRIPT_NAME": uri.split("?")[0],
         "QUERY_STRING": uri.partition("?")[2], "SERVER_PROTOCOL": "HTTP/1.1",
         "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "localhost"}
    p.update(extra or {})
    return p


def fcgi_request(params, body=b"", rid=1):
    out = begin(rid) + fc.stream(fc.FCGI_PARAMS, rid, pairs(params))
    if body:
        out += fc.stream(fc.FCGI_STDIN, rid, body)  # ends with the empty record
        return out
    return out + fc.record(fc.FCGI_STDIN, rid)


def read_until_close(s, limit_s=5.0):
    """Everything the server sends until it closes (or LIMIT_S of silence)."""
    data = b""
    s.settimeout(limit_s)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data, True
            data += chunk
            if end_request_in(data):
                # A complete answer; keep reading briefly to see a close.
                s.settimeout(0.5)
    except socket.timeout:
        return data, False
    except ConnectionResetError:
        return data, True


def records(data):
    out, i = [], 0
    while i + 8 <= len(data):
        ver, typ, rid, clen, plen = struct.unpack(">BBHHBx", data[i:i + 8])
        if i + 8 + clen + plen > len(data):
            break
        out.append((typ, rid, data[i + 8:i + 8 + clen]))
        i += 8 + clen + plen
    return out


def end_request_in(data):
    return any(t == fc.FCGI_END_REQUEST for t, _, _ in records(data))


def stdout_of(data):
    return b"".join(c for t, _, c in records(data) if t == fc.FCGI_STDOUT)


def fcgi_status(data):
    head = stdout_of(data).split(b"\r\n", 1)[0]
    if head.startswith(b"Status: "):
        return int(head[8:11])
    return 200 if end_request_in(data) and stdout_of(data) else None


def normal_fcgi(what):
    s = fcgi_connect()
    s.sendall(fcgi_request(base_params()))
    data, _ = read_until_close(s)
    s.close()
    st = fcgi_status(data)
    if st != 200:
        fail("%s: a normal FastCGI request afterwards got %r: %r" % (what, st, data[:300]))


def normal_http(what):
    st, _ = http_raw(b"GET /notes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    if st != 200:
        fail("%s: a normal HTTP request afterwards got status %r" % (what, st))


def after(what):
    normal_fcgi(what)
    normal_http(what)


def expect_fcgi_rejected(what, payload, allow_status=(400, 413, 431)):
    """PAYLOAD must end in a closed connection or an error status."""
    s = fcgi_connect()
    try:
        s.sendall(payload)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data, closed = read_until_close(s)
    s.close()
    st = fcgi_status(data)
    if st is not None and st not in allow_status:
        fail("%s: expected a closed connection or %s, got status %r" % (what, allow_status, st))
    if st is None and not closed:
        fail("%s: the server neither answered nor closed the connection" % what)
    ok("%s: %s" % (what, "status %d" % st if st else "connection closed"))
    after(what)


def fcgi_cases():
    hdr = lambda ver, typ, rid, clen, plen: struct.pack(">BBHHBx", ver, typ, rid, clen, plen)
    expect_fcgi_rejected("FastCGI version 2 record", hdr(2, 1, 1, 8, 0) + struct.pack(">HB5x", 1, 0))
    expect_fcgi_rejected("FastCGI version 0 record", hdr(0, 1, 1, 8, 0) + struct.pack(">HB5x", 1, 0))
    expect_fcgi_rejected("record type reserved for applications (STDOUT from the peer)",
                         begin() + fc.record(fc.FCGI_STDOUT, 1, b"x"))
    expect_fcgi_rejected("PARAMS before BEGIN_REQUEST", fc.record(fc.FCGI_PARAMS, 1, pairs({"A": "b"})))
    expect_fcgi_rejected("STDIN before the end of PARAMS", begin() + fc.record(fc.FCGI_STDIN, 1, b"x"))
    expect_fcgi_rejected("malformed name-value pairs (length past the end)",
                         begin() + fc.record(fc.FCGI_PARAMS, 1, b"\x7f\x01ab") + fc.record(fc.FCGI_PARAMS, 1)
                         + fc.record(fc.FCGI_STDIN, 1))
    expect_fcgi_rejected("4-byte length of 2^31-1 in a pair",
                         begin() + fc.record(fc.FCGI_PARAMS, 1, b"\xff\xff\xff\xff\x01" + b"a" * 16)
                         + fc.record(fc.FCGI_PARAMS, 1) + fc.record(fc.FCGI_STDIN, 1))
    # Params over the limit, in one record and spread over many.
    big = "v" * (MAX_PARAMS + 100)
    expect_fcgi_rejected("params larger than max_params_size (one record)",
                         fcgi_request(base_params(extra={"HTTP_X_BIG": big[:65000]})))
    many = begin() + b"".join(fc.record(fc.FCGI_PARAMS, 1, pairs({"HTTP_X_%d" % i: "v" * 1000}))
                              for i in range(MAX_PARAMS // 1000 + 5))
    expect_fcgi_rejected("params larger than max_params_size (many records)",
                         many + fc.record(fc.FCGI_PARAMS, 1) + fc.record(fc.FCGI_STDIN, 1))
    # A header announcing 65535 bytes of PARAMS when the limit is lower:
    # refused on the header, before any content is buffered.
    s = fcgi_connect()
    s.sendall(begin() + hdr(1, fc.FCGI_PARAMS, 1, 65535, 255))
    data, closed = read_until_close(s, 3)
    s.close()
    if not closed and fcgi_status(data) is None:
        fail("a 65535-byte PARAMS header over the limit was not refused before its content")
    ok("65535-byte PARAMS header over the limit: refused before the content arrived")
    after("huge PARAMS header")
    body = b"b" * (MAX_BODY + 1)
    expect_fcgi_rejected("body larger than max_body_size",
                         fcgi_request(base_params(method="POST", extra={
                             "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json"}), body))
    # Unknown management record type: UNKNOWN_TYPE, and the connection lives.
    s = fcgi_connect()
    s.sendall(fc.record(42, 0, b"12345678") + fcgi_request(base_params()))
    data, _ = read_until_close(s)
    s.close()
    types = [t for t, _, _ in records(data)]
    if fc.FCGI_UNKNOWN_TYPE not in types or fcgi_status(data) != 200:
        fail("unknown management record: expected UNKNOWN_TYPE then a normal answer, got types %r" % types)
    ok("unknown management record type 42: UNKNOWN_TYPE, then the request on the same connection is served")
    # Unknown role and a second request id while one is open.
    s = fcgi_connect()
    s.sendall(begin(1, role=7) + fc.record(fc.FCGI_PARAMS, 1) + fc.record(fc.FCGI_STDIN, 1))
    data, _ = read_until_close(s, 3)
    s.close()
    ends = [c for t, _, c in records(data) if t == fc.FCGI_END_REQUEST]
    if not ends or ends[0][4] != 3:  # FCGI_UNKNOWN_ROLE
        fail("unknown role: expected END_REQUEST FCGI_UNKNOWN_ROLE, got %r" % data[:100])
    ok("unknown role 7: END_REQUEST with FCGI_UNKNOWN_ROLE")
    s = fcgi_connect()
    s.sendall(begin(1, keep=1) + begin(2) + fcgi_request(base_params(), rid=1)[16:])
    data, _ = read_until_close(s, 3)
    s.close()
    if not any(t == fc.FCGI_END_REQUEST and r == 2 and c[4] == 1 for t, r, c in records(data)):
        fail("multiplexed BEGIN_REQUEST: expected END_REQUEST FCGI_CANT_MPX_CONN for id 2")
    ok("second request id on one connection: FCGI_CANT_MPX_CONN")
    after("multiplexing")
    # NUL bytes and invalid UTF-8 in params, headers and body.
    for what, params, body in [
        ("NUL byte in SCRIPT_NAME/REQUEST_URI", base_params(uri="/no\0tes"), b""),
        ("NUL byte in a header value", base_params(extra={"HTTP_X_A": "a\0b"}), b""),
        ("NUL byte in a header name", base_params(extra={"HTTP_X\0A": "v"}), b""),
        ("invalid UTF-8 in the path", {**base_params(), "REQUEST_URI": b"/\xff\xfe\xc0\x80",
                                       "SCRIPT_NAME": b"/\xff\xfe"}, b""),
        ("invalid UTF-8 in a header", base_params(extra={"HTTP_X_A": b"\xed\xa0\x80\xff"}), b""),
        ("invalid UTF-8 JSON body", base_params(uri="/notes", method="POST", extra={
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "12"}), b'{"body":"\xff\xfe"}'),
        ("NUL bytes in a JSON body", base_params(uri="/notes", method="POST", extra={
            "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "14"}), b'{"body":"a\0b"}'),
        ("CONTENT_LENGTH not matching the body", base_params(uri="/notes", method="POST", extra={
            "CONTENT_LENGTH": "999999"}), b'{"body":"x"}'),
        ("no params at all", {}, b""),
    ]:
        s = fcgi_connect()
        s.sendall(fcgi_request(params, body))
        data, closed = read_until_close(s)
        s.close()
        st = fcgi_status(data)
        if st is None and not closed:
            fail("%s: neither an answer nor a close" % what)
        if st is not None and st >= 500:
            server_error(what, st)
        ok("%s: %s" % (what, "status %d" % st if st else "connection closed"))
        after(what)
    # Truncated input, then the client goes away.
    for cut in (3, 9, 20, 40):
        s = fcgi_connect()
        s.sendall(fcgi_request(base_params())[:cut])
        s.close()
    ok("connections closed mid-record (after 3, 9, 20, 40 bytes)")
    after("truncated records")
    # Random garbage.
    rnd = random.Random(8)
    for i in range(40):
        junk = bytes(rnd.getrandbits(8) for _ in range(rnd.randrange(1, 400)))
        if i % 2:
            junk = b"\x01" + junk  # version 1: gets past the first check
        s = fcgi_connect()
        try:
            s.sendall(junk)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        read_until_close(s, 3)
        s.close()
    ok("40 random byte strings")
    after("random garbage")


# ---------------------------------------------------------------- HTTP

def http_raw(payload, read_s=5.0):
    """Sends PAYLOAD on a new connection; returns (status or None, closed)."""
    data, closed = http_wire.exchange(HOST, PORT, payload, read_s)
    st = None
    if data.startswith(b"HTTP/1."):
        try:
            st = int(data[9:12])
        except ValueError:
            st = None
    return st, closed


def expect_http(what, payload, allowed):
    st, closed = http_raw(payload)
    if st is None and not closed:
        fail("%s: neither an answer nor a close" % what)
    if st is not None and st >= 500 and st not in allowed:
        server_error(what, st)
    elif st is not None and st not in allowed:
        fail("%s: expected one of %s, got %d" % (what, allowed, st))
    ok("%s: %s" % (what, "status %d" % st if st else "connection closed"))
    after(what)


def http_cases():
    bad = (400, 404, 405, 413, 414, 422, 431, 501)
    expect_http("HTTP headers larger than the limit",
                b"GET /notes HTTP/1.1\r\nHost: x\r\nX-Big: " + b"h" * (MAX_PARAMS + 100) + b"\r\n\r\n",
                (400, 413, 431))
    expect_http("HTTP: 2000 small headers", b"GET /notes HTTP/1.1\r\nHost: x\r\n" +
                b"".join(b"X-H%d: v\r\n" % i for i in range(2000)) + b"\r\n", (400, 413, 431))
    expect_http("HTTP body larger than max_body_size",
                b"POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                % (MAX_BODY + 1) + b"b" * (MAX_BODY + 1), (413,))
    expect_http("HTTP Content-Length of 10^15 (no body sent)",
                b"POST /notes HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000000\r\n\r\n", (400, 413))
    expect_http("HTTP negative Content-Length",
                b"POST /notes HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nabcde", (400, 411, 413))
    expect_http("HTTP request line of garbage", b"\x00\xff GARBAGE\r\n\r\n", bad)
    expect_http("HTTP version 9.9", b"GET /notes HTTP/9.9\r\nHost: x\r\n\r\n", bad + (505,))
    expect_http("HTTP unknown method", b"BREW /notes HTTP/1.1\r\nHost: x\r\n\r\n", bad)
    expect_http("HTTP NUL byte in the path (raw)", b"GET /no\x00tes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", bad)
    expect_http("HTTP NUL byte in the path (%00)", b"GET /no%00tes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", bad)
    expect_http("HTTP invalid UTF-8 in the path", b"GET /\xff\xfe%C0%80 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", bad)
    expect_http("HTTP NUL byte in a header", b"GET /notes HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\nConnection: close\r\n\r\n",
                bad + (200,))
    expect_http("HTTP invalid UTF-8 in a header",
                b"GET /notes HTTP/1.1\r\nHost: x\r\nX-A: \xed\xa0\x80\xff\r\nConnection: close\r\n\r\n", bad + (200,))
    expect_http("HTTP invalid UTF-8 JSON body",
                b"POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\n"
                b"Connection: close\r\n\r\n{\"body\":\"\xff\xfe\"}", (400,))
    expect_http("HTTP request URI of 64 KiB", b"GET /" + b"a" * 65536 + b" HTTP/1.1\r\nHost: x\r\n\r\n", bad)


def slow_clients():
    """Slowloris: connections that dribble a header byte every 0.5 s (HTTP)
    or part of a record (FastCGI) must not keep others from being served."""
    stop = threading.Event()
    socks = []

    def dribble(s, data):
        try:
            for b in data:
                if stop.is_set():
                    break
                s.sendall(bytes([b]))
                time.sleep(0.5)
        except OSError:
            pass

    threads = []
    for i in range(8):
        s = socket.create_connection((HOST, PORT), timeout=30)
        socks.append(s)
        threads.append(threading.Thread(target=dribble, daemon=True, args=(
            s, b"GET /notes HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"s" * 200 + b"\r\n\r\n")))
        f = fcgi_connect()
        socks.append(f)
        threads.append(threading.Thread(target=dribble, daemon=True, args=(f, fcgi_request(base_params()))))
    # Plus idle connections that send nothing at all.
    for i in range(20):
        socks.append(socket.create_connection((HOST, PORT), timeout=30))
        socks.append(fcgi_connect())
    for t in threads:
        t.start()
    time.sleep(1.0)
    worst = 0.0
    for i in range(10):
        t0 = time.time()
        normal_fcgi("slow clients")
        normal_http("slow clients")
        worst = max(worst, time.time() - t0)
        time.sleep(0.2)
    stop.set()
    for s in socks:
        s.close()
    if worst > 2.0:
        fail("with 16 slow and 40 idle connections open a normal request took %.1f s" % worst)
    ok("16 slow (1 byte / 0.5 s) and 40 idle connections open: 20 normal requests served, "
       "slowest pair %.0f ms" % (worst * 1000))


def closed_within(s, limit_s):
    """Seconds until the server closes S (sending nothing), or fails."""
    t0 = time.time()
    s.settimeout(limit_s)
    try:
        data = s.recv(65536)
    except socket.timeout:
        fail("connection still open after %.1f s" % limit_s)
    except ConnectionResetError:
        data = b""
    if data:
        fail("expected a silent close, got %r" % data[:200])
    return time.time() - t0


def timeout_cases(timeout_s):
    """client_timeout = TIMEOUT_S: silent and stalled connections are closed
    after it, at both doors; one that keeps sending is not."""
    bound = timeout_s + 1.5
    s = fcgi_connect()
    took = closed_within(s, bound)
    s.close()
    if took < timeout_s - 0.2:
        fail("an idle FastCGI connection was closed after %.2f s, before client_timeout" % took)
    ok("FastCGI connection that sends nothing: closed after %.2f s" % took)

    s = fcgi_connect()
    s.sendall(fcgi_request(base_params(), rid=1)[:40])  # BEGIN_REQUEST and part of PARAMS
    took = closed_within(s, bound)
    s.close()
    ok("FastCGI request stalled half-way: closed after %.2f s" % took)

    s = fcgi_connect()
    s.sendall(begin(1, keep=1) + fc.stream(fc.FCGI_PARAMS, 1, pairs(base_params())) +
              fc.record(fc.FCGI_STDIN, 1))
    s.settimeout(5)
    data = b""
    while not end_request_in(data):
        chunk = s.recv(65536)
        if not chunk:
            fail("keep-conn FastCGI connection closed before its reply")
        data += chunk
    if fcgi_status(data) != 200:
        fail("keep-conn request got %r" % fcgi_status(data))
    took = closed_within(s, bound)
    s.close()
    ok("keep-conn FastCGI connection idle after its reply: closed after %.2f s" % took)

    # Activity resets the clock: a byte every timeout/3 for 2 timeouts.
    payload = fcgi_request(base_params())
    s = fcgi_connect()
    step = timeout_s / 3.0
    deadline = time.time() + 2 * timeout_s
    i = 0
    while time.time() < deadline and i < len(payload) - 1:
        s.sendall(payload[i:i + 1])
        i += 1
        time.sleep(step)
    s.sendall(payload[i:])
    data, _ = read_until_close(s)
    s.close()
    if fcgi_status(data) != 200:
        fail("a FastCGI request sent a byte per %.2f s over %.1f s got %r: the timeout did not "
             "reset on activity" % (step, 2 * timeout_s, fcgi_status(data)))
    ok("a request dribbled over 2 x client_timeout, a byte per %.2f s: served" % step)

    s = socket.create_connection((HOST, PORT), timeout=bound)
    took = closed_within(s, bound)
    s.close()
    ok("HTTP connection that sends nothing: closed after %.2f s" % took)

    s = socket.create_connection((HOST, PORT), timeout=bound)
    s.sendall(b"GET /notes HTTP/1.1\r\nHost: x\r\n")  # headers never finished
    took = closed_within(s, bound)
    s.close()
    ok("HTTP request stalled in its headers: closed after %.2f s" % took)
    after("timeouts")


normal_fcgi("start")
normal_http("start")
if len(sys.argv) > 5 and sys.argv[5].startswith("timeouts="):
    timeout_cases(float(sys.argv[5].split("=", 1)[1]))
else:
    fcgi_cases()
    http_cases()
    slow_clients()
print("   %d cases" % CASES)
