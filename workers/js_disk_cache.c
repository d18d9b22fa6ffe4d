/* js_disk_cache.c: the compile cache on disk (see js_disk_cache.h).
 *
 * An entry file:
 *   "jsfpm-lowered 1\n"            magic and format version
 *   32 bytes                       SHA-256 of everything after it
 *   4 x u32 little-endian          code, mappings and deps lengths, esm flag
 *   code, mappings, deps           as in struct js_lowered
 */
#include "autoconfig.h"

#include "js_disk_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

#define MAGIC "jsfpm-lowered 1\n"
#define MAGIC_LEN (sizeof MAGIC - 1)
#define DIGEST_LEN 32
#define HEADER_LEN (MAGIC_LEN + DIGEST_LEN + 16)
#define MAX_ENTRY_BYTES (256u * 1024 * 1024)

struct js_disk_cache {
  int dir_fd;
  char *dir;
  bool writable; /* false after a write failed for lack of space or permission */
};

/* Reasons already logged by this process: each is said once, not per module. */
static bool logged_unusable, logged_unwritable, logged_full;

static void sha256(const void *a, size_t alen, const void *b, size_t blen, unsigned char out[DIGEST_LEN]) {
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  unsigned int n = 0;
  if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 || EVP_DigestUpdate(md, a, alen) != 1 ||
      EVP_DigestUpdate(md, b, blen) != 1 || EVP_DigestFinal_ex(md, out, &n) != 1) {
    /* Only out of memory gets here: an all-zero digest matches no entry. */
    memset(out, 0, DIGEST_LEN);
  }
  EVP_MD_CTX_free(md);
}

void js_disk_cache_key(const char *source, size_t len, char key[JS_DISK_CACHE_KEY_LEN + 1]) {
  unsigned char d[DIGEST_LEN];
  sha256(js_compiler_id, strlen(js_compiler_id) + 1, source, len, d); /* the id's NUL separates them */
  for (int i = 0; i < DIGEST_LEN; i++) snprintf(key + 2 * i, 3, "%02x", d[i]);
}

struct js_disk_cache *js_disk_cache_open(const char *dir) {
  if (dir == NULL || dir[0] == '\0') return NULL;
  if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
    if (!logged_unusable)
      log_warn("compile_cache %s: %s; modules are compiled in memory at every start", dir, strerror(errno));
    logged_unusable = true;
    return NULL;
  }
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct stat st;
  const char *why = NULL;
  if (fd < 0 || fstat(fd, &st) < 0)
    why = strerror(errno);
  else if (st.st_uid != geteuid() && st.st_uid != 0)
    why = "owned by another user";
  else if (st.st_mode & (S_IWGRP | S_IWOTH))
    why = "writable by other users";
  struct js_disk_cache *dc = why ? NULL : calloc(1, sizeof *dc);
  if (dc == NULL || (dc->dir = strdup(dir)) == NULL) {
    if (!logged_unusable)
      log_warn("compile_cache %s: %s; modules are compiled in memory at every start", dir,
               why ? why : "out of memory");
    logged_unusable = true;
    if (fd >= 0) close(fd);
    free(dc);
    return NULL;
  }
  dc->dir_fd = fd;
  dc->writable = true;
  return dc;
}

void js_disk_cache_close(struct js_disk_cache *dc) {
  if (dc == NULL) return;
  close(dc->dir_fd);
  free(dc->dir);
  free(dc);
}

static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_u32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

/* Reads the whole regular file KEY (not through a link).  Returns its
 * bytes, or NULL when it is missing or unreadable. */
static unsigned char *read_entry(struct js_disk_cache *dc, const char *key, size_t *len) {
  int fd = openat(dc->dir_fd, key, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) log_warn("compile_cache %s/%s: %s", dc->dir, key, strerror(errno));
    return NULL;
  }
  struct stat st;
  unsigned char *buf = NULL;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= (off_t)HEADER_LEN &&
      st.st_size <= (off_t)MAX_ENTRY_BYTES && (buf = malloc((size_t)st.st_size)) != NULL) {
    size_t got = 0;
    while (got < (size_t)st.st_size) {
      ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += (size_t)n;
    }
    *len = got;
  } else if (buf == NULL) {
    *len = 0; /* wrong type or size: treated as corrupt */
    buf = malloc(1);
  }
  close(fd);
  return buf;
}

static char *dup_bytes(const unsigned char *p, size_t n) {
  char *s = malloc(n + 1);
  if (s) {
    memcpy(s, p, n);
    s[n] = '\0';
  }
  return s;
}

