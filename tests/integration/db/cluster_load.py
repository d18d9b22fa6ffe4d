#!/usr/bin/env python3
"""cluster_load.py: the example app's writes (POST /notes) through nginx
until told to stop, every acknowledged one recorded.

  cluster_load.py HOST:PORT THREADS STOP_FILE ACKED_FILE FAILED_FILE

Each thread posts {"body": "t<thread>-<i>"} on its own keep-alive
connection, one request at a time, until STOP_FILE exists.  Every write
answered 201 is a line "body id ms sent_ms" in ACKED_FILE (ms and
sent_ms: milliseconds since the epoch when the answer came and when the
request was sent), written as it comes so that the test can
watch the load's progress; every other answer (or exception) is a line
"ms status" in FAILED_FILE.  At the end it prints one line:
"acked=N failed=M statuses=<status:count,...>".
"""
import http.client
import json
import os
import sys
import threading
import time

host, port = sys.argv[1].rsplit(":", 1)
threads, stop_file, acked_file, failed_file = int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
lock = threading.Lock()
counts = {"acked": 0, "failed": 0}
statuses = {}
out = open(acked_file, "a", buffering=1)
failed = open(failed_file, "a", buffering=1)


def post(conn, body):
    conn.request("POST", "/notes", json.dumps({"body": body}),
                 {"Content-Type": "application/json"})
    resp = conn.getresponse()
    return resp.status, resp.read().decode("utf-8", "replace")


def worker(t):
    conn = None
    i = 0
    while not os.path.exists(stop_file):
        i += 1
        body = "t%d-%d" % (t, i)
        sent = time.time()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            status, text = post(conn, body)
        except Exception as e:  # nginx closed a kept-alive connection...
            status, text = type(e).__name__, ""
            if conn is not None:
                conn.close()
            conn = None
        with lock:
            statuses[status] = statuses.get(status, 0) + 1
            if status == 201:
                counts["acked"] += 1
                out.write("%s %d %d %d\n" % (body, json.loads(text)["id"], time.time() * 1000, sent * 1000))
            else:
                counts["failed"] += 1
                failed.write("%d %s\n" % (time.time() * 1000, status))
        if status != 201:
            time.sleep(0.05)  # a fault: do not spin while it lasts


ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
print("acked=%d failed=%d statuses=%s" % (
    counts["acked"], counts["failed"],
    ",".join("%s:%d" % (k, v) for k, v in sorted(statuses.items(), key=str))))
