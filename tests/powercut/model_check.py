#!/usr/bin/env python3
"""model_check.py: the power-cut harness checked on itself.

Small programs (Python, under powercut_shim.so) create, write, sync,
rename, link, unlink and mkdir under a root; crashimage.py replays each log
and the disks it builds must be exactly what the model promises
(crashimage.py's docstring): a name is durable only after its directory's
fsync, bytes only after their file's fsync, unsynced sectors survive or not
one by one, and a log the model cannot represent is refused.

Usage: model_check.py --shim PATH --dir WORKDIR      (exit status 0: all held)
"""
import argparse
import os
import random
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crashimage  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--shim", required=True)
ap.add_argument("--dir", required=True)
args = ap.parse_args()
W = os.path.abspath(args.dir)
failures = []

PRELUDE = """
import mmap, os
R = os.environ["POWERCUT_ROOT"]
def create(rel, data, sync=True):
    fd = os.open(os.path.join(R, rel), os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.write(fd, data)
    if sync:
        os.fsync(fd)
    os.close(fd)
def write_at(rel, off, data, sync=False):
    fd = os.open(os.path.join(R, rel), os.O_WRONLY)
    os.pwrite(fd, data, off)
    if sync:
        os.fsync(fd)
    os.close(fd)
def dirsync(rel):
    fd = os.open(os.path.join(R, rel), os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
"""


def scenario(name, code, base=("d",)):
    """Runs CODE under the shim in a fresh root holding the BASE
    directories; returns the replay, or None (failure recorded)."""
    d = os.path.join(W, name)
    root, log = os.path.join(d, "root"), os.path.join(d, "log")
    os.makedirs(root)
    for b in base:
        os.makedirs(os.path.join(root, b))
    open(log, "wb").close()
    env = dict(os.environ, LD_PRELOAD=os.path.abspath(args.shim), POWERCUT_LOG=log, POWERCUT_ROOT=root)
    r = subprocess.run([sys.executable, "-c", PRELUDE + code], env=env, capture_output=True, text=True)
    if r.returncode != 0:
        failures.append("%s: the program failed: %s" % (name, r.stderr.strip()[-300:]))
        return None
    replay = crashimage.Replay(base)
    for rec in crashimage.records(log):
        replay.apply(*rec[1:])
    diff = replay.differences(root)
    if diff:
        failures.append("%s: the replay differs from the real files: %s" % (name, diff))
    return replay


def disk(replay, mode, seed=0):
    """{relative path: bytes or None for a directory} of one crash image."""
    dest = os.path.join(W, "image")
    shutil.rmtree(dest, ignore_errors=True)
    replay.image(dest, random.Random(seed), mode)
    out = {}
    for top, dirs, files in os.walk(dest):
        rel = os.path.relpath(top, dest)
        for x in dirs:
            out[os.path.normpath(os.path.join(rel, x))] = None
        for x in files:
            with open(os.path.join(top, x), "rb") as f:
                out[os.path.normpath(os.path.join(rel, x))] = f.read()
    return out


def expect(name, got, want):
    if got != want:
        failures.append("%s: expected %r, got %r" % (name, want, got))
    else:
        print("   ok: %s" % name)


X, Y = b"x" * 1024, b"y" * 1024

r = scenario("create-fsync", "create('d/f', %r)" % X)
if r:
    expect("a file fsynced in a directory never fsynced: gone after a cut", disk(r, "synced"), {"d": None})
    expect("... but there when everything written survives", disk(r, "all"), {"d": None, "d/f": X})

r = scenario("create-dirsync", "create('d/f', %r, sync=False); dirsync('d')" % X)
if r:
    expect("a name fsynced, its bytes not: the file is there, empty", disk(r, "synced"),
           {"d": None, "d/f": b""})

r = scenario("overwrite", "create('d/f', %r); dirsync('d'); write_at('d/f', 0, %r)" % (X, Y))
if r:
    expect("an overwrite not fsynced: the old bytes after a cut", disk(r, "synced")["d/f"], X)
    expect("... the new ones when everything survives", disk(r, "all")["d/f"], Y)
    seen = {disk(r, "torn", seed)["d/f"] for seed in range(40)}
    torn = {Y[:512] + X[512:], X[:512] + Y[512:]}
    expect("... and both sectors independently when torn (40 cuts)", seen, {X, Y} | torn)

r = scenario("append", "create('d/f', %r); dirsync('d'); write_at('d/f', 1024, %r)" % (X, Y))
if r:
    sizes = {len(disk(r, "torn", seed)["d/f"]) for seed in range(40)}
    expect("an append not fsynced: the file keeps its synced size or grows (40 cuts)", sizes, {1024, 2048})
    bad = [seed for seed in range(40) if disk(r, "torn", seed)["d/f"][:1024] != X]
    expect("... and never loses the synced part", bad, [])

r = scenario("rename", "create('d/f', %r); dirsync('d'); os.rename(R + '/d/f', R + '/d/g')" % X)
if r:
    expect("a rename not fsynced: the old name after a cut", disk(r, "synced"), {"d": None, "d/f": X})
    expect("... the new one when everything survives", disk(r, "all"), {"d": None, "d/g": X})
    names = {tuple(sorted(disk(r, "torn", seed))) for seed in range(40)}
    expect("... one of the two, never both or neither (40 cuts)", names, {("d", "d/f"), ("d", "d/g")})

r = scenario("link-unlink", "create('d/t', %r); dirsync('d'); os.link(R + '/d/t', R + '/d/b'); "
             "os.unlink(R + '/d/t'); dirsync('d')" % X)
if r:
    expect("link then unlink, then the directory fsynced: only the new name", disk(r, "synced"),
           {"d": None, "d/b": X})

r = scenario("unlink", "create('d/f', %r); dirsync('d'); os.unlink(R + '/d/f')" % X)
if r:
    expect("an unlink not fsynced: the file is back after a cut", disk(r, "synced"), {"d": None, "d/f": X})

r = scenario("mkdir", "os.mkdir(R + '/n'); create('n/h', %r); dirsync('n')" % X, base=())
if r:
    expect("a new directory whose parent is never fsynced: gone with what it holds",
           disk(r, "synced"), {})
r = scenario("mkdir-parent", "os.mkdir(R + '/n'); create('n/h', %r); dirsync('n'); dirsync('')" % X, base=())
if r:
    expect("... there once the parent is fsynced", disk(r, "synced"), {"n": None, "n/h": X})

r = scenario("truncate", "create('d/f', %r); dirsync('d'); fd = os.open(R + '/d/f', os.O_WRONLY); "
             "os.ftruncate(fd, 100); os.close(fd)" % X)
if r:
    expect("a truncate not fsynced: the old size after a cut", disk(r, "synced")["d/f"], X)
    expect("... the new one when everything survives", disk(r, "all")["d/f"], X[:100])

try:
    scenario("mmap", "create('d/f', %r); fd = os.open(R + '/d/f', os.O_RDWR); "
             "m = mmap.mmap(fd, 1024); m[0:1] = b'z'; m.close()" % X)
    failures.append("a shared writable mapping was not refused")
except crashimage.ReplayError as e:
    print("   ok: a log the model cannot represent is refused (%s)" % e)

for f in failures:
    print("FAIL: " + f)
sys.exit(1 if failures else 0)
