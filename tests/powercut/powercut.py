#!/usr/bin/env python3
"""powercut.py: power cuts at random points of a write load, with write
accounting (docs/reliability.md, "Power cuts").

One run:
  1. jsfpm starts with powercut_shim.so preloaded (POWERCUT_ROOT: the tree
     holding the database directory and the backups), on no database at
     all: the master creates the database directory (as root, with user =
     nobody), the broker creates the database and applies migration 001.
  2. For --seconds, clients write through FastCGI and HTTP: autocommit
     writes from several workers at once (group commits), transactions with
     savepoints, and writes into the table of migration 002, which is added
     a third of the way through (the broker is restarted to apply it).  Two
     thirds of the way through they pause for 1.5 s (the idle broker
     checkpoints and truncates the WAL).  Meanwhile `jsfpm --backup` runs
     again and again.  Every acknowledged write (a 201 carrying its token),
     every finished backup and the migration are recorded with the log
     position at the moment the client learnt of it.
  3. The server stops cleanly.  Replaying the whole log must give exactly
     the files on disk (proof that the log missed nothing).
  4. --cuts power cuts: a log position (at random; one during the
     migration, one in the pause, one during a backup) and a disk that such
     a cut may leave (crashimage.py: only the synced state, everything
     written, or a torn mix).  A fresh jsfpm (no shim) opens each such disk and must serve a
     read and a write; then, on its database: every write acknowledged
     before the cut is there and whole, no transaction is half-applied (a
     tx token has parts 1, 2, 4 or nothing; part 3, rolled back to its
     savepoint, never), migration 002 is all there or not at all,
     integrity_check is ok; and every backup file is complete (it holds
     every write acknowledged before it began, all of them whole,
     integrity ok) or absent, and present if it was reported done.

Usage: powercut.py --jsfpm PATH --shim PATH --dir WORKDIR [--runs 1]
                   [--cuts 12] [--seconds 4] [--seed N] [--synchronous MODE]
Exit status 0 when every check of every cut passed.
"""
import argparse
import collections
import json
import os
import pwd
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "faults"))
import crashimage  # noqa: E402
from harness import Server, fcgi_request, http_request  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--jsfpm", required=True)
ap.add_argument("--shim", required=True, help="powercut_shim.so")
ap.add_argument("--dir", required=True, help="work directory")
ap.add_argument("--runs", type=int, default=1, help="load runs, each with its own cuts")
ap.add_argument("--cuts", type=int, default=12, help="power cuts per run")
ap.add_argument("--seconds", type=float, default=4, help="load per run")
ap.add_argument("--seed", type=int, default=int(time.time()))
ap.add_argument("--clients", type=int, default=4)
ap.add_argument("--workers", type=int, default=3)
ap.add_argument("--synchronous", help="[database] synchronous for the load (default: the server's)")
ap.add_argument("--keep", action="store_true", help="keep every cut's disk (failing ones are always kept)")
args = ap.parse_args()
W = os.path.abspath(args.dir)
os.makedirs(W, exist_ok=True)
JSFPM = os.path.abspath(args.jsfpm)
SHIM = os.path.abspath(args.shim)
# As root the server runs as it does in production: user = nobody, and the
# master creates the database directory.
AS_NOBODY = os.geteuid() == 0 and any(p.pw_name == "nobody" for p in pwd.getpwall())
TX_PARTS, AUTO_PARTS = {1, 2, 4}, {1}
# Servers run in sessions of their own (a Ctrl-C does not reach them):
# whatever is still running when this script ends is killed.
LIVE = set()
SANITIZER_REPORTS = ("AddressSanitizer", "runtime error:", "LeakSanitizer")


def log(msg):
    print("   " + msg, flush=True)


def readable_by_all(path):
    for d, dirs, files in os.walk(path):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)


