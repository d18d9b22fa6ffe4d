"""crashimage.py: the replaying half of the power-cut harness.

powercut_shim.c (LD_PRELOAD) logs every open, write, truncate, fsync,
fdatasync, unlink, rename, link and mkdir that processes do under one
directory tree, in the order the calls returned.  Replay(...) reads that
log and keeps, for every file and directory, two states:

- current: what the processes saw (the page cache);
- durable: what a disk must still hold after a power cut.

Files: an fsync or fdatasync makes the file's bytes and size durable.
Between two syncs each 512-byte sector written is tracked; after a cut
each such sector independently holds its durable content or its newest
content (a write of several sectors can be torn), never bytes no one wrote,
except that sectors past the durable end of the file may hold zeros or
garbage (space allocated, data never written).  The size is the durable or
the current one.

Directories: creating (open O_CREAT, mkdir), linking, renaming and
unlinking a name changes the directory's current entries only.  An fsync of
the directory makes all its entries durable.  After a cut a directory holds
its durable entries plus a prefix of the changes made since (a journaling
file system keeps metadata changes in order); a file whose name was never
made durable is gone with its data, whatever was fsynced.  This is stricter
than ext4, which also commits a new file's name when the file is fsynced,
and is what POSIX promises.

image(dest, rnd, mode) writes one such possible disk after the records
replayed so far; modes: "synced" (only what was synced survives), "all"
(everything written survives: what a process crash leaves), "torn" (a
random mix, sector by sector and entry by entry).
"""
import os
import struct

SECTOR = 512
HEAD = struct.Struct("<IIIIQQ")  # len, type, pid, flags, oid, arg (powercut_shim.c)
(OPEN, WRITE, TRUNCATE, SYNC, UNLINK, RENAME, LINK, MKDIR, SYNCALL, UNSUPPORTED) = range(1, 11)
OPEN_CREATED, OPEN_DIRECTORY = 1, 2
MODES = ("synced", "all", "torn")


class ReplayError(Exception):
    """The log holds something the model cannot represent, or contradicts
    itself (the harness would not be faithful)."""


def records(path):
    """Yields (end offset, type, pid, flags, oid, arg, data) for each
    record of the log at PATH (read as a stream: a log can be large)."""
    with open(path, "rb") as f:
        end = 0
        while True:
            head = f.read(HEAD.size)
            if not head:
                return
            if len(head) < HEAD.size:
                raise ReplayError("the log ends inside a record header")
            n, typ, pid, flags, oid, arg = HEAD.unpack(head)
            data = f.read(n - HEAD.size) if n > HEAD.size else b""
            if n < HEAD.size or len(data) != n - HEAD.size:
                raise ReplayError("log record at offset %d is cut short" % end)
            end += n
            yield end, typ, pid, flags, oid, arg, data