/* Parses and verifies an entry.  Returns false if it is corrupt. */
static bool parse_entry(const unsigned char *buf, size_t len, struct js_lowered *out) {
  if (len < HEADER_LEN || memcmp(buf, MAGIC, MAGIC_LEN) != 0) return false;
  unsigned char d[DIGEST_LEN];
  sha256(buf + MAGIC_LEN + DIGEST_LEN, len - MAGIC_LEN - DIGEST_LEN, "", 0, d);
  if (memcmp(d, buf + MAGIC_LEN, DIGEST_LEN) != 0) return false;
  const unsigned char *h = buf + MAGIC_LEN + DIGEST_LEN;
  size_t code_len = get_u32(h), map_len = get_u32(h + 4), deps_len = get_u32(h + 8);
  if ((uint64_t)HEADER_LEN + code_len + map_len + deps_len != len) return false;
  const unsigned char *p = buf + HEADER_LEN;
  memset(out, 0, sizeof *out);
  out->code = dup_bytes(p, code_len);
  out->code_len = code_len;
  out->mappings = dup_bytes(p + code_len, map_len);
  if (deps_len > 0) out->deps = dup_bytes(p + code_len + map_len, deps_len);
  out->deps_len = deps_len;
  out->esm = get_u32(h + 12) != 0;
  if (out->code == NULL || out->mappings == NULL || (deps_len > 0 && out->deps == NULL)) {
    js_lowered_free(out);
    return false;
  }
  return true;
}

bool js_disk_cache_get(struct js_disk_cache *dc, const char *key, struct js_lowered *out) {
  if (dc == NULL) return false;
  size_t len = 0;
  unsigned char *buf = read_entry(dc, key, &len);
  if (buf == NULL) return false;
  bool ok = parse_entry(buf, len, out);
  free(buf);
  if (!ok) {
    log_warn("compile_cache %s/%s is corrupt: removed, its module is compiled again", dc->dir, key);
    if (unlinkat(dc->dir_fd, key, 0) < 0 && errno != ENOENT)
      log_warn("compile_cache %s/%s: cannot remove: %s", dc->dir, key, strerror(errno));
  }
  return ok;
}

static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

/* After a failed write: lack of space or permission stops writing for the
 * rest of this process (logged once); anything else is logged. */
static void write_failed(struct js_disk_cache *dc, const char *key, int err) {
  if (err == ENOSPC || err == EDQUOT) {
    dc->writable = false;
    if (!logged_full)
      log_warn("compile_cache %s is full (%s): new modules are compiled in memory", dc->dir, strerror(err));
    logged_full = true;
  } else if (err == EACCES || err == EPERM || err == EROFS) {
    dc->writable = false;
    if (!logged_unwritable)
      log_warn("compile_cache %s is not writable (%s): new modules are compiled in memory", dc->dir,
               strerror(err));
    logged_unwritable = true;
  } else {
    log_warn("compile_cache %s/%s: cannot write: %s", dc->dir, key, strerror(err));
  }
}

void js_disk_cache_put(struct js_disk_cache *dc, const char *key, const struct js_lowered *l) {
  if (dc == NULL || !dc->writable) return;
  size_t map_len = strlen(l->mappings);
  if ((uint64_t)HEADER_LEN + l->code_len + map_len + l->deps_len > MAX_ENTRY_BYTES) return;
  size_t len = HEADER_LEN + l->code_len + map_len + l->deps_len;
  unsigned char *buf = malloc(len);
  if (buf == NULL) return;
  memcpy(buf, MAGIC, MAGIC_LEN);
  unsigned char *h = buf + MAGIC_LEN + DIGEST_LEN;
  put_u32(h, (uint32_t)l->code_len);
  put_u32(h + 4, (uint32_t)map_len);
  put_u32(h + 8, (uint32_t)l->deps_len);
  put_u32(h + 12, l->esm ? 1 : 0);
  memcpy(buf + HEADER_LEN, l->code, l->code_len);
  memcpy(buf + HEADER_LEN + l->code_len, l->mappings, map_len);
  if (l->deps_len) memcpy(buf + HEADER_LEN + l->code_len + map_len, l->deps, l->deps_len);
  sha256(buf + MAGIC_LEN + DIGEST_LEN, len - MAGIC_LEN - DIGEST_LEN, "", 0, buf + MAGIC_LEN);

  char tmp[JS_DISK_CACHE_KEY_LEN + 32];
  snprintf(tmp, sizeof tmp, ".%s.%ld.tmp", key, (long)getpid());
  int fd = openat(dc->dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  int err = 0;
  if (fd < 0) {
    err = errno;
  } else {
    if (write_all(fd, buf, len) < 0) err = errno;
    if (close(fd) < 0 && err == 0) err = errno;
    if (err == 0 && renameat(dc->dir_fd, tmp, dc->dir_fd, key) < 0) err = errno;
    if (err != 0 && unlinkat(dc->dir_fd, tmp, 0) < 0 && errno != ENOENT)
      log_warn("compile_cache %s/%s: cannot remove: %s", dc->dir, tmp, strerror(errno));
  }
  free(buf);
  if (err != 0) write_failed(dc, key, err);
}
