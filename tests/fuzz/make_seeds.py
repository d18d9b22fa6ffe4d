#!/usr/bin/env python3
"""make_seeds.py: writes the seed corpus of the fuzz harnesses into
tests/fuzz/corpus/<target>/ (run it again after changing it; the files are
committed so run.sh needs nothing but clang)."""
import json
import os
import struct
import sys
sys.dont_write_bytecode = True

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import fcgi_client as fc  # noqa: E402


def put(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def pairs(d):
    out = b""
    for k, v in d.items():
        k, v = k.encode(), v.encode()
        for n in (len(k), len(v)):
            out += bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
        out += k + v
    return out


def request(rid=1, keep=0, params=None, body=b""):
    params = params or {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "/", "REQUEST_URI": "/x?a=1",
                        "QUERY_STRING": "a=1", "HTTP_HOST": "example"}
    r = fc.record(fc.FCGI_BEGIN_REQUEST, rid, struct.pack(">HB5x", 1, keep))
    r += fc.record(fc.FCGI_PARAMS, rid, pairs(params)) + fc.record(fc.FCGI_PARAMS, rid)
    if body:
        r += fc.record(fc.FCGI_STDIN, rid, body)
    return r + fc.record(fc.FCGI_STDIN, rid)


def fcgi():
    put("fcgi", "get", b"\x00" + request())
    put("fcgi", "get_split1", b"\x01" + request())
    put("fcgi", "post_body", b"\x07" + request(params={"REQUEST_METHOD": "POST", "CONTENT_LENGTH": "11"},
                                             body=b"hello world"))
    put("fcgi", "keepconn_two", b"\x00" + request(keep=1) + request(keep=1, rid=2))
    put("fcgi", "get_values", b"\x00" + fc.record(fc.FCGI_GET_VALUES, 0, pairs(
        {"FCGI_MAX_CONNS": "", "FCGI_MAX_REQS": "", "FCGI_MPXS_CONNS": ""})))
    put("fcgi", "abort", b"\x00" + fc.record(fc.FCGI_BEGIN_REQUEST, 1, struct.pack(">HB5x", 1, 0))
        + fc.record(fc.FCGI_ABORT_REQUEST, 1))
    put("fcgi", "mpx", b"\x00" + fc.record(fc.FCGI_BEGIN_REQUEST, 1, struct.pack(">HB5x", 1, 1))
        + request(rid=2))
    put("fcgi", "unknown_type", b"\x00" + fc.record(42, 0, b"abcdefgh") + request())
    put("fcgi", "bad_version", b"\x00" + b"\x02" + request()[1:])
    put("fcgi", "authorizer", b"\x00" + fc.record(fc.FCGI_BEGIN_REQUEST, 1, struct.pack(">HB5x", 2, 0)))
    put("fcgi", "long_param", b"\x80" + request(params={"X": "y" * 300}))
    put("fcgi", "params_only", pairs({"A": "1", "LONG": "z" * 200}))


def frame_v1(obj_or_bytes):
    b = obj_or_bytes if isinstance(obj_or_bytes, bytes) else json.dumps(obj_or_bytes).encode()
    return struct.pack(">I", len(b)) + b


def frame(obj_or_bytes, sections=()):
    """A protocol 2 frame: version byte, JSON length, JSON, sections."""
    j = obj_or_bytes if isinstance(obj_or_bytes, bytes) else json.dumps(obj_or_bytes).encode()
    p = b"\x02" + struct.pack(">I", len(j)) + j + b"".join(struct.pack(">I", len(x)) + x for x in sections)
    return struct.pack(">I", len(p)) + p


def rowset(names, rows):
    """A row set (src/rowset.h): values are None, int, float, str or bytes."""
    out = struct.pack(">I", len(names)) + b"".join(struct.pack(">I", len(n.encode())) + n.encode() for n in names)
    out += struct.pack(">I", len(rows))
    for row in rows:
        for v in row:
            if v is None:
                out += b"\x00"
            elif isinstance(v, int):
                out += b"\x01" + struct.pack(">q", v)
            elif isinstance(v, float):
                out += b"\x02" + struct.pack(">d", v)
            elif isinstance(v, str):
                out += b"\x03" + struct.pack(">I", len(v.encode())) + v.encode()
            else:
                out += b"\x04" + struct.pack(">I", len(v)) + v
    return out


def frames():
    put("frame", "query", frame({"id": 1, "op": "query", "sql": "SELECT ?", "params": [1]}))
    put("frame", "types", frame({"id": 2, "op": "query", "sql": "SELECT ?, ?, typeof(?)",
                                 "params": [None, 2.5, "t\u00e9xt"]}))
    put("frame", "insert_blob", frame({"id": 3, "op": "execute", "sql": "INSERT INTO t (a, b) VALUES (?, ?)",
                                       "params": [{"$blob": "AAEC/w=="}, 9223372036854775807]}))
    put("frame", "pipeline", frame({"id": 4, "op": "ping"}) + frame(
        {"id": 5, "op": "query", "sql": "SELECT a, b, CAST(b AS BLOB) FROM t ORDER BY rowid DESC LIMIT 3"}))
    put("frame", "exec", frame({"id": 6, "op": "exec", "sql": "BEGIN"}))
    put("frame", "bad_b64", frame({"id": 7, "op": "query", "sql": "SELECT length(?), hex(?)",
                                   "params": [{"$blob": "A==="}, {"$blob": "QUJD"}]}))
    put("frame", "nul_sql", frame(b'{"id":8,"op":"query","sql":"SELECT 1\\u0000; DROP TABLE t"}'))
    put("frame", "not_object", frame(b"[1,2,3]"))
    put("frame", "huge_len", b"\x7f\xff\xff\xff{}")
    put("frame", "bad_json", frame(b'{"id":1,'))
    put("frame", "batch", frame({"id": 10, "op": "batch", "atomic": True, "statements": [
        {"sql": "INSERT INTO t (a, b) VALUES (?, ?)", "params": [1, "a"]},
        {"sql": "SELECT ?", "params": [{"$blob": ""}]}]}))
    put("frame", "batch_loose", frame({"id": 11, "op": "batch", "atomic": False, "statements": [
        {"sql": "SELECT :name", "params": [1]}, {"sql": "SELECT ?1", "params": [2.0]}, 5]}))
    put("frame", "bool_obj", frame({"id": 9, "op": "query", "sql": "SELECT ?, ?", "params": [True, {"x": 1}]}))
    put("frame", "query_json", frame({"id": 17, "op": "query", "format": "json",
                                      "sql": "SELECT ?, ?, typeof(?)", "params": [2.5, "a\u2028\"", None]}))
    # protocol 3: a statement that begins its transaction
    put("frame", "begin_stmt", frame({"id": 18, "op": "execute", "begin": True,
                                      "sql": "INSERT INTO t (a, b) VALUES (?, ?)", "params": [2, "b"]}))
    # protocol 1 frames (an old worker): decoded, refused unread by broker.c
    put("frame", "v1_ping", frame_v1({"id": 12, "op": "ping", "protocol": 3}))
    put("frame", "v1_query", frame_v1({"id": 13, "op": "query", "sql": "SELECT ?", "params": [1]}))
    # replies as the worker decodes them: row sets in sections
    rs = rowset(["id", "name", "data", "x"], [[1, "a\u00e9", b"\x00\xff", None],
                                             [-9223372036854775808, "", b"", 2.5]])
    put("frame", "reply_rowset", frame({"id": 14, "ok": True, "rowset": 0}, [rs]))
    put("frame", "reply_batch", frame({"id": 15, "ok": True, "results": [
        {"ok": True, "rowset": 0}, {"ok": True, "changes": 1, "lastInsertRowid": 2},
        {"ok": True, "rowset": 1}]}, [rs, rowset(["n"], [])]))
    put("frame", "reply_bad_rowset", frame({"id": 16, "ok": True, "rowset": 0}, [rs[:-3]]))


def configs():
    put("config", "minimal", "[server]\nlisten = /run/jsfpm.sock\nworkers = 2\n")
    put("config", "full", """; a full config
[server]
listen = 127.0.0.1:9000
listen.mode = 0660
http_listen = 127.0.0.1:8080
workers = 4
runtime_dir = /run/jsfpm
pid_file = /run/jsfpm.pid
error_log = stderr
log_level = debug
max_body_size = 1m
max_params_size = 64k
respawn_delay = 100ms
max_requests = 1000
request_terminate_timeout = 30s
[app]
root = app
main = main.js
request_timeout = 2s
dev = yes
isolation = request
memory_limit = 64m
locales = en, fr-CA
[database]
path = db/app.db
synchronous = normal
[env]
NAME = value with spaces
EMPTY =
""")
    put("config", "errors", "[server]\nworkers = -1\nnosuch = 1\n[nosection]\nx=1\n")
    put("config", "cluster", "[cluster]\naddress = 10.0.0.2:9001\nnode_id = 2\n"
        "peers = 10.0.0.1:9001, [fd00::3]:9001\ndata_dir = c\nnetwork_latency = 20ms\n")
    put("config", "cluster_bad", "[cluster]\naddress = 8.8.8.8:1\npeers = 10.0.0.1:9001,,[fe80::1]:0\n")
    put("config", "odd", "\xef\xbb\xbf[server]\r\n  listen=  /a b/c ; comment\r\n[env]\nK=\"q\";x\n")


def js_json():
    # flags, spec length, spec, reply JSON
    put("js_json", "echo_basic", bytes([0, 6, 0, 1, 2 | 0x80, 4 | (3 << 3)]) + b"abc")
    put("js_json", "echo_number", bytes([0, 9, 3]) + struct.pack("<d", 1.5))
    put("js_json", "echo_blob", bytes([0, 4, 5 | (3 << 3)]) + b"\x00\xff\x10")
    put("js_json", "echo_bigint", bytes([0, 2, 7 | (20 << 3), 7 | (3 << 3)]))
    put("js_json", "echo_cesu", bytes([0, 4, 4 | (3 << 3)]) + b"\xed\xa0\x80")
    put("js_json", "nan", bytes([0, 9, 3]) + struct.pack("<d", float("nan")))
    put("js_json", "reply_values", bytes([2, 0]) + json.dumps(
        ["__proto__", 9007199254740993, -9223372036854775808, 1e308, {"$blob": "AAE="},
         {"$blob": 5}, "\u0000x", None, True, [1], {"a": 1}]).encode())
    put("js_json", "execute", bytes([3, 0]) + b'[1, 18446744073709551615]')
    put("js_json", "batch", bytes([4, 6, 0, 3, 1, 2, 3, 4]) + b"")
    put("js_json", "batch_cesu_atomic", bytes([12, 4, 4 | (3 << 3)]) + b"\xed\xa0\x80")


def dqlite_proto():
    # Byte 0: the response expected (index into fuzz_dqlite_proto.c's
    # list: SERVER, SERVERS, DB, STMT, RESULT, ROWS, EMPTY, FILES); byte 1: the
    # parameter count to encode; then messages as a dqlite node sends them.
    def u64(v):
        return struct.pack("<Q", v & 0xffffffffffffffff)

    def text(s):
        b = s.encode() + b"\0"
        return b + b"\0" * (-len(b) % 8)

    def msg(mtype, body, schema=0):
        return struct.pack("<IBBH", len(body) // 8, mtype, schema, 0) + body

    def row(types, values):
        header = 0
        for i, t in enumerate(types):
            header |= t << (4 * i)
        hb = header.to_bytes((len(types) + 1) // 2, "little")
        return hb + b"\0" * (-len(hb) % 8) + values

    cols = u64(3) + text("id") + text("body") + text("data")
    rows = (row([1, 3, 4], u64(7) + text("hello") + u64(2) + b"\x01\x02" + b"\0" * 6) +
            row([2, 5, 10], struct.pack("<d", -1.5) + u64(0) + text("2024-01-02")) +
            row([9, 11, 3], u64(1700000000) + u64(1) + text("")))
    put("dqlite_proto", "rows_two_parts", bytes([5, 3]) + msg(7, cols + rows + u64(0xeeeeeeeeeeeeeeee)) +
        msg(7, cols + rows + u64(0xffffffffffffffff)))
    put("dqlite_proto", "query_failure_after_rows", bytes([5, 1]) + msg(0, cols + rows + u64(1555) +
                                                                         text("UNIQUE constraint failed: t.id")))
    put("dqlite_proto", "rows_none", bytes([5, 0]) + msg(7, u64(0) + u64(0xffffffffffffffff)))
    put("dqlite_proto", "failure", bytes([4, 2]) + msg(0, u64(2067) + text("UNIQUE constraint failed: t.id")))
    put("dqlite_proto", "result", bytes([4, 1]) + msg(6, u64(5) + u64(1)))
    put("dqlite_proto", "server", bytes([0, 0]) + msg(1, u64(2) + text("10.0.0.2:9001")))
    put("dqlite_proto", "servers", bytes([1, 9]) + msg(3, u64(2) + u64(1) + text("10.0.0.1:9001") + u64(0) +
                                                       u64(2) + text("[fd00::2]:9001") + u64(2)))
    put("dqlite_proto", "db_stmt", bytes([2, 4]) + msg(4, struct.pack("<II", 0, 0)) +
        msg(5, struct.pack("<II", 0, 1) + u64(2)))
    page = b"SQLite format 3\0" + bytes(range(48))
    put("dqlite_proto", "files_dump", bytes([7, 0]) + msg(9, u64(2) + text("jsfpm.db") + u64(len(page)) + page +
                                                          text("jsfpm.db-wal") + u64(0)))
    put("dqlite_proto", "empty_many_params", bytes([6, 253]) + msg(8, u64(0)) + b"\x03x\x02yz\x0aISO" * 40)


def http():
    # mode byte (0x80: 64-byte head limit, 0x40: 16-byte body limit, low 6
    # bits: read size, 0 = one byte), then what a client sends.
    get = b"GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com:80\r\nAccept: */*\r\n\r\n"
    put("http", "get", b"\x00" + get)
    put("http", "get_split7", b"\x07" + get)
    put("http", "pipelined", b"\x10" + get + b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello" + get)
    put("http", "chunked", b"\x03POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n")
    put("http", "chunked_small_limits", b"\xc5POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"10\r\n0123456789abcdef\r\n1\r\nx\r\n0\r\n\r\n")
    put("http", "expect", b"\x00POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi")
    put("http", "absolute_form", b"\x00GET http://evil:8/x?y HTTP/1.1\r\nHost: other\r\n\r\n")
    put("http", "http10", b"\x02GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n")
    put("http", "two_lengths", b"\x00POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nabc")
    put("http", "cl_te", b"\x00POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    put("http", "obs_fold", b"\x01GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n")
    put("http", "bare_lf", b"\x00GET / HTTP/1.1\nHost: h\n\n")
    put("http", "long_line", b"\x80GET /" + b"a" * 100 + b" HTTP/1.1\r\n\r\n")


fcgi()
http()
frames()
configs()
js_json()
dqlite_proto()
