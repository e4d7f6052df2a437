/* SPDX-License-Identifier: Apache-2.0 */
/* test_sigv4.c: SigV4 against the AWS suite, botocore vectors and rows. */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "buf.h"
#include "err.h"
#include "sigv4.h"

#define ACCESS_KEY	"AKIDEXAMPLE"
#define SECRET_KEY	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_REL	"reference/sigv4-testsuite"
#define GOLDEN_REL	"tests/golden/sigv4"
#define MAX_CASES	256
#define MAX_REQ_HEADERS	32

/* One case directory found on disk. */
struct tcase {
	char name[256];		/* path below the suite root */
	char dir[PATH_MAX];
	int normalize;
};

/* A raw .req file split into its parts; strings are owned. */
struct rawreq {
	char *method;
	char *path;
	char *query;
	char *names[MAX_REQ_HEADERS];
	char *values[MAX_REQ_HEADERS];
	struct mg_sigv4_header headers[MAX_REQ_HEADERS];
	size_t nheaders;
	char *body;
	size_t body_len;
};

static struct tcase suite_cases[MAX_CASES];
static size_t nsuite;
static struct tcase golden_cases[MAX_CASES];
static size_t ngolden;
static int too_many_cases;

/* ---- small helpers ---- */

/* snprintf that refuses to cut: the tests would then read a wrong file. */
static void __attribute__((format(printf, 3, 4)))
pathf(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		fprintf(stderr, "path too long: %s\n", dst);
		abort();
	}
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n + 1)) &&
	    fread(data, 1, (size_t)n, f) == (size_t)n) {
		data[n] = '\0';
		if (len != NULL)
			*len = (size_t)n;
	} else {
		free(data);
		data = NULL;
	}
	fclose(f);
	return data;
}

/* Expected files may or may not end in a newline; the values never do. */
static char *
slurp_expected(const char *dir, const char *file)
{
	char path[PATH_MAX + 64];
	char *s;
	size_t n = 0;

	pathf(path, sizeof(path), "%s/%s", dir, file);
	s = slurp(path, &n);
	while (s != NULL && n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static char *
dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	assert_non_null(d);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* 0 when equal; otherwise print both and return 1 (the caller fails). */
static int
check_step(const char *tcase, const char *step, const char *want,
    const char *got)
{
	if (want != NULL && got != NULL && strcmp(want, got) == 0)
		return 0;
	print_error("%s: %s differs\n--- expected\n%s\n--- got\n%s\n", tcase,
	    step, want != NULL ? want : "(missing file)",
	    got != NULL ? got : "(not produced)");
	return 1;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
cmp_tcase(const void *a, const void *b)
{
	return strcmp(((const struct tcase *)a)->name,
	    ((const struct tcase *)b)->name);
}

/*
 * Walk root recursively; a directory D is an AWS suite case when it holds
 * D.req (want == NULL) or a golden case when it holds want.
 */
static void
collect_cases(const char *root, const char *rel, const char *want,
    struct tcase *cases, size_t *n)
{
	char dir[PATH_MAX], probe[PATH_MAX + 300], sub[PATH_MAX];
	const char *base;
	struct dirent *de;
	DIR *d;

	pathf(dir, sizeof(dir), "%s%s%s", root, *rel ? "/" : "", rel);
	base = strrchr(dir, '/') != NULL ? strrchr(dir, '/') + 1 : dir;
	if (want == NULL)
		pathf(probe, sizeof(probe), "%s/%s.req", dir, base);
	else
		pathf(probe, sizeof(probe), "%s/%s", dir, want);
	if (*rel != '\0' && access(probe, R_OK) == 0 && *n == MAX_CASES) {
		fprintf(stderr, "more than %d cases under %s\n", MAX_CASES,
		    root);
		too_many_cases = 1;
	} else if (*rel != '\0' && access(probe, R_OK) == 0) {
		pathf(cases[*n].name, sizeof(cases[*n].name), "%s", rel);
		pathf(cases[*n].dir, sizeof(cases[*n].dir), "%s", dir);
		cases[*n].normalize = strncmp(rel, "normalize-path/", 15) == 0;
		(*n)++;
	}
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		pathf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name);
		pathf(probe, sizeof(probe), "%s/%s", root, sub);
		if (is_dir(probe))
			collect_cases(root, sub, want, cases, n);
	}
	closedir(d);
}

/* ---- the AWS suite ---- */

static void
rawreq_release(struct rawreq *r)
{
	size_t i;

	free(r->method);
	free(r->path);
	free(r->query);
	for (i = 0; i < r->nheaders; i++) {
		free(r->names[i]);
		free(r->values[i]);
	}
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static void
parse_request_line(struct rawreq *r, const char *line, size_t n)
{
	const char *sp1 = memchr(line, ' ', n), *sp2 = line + n, *q;

	assert_non_null(sp1);
	while (sp2 > sp1 && sp2[-1] != ' ')
		sp2--;
	assert_true(sp2 > sp1 + 1);
	r->method = dupn(line, (size_t)(sp1 - line));
	sp1++;
	sp2--;
	q = memchr(sp1, '?', (size_t)(sp2 - sp1));
	r->path = dupn(sp1, (size_t)((q != NULL ? q : sp2) - sp1));
	r->query = q != NULL ? dupn(q + 1, (size_t)(sp2 - q - 1)) : dupn("", 0);
}

/* Header lines; a line starting with a blank continues the previous one. */
static void
parse_header_line(struct rawreq *r, const char *line, size_t n)
{
	const char *colon;
	char *joined;
	size_t i, old;

	if (line[0] == ' ' || line[0] == '\t') {
		assert_true(r->nheaders > 0);
		i = r->nheaders - 1;
		old = strlen(r->values[i]);
		joined = realloc(r->values[i], old + n + 2);
		assert_non_null(joined);
		joined[old] = '\n';
		memcpy(joined + old + 1, line, n);
		joined[old + n + 1] = '\0';
		r->values[i] = joined;
		return;
	}
	colon = memchr(line, ':', n);
	assert_non_null(colon);
	assert_true(r->nheaders < MAX_REQ_HEADERS);
	i = r->nheaders++;
	r->names[i] = dupn(line, (size_t)(colon - line));
	r->values[i] = dupn(colon + 1, (size_t)(line + n - colon - 1));
}

static void
parse_req(struct rawreq *r, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	size_t n, i;
	int first = 1;

	memset(r, 0, sizeof(*r));
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (first) {
			parse_request_line(r, p, n);
			first = 0;
		} else if (n == 0) {
			p = nl != NULL ? nl + 1 : end;
			break;
		} else {
			parse_header_line(r, p, n);
		}
		p = nl != NULL ? nl + 1 : end;
	}
	r->body_len = (size_t)(end - p);
	r->body = dupn(p, r->body_len);
	for (i = 0; i < r->nheaders; i++) {
		r->headers[i].name = r->names[i];
		r->headers[i].value = r->values[i];
	}
}

static const char *
header_value(const struct rawreq *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->names[i], name) == 0)
			return r->values[i];
	}
	return NULL;
}

