/* dev_page.h: the error page of development mode ([app] dev = yes).
 *
 * When the app does not load, or a request throws, a worker in development
 * mode answers 500 with a page that says what went wrong and where: the
 * message, the original file:line:column, the source lines around it and
 * the stack.  HTML for browsers, JSON when the request's Accept prefers
 * application/json.  In production (dev = no) nothing here is used: the
 * answer stays a bare 500 with the request id.
 */
#ifndef JSFPM_DEV_PAGE_H
#define JSFPM_DEV_PAGE_H

#include <stdbool.h>
#include <stddef.h>

/* Where an error happened, parsed from the text js_format_error makes:
 * "file:line[:col]: message\n<stack>" (the location is optional). */
struct dev_error {
  char file[512];      /* relative to the app root; "" when unknown */
  int line, column;    /* 1-based; 0 when unknown */
  const char *message; /* the first line after the location (points into the text) */
  size_t message_len;
  const char *stack; /* the lines after it, or "" */
};

void dev_error_parse(const char *text, struct dev_error *out);

/* A rendered page; BODY is malloc'd and replaced by the next render. */
struct dev_page {
  char *body;
  size_t len;
  const char *content_type;
};

/* Renders the page for TEXT (see dev_error_parse).  TITLE heads it ("The
 * app does not load", "Uncaught exception"); ROOT is the app folder the
 * source lines are read from; REQUEST_ID goes into the page.  Returns 0, or
 * -1 when out of memory (PAGE is then empty). */
int dev_page_render(struct dev_page *page, const char *title, const char *text, const char *root,
                    const char *request_id, bool json);
void dev_page_free(struct dev_page *page);

#endif
