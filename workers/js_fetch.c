/* js_fetch.c: the natives behind fetch() (see js_fetch.h).
 *
 * native.fetchStart(method, url, flatHeaders, body|null, timeoutMs) -> id
 *   checks the URL against [app] fetch_allow and starts the transfer;
 * native.fetchPoll(maxWaitMs) -> [[id, status, flatHeaders, body, error], ...]
 *   runs the transfers, waiting at most maxWaitMs for one to finish;
 * native.fetchAbort(id), native.fetchPending() -> count.
 *
 * The URL is parsed once, by curl (CURLU), and that parse both decides the
 * allow-list check and is what curl connects to, so the two cannot differ.
 * Redirects are not followed here: fetch.js follows them itself, checking
 * each new host against the list.  TLS peers are verified (curl's default,
 * with the system's CAs or [app] fetch_ca_file).
 */
#include "autoconfig.h"

#include "js_fetch.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "config.h"
#include "js_platform.h"

#define FETCH_MAX_TRANSFERS 64 /* in flight at once, per request */

struct fetch_transfer {
  CURL *easy;
  CURLU *url;
  int id;
  struct curl_slist *headers;
  char *request_body;
  unsigned char *body; /* response body read so far */
  size_t body_len, body_cap;
  size_t body_max;
  bool too_big;
  char *head; /* response header lines of the final response, "\r\n" separated */
  size_t head_len, head_cap;
  long long start_ms;
  bool deadline_bound; /* its time limit is what was left of the request's */
  char error[CURL_ERROR_SIZE];
};

static CURLM *multi;
static struct fetch_transfer *transfers[FETCH_MAX_TRANSFERS];
static int next_id;
static struct js_fetch_counts counts;

/* ---- the allow-list ------------------------------------------------------- */

/* Whether ENTRY (one fetch_allow item, LEN bytes) allows HOST:PORT. */
static bool entry_allows(const char *entry, size_t len, const char *host, long port) {
  /* "host:port" (the last colon after a "]" or in a name without brackets) */
  const char *colon = NULL;
  for (size_t i = len; i > 0; i--) {
    if (entry[i - 1] == ':') {
      colon = entry + i - 1;
      break;
    }
    if (entry[i - 1] == ']') break;
  }
  if (colon && entry[0] != '[' && memchr(entry, ':', (size_t)(colon - entry))) colon = NULL; /* bare IPv6 */
  size_t host_len = colon ? (size_t)(colon - entry) : len;
  if (colon && strtol(colon + 1, NULL, 10) != port) return false;
  size_t n = strlen(host);
  if (host_len > 2 && entry[0] == '*' && entry[1] == '.') { /* "*.example.com": subdomains only */
    size_t suffix = host_len - 1;                           /* ".example.com" */
    return n > suffix && strncasecmp(host + n - suffix, entry + 1, suffix) == 0;
  }
  return n == host_len && strncasecmp(host, entry, n) == 0;
}

bool js_fetch_host_allowed(const char *allow, const char *host, long port) {
  if (allow == NULL) return false;
  for (const char *p = allow; *p;) {
    while (*p == ',' || *p == ' ') p++;
    size_t len = strcspn(p, ", ");
    if (len > 0 && entry_allows(p, len, host, port)) return true;
    p += len;
  }
  return false;
}

/* ---- transfers ------------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t n, void *udata) {
  struct fetch_transfer *t = udata;
  size_t len = size * n;
  if (t->body_len + len > t->body_max) {
    t->too_big = true;
    return 0; /* curl stops with CURLE_WRITE_ERROR */
  }
  if (t->body_len + len > t->body_cap) {
    size_t cap = t->body_cap ? t->body_cap : 16384;
    while (cap < t->body_len + len) cap *= 2;
    unsigned char *grown = realloc(t->body, cap);
    if (grown == NULL) return 0;
    t->body = grown;
    t->body_cap = cap;
  }
  memcpy(t->body + t->body_len, data, len);
  t->body_len += len;
  return len;
}