/*
 * Cases whose credentials carry a session token that the signer adds as
 * X-Amz-Security-Token before signing (as botocore does): their .req lacks
 * the header and their .sreq shows it.
 */
static const char *const token_cases[] = {
	"get-vanilla-with-session-token",
};

static void
add_session_token(struct rawreq *r, const char *dir, const char *base)
{
	char path[PATH_MAX + 300];
	struct rawreq signed_req;
	const char *token;
	char *text;
	size_t i, len = 0;

	for (i = 0; i < sizeof(token_cases) / sizeof(token_cases[0]); i++) {
		if (strcmp(base, token_cases[i]) == 0)
			break;
	}
	if (i == sizeof(token_cases) / sizeof(token_cases[0]))
		return;
	pathf(path, sizeof(path), "%s/%s.sreq", dir, base);
	text = slurp(path, &len);
	assert_non_null(text);
	parse_req(&signed_req, text, len);
	free(text);
	token = header_value(&signed_req, "x-amz-security-token");
	assert_non_null(token);
	assert_null(header_value(r, "x-amz-security-token"));
	assert_true(r->nheaders < MAX_REQ_HEADERS);
	i = r->nheaders++;
	r->names[i] = dupn("X-Amz-Security-Token", 20);
	r->values[i] = dupn(token, strlen(token));
	r->headers[i].name = r->names[i];
	r->headers[i].value = r->values[i];
	rawreq_release(&signed_req);
}

static void
test_suite_case(void **state)
{
	const struct tcase *tc = *state;
	const char *base = strrchr(tc->dir, '/') + 1;
	char path[PATH_MAX + 300], file[300];
	char *text, *creq, *sts, *authz;
	struct mg_sigv4_input in = { 0 };
	struct mg_sigv4_output out, again;
	struct mg_err err = { 0 };
	struct rawreq r;
	size_t len = 0;
	int rc, rc2 = 0, bad = 0;

	pathf(path, sizeof(path), "%s/%s.req", tc->dir, base);
	text = slurp(path, &len);
	assert_non_null(text);
	parse_req(&r, text, len);
	free(text);
	add_session_token(&r, tc->dir, base);
	in.method = r.method;
	in.path = r.path;
	in.query = r.query;
	in.headers = r.headers;
	in.nheaders = r.nheaders;
	in.body = r.body;
	in.body_len = r.body_len;
	in.region = "us-east-1";
	in.service = "service";
	in.amz_date = header_value(&r, "x-amz-date");
	in.normalize_path = tc->normalize;
	rc = mg_sigv4_sign(&in, ACCESS_KEY, SECRET_KEY, &out, &err);
	memset(&again, 0, sizeof(again));
	if (rc == 0 && !tc->normalize) {
		/* Normalizing (botocore's default) changes nothing here. */
		in.normalize_path = 1;
		rc2 = mg_sigv4_sign(&in, ACCESS_KEY, SECRET_KEY, &again, &err);
	}

	pathf(file, sizeof(file), "%s.creq", base);
	creq = slurp_expected(tc->dir, file);
	pathf(file, sizeof(file), "%s.sts", base);
	sts = slurp_expected(tc->dir, file);
	pathf(file, sizeof(file), "%s.authz", base);
	authz = slurp_expected(tc->dir, file);
	if (rc != 0 || rc2 != 0) {
		print_error("%s: signing failed: %s\n", tc->name, err.msg);
		bad = 1;
	} else {
		bad |= check_step(tc->name, "canonical request", creq,
		    out.canonical_request);
		bad |= check_step(tc->name, "string to sign", sts,
		    out.string_to_sign);
		bad |= check_step(tc->name, "authorization", authz,
		    out.authorization);
		if (!tc->normalize)
			bad |= check_step(tc->name, "normalized canonical "
			    "request", creq, again.canonical_request);
	}
	free(creq);
	free(sts);
	free(authz);
	mg_sigv4_output_release(&out);
	mg_sigv4_output_release(&again);
	rawreq_release(&r);
	assert_int_equal(bad, 0);
}

