/* SPDX-License-Identifier: Apache-2.0 */
/* emu_util.c: clocks, timestamps, ids, base64 and URL decoding. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "emu.h"
#include "sigv4.h"

static const char alnum[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

long long
emu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
emu_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
emu_format_time(long long ms, char buf[32])
{
	time_t secs = (time_t)(ms / 1000);
	char tmp[128];
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	memcpy(buf, tmp, 31);
	buf[31] = '\0';
}

static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DD" or RFC 3339 ("...THH:MM:SS[.fff](Z|+HH:MM|-HH:MM)"). */
int
emu_parse_time(const char *s, long long *ms)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, se = 0, frac = 0, scale = 1000;
	int oh, om, sign;
	const char *p;
	long long t;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		return -1;
	p = s + 10;
	if (*p != '\0') {
		if ((*p != 'T' && *p != 't') || strlen(p) < 9 ||
		    digits(p + 1, 2, &h) || p[3] != ':' ||
		    digits(p + 4, 2, &mi) || p[6] != ':' ||
		    digits(p + 7, 2, &se))
			return -1;
		p += 9;
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -1;
			for (; isdigit((unsigned char)*p); p++) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
		    digits(p + 1, 2, &oh) == 0 && p[3] == ':' &&
		    digits(p + 4, 2, &om) == 0) {
			sign = *p == '+' ? 1 : -1;
			se -= sign * (oh * 3600 + om * 60);
			p += 6;
		} else {
			return -1;
		}
		if (*p != '\0')
			return -1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60 + 86400)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = 0;
	t = (long long)timegm(&tm) + se;
	*ms = t * 1000 + frac;
	return 0;
}

void
emu_random_bytes(void *p, size_t n)
{
	unsigned char *q = p;
	ssize_t got;

	while (n > 0) {
		got = getrandom(q, n, 0);
		if (got <= 0)
			MG_BUG("getrandom failed");
		q += got;
		n -= (size_t)got;
	}
}

void
emu_random_alnum(char *out, size_t n)
{
	unsigned char r[64];
	size_t i;

	if (n > sizeof(r))
		MG_BUG("random id too long");
	emu_random_bytes(r, n);
	for (i = 0; i < n; i++)
		out[i] = alnum[r[i] % 62];
	out[n] = '\0';
}

/* Deterministic: the same seed always gives the same characters. */
void
emu_hash_alnum(const char *seed, char *out, size_t n)
{
	uint64_t h = 1469598103934665603ULL, z;
	size_t i;

	for (; *seed != '\0'; seed++) {
		h ^= (unsigned char)*seed;
		h *= 1099511628211ULL;
	}
	for (i = 0; i < n; i++) {
		h += 0x9e3779b97f4a7c15ULL;
		z = h;
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		z ^= z >> 31;
		out[i] = alnum[z % 62];
	}
	out[n] = '\0';
}

void
emu_uuid(char out[37])
{
	unsigned char r[16];

	emu_random_bytes(r, sizeof(r));
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

char *
emu_base64_encode(const unsigned char *p, size_t n)
{
	char *out = malloc((n + 2) / 3 * 4 + 1);
	size_t i, o = 0;
	unsigned v;

	if (out == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	if (n - i == 1) {
		v = (unsigned)p[i] << 16;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

static int
b64val(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(b64, c);
	return p == NULL ? -1 : (int)(p - b64);
}

/* Strict: padded, canonical alphabet, nothing else. */
int
emu_base64_decode(const char *s, unsigned char *out, size_t cap,
    size_t *outlen)
{
	size_t n = strlen(s), i, o = 0;
	int a, b, c, d;

	if (n == 0 || n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		a = b64val(s[i]);
		b = b64val(s[i + 1]);
		if (a < 0 || b < 0)
			return -1;
		if (o + 3 > cap)
			return -1;
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		if (s[i + 2] == '=') {
			if (i + 4 != n || s[i + 3] != '=')
				return -1;
			break;
		}
		c = b64val(s[i + 2]);
		if (c < 0)
			return -1;
		out[o++] = (unsigned char)((b & 15) << 4 | c >> 2);
		if (s[i + 3] == '=') {
			if (i + 4 != n)
				return -1;
			break;
		}
		d = b64val(s[i + 3]);
		if (d < 0)
			return -1;
		out[o++] = (unsigned char)((c & 3) << 6 | d);
	}
	*outlen = o;
	return 0;
}

/* Percent-decode n bytes; NULL on a malformed escape. */
char *
emu_pct_decode(const char *s, size_t n, int plus_space, size_t *outlen)
{
	char *out = malloc(n + 1);
	size_t i, o = 0;
	int hi, lo;

	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			hi = i + 2 < n ? mg_hexval(s[i + 1]) : -1;
			lo = i + 2 < n ? mg_hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				free(out);
				return NULL;
			}
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '+' && plus_space) {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	if (outlen != NULL)
		*outlen = o;
	return out;
}

/*
 * Find parameter name in a raw query string and decode its value.
 * 0: found (*value owned by the caller); 1: absent; -1: malformed.
 */
int
emu_query_get(const char *query, const char *name, char **value,
    size_t *len)
{
	const char *p = query, *amp, *eq;
	size_t nlen = strlen(name), klen;

	*value = NULL;
	while (p != NULL && *p != '\0') {
		amp = strchr(p, '&');
		klen = amp != NULL ? (size_t)(amp - p) : strlen(p);
		eq = memchr(p, '=', klen);
		if (eq != NULL && (size_t)(eq - p) == nlen &&
		    memcmp(p, name, nlen) == 0) {
			*value = emu_pct_decode(eq + 1,
			    klen - nlen - 1, 1, len);
			return *value == NULL ? -1 : 0;
		}
		if (eq == NULL && klen == nlen && memcmp(p, name, nlen) == 0) {
			*value = strdup("");
			if (len != NULL)
				*len = 0;
			return *value == NULL ? -1 : 0;
		}
		p = amp != NULL ? amp + 1 : NULL;
	}
	return 1;
}

/* Code points in UTF-8 text (continuation bytes do not count). */
size_t
emu_utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* [a-zA-Z][a-zA-Z0-9_]{0,max-1} */
int
emu_is_name(const char *s, size_t max)
{
	size_t i;

	if (!isalpha((unsigned char)s[0]) || !isascii((unsigned char)s[0]))
		return 0;
	for (i = 1; s[i] != '\0'; i++) {
		if (i >= max)
			return 0;
		if (!isascii((unsigned char)s[i]) ||
		    (!isalnum((unsigned char)s[i]) && s[i] != '_'))
			return 0;
	}
	return 1;
}

/* [a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10} */
int
emu_is_runtime_id(const char *s)
{
	size_t n = strlen(s), i;
	char name[101];

	if (n < 12 || n > 111 || s[n - 11] != '-')
		return 0;
	for (i = n - 10; i < n; i++)
		if (!isascii((unsigned char)s[i]) ||
		    !isalnum((unsigned char)s[i]))
			return 0;
	memcpy(name, s, n - 11);
	name[n - 11] = '\0';
	return emu_is_name(name, 100);
}

/* A copy safe for messages and logs: printable ASCII, bounded. */
void
emu_printable(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s != '\0' && o + 1 < cap; s++)
		out[o++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	out[o] = '\0';
}
