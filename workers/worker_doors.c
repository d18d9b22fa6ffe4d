/* worker_doors.c: a worker's two doors.  The FastCGI door turns a decoded
 * FastCGI request (fcgi.c) into a request for the runtime, its params into
 * the request's fields and headers, and writes the response as FastCGI
 * records; the HTTP door does the same for HTTP/1.1 (http.c), with its own
 * accepting rhythm, Date header and refusals of bad requests.  Both hand
 * the request to worker_handle (worker.c). */
#include "autoconfig.h"

#include <ctype.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>

#include "accept_pause.h"
#include "clock.h"
#include "config.h"
#include "fcgi.h"
#include "http.h"
#include "log.h"
#include "worker_internal.h"
#include "static_files.h"
#include "worker_js.h"

/* ---- FastCGI door -------------------------------------------------------- */

/* CGI-style header names from HTTP_* params: HTTP_X_FORWARDED_FOR ->
 * x-forwarded-for.  Written into BUF (at least NAME_LEN bytes). */
size_t header_name_from_param(const char *param, size_t len, char *buf) {
  for (size_t i = 0; i < len; i++) buf[i] = param[i] == '_' ? '-' : (char)tolower((unsigned char)param[i]);
  buf[len] = '\0';
  return len;
}

static void fcgi_append_head(struct evbuffer *head, const struct js_response *res) {
  evbuffer_add_printf(head, "Status: %d %s\r\n", res->status, js_status_reason(res->status));
  for (size_t i = 0; i < res->nheaders; i++) {
    evbuffer_add(head, res->headers[i].name, res->headers[i].name_len);
    evbuffer_add(head, ": ", 2);
    evbuffer_add(head, res->headers[i].value, res->headers[i].value_len);
    evbuffer_add(head, "\r\n", 2);
  }
  if (res->request_id) evbuffer_add_printf(head, "X-Request-Id: %s\r\n", res->request_id);
  /* A streamed body's end is the end of the STDOUT stream. */
  if (res->streamed)
    evbuffer_add(head, "\r\n", 2);
  else
    evbuffer_add_printf(head, "Content-Length: %zu\r\n\r\n", res->body_len);
}

/* Sends HEAD and then BODY as STDOUT records of request ID, framed
 * around the caller's bytes (the body is the JavaScript heap's string or
 * buffer), and then END (FCGI_END_LEN bytes), in as few records and
 * writes as they fit: one writev for a body of up to 2 MiB. */
static void fcgi_send_reply(struct conn *c, uint16_t id, const void *head, size_t head_len, const void *body,
                            size_t body_len, const uint8_t *end) {
  struct fcgi_iov f;
  const uint8_t *h = head, *b = body;
  for (;;) {
    size_t n = fcgi_iov_stdout(&f, id, h, head_len, b, body_len);
    size_t from_head = n < head_len ? n : head_len;
    h += from_head;
    head_len -= from_head;
    if (n > from_head) {
      b += n - from_head;
      body_len -= n - from_head;
    }
    bool last = head_len + body_len == 0;
    if (last) f.iov[f.n++] = (struct iovec){(void *)end, FCGI_END_LEN};
    worker_conn_send(c, f.iov, f.n);
    if (last) return;
  }
}