/* ---- botocore golden vectors ---- */

struct golden {
	json_t *root;
	struct mg_sigv4_header headers[MAX_REQ_HEADERS];
	struct mg_sigv4_input in;
	const char *access_key;
	int session_token;
};

static const char *
jstr(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void
load_golden(struct golden *g, const char *dir)
{
	char path[PATH_MAX + 32];
	json_error_t jerr;
	json_t *hdrs, *pair, *body;
	size_t i;

	memset(g, 0, sizeof(*g));
	pathf(path, sizeof(path), "%s/request.json", dir);
	g->root = json_load_file(path, 0, &jerr);
	if (g->root == NULL)
		fail_msg("%s:%d: %s", path, jerr.line, jerr.text);
	g->in.method = jstr(g->root, "method");
	g->in.path = jstr(g->root, "path");
	g->in.query = jstr(g->root, "query");
	g->in.region = jstr(g->root, "region");
	g->in.service = jstr(g->root, "service");
	g->in.amz_date = jstr(g->root, "amz_date");
	g->in.normalize_path = json_is_true(json_object_get(g->root,
	    "normalize_path"));
	g->access_key = jstr(g->root, "access_key");
	g->session_token = json_is_true(json_object_get(g->root,
	    "session_token"));
	body = json_object_get(g->root, "body");
	assert_true(json_is_string(body));
	g->in.body = json_string_value(body);
	g->in.body_len = json_string_length(body);
	hdrs = json_object_get(g->root, "headers");
	assert_true(json_is_array(hdrs));
	assert_true(json_array_size(hdrs) <= MAX_REQ_HEADERS);
	json_array_foreach(hdrs, i, pair) {
		g->headers[i].name = json_string_value(json_array_get(pair, 0));
		g->headers[i].value = json_string_value(json_array_get(pair,
		    1));
		assert_non_null(g->headers[i].name);
		assert_non_null(g->headers[i].value);
	}
	g->in.headers = g->headers;
	g->in.nheaders = json_array_size(hdrs);
}

/* The vectors' own claims: the token header is there iff they say so. */
static int
check_golden_shape(const char *name, const struct golden *g)
{
	size_t i;
	int has_token = 0, has_date = 0;

	for (i = 0; i < g->in.nheaders; i++) {
		has_token |= strcasecmp(g->headers[i].name,
		    "x-amz-security-token") == 0;
		has_date |= strcasecmp(g->headers[i].name, "x-amz-date") == 0 &&
		    strcmp(g->headers[i].value, g->in.amz_date) == 0;
	}
	if (has_token == g->session_token && has_date)
		return 0;
	print_error("%s: request.json disagrees with itself (token %d/%d, "
	    "date %d)\n", name, has_token, g->session_token, has_date);
	return 1;
}

/* Our parser must read back what our signer wrote. */
static int
check_parsed(const char *name, const struct golden *g,
    const struct mg_sigv4_output *out)
{
	struct mg_sigv4_auth auth;
	struct mg_err err = { 0 };

	if (mg_sigv4_parse_authorization(out->authorization, &auth,
	    &err) != 0) {
		print_error("%s: cannot parse own authorization: %s\n", name,
		    err.msg);
		return 1;
	}
	if (strcmp(auth.access_key, g->access_key) == 0 &&
	    strncmp(auth.date, g->in.amz_date, 8) == 0 &&
	    strcmp(auth.region, g->in.region) == 0 &&
	    strcmp(auth.service, g->in.service) == 0 &&
	    strcmp(auth.signed_headers, out->signed_headers) == 0 &&
	    mg_sigv4_equal(auth.signature, out->signature))
		return 0;
	print_error("%s: parsed authorization does not match\n", name);
	return 1;
}

static void
test_golden_case(void **state)
{
	const struct tcase *tc = *state;
	struct mg_sigv4_output out;
	struct mg_err err = { 0 };
	struct golden g;
	char *creq, *sts, *authz;
	int rc, bad = 0;

	load_golden(&g, tc->dir);
	bad |= check_golden_shape(tc->name, &g);
	rc = mg_sigv4_sign(&g.in, g.access_key, SECRET_KEY, &out, &err);
	creq = slurp_expected(tc->dir, "canonical-request");
	sts = slurp_expected(tc->dir, "string-to-sign");
	authz = slurp_expected(tc->dir, "authorization");
	if (rc != 0) {
		print_error("%s: signing failed: %s\n", tc->name, err.msg);
		bad = 1;
	} else {
		bad |= check_step(tc->name, "canonical request", creq,
		    out.canonical_request);
		bad |= check_step(tc->name, "string to sign", sts,
		    out.string_to_sign);
		bad |= check_step(tc->name, "authorization", authz,
		    out.authorization);
		bad |= check_parsed(tc->name, &g, &out);
	}
	free(creq);
	free(sts);
	free(authz);
	mg_sigv4_output_release(&out);
	json_decref(g.root);
	assert_int_equal(bad, 0);
}

/* ---- unit rows ---- */

static const char *const empty_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

static void
test_sha256_hex(void **state)
{
	char hex[65];

	(void)state;
	mg_sha256_hex(NULL, 0, hex);
	assert_string_equal(hex, empty_sha256);
	mg_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

static void
test_uri_encode(void **state)
{
	static const struct {
		const char *name;
		const char *in;
		size_t n;
		int keep_slash;
		const char *want;
	} rows[] = {
		{ "unreserved stay", "AZaz09-_.~", 10, 0, "AZaz09-_.~" },
		{ "space", "a b", 3, 0, "a%20b" },
		{ "slash kept", "/a/b", 4, 1, "/a/b" },
		{ "slash encoded", "/a/b", 4, 0, "%2Fa%2Fb" },
		{ "percent", "%2F", 3, 1, "%252F" },
		{ "reserved", "+=&*!'()", 8, 0, "%2B%3D%26%2A%21%27%28%29" },
		{ "utf-8", "caf\xc3\xa9", 5, 0, "caf%C3%A9" },
		{ "high byte", "\xff", 1, 0, "%FF" },
		{ "embedded nul", "a\0b", 3, 0, "a%00b" },
		{ "empty", "", 0, 0, "" },
	};
	struct mg_buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		mg_buf_init(&b, 1024);
		assert_int_equal(mg_sigv4_uri_encode(&b, rows[i].in, rows[i].n,
		    rows[i].keep_slash), 0);
		if (strcmp(b.data != NULL ? b.data : "", rows[i].want) != 0)
			fail_msg("row '%s': got '%s'", rows[i].name, b.data);
		mg_buf_release(&b);
	}

	/* Full: fails and leaves the buffer as it was. */
	mg_buf_init(&b, 6);
	assert_int_equal(mg_buf_addstr(&b, "ab"), 0);
	assert_int_equal(mg_sigv4_uri_encode(&b, "c d", 3, 0), -1);
	assert_string_equal(b.data, "ab");
	assert_int_equal(b.len, 2);
	assert_int_equal(mg_sigv4_uri_encode(&b, "c/d", 3, 1), 0);
	assert_string_equal(b.data, "abc/d");
	mg_buf_release(&b);
}

static void
test_amz_date(void **state)
{
	static const struct {
		const char *name;
		long long t;
		const char *want;
	} rows[] = {
		{ "epoch", 0, "19700101T000000Z" },
		{ "suite date", 1440938160, "20150830T123600Z" },
		{ "golden date", 1768480496, "20260115T123456Z" },
		{ "leap day", 951782400, "20000229T000000Z" },
		{ "before epoch", -1, "19691231T235959Z" },
		{ "last second of 9999", 253402300799LL, "99991231T235959Z" },
		{ "year 10000", 253402300800LL, "00000000T000000Z" },
		{ "far future", 1000000000000000LL, "00000000T000000Z" },
	};
	char buf[17];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		mg_sigv4_amz_date(rows[i].t, buf);
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("row '%s': got '%.17s'", rows[i].name, buf);
	}
}

