#!/usr/bin/env python3
"""http_strict.py: what the HTTP door must refuse (RFC 9112) and what it
must still accept, as a table of raw requests.

Used by http_strict.sh, which starts the server with an app whose /echo
answers JSON {method, url, path, query, host, len, body}; arguments:
    http_strict.py HOST:PORT

Each case sends its bytes on one new connection and reads until the server
closes it (or 5 s pass without a close, which fails the case).  The answers
are parsed as HTTP/1.1 responses (strictly, by http_wire.py) and their
statuses compared with the expected list.  A request
the door must refuse is followed on the same connection by a second,
"smuggled" request: the door must answer 400 (or the status given) and
close without ever answering the second one.  A request it must accept is
followed by a second one with "Connection: close": both must be answered,
on the one keep-alive connection.  Prints one "ok:" line per case; exits 1
at the first failure.
"""
import json
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from http_wire import Malformed, exchange, parse_responses  # noqa: E402

HOST, PORT = sys.argv[1].rsplit(":", 1)
PORT = int(PORT)
SMUGGLED = b"GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
FOLLOW = b"GET /echo?second=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def case(what, payload, expected, check=None):
    """Sends PAYLOAD; the statuses must be EXPECTED (a list), then a close.
    CHECK(responses) may test more."""
    data, closed = exchange(HOST, PORT, payload)
    try:
        responses = parse_responses(data)
    except Malformed as e:
        fail("%s: %s" % (what, e))
    statuses = [r.status for r in responses]
    if statuses != expected:
        fail("%s: expected statuses %s, got %s; received:\n%s" %
             (what, expected, statuses, data[:600].decode("latin-1")))
    if not closed:
        fail("%s: statuses %s, but the connection stayed open" % (what, statuses))
    if closed == "reset":
        fail("%s: the connection was reset (the answer may be lost) instead of closed" % what)
    if expected[-1] >= 400 and "close" not in [v.lower() for v in responses[-1].values("connection")]:
        fail("%s: the %d does not say Connection: close" % (what, expected[-1]))
    if check:
        check(responses)
    print("   ok: %s: %s, then closed" % (what, " ".join(map(str, statuses))), flush=True)


def refused(what, request, status=400):
    """REQUEST (without its final CRLF CRLF) plus a smuggled one: STATUS and close."""
    case(what, request + b"\r\n\r\n" + SMUGGLED, [status])


def refused_with_body(what, request, body, status=400):
    case(what, request + b"\r\n\r\n" + body + SMUGGLED, [status])


def echo_of(responses, i=0):
    try:
        return json.loads(responses[i].body)
    except ValueError:
        fail("response %d is not the echo JSON: %r" % (i, responses[i].body[:200]))


def expect_echo(**want):
    def check(responses):
        got = echo_of(responses)
        for k, v in want.items():
            if got.get(k) != v:
                fail("echo field %s: expected %r, got %r (all: %s)" % (k, v, got.get(k), got))
        second = echo_of(responses, 1)
        if second.get("query") != {"second": "1"}:
            fail("the second request on the connection was not answered right: %s" % second)
    return check


def accepted(what, request, data=b"", **want):
    """REQUEST (without its final CRLF CRLF) and DATA, then FOLLOW: 200, 200;
    the echo of the first has the fields WANT."""
    case(what, request + b"\r\n\r\n" + data + FOLLOW, [200, 200], expect_echo(**want))


POST = b"POST /echo HTTP/1.1\r\nHost: x\r\n"

# ---- Content-Length (RFC 9112 6.3, RFC 9110 8.6)
refused_with_body("two different Content-Length values",
                  POST + b"Content-Length: 3\r\nContent-Length: 30", b"abc")
refused_with_body("the same Content-Length twice", POST + b"Content-Length: 3\r\nContent-Length: 3", b"abc")
refused_with_body("Content-Length: 3,3", POST + b"Content-Length: 3,3", b"abc")
refused_with_body("Content-Length: +3", POST + b"Content-Length: +3", b"abc")
refused_with_body("Content-Length: -3", POST + b"Content-Length: -3", b"abc")
refused_with_body("Content-Length: 0x3", POST + b"Content-Length: 0x3", b"abc")
refused_with_body("Content-Length: 3 3", POST + b"Content-Length: 3 3", b"abc")
refused_with_body("an empty Content-Length", POST + b"Content-Length:", b"abc")
refused_with_body("space before the colon (Content-Length : 3)", POST + b"Content-Length : 3", b"abc")
refused_with_body("tab before the colon", POST + b"Content-Length\t: 3", b"abc")
accepted("Content-Length with spaces around the value", POST + b"Content-Length:  3 ", b"abc",
         len=3, body="abc")

