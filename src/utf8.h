/* utf8.h: UTF-8 validation (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF), shared by the workers (bytes from the network)
 * and the broker (text values leaving SQLite). */
#ifndef JSFPM_UTF8_H
#define JSFPM_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the valid UTF-8 sequence at S (at most LEN >= 1 bytes), or 0. */
size_t utf8_sequence(const unsigned char *s, size_t len);

/* Whether the LEN bytes at S are valid UTF-8 (NUL bytes included). */
bool utf8_valid(const unsigned char *s, size_t len);

#endif
