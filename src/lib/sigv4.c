/* SPDX-License-Identifier: Apache-2.0 */
/* sigv4.c: AWS Signature Version 4 canonical forms, signing and parsing. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "buf.h"
#include "sigv4.h"

#define ALGORITHM	"AWS4-HMAC-SHA256"
#define TERMINATOR	"aws4_request"
#define SHA256_LEN	32

/* One query pair, re-encoded into a shared arena. */
struct qparam {
	size_t koff;
	size_t voff;
	const char *key;
	const char *value;
};

/* One header to sign, with its lowercased name in a shared arena. */
struct shdr {
	size_t noff;
	size_t index;		/* position in the input: keeps duplicates */
	const char *name;
	const char *value;
};

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

/* The characters Python's str.split() treats as blanks, within ASCII. */
static int
is_blank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

int
mg_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void
to_hex(const unsigned char *p, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[p[i] >> 4];
		hex[2 * i + 1] = digits[p[i] & 15];
	}
	hex[2 * n] = '\0';
}

static int
too_large(struct mg_err *err, const char *what)
{
	return mg_err_set(err, MG_ETOOLARGE, "%s is longer than %d bytes",
	    what, MG_SIGV4_MAX_CANONICAL);
}

static int
encode_byte(struct mg_buf *out, unsigned char c, int keep_slash)
{
	static const char digits[] = "0123456789ABCDEF";
	char esc[3];

	if (is_unreserved(c) || (keep_slash && c == '/'))
		return mg_buf_addch(out, (char)c);
	esc[0] = '%';
	esc[1] = digits[c >> 4];
	esc[2] = digits[c & 15];
	return mg_buf_add(out, esc, sizeof(esc));
}

int
mg_sigv4_uri_encode(struct mg_buf *out, const char *s, size_t n,
    int keep_slash)
{
	size_t start = out->len;
	size_t i;

	for (i = 0; i < n; i++) {
		if (encode_byte(out, (unsigned char)s[i], keep_slash) != 0) {
			/* Leave out as it was, as mg_buf_add does. */
			out->len = start;
			if (out->data != NULL)
				out->data[start] = '\0';
			return -1;
		}
	}
	return 0;
}

void
mg_sha256_hex(const void *data, size_t n, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(n > 0 ? data : "", n, md, &mdlen, EVP_sha256(),
	    NULL) != 1 || mdlen != SHA256_LEN)
		MG_BUG("sha-256 digest failed");
	to_hex(md, SHA256_LEN, hex);
}

static int
hmac_sha256(const void *key, size_t keylen, const void *msg, size_t n,
    unsigned char mac[SHA256_LEN])
{
	unsigned int len = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, msg, n, mac, &len) == NULL ||
	    len != SHA256_LEN)
		return -1;
	return 0;
}

/* RFC 3986 dot-segment removal as botocore does it: empty segments go too. */
static int
remove_dot_segments(struct mg_buf *out, const char *path)
{
	size_t n = strlen(path);
	size_t *marks = NULL;
	size_t nmarks = 0, base, i, j, seg;
	int rc = -1;

	marks = calloc(n / 2 + 2, sizeof(*marks));
	if (marks == NULL)
		goto cleanup;
	if (path[0] == '/' && mg_buf_addch(out, '/') != 0)
		goto cleanup;
	base = out->len;
	for (i = 0; i <= n; i = j + 1) {
		for (j = i; j < n && path[j] != '/'; j++)
			;
		seg = j - i;
		if (seg == 0 || (seg == 1 && path[i] == '.'))
			continue;
		if (seg == 2 && path[i] == '.' && path[i + 1] == '.') {
			if (nmarks > 0) {
				out->len = marks[--nmarks];
				out->data[out->len] = '\0';
			}
			continue;
		}
		marks[nmarks++] = out->len;
		if (out->len > base && mg_buf_addch(out, '/') != 0)
			goto cleanup;
		if (mg_buf_add(out, path + i, seg) != 0)
			goto cleanup;
	}
	if (n > 0 && path[n - 1] == '/' && nmarks > 0 &&
	    mg_buf_addch(out, '/') != 0)
		goto cleanup;
	rc = 0;

cleanup:
	free(marks);
	return rc;
}

