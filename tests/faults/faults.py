#!/usr/bin/env python3
"""faults.py: fault injection with write accounting.

Starts jsfpm with the app in tests/faults/app, runs a load generator that
records every acknowledged write, and meanwhile, at random moments:
kill -9 a worker, kill -9 the broker, stop the broker (SIGSTOP) for longer
than the workers wait for its answers, HUP the master (reload), QUIT the
master (graceful stop, then start it again on the same database), fill the
disk the database lives on (a ballast file on a tmpfs, when mounting works), and have
clients close connections mid-request.  Afterwards it checks:

  - the server serves again (a read and a write succeed);
  - every acknowledged write is in the database (lost writes = 0);
  - no write is half-applied: each /write?mode=tx token has both of its rows
    or neither, whatever happened to its request;
  - PRAGMA integrity_check is "ok".

and prints counts: faults injected (by kind), requests sent, failed (by
status or error), acknowledged writes, lost writes.

Usage: faults.py --jsfpm PATH --dir WORKDIR [--seconds 20] [--seed N]
                 [--clients 6] [--workers 3] [--interval 0.4:1.2]
Exit status 0 when every check passed, 1 otherwise.  Needs root only for
the tmpfs (disk-full faults are skipped, and said so, without it).
"""
import argparse
import collections
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import Server, fcgi_request, http_request  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--jsfpm", required=True)
ap.add_argument("--dir", required=True, help="work directory (config, logs, database)")
ap.add_argument("--seconds", type=float, default=20)
ap.add_argument("--seed", type=int, default=int(time.time()))
ap.add_argument("--clients", type=int, default=6)
ap.add_argument("--workers", type=int, default=3)
ap.add_argument("--interval", default="0.4:1.2", help="seconds between faults, MIN:MAX")
ap.add_argument("--disk-mb", type=int, default=32,
                help="size of the tmpfs holding the database (a long run needs room for its rows)")
args = ap.parse_args()
rnd = random.Random(args.seed)
W = os.path.abspath(args.dir)
os.makedirs(W, exist_ok=True)


def log(msg):
    print("   " + msg, flush=True)


# ---------------------------------------------------------------- the disk

DISK = os.path.join(W, "disk")
os.makedirs(DISK, exist_ok=True)
TMPFS = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm,mode=0700" % args.disk_mb,
                        "jsfpm-faults", DISK], capture_output=True).returncode == 0
if not TMPFS:
    log("cannot mount a tmpfs here (not root?): disk-full faults are skipped")
BALLAST = os.path.join(DISK, "ballast")


