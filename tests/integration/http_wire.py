"""http_wire.py: raw HTTP/1.1 exchanges and strict reading of the responses,
for the tests that check framing byte by byte (http_strict.py,
resp_framing.py, rel_doors.py).

A response must be what the HTTP door sends: a status line "HTTP/1.1 NNN",
well-formed field lines, exactly one Content-Length (absent only for 204
and 304) and no Transfer-Encoding, then exactly that many body bytes.
Anything else raises Malformed, so a response whose framing is off (a
body longer than its length, a second length) cannot pass as two good ones.
"""
import socket
import time


class Malformed(Exception):
    """The bytes are not a response framed as the door frames them."""


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> [values], in order
        self.body = body

    def values(self, name):
        return self.headers.get(name.lower(), [])


def exchange(host, port, payload, limit_s=5.0):
    """Sends PAYLOAD on a new connection and reads until the server closes
    it or LIMIT_S pass; returns (bytes received, closed), closed being
    True, False (still open) or "reset"."""
    s = socket.create_connection((host, port), timeout=limit_s)
    try:
        s.sendall(payload)
    except (BrokenPipeError, ConnectionResetError):
        pass
    data, closed = b"", False
    deadline = time.monotonic() + limit_s
    try:
        while time.monotonic() < deadline:
            s.settimeout(max(0.05, deadline - time.monotonic()))
            chunk = s.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = "reset"
    s.close()
    return data, closed


def split_response(data):
    """(Response, rest) for the response at the start of DATA, or (None,
    DATA) when it is not complete yet; raises Malformed."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        if not b"HTTP/1.1 ".startswith(data[:9]):
            raise Malformed("not a status line: %r" % data[:200])
        return None, data
    lines = head.split(b"\r\n")
    status_line = lines[0].decode("latin-1")
    if not status_line.startswith("HTTP/1.1 ") or not status_line[9:12].isdigit():
        raise Malformed("not a status line: %r" % status_line[:200])
    status = int(status_line[9:12])
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name or name != name.strip() or "\n" in line.decode("latin-1"):
            raise Malformed("a malformed field line: %r" % line)
        headers.setdefault(name.lower(), []).append(value.strip())
    if "transfer-encoding" in headers:
        raise Malformed("%s carries Transfer-Encoding %s" % (status_line, headers["transfer-encoding"]))
    lengths = headers.get("content-length", [])
    if status in (204, 304) and not lengths:
        return Response(status, headers, b""), rest
    if len(lengths) != 1 or not lengths[0].isdigit():
        raise Malformed("%s has Content-Length %s (one number expected)" % (status_line, lengths))
    n = int(lengths[0])
    if len(rest) < n:
        return None, data
    return Response(status, headers, rest[:n]), rest[n:]


def parse_responses(data):
    """Every response in DATA, which must hold nothing else."""
    out = []
    while data:
        r, data = split_response(data)
        if r is None:
            raise Malformed("an incomplete response after %d: %r" % (len(out), data[:300]))
        out.append(r)
    return out


class Connection:
    """One client connection that reads responses as they come."""

    def __init__(self, host, port, timeout_s=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout_s)
        self.timeout_s = timeout_s
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def response(self):
        """The next response; raises Malformed, or TimeoutError when it does
        not complete within the time-out (a Content-Length too large)."""
        deadline = time.monotonic() + self.timeout_s
        while True:
            r, rest = split_response(self.buf)
            if r is not None:
                self.buf = rest
                return r
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no complete response within %.0f s; got %r" % (self.timeout_s, self.buf[:300]))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                raise Malformed("the connection closed in the middle of a response: %r" % self.buf[:300])
            self.buf += chunk

    def close(self):
        self.sock.close()
