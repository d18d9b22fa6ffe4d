#!/usr/bin/env python3
"""A client sending a request body slowly and never finishing it, for
upload.sh: it sends the head, then SEND bytes of the body in pieces of
PIECE with a pause between them, stopping early once the server has
answered, and then waits (10 s at most) for the answer.  The body stays
incomplete (a declared TOTAL above SEND; no last chunk; no empty STDIN
record), so an answer means the server refused it before its end.  Prints
"STATUS SENT" (the status code, "?" for none, and the body bytes sent when
the answer came).

  upload_slow.py http HOST:PORT declared TOTAL SEND PIECE   Content-Length: TOTAL
  upload_slow.py http HOST:PORT chunked - SEND PIECE        Transfer-Encoding: chunked
  upload_slow.py fcgi SOCKET declared TOTAL SEND PIECE      CONTENT_LENGTH = TOTAL
  upload_slow.py fcgi SOCKET stream - SEND PIECE            no CONTENT_LENGTH
"""

import select
import socket
import struct
import sys
import time

PAUSE_S = 0.02


def fcgi_record(rtype, content, rid=1):
    out = b""
    for i in range(0, max(len(content), 1), 65535):
        part = content[i:i + 65535]
        pad = (8 - len(part) % 8) % 8
        out += struct.pack(">BBHHBB", 1, rtype, rid, len(part), pad, 0) + part + b"\0" * pad
    return out


def fcgi_pair(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


def answered(sock):
    return bool(select.select([sock], [], [], 0)[0])


def read_answer(sock, fcgi):
    data = b""
    sock.settimeout(10)
    while True:
        try:
            got = sock.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not got:
            break
        data += got
        if fcgi and b"\x01\x03\x00\x01" in data:  # END_REQUEST of request 1
            break
        if not fcgi and b"\r\n\r\n" in data:
            break
    if fcgi:
        text = b""
        pos = 0
        while pos + 8 <= len(data):
            _, rtype, _, clen, pad, _ = struct.unpack(">BBHHBB", data[pos:pos + 8])
            if rtype == 6:
                text += data[pos + 8:pos + 8 + clen]
            pos += 8 + clen + pad
        line = text.split(b"\r\n", 1)[0].decode()
        return line.split()[1] if line.startswith("Status:") else "?"
    line = data.split(b"\r\n", 1)[0].decode()
    return line.split()[1] if line.startswith("HTTP/") else "?"


def main():
    door, where, mode, total = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    send, piece = int(sys.argv[5]), int(sys.argv[6])
    if door == "http":
        host, port = where.rsplit(":", 1)
        sock = socket.create_connection((host, int(port)))
        framing = b"Content-Length: %d" % int(total) if mode == "declared" else b"Transfer-Encoding: chunked"
        sock.sendall(b"POST /hash HTTP/1.1\r\nHost: test\r\n" + framing + b"\r\n\r\n")
    else:
        sock = socket.socket(socket.AF_UNIX)
        sock.connect(where)
        params = fcgi_pair(b"REQUEST_METHOD", b"POST") + fcgi_pair(b"REQUEST_URI", b"/hash")
        if mode == "declared":
            params += fcgi_pair(b"CONTENT_LENGTH", total.encode())
        sock.sendall(fcgi_record(1, struct.pack(">HB5x", 1, 1)) + fcgi_record(4, params) + fcgi_record(4, b""))
    sent = 0
    while sent < send and not answered(sock):
        n = min(piece, send - sent)
        data = b"x" * n
        if door == "http" and mode == "chunked":
            data = b"%x\r\n" % n + data + b"\r\n"
        elif door == "fcgi":
            data = fcgi_record(5, data)
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += n
        time.sleep(PAUSE_S)
    print(read_answer(sock, door == "fcgi"), sent)
    return 0

if __name__ == "__main__":
    sys.exit(main())
