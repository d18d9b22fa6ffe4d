/* frame.h: the worker <-> broker framing.
 *
 * A frame is a 4-byte big-endian payload length followed by that many bytes
 * of UTF-8 JSON (one object).  See docs/protocol.md.  The codec works on
 * evbuffers so the broker (libevent) and the worker (blocking socket) share it.
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

#endif
