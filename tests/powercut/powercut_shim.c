/* powercut_shim.c: the recording half of the power-cut harness (see
 * tests/powercut/crashimage.py for the other half, docs/reliability.md).
 *
 * An LD_PRELOAD library, never linked into jsfpm.  With POWERCUT_LOG (an
 * existing file) and POWERCUT_ROOT (a directory) in the environment, every
 * process that loads it appends to the log one record per operation on the
 * files and directories under the root that a power cut could undo:
 *
 *   open (and whether it created the file), write, truncate, fsync or
 *   fdatasync (of a file or of a directory), unlink, rename, link, mkdir,
 *   sync/syncfs
 *
 * each record written after the real call succeeded, and in the order the
 * calls returned: O_APPEND makes each record one atomic append, so the log
 * of several processes (the master, the broker, a backup) is one history.
 * Anything it cannot model (a shared writable mapping, an unnamed O_TMPFILE,
 * a rename into or out of the tree, rmdir) is logged as "unsupported" and
 * makes the replay refuse the run rather than model it wrong.
 *
 * The shim changes no result and no errno: the processes run exactly as
 * without it.  A replay (crashimage.py) then rebuilds what a disk could
 * hold after a power cut at any point of that history: what was fsynced,
 * plus any subset of the sectors written since, and directory entries only
 * as far as a directory fsync made them durable.
 *
 * -shm files are not recorded: SQLite rebuilds them when the first
 * connection opens the database, so they carry nothing across a power cut.
 */
#define _GNU_SOURCE
#undef _FILE_OFFSET_BITS
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* The record layout crashimage.py reads: a fixed little-endian header, then
 * LEN - sizeof header bytes of data. */
struct pc_rec_head {
  uint32_t len;   /* whole record, header included */
  uint32_t type;  /* enum pc_rec_type */
  uint32_t pid;   /* who did it (for messages) */
  uint32_t flags; /* PC_OPEN: PC_OPEN_* */
  uint64_t oid;   /* the open file description the record is about; 0 if none */
  uint64_t arg;   /* PC_WRITE: offset; PC_TRUNCATE: new size */
};

enum pc_rec_type {
  PC_OPEN = 1,    /* data: path relative to the root ("" = the root) */
  PC_WRITE,       /* data: the bytes written at arg */
  PC_TRUNCATE,    /* the file's size became arg */
  PC_SYNC,        /* fsync/fdatasync of oid (a file or a directory) returned 0 */
  PC_UNLINK,      /* data: path */
  PC_RENAME,      /* data: from NUL to */
  PC_LINK,        /* data: existing NUL new */
  PC_MKDIR,       /* data: path */
  PC_SYNCALL,     /* sync() or syncfs(): everything is durable */
  PC_UNSUPPORTED, /* data: what happened; the replay refuses the log */
};

#define PC_OPEN_CREATED 1u   /* the open created the file */
#define PC_OPEN_DIRECTORY 2u /* oid is a directory (opened to fsync it) */

/* Descriptors above this are not tracked (an open that returns one under
 * the root is logged as unsupported). */
#define PC_MAX_FDS 65536
/* Where the log descriptor is moved, out of the way of the program's own. */
#define PC_LOG_FD_MIN 900

static int pc_log_fd = -1;
static char pc_root[PATH_MAX];
static size_t pc_root_len;
/* Per descriptor: the id of the tracked file it refers to, 0 if none.
 * Inherited across fork with the descriptors themselves. */
static uint64_t pc_fd_oid[PC_MAX_FDS];
static atomic_uint pc_oid_seq;

/* The next definition of NAME after this library (libc, or a sanitizer's
 * interceptor in front of it). */
