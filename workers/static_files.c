/* static_files.c: static files on the HTTP door (see static_files.h). */
#include "autoconfig.h"

#include "static_files.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

struct static_files {
  int dir_fd;
};

struct static_files *static_files_open(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      log_debug("http_static_dir %s does not exist: no static files", dir);
    else
      log_warn("http_static_dir %s: %s; no static files", dir, strerror(errno));
    return NULL;
  }
  struct static_files *s = malloc(sizeof *s);
  if (s == NULL) {
    close(fd);
    return NULL;
  }
  s->dir_fd = fd;
  return s;
}

void static_files_close(struct static_files *s) {
  if (s == NULL) return;
  close(s->dir_fd);
  free(s);
}

static const char *content_type(const char *path) {
  static const struct {
    const char *ext, *type;
  } types[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"xml", "application/xml"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"webp", "image/webp"},
      {"avif", "image/avif"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"wasm", "application/wasm"},
      {"pdf", "application/pdf"},
      {"mp4", "video/mp4"},
      {"webm", "video/webm"},
      {"mp3", "audio/mpeg"},
  };
  const char *dot = strrchr(path, '.');
  if (dot && strchr(dot, '/') == NULL)
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
      if (strcasecmp(dot + 1, types[i].ext) == 0) return types[i].type;
  return "application/octet-stream";
}

/* Whether PATH has a ".." segment (it is decoded already: "%2e%2e" too). */
static bool has_dotdot(const char *path) {
  for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
    if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/')) return true;
  return false;
}

/* Opens REL beneath the folder (no symbolic link, no mount point crossing
 * leads out of it). */
static int open_beneath(const struct static_files *s, const char *rel) {
  struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK,
                         .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
  return (int)syscall(SYS_openat2, s->dir_fd, rel, &how, sizeof how);
}

static const char *find_header(const struct http_request *hr, const char *name) {
  for (size_t i = 0; i < hr->nheaders; i++)
    if (hr->headers[i].name_len == strlen(name) && strncasecmp(hr->headers[i].name, name, strlen(name)) == 0)
      return hr->headers[i].value;
  return NULL;
}

/* If-None-Match: does it list ETAG (or "*")?  Weak comparison (RFC 9110 13.1.2). */
static bool etag_matches(const char *header, const char *etag) {
  if (header == NULL) return false;
  size_t n = strlen(etag);
  for (const char *p = header; *p;) {
    while (*p == ' ' || *p == ',') p++;
    if (*p == '*') return true;
    if (strncmp(p, "W/", 2) == 0) p += 2;
    if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' ')) return true;
    while (*p && *p != ',') p++;
  }
  return false;
}

/* Parses a single range "bytes=A-B", "bytes=A-" or "bytes=-N" against SIZE.
 * Returns 1 with [*first, *last], 0 to ignore it (absent, several ranges,
 * another unit: the whole file), -1 when unsatisfiable (416). */
static int parse_range(const char *header, off_t size, off_t *first, off_t *last) {
  if (header == NULL || strncmp(header, "bytes=", 6) != 0 || strchr(header, ',')) return 0;
  const char *p = header + 6;
  char *end;
  if (*p == '-') {
    unsigned long long n = strtoull(p + 1, &end, 10);
    if (end == p + 1 || *end) return 0;
    if (n == 0 || size == 0) return -1;
    *first = (off_t)n >= size ? 0 : size - (off_t)n;
    *last = size - 1;
    return 1;
  }
  unsigned long long a = strtoull(p, &end, 10);
  if (end == p || *end != '-') return 0;
  p = end + 1;
  unsigned long long b = (unsigned long long)size - 1;
  if (*p) {
    b = strtoull(p, &end, 10);
    if (end == p || *end || b < a) return 0;
  }
  if ((off_t)a >= size) return -1;
  *first = (off_t)a;
  *last = (off_t)b >= size ? size - 1 : (off_t)b;
  return 1;
}

