/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* D-Bus strings (and JSON strings) must be UTF-8; a volume's name, key and path are a file's
 * bytes and need not be. The control API carries them in this reversible form
 * (docs/dbus-api.md, "Names that are not UTF-8"):
 *
 *  - a valid UTF-8 sequence (shortest form, no surrogates, at most U+10FFFF) passes
 *    unchanged, unless its code point is in U+10FF00..U+10FFFF;
 *  - every other byte B (one that does not start a valid sequence: 0x80..0xFF, a lone
 *    continuation byte, a truncated, overlong or surrogate sequence, F5..FF) becomes the code
 *    point U+10FF00 + B, written in UTF-8 (4 bytes: F4 8F BE/BF xx);
 *  - a literal code point in U+10FF00..U+10FFFF (a real name that holds one, rare) has each of
 *    its four UTF-8 bytes escaped that way, so it never reads back as an escape.
 *
 * Decoding maps U+10FF80..U+10FFFF back to the byte 0x80..0xFF and passes everything else.
 * U+10FF00..U+10FF7F never come out of the encoder (ASCII is always valid): decoding refuses
 * them, as it refuses input that is not valid UTF-8. */

#define NAME_ESCAPE_BASE 0x10FF00u

/* Does s contain anything name_encode() changes? */
bool name_needs_escape(const char *s);

/* The bus form of s. Never NULL (aborts on out-of-memory); NULL in, NULL out. */
char *name_encode(const char *s);

/* The bytes the bus form s stands for, in *ret. Returns 0, or -EINVAL when s is not valid
 * UTF-8 or holds one of U+10FF00..U+10FF7F. */
int name_decode(const char *s, char **ret);

/* name_decode(), falling back to a copy of s when it is not a valid bus form: for printing
 * what poold sent. NULL in, NULL out. */
char *name_decode_or_copy(const char *s);

/* Length of the valid UTF-8 sequence at s (1..4), its code point in *ret_cp; 0 when s does
 * not start one (overlong, surrogate, above U+10FFFF, truncated, a lone continuation byte).
 * n is how many bytes may be read. */
size_t utf8_sequence(const unsigned char *s, size_t n, unsigned *ret_cp);