#define PC_REAL(ret, name, params)                                                                           \
  static ret(*real_##name) params;                                                                           \
  if (real_##name == NULL) real_##name = (ret(*) params)pc_next(#name);

static void *pc_next(const char *name) {
  void *p = dlsym(RTLD_NEXT, name);
  if (p == NULL) {
    static const char msg[] = "powercut_shim: a libc function is missing\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
      /* nothing left to report with */
    }
    abort();
  }
  return p;
}

static void pc_die(const char *what) {
  char msg[256];
  int n =
      snprintf(msg, sizeof msg, "powercut_shim (pid %ld): %s: %s\n", (long)getpid(), what, strerror(errno));
  PC_REAL(ssize_t, write, (int, const void *, size_t))
  if (n > 0 && real_write(2, msg, (size_t)n) < 0) {
    /* stderr is gone too */
  }
  abort();
}

static void pc_append(uint32_t type, uint32_t flags, uint64_t oid, uint64_t arg, const void *a, size_t alen,
                      const void *b, size_t blen) {
  struct pc_rec_head h = {(uint32_t)(sizeof h + alen + blen), type, (uint32_t)getpid(), flags, oid, arg};
  struct iovec iov[3] = {{&h, sizeof h}, {(void *)a, alen}, {(void *)b, blen}};
  PC_REAL(ssize_t, writev, (int, const struct iovec *, int))
  int saved = errno;
  /* One writev to an O_APPEND file: the record lands whole, never
   * interleaved with another process's. */
  ssize_t n = real_writev(pc_log_fd, iov, 3);
  if (n != (ssize_t)h.len) pc_die("cannot append to POWERCUT_LOG");
  errno = saved;
}

static void pc_unsupported(const char *what, const char *path) {
  pc_append(PC_UNSUPPORTED, 0, 0, 0, what, strlen(what) + 1, path ? path : "", path ? strlen(path) : 0);
}

__attribute__((constructor)) static void pc_init(void) {
  const char *log_path = getenv("POWERCUT_LOG"), *root = getenv("POWERCUT_ROOT");
  if (log_path == NULL || root == NULL) return;
  if (realpath(root, pc_root) == NULL) pc_die("POWERCUT_ROOT");
  pc_root_len = strlen(pc_root);
  PC_REAL(int, openat, (int, const char *, int, ...))
  int fd = real_openat(AT_FDCWD, log_path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) pc_die("POWERCUT_LOG");
  int high = fcntl(fd, F_DUPFD_CLOEXEC, PC_LOG_FD_MIN);
  if (high < 0) pc_die("moving the log descriptor");
  PC_REAL(int, close, (int))
  if (real_close(fd) != 0) pc_die("close");
  pc_log_fd = high;
}

/* Lexically normalized absolute form of PATH (relative to DIRFD) in OUT;
 * -1 if it cannot be built.  The test's directories hold no symbolic
 * links, and SQLite resolves them in the paths it uses. */
static int pc_abspath(int dirfd, const char *path, char *out, size_t outlen) {
  char joined[PATH_MAX * 2];
  if (path[0] == '/') {
    if (snprintf(joined, sizeof joined, "%s", path) >= (int)sizeof joined) return -1;
  } else {
    char base[PATH_MAX];
    if (dirfd == AT_FDCWD) {
      if (getcwd(base, sizeof base) == NULL) return -1;
    } else {
      char link[64];
      snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
      ssize_t n = readlink(link, base, sizeof base - 1);
      if (n < 0) return -1;
      base[n] = '\0';
    }
    if (snprintf(joined, sizeof joined, "%s/%s", base, path) >= (int)sizeof joined) return -1;
  }
  size_t o = 0;
  for (char *save = NULL, *part = strtok_r(joined, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
    if (strcmp(part, ".") == 0) continue;
    if (strcmp(part, "..") == 0) {
      while (o > 0 && out[--o] != '/')
        ;
      continue;
    }
    size_t l = strlen(part);
    if (o + 1 + l + 1 > outlen) return -1;
    out[o++] = '/';
    memcpy(out + o, part, l);
    o += l;
  }
  if (o == 0) out[o++] = '/';
  out[o] = '\0';
  return 0;
}

/* The path of PATH relative to the root in REL ("" for the root itself).
 * Returns 1 when it is tracked: under the root, and not a -shm file. */
static int pc_rel(int dirfd, const char *path, char *rel, size_t rellen) {
  char abs[PATH_MAX];
  if (pc_log_fd < 0 || path == NULL || pc_abspath(dirfd, path, abs, sizeof abs) != 0) return 0;
  if (strncmp(abs, pc_root, pc_root_len) != 0 || (abs[pc_root_len] != '/' && abs[pc_root_len] != '\0'))
    return 0;
  const char *r = abs + pc_root_len + (abs[pc_root_len] == '/');
  size_t l = strlen(r);
  if (l >= 4 && strcmp(r + l - 4, "-shm") == 0) return 0;
  if (l + 1 > rellen) return 0;
  memcpy(rel, r, l + 1);
  return 1;
}

static uint64_t pc_oid(int fd) { return pc_log_fd >= 0 && fd >= 0 && fd < PC_MAX_FDS ? pc_fd_oid[fd] : 0; }

/* ---- opening and closing ------------------------------------------------ */

/* An O_CREAT open that also says whether this call created the file.  A
 * stat before the open cannot: the broker's threads open the -wal file at
 * the same moment, and both would see it missing and log a creation.  So
 * the creation is tried with O_EXCL, and only on EEXIST is the existing
 * file opened; a file unlinked in between sends it round again.  A path
 * neither creatable exclusively nor openable without O_CREAT (a dangling
 * symlink) gets the caller's own call after a few rounds. */
static int pc_open_creating(int dirfd, const char *path, int flags, mode_t mode, int *existed) {
  PC_REAL(int, openat, (int, const char *, int, ...))
  for (int round = 0; round < 8; round++) {
    int fd = real_openat(dirfd, path, flags | O_EXCL, mode);
    if (fd >= 0) {
      *existed = 0;
      return fd;
    }
    if (errno != EEXIST) return fd;
    fd = real_openat(dirfd, path, flags & ~O_CREAT, mode);
    if (fd >= 0 || errno != ENOENT) {
      *existed = 1;
      return fd;
    }
  }
  struct stat st;
  *existed = fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
  return real_openat(dirfd, path, flags, mode);
}

static int pc_open(int dirfd, const char *path, int flags, mode_t mode) {
  PC_REAL(int, openat, (int, const char *, int, ...))
  char rel[PATH_MAX];
  int tracked = pc_rel(dirfd, path, rel, sizeof rel);
  int existed = 1;
  struct stat st;
  int fd = tracked && (flags & O_CREAT) && !(flags & O_EXCL)
               ? pc_open_creating(dirfd, path, flags, mode, &existed)
               : real_openat(dirfd, path, flags, mode);
  if (tracked && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) && fd >= 0) existed = 0;
  if (fd < 0 || !tracked) return fd;
  int saved = errno;
  if ((flags & O_TMPFILE) == O_TMPFILE) {
    pc_unsupported("O_TMPFILE", rel);
  } else if (fstat(fd, &st) != 0) {
    pc_die("fstat of a file just opened");
  } else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
    if (fd >= PC_MAX_FDS) {
      pc_unsupported("descriptor number too high to track", rel);
    } else {
      uint64_t oid = (uint64_t)getpid() << 32 | (atomic_fetch_add(&pc_oid_seq, 1) + 1);
      pc_fd_oid[fd] = oid;
      uint32_t f = (existed ? 0 : PC_OPEN_CREATED) | (S_ISDIR(st.st_mode) ? PC_OPEN_DIRECTORY : 0);
      pc_append(PC_OPEN, f, oid, 0, rel, strlen(rel), NULL, 0);
      if ((flags & O_TRUNC) && S_ISREG(st.st_mode) && (flags & O_ACCMODE) != O_RDONLY)
        pc_append(PC_TRUNCATE, 0, oid, 0, NULL, 0, NULL, 0);
    }
  }
  errno = saved;
  return fd;
}