/* Header lines; a status line starts over (100 Continue, a proxy's CONNECT). */
static size_t on_header(char *data, size_t size, size_t n, void *udata) {
  struct fetch_transfer *t = udata;
  size_t len = size * n;
  if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) t->head_len = 0;
  if (t->head_len + len > 256 * 1024) return 0; /* more header than any real response has */
  if (t->head_len + len + 1 > t->head_cap) {
    size_t cap = t->head_cap ? t->head_cap * 2 : 2048;
    while (cap < t->head_len + len + 1) cap *= 2;
    char *grown = realloc(t->head, cap);
    if (grown == NULL) return 0;
    t->head = grown;
    t->head_cap = cap;
  }
  memcpy(t->head + t->head_len, data, len);
  t->head_len += len;
  t->head[t->head_len] = '\0';
  return len;
}

static void transfer_free(struct fetch_transfer *t) {
  if (t == NULL) return;
  if (t->easy) {
    curl_multi_remove_handle(multi, t->easy);
    curl_easy_cleanup(t->easy);
  }
  curl_url_cleanup(t->url);
  curl_slist_free_all(t->headers);
  free(t->request_body);
  free(t->body);
  free(t->head);
  free(t);
}

static int slot_of(int id) {
  for (int i = 0; i < FETCH_MAX_TRANSFERS; i++)
    if (transfers[i] && transfers[i]->id == id) return i;
  return -1;
}

static int pending(void) {
  int n = 0;
  for (int i = 0; i < FETCH_MAX_TRANSFERS; i++) n += transfers[i] != NULL;
  return n;
}

/* Throws a TypeError (fetch's "network error") with MSG; frees T.  Never returns. */
static duk_ret_t start_failed(duk_context *ctx, struct fetch_transfer *t, const char *fmt, const char *arg) {
  transfer_free(t);
  return duk_error(ctx, DUK_ERR_TYPE_ERROR, fmt, arg);
}

/* Checks the URL at stack index 1 against [app] fetch_allow and sets T->url;
 * throws (freeing T) when it may not be fetched. */
