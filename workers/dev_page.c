/* dev_page.c: the error page of development mode (see dev_page.h). */
#include "autoconfig.h"

#include "dev_page.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accept.h"

#define CONTEXT_LINES 4            /* source lines shown before and after the error's */
#define MAX_SOURCE_BYTES (4 << 20) /* bigger files are not shown */

/* ---- parsing ------------------------------------------------------------- */

static int parse_number(const char **p) {
  int n = 0;
  if (!isdigit((unsigned char)**p)) return -1;
  while (isdigit((unsigned char)**p) && n < 100000000) n = n * 10 + (*(*p)++ - '0');
  return n;
}

void dev_error_parse(const char *text, struct dev_error *out) {
  memset(out, 0, sizeof *out);
  const char *rest = text;
  /* "file:line[:col]: " with no space in the file name. */
  const char *colon = strchr(text, ':');
  size_t file_len = colon ? (size_t)(colon - text) : 0;
  if (colon && file_len > 0 && file_len < sizeof out->file && memchr(text, ' ', file_len) == NULL) {
    const char *p = colon + 1;
    int line = parse_number(&p), col = 0;
    if (line > 0 && *p == ':' && isdigit((unsigned char)p[1])) {
      p++;
      col = parse_number(&p);
    }
    if (line > 0 && p[0] == ':' && p[1] == ' ') {
      memcpy(out->file, text, file_len);
      out->file[file_len] = '\0';
      out->line = line;
      out->column = col > 0 ? col : 0;
      rest = p + 2;
    }
  }
  const char *nl = strchr(rest, '\n');
  out->message = rest;
  out->message_len = nl ? (size_t)(nl - rest) : strlen(rest);
  out->stack = nl ? nl + 1 : "";
}

/* ---- source lines -------------------------------------------------------- */

struct source_line {
  int number;
  char *text;
};

/* Reads the lines around LINE of ROOT/FILE into LINES (at most
 * 2 * CONTEXT_LINES + 1); returns how many. */
static int read_source(const char *root, const char *file, int line, struct source_line *lines) {
  if (file[0] == '\0' || line <= 0 || file[0] == '/' || strstr(file, "..")) return 0;
  char path[4096];
  if (snprintf(path, sizeof path, "%s/%s", root, file) >= (int)sizeof path) return 0;
  FILE *f = fopen(path, "re");
  if (f == NULL) return 0;
  int n = 0, number = 0;
  char *buf = NULL;
  size_t cap = 0, total = 0;
  ssize_t got;
  while (n < 2 * CONTEXT_LINES + 1 && (got = getline(&buf, &cap, f)) >= 0) {
    total += (size_t)got;
    if (total > MAX_SOURCE_BYTES) break;
    number++;
    if (number < line - CONTEXT_LINES) continue;
    while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r')) buf[--got] = '\0';
    lines[n].number = number;
    lines[n].text = strdup(buf);
    if (lines[n].text == NULL) break;
    n++;
  }
  free(buf);
  fclose(f);
  return n;
}

/* ---- rendering ----------------------------------------------------------- */

static void put_html(FILE *out, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    switch (s[i]) {
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '&': fputs("&amp;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&#39;", out); break;
    default: fputc(s[i], out);
    }
  }
}

static void render_html(FILE *out, const char *title, const struct dev_error *e,
                        const struct source_line *lines, int nlines, const char *request_id) {
  fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", out);
  put_html(out, title, strlen(title));
  fputs("</title>\n<style>body{font:15px system-ui,sans-serif;margin:2em;color:#222}"
        "h1{color:#b00020;font-size:1.3em}pre{background:#f6f6f6;padding:1em;overflow:auto}"
        ".here{background:#ffd7d7;font-weight:bold}.where{font-family:monospace}</style></head>\n"
        "<body>\n<h1>",
        out);
  put_html(out, title, strlen(title));
  fputs("</h1>\n<p class=\"message\">", out);
  put_html(out, e->message, e->message_len);
  fputs("</p>\n", out);
  if (e->file[0]) {
    fprintf(out, "<p class=\"where\">");
    put_html(out, e->file, strlen(e->file));
    fprintf(out, ":%d", e->line);
    if (e->column) fprintf(out, ":%d", e->column);
    fputs("</p>\n", out);
  }
  if (nlines > 0) {
    fputs("<pre class=\"source\">", out);
    for (int i = 0; i < nlines; i++) {
      bool here = lines[i].number == e->line;
      fprintf(out, "%s%5d | ", here ? "<span class=\"here\">" : "", lines[i].number);
      put_html(out, lines[i].text, strlen(lines[i].text));
      fputs(here ? "</span>\n" : "\n", out);
    }
    fputs("</pre>\n", out);
  }
  if (e->stack[0]) {
    fputs("<h2>Stack</h2>\n<pre class=\"stack\">", out);
    put_html(out, e->stack, strlen(e->stack));
    fputs("</pre>\n", out);
  }
  fputs("<p><small>request ", out);
  put_html(out, request_id, strlen(request_id));
  fputs(" &middot; shown because [app] dev = yes (jsfpm dev); production answers a bare 500</small></p>\n"
        "</body></html>\n",
        out);
}

static char *render_json(const char *title, const struct dev_error *e, const struct source_line *lines,
                         int nlines, const char *request_id) {
  json_t *source = json_array();
  for (int i = 0; source && i < nlines; i++)
    json_array_append_new(source, json_pack("{s:i, s:o?}", "line", lines[i].number, "text",
                                            json_string(lines[i].text))); /* null when not UTF-8 */
  json_t *err =
      json_pack("{s:s, s:o?, s:o?, s:i, s:i, s:o?, s:o?}", "title", title, "message",
                json_stringn(e->message, e->message_len), "file", e->file[0] ? json_string(e->file) : NULL,
                "line", e->line, "column", e->column, "source", source, "stack", json_string(e->stack));
  json_t *doc = err ? json_pack("{s:o, s:s}", "error", err, "requestId", request_id) : NULL;
  char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
  json_decref(doc);
  return text;
}

int dev_page_render(struct dev_page *page, const char *title, const char *text, const char *root,
                    const char *request_id, bool json) {
  dev_page_free(page);
  struct dev_error e;
  dev_error_parse(text, &e);
  struct source_line lines[2 * CONTEXT_LINES + 1];
  int nlines = read_source(root, e.file, e.line, lines);
  if (json) {
    page->body = render_json(title, &e, lines, nlines, request_id);
    page->len = page->body ? strlen(page->body) : 0;
    page->content_type = "application/json";
  } else {
    FILE *out = open_memstream(&page->body, &page->len);
    if (out) {
      render_html(out, title, &e, lines, nlines, request_id);
      if (fclose(out) != 0) dev_page_free(page);
    }
    page->content_type = "text/html;charset=UTF-8";
  }
  for (int i = 0; i < nlines; i++) free(lines[i].text);
  return page->body ? 0 : -1;
}

void dev_page_free(struct dev_page *page) {
  free(page->body);
  page->body = NULL;
  page->len = 0;
}