class Run:
    """One load under the shim, then its cuts."""

    def __init__(self, n, rnd):
        self.n, self.rnd = n, rnd
        self.dir = os.path.join(W, "run%d" % n)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.disk = os.path.join(self.dir, "disk")  # POWERCUT_ROOT
        self.log_path = os.path.join(self.dir, "powercut.log")
        self.app = os.path.join(self.dir, "app")
        shutil.copytree(os.path.join(HERE, "app"), self.app)
        base = ["backup"] if AS_NOBODY else ["backup", "data"]
        for d in base:
            os.makedirs(os.path.join(self.disk, d))
        self.base_dirs = base
        open(self.log_path, "wb").close()
        if AS_NOBODY:
            readable_by_all(self.dir)
            os.chmod(W, 0o755)
        extra = "user = nobody\n" if AS_NOBODY else ""
        self.server = Server(JSFPM, self.dir, self.app, os.path.join(self.disk, "data", "app.db"),
                             workers=args.workers, extra=extra)
        if args.synchronous:
            with open(self.server.conf, "a") as f:
                f.write("synchronous = %s\n" % args.synchronous)
        asan = os.environ.get("ASAN_OPTIONS", "")
        # The shim comes before the sanitizer runtime in the list of
        # libraries; it forwards every call to it, so the order is harmless.
        self.env = {"LD_PRELOAD": SHIM, "POWERCUT_LOG": self.log_path, "POWERCUT_ROOT": self.disk,
                    "ASAN_OPTIONS": (asan + ":" if asan else "") + "verify_asan_link_order=0"}
        self.acked = []       # (token, mode, log position when the client saw the 201)
        self.sent = {}        # token -> mode, every write attempted
        self.backups = []     # (file name, log position at its start, at its success or None)
        self.backup_errors = []
        self.failed = collections.Counter()
        self.migration = None  # (log position before the broker restart, after "applied")
        self.pause = None      # (log positions) while the clients paused
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.writing = threading.Event()  # cleared for a pause in the load
        self.writing.set()

    def pos(self):
        return os.stat(self.log_path).st_size

    # ------------------------------------------------------------ the load

    def client(self, n):
        rnd = random.Random(self.rnd.random())
        i = 0
        while not self.stop.is_set():
            self.writing.wait()
            i += 1
            token = "r%d-c%d-%d" % (self.n, n, i)
            mode = rnd.choices(("auto", "tx", "m2"), (50, 35, 15))[0]
            path = "/write?" + urllib.parse.urlencode({"token": token, "mode": mode})
            with self.lock:
                self.sent[token] = mode
            try:
                if rnd.random() < 0.5:
                    st, body = fcgi_request(self.server.sock, "POST", path)
                else:
                    st, body = http_request(self.server.http_port, "POST", path)
            except OSError as e:
                st, body = type(e).__name__, b""
            try:
                ok = st == 201 and json.loads(body).get("token") == token
            except ValueError:
                ok = False
            if ok:
                p = self.pos()
                with self.lock:
                    self.acked.append((token, mode, p))
            else:
                with self.lock:
                    self.failed[str(st)] += 1

    def backup_loop(self):
        i = 0
        while not self.stop.is_set():
            i += 1
            name = "b%03d.db" % i
            start = self.pos()
            r = subprocess.run([JSFPM, "-c", self.server.conf, "--backup",
                                os.path.join(self.disk, "backup", name)],
                               env=dict(os.environ, **self.env), capture_output=True, text=True)
            done = self.pos() if r.returncode == 0 else None
            with self.lock:
                self.backups.append((name, start, done))
                if r.returncode != 0 or any(bad in r.stderr for bad in SANITIZER_REPORTS):
                    self.backup_errors.append(r.stderr.strip())
            self.stop.wait(self.rnd.uniform(0.05, 0.3))

    def migrate(self):
        """Adds migration 002 and restarts the broker, which applies it."""
        shutil.copy(os.path.join(HERE, "002_notes2.sql"), os.path.join(self.app, "migrations"))
        if AS_NOBODY:
            readable_by_all(self.app)
        before = self.pos()
        broker = self.server.broker_pid()
        os.kill(broker, signal.SIGTERM)
        deadline = time.time() + 20
        while "applied migration %s/migrations/002" % self.app not in self.server.log_text():
            if time.time() > deadline:
                sys.exit("FAIL: the restarted broker did not apply migration 002 within 20 s")
            time.sleep(0.02)
        self.migration = (before, self.pos())

    def load(self):
        log("run %d: load for %.1f s (%d clients over FastCGI and HTTP, %d workers%s%s)" % (
            self.n, args.seconds, args.clients, args.workers, ", as nobody" if AS_NOBODY else "",
            ", synchronous = %s" % args.synchronous if args.synchronous else ""))
        LIVE.add(self.server)
        self.server.start(env=self.env)
        threads = [threading.Thread(target=self.client, args=(k,)) for k in range(args.clients)]
        threads.append(threading.Thread(target=self.backup_loop))
        for t in threads:
            t.start()
        try:
            time.sleep(args.seconds / 3)
            self.migrate()
            time.sleep(args.seconds / 3)
            # A pause longer than the broker's idle delay (1 s): it
            # checkpoints and truncates the WAL (a change a cut can undo).
            self.writing.clear()
            pause = self.pos()
            time.sleep(1.5)
            self.pause = (pause, self.pos())
            self.writing.set()
            time.sleep(args.seconds / 3)
            st, body = http_request(self.server.http_port, "GET", "/stats")
            self.stats = json.loads(body) if st == 200 else {}
        finally:
            self.stop.set()
            self.writing.set()
            for t in threads:
                t.join(60)
            self.server.stop(signal.SIGTERM)
        for bad in SANITIZER_REPORTS + ("powercut_shim",):
            if bad in self.server.log_text() or any(bad in e for e in self.backup_errors):
                sys.exit("FAIL: the server's log reports %s (%s)" % (bad, self.server.log))

    # ------------------------------------------------------------ the cuts

    def choose_cuts(self, ends):
        """Log positions (record ends) to cut at, with their modes."""
        rnd = self.rnd
        cuts, windows = [], [self.migration, self.pause]
        finished = [b for b in self.backups if b[2] is not None]
        if finished:
            windows.append(rnd.choice(finished)[1:])
        for lo, hi in windows:
            inside = [e for e in ends if lo < e <= hi]
            if inside and len(cuts) < args.cuts:
                cuts.append(rnd.choice(inside))
        while len(cuts) < args.cuts:
            cuts.append(rnd.choice(ends))
        modes = list(crashimage.MODES) + rnd.choices(crashimage.MODES, (35, 15, 50), k=len(cuts))
        return sorted(zip(cuts, modes[:len(cuts)]))

    def replay(self):
        """Writes every cut's disk; checks the log against the real files."""
        ends = [rec[0] for rec in crashimage.records(self.log_path)]
        cuts = self.choose_cuts(ends)
        r = crashimage.Replay(self.base_dirs)
        out, k = [], 0
        for rec in crashimage.records(self.log_path):
            r.apply(*rec[1:])
            while k < len(cuts) and cuts[k][0] == rec[0]:
                pos, mode = cuts[k]
                dest = os.path.join(self.dir, "cut%02d" % k)
                os.mkdir(dest)
                r.image(os.path.join(dest, "disk"), self.rnd, mode)
                out.append((k, pos, mode, dest))
                k += 1
        diff = r.differences(self.disk)
        if diff:
            sys.exit("FAIL: the shim's log does not give the files on disk (a missed operation?): %s"
                     % "; ".join(diff[:5]))
        self.counts = r.counts
        return out

    def check_cut(self, k, pos, mode, dest):
        """Opens one cut's disk with a fresh jsfpm and checks it.  Returns
        (problems, facts)."""
        problems, facts = [], collections.Counter()
        data = os.path.join(dest, "disk", "data")
        wal = os.path.join(data, "app.db-wal")
        if os.path.exists(wal) and os.path.getsize(wal) > 32:
            facts["disks with a WAL to recover"] += 1
        if not os.path.isdir(data):
            facts["database directory lost"] += 1
            os.mkdir(data)
        db_path = os.path.join(data, "app.db")
        srv = Server(JSFPM, dest, os.path.join(HERE, "app"), db_path, workers=1)
        LIVE.add(srv)
        try:
            srv.start()
        except SystemExit:
            srv.stop(signal.SIGKILL)
            problems.append("a fresh jsfpm did not start on the disk (log: %s)" % srv.log)
            return problems, facts
        try:
            st_w = http_request(srv.http_port, "POST", "/write?token=after-cut&mode=tx")[0]
            st_r = http_request(srv.http_port, "GET", "/stats")[0]
            if (st_w, st_r) != (201, 200):
                problems.append("the fresh server answered a write %s and a read %s" % (st_w, st_r))
        finally:
            srv.stop(signal.SIGTERM)
        problems += ["the fresh server's log reports %s (%s)" % (bad, srv.log)
                     for bad in SANITIZER_REPORTS if bad in srv.log_text()]
        db = sqlite3.connect(db_path)
        try:
            problems += self.check_database(db, "the database", pos, facts, main=True)
        finally:
            db.close()
        for name, start, done in self.backups:
            path = os.path.join(dest, "disk", "backup", name)
            if start >= pos:
                continue
            if not os.path.exists(path):
                if done is not None and done <= pos:
                    problems.append("backup %s was reported written before the cut but is gone" % name)
                facts["backups absent"] += 1
                continue
            facts["backups present"] += 1
            b = sqlite3.connect(path)
            try:
                problems += self.check_database(b, "backup " + name, start, facts)
            except sqlite3.DatabaseError as e:
                problems.append("backup %s: %s" % (name, e))
            finally:
                b.close()
        return problems, facts

    def check_database(self, db, what, acked_before, facts, main=False):
        """Checks DB: integrity, every write acknowledged before position
        ACKED_BEFORE there and whole, nothing half-applied, migration 002
        whole or absent."""
        problems = []
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            problems.append("%s: integrity_check: %s" % (what, integrity))
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_schema")}
        rows = collections.defaultdict(set)
        if "writes" in tables:
            for token, part in db.execute("SELECT token, part FROM writes"):
                rows[token].add(part)
        notes = set()
        if "notes2" in tables:
            notes = {r[0] for r in db.execute("SELECT token FROM notes2")}
        versions = set()
        if "jsfpm_migrations" in tables:
            versions = {r[0] for r in db.execute("SELECT version FROM jsfpm_migrations")}
        m2 = (2 in versions, "notes2" in tables, {"seed-1", "seed-2", "seed-3"} <= notes,
              "writes_by_part" in tables)
        if any(m2) and not all(m2):
            problems.append("%s: migration 002 half-applied (recorded, table, seed rows, index: %s)"
                            % (what, m2))
        if main:
            facts["migration 002 applied" if all(m2) else "migration 002 not applied"] += 1
            if self.migration[1] <= acked_before and not all(m2):
                problems.append("%s: migration 002 was reported applied before the cut but is not" % what)
        for token, parts in rows.items():
            mode = self.sent.get(token, "tx" if token == "after-cut" else None)
            if mode is None or parts != (TX_PARTS if mode == "tx" else AUTO_PARTS):
                problems.append("%s: token %s (%s) half-applied: parts %s" % (what, token, mode,
                                                                              sorted(parts)))
        lost, late = [], set()
        for token, mode, p in self.acked:
            if p > acked_before:
                late.add(token)
                continue
            facts["acknowledged writes checked" if main else "backup writes checked"] += 1
            whole = token in notes if mode == "m2" else rows.get(token) == (
                TX_PARTS if mode == "tx" else AUTO_PARTS)
            if not whole:
                lost.append(token)
                if main:
                    facts["lost " + mode] += 1
        if main:
            facts["acknowledged writes lost"] += len(lost)
            acked = {a[0] for a in self.acked}
            facts["unacknowledged writes present"] += sum(
                1 for t in self.sent if (t in rows or t in notes) and (t in late or t not in acked))
        if lost:
            problems.append("%s: %d acknowledged writes missing or partial, e.g. %s" % (
                what, len(lost), ", ".join(lost[:5])))
        return problems