# ---- Transfer-Encoding (RFC 9112 6.1, 6.3, 7)
refused_with_body("Transfer-Encoding: xchunked", POST + b"Transfer-Encoding: xchunked", b"3\r\nabc\r\n0\r\n\r\n")
refused_with_body("Transfer-Encoding: chunked, identity (chunked not last)",
                  POST + b"Transfer-Encoding: chunked, identity", b"3\r\nabc\r\n0\r\n\r\n")
refused_with_body("Transfer-Encoding twice", POST + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
                  b"3\r\nabc\r\n0\r\n\r\n")
refused_with_body("Transfer-Encoding: gzip, chunked (a coding we cannot undo)",
                  POST + b"Transfer-Encoding: gzip, chunked", b"3\r\nabc\r\n0\r\n\r\n", 501)
refused_with_body("Content-Length and Transfer-Encoding together",
                  POST + b"Content-Length: 3\r\nTransfer-Encoding: chunked", b"0\r\n\r\n")
refused_with_body("Transfer-Encoding and Content-Length together",
                  POST + b"Transfer-Encoding: chunked\r\nContent-Length: 5", b"0\r\n\r\n")
refused_with_body("Transfer-Encoding in HTTP/1.0",
                  b"POST /echo HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked", b"3\r\nabc\r\n0\r\n\r\n")
refused_with_body("chunk size 0x3", POST + b"Transfer-Encoding: chunked", b"0x3\r\nabc\r\n0\r\n\r\n")
refused_with_body("chunk size -1", POST + b"Transfer-Encoding: chunked", b"-1\r\nabc\r\n0\r\n\r\n")
refused_with_body("chunk size with a bare LF", POST + b"Transfer-Encoding: chunked", b"3\nabc\r\n0\r\n\r\n")
refused_with_body("chunk data longer than its size", POST + b"Transfer-Encoding: chunked",
                  b"3\r\nabcdef\r\n0\r\n\r\n")
refused_with_body("a chunk size of 2^64 + 3", POST + b"Transfer-Encoding: chunked",
                  b"10000000000000003\r\nabc\r\n0\r\n\r\n", 413)