static void
test_equal(void **state)
{
	static const struct {
		const char *name;
		const char *a;
		const char *b;
		int want;
	} rows[] = {
		{ "same", "abc123", "abc123", 1 },
		{ "last differs", "abc123", "abc124", 0 },
		{ "first differs", "xbc123", "abc123", 0 },
		{ "prefix", "abc", "abc123", 0 },
		{ "longer", "abc123", "abc", 0 },
		{ "both empty", "", "", 1 },
		{ "one empty", "", "a", 0 },
		{ "other empty", "a", "", 0 },
		{ "null", NULL, "a", 0 },
		{ "nulls", NULL, NULL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (mg_sigv4_equal(rows[i].a, rows[i].b) != rows[i].want)
			fail_msg("row '%s': wrong answer", rows[i].name);
	}
}

#define SIG64 "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
#define CRED "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"

static void
test_parse_good(void **state)
{
	static const struct {
		const char *name;
		const char *value;
	} rows[] = {
		{ "botocore spacing", "AWS4-HMAC-SHA256 " CRED
		    ", SignedHeaders=host;x-amz-date, Signature=" SIG64 },
		{ "no spaces", "AWS4-HMAC-SHA256 " CRED
		    ",SignedHeaders=host;x-amz-date,Signature=" SIG64 },
		{ "extra blanks", "  AWS4-HMAC-SHA256\t  " CRED
		    " ,\t SignedHeaders=host;x-amz-date ,  Signature=" SIG64
		    "  " },
		{ "other order", "AWS4-HMAC-SHA256 Signature=" SIG64
		    ", SignedHeaders=host;x-amz-date, " CRED },
	};
	struct mg_sigv4_auth a;
	struct mg_err err = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (mg_sigv4_parse_authorization(rows[i].value, &a, &err) != 0)
			fail_msg("row '%s': %s", rows[i].name, err.msg);
		assert_string_equal(a.access_key, "AKIDEXAMPLE");
		assert_string_equal(a.date, "20150830");
		assert_string_equal(a.region, "us-east-1");
		assert_string_equal(a.service, "service");
		assert_string_equal(a.signed_headers, "host;x-amz-date");
		assert_string_equal(a.signature, SIG64);
	}
}