static void check_url(duk_context *ctx, struct fetch_transfer *t, const struct jsfpm_config *cfg) {
  const char *url = duk_require_string(ctx, 1);
  t->url = curl_url();
  if (t->url == NULL) start_failed(ctx, t, "fetch: out of memory%s", "");
  if (curl_url_set(t->url, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
    start_failed(ctx, t, "fetch: cannot use the URL %s", url);
  char *scheme = NULL, *host = NULL, *port = NULL;
  curl_url_get(t->url, CURLUPART_SCHEME, &scheme, 0);
  curl_url_get(t->url, CURLUPART_HOST, &host, 0);
  curl_url_get(t->url, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  bool web = scheme && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
  bool allowed = web && host && port && js_fetch_host_allowed(cfg->fetch_allow, host, strtol(port, NULL, 10));
  char what[512];
  snprintf(what, sizeof what, "%s:%s", host ? host : "?", port ? port : "?");
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  if (!web) start_failed(ctx, t, "fetch: only http: and https: URLs can be fetched, not %s", url);
  if (!allowed)
    start_failed(
        ctx, t,
        "fetch: host %s is not allowed: add it to fetch_allow in [app] (no host is allowed by default)",
        what);
}

/* Sets the request headers from the flat [name, value, ...] array at index 2;
 * throws (freeing T) when out of memory. */
static void set_headers(duk_context *ctx, struct fetch_transfer *t) {
  duk_size_t n = duk_get_length(ctx, 2);
  bool has_accept_encoding = false;
  for (duk_size_t i = 0; i + 1 < n; i += 2) {
    duk_get_prop_index(ctx, 2, (duk_uarridx_t)i);
    duk_get_prop_index(ctx, 2, (duk_uarridx_t)i + 1);
    duk_push_sprintf(ctx, "%s: %s", duk_safe_to_string(ctx, -2), duk_safe_to_string(ctx, -1));
    if (strcasecmp(duk_get_string(ctx, -3), "accept-encoding") == 0) has_accept_encoding = true;
    struct curl_slist *l = curl_slist_append(t->headers, duk_get_string(ctx, -1));
    duk_pop_3(ctx);
    if (l == NULL) start_failed(ctx, t, "fetch: out of memory%s", "");
    t->headers = l;
  }
  /* curl would add "Expect: 100-continue" for larger bodies: a round trip for nothing. */
  struct curl_slist *l = curl_slist_append(t->headers, "Expect:");
  if (l == NULL) start_failed(ctx, t, "fetch: out of memory%s", "");
  t->headers = l;
  /* The response is decoded, as a browser's is, unless the app asked for an encoding itself. */
  if (!has_accept_encoding) curl_easy_setopt(t->easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
}

static duk_ret_t js_fetch_start(duk_context *ctx) {
  const struct jsfpm_config *cfg = js_runtime_config(ctx);
  /* Arguments are checked before anything is allocated: a throw then leaks nothing. */
  const char *method = duk_require_string(ctx, 0);
  duk_require_string(ctx, 1);
  if (!duk_is_array(ctx, 2)) return duk_error(ctx, DUK_ERR_TYPE_ERROR, "fetch: headers must be an array");
  if (!duk_is_null_or_undefined(ctx, 3) && !duk_is_buffer_data(ctx, 3))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "fetch: the body must be bytes");
  double timeout = duk_require_number(ctx, 4);
  if (multi == NULL && (multi = curl_multi_init()) == NULL)
    return duk_error(ctx, DUK_ERR_ERROR, "fetch: cannot initialise libcurl");
  int slot = -1;
  for (int i = 0; i < FETCH_MAX_TRANSFERS && slot < 0; i++)
    if (transfers[i] == NULL) slot = i;
  if (slot < 0)
    return duk_error(ctx, DUK_ERR_RANGE_ERROR, "fetch: more than %d requests in flight", FETCH_MAX_TRANSFERS);
  struct fetch_transfer *t = calloc(1, sizeof *t);
  if (t == NULL || (t->easy = curl_easy_init()) == NULL)
    return start_failed(ctx, t, "fetch: out of memory%s", "");
  check_url(ctx, t, cfg);
  set_headers(ctx, t);

  /* The time limit: the call's own, [app] fetch_timeout, and what is left of the request. */
  long long limit = cfg->fetch_timeout_ms;
  if (timeout > 0 && timeout < (double)limit) limit = (long long)timeout;
  long long deadline = js_runtime_deadline_ms(ctx);
  if (deadline > 0 && deadline - clock_mono_ms() <= limit) {
    limit = deadline - clock_mono_ms();
    t->deadline_bound = true;
  }
  if (limit <= 0) return start_failed(ctx, t, "fetch: no time left before the request's deadline%s", "");

  CURL *e = t->easy;
  curl_easy_setopt(e, CURLOPT_CURLU, t->url);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)limit);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)limit);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)cfg->fetch_max_response_bytes);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  if (cfg->fetch_ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, cfg->fetch_ca_file);
  t->body_max = (size_t)cfg->fetch_max_response_bytes;
  if (strcmp(method, "HEAD") == 0)
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  else if (strcmp(method, "GET") != 0)
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
  if (!duk_is_null_or_undefined(ctx, 3)) {
    size_t len;
    const uint8_t *body = js_require_bytes(ctx, 3, &len);
    t->request_body = malloc(len ? len : 1);
    if (t->request_body == NULL) return start_failed(ctx, t, "fetch: out of memory%s", "");
    memcpy(t->request_body, body, len);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->request_body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    if (strcmp(method, "POST") != 0) curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
  }
  if (curl_multi_add_handle(multi, e) != CURLM_OK)
    return start_failed(ctx, t, "fetch: cannot start the transfer%s", "");
  t->id = ++next_id;
  t->start_ms = clock_mono_ms();
  transfers[slot] = t;
  counts.calls++;
  duk_push_int(ctx, t->id);
  return 1;
}

/* Pushes the flat [name, value, ...] headers of T's final response. */
static void push_response_headers(duk_context *ctx, const struct fetch_transfer *t) {
  duk_push_array(ctx);
  duk_uarridx_t n = 0;
  const char *p = t->head ? t->head : "";
  const char *line_end;
  bool first = true;
  while ((line_end = strstr(p, "\r\n")) != NULL) {
    const char *colon = memchr(p, ':', (size_t)(line_end - p));
    if (!first && colon) {
      const char *v = colon + 1;
      while (v < line_end && (*v == ' ' || *v == '\t')) v++;
      const char *v_end = line_end;
      while (v_end > v && (v_end[-1] == ' ' || v_end[-1] == '\t')) v_end--;
      js_push_wire_string(ctx, p, (size_t)(colon - p));
      duk_put_prop_index(ctx, -2, n++);
      js_push_wire_string(ctx, v, (size_t)(v_end - v));
      duk_put_prop_index(ctx, -2, n++);
    }
    first = false;
    p = line_end + 2;
  }
}