static void fcgi_serve(struct conn *c, struct fcgi_request *fr) {
  struct worker *w = c->w;
  /* Headers: every HTTP_* param plus the two CGI promotes out of HTTP_. */
  struct js_header *headers = calloc(fr->nparams + 2, sizeof *headers);
  size_t names_cap = 1;
  for (size_t i = 0; i < fr->nparams; i++) names_cap += fr->params[i].name_len + 1;
  char *names = malloc(names_cap);
  if (headers == NULL || names == NULL) {
    log_error("out of memory building a request");
    free(headers);
    free(names);
    c->close_after_write = true;
    return;
  }
  struct js_request req = {.method = "GET",
                           .uri = "/",
                           .path = NULL,
                           .query = "",
                           .scheme = "http",
                           .remote_addr = "",
                           .body = fr->body,
                           .body_len = fr->body_len};
  const char *document_uri = NULL, *script_name = NULL, *path_info = NULL;
  size_t n = 0, names_used = 0;
  for (size_t i = 0; i < fr->nparams; i++) {
    const struct fcgi_param *p = &fr->params[i];
    const char *name = p->name;
    if (strncmp(name, "HTTP_", 5) == 0 && p->name_len > 5) {
      char *dst = names + names_used;
      headers[n].name = dst;
      headers[n].name_len = header_name_from_param(name + 5, p->name_len - 5, dst);
      names_used += p->name_len - 5 + 1;
      headers[n].value = p->value;
      headers[n].value_len = p->value_len;
      if (strcmp(dst, "host") == 0) req.host = p->value;
      n++;
    } else if (strcmp(name, "CONTENT_TYPE") == 0 && p->value_len > 0) {
      headers[n++] = (struct js_header){"content-type", 12, p->value, p->value_len};
    } else if (strcmp(name, "CONTENT_LENGTH") == 0 && p->value_len > 0) {
      headers[n++] = (struct js_header){"content-length", 14, p->value, p->value_len};
    } else if (strcmp(name, "REQUEST_METHOD") == 0)
      req.method = p->value;
    else if (strcmp(name, "REQUEST_URI") == 0)
      req.uri = p->value;
    else if (strcmp(name, "QUERY_STRING") == 0)
      req.query = p->value;
    else if (strcmp(name, "DOCUMENT_URI") == 0)
      document_uri = p->value;
    else if (strcmp(name, "SCRIPT_NAME") == 0)
      script_name = p->value;
    else if (strcmp(name, "PATH_INFO") == 0)
      path_info = p->value;
    else if (strcmp(name, "REMOTE_ADDR") == 0)
      req.remote_addr = p->value;
    else if (strcmp(name, "REMOTE_USER") == 0 && p->value_len > 0)
      req.remote_user = p->value;
    else if (w->cfg->tenant_param && strcmp(name, w->cfg->tenant_param) == 0)
      req.tenant = p->value;
    else if (strcmp(name, "HTTPS") == 0 && strcmp(p->value, "on") == 0)
      req.scheme = "https";
    else if (strcmp(name, "SERVER_NAME") == 0 && req.host == NULL)
      req.host = p->value;
  }
  req.headers = headers;
  req.nheaders = n;
  /* nginx's $document_uri is the (possibly rewritten) path the location
   * matched: what an app behind a prefix location routes on. */
  char *joined = NULL;
  if (document_uri && *document_uri)
    req.path = document_uri;
  else if (script_name && path_info && asprintf(&joined, "%s%s", script_name, path_info) >= 0)
    req.path = joined;
  else
    req.path = NULL; /* js derives it from the uri */

  /* A reply still queued (the client reads slowly) would be cut by one
   * written from the backstop: then it writes none. */
  struct reply_route route = {
      .fd = evbuffer_get_length(c->out) == 0 ? c->fd : -1, .fcgi = true, .fcgi_id = fr->id};
  struct js_response res;
  worker_handle(w, c, &req, &route, &res);
  /* A streamed response went out in door_stream (one whose first piece
   * failed came back as a plain 500). */
  struct evbuffer *head = res.streamed ? NULL : evbuffer_new();
  if (head == NULL) {
    if (!res.streamed) c->close_after_write = true;
  } else {
    uint8_t end[FCGI_END_LEN];
    fcgi_encode_end(end, fr->id, 0, FCGI_REQUEST_COMPLETE);
    fcgi_append_head(head, &res);
    fcgi_send_reply(c, fr->id, evbuffer_pullup(head, -1), evbuffer_get_length(head), res.body, res.body_len,
                    end);
    evbuffer_free(head);
  }
  if (!fr->keep_conn) c->close_after_write = true;
  free(joined);
  free(names);
  free(headers);
}