static int
add_canonical_uri(struct mg_buf *creq, const char *path, int normalize,
    struct mg_err *err)
{
	struct mg_buf clean;
	int rc = -1;

	mg_buf_init(&clean, MG_SIGV4_MAX_CANONICAL);
	if (path == NULL || path[0] == '\0')
		path = "/";
	if (normalize) {
		if (remove_dot_segments(&clean, path) != 0) {
			too_large(err, "normalized path");
			goto cleanup;
		}
		path = clean.data != NULL ? clean.data : "";
	}
	if (mg_sigv4_uri_encode(creq, path, strlen(path), 1) != 0) {
		too_large(err, "canonical request");
		goto cleanup;
	}
	rc = 0;

cleanup:
	mg_buf_release(&clean);
	return rc;
}

/* Decode %XX escapes of s, encode the bytes strictly, end with a NUL. */
static int
add_reencoded(struct mg_buf *arena, const char *s, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%' && i + 2 < n &&
		    (hi = mg_hexval((unsigned char)s[i + 1])) >= 0 &&
		    (lo = mg_hexval((unsigned char)s[i + 2])) >= 0) {
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (encode_byte(arena, c, 0) != 0)
			return -1;
	}
	return mg_buf_addch(arena, '\0');
}

static int
cmp_qparam(const void *a, const void *b)
{
	const struct qparam *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->value, y->value);
}