accepted("a chunked body (with an extension and a trailer)", POST + b"Transfer-Encoding: chunked",
         b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n", len=5, body="abcde")
accepted("Transfer-Encoding: Chunked (coding names are case-insensitive)",
         POST + b"Transfer-Encoding: Chunked", b"1\r\nz\r\n0\r\n\r\n", len=1, body="z")

# ---- field syntax (RFC 9112 5, 2.2)
refused("a header name with a space", b"GET /echo HTTP/1.1\r\nHost: x\r\nX Bad: 1")
refused("a header name with '('", b"GET /echo HTTP/1.1\r\nHost: x\r\nX(a): 1")
refused("a header name with a control byte", b"GET /echo HTTP/1.1\r\nHost: x\r\nX\x01a: 1")
refused("a header name with a byte over 0x7f", b"GET /echo HTTP/1.1\r\nHost: x\r\nX\xc3\xa4: 1")
refused("an empty header name", b"GET /echo HTTP/1.1\r\nHost: x\r\n: 1")
refused("a header line without a colon", b"GET /echo HTTP/1.1\r\nHost: x\r\nNoColon")
refused("obs-fold (a continuation line)", b"GET /echo HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2")
refused("whitespace before the first header", b"GET /echo HTTP/1.1\r\n Host: x")
refused("a NUL byte in a header value", b"GET /echo HTTP/1.1\r\nHost: x\r\nX-A: a\x00b")
refused("a bare CR in a header value", b"GET /echo HTTP/1.1\r\nHost: x\r\nX-A: a\rb")
case("bare LF line ends", b"GET /echo HTTP/1.1\nHost: x\n\n" + SMUGGLED, [400])
case("a bare LF after the headers", b"GET /echo HTTP/1.1\r\nHost: x\r\n\n" + SMUGGLED, [400])

# ---- request line (RFC 9112 3)
refused("two spaces after the method", b"GET  /echo HTTP/1.1\r\nHost: x")
refused("a lower-case version (http/1.1)", b"GET /echo http/1.1\r\nHost: x")
refused("no version (HTTP/0.9)", b"GET /echo\r\nHost: x")
refused("a space in the target", b"GET /ec ho HTTP/1.1\r\nHost: x")
refused("a fragment in the target", b"GET /echo#frag HTTP/1.1\r\nHost: x")
refused("a target that is not a path", b"GET echo HTTP/1.1\r\nHost: x")
refused("HTTP/2.0 over HTTP/1 framing", b"GET /echo HTTP/2.0\r\nHost: x", 505)
refused("an unknown method", b"BREW /echo HTTP/1.1\r\nHost: x", 501)

# ---- Host (RFC 9112 3.2)
refused("two Host headers", b"GET /echo HTTP/1.1\r\nHost: a\r\nHost: b")
refused("two Host headers, the same value", b"GET /echo HTTP/1.1\r\nHost: a\r\nHost: a")
refused("no Host in HTTP/1.1", b"GET /echo HTTP/1.1\r\nX-A: 1")
refused("a Host with a space", b"GET /echo HTTP/1.1\r\nHost: a b")
refused("a Host with a slash", b"GET /echo HTTP/1.1\r\nHost: a/b")
accepted("HTTP/1.0 without Host", b"GET /echo?x=1 HTTP/1.0\r\nConnection: keep-alive",
         url="http://localhost/echo?x=1", host=None)

# ---- absolute-form (RFC 9112 3.2.2): the target's authority is the host
accepted("absolute-form target", b"GET http://example.com:8080/echo?q=1 HTTP/1.1\r\nHost: other",
         url="http://example.com:8080/echo?q=1", path="/echo", host="example.com:8080",
         query={"q": "1"})
# request.url is the URL as the WHATWG parser writes it: the host lower-cased.
accepted("absolute-form, upper-case scheme, no path", b"OPTIONS HTTP://Example.COM HTTP/1.1\r\nHost: x",
         url="http://example.com/", path="/", host="Example.COM", method="OPTIONS")
refused("absolute-form with userinfo", b"GET http://user@evil/echo HTTP/1.1\r\nHost: x")
refused("absolute-form with an empty host", b"GET http:///echo HTTP/1.1\r\nHost: x")
refused("absolute-form of another scheme", b"GET ftp://example.com/echo HTTP/1.1\r\nHost: x")
# The review's case: url was "http://x" + the whole target, "http://xhttp://evil/...".
accepted("absolute-form with another Host", b"GET http://evil/echo HTTP/1.1\r\nHost: x",
         url="http://evil/echo", host="evil", path="/echo")

# ---- what must keep working
accepted("plain keep-alive GET", b"GET /echo?a=1 HTTP/1.1\r\nHost: h.example", url="http://h.example/echo?a=1",
         host="h.example", method="GET")
accepted("a POST body with Content-Length", POST + b"Content-Length: 5", b"hello", len=5, body="hello")
accepted("empty lines before the request line", b"\r\n\r\nGET /echo HTTP/1.1\r\nHost: x", path="/echo")
accepted("a percent-encoded path", b"GET /echo%2Fx?y=%20 HTTP/1.1\r\nHost: x", path="/echo/x",
         query={"y": " "})
case("three pipelined requests in one write",
     b"GET /echo?n=1 HTTP/1.1\r\nHost: x\r\n\r\n" + POST + b"Content-Length: 2\r\n\r\nhi" + FOLLOW,
     [200, 200, 200], lambda r: echo_of(r, 1)["body"] == "hi" or fail("the pipelined POST body: %s" % echo_of(r, 1)))
case("HTTP/1.0 closes after one answer",
     b"GET /echo HTTP/1.0\r\nHost: x\r\n\r\n" + SMUGGLED, [200])
print("   ok: all cases")