static void
test_parse_malformed(void **state)
{
	static const char long_key[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	static const struct {
		const char *name;
		const char *value;
		const char *want;	/* part of the message */
	} rows[] = {
		{ "null", NULL, "missing" },
		{ "empty", "", "algorithm" },
		{ "other algorithm", "AWS4-HMAC-SHA512 " CRED
		    ", SignedHeaders=host, Signature=" SIG64,
		    "algorithm 'AWS4-HMAC-SHA512'" },
		{ "algorithm only", "AWS4-HMAC-SHA256", "no components" },
		{ "no signature", "AWS4-HMAC-SHA256 " CRED
		    ", SignedHeaders=host", "missing 'Signature'" },
		{ "no credential", "AWS4-HMAC-SHA256 SignedHeaders=host, "
		    "Signature=" SIG64, "missing 'Credential'" },
		{ "duplicate", "AWS4-HMAC-SHA256 " CRED ", " CRED
		    ", SignedHeaders=host, Signature=" SIG64,
		    "duplicate 'Credential'" },
		{ "unknown component", "AWS4-HMAC-SHA256 " CRED
		    ", SignedHeaders=host, Foo=bar, Signature=" SIG64,
		    "unexpected component 'Foo'" },
		{ "no equals", "AWS4-HMAC-SHA256 " CRED
		    ", SignedHeaders, Signature=" SIG64,
		    "'SignedHeaders' has no '='" },
		{ "trailing comma", "AWS4-HMAC-SHA256 " CRED
		    ", SignedHeaders=host, Signature=" SIG64 ",",
		    "empty component" },
		{ "missing comma", "AWS4-HMAC-SHA256 " CRED
		    " SignedHeaders=host, Signature=" SIG64,
		    "'Credential' holds a blank" },
		{ "short scope", "AWS4-HMAC-SHA256 Credential=AK/20150830/"
		    "us-east-1/aws4_request, SignedHeaders=host, Signature="
		    SIG64, "credential is not" },
		{ "long scope", "AWS4-HMAC-SHA256 Credential=AK/20150830/"
		    "us-east-1/s/x/aws4_request, SignedHeaders=host, "
		    "Signature=" SIG64, "credential is not" },
		{ "bad date", "AWS4-HMAC-SHA256 Credential=AK/2015083X/"
		    "us-east-1/s/aws4_request, SignedHeaders=host, Signature="
		    SIG64, "credential date" },
		{ "empty region", "AWS4-HMAC-SHA256 Credential=AK/20150830//"
		    "s/aws4_request, SignedHeaders=host, Signature=" SIG64,
		    "credential region" },
		{ "bad terminator", "AWS4-HMAC-SHA256 Credential=AK/20150830/"
		    "r/s/aws4_requests, SignedHeaders=host, Signature=" SIG64,
		    "does not end in 'aws4_request'" },
		{ "empty key", "AWS4-HMAC-SHA256 Credential=/20150830/"
		    "r/s/aws4_request, SignedHeaders=host, Signature=" SIG64,
		    "access key" },
		{ "empty signed headers", "AWS4-HMAC-SHA256 " CRED
		    ", SignedHeaders=, Signature=" SIG64, "signed headers" },
		{ "double semicolon", "AWS4-HMAC-SHA256 " CRED
		    ", SignedHeaders=host;;x-amz-date, Signature=" SIG64,
		    "signed headers" },
		{ "short signature", "AWS4-HMAC-SHA256 " CRED
		    ", SignedHeaders=host, Signature=abc", "signature is not" },
		{ "uppercase signature", "AWS4-HMAC-SHA256 " CRED
		    ", SignedHeaders=host, Signature=5FA00FA31553B73EBF19426"
		    "76E86291E8372FF2A2260956D9B8AAE1D763FBF31",
		    "signature is not" },
	};
	struct mg_sigv4_auth a;
	struct mg_err err;
	char buf[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		mg_err_clear(&err);
		memset(&a, 'x', sizeof(a));
		if (mg_sigv4_parse_authorization(rows[i].value, &a, &err) == 0)
			fail_msg("row '%s': accepted", rows[i].name);
		assert_int_equal(err.code, MG_EPARSE);
		if (strstr(err.msg, rows[i].want) == NULL)
			fail_msg("row '%s': message '%s' lacks '%s'",
			    rows[i].name, err.msg, rows[i].want);
		assert_int_equal(a.access_key[0], '\0');
		assert_int_equal(a.signature[0], '\0');
		assert_null(strstr(err.msg, SIG64));
	}

	/* An access key past its 128 bytes is refused, not cut. */
	pathf(buf, sizeof(buf), "AWS4-HMAC-SHA256 Credential=%s/20150830/"
	    "r/s/aws4_request, SignedHeaders=host, Signature=" SIG64,
	    long_key);
	assert_int_equal(strlen(long_key), 129);
	assert_int_equal(mg_sigv4_parse_authorization(buf, &a, &err), -1);
	assert_non_null(strstr(err.msg, "access key"));
}

/* Sign a bare GET and return line `line` (0-based) of the canonical
 * request, or the error message when signing fails. */
static char *
creq_line(const char *method, const char *path, const char *query,
    int normalize, int line)
{
	struct mg_sigv4_header h[] = {
		{ "Host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
	};
	struct mg_sigv4_input in = {
		.method = method, .path = path, .query = query,
		.headers = h, .nheaders = 2, .region = "us-east-1",
		.service = "service", .amz_date = "20150830T123600Z",
		.normalize_path = normalize,
	};
	struct mg_sigv4_output out;
	struct mg_err err = { 0 };
	const char *p, *nl;
	char *res;

	if (mg_sigv4_sign(&in, ACCESS_KEY, SECRET_KEY, &out, &err) != 0)
		return dupn(err.msg, strlen(err.msg));
	for (p = out.canonical_request; line > 0; line--)
		p = strchr(p, '\n') + 1;
	nl = strchr(p, '\n');
	res = dupn(p, nl != NULL ? (size_t)(nl - p) : strlen(p));
	mg_sigv4_output_release(&out);
	return res;
}

static void
test_canonical_uri(void **state)
{
	static const struct {
		const char *path;
		int normalize;
		const char *want;
	} rows[] = {
		{ "", 0, "/" },
		{ "", 1, "/" },
		{ NULL, 1, "/" },
		{ "/", 1, "/" },
		{ "/a/./b/../c", 1, "/a/c" },
		{ "/a/./b/../c", 0, "/a/./b/../c" },
		{ "//a//", 1, "/a/" },
		{ "//a//", 0, "//a//" },
		{ "/..", 1, "/" },
		{ "/a/..", 1, "/" },
		{ "/a/b/..", 1, "/a" },
		{ "/a/b/../", 1, "/a/" },
		{ "/a/b/c/../../..", 1, "/" },
		{ "/a/.../b", 1, "/a/.../b" },
		{ "/.a/..b/", 1, "/.a/..b/" },
		{ "a/b", 1, "a/b" },
		{ "/a%2Fb", 1, "/a%252Fb" },
		{ "/a%2Fb", 0, "/a%252Fb" },
		{ "/a b/\xc3\xa9", 0, "/a%20b/%C3%A9" },
		{ "/$x~y", 1, "/%24x~y" },
	};
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got = creq_line("GET", rows[i].path, NULL, rows[i].normalize,
		    1);
		if (strcmp(got, rows[i].want) != 0) {
			print_error("path '%s' normalize %d: got '%s', want "
			    "'%s'\n", rows[i].path ? rows[i].path : "(null)",
			    rows[i].normalize, got, rows[i].want);
			free(got);
			fail();
		}
		free(got);
	}
}

static void
test_canonical_query(void **state)
{
	static const struct {
		const char *query;
		const char *want;
	} rows[] = {
		{ NULL, "" },
		{ "", "" },
		{ "b=2&a=1", "a=1&b=2" },
		{ "a=2&a=1", "a=1&a=2" },
		{ "A=1&a=1&B=2", "A=1&B=2&a=1" },
		{ "flag", "flag=" },
		{ "flag&empty=", "empty=&flag=" },
		{ "a=%2f", "a=%2F" },
		{ "a=b=c", "a=b%3Dc" },
		{ "a=%zz&b=%4", "a=%25zz&b=%254" },
		{ "a+b=c d", "a%2Bb=c%20d" },
		{ "t=AAEC%2B%2Fx%3D", "t=AAEC%2B%2Fx%3D" },
		{ "u=caf\xc3\xa9", "u=caf%C3%A9" },
		{ "&", "=&=" },
		{ "x=1&", "=&x=1" },
		{ "-._~=-._~", "-._~=-._~" },
	};
	size_t i;
	char *got;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got = creq_line("GET", "/", rows[i].query, 1, 2);
		if (strcmp(got, rows[i].want) != 0) {
			print_error("query '%s': got '%s', want '%s'\n",
			    rows[i].query ? rows[i].query : "(null)", got,
			    rows[i].want);
			free(got);
			fail();
		}
		free(got);
	}
	got = creq_line("get", "/", NULL, 1, 0);
	assert_string_equal(got, "GET");
	free(got);
}

