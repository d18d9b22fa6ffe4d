#!/usr/bin/env python3
"""soak.py: mixed load for MINUTES while sampling the RSS of every jsfpm
process every 10 s; reports each process's growth after warm-up and every
error.  Run through tests/soak/run.sh.

Load (the example app, both doors, CLIENTS threads): the index, note lists,
single notes, note creation, 404s, bad JSON (400) and invalid notes (422),
each checked against its expected status.  Warm-up is the first fifth of
the run (at most 60 s); growth is last sample / first sample after warm-up.
Exit status 0 when no request failed, no process crashed and no process
grew by more than --max-growth percent.
"""
import argparse
import collections
import json
import os
import random
import sys
import threading
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "faults"))
from harness import Server, fcgi_request, http_request  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--jsfpm", required=True)
ap.add_argument("--dir", required=True)
ap.add_argument("--minutes", type=float, default=10)
ap.add_argument("--clients", type=int, default=4)
ap.add_argument("--workers", type=int, default=3)
ap.add_argument("--interval", type=float, default=10, help="seconds between RSS samples")
ap.add_argument("--max-growth", type=float, default=5.0, help="percent")
args = ap.parse_args()
top = os.path.abspath(os.path.join(HERE, "..", ".."))
os.makedirs(args.dir, exist_ok=True)
server = Server(args.jsfpm, args.dir, os.path.join(top, "js", "example"),
                os.path.join(args.dir, "app.db"), workers=args.workers)

counts = collections.Counter()
errors = collections.Counter()
lock = threading.Lock()
stop = threading.Event()


def one(rnd, note_ids):
    """One request of the mix; returns (what, expected status, got)."""
    k = rnd.random()
    body = b""
    if k < 0.25:
        what, method, path, want = "list", "GET", "/notes?limit=%d" % rnd.randint(1, 100), 200
    elif k < 0.45 and note_ids:
        what, method, path, want = "get", "GET", "/notes/%d" % rnd.choice(note_ids), 200
    elif k < 0.70:  # also when there is no note to get yet
        what, method, path, want = "create", "POST", "/notes", 201
        body = json.dumps({"body": "soak %d %s" % (rnd.getrandbits(32), "x" * rnd.randint(0, 2000))}).encode()
    elif k < 0.80:
        what, method, path, want = "index", "GET", "/", 200
    elif k < 0.88:
        what, method, path, want = "404", "GET", "/nowhere/%d" % rnd.randint(0, 1 << 20), 404
    elif k < 0.94:
        what, method, path, want, body = "bad json", "POST", "/notes", 400, b'{"body": '
    else:
        what, method, path, want, body = "invalid", "POST", "/notes", 422, b'{"body": ""}'
    if rnd.random() < 0.5:
        st, reply = fcgi_request(server.sock, method, path, body,
                                 params=[("CONTENT_TYPE", "application/json")])
    else:
        st, reply = http_request(server.http_port, method, path, body,
                                 headers=["Content-Type: application/json"])
    if what == "create" and st == 201:
        note_ids.append(json.loads(reply)["id"])
        if len(note_ids) > 1000:
            del note_ids[:500]
    return what, want, st


def client(n):
    rnd = random.Random(n)
    note_ids = []
    while not stop.is_set():
        try:
            what, want, st = one(rnd, note_ids)
        except OSError as e:
            what, want, st = "connection", None, type(e).__name__
        with lock:
            counts[what] += 1
            if st != want:
                errors["%s: got %s, expected %s" % (what, st, want)] += 1


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None


def roles():
    """pid -> role name, for the master, the broker and each worker."""
    b = server.broker_pid()
    out = {server.pid: "master"}
    for p in sorted(server.children()):
        out[p] = "broker" if p == b else "worker"
    return out


server.start()
duration = args.minutes * 60
warmup = min(60.0, duration / 5)
print("   soak: %.1f min, %d clients, %d workers, warm-up %.0f s, RSS every %.0f s; samples in %s"
      % (args.minutes, args.clients, args.workers, warmup, args.interval,
         os.path.join(args.dir, "rss.csv")), flush=True)
threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
for t in threads:
    t.start()
t0 = time.time()
samples = collections.defaultdict(list)  # (role, pid) -> [(t, kB)]
csv = open(os.path.join(args.dir, "rss.csv"), "w")
csv.write("seconds,role,pid,rss_kb\n")
status = 0
try:
    while True:
        now = time.time() - t0
        for pid, role in roles().items():
            kb = rss_kb(pid)
            if kb is not None:
                samples[(role, pid)].append((now, kb))
                csv.write("%.0f,%s,%d,%d\n" % (now, role, pid, kb))
        csv.flush()
        with lock:
            total = sum(counts.values())
            nerr = sum(errors.values())
        print("   t=%4.0f s  requests %7d  errors %d  rss kB: %s" % (
            now, total, nerr, " ".join("%s %d" % (r, s[-1][1]) for (r, p), s in sorted(samples.items())
                                       if s[-1][0] == now)), flush=True)
        if now >= duration:
            break
        time.sleep(min(args.interval, max(0.0, duration - now)))
finally:
    stop.set()
    for t in threads:
        t.join(20)
    log = server.log_text()
    server.stop()

elapsed = time.time() - t0
print("== requests: %d in %.0f s (%.0f/s): %s" % (
    sum(counts.values()), elapsed, sum(counts.values()) / elapsed,
    ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
print("== errors: %d%s" % (sum(errors.values()), "".join("\n   " + "%s: %d" % kv for kv in errors.items())))
if errors:
    status = 1
crashes = [l for l in log.splitlines() if "killed by signal" in l or "exited with status" in l]
print("== crashes: %d%s" % (len(crashes), "".join("\n   " + l for l in crashes[:5])))
if crashes:
    status = 1
print("== RSS growth after warm-up (%.0f s), per process:" % warmup)
worst = 0.0
for (role, pid), s in sorted(samples.items()):
    after = [kb for t, kb in s if t >= warmup]
    if len(after) < 2:
        print("   %-7s %6d: too few samples after warm-up (restarted?)" % (role, pid))
        continue
    growth = 100.0 * (after[-1] - after[0]) / after[0]
    worst = max(worst, growth)
    print("   %-7s %6d: %6d kB -> %6d kB (peak %6d kB), %+.1f%%" % (
        role, pid, after[0], after[-1], max(after), growth))
print("== largest growth: %+.1f%% (target < %.0f%%)" % (worst, args.max_growth))
if worst >= args.max_growth:
    status = 1
sys.exit(status)