def _sectors(start, end):
    return range(start // SECTOR, (end + SECTOR - 1) // SECTOR)


class File:
    def __init__(self):
        self.cur = bytearray()
        self.dur = bytearray()
        self.dirty = set()  # sectors whose current and durable contents may differ

    def write(self, off, data):
        old = len(self.cur)
        end = off + len(data)
        if end > old:
            self.cur.extend(bytes(end - old))
        self.cur[off:end] = data
        self.dirty.update(_sectors(min(off, old), end))

    def truncate(self, size):
        old = len(self.cur)
        if size < old:
            del self.cur[size:]
        else:
            self.cur.extend(bytes(size - old))
        self.dirty.update(_sectors(min(size, old), max(size, old)))

    def sync(self):
        n = len(self.cur)
        if len(self.dur) > n:
            del self.dur[n:]
        else:
            self.dur.extend(bytes(n - len(self.dur)))
        for s in self.dirty:
            a = s * SECTOR
            self.dur[a:a + SECTOR] = self.cur[a:a + SECTOR]
        self.dirty.clear()

    def crash(self, rnd, p, garbage):
        """The bytes after a cut: each unsynced sector kept with chance P."""
        dsize, csize = len(self.dur), len(self.cur)
        size = csize if dsize == csize or rnd.random() < p else dsize
        out = bytearray(self.dur[:size])
        out.extend(bytes(size - len(out)))
        for s in self.dirty:
            a = s * SECTOR
            if a >= size:
                continue
            b = min(a + SECTOR, size)
            if rnd.random() < p:
                new = self.cur[a:b]
                # Bytes cut off by a truncate that is not durable: as before.
                out[a:a + len(new)] = new
            elif a >= dsize and garbage:
                out[a:b] = rnd.randbytes(b - a)
        return bytes(out)


class Dir:
    def __init__(self):
        self.cur = {}      # name -> File or Dir
        self.dur = {}
        # Changes since the last fsync, each atomic: ("set", name, obj),
        # ("del", name) or ("mv", old name, new name, obj).
        self.pending = []

    @staticmethod
    def _apply(entries, op):
        if op[0] == "set":
            entries[op[1]] = op[2]
        elif op[0] == "del":
            entries.pop(op[1], None)
        else:
            entries.pop(op[1], None)
            entries[op[2]] = op[3]

    def change(self, op):
        self.pending.append(op)
        self._apply(self.cur, op)

    def sync(self):
        self.dur = dict(self.cur)
        self.pending = []

    def crash(self, rnd, mode):
        n = len(self.pending)
        if mode == "synced":
            k = 0
        elif mode == "all":
            k = n
        else:
            k = rnd.randint(0, n)
        entries = dict(self.dur)
        for op in self.pending[:k]:
            self._apply(entries, op)
        return entries


class Replay:
    """The file system under the root as the log describes it.  BASE_DIRS:
    the directories (relative paths) that existed, durable and empty of
    files, when the log began."""

    def __init__(self, base_dirs=()):
        self.root = Dir()
        for rel in sorted(base_dirs, key=lambda r: r.count("/")):
            parent, name = self._parent(rel)
            parent.cur[name] = parent.dur[name] = Dir()
        self.oids = {}     # oid -> File or Dir
        self.files = []    # every File ever created (for sync())
        self.dirs = [self.root] + self._all_dirs(self.root)
        self.counts = dict.fromkeys(("records", "writes", "bytes written", "truncates", "file syncs",
                                     "directory syncs", "names created", "names removed"), 0)

    @staticmethod
    def _all_dirs(d):
        out = []
        for obj in d.cur.values():
            if isinstance(obj, Dir):
                out += [obj] + Replay._all_dirs(obj)
        return out

    def _lookup(self, rel):
        obj = self.root
        for part in filter(None, rel.split("/")):
            if not isinstance(obj, Dir) or part not in obj.cur:
                raise ReplayError("the log uses %r, which it never created" % rel)
            obj = obj.cur[part]
        return obj

    def _parent(self, rel):
        head, _, name = rel.rpartition("/")
        parent = self._lookup(head)
        if not isinstance(parent, Dir) or not name:
            raise ReplayError("%r is not in a directory" % rel)
        return parent, name

    def apply(self, typ, pid, flags, oid, arg, data):
        self.counts["records"] += 1
        if typ == OPEN:
            rel = data.decode()
            if flags & OPEN_CREATED:
                parent, name = self._parent(rel)
                if name in parent.cur:
                    raise ReplayError("pid %d created %r, which exists already" % (pid, rel))
                obj = File()
                self.files.append(obj)
                parent.change(("set", name, obj))
                self.counts["names created"] += 1
            else:
                obj = self._lookup(rel)
            if isinstance(obj, Dir) != bool(flags & OPEN_DIRECTORY):
                raise ReplayError("pid %d opened %r as the wrong kind of file" % (pid, rel))
            self.oids[oid] = obj
        elif typ in (WRITE, TRUNCATE, SYNC):
            obj = self.oids.get(oid)
            if obj is None:
                raise ReplayError("pid %d used a file the log never opened" % pid)
            if typ == SYNC:
                obj.sync()
                self.counts["directory syncs" if isinstance(obj, Dir) else "file syncs"] += 1
            elif typ == WRITE:
                obj.write(arg, data)
                self.counts["writes"] += 1
                self.counts["bytes written"] += len(data)
            else:
                obj.truncate(arg)
                self.counts["truncates"] += 1
        elif typ == UNLINK:
            parent, name = self._parent(data.decode())
            parent.change(("del", name))
            self.counts["names removed"] += 1
        elif typ in (RENAME, LINK):
            a, b = (x.decode() for x in data.split(b"\0"))
            pa, na = self._parent(a)
            pb, nb = self._parent(b)
            if pa is not pb:
                raise ReplayError("a rename or link across directories (%r, %r)" % (a, b))
            obj = self._lookup(a)
            pa.change(("mv", na, nb, obj) if typ == RENAME else ("set", nb, obj))
            self.counts["names created"] += 1
        elif typ == MKDIR:
            parent, name = self._parent(data.decode())
            d = Dir()
            self.dirs.append(d)
            parent.change(("set", name, d))
            self.counts["names created"] += 1
        elif typ == SYNCALL:
            for obj in self.files + self.dirs:
                obj.sync()
        elif typ == UNSUPPORTED:
            what, _, rel = data.partition(b"\0")
            raise ReplayError("pid %d did what the model cannot represent: %s %s" % (
                pid, what.decode(), rel.decode()))
        else:
            raise ReplayError("unknown record type %d" % typ)

    def image(self, dest, rnd, mode):
        """Writes under DEST (a new directory) one disk that a power cut
        after the records applied so far may leave."""
        p = {"synced": 0.0, "all": 1.0}.get(mode, rnd.random())
        garbage = mode == "torn" and rnd.random() < 0.5
        content = {}  # id(File) -> bytes: a file under two names is one file

        def write_dir(d, path):
            os.mkdir(path)
            for name, obj in d.crash(rnd, mode).items():
                sub = os.path.join(path, name)
                if isinstance(obj, Dir):
                    write_dir(obj, sub)
                    continue
                if id(obj) not in content:
                    content[id(obj)] = obj.crash(rnd, p, garbage)
                with open(sub, "wb") as f:
                    f.write(content[id(obj)])

        write_dir(self.root, dest)

    def differences(self, real_root, ignore=lambda rel: rel.endswith("-shm")):
        """Where the current state differs from the real tree at REAL_ROOT:
        after replaying the whole log of processes that have all exited,
        an empty list proves the log missed nothing."""
        out = []

        def walk(d, rel):
            path = os.path.join(real_root, rel)
            real = set(n for n in os.listdir(path) if not ignore(os.path.join(rel, n)))
            if real != set(d.cur):
                out.append("%s/: real %s, replayed %s" % (rel, sorted(real), sorted(d.cur)))
            for name in real & set(d.cur):
                obj, sub = d.cur[name], os.path.join(rel, name)
                if isinstance(obj, Dir):
                    walk(obj, sub)
                else:
                    with open(os.path.join(real_root, sub), "rb") as f:
                        if f.read() != bytes(obj.cur):
                            out.append("%s: contents differ" % sub)

        walk(self.root, "")
        return out
