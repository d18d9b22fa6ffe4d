#!/usr/bin/env python3
"""db_load.py: concurrent autocommit inserts through the HTTP door.

  db_load.py HOST:PORT THREADS PER_THREAD ACKED_FILE [PREFIX]

Each thread sends GET /insert?k=PREFIX<thread>-<i> on its own keep-alive
connection, one request at a time (as a browser or nginx would), and
records every key whose insert was acknowledged (HTTP 200) in ACKED_FILE.
Prints one line: "acked=N failed=M errors=<first few bodies>", and the
slowest request's milliseconds to stderr as "max_ms=N".
"""
import http.client
import sys
import threading
import time

host, port = sys.argv[1].rsplit(":", 1)
threads, per_thread, acked_file = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
prefix = sys.argv[5] if len(sys.argv) > 5 else "k"
acked, failed, errors, max_ms = [], [0], [], [0.0]
lock = threading.Lock()


def worker(t):
    conn = None
    mine = []
    for i in range(per_thread):
        key = "%s%d-%d" % (prefix, t, i)
        t0 = time.monotonic()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            conn.request("GET", "/insert?k=" + key)
            resp = conn.getresponse()
            body = resp.read().decode("utf-8", "replace")
            ms = (time.monotonic() - t0) * 1000
            with lock:
                max_ms[0] = max(max_ms[0], ms)
            if resp.status == 200:
                mine.append(key)
                continue
            with lock:
                failed[0] += 1
                if len(errors) < 5:
                    errors.append("%d %s" % (resp.status, body.strip()))
        except Exception as e:  # connection reset while a worker restarts...
            with lock:
                failed[0] += 1
                if len(errors) < 5:
                    errors.append(repr(e))
            if conn is not None:
                conn.close()
            conn = None
    with lock:
        acked.extend(mine)


ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
with open(acked_file, "w") as f:
    f.write("".join(k + "\n" for k in sorted(acked)))
print("acked=%d failed=%d errors=%s" % (len(acked), failed[0], " | ".join(errors)))
print("max_ms=%d" % max_ms[0], file=sys.stderr)