def main():
    rnd = random.Random(args.seed)
    totals = collections.Counter()
    failures = []
    started = time.time()
    log("seed %d; %d run(s) x %d cuts; shim %s" % (args.seed, args.runs, args.cuts, SHIM))
    for n in range(1, args.runs + 1):
        run = Run(n, random.Random(rnd.random()))
        run.load()
        cuts = run.replay()
        acked_modes = collections.Counter(m for _, m, _ in run.acked)
        done = sum(1 for b in run.backups if b[2] is not None)
        gc, gw = run.stats.get("group_commits", 0), run.stats.get("grouped_writes", 0)
        log("run %d: %d writes acknowledged (%s), %d failed (%s); %d backups (%d done); "
            "last broker: %d group commits for %d autocommit writes" % (
                n, len(run.acked), ", ".join("%s %d" % kv for kv in sorted(acked_modes.items())),
                sum(run.failed.values()), ", ".join("%s %d" % kv for kv in sorted(run.failed.items())),
                len(run.backups), done, gc, gw))
        log("run %d: log of %d records: %s" % (n, run.counts["records"], ", ".join(
            "%s %d" % (k, v) for k, v in run.counts.items() if k != "records")))
        if not run.acked or not acked_modes.get("m2") or not done:
            failures.append("run %d: the load did not exercise everything (acks %s, backups done %d)"
                            % (n, dict(acked_modes), done))
        if gw <= gc:
            failures.append("run %d: no group commit held more than one write (%d for %d)" % (n, gc, gw))
        if run.backup_errors and not done:
            failures.append("run %d: every backup failed: %s" % (n, run.backup_errors[0]))
        for k, pos, mode, dest in cuts:
            problems, facts = run.check_cut(k, pos, mode, dest)
            totals.update(facts)
            totals["cuts"] += 1
            totals["cuts " + mode] += 1
            if problems:
                failures.append("run %d cut %d (log position %d, %s; disk kept in %s): %s" % (
                    n, k, pos, mode, dest, "; ".join(problems[:4])))
            elif not args.keep:
                shutil.rmtree(dest)
        if not failures and not args.keep:
            shutil.rmtree(run.dir)
    print("== power cuts: %d (%s) in %d run(s), %.0f s" % (
        totals["cuts"], ", ".join("%s %d" % (m, totals["cuts " + m]) for m in crashimage.MODES),
        args.runs, time.time() - started))
    print("== acknowledged writes checked: %d; lost: %d (autocommit %d, transaction %d, "
          "after the migration %d); unacknowledged but present: %d" % (
              totals["acknowledged writes checked"], totals["acknowledged writes lost"],
              totals["lost auto"], totals["lost tx"], totals["lost m2"],
              totals["unacknowledged writes present"]))
    print("== migration 002 after the cut: applied %d, not applied %d; database directory lost: %d; "
          "disks with a WAL to recover: %d" % (
              totals["migration 002 applied"], totals["migration 002 not applied"],
              totals["database directory lost"], totals["disks with a WAL to recover"]))
    print("== backups after the cut: present and complete %d, absent %d (writes checked in them: %d)" % (
        totals["backups present"], totals["backups absent"], totals["backup writes checked"]))
    print("== failed cuts: %d" % len(failures))
    for f in failures[:20]:
        print("FAIL: " + f)
    return 1 if failures else 0


signal.signal(signal.SIGTERM, lambda sig, frame: sys.exit(128 + sig))
try:
    status = main()
finally:
    for server in LIVE:
        server.stop(signal.SIGKILL)
sys.exit(status)