/* A request whose body is over max_body_size, refused before it has all
 * arrived (fcgi.h FCGI_EV_TOO_LARGE): nginx passes the 413 on. */
static void fcgi_refuse_too_large(struct conn *c, uint16_t id) {
  static const char why[] = "Payload Too Large: a body larger than max_body_size\n";
  char reply[192];
  int n = snprintf(reply, sizeof reply,
                   "Status: 413 Payload Too Large\r\nContent-Type: text/plain; charset=utf-8\r\n"
                   "Content-Length: %zu\r\n\r\n%s",
                   sizeof why - 1, why);
  log_info("FastCGI door: 413 for request %u: a body larger than max_body_size", (unsigned)id);
  fcgi_write_stdout(c->out, id, reply, (size_t)n);
  fcgi_write_end(c->out, id, 0, FCGI_REQUEST_COMPLETE);
}

void door_fcgi_process_input(struct conn *c) {
  struct evbuffer *in = c->in, *out = c->out;
  while (evbuffer_get_length(in) > 0 && !c->close_after_write) {
    struct evbuffer_iovec vec;
    if (evbuffer_peek(in, -1, NULL, &vec, 1) < 1) break;
    struct fcgi_event ev;
    size_t used = fcgi_conn_feed(c->fcgi, vec.iov_base, vec.iov_len, out, &ev);
    evbuffer_drain(in, used);
    switch (ev.type) {
    case FCGI_EV_REQUEST:
      c->busy = false;
      fcgi_serve(c, ev.request);
      fcgi_request_free(ev.request);
      break;
    case FCGI_EV_ERROR:
      log_warn("FastCGI protocol error, closing the connection: %s", ev.error);
      c->close_after_write = true;
      break;
    case FCGI_EV_ABORT:
      c->busy = false;
      fcgi_write_end(out, ev.request_id, 0, FCGI_REQUEST_COMPLETE);
      break;
    case FCGI_EV_TOO_LARGE:
      c->busy = false;
      fcgi_refuse_too_large(c, ev.request_id);
      break;
    case FCGI_EV_NONE: c->busy = used > 0 || c->busy; break;
    case FCGI_EV_GET_VALUES:
    case FCGI_EV_REPLY: break;
    }
  }
}

/* ---- HTTP door ----------------------------------------------------------- */

/* The HTTP door takes one connection per wake-up like the FastCGI door,
 * and then pauses its accepting until this worker has answered a request,
 * or for HTTP_ACCEPT_PAUSE_MS (a connection that sends nothing must not
 * stop the worker from taking others): so a burst of connections spreads
 * over the idle workers instead of piling up behind one.  The pause is
 * short: at 50 ms, a connection closed without a request (wrk opens one
 * first) left that worker out of a whole burst, and keep-alive clients
 * ended up all on the other worker (/read over HTTP at half speed); 2 ms
 * still lets the other idle workers take their share of a burst. */
#define HTTP_ACCEPT_PAUSE_MS 2

void door_http_accept_pause(struct worker *w) {
  /* Should the timer fail, accepting still resumes after the next answer. */
  struct timeval tv = clock_timeval(HTTP_ACCEPT_PAUSE_MS);
  if (event_del(w->http_accept_ev) < 0 || event_add(w->http_resume_ev, &tv) < 0)
    log_warn("HTTP door: cannot pause accepting");
}

static void door_http_accept_resume(struct worker *w) {
  if (event_del(w->http_resume_ev) < 0) log_warn("HTTP door: cannot cancel the accept pause");
  if (w->accepting && !accept_pause_active(w->pause) && event_add(w->http_accept_ev, NULL) < 0)
    log_error("HTTP door: cannot resume accepting");
}

void door_on_http_resume(evutil_socket_t fd, short what, void *arg) {
  (void)fd, (void)what;
  door_http_accept_resume(arg);
}