static int
split_query(const char *query, struct mg_buf *arena, struct qparam *params,
    size_t *count)
{
	const char *p = query, *amp, *end, *eq, *v;
	size_t n = 0;

	for (;;) {
		amp = strchr(p, '&');
		end = amp != NULL ? amp : p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		params[n].koff = arena->len;
		if (add_reencoded(arena, p, (size_t)((eq ? eq : end) - p)) != 0)
			return -1;
		params[n].voff = arena->len;
		v = eq != NULL ? eq + 1 : end;
		if (add_reencoded(arena, v, (size_t)(end - v)) != 0)
			return -1;
		n++;
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	*count = n;
	return 0;
}

static int
add_canonical_query(struct mg_buf *creq, const char *query,
    struct mg_err *err)
{
	struct mg_buf arena;
	struct qparam *params = NULL;
	size_t max = 1, n = 0, i;
	const char *p;
	int rc = -1;

	mg_buf_init(&arena, MG_SIGV4_MAX_CANONICAL);
	if (query == NULL || query[0] == '\0') {
		rc = 0;
		goto cleanup;
	}
	for (p = query; *p != '\0'; p++)
		max += *p == '&';
	if (max > MG_SIGV4_MAX_PARAMS) {
		mg_err_set(err, MG_ETOOLARGE,
		    "query has more than %d parameters", MG_SIGV4_MAX_PARAMS);
		goto cleanup;
	}
	params = calloc(max, sizeof(*params));
	if (params == NULL) {
		mg_err_set(err, MG_ENOMEM, "cannot allocate query parameters");
		goto cleanup;
	}
	if (split_query(query, &arena, params, &n) != 0) {
		too_large(err, "canonical query");
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		params[i].key = arena.data + params[i].koff;
		params[i].value = arena.data + params[i].voff;
	}
	qsort(params, n, sizeof(*params), cmp_qparam);
	for (i = 0; i < n; i++) {
		if ((i > 0 && mg_buf_addch(creq, '&') != 0) ||
		    mg_buf_addf(creq, "%s=%s", params[i].key,
		    params[i].value) != 0) {
			too_large(err, "canonical request");
			goto cleanup;
		}
	}
	rc = 0;

cleanup:
	mg_buf_release(&arena);
	free(params);
	return rc;
}

static int
cmp_shdr(const void *a, const void *b)
{
	const struct shdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Header names must be HTTP tokens: visible ASCII without ':'. */
static int
valid_header_name(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	if (*p == '\0')
		return 0;
	for (; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == ':')
			return 0;
	}
	return 1;
}

/* Trim the value and collapse every run of blanks into one space. */
static int
add_trimmed(struct mg_buf *b, const char *v)
{
	int pending = 0, seen = 0;

	for (; v != NULL && *v != '\0'; v++) {
		if (is_blank((unsigned char)*v)) {
			pending = seen;
			continue;
		}
		if (pending && mg_buf_addch(b, ' ') != 0)
			return -1;
		if (mg_buf_addch(b, *v) != 0)
			return -1;
		pending = 0;
		seen = 1;
	}
	return 0;
}

static int
lower_names(const struct mg_sigv4_header *h, size_t n, struct mg_buf *arena,
    struct shdr *out, struct mg_err *err)
{
	size_t i;
	const char *c;

	for (i = 0; i < n; i++) {
		if (h[i].name == NULL || !valid_header_name(h[i].name))
			return mg_err_set(err, MG_EUSAGE,
			    "header name '%.64s' is not an http token",
			    h[i].name != NULL ? h[i].name : "(null)");
		out[i].noff = arena->len;
		out[i].index = i;
		out[i].value = h[i].value;
		for (c = h[i].name; *c != '\0'; c++) {
			char l = (*c >= 'A' && *c <= 'Z') ? *c - 'A' + 'a' : *c;

			if (mg_buf_addch(arena, l) != 0)
				return too_large(err, "header names");
		}
		if (mg_buf_addch(arena, '\0') != 0)
			return too_large(err, "header names");
	}
	for (i = 0; i < n; i++)
		out[i].name = arena->data + out[i].noff;
	return 0;
}

/* "name:v1,v2\n" per distinct name into creq, "a;b" into signed_hdrs. */
static int
add_canonical_headers(struct mg_buf *creq, struct mg_buf *signed_hdrs,
    const struct mg_sigv4_header *h, size_t n, struct mg_err *err)
{
	struct mg_buf arena;
	struct shdr *sorted = NULL;
	size_t i, j;
	int rc = -1, bad = 0;

	mg_buf_init(&arena, MG_SIGV4_MAX_CANONICAL);
	sorted = calloc(n > 0 ? n : 1, sizeof(*sorted));
	if (sorted == NULL) {
		mg_err_set(err, MG_ENOMEM, "cannot allocate header list");
		goto cleanup;
	}
	if (lower_names(h, n, &arena, sorted, err) != 0)
		goto cleanup;
	qsort(sorted, n, sizeof(*sorted), cmp_shdr);
	for (i = 0; i < n; i = j) {
		bad |= mg_buf_addf(creq, "%s:", sorted[i].name);
		for (j = i; j < n && strcmp(sorted[j].name,
		    sorted[i].name) == 0; j++) {
			if (j > i)
				bad |= mg_buf_addch(creq, ',');
			bad |= add_trimmed(creq, sorted[j].value);
		}
		bad |= mg_buf_addch(creq, '\n');
		if (i > 0)
			bad |= mg_buf_addch(signed_hdrs, ';');
		bad |= mg_buf_addstr(signed_hdrs, sorted[i].name);
	}
	if (bad) {
		too_large(err, "canonical headers");
		goto cleanup;
	}
	rc = 0;

cleanup:
	mg_buf_release(&arena);
	free(sorted);
	return rc;
}

static int
valid_amz_date(const char *d)
{
	size_t i;

	if (d == NULL || strlen(d) != 16 || d[8] != 'T' || d[15] != 'Z')
		return 0;
	for (i = 0; i < 15; i++) {
		if (i != 8 && (d[i] < '0' || d[i] > '9'))
			return 0;
	}
	return 1;
}

/* Region, service and access key end up between '/' in the scope. */
static int
valid_scope_part(const char *s, size_t max)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > max)
		return 0;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    *s == '/' || *s == ',')
			return 0;
	}
	return 1;
}

