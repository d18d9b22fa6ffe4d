#!/usr/bin/env python3
"""A small FastCGI 1.0 client for the integration tests (stdlib only).

It opens ONE connection and, like nginx with `fastcgi_keep_conn on`, sends
--repeat requests one after the other on it with FCGI_KEEP_CONN set and
request id 1.  Each response's STDOUT bytes are written to standard output
followed by the line

    --- end of response N (app_status S, protocol_status P) ---

(a newline is inserted first if the response did not end with one, so the
separator always starts a line).  STDERR records go to standard error.

Exit status: 0 when every END_REQUEST arrived, 1 when the connection closed
early (what did arrive is printed), 2 on timeout or usage/connection errors.

--get-values asks FCGI_MAX_CONNS, FCGI_MAX_REQS and FCGI_MPXS_CONNS and
prints the answer as NAME=VALUE lines.

--raw-hex sends the given bytes as they are, then reads until the peer
closes or --raw-wait seconds (default 2) pass without data, and prints what
came back as one line of hex.  Its exit status is 0 if the peer closed the
connection and 1 if it was still open: a server must hang up on malformed
input.

Examples:
  fcgi_client.py --unix /run/jsfpm.sock --uri '/hello?x=1'
  fcgi_client.py --tcp 127.0.0.1:9000 --method POST --body 'a=1' \\
      --header 'Content-Type: application/x-www-form-urlencoded' --repeat 3
  fcgi_client.py --unix /run/jsfpm.sock --split-bytes
  fcgi_client.py --unix /run/jsfpm.sock --raw-hex '0201000100080000'
"""

import argparse
import select
import socket
import struct
import sys
import time
import urllib.parse

FCGI_VERSION_1 = 1
FCGI_BEGIN_REQUEST = 1
FCGI_ABORT_REQUEST = 2
FCGI_END_REQUEST = 3
FCGI_PARAMS = 4
FCGI_STDIN = 5
FCGI_STDOUT = 6
FCGI_STDERR = 7
FCGI_GET_VALUES = 9
FCGI_GET_VALUES_RESULT = 10
FCGI_UNKNOWN_TYPE = 11
FCGI_RESPONDER = 1
FCGI_KEEP_CONN = 1
FCGI_MAX_CONTENT = 65535

REQUEST_ID = 1


class ClosedEarly(Exception):
    """The peer closed the connection before the expected record arrived."""


class Timeout(Exception):
    """The deadline passed."""


def record(rtype, rid, content=b""):
    """One record, its content padded to a multiple of 8 like nginx does."""
    assert len(content) <= FCGI_MAX_CONTENT
    pad = -len(content) % 8
    return (struct.pack(">BBHHBx", FCGI_VERSION_1, rtype, rid, len(content), pad)
            + content + b"\0" * pad)


def stream(rtype, rid, data):
    """DATA as records of at most 65535 bytes plus the empty closing record."""
    out = [record(rtype, rid, data[i:i + FCGI_MAX_CONTENT])
           for i in range(0, len(data), FCGI_MAX_CONTENT)]
    out.append(record(rtype, rid))
    return b"".join(out)


