/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4.h: AWS Signature Version 4, for signing and for verifying. */
#ifndef MG_SIGV4_H
#define MG_SIGV4_H

#include <stddef.h>

#include "err.h"

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

int mg_sigv4_sign(const struct mg_sigv4_input *in, const char *access_key,
    const char *secret_key, struct mg_sigv4_output *out, struct mg_err *err);
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

int mg_sigv4_parse_authorization(const char *value, struct mg_sigv4_auth *out,
    struct mg_err *err);

/* Compare two NUL-terminated strings in time independent of content. */
int mg_sigv4_equal(const char *a, const char *b);

/* "20260101T000000Z" for t (UTC) into buf of at least 17 bytes. */
void mg_sigv4_amz_date(long long t, char *buf);

/*
 * Percent-encode s (length n) per SigV4: unreserved characters
 * A-Z a-z 0-9 - _ . ~ stay, every other byte becomes %XX (uppercase);
 * keep_slash leaves '/' alone. Appends to out; -1 when out is full.
 */
struct mg_buf;
int mg_sigv4_uri_encode(struct mg_buf *out, const char *s, size_t n,
    int keep_slash);

/* Lowercase hex SHA-256 of data into hex[65]. */
void mg_sha256_hex(const void *data, size_t n, char hex[65]);

#endif