static int
check_input(const struct mg_sigv4_input *in, const char *access_key,
    const char *secret_key, struct mg_err *err)
{
	const char *m;

	if (in->method == NULL || in->method[0] == '\0' ||
	    strlen(in->method) > 16)
		return mg_err_set(err, MG_EUSAGE, "http method is missing");
	for (m = in->method; *m != '\0'; m++) {
		if (!((*m >= 'A' && *m <= 'Z') || (*m >= 'a' && *m <= 'z')))
			return mg_err_set(err, MG_EUSAGE,
			    "http method '%.16s' is not a word", in->method);
	}
	if (!valid_amz_date(in->amz_date))
		return mg_err_set(err, MG_EUSAGE,
		    "amz date '%.32s' is not YYYYMMDDTHHMMSSZ",
		    in->amz_date != NULL ? in->amz_date : "");
	if (!valid_scope_part(in->region, 63))
		return mg_err_set(err, MG_EUSAGE, "region '%.64s' is unusable",
		    in->region != NULL ? in->region : "");
	if (!valid_scope_part(in->service, 63))
		return mg_err_set(err, MG_EUSAGE,
		    "service '%.64s' is unusable",
		    in->service != NULL ? in->service : "");
	if (!valid_scope_part(access_key, 128))
		return mg_err_set(err, MG_EUSAGE, "access key is unusable");
	if (secret_key == NULL || secret_key[0] == '\0')
		return mg_err_set(err, MG_EUSAGE, "secret key is empty");
	if (strlen(secret_key) > MG_SIGV4_MAX_SECRET)
		return mg_err_set(err, MG_ETOOLARGE,
		    "secret key is longer than %d bytes", MG_SIGV4_MAX_SECRET);
	if (in->nheaders > MG_SIGV4_MAX_HEADERS)
		return mg_err_set(err, MG_ETOOLARGE,
		    "more than %d headers to sign", MG_SIGV4_MAX_HEADERS);
	if (in->nheaders > 0 && in->headers == NULL)
		return mg_err_set(err, MG_EUSAGE, "headers are missing");
	if (in->body_len > 0 && in->body == NULL)
		return mg_err_set(err, MG_EUSAGE, "body is missing");
	return 0;
}

static int
build_canonical_request(const struct mg_sigv4_input *in, struct mg_buf *creq,
    struct mg_buf *signed_hdrs, struct mg_err *err)
{
	char hash[65];
	const char *m;
	int rc = 0;

	for (m = in->method; *m != '\0'; m++) {
		if (mg_buf_addch(creq, (*m >= 'a' && *m <= 'z') ?
		    *m - 'a' + 'A' : *m) != 0)
			return too_large(err, "canonical request");
	}
	if (mg_buf_addch(creq, '\n') != 0)
		return too_large(err, "canonical request");
	rc = add_canonical_uri(creq, in->path, in->normalize_path, err);
	if (rc == 0 && mg_buf_addch(creq, '\n') != 0)
		rc = too_large(err, "canonical request");
	if (rc == 0)
		rc = add_canonical_query(creq, in->query, err);
	if (rc == 0 && mg_buf_addch(creq, '\n') != 0)
		rc = too_large(err, "canonical request");
	if (rc == 0)
		rc = add_canonical_headers(creq, signed_hdrs, in->headers,
		    in->nheaders, err);
	if (rc != 0)
		return -1;
	mg_sha256_hex(in->body, in->body_len, hash);
	if (mg_buf_addf(creq, "\n%s\n%s", signed_hdrs->data != NULL ?
	    signed_hdrs->data : "", hash) != 0)
		return too_large(err, "canonical request");
	return 0;
}

static int
build_string_to_sign(const struct mg_sigv4_input *in, const char *creq,
    size_t creq_len, struct mg_buf *sts, struct mg_err *err)
{
	char hash[65];

	mg_sha256_hex(creq, creq_len, hash);
	if (mg_buf_addf(sts, ALGORITHM "\n%s\n%.8s/%s/%s/" TERMINATOR "\n%s",
	    in->amz_date, in->amz_date, in->region, in->service, hash) != 0)
		return too_large(err, "string to sign");
	return 0;
}

