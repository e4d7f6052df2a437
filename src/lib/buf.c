/* SPDX-License-Identifier: Apache-2.0 */
/* buf.c: bounded growable buffers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void
mg_buf_init(struct mg_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

static int
grow(struct mg_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (need > b->max)
		return -1;
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need + 1)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (p == NULL)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int
mg_buf_add(struct mg_buf *b, const void *p, size_t n)
{
	if (n > b->max - b->len || grow(b, b->len + n) != 0)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
mg_buf_addstr(struct mg_buf *b, const char *s)
{
	return mg_buf_add(b, s, strlen(s));
}

int
mg_buf_addch(struct mg_buf *b, char c)
{
	return mg_buf_add(b, &c, 1);
}

int
mg_buf_addf(struct mg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > b->max - b->len || grow(b, b->len + n) != 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
mg_buf_reset(struct mg_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

char *
mg_buf_detach(struct mg_buf *b)
{
	char *s = b->data;

	if (s == NULL)
		s = strdup("");
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	return s;
}

void
mg_buf_release(struct mg_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
mg_memzero(void *p, size_t n)
{
	volatile unsigned char *q = p;

	while (n-- > 0)
		*q++ = 0;
}

void
mg_buf_release_secure(struct mg_buf *b)
{
	if (b->data != NULL)
		mg_memzero(b->data, b->cap);
	mg_buf_release(b);
}

void
mg_free_secret(char *s)
{
	if (s == NULL)
		return;
	mg_memzero(s, strlen(s));
	free(s);
}