def fill_disk():
    """Fills the file system of the database with BALLAST (unbuffered, so
    nothing is left to flush at close); returns the bytes written."""
    n = 0
    fd = os.open(BALLAST, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    block = b"\0" * 65536
    try:
        while True:
            n += os.write(fd, block)
    except OSError:
        pass
    finally:
        os.close(fd)
    return n


# ---------------------------------------------------------------- the server

DB = os.path.join(DISK, "app.db")
# How long a worker waits for the broker's answer ([database] busy_timeout):
# shorter than the default, so that a stalled broker (fault_stall_broker)
# outlasts it within a short run.
CALL_TIMEOUT_S = 2.0
server = Server(args.jsfpm, W, os.path.join(HERE, "app"), DB, workers=args.workers,
                busy_timeout="%dms" % (CALL_TIMEOUT_S * 1000))
server_lock = threading.Lock()  # QUIT + restart is not atomic


# ---------------------------------------------------------------- clients

stats = collections.Counter()       # requests sent, aborted ...
failures = collections.Counter()    # by status or error
# For the report of a failed run: failures per second of the run by door,
# and when each fault came (seconds since the load started).
failed_per_s = collections.defaultdict(collections.Counter)
fault_times = []
T0 = time.time()
acked = {}                          # token -> mode, for acknowledged writes
sent = {}                           # token -> mode, every write attempted
lock = threading.Lock()
stop_load = threading.Event()


def client(n):
    i = 0
    while not stop_load.is_set():
        i += 1
        token = "c%d-%d-%08x" % (n, i, rnd.getrandbits(32))
        mode = "tx" if rnd.random() < 0.6 else "auto"
        abort_early = rnd.random() < 0.05
        path = "/write?" + urllib.parse.urlencode({"token": token, "mode": mode})
        with lock:
            sent[token] = mode
            stats["requests sent"] += 1
        door = "fcgi" if rnd.random() < 0.5 else "http"
        try:
            if door == "fcgi":
                st, body = fcgi_request(server.sock, "POST", path, abort_early=abort_early and rnd)
            else:
                st, body = http_request(server.http_port, "POST", path, abort_early=abort_early and rnd)
        except (ConnectionRefusedError, FileNotFoundError):
            st, body = "connection refused", b""
            time.sleep(0.05)
        except (ConnectionResetError, BrokenPipeError):
            st, body = "connection reset", b""
        except socket.timeout:
            st, body = "timeout", b""
        with lock:
            if abort_early:
                stats["closed by the client mid-request"] += 1
            elif st == 201:
                try:
                    reply = json.loads(body)
                except ValueError:
                    reply = {}
                if reply.get("token") != token:
                    failures["201 with a wrong body"] += 1
                else:
                    acked[token] = mode
            else:
                failures[str(st)] += 1
                failed_per_s[int(time.time() - T0)][door] += 1


# ---------------------------------------------------------------- faults

faults = collections.Counter()


def fault_kill_worker():
    b = server.broker_pid()
    pids = [p for p in server.children() if p != b]
    if pids:
        os.kill(rnd.choice(pids), signal.SIGKILL)
        return True


def fault_kill_broker():
    b = server.broker_pid()
    if b and b in server.children():
        os.kill(b, signal.SIGKILL)
        return True


def fault_stall_broker():
    """The broker stops (a disk that hangs, a process swapped out) for
    longer than the workers wait: every call in flight times out and its
    worker drops the connection, whatever it was waiting for (a commit in a
    commit chain, the writer, a reply), and the broker, when it runs again,
    finds them all gone at once."""
    b = server.broker_pid()
    if not b or b not in server.children():
        return False
    os.kill(b, signal.SIGSTOP)
    try:
        time.sleep(CALL_TIMEOUT_S + 0.5)
    finally:
        try:
            os.kill(b, signal.SIGCONT)
        except ProcessLookupError:
            pass  # killed meanwhile (the master gave up on it): gone is gone
    return True


def fault_hup():
    server.kill(signal.SIGHUP)
    return True


def fault_quit_restart():
    with server_lock:
        server.stop(signal.SIGQUIT)
        if server.proc.returncode not in (0, None):
            failures["master exit status %s after QUIT" % server.proc.returncode] += 1
        server.start()
    return True


def fault_disk_full():
    try:
        n = fill_disk()
        time.sleep(rnd.uniform(0.5, 1.5))  # writes meanwhile must fail cleanly
    finally:
        os.unlink(BALLAST)
    return n > 0


FAULTS = [(fault_kill_worker, 4), (fault_kill_broker, 2), (fault_stall_broker, 1), (fault_hup, 2),
          (fault_quit_restart, 1)]
if TMPFS:
    FAULTS.append((fault_disk_full, 2))


def injector(end):
    lo, hi = (float(x) for x in args.interval.split(":"))
    while time.time() < end:
        time.sleep(rnd.uniform(lo, hi))
        if time.time() >= end:
            break
        fn = rnd.choices([f for f, _ in FAULTS], [w for _, w in FAULTS])[0]
        started = time.time() - T0
        if fn():
            faults[fn.__name__[6:]] += 1
            fault_times.append((started, fn.__name__[6:]))


# ---------------------------------------------------------------- run

last_probe = {}  # path -> what the last probe after the faults got, for the failure report


def request_ok(path, method="GET"):
    try:
        st, body = http_request(server.http_port, method, path, timeout=5)
    except OSError as e:
        st, body = type(e).__name__, str(e).encode()
    last_probe[path.split("?")[0]] = "%s %s" % (st, body[:300].decode(errors="replace"))
    return st in (200, 201)


def wait_serving(timeout_s):
    """Seconds until a read and a write succeed, or None after TIMEOUT_S."""
    start = time.time()
    while time.time() < start + timeout_s:
        if request_ok("/ping") and request_ok("/write?token=after-%d&mode=tx" % rnd.getrandbits(30), "POST"):
            return time.time() - start
        time.sleep(0.1)
    return None


status = 0
try:
    log("seed %d, %d s, %d clients, %d workers, database on %s" % (
        args.seed, args.seconds, args.clients, args.workers, "a %d MB tmpfs" % args.disk_mb if TMPFS else W))
    server.start()
    T0 = time.time()
    end = T0 + args.seconds
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    for t in threads:
        t.start()
    injector(end)
    stop_load.set()
    for t in threads:
        t.join(30)

    serves_after = wait_serving(20)
    serves = serves_after is not None
    with server_lock:
        server.stop(signal.SIGTERM)

    sizes = ", ".join("%s %d kB" % (suffix or "database", os.path.getsize(DB + suffix) // 1024)
                      for suffix in ("", "-wal") if os.path.exists(DB + suffix))
    db = sqlite3.connect(DB)
    rows = collections.defaultdict(set)
    for token, part in db.execute("SELECT token, part FROM writes"):
        rows[token].add(part)
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()

    lost = [t for t, mode in acked.items() if rows.get(t) != ({1, 2} if mode == "tx" else {1})]
    half = [t for t, parts in rows.items() if sent.get(t) == "tx" and parts != {1, 2}]
    unknown_applied = sum(1 for t in sent if t not in acked and t in rows)

    print("== faults injected: %d (%s)" % (sum(faults.values()), ", ".join(
        "%s %d" % kv for kv in sorted(faults.items()))))
    print("== requests sent: %d; closed by the client mid-request: %d" % (
        stats["requests sent"], stats["closed by the client mid-request"]))
    print("== failed: %d (%s)" % (sum(failures.values()), ", ".join(
        "%s: %d" % kv for kv in sorted(failures.items())) or "none"))
    print("== acknowledged writes: %d (tx %d, autocommit %d); unacknowledged but applied: %d" % (
        len(acked), sum(1 for m in acked.values() if m == "tx"),
        sum(1 for m in acked.values() if m == "auto"), unknown_applied))
    print("== lost writes: %d" % len(lost))
    print("== half-applied transactions: %d" % len(half))
    print("== integrity_check: %s (%s)" % (integrity, sizes))
    print("== serves again after the faults: %s" % (
        "yes (a read and a write within %.1f s)" % serves_after if serves else "NO"))
    if lost:
        print("FAIL: acknowledged but missing: %s" % lost[:10])
        status = 1
    if half:
        print("FAIL: half-applied: %s" % [(t, sorted(rows[t])) for t in half[:10]])
        status = 1
    if integrity != "ok":
        print("FAIL: integrity_check: %s" % integrity)
        status = 1
    if not serves:
        print("FAIL: the server did not serve a read and a write within 20 s after the faults")
        for path, got in sorted(last_probe.items()):
            print("   last %s: %s" % (path, got))
        status = 1
    if len(acked) == 0:
        print("FAIL: not a single write was acknowledged")
        status = 1
    # The last one: the broker found its writer inside a transaction nobody
    # owned (it rolls it back and serves on; a test run must not get there).
    log_text = server.log_text()  # the server has stopped: read once
    for bad in ("AddressSanitizer", "runtime error:", "LeakSanitizer", "a transaction nobody owns"):
        if bad in log_text:
            print("FAIL: the server log reports %s" % bad)
            status = 1
    if status != 0:
        print("== failed requests per second of the run (fcgi/http), and the faults:")
        for sec in range(int(args.seconds) + 1):
            got = failed_per_s.get(sec, {})
            print("   %3d s: %5d/%-5d %s" % (sec, got.get("fcgi", 0), got.get("http", 0), ", ".join(
                "%s at %.1f s" % (name, t) for t, name in fault_times if int(t) == sec)))
        # CI keeps only this output: the server's own account of the run,
        # without the repeats of the disk-full errors.
        print("== the server log, each message once, the last 60 (of the master, broker and workers):")
        seen = collections.OrderedDict()
        for line in log_text.splitlines():
            # tokens, request ids, pids and other numbers vary
            key = re.sub(r"token=[^&\s]*|\[[0-9a-f]+\]|[0-9]+", "N", line.split("] ", 1)[-1])[:160]
            seen.pop(key, None)
            seen[key] = line[:400]
        for line in list(seen.values())[-60:]:
            print("   " + line)
finally:
    if server.proc is not None:
        server.stop(signal.SIGKILL)
    if TMPFS:
        subprocess.run(["umount", "-l", DISK])
sys.exit(status)