/* kSigning = HMAC chain over date, region, service, "aws4_request". */
static int
compute_signature(const struct mg_sigv4_input *in, const char *secret_key,
    const char *sts, size_t sts_len, char sig[65], struct mg_err *err)
{
	char ksecret[4 + MG_SIGV4_MAX_SECRET + 1];
	unsigned char ka[SHA256_LEN], kb[SHA256_LEN];
	size_t slen = strlen(secret_key);
	int rc = -1;

	memcpy(ksecret, "AWS4", 4);
	memcpy(ksecret + 4, secret_key, slen);
	if (hmac_sha256(ksecret, 4 + slen, in->amz_date, 8, ka) != 0 ||
	    hmac_sha256(ka, sizeof(ka), in->region, strlen(in->region),
	    kb) != 0 ||
	    hmac_sha256(kb, sizeof(kb), in->service, strlen(in->service),
	    ka) != 0 ||
	    hmac_sha256(ka, sizeof(ka), TERMINATOR, strlen(TERMINATOR),
	    kb) != 0 ||
	    hmac_sha256(kb, sizeof(kb), sts, sts_len, ka) != 0) {
		mg_err_set(err, MG_EINTERNAL, "hmac-sha256 failed");
		goto cleanup;
	}
	to_hex(ka, sizeof(ka), sig);
	rc = 0;

cleanup:
	mg_memzero(ksecret, sizeof(ksecret));
	mg_memzero(ka, sizeof(ka));
	mg_memzero(kb, sizeof(kb));
	return rc;
}

static int
build_authorization(const struct mg_sigv4_input *in, const char *access_key,
    const char *signed_hdrs, const char *sig, struct mg_buf *authz,
    struct mg_err *err)
{
	if (mg_buf_addf(authz, ALGORITHM " Credential=%s/%.8s/%s/%s/"
	    TERMINATOR ", SignedHeaders=%s, Signature=%s", access_key,
	    in->amz_date, in->region, in->service, signed_hdrs, sig) != 0)
		return too_large(err, "authorization");
	return 0;
}

static int
detach_into(char **dst, struct mg_buf *b, struct mg_err *err)
{
	*dst = mg_buf_detach(b);
	if (*dst == NULL)
		return mg_err_set(err, MG_ENOMEM, "cannot allocate signature");
	return 0;
}

int
mg_sigv4_sign(const struct mg_sigv4_input *in, const char *access_key,
    const char *secret_key, struct mg_sigv4_output *out, struct mg_err *err)
{
	struct mg_buf creq, sts, shdrs, authz;
	int rc;

	memset(out, 0, sizeof(*out));
	mg_buf_init(&creq, MG_SIGV4_MAX_CANONICAL);
	mg_buf_init(&sts, MG_SIGV4_MAX_CANONICAL);
	mg_buf_init(&shdrs, MG_SIGV4_MAX_CANONICAL);
	mg_buf_init(&authz, MG_SIGV4_MAX_CANONICAL);

	rc = check_input(in, access_key, secret_key, err);
	if (rc == 0)
		rc = build_canonical_request(in, &creq, &shdrs, err);
	if (rc == 0)
		rc = build_string_to_sign(in, creq.data, creq.len, &sts, err);
	if (rc == 0)
		rc = compute_signature(in, secret_key, sts.data, sts.len,
		    out->signature, err);
	if (rc == 0)
		rc = build_authorization(in, access_key,
		    shdrs.data != NULL ? shdrs.data : "", out->signature,
		    &authz, err);
	if (rc == 0)
		rc = detach_into(&out->canonical_request, &creq, err);
	if (rc == 0)
		rc = detach_into(&out->string_to_sign, &sts, err);
	if (rc == 0)
		rc = detach_into(&out->signed_headers, &shdrs, err);
	if (rc == 0)
		rc = detach_into(&out->authorization, &authz, err);

	mg_buf_release_secure(&creq);
	mg_buf_release(&sts);
	mg_buf_release(&shdrs);
	mg_buf_release_secure(&authz);
	if (rc != 0)
		mg_sigv4_output_release(out);
	return rc;
}