/* Opens the file for PATH: the file itself, or a folder's index.html.
 * Returns the fd with *ST, or -1 (the app's request). */
static int open_for_path(const struct static_files *s, const char *path, struct stat *st, char *shown,
                         size_t shown_len) {
  const char *rel = path;
  while (*rel == '/') rel++;
  char buf[4096];
  snprintf(shown, shown_len, "%s", rel);
  int fd = *rel ? open_beneath(s, rel) : dup(s->dir_fd);
  if (fd < 0 || fstat(fd, st) < 0) goto none;
  if (S_ISDIR(st->st_mode)) {
    close(fd);
    if (snprintf(buf, sizeof buf, "%s%sindex.html", rel, *rel && rel[strlen(rel) - 1] != '/' ? "/" : "") >=
        (int)sizeof buf)
      return -1;
    snprintf(shown, shown_len, "%s", buf);
    fd = open_beneath(s, buf);
    if (fd < 0 || fstat(fd, st) < 0) goto none;
  }
  if (S_ISREG(st->st_mode)) return fd;
none:
  if (fd >= 0) close(fd);
  return -1;
}

/* The head of an answer: status, fields (those given), framing. */
struct head {
  int status;
  const char *reason;
  const char *content_range; /* or NULL */
  const char *type;          /* or NULL */
  const char *etag;          /* or NULL */
  size_t len;
};

/* FIELDS (or NULL): more field lines, already written, to put in. */
static void write_head(struct evbuffer *out, const struct head *h, struct evbuffer *fields, const char *date,
                       bool close_after, int version_minor) {
  http_write_status(out, h->status, h->reason);
  if (fields) evbuffer_add_buffer(out, fields);
  if (h->content_range)
    http_write_field(out, "Content-Range", 13, h->content_range, strlen(h->content_range));
  if (h->type) http_write_field(out, "Content-Type", 12, h->type, strlen(h->type));
  if (h->etag) http_write_field(out, "ETag", 4, h->etag, strlen(h->etag));
  http_write_field(out, "Accept-Ranges", 13, "bytes", 5);
  http_write_field(out, "Cache-Control", 13, "no-cache", 8); /* development: always revalidate */
  struct http_framing f = {
      .body_len = h->len, .date = date, .close = close_after, .version_minor = version_minor};
  http_write_framing(out, h->status, &f);
}

/* A short plain-text answer: a refusal (403) or a file that is not there (404). */
static int write_refusal(struct evbuffer *out, int status, const char *why, const struct http_request *hr,
                         const char *date, bool close_after) {
  size_t len = strlen(why);
  struct head h = {status, status == 403 ? "Forbidden" : "Not Found", NULL, "text/plain; charset=utf-8", NULL,
                   len};
  write_head(out, &h, NULL, date, close_after, hr->version_minor);
  if (strcmp(hr->method, "HEAD") != 0) evbuffer_add(out, why, len);
  return status;
}

/* Answers HR with the open regular file FD (ST its status; this takes FD):
 * 200, or 206/416 for a Range, 304 for a matching If-None-Match.  TYPE is
 * its Content-Type; FIELDS (or NULL) more field lines. */
