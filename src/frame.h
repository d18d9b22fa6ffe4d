/* frame.h: the worker <-> broker framing.
 *
 * A frame is a 4-byte big-endian payload length followed by that many bytes
 * of UTF-8 JSON (one object).  See docs/protocol.md.  The codec works on
 * evbuffers for the broker (libevent) and on plain memory for the worker
 * (blocking socket, one buffer each way kept for the life of the connection).
 */
#ifndef JSFPM_FRAME_H
#define JSFPM_FRAME_H

#include <jansson.h>
#include <stddef.h>

struct evbuffer;

#define FRAME_HEADER_LEN 4
#define FRAME_DEFAULT_MAX_BYTES (64u * 1024u * 1024u) /* largest payload accepted */

/* Appends MSG as one frame to OUT.  Returns 0, or -1 if MSG cannot be encoded
 * (errno-free; JSON encoding failure or payload over FRAME_DEFAULT_MAX_BYTES). */
int frame_encode(struct evbuffer *out, const json_t *msg);

/* Removes one complete frame from IN if present.
 * Returns 1 and sets *msg (a new reference) when a frame was decoded,
 * 0 when IN does not yet hold a whole frame (nothing is removed),
 * -1 on a bad frame (length over max_bytes, invalid JSON, not an object);
 * err then holds a message.  After -1 the stream is out of sync: close it. */
int frame_decode(struct evbuffer *in, size_t max_bytes, json_t **msg, char *err, size_t errlen);

/* Encodes MSG as one frame at the start of *BUF (*CAP bytes, grown with
 * realloc when short) and sets *LEN to the frame's size.  Returns 0, or -1
 * as frame_encode (*BUF stays valid and owned by the caller). */
int frame_encode_mem(const json_t *msg, unsigned char **buf, size_t *cap, size_t *len);

/* Decodes the frame at the start of P (HAVE bytes).  Returns 1 with *MSG
 * (a new reference) and *FRAME_LEN (header included), 0 when P holds only
 * part of a frame (*FRAME_LEN is then the whole frame's size once its
 * header is in, else 0), -1 on a bad frame as frame_decode. */
int frame_decode_mem(const unsigned char *p, size_t have, size_t max_bytes, json_t **msg,
                     size_t *frame_len, char *err, size_t errlen);

#endif