void
mg_sigv4_output_release(struct mg_sigv4_output *out)
{
	mg_free_secret(out->canonical_request);
	mg_free_secret(out->string_to_sign);
	mg_free_secret(out->signed_headers);
	mg_free_secret(out->authorization);
	out->canonical_request = NULL;
	out->string_to_sign = NULL;
	out->signed_headers = NULL;
	out->authorization = NULL;
	mg_memzero(out->signature, sizeof(out->signature));
}

static int
parse_error(struct mg_sigv4_auth *out, struct mg_err *err, const char *what)
{
	memset(out, 0, sizeof(*out));
	return mg_err_set(err, MG_EPARSE, "authorization: %s", what);
}

/* Copy [s, s + n) into dst[size] if it fits and is not empty. */
static int
copy_part(char *dst, size_t size, const char *s, size_t n)
{
	if (n == 0 || n >= size)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int
parse_credential(const char *s, size_t n, struct mg_sigv4_auth *out,
    struct mg_err *err)
{
	const char *part[5] = { NULL }, *end = s + n, *slash;
	size_t len[5] = { 0 }, i, k;

	for (k = 0; k < 5; k++) {
		slash = memchr(s, '/', (size_t)(end - s));
		part[k] = s;
		len[k] = (size_t)((slash != NULL ? slash : end) - s);
		if (slash == NULL)
			break;
		s = slash + 1;
	}
	if (k != 4)
		return parse_error(out, err, "credential is not "
		    "'key/date/region/service/aws4_request'");
	if (copy_part(out->access_key, sizeof(out->access_key), part[0],
	    len[0]) != 0)
		return parse_error(out, err, "credential access key is empty "
		    "or too long");
	for (i = 0; i < len[1]; i++) {
		if (part[1][i] < '0' || part[1][i] > '9')
			break;
	}
	if (len[1] != 8 || i != 8 ||
	    copy_part(out->date, sizeof(out->date), part[1], len[1]) != 0)
		return parse_error(out, err, "credential date is not YYYYMMDD");
	if (copy_part(out->region, sizeof(out->region), part[2], len[2]) != 0)
		return parse_error(out, err, "credential region is empty or "
		    "too long");
	if (copy_part(out->service, sizeof(out->service), part[3],
	    len[3]) != 0)
		return parse_error(out, err, "credential service is empty or "
		    "too long");
	if (len[4] != strlen(TERMINATOR) ||
	    memcmp(part[4], TERMINATOR, len[4]) != 0)
		return parse_error(out, err, "credential scope does not end in "
		    "'aws4_request'");
	return 0;
}

static int
parse_signed_headers(const char *s, size_t n, struct mg_sigv4_auth *out,
    struct mg_err *err)
{
	size_t i;

	if (copy_part(out->signed_headers, sizeof(out->signed_headers), s,
	    n) != 0)
		return parse_error(out, err, "signed headers are empty or too "
		    "long");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int edge = i == 0 || i + 1 == n || s[i + 1] == ';';

		if (c <= 0x20 || c >= 0x7f || c == ':' || (c == ';' && edge))
			return parse_error(out, err, "signed headers are not "
			    "a ';'-separated list of names");
	}
	return 0;
}

static int
parse_signature(const char *s, size_t n, struct mg_sigv4_auth *out,
    struct mg_err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			break;
	}
	if (n != 64 || i != n)
		return parse_error(out, err, "signature is not 64 lowercase "
		    "hex digits");
	memcpy(out->signature, s, n);
	out->signature[n] = '\0';
	return 0;
}

static const char *const components[] = {
	"Credential", "SignedHeaders", "Signature",
};