def encode_len(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def encode_pairs(pairs):
    out = []
    for name, value in pairs:
        name = name.encode() if isinstance(name, str) else name
        value = value.encode() if isinstance(value, str) else value
        out.append(encode_len(len(name)) + encode_len(len(value)) + name + value)
    return b"".join(out)


def decode_pairs(data):
    pairs, pos = [], 0

    def length():
        nonlocal pos
        if pos >= len(data):
            raise ValueError("truncated name-value pair")
        if data[pos] < 128:
            pos += 1
            return data[pos - 1]
        if pos + 4 > len(data):
            raise ValueError("truncated name-value pair")
        n = struct.unpack(">I", data[pos:pos + 4])[0] & 0x7FFFFFFF
        pos += 4
        return n

    while pos < len(data):
        nlen = length()
        vlen = length()
        if pos + nlen + vlen > len(data):
            raise ValueError("name-value pair runs past the record")
        pairs.append((data[pos:pos + nlen], data[pos + nlen:pos + nlen + vlen]))
        pos += nlen + vlen
    return pairs


class Conn:
    """A socket with an overall deadline and a record reader."""

    def __init__(self, args):
        self.deadline = time.monotonic() + args.timeout
        self.split = args.split_bytes
        if args.unix:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            addr = args.unix
        else:
            host, _, port = args.tcp.rpartition(":")
            if not host or not port.isdigit():
                raise SystemExit("--tcp wants HOST:PORT")
            host = host.strip("[]")
            infos = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)
            family, _, _, _, addr = infos[0]
            self.sock = socket.socket(family, socket.SOCK_STREAM)
            # Without this, Nagle would coalesce the one-byte sends of
            # --split-bytes and the server would never see a split record.
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.settimeout(self.remaining())
        self.sock.connect(addr)
        self.buf = b""

    def remaining(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Timeout()
        return left

    def send(self, data):
        try:
            if self.split:
                for i in range(len(data)):
                    self.sock.settimeout(self.remaining())
                    self.sock.sendall(data[i:i + 1])
            else:
                self.sock.settimeout(self.remaining())
                self.sock.sendall(data)
        except socket.timeout:
            raise Timeout() from None
        except (BrokenPipeError, ConnectionResetError):
            raise ClosedEarly() from None

    def recv_some(self):
        try:
            self.sock.settimeout(self.remaining())
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise Timeout() from None
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            raise ClosedEarly()
        self.buf += chunk

    def read_exact(self, n):
        while len(self.buf) < n:
            self.recv_some()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_record(self):
        version, rtype, rid, clen, plen = struct.unpack(">BBHHBx", self.read_exact(8))
        if version != FCGI_VERSION_1:
            raise ValueError("record with FastCGI version %d" % version)
        content = self.read_exact(clen + plen)[:clen]
        return rtype, rid, content


def build_params(args, body):
    parts = urllib.parse.urlsplit(args.uri)
    path = parts.path or "/"
    headers = []
    for h in args.header:
        name, sep, value = h.partition(":")
        if not sep or not name.strip():
            raise SystemExit("--header wants 'Name: value', got %r" % h)
        headers.append((name.strip(), value.strip()))
    ctype = next((v for n, v in headers if n.lower() == "content-type"), "")
    if args.body is not None or args.body_file is not None:
        clen = str(len(body))
    else:
        clen = ""
    params = [
        ("GATEWAY_INTERFACE", "CGI/1.1"),
        ("SERVER_SOFTWARE", "fcgi_client.py"),
        ("REQUEST_METHOD", args.method),
        ("REQUEST_URI", args.uri),
        ("DOCUMENT_URI", path),
        ("SCRIPT_NAME", path),
        ("QUERY_STRING", parts.query),
        ("CONTENT_TYPE", ctype),
        ("CONTENT_LENGTH", clen),
        ("SERVER_PROTOCOL", "HTTP/1.1"),
        ("REQUEST_SCHEME", "http"),
        ("REMOTE_ADDR", "127.0.0.1"),
        ("REMOTE_PORT", "40000"),
        ("SERVER_ADDR", "127.0.0.1"),
        ("SERVER_PORT", "80"),
        ("SERVER_NAME", "localhost"),
    ]
    if not any(n.lower() == "host" for n, _ in headers):
        headers.insert(0, ("Host", "localhost"))
    for name, value in headers:
        params.append(("HTTP_" + name.upper().replace("-", "_"), value))
    for p in args.param:
        name, sep, value = p.partition("=")
        if not sep:
            raise SystemExit("--param wants NAME=VALUE, got %r" % p)
        params = [(n, v) for n, v in params if n != name]
        params.append((name, value))
    return params


def request_bytes(args, body):
    begin = struct.pack(">HB5x", FCGI_RESPONDER, FCGI_KEEP_CONN)
    return (record(FCGI_BEGIN_REQUEST, REQUEST_ID, begin)
            + stream(FCGI_PARAMS, REQUEST_ID, encode_pairs(build_params(args, body)))
            + stream(FCGI_STDIN, REQUEST_ID, body))


def out(data):
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def run_requests(args):
    if args.body_file is not None:
        with open(args.body_file, "rb") as f:
            body = f.read()
    else:
        body = (args.body or "").encode()
    req = request_bytes(args, body)
    started = time.monotonic()
    conn = Conn(args)
    for n in range(1, args.repeat + 1):
        got = b""
        try:
            conn.send(req)
            while True:
                rtype, rid, content = conn.read_record()
                if rtype == FCGI_STDOUT and rid == REQUEST_ID:
                    got += content
                elif rtype == FCGI_STDERR and rid == REQUEST_ID:
                    sys.stderr.buffer.write(content)
                    sys.stderr.buffer.flush()
                elif rtype == FCGI_END_REQUEST and rid == REQUEST_ID:
                    if len(content) < 8:
                        raise ValueError("short END_REQUEST record")
                    app_status, proto = struct.unpack(">IB3x", content[:8])
                    break
                else:
                    raise ValueError("unexpected record type %d id %d" % (rtype, rid))
        except ClosedEarly:
            out(got)
            print("fcgi_client: connection closed before END_REQUEST of response %d" % n,
                  file=sys.stderr)
            return 1
        except Timeout:
            out(got)
            print("fcgi_client: timeout waiting for response %d" % n, file=sys.stderr)
            return 2
        out(got)
        if got and not got.endswith(b"\n"):
            out(b"\n")
        out(b"--- end of response %d (app_status %d, protocol_status %d) ---\n"
            % (n, app_status, proto))
    conn.sock.close()
    if args.elapsed:
        print("elapsed %.3f s" % (time.monotonic() - started), file=sys.stderr)
    return 0


def run_get_values(args):
    names = ["FCGI_MAX_CONNS", "FCGI_MAX_REQS", "FCGI_MPXS_CONNS"]
    conn = Conn(args)
    try:
        conn.send(record(FCGI_GET_VALUES, 0, encode_pairs((n, "") for n in names)))
        while True:
            rtype, rid, content = conn.read_record()
            if rtype == FCGI_GET_VALUES_RESULT and rid == 0:
                break
            raise ValueError("unexpected record type %d id %d" % (rtype, rid))
    except ClosedEarly:
        print("fcgi_client: connection closed before GET_VALUES_RESULT", file=sys.stderr)
        return 1
    except Timeout:
        print("fcgi_client: timeout waiting for GET_VALUES_RESULT", file=sys.stderr)
        return 2
    for name, value in decode_pairs(content):
        out(name + b"=" + value + b"\n")
    conn.sock.close()
    return 0


def run_raw(args):
    try:
        data = bytes.fromhex("".join(args.raw_hex.split()))
    except ValueError:
        raise SystemExit("--raw-hex wants hexadecimal digits")
    conn = Conn(args)
    got = b""
    closed = False
    try:
        conn.send(data)
        while True:
            wait = min(args.raw_wait, conn.remaining())
            ready, _, _ = select.select([conn.sock], [], [], wait)
            if not ready:
                break
            try:
                chunk = conn.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                closed = True
                break
            got += chunk
    except ClosedEarly:
        closed = True
    except Timeout:
        pass
    out(got.hex().encode() + b"\n")
    print("fcgi_client: connection %s" % ("closed by peer" if closed else "still open"),
          file=sys.stderr)
    conn.sock.close()
    return 0 if closed else 1


def main():
    ap = argparse.ArgumentParser(
        description="FastCGI test client: one connection, sequential keep-conn requests.",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--unix", metavar="PATH", help="connect to a Unix socket")
    where.add_argument("--tcp", metavar="HOST:PORT", help="connect over TCP")
    ap.add_argument("--method", default="GET")
    ap.add_argument("--uri", default="/", help="request URI, with query string")
    ap.add_argument("--body", help="request body (sets CONTENT_LENGTH)")
    ap.add_argument("--body-file", metavar="PATH", help="read the request body from a file")
    ap.add_argument("--header", action="append", default=[], metavar="'Name: value'",
                    help="HTTP request header, passed as HTTP_NAME (repeatable)")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="extra or overriding FastCGI param (repeatable)")
    ap.add_argument("--repeat", type=int, default=1, metavar="N",
                    help="send N requests one after the other on the connection")
    ap.add_argument("--split-bytes", action="store_true",
                    help="write every byte with its own send()")
    ap.add_argument("--get-values", action="store_true",
                    help="send FCGI_GET_VALUES and print NAME=VALUE lines")
    ap.add_argument("--raw-hex", metavar="HEX",
                    help="send these raw bytes and print the reply as hex")
    ap.add_argument("--raw-wait", type=float, default=2.0, metavar="SECONDS",
                    help="with --raw-hex, give up reading after this much silence")
    ap.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                    help="overall deadline (default 10)")
    ap.add_argument("--elapsed", action="store_true",
                    help="print to stderr the seconds from connecting to the last END_REQUEST")
    args = ap.parse_args()
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    if args.body is not None and args.body_file is not None:
        ap.error("--body and --body-file are exclusive")

    try:
        if args.raw_hex is not None:
            return run_raw(args)
        if args.get_values:
            return run_get_values(args)
        return run_requests(args)
    except Timeout:
        print("fcgi_client: timeout", file=sys.stderr)
        return 2
    except ClosedEarly:
        print("fcgi_client: connection closed early", file=sys.stderr)
        return 1
    except (OSError, ValueError) as e:
        print("fcgi_client: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