static int answer_file(int fd, const struct stat *st, const char *type, struct evbuffer *fields,
                       const struct http_request *hr, struct evbuffer *out, const char *date,
                       bool close_after) {
  bool head = strcmp(hr->method, "HEAD") == 0;
  char etag[64], range_field[96];
  snprintf(etag, sizeof etag, "\"%jx-%jx\"", (uintmax_t)st->st_size,
           (uintmax_t)st->st_mtim.tv_sec * 1000000000u + (uintmax_t)st->st_mtim.tv_nsec);
  struct head h = {200, "OK", NULL, type, etag, (size_t)st->st_size};
  off_t first = 0, last = st->st_size - 1;
  int range = parse_range(find_header(hr, "range"), st->st_size, &first, &last);
  if (etag_matches(find_header(hr, "if-none-match"), etag)) {
    h = (struct head){304, "Not Modified", NULL, NULL, etag, 0};
  } else if (range < 0) {
    snprintf(range_field, sizeof range_field, "bytes */%jd", (intmax_t)st->st_size);
    h = (struct head){416, "Range Not Satisfiable", range_field, NULL, NULL, 0};
  } else if (range > 0) {
    snprintf(range_field, sizeof range_field, "bytes %jd-%jd/%jd", (intmax_t)first, (intmax_t)last,
             (intmax_t)st->st_size);
    h.status = 206, h.reason = "Partial Content", h.content_range = range_field;
    h.len = (size_t)(last - first + 1);
  }
  write_head(out, &h, fields, date, close_after, hr->version_minor);
  bool body = !head && http_status_has_body(h.status) && h.len > 0;
  /* Once added, the buffer owns FD and closes it when sent. */
  if (!body || evbuffer_add_file(out, fd, first, (ev_off_t)h.len) < 0) close(fd);
  return h.status;
}

int static_files_serve(struct static_files *s, const struct http_request *hr, struct evbuffer *out,
                       const char *date, bool close_after) {
  bool head = strcmp(hr->method, "HEAD") == 0;
  if (s == NULL || (!head && strcmp(hr->method, "GET") != 0) || hr->path[0] != '/') return 0;
  if (has_dotdot(hr->path))
    return write_refusal(out, 403, "Forbidden: a path with '..' is refused\n", hr, date, close_after);
  struct stat st;
  char shown[4096];
  int fd = open_for_path(s, hr->path, &st, shown, sizeof shown);
  if (fd < 0) return 0;
  return answer_file(fd, &st, content_type(shown), NULL, hr, out, date, close_after);
}

int static_files_accel(struct static_files *s, const char *prefix, const char *uri, size_t uri_len,
                       const char *type, struct evbuffer *fields, const struct http_request *hr,
                       struct evbuffer *out, const char *date, bool close_after) {
  /* As nginx: the URI is percent-decoded; what follows '?' is its query. */
  const char *q = memchr(uri, '?', uri_len);
  if (q) uri_len = (size_t)(q - uri);
  char path[4096], why[4200];
  size_t path_len, prefix_len = strlen(prefix);
  if (uri_len >= sizeof path || http_percent_decode(uri, uri_len, path, &path_len) < 0 ||
      strlen(path) != path_len)
    return write_refusal(out, 404, "Not Found: X-Accel-Redirect names no file\n", hr, date, close_after);
  if (path_len <= prefix_len || strncmp(path, prefix, prefix_len) != 0) {
    snprintf(why, sizeof why, "Not Found: X-Accel-Redirect %s is not under http_accel_prefix %s\n", path,
             prefix);
    return write_refusal(out, 404, why, hr, date, close_after);
  }
  if (has_dotdot(path))
    return write_refusal(out, 403, "Forbidden: an X-Accel-Redirect path with '..' is refused\n", hr, date,
                         close_after);
  const char *rel = path + prefix_len;
  while (*rel == '/') rel++;
  struct stat st;
  int fd = *rel ? open_beneath(s, rel) : -1;
  if (fd < 0 && (errno == EXDEV || errno == ELOOP)) {
    snprintf(why, sizeof why, "Forbidden: X-Accel-Redirect %s leads out of http_accel_dir\n", path);
    return write_refusal(out, 403, why, hr, date, close_after);
  }
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0) close(fd);
    snprintf(why, sizeof why, "Not Found: X-Accel-Redirect %s: no such file in http_accel_dir\n", path);
    return write_refusal(out, 404, why, hr, date, close_after);
  }
  return answer_file(fd, &st, type ? type : content_type(rel), fields, hr, out, date, close_after);
}
