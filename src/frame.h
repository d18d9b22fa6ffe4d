/* frame.h: the worker <-> broker framing (docs/protocol.md).
 *
 * A frame is a 4-byte big-endian payload length and the payload.  Protocol
 * version 2's payload is a version byte (2), the 4-byte length of a JSON
 * object, that object, then binary sections (each a 4-byte length and its
 * bytes: row sets, rowset.h).  Version 1's payload is the JSON object
 * alone; this build still reads it, to refuse a client of the old protocol
 * with an error it understands, and writes it for that error and for the
 * handshake (db_client.c).  The codec works on evbuffers for the broker
 * (libevent) and on plain memory for the worker (blocking socket, one
 * buffer each way kept for the life of the connection).
 */
#ifndef JSFPM_FRAME_H
#define JSFPM_FRAME_H

#include <jansson.h>
#include <stddef.h>

struct evbuffer;

#define FRAME_HEADER_LEN 4
#define FRAME_DEFAULT_MAX_BYTES (64u * 1024u * 1024u) /* largest payload accepted */
#define FRAME_VERSION 2                               /* the protocol this build speaks */

/* In a message to encode, a member "$rowset" holds the bytes of a row set
 * (a json_stringn_nocheck string, never dumped as JSON), and "$json" the
 * JSON text of a result (db.queryJSON): the encoder moves them into
 * sections and writes "rowset": K or "json": K, the section's index, in
 * their place.  Sections travel in version 2 frames only. */
#define FRAME_ROWSET_BYTES "$rowset"
#define FRAME_ROWSET_INDEX "rowset"
#define FRAME_JSON_BYTES "$json"
#define FRAME_JSON_INDEX "json"

/* Appends MSG as one frame of protocol VERSION (1 or 2) to OUT.  Returns
 * 0, or -1 if MSG cannot be encoded (not an object, JSON encoding failure,
 * a row set in a version 1 frame, payload over FRAME_DEFAULT_MAX_BYTES,
 * out of memory); OUT is then unchanged. */
int frame_encode(struct evbuffer *out, const json_t *msg, int version);

/* Encodes MSG as one frame at the start of *BUF (*CAP bytes, grown with
 * realloc when short) and sets *LEN to the frame's size.  Returns 0, or -1
 * as frame_encode (*BUF stays valid and owned by the caller). */
int frame_encode_mem(const json_t *msg, int version, unsigned char **buf, size_t *cap, size_t *len);

/* One decoded frame. */
struct frame_in {
  json_t *msg;                   /* the JSON object: a new reference */
  int version;                   /* 1 or 2 */
  const unsigned char *sections; /* version 2: the sections, inside the decoded bytes */
  size_t sections_len;           /* 0 when there are none */
};

/* Decodes the frame at the start of P (HAVE bytes).  Returns 1 with *F and
 * *FRAME_LEN (header included), 0 when P holds only part of a frame
 * (*FRAME_LEN is then the whole frame's size once its header is in, else
 * 0), -1 on a bad frame (length over MAX_BYTES, a JSON part that is not
 * one JSON object, malformed sections); ERR then holds a message and the
 * stream is out of sync: close it.  F->sections point into P. */
int frame_decode_mem(const unsigned char *p, size_t have, size_t max_bytes, struct frame_in *f,
                     size_t *frame_len, char *err, size_t errlen);

/* Removes one complete request frame from IN if present: 1 with *MSG (a
 * new reference) and *VERSION, 0 when IN does not yet hold a whole frame
 * (nothing is removed), -1 on a bad frame as frame_decode_mem, or one with
 * sections (requests carry none).  The limit is checked as soon as the
 * header is in, so a peer cannot make us buffer an oversized frame. */
int frame_decode(struct evbuffer *in, size_t max_bytes, json_t **msg, int *version, char *err, size_t errlen);

/* Section K (0-based) of SECTIONS (LEN bytes, from frame_decode_mem):
 * returns 0 with *P and *N, or -1 when there is no such section. */
int frame_section(const unsigned char *sections, size_t len, json_int_t k, const unsigned char **p,
                  size_t *n);

#endif