static void
test_sign_refuses(void **state)
{
	static const struct mg_sigv4_header many[MG_SIGV4_MAX_HEADERS + 1];
	struct mg_sigv4_header h[] = {
		{ "Host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
	};
	struct mg_sigv4_header badname[] = { { "My Header", "v" } };
	struct {
		const char *name;
		struct mg_sigv4_input in;
		const char *ak;
		const char *sk;
		enum mg_errcode code;
		const char *want;
	} rows[] = {
		{ "bad date", { .amz_date = "2015-08-30" }, NULL, NULL,
		    MG_EUSAGE, "amz date" },
		{ "no method", { .method = "" }, NULL, NULL, MG_EUSAGE,
		    "method" },
		{ "method with space", { .method = "G T" }, NULL, NULL,
		    MG_EUSAGE, "method" },
		{ "slash in region", { .region = "us/east" }, NULL, NULL,
		    MG_EUSAGE, "region" },
		{ "empty service", { .service = "" }, NULL, NULL, MG_EUSAGE,
		    "service" },
		{ "comma in key", { .method = NULL }, "AK,X", NULL, MG_EUSAGE,
		    "access key" },
		{ "empty secret", { .method = NULL }, NULL, "", MG_EUSAGE,
		    "secret key" },
		{ "header name", { .headers = badname, .nheaders = 1 }, NULL,
		    NULL, MG_EUSAGE, "header name 'My Header'" },
		{ "too many headers", { .headers = many,
		    .nheaders = MG_SIGV4_MAX_HEADERS + 1 }, NULL, NULL,
		    MG_ETOOLARGE, "headers" },
		{ "body missing", { .body_len = 3 }, NULL, NULL, MG_EUSAGE,
		    "body" },
	};
	struct mg_sigv4_output out;
	struct mg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct mg_sigv4_input in = rows[i].in;

		if (in.method == NULL)
			in.method = "GET";
		if (in.path == NULL)
			in.path = "/";
		if (in.headers == NULL) {
			in.headers = h;
			in.nheaders = 2;
		}
		if (in.region == NULL)
			in.region = "us-east-1";
		if (in.service == NULL)
			in.service = "service";
		if (in.amz_date == NULL)
			in.amz_date = "20150830T123600Z";
		mg_err_clear(&err);
		memset(&out, 0, sizeof(out));
		if (mg_sigv4_sign(&in, rows[i].ak ? rows[i].ak : ACCESS_KEY,
		    rows[i].sk ? rows[i].sk : SECRET_KEY, &out, &err) == 0)
			fail_msg("row '%s': signed", rows[i].name);
		if (err.code != rows[i].code ||
		    strstr(err.msg, rows[i].want) == NULL)
			fail_msg("row '%s': got %s '%s'", rows[i].name,
			    mg_errcode_name(err.code), err.msg);
		assert_null(out.canonical_request);
		assert_null(out.authorization);
		assert_int_equal(out.signature[0], '\0');
	}
}