/* The Date field, formatted once a second. */
static const char *http_date(struct worker *w) {
  long long now_s = (long long)time(NULL);
  if (now_s != w->date_s) {
    http_format_date(now_s, w->date);
    w->date_s = now_s;
  }
  return w->date;
}

static const struct js_header *response_field(const struct js_response *res, const char *name) {
  for (size_t i = 0; i < res->nheaders; i++)
    if (res->headers[i].name_len == strlen(name) &&
        strncasecmp(res->headers[i].name, name, strlen(name)) == 0)
      return &res->headers[i];
  return NULL;
}

/* A response with X-Accel-Redirect, on a door with http_accel_dir: the
 * file goes out as nginx's internal location would send it, with the
 * fields nginx keeps from the app's response.  Returns false for any
 * other response. */
static bool http_serve_accel(struct conn *c, const struct http_request *hr, const struct js_response *res,
                             bool close) {
  static const char *const kept[] = {"content-disposition", "cache-control", "expires", "set-cookie"};
  struct worker *w = c->w;
  const struct js_header *accel = response_field(res, "x-accel-redirect");
  if (w->accel_files == NULL || accel == NULL) return false;
  struct evbuffer *fields = evbuffer_new();
  const struct js_header *type_field = response_field(res, "content-type");
  char *type = type_field ? strndup(type_field->value, type_field->value_len) : NULL;
  if (fields == NULL || (type_field && type == NULL)) {
    log_error("out of memory answering X-Accel-Redirect");
    http_write_error(c->out, 500, js_status_reason(500), "out of memory", http_date(w));
    c->close_after_write = true;
  } else {
    for (size_t i = 0; i < res->nheaders; i++)
      for (size_t k = 0; k < sizeof kept / sizeof kept[0]; k++)
        if (res->headers[i].name_len == strlen(kept[k]) &&
            strncasecmp(res->headers[i].name, kept[k], res->headers[i].name_len) == 0)
          http_write_field(fields, res->headers[i].name, res->headers[i].name_len, res->headers[i].value,
                           res->headers[i].value_len);
    if (res->request_id)
      http_write_field(fields, "X-Request-Id", 12, res->request_id, strlen(res->request_id));
    static_files_accel(w->accel_files, w->cfg->http_accel_prefix, accel->value, accel->value_len, type,
                       fields, hr, c->out, http_date(w), close);
    if (close) c->close_after_write = true;
  }
  if (fields) evbuffer_free(fields);
  free(type);
  door_http_accept_resume(w);
  return true;
}

/* Appends the head of RES to C's output.  A streamed body is chunked for
 * HTTP/1.1 and delimited by the end of the connection for HTTP/1.0 (CLOSE
 * is then true). */
static void http_append_head(struct conn *c, const struct js_response *res, bool close, int version_minor) {
  struct evbuffer *out = c->out;
  http_write_status(out, res->status, js_status_reason(res->status));
  for (size_t i = 0; i < res->nheaders; i++)
    http_write_field(out, res->headers[i].name, res->headers[i].name_len, res->headers[i].value,
                     res->headers[i].value_len);
  if (res->request_id) http_write_field(out, "X-Request-Id", 12, res->request_id, strlen(res->request_id));
  struct http_framing framing = {.body_len = res->body_len,
                                 .streamed = res->streamed,
                                 .date = response_field(res, "date") ? NULL : http_date(c->w),
                                 .close = close,
                                 .version_minor = version_minor};
  http_write_framing(out, res->status, &framing);
}

/* ---- streamed responses, both doors -------------------------------------- */

/* The head of a streamed response on C's output; returns whether the
 * connection closes after it (HTTP). */
static bool stream_head(struct conn *c, const struct reply_route *route, const struct js_response *res) {
  if (route->fcgi) {
    struct evbuffer *head = evbuffer_new();
    if (head == NULL) return true;
    fcgi_append_head(head, res);
    fcgi_write_stdout(c->out, route->fcgi_id, evbuffer_pullup(head, -1), evbuffer_get_length(head));
    evbuffer_free(head);
    return false;
  }
  bool close = !route->keep_alive || !c->w->accepting || route->version_minor == 0;
  http_append_head(c, res, close, route->version_minor);
  return close;
}