/* One "Name=value" component, already trimmed, of length n. */
static int
parse_component(const char *s, size_t n, struct mg_sigv4_auth *out,
    unsigned *seen, struct mg_err *err)
{
	const char *eq = memchr(s, '=', n);
	size_t klen, k, i;

	if (n == 0)
		return parse_error(out, err, "empty component between commas");
	klen = eq != NULL ? (size_t)(eq - s) : n;
	for (k = 0; k < 3; k++) {
		if (klen == strlen(components[k]) &&
		    memcmp(s, components[k], klen) == 0)
			break;
	}
	if (k == 3) {
		memset(out, 0, sizeof(*out));
		return mg_err_set(err, MG_EPARSE, "authorization: unexpected "
		    "component '%.*s'", (int)(klen > 32 ? 32 : klen), s);
	}
	if (eq == NULL) {
		memset(out, 0, sizeof(*out));
		return mg_err_set(err, MG_EPARSE, "authorization: '%s' has no "
		    "'='", components[k]);
	}
	if (*seen & (1u << k)) {
		memset(out, 0, sizeof(*out));
		return mg_err_set(err, MG_EPARSE,
		    "authorization: duplicate '%s'", components[k]);
	}
	*seen |= 1u << k;
	s = eq + 1;
	n -= klen + 1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f) {
			memset(out, 0, sizeof(*out));
			return mg_err_set(err, MG_EPARSE, "authorization: '%s' "
			    "holds a blank or control character (missing "
			    "comma?)", components[k]);
		}
	}
	if (k == 0)
		return parse_credential(s, n, out, err);
	if (k == 1)
		return parse_signed_headers(s, n, out, err);
	return parse_signature(s, n, out, err);
}

int
mg_sigv4_parse_authorization(const char *value, struct mg_sigv4_auth *out,
    struct mg_err *err)
{
	const char *p, *comma, *end;
	size_t alen = strlen(ALGORITHM), k;
	unsigned seen = 0;

	memset(out, 0, sizeof(*out));
	if (value == NULL)
		return parse_error(out, err, "header is missing");
	for (p = value; *p == ' ' || *p == '\t'; p++)
		;
	if (strncmp(p, ALGORITHM, alen) == 0 && p[alen] == '\0')
		return parse_error(out, err, "no components after the "
		    "algorithm");
	if (strncmp(p, ALGORITHM, alen) != 0 ||
	    (p[alen] != ' ' && p[alen] != '\t')) {
		k = strcspn(p, " \t");
		return mg_err_set(err, MG_EPARSE, "authorization: algorithm "
		    "'%.*s' is not '" ALGORITHM "'", (int)(k > 32 ? 32 : k),
		    p);
	}
	for (p += alen;; p = comma + 1) {
		while (*p == ' ' || *p == '\t')
			p++;
		comma = strchr(p, ',');
		end = comma != NULL ? comma : p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (parse_component(p, (size_t)(end - p), out, &seen,
		    err) != 0)
			return -1;
		if (comma == NULL)
			break;
	}
	for (k = 0; k < 3; k++) {
		if (!(seen & (1u << k))) {
			memset(out, 0, sizeof(*out));
			return mg_err_set(err, MG_EPARSE,
			    "authorization: missing '%s'", components[k]);
		}
	}
	return 0;
}

int
mg_sigv4_equal(const char *a, const char *b)
{
	size_t la, lb, i;
	volatile unsigned char diff;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	diff = la != lb;
	for (i = 0; i < la; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)b[i < lb ? i : 0];
	return diff == 0;
}

void
mg_sigv4_amz_date(long long t, char *buf)
{
	static const char invalid[] = "00000000T000000Z";
	struct tm tm;
	time_t tt = (time_t)t;

	if ((long long)tt != t || gmtime_r(&tt, &tm) == NULL ||
	    tm.tm_year < -1900 || tm.tm_year > 9999 - 1900 ||
	    strftime(buf, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
		memcpy(buf, invalid, sizeof(invalid));
}