static void
test_sign_bounds(void **state)
{
	struct mg_sigv4_header h[] = {
		{ "Host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
		{ "X-Big", NULL },
	};
	struct mg_sigv4_input in = {
		.method = "GET", .path = "/", .headers = h, .nheaders = 2,
		.region = "us-east-1", .service = "service",
		.amz_date = "20150830T123600Z", .normalize_path = 1,
	};
	struct mg_sigv4_output out;
	struct mg_err err = { 0 };
	char secret[MG_SIGV4_MAX_SECRET + 2];
	char *big, *q;
	size_t i;

	(void)state;
	big = malloc(MG_SIGV4_MAX_CANONICAL + 1);
	assert_non_null(big);

	/* A path whose encoding passes the bound. */
	memset(big, ' ', MG_SIGV4_MAX_CANONICAL / 2);
	big[0] = '/';
	big[MG_SIGV4_MAX_CANONICAL / 2] = '\0';
	in.path = big;
	assert_int_equal(mg_sigv4_sign(&in, ACCESS_KEY, SECRET_KEY, &out,
	    &err), -1);
	assert_int_equal(err.code, MG_ETOOLARGE);
	assert_null(out.canonical_request);
	in.path = "/";

	/* A header value past the bound. */
	memset(big, 'v', MG_SIGV4_MAX_CANONICAL);
	big[MG_SIGV4_MAX_CANONICAL] = '\0';
	h[2].value = big;
	in.nheaders = 3;
	assert_int_equal(mg_sigv4_sign(&in, ACCESS_KEY, SECRET_KEY, &out,
	    &err), -1);
	assert_int_equal(err.code, MG_ETOOLARGE);
	in.nheaders = 2;

	/* One query pair too many. */
	q = big;
	for (i = 0; i <= MG_SIGV4_MAX_PARAMS; i++) {
		memcpy(q, "a=1&", 4);
		q += 4;
	}
	q[-1] = '\0';
	in.query = big;
	assert_int_equal(mg_sigv4_sign(&in, ACCESS_KEY, SECRET_KEY, &out,
	    &err), -1);
	assert_int_equal(err.code, MG_ETOOLARGE);
	assert_non_null(strstr(err.msg, "parameters"));
	in.query = NULL;
	free(big);

	/* The longest secret signs; one byte more is refused. */
	memset(secret, 's', sizeof(secret) - 1);
	secret[MG_SIGV4_MAX_SECRET] = '\0';
	assert_int_equal(mg_sigv4_sign(&in, ACCESS_KEY, secret, &out, &err),
	    0);
	mg_sigv4_output_release(&out);
	secret[MG_SIGV4_MAX_SECRET] = 's';
	secret[MG_SIGV4_MAX_SECRET + 1] = '\0';
	assert_int_equal(mg_sigv4_sign(&in, ACCESS_KEY, secret, &out, &err),
	    -1);
	assert_int_equal(err.code, MG_ETOOLARGE);
}

/* A known answer independent of any file: the suite's get-vanilla. */
static void
test_sign_known(void **state)
{
	struct mg_sigv4_header h[] = {
		{ "Host", "example.amazonaws.com" },
		{ "X-Amz-Date", "20150830T123600Z" },
	};
	struct mg_sigv4_input in = {
		.method = "GET", .path = "/", .headers = h, .nheaders = 2,
		.region = "us-east-1", .service = "service",
		.amz_date = "20150830T123600Z",
	};
	struct mg_sigv4_output out;
	struct mg_err err = { 0 };

	(void)state;
	assert_int_equal(mg_sigv4_sign(&in, ACCESS_KEY, SECRET_KEY, &out,
	    &err), 0);
	assert_string_equal(out.signed_headers, "host;x-amz-date");
	assert_string_equal(out.signature, "5fa00fa31553b73ebf1942676e8629"
	    "1e8372ff2a2260956d9b8aae1d763fbf31");
	assert_string_equal(out.authorization, "AWS4-HMAC-SHA256 " CRED
	    ", SignedHeaders=host;x-amz-date, Signature=" SIG64);
	mg_sigv4_output_release(&out);
	assert_null(out.authorization);
	mg_sigv4_output_release(&out);

	/* No headers at all: the caller decides, nothing is added. */
	in.nheaders = 0;
	in.headers = NULL;
	assert_int_equal(mg_sigv4_sign(&in, ACCESS_KEY, SECRET_KEY, &out,
	    &err), 0);
	assert_int_equal(strncmp(out.canonical_request, "GET\n/\n\n\n\n",
	    9), 0);
	assert_string_equal(out.canonical_request + 9, empty_sha256);
	assert_non_null(strstr(out.authorization, "SignedHeaders=, "));
	mg_sigv4_output_release(&out);
}

/* ---- main ---- */

static const char *
source_dir(char *buf, size_t size)
{
	const char *env = getenv("MG_SOURCE_DIR");
	const char *cut;

	if (env != NULL && *env != '\0')
		return env;
	/* Fall back to this file's location: <src>/tests/unit/. */
	pathf(buf, size, "%s", __FILE__);
	cut = strstr(buf, "/tests/unit/");
	if (cut == NULL)
		return ".";
	buf[cut - buf] = '\0';
	return buf;
}

static int
run_cases(const char *group, struct tcase *cases, size_t n,
    CMUnitTestFunction fn)
{
	struct CMUnitTest *tests;
	size_t i;
	int failed;

	tests = calloc(n, sizeof(*tests));
	if (tests == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = fn;
		tests[i].initial_state = &cases[i];
	}
	failed = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	free(tests);
	return failed;
}

int
main(void)
{
	const struct CMUnitTest units[] = {
		cmocka_unit_test(test_sha256_hex),
		cmocka_unit_test(test_uri_encode),
		cmocka_unit_test(test_amz_date),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_canonical_uri),
		cmocka_unit_test(test_canonical_query),
		cmocka_unit_test(test_sign_refuses),
		cmocka_unit_test(test_sign_bounds),
		cmocka_unit_test(test_sign_known),
	};
	char srcbuf[PATH_MAX], golden[PATH_MAX + 32], suite[PATH_MAX + 64];
	const char *shared = getenv("MG_SHARED_DIR");
	const char *src = source_dir(srcbuf, sizeof(srcbuf));
	int failed = 0;
	size_t i, nnorm = 0;

	failed |= cmocka_run_group_tests_name("sigv4 units", units, NULL,
	    NULL);

	pathf(golden, sizeof(golden), "%s/" GOLDEN_REL, src);
	collect_cases(golden, "", "request.json", golden_cases, &ngolden);
	qsort(golden_cases, ngolden, sizeof(golden_cases[0]), cmp_tcase);
	if (ngolden == 0 || too_many_cases) {
		fprintf(stderr, "no golden cases under %s\n", golden);
		failed = 1;
	} else {
		failed |= run_cases("botocore golden vectors", golden_cases,
		    ngolden, test_golden_case);
	}

	/* Same default as CMake's MG_SHARED_DIR: next to the source tree. */
	if (shared != NULL && *shared != '\0')
		pathf(suite, sizeof(suite), "%s/" SUITE_REL, shared);
	else
		pathf(suite, sizeof(suite), "%s/../shared/" SUITE_REL, src);
	if (!is_dir(suite)) {
		if (failed)
			return 1;
		printf("skipping: %s not found, set MG_SHARED_DIR\n", suite);
		return 77;
	}
	collect_cases(suite, "", NULL, suite_cases, &nsuite);
	qsort(suite_cases, nsuite, sizeof(suite_cases[0]), cmp_tcase);
	for (i = 0; i < nsuite; i++)
		nnorm += suite_cases[i].normalize;
	if (nsuite == 0 || nnorm == 0 || too_many_cases) {
		fprintf(stderr, "%s: found %zu cases, %zu normalize-path\n",
		    suite, nsuite, nnorm);
		return 1;
	}
	failed |= run_cases("aws sigv4 test suite", suite_cases, nsuite,
	    test_suite_case);
	return failed ? 1 : 0;
}