/* The message for a transfer that got no response. */
static void push_error(duk_context *ctx, const struct fetch_transfer *t, CURLcode rc, long long limit_bytes) {
  if (t->too_big || rc == CURLE_FILESIZE_EXCEEDED)
    duk_push_sprintf(ctx, "the response is larger than fetch_max_response_size (%lld bytes)", limit_bytes);
  else if (rc == CURLE_OPERATION_TIMEDOUT && t->deadline_bound)
    duk_push_sprintf(ctx, "DeadlineError: a fetch() was still running at the request's time limit (%s)",
                     t->error[0] ? t->error : curl_easy_strerror(rc));
  else if (rc == CURLE_OPERATION_TIMEDOUT)
    duk_push_sprintf(ctx, "TimeoutError: %s", t->error[0] ? t->error : curl_easy_strerror(rc));
  else
    duk_push_string(ctx, t->error[0] ? t->error : curl_easy_strerror(rc));
}

/* Pushes the completion of T and frees it. */
static void push_done(duk_context *ctx, struct fetch_transfer *t, CURLcode rc, duk_uarridx_t index) {
  const struct jsfpm_config *cfg = js_runtime_config(ctx);
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  counts.time_ms += (unsigned long long)(clock_mono_ms() - t->start_ms);
  duk_push_array(ctx);
  duk_push_int(ctx, t->id);
  duk_put_prop_index(ctx, -2, 0);
  if (rc == CURLE_OK) {
    duk_push_int(ctx, (int)status);
    duk_put_prop_index(ctx, -2, 1);
    push_response_headers(ctx, t);
    duk_put_prop_index(ctx, -2, 2);
    memcpy(js_push_bytes(ctx, t->body_len), t->body ? t->body : (unsigned char *)"", t->body_len);
    duk_put_prop_index(ctx, -2, 3);
  } else {
    counts.errors++;
    push_error(ctx, t, rc, (long long)cfg->fetch_max_response_bytes);
    duk_put_prop_index(ctx, -2, 4);
  }
  duk_put_prop_index(ctx, -2, index);
  transfers[slot_of(t->id)] = NULL;
  transfer_free(t);
}

static duk_ret_t js_fetch_poll(duk_context *ctx) {
  double wait = duk_require_number(ctx, 0);
  duk_push_array(ctx);
  if (multi == NULL || pending() == 0) return 1;
  int running = 0;
  curl_multi_perform(multi, &running);
  duk_uarridx_t n = 0;
  for (int round = 0; round < 2; round++) {
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(multi, &left)) != NULL) {
      if (m->msg != CURLMSG_DONE) continue;
      struct fetch_transfer *t = NULL;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
      if (t) push_done(ctx, t, m->data.result, n++);
    }
    if (n > 0 || round == 1 || !(wait > 0)) break;
    /* Nothing finished: wait for the sockets (or curl's own timers), at most WAIT. */
    int ms = wait > 3600000 ? 3600000 : (int)wait;
    curl_multi_poll(multi, NULL, 0, ms, NULL);
    curl_multi_perform(multi, &running);
  }
  return 1;
}

static duk_ret_t js_fetch_abort(duk_context *ctx) {
  int slot = slot_of(duk_require_int(ctx, 0));
  if (slot >= 0) {
    counts.errors++;
    counts.time_ms += (unsigned long long)(clock_mono_ms() - transfers[slot]->start_ms);
    transfer_free(transfers[slot]);
    transfers[slot] = NULL;
  }
  return 0;
}

static duk_ret_t js_fetch_pending(duk_context *ctx) {
  duk_push_int(ctx, pending());
  return 1;
}

void js_fetch_request_end(void) {
  for (int i = 0; i < FETCH_MAX_TRANSFERS; i++) {
    if (transfers[i] == NULL) continue;
    counts.errors++;
    counts.time_ms += (unsigned long long)(clock_mono_ms() - transfers[i]->start_ms);
    transfer_free(transfers[i]);
    transfers[i] = NULL;
  }
}

void js_fetch_take_counts(struct js_fetch_counts *out) {
  *out = counts;
  memset(&counts, 0, sizeof counts);
}

const duk_function_list_entry js_fetch_natives[] = {{"fetchStart", js_fetch_start, 5},
                                                    {"fetchPoll", js_fetch_poll, 1},
                                                    {"fetchAbort", js_fetch_abort, 1},
                                                    {"fetchPending", js_fetch_pending, 0},
                                                    {NULL, NULL, 0}};