static mode_t pc_mode_arg(int flags, va_list ap) {
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = pc_mode_arg(flags, ap);
  va_end(ap);
  return pc_open(AT_FDCWD, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = pc_mode_arg(flags, ap);
  va_end(ap);
  return pc_open(dirfd, path, flags, mode);
}

/* _FORTIFY_SOURCE's forms, used when the flags carry no O_CREAT (glibc
 * declares them only inside its fortified inline functions). */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int __open_2(const char *path, int flags) { return pc_open(AT_FDCWD, path, flags, 0); }
int __openat_2(int dirfd, const char *path, int flags) { return pc_open(dirfd, path, flags, 0); }

int creat(const char *path, mode_t mode) {
  return pc_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int close(int fd) {
  PC_REAL(int, close, (int))
  if (pc_log_fd >= 0 && fd == pc_log_fd)
    return 0; /* a program closing every descriptor must not end the log */
  if (fd >= 0 && fd < PC_MAX_FDS) pc_fd_oid[fd] = 0;
  return real_close(fd);
}

static void pc_dup_to(int oldfd, int newfd) {
  if (newfd >= 0 && newfd < PC_MAX_FDS) pc_fd_oid[newfd] = pc_oid(oldfd);
}

int dup(int fd) {
  PC_REAL(int, dup, (int))
  int r = real_dup(fd);
  if (r >= 0) pc_dup_to(fd, r);
  return r;
}

int dup2(int oldfd, int newfd) {
  PC_REAL(int, dup2, (int, int))
  if (pc_log_fd >= 0 && newfd == pc_log_fd) {
    errno = EBADF;
    pc_die("dup2 onto the log descriptor");
  }
  int r = real_dup2(oldfd, newfd);
  if (r >= 0) pc_dup_to(oldfd, r);
  return r;
}

int dup3(int oldfd, int newfd, int flags) {
  PC_REAL(int, dup3, (int, int, int))
  if (pc_log_fd >= 0 && newfd == pc_log_fd) {
    errno = EBADF;
    pc_die("dup3 onto the log descriptor");
  }
  int r = real_dup3(oldfd, newfd, flags);
  if (r >= 0) pc_dup_to(oldfd, r);
  return r;
}

/* ---- data -------------------------------------------------------------- */

static void pc_wrote(int fd, const void *buf, size_t n, off_t off) {
  uint64_t oid = pc_oid(fd);
  if (oid != 0 && n > 0) pc_append(PC_WRITE, 0, oid, (uint64_t)off, buf, n, NULL, 0);
}

/* For write/writev: the offset the N bytes just written started at. */
static off_t pc_start_of_last_write(int fd, size_t n) {
  off_t end = lseek(fd, 0, SEEK_CUR);
  if (end < 0) pc_die("lseek on a tracked file");
  return end - (off_t)n;
}

ssize_t write(int fd, const void *buf, size_t n) {
  PC_REAL(ssize_t, write, (int, const void *, size_t))
  ssize_t r = real_write(fd, buf, n);
  if (r > 0 && pc_oid(fd) != 0) {
    int saved = errno;
    pc_wrote(fd, buf, (size_t)r, pc_start_of_last_write(fd, (size_t)r));
    errno = saved;
  }
  return r;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
  PC_REAL(ssize_t, pwrite, (int, const void *, size_t, off_t))
  ssize_t r = real_pwrite(fd, buf, n, off);
  if (r > 0) pc_wrote(fd, buf, (size_t)r, off);
  return r;
}

/* Logs the first N bytes of IOV as written from OFF on, one record per
 * piece. */
static void pc_wrote_iov(int fd, const struct iovec *iov, int cnt, size_t n, off_t off) {
  for (int i = 0; i < cnt && n > 0; i++) {
    size_t l = iov[i].iov_len < n ? iov[i].iov_len : n;
    pc_wrote(fd, iov[i].iov_base, l, off);
    off += (off_t)l;
    n -= l;
  }
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
  PC_REAL(ssize_t, writev, (int, const struct iovec *, int))
  ssize_t r = real_writev(fd, iov, cnt);
  if (r > 0 && pc_oid(fd) != 0) {
    int saved = errno;
    pc_wrote_iov(fd, iov, cnt, (size_t)r, pc_start_of_last_write(fd, (size_t)r));
    errno = saved;
  }
  return r;
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off) {
  PC_REAL(ssize_t, pwritev, (int, const struct iovec *, int, off_t))
  ssize_t r = real_pwritev(fd, iov, cnt, off);
  if (r > 0) pc_wrote_iov(fd, iov, cnt, (size_t)r, off);
  return r;
}

static void pc_truncated(int fd, off_t size) {
  uint64_t oid = pc_oid(fd);
  if (oid != 0) pc_append(PC_TRUNCATE, 0, oid, (uint64_t)size, NULL, 0, NULL, 0);
}

int ftruncate(int fd, off_t size) {
  PC_REAL(int, ftruncate, (int, off_t))
  int r = real_ftruncate(fd, size);
  if (r == 0) pc_truncated(fd, size);
  return r;
}

int truncate(const char *path, off_t size) {
  PC_REAL(int, truncate, (const char *, off_t))
  int r = real_truncate(path, size);
  char rel[PATH_MAX];
  if (r == 0 && pc_rel(AT_FDCWD, path, rel, sizeof rel)) pc_unsupported("truncate by name", rel);
  return r;
}

/* Space reservation changes no byte, only (without KEEP_SIZE) the size. */
static void pc_allocated(int fd, off_t size_before) {
  struct stat st;
  if (pc_oid(fd) == 0) return;
  if (fstat(fd, &st) != 0) pc_die("fstat after fallocate");
  if (st.st_size != size_before) pc_truncated(fd, st.st_size);
}

static off_t pc_size(int fd) {
  struct stat st;
  return pc_oid(fd) != 0 && fstat(fd, &st) == 0 ? st.st_size : -1;
}

int fallocate(int fd, int mode, off_t off, off_t len) {
  PC_REAL(int, fallocate, (int, int, off_t, off_t))
  off_t before = pc_size(fd);
  int r = real_fallocate(fd, mode, off, len);
  if (r == 0 && pc_oid(fd) != 0) {
    int saved = errno;
    if (mode & ~FALLOC_FL_KEEP_SIZE) pc_unsupported("fallocate with a mode that changes data", "");
    pc_allocated(fd, before);
    errno = saved;
  }
  return r;
}

int posix_fallocate(int fd, off_t off, off_t len) {
  PC_REAL(int, posix_fallocate, (int, off_t, off_t))
  off_t before = pc_size(fd);
  int r = real_posix_fallocate(fd, off, len);
  if (r == 0) pc_allocated(fd, before);
  return r;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  PC_REAL(void *, mmap, (void *, size_t, int, int, int, off_t))
  void *p = real_mmap(addr, len, prot, flags, fd, off);
  if (p != MAP_FAILED && (prot & PROT_WRITE) && (flags & MAP_SHARED) && pc_oid(fd) != 0) {
    int saved = errno;
    pc_unsupported("shared writable mapping of a tracked file", "");
    errno = saved;
  }
  return p;
}

/* ---- syncs ------------------------------------------------------------- */

static void pc_synced(int fd) {
  uint64_t oid = pc_oid(fd);
  if (oid != 0) pc_append(PC_SYNC, 0, oid, 0, NULL, 0, NULL, 0);
}

int fsync(int fd) {
  PC_REAL(int, fsync, (int))
  int r = real_fsync(fd);
  if (r == 0) pc_synced(fd);
  return r;
}

int fdatasync(int fd) {
  PC_REAL(int, fdatasync, (int))
  int r = real_fdatasync(fd);
  if (r == 0) pc_synced(fd); /* the data and the size: what a reader needs back */
  return r;
}

void sync(void) {
  PC_REAL(void, sync, (void))
  real_sync();
  if (pc_log_fd >= 0) pc_append(PC_SYNCALL, 0, 0, 0, NULL, 0, NULL, 0);
}

int syncfs(int fd) {
  PC_REAL(int, syncfs, (int))
  int r = real_syncfs(fd);
  if (r == 0 && pc_log_fd >= 0) pc_append(PC_SYNCALL, 0, 0, 0, NULL, 0, NULL, 0);
  return r;
}

/* ---- directory entries -------------------------------------------------- */

static int pc_unlink_common(int dirfd, const char *path, int flags) {
  PC_REAL(int, unlinkat, (int, const char *, int))
  int r = real_unlinkat(dirfd, path, flags);
  char rel[PATH_MAX];
  if (r == 0 && pc_rel(dirfd, path, rel, sizeof rel)) {
    int saved = errno;
    if (flags & AT_REMOVEDIR)
      pc_unsupported("rmdir", rel);
    else
      pc_append(PC_UNLINK, 0, 0, 0, rel, strlen(rel), NULL, 0);
    errno = saved;
  }
  return r;
}

int unlink(const char *path) { return pc_unlink_common(AT_FDCWD, path, 0); }
int unlinkat(int dirfd, const char *path, int flags) { return pc_unlink_common(dirfd, path, flags); }
int rmdir(const char *path) { return pc_unlink_common(AT_FDCWD, path, AT_REMOVEDIR); }

int remove(const char *path) {
  struct stat st;
  int is_dir = lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
  return pc_unlink_common(AT_FDCWD, path, is_dir ? AT_REMOVEDIR : 0);
}

/* rename and link: TYPE with both names, when at least one is tracked. */
static void pc_two_names(uint32_t type, int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
                         unsigned flags) {
  char a[PATH_MAX], b[PATH_MAX];
  int ta = pc_rel(olddirfd, oldpath, a, sizeof a), tb = pc_rel(newdirfd, newpath, b, sizeof b);
  if (!ta && !tb) return;
  int saved = errno;
  if (ta != tb)
    pc_unsupported("rename or link across the root's boundary", ta ? a : b);
  else if (flags != 0)
    pc_unsupported("renameat2 flags", a);
  else
    pc_append(type, 0, 0, 0, a, strlen(a) + 1, b, strlen(b));
  errno = saved;
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags) {
  PC_REAL(int, renameat2, (int, const char *, int, const char *, unsigned))
  int r = real_renameat2(olddirfd, oldpath, newdirfd, newpath, flags);
  if (r == 0) pc_two_names(PC_RENAME, olddirfd, oldpath, newdirfd, newpath, flags);
  return r;
}

/* renameat2 with no flags is renameat. */
int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath) {
  return renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}

int rename(const char *oldpath, const char *newpath) {
  return renameat2(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

int link(const char *oldpath, const char *newpath) { return linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0); }

int linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags) {
  PC_REAL(int, linkat, (int, const char *, int, const char *, int))
  int r = real_linkat(olddirfd, oldpath, newdirfd, newpath, flags);
  if (r == 0)
    pc_two_names(PC_LINK, olddirfd, oldpath, newdirfd, newpath, (unsigned)(flags & ~AT_SYMLINK_FOLLOW));
  return r;
}

static int pc_mkdir_common(int dirfd, const char *path, mode_t mode) {
  PC_REAL(int, mkdirat, (int, const char *, mode_t))
  int r = real_mkdirat(dirfd, path, mode);
  char rel[PATH_MAX];
  if (r == 0 && pc_rel(dirfd, path, rel, sizeof rel)) pc_append(PC_MKDIR, 0, 0, 0, rel, strlen(rel), NULL, 0);
  return r;
}

int mkdir(const char *path, mode_t mode) { return pc_mkdir_common(AT_FDCWD, path, mode); }
int mkdirat(int dirfd, const char *path, mode_t mode) { return pc_mkdir_common(dirfd, path, mode); }

/* ---- the 64-bit names --------------------------------------------------- */

/* On 64-bit systems each *64 function is its plain twin under another
 * name (glibc aliases them the same way); programs built with
 * _FILE_OFFSET_BITS=64, SQLite among them, call these names. */
_Static_assert(sizeof(off_t) == sizeof(off64_t), "the *64 aliases need a 64-bit off_t");
#define PC_ALIAS(ret, name64, name, params) ret name64 params __attribute__((alias(#name)));
PC_ALIAS(int, open64, open, (const char *, int, ...))
PC_ALIAS(int, openat64, openat, (int, const char *, int, ...))
PC_ALIAS(int, __open64_2, __open_2, (const char *, int))
PC_ALIAS(int, __openat64_2, __openat_2, (int, const char *, int))
PC_ALIAS(int, creat64, creat, (const char *, mode_t))
PC_ALIAS(ssize_t, pwrite64, pwrite, (int, const void *, size_t, off64_t))
PC_ALIAS(ssize_t, pwritev64, pwritev, (int, const struct iovec *, int, off64_t))
PC_ALIAS(int, ftruncate64, ftruncate, (int, off64_t))
PC_ALIAS(int, fallocate64, fallocate, (int, int, off64_t, off64_t))
PC_ALIAS(int, posix_fallocate64, posix_fallocate, (int, off64_t, off64_t))
PC_ALIAS(void *, mmap64, mmap, (void *, size_t, int, int, int, off64_t))