/* Sends one piece of a streamed body and waits until the client took it:
 * a FastCGI record stream, or an HTTP/1.1 chunk. */
static int stream_piece(struct conn *c, const struct reply_route *route, const struct js_response *res,
                        const uint8_t *data, size_t len, const char **why) {
  if (route->fcgi) {
    struct fcgi_iov f;
    size_t sent = 0;
    while (sent < len) {
      size_t n = fcgi_iov_stdout(&f, route->fcgi_id, NULL, 0, data + sent, len - sent);
      if (worker_conn_send_wait(c, f.iov, f.n, res->deadline_ms, why) < 0) return -1;
      sent += n;
    }
    return 0;
  }
  char size[24];
  int n = snprintf(size, sizeof size, "%zx\r\n", len);
  struct iovec chunk[3] = {{size, (size_t)n}, {(void *)data, len}, {"\r\n", 2}};
  bool chunked = route->version_minor > 0;
  return worker_conn_send_wait(c, chunked ? chunk : chunk + 1, chunked ? 3 : 1, res->deadline_ms, why);
}

/* A streamed response whose first piece failed: nothing has been sent,
 * so the client gets a 500 like for any failed request. */
static void stream_failed_early(struct js_response *res) {
  static const struct js_header text = {"Content-Type", 12, "text/plain;charset=UTF-8", 24};
  static const char body[] = "Internal Server Error\n";
  res->streamed = false;
  res->status = 500;
  res->headers = &text;
  res->nheaders = 1;
  res->body = (const uint8_t *)body;
  res->body_len = sizeof body - 1;
}

void door_stream(struct conn *c, const struct reply_route *route, struct js_response *res) {
  struct js_runtime *js = c->w->js;
  const uint8_t *data;
  size_t len;
  /* The head waits for the first piece: if that fails, a 500 can still go. */
  int r = route->head_only ? 0 : js_stream_next(js, &data, &len);
  if (r < 0) {
    js_stream_end(js, false);
    stream_failed_early(res);
    return;
  }
  bool close = stream_head(c, route, res);
  size_t sent = 0;
  const char *why = NULL;
  while (r > 0 && stream_piece(c, route, res, data, len, &why) == 0) {
    sent += len;
    r = js_stream_next(js, &data, &len);
  }
  res->body_len = sent;
  if (r < 0 || why != NULL) /* the app's failure is logged already, with its cause */
    log_info("[%s] streamed response aborted after %zu bytes: %s", res->request_id, sent,
             why != NULL ? why : "the app's stream failed");
  js_stream_end(js, why != NULL || route->head_only); /* HEAD: the source never ran, but may hold something */
  if (r == 0 && why == NULL) {
    /* The end: FastCGI's end of the request, HTTP/1.1's last chunk. */
    static const struct iovec last_chunk = {"0\r\n\r\n", 5};
    uint8_t end[FCGI_END_LEN];
    fcgi_encode_end(end, route->fcgi_id, 0, FCGI_REQUEST_COMPLETE);
    struct iovec fcgi_end = {end, sizeof end};
    if (route->fcgi || (!route->head_only && route->version_minor > 0))
      worker_conn_send(c, route->fcgi ? &fcgi_end : &last_chunk, 1);
    if (close) c->close_after_write = true;
    return;
  }
  /* Aborted: the client must not take a cut body for a whole one.  The
   * connection closes without the end: nginx then cuts its own response
   * to the client short, an HTTP client sees no last chunk. */
  evbuffer_drain(c->out, evbuffer_get_length(c->out));
  c->close_after_write = true;
}

/* Answers one request.  The runtime has already dropped the fields the
 * server owns (Content-Length, Connection, ...): the framing here is ours
 * alone. */
