/* SPDX-License-Identifier: Apache-2.0 */
/* buf.h: a growable byte buffer with a hard upper bound. */
#ifndef MG_BUF_H
#define MG_BUF_H

#include <stddef.h>

/*
 * data is always NUL-terminated once anything was added (len excludes the
 * NUL). Adding past max fails with -1 and leaves the buffer unchanged.
 */
struct mg_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void mg_buf_init(struct mg_buf *b, size_t max);
int mg_buf_add(struct mg_buf *b, const void *p, size_t n);
int mg_buf_addstr(struct mg_buf *b, const char *s);
int mg_buf_addch(struct mg_buf *b, char c);
int mg_buf_addf(struct mg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void mg_buf_reset(struct mg_buf *b);
/* Hand the string to the caller (never NULL on success; "" if empty). */
char *mg_buf_detach(struct mg_buf *b);
void mg_buf_release(struct mg_buf *b);
/* Overwrite the contents with zeros before freeing (for secrets). */
void mg_buf_release_secure(struct mg_buf *b);
/* Zero memory in a way the compiler may not drop. */
void mg_memzero(void *p, size_t n);
/* Free a string holding a secret after zeroing it. */
void mg_free_secret(char *s);

#endif
