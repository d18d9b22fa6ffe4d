/* db_client.h: a worker's blocking connection to the broker.
 *
 * JavaScript is synchronous, so a DB call blocks the worker until the
 * broker's reply (matched by request id) arrives or the timeout passes.
 * The connection is opened lazily and reopened after a broker restart.
 */
#ifndef JSFPM_DB_CLIENT_H
#define JSFPM_DB_CLIENT_H

#include <jansson.h>

struct db_client;

struct db_client *db_client_new(const char *socket_path);
void db_client_free(struct db_client *c);

/* Sends REQ (an object; "id" is set by the client, the caller's reference is
 * not stolen) and waits up to TIMEOUT_MS for the reply.  Returns the reply
 * object (new reference; it may carry "ok":false with a SQLite error), or NULL
 * with ERR set when the broker could not be reached, the connection broke
 * mid-call, or the timeout passed; the connection is then closed so the next
 * call reconnects.  A broker of another protocol version (docs/protocol.md)
 * is refused before the request reaches it: the reply is then a
 * JSFPM_PROTOCOL error. */
json_t *db_client_call(struct db_client *c, json_t *req, int timeout_ms, char *err, size_t errlen);

/* The binary sections of the reply the last db_client_call returned: the
 * row sets its query results name by "rowset": K (frame_section,
 * rowset.h).  Valid until the next call on C; NULL (*LEN 0) when it had
 * none. */
const unsigned char *db_client_sections(const struct db_client *c, size_t *len);

/* Depth of the transaction the app has open: the broker's "tx" in the last
 * reply, plus the levels of one that died with a closed connection (the
 * broker rolled it back).  Until the app ends those levels, calls other than
 * rollback/commit fail, so the rest of a lost transaction never runs outside
 * it; a rollback of them is answered here. */
int db_client_tx_depth(const struct db_client *c);

#endif