static void http_serve(struct conn *c, const struct http_request *hr) {
  struct worker *w = c->w;
  bool last = !hr->keep_alive || !w->accepting;
  if (static_files_serve(w->static_files, hr, c->out, http_date(w), last)) {
    c->close_after_write = last;
    door_http_accept_resume(w);
    return;
  }
  if (hr->nheaders > w->http_headers_cap) {
    struct js_header *grown = realloc(w->http_headers, hr->nheaders * sizeof *grown);
    if (grown == NULL) {
      log_error("out of memory building a request");
      http_write_error(c->out, 500, js_status_reason(500), "out of memory", http_date(w));
      c->close_after_write = true;
      return;
    }
    w->http_headers = grown;
    w->http_headers_cap = hr->nheaders;
  }
  for (size_t i = 0; i < hr->nheaders; i++)
    w->http_headers[i] = (struct js_header){hr->headers[i].name, hr->headers[i].name_len,
                                            hr->headers[i].value, hr->headers[i].value_len};
  struct js_request req = {.method = hr->method,
                           .uri = hr->target,
                           .path = hr->path,
                           .query = hr->query,
                           .scheme = "http",
                           .host = hr->host,
                           .remote_addr = c->remote_addr,
                           .headers = w->http_headers,
                           .nheaders = hr->nheaders,
                           .body = hr->body,
                           .body_len = hr->body_len};
  /* A reply still queued (a pipelining client reads slowly) would be cut
   * by one written from the backstop: then it writes none. */
  struct reply_route route = {.fd = evbuffer_get_length(c->out) == 0 ? c->fd : -1,
                              .head_only = strcmp(hr->method, "HEAD") == 0,
                              .keep_alive = hr->keep_alive,
                              .version_minor = hr->version_minor};
  struct js_response res;
  worker_handle(w, c, &req, &route, &res);

  if (res.streamed) { /* door_stream wrote it all (or turned it into a 500) */
    door_http_accept_resume(w);
    return;
  }
  /* Retiring (graceful stop, max_requests): this reply is the last. */
  bool close = !hr->keep_alive || !w->accepting;
  if (http_serve_accel(c, hr, &res, close)) return;
  http_append_head(c, &res, close, hr->version_minor);
  if (strcmp(hr->method, "HEAD") != 0 && http_status_has_body(res.status))
    worker_conn_send(c, &(struct iovec){(void *)res.body, res.body_len}, 1);
  if (close) c->close_after_write = true;
  door_http_accept_resume(w);
}

/* A request the codec refused: the status and the reason go to the client,
 * which also learns the connection ends here. */
static void http_refuse(struct conn *c, const struct http_event *ev) {
  log_info("HTTP door: %d for %s: %s; closing the connection", ev->status,
           c->remote_addr[0] ? c->remote_addr : "a client", ev->error);
  http_write_error(c->out, ev->status, js_status_reason(ev->status), ev->error, http_date(c->w));
  c->close_after_write = true;
}

/* Replies waiting beyond this many bytes stop the reading of pipelined
 * requests until the client has taken some. */
#define HTTP_OUT_HIGH_BYTES (64 * 1024)

void door_http_process_input(struct conn *c) {
  struct evbuffer *in = c->in;
  while (evbuffer_get_length(in) > 0 && !c->close_after_write &&
         evbuffer_get_length(c->out) < HTTP_OUT_HIGH_BYTES) {
    struct evbuffer_iovec vec;
    if (evbuffer_peek(in, -1, NULL, &vec, 1) < 1) break;
    struct http_event ev;
    size_t used = http_conn_feed(c->http, vec.iov_base, vec.iov_len, c->out, &ev);
    evbuffer_drain(in, used);
    if (ev.type == HTTP_EV_REQUEST)
      http_serve(c, ev.request);
    else if (ev.type == HTTP_EV_ERROR)
      http_refuse(c, &ev);
    c->busy = !http_conn_idle(c->http);
  }
}
