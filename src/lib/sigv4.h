/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4.h: AWS Signature Version 4, for signing and for verifying. */
#ifndef MG_SIGV4_H
#define MG_SIGV4_H

#include <stddef.h>

#include "err.h"

/*
 * Bounds. Every intermediate string (canonical request, string to sign,
 * Authorization value) is capped at MG_SIGV4_MAX_CANONICAL bytes; past a
 * bound mg_sigv4_sign fails with MG_ETOOLARGE and produces nothing.
 */
#define MG_SIGV4_MAX_CANONICAL	(128 * 1024)
#define MG_SIGV4_MAX_HEADERS	64	/* entries in input.headers */
#define MG_SIGV4_MAX_PARAMS	256	/* '&'-separated query pairs */
#define MG_SIGV4_MAX_SECRET	128	/* secret access key length */

struct mg_sigv4_header {
	const char *name;	/* any case; duplicates are joined with ',' */
	const char *value;	/* trimmed and space-collapsed when signed */
};

/*
 * One request as it travels on the wire. path and query are exactly the
 * bytes of the request line (already percent-encoded once by the sender);
 * the canonical URI encodes the path once more, as botocore does for every
 * service but S3. headers lists exactly the headers to sign (host and
 * x-amz-date included; the caller decides which).
 */
struct mg_sigv4_input {
	const char *method;
	const char *path;
	const char *query;		/* without '?'; NULL or "" for none */
	const struct mg_sigv4_header *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
	const char *region;
	const char *service;		/* signing name: "bedrock-agentcore" */
	const char *amz_date;		/* YYYYMMDD'T'HHMMSS'Z' */
	int normalize_path;		/* remove "." and ".." segments */
};

/* Every intermediate step, so a failing test names the step. */
struct mg_sigv4_output {
	char *canonical_request;
	char *string_to_sign;
	char *signed_headers;		/* "host;x-amz-date" */
	char *authorization;		/* full Authorization header value */
	char signature[65];		/* lowercase hex */
};

/*
 * Sign in with the key pair. On success every field of out is filled and
 * owned by the caller (free with mg_sigv4_output_release); on failure out
 * holds only NULLs and an empty signature. MG_EUSAGE names the input field
 * that is unusable, MG_ETOOLARGE the bound that was passed. The derived
 * keys are wiped before returning.
 */
int mg_sigv4_sign(const struct mg_sigv4_input *in, const char *access_key,
    const char *secret_key, struct mg_sigv4_output *out, struct mg_err *err);
/* Wipe and free every string of out (the canonical request may hold a
 * session token); safe on a zeroed or already released out. */
void mg_sigv4_output_release(struct mg_sigv4_output *out);

/* A parsed "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., ..." */
struct mg_sigv4_auth {
	char access_key[129];
	char date[9];			/* YYYYMMDD from the scope */
	char region[64];
	char service[64];
	char signed_headers[1024];	/* as sent: "host;x-amz-date" */
	char signature[65];
};

/*
 * Parse an Authorization value. Spaces and tabs are allowed around the
 * commas; the three components may come in any order, each exactly once.
 * Fails with MG_EPARSE and a message naming the malformed part (never
 * quoting the signature); out is zeroed on failure.
 */
int mg_sigv4_parse_authorization(const char *value, struct mg_sigv4_auth *out,
    struct mg_err *err);

/*
 * Compare two NUL-terminated strings in time independent of content:
 * 1 when equal, 0 when not (or when either is NULL).
 */
int mg_sigv4_equal(const char *a, const char *b);

/*
 * "20260101T000000Z" for t (UTC) into buf of at least 17 bytes. A time
 * outside years 0000-9999 gives "00000000T000000Z", which signing refuses.
 */
void mg_sigv4_amz_date(long long t, char *buf);

/*
 * Percent-encode s (length n) per SigV4: unreserved characters
 * A-Z a-z 0-9 - _ . ~ stay, every other byte becomes %XX (uppercase);
 * keep_slash leaves '/' alone. Appends to out; -1 when out is full.
 */
struct mg_buf;
int mg_sigv4_uri_encode(struct mg_buf *out, const char *s, size_t n,
    int keep_slash);

/* The value of one hex digit, or -1. */
int mg_hexval(int c);

/* Lowercase hex SHA-256 of data into hex[65]; data may be NULL if n is 0. */
void mg_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
