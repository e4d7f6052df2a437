/* SPDX-License-Identifier: Apache-2.0 */
/* emu_auth.c: SigV4 verification of incoming requests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu.h"
#include "sigv4.h"

#define MAX_SIGNED 32
#define SKEW_MS (5LL * 60 * 1000)

static const struct emu_key *
find_key(const struct emu_config *cfg, const char *akid)
{
	size_t i;

	for (i = 0; i < cfg->nkeys; i++)
		if (strcmp(cfg->keys[i].access_key, akid) == 0)
			return &cfg->keys[i];
	return NULL;
}

static void
auth_error(struct emu_reply *rp, const char *name, const char *msg)
{
	emu_reply_error(rp, 403, name, "%s", msg);
	rp->coral_service = 1;
}

/* "20260101T000000Z" to milliseconds; -1 when malformed. */
static int
parse_amz_date(const char *s, long long *ms)
{
	char iso[32];

	if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
		return -1;
	snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", s,
	    s + 4, s + 6, s + 9, s + 11, s + 13);
	return emu_parse_time(iso, ms);
}

static int
check_date(struct emu_reply *rp, const char *amz, const char *scope_date)
{
	long long t, now = emu_now_ms();
	char nowbuf[17], lim[17], msg[256];

	if (parse_amz_date(amz, &t) != 0) {
		auth_error(rp, "IncompleteSignatureException", "Date must be "
		    "in ISO-8601 'basic format'. Got 'X-Amz-Date'. See "
		    "http://en.wikipedia.org/wiki/ISO_8601");
		return -1;
	}
	mg_sigv4_amz_date(now / 1000, nowbuf);
	if (t < now - SKEW_MS) {
		mg_sigv4_amz_date((now - SKEW_MS) / 1000, lim);
		snprintf(msg, sizeof(msg), "Signature expired: %s is now "
		    "earlier than %s (%s - 5 min.)", amz, lim, nowbuf);
		auth_error(rp, "InvalidSignatureException", msg);
		return -1;
	}
	if (t > now + SKEW_MS) {
		mg_sigv4_amz_date((now + SKEW_MS) / 1000, lim);
		snprintf(msg, sizeof(msg), "Signature not yet current: %s is "
		    "still later than %s (%s + 5 min.)", amz, lim, nowbuf);
		auth_error(rp, "InvalidSignatureException", msg);
		return -1;
	}
	if (strncmp(amz, scope_date, 8) != 0) {
		snprintf(msg, sizeof(msg), "Date in Credential scope does not "
		    "match YYYYMMDD from ISO-8601 version of date from HTTP: "
		    "'%.8s' != '%.8s', from 'X-Amz-Date'.", scope_date, amz);
		auth_error(rp, "InvalidSignatureException", msg);
		return -1;
	}
	return 0;
}

/* Split "a;b;c" into names (in place, in the copy given). */
static size_t
split_signed(char *list, char **names, size_t max)
{
	size_t n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(list, ";", &save); tok != NULL && n < max;
	    tok = strtok_r(NULL, ";", &save))
		names[n++] = tok;
	return n;
}

static int
has_name(char **names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(names[i], name) == 0)
			return 1;
	return 0;
}

static void
mismatch(struct emu_reply *rp, const struct mg_sigv4_output *out)
{
	struct mg_buf b;

	mg_buf_init(&b, 65536);
	mg_buf_addstr(&b, "The request signature we calculated does not "
	    "match the signature you provided. Check your AWS Secret Access "
	    "Key and signing method. Consult the service documentation for "
	    "details.");
	if (out->canonical_request != NULL && out->string_to_sign != NULL)
		mg_buf_addf(&b, "\n\nThe Canonical String for this request "
		    "should have been\n'%s'\n\nThe String-to-Sign should have "
		    "been\n'%s'\n", out->canonical_request,
		    out->string_to_sign);
	emu_reply_error(rp, 403, "InvalidSignatureException", "%s",
	    b.data != NULL ? b.data : "signature mismatch");
	rp->coral_service = 1;
	mg_buf_release(&b);
}

static int
verify(struct emu_request *rq, struct emu_reply *rp,
    const struct mg_sigv4_auth *auth, const struct emu_key *key,
    const char *amz)
{
	struct mg_sigv4_header hdrs[MAX_SIGNED];
	struct mg_sigv4_output out;
	struct mg_err err;
	char list[sizeof(auth->signed_headers)], *names[MAX_SIGNED];
	char *values[MAX_SIGNED] = { NULL };
	struct mg_sigv4_input in;
	size_t n, i;
	int rc = -1;

	memset(&out, 0, sizeof(out));
	snprintf(list, sizeof(list), "%s", auth->signed_headers);
	n = split_signed(list, names, MAX_SIGNED);
	if (!has_name(names, n, "host")) {
		auth_error(rp, "IncompleteSignatureException", "'Host' or "
		    "':authority' must be a 'SignedHeader' in the AWS "
		    "Authorization.");
		goto cleanup;
	}
	values[0] = emu_request_header(rq, "x-amz-security-token");
	if (values[0] != NULL && !has_name(names, n,
	    "x-amz-security-token")) {
		auth_error(rp, "IncompleteSignatureException", "The "
		    "X-Amz-Security-Token header must be listed in "
		    "SignedHeaders when it is sent.");
		goto cleanup;
	}
	free(values[0]);
	values[0] = NULL;
	for (i = 0; i < n; i++) {
		values[i] = emu_request_header(rq, names[i]);
		hdrs[i].name = names[i];
		hdrs[i].value = values[i] != NULL ? values[i] : "";
	}
	memset(&in, 0, sizeof(in));
	in.method = rq->method;
	in.path = rq->path;
	in.query = rq->query;
	in.headers = hdrs;
	in.nheaders = n;
	in.body = rq->body.data != NULL ? rq->body.data : "";
	in.body_len = rq->body.len;
	in.region = auth->region;
	in.service = auth->service;
	in.amz_date = amz;
	in.normalize_path = 1;
	if (mg_sigv4_sign(&in, key->access_key, key->secret_key, &out,
	    &err) != 0) {
		auth_error(rp, "IncompleteSignatureException", err.msg);
		goto cleanup;
	}
	if (!mg_sigv4_equal(out.signature, auth->signature)) {
		mismatch(rp, &out);
		goto cleanup;
	}
	rc = 0;
cleanup:
	for (i = 0; i < MAX_SIGNED; i++)
		free(values[i]);
	mg_sigv4_output_release(&out);
	return rc;
}

/*
 * Check the Authorization header. 0: rq->account and rq->region are set;
 * -1: rp holds the 403 to send.
 */
int
emu_auth_check(struct emu_request *rq, struct emu_reply *rp)
{
	struct mg_sigv4_auth auth;
	const struct emu_key *key;
	struct mg_err err;
	char *value = NULL, *amz = NULL, msg[512];
	int rc = -1;

	value = emu_request_header(rq, "authorization");
	if (value == NULL) {
		auth_error(rp, "MissingAuthenticationTokenException",
		    "Missing Authentication Token");
		goto cleanup;
	}
	mg_err_clear(&err);
	if (mg_sigv4_parse_authorization(value, &auth, &err) != 0) {
		snprintf(msg, sizeof(msg), "Authorization header is not a "
		    "valid AWS4-HMAC-SHA256 value: %s", err.msg);
		auth_error(rp, "IncompleteSignatureException", msg);
		goto cleanup;
	}
	key = find_key(&rq->srv->cfg, auth.access_key);
	if (key == NULL) {
		auth_error(rp, "UnrecognizedClientException", "The security "
		    "token included in the request is invalid.");
		goto cleanup;
	}
	if (strcmp(auth.service, EMU_SERVICE) != 0) {
		auth_error(rp, "InvalidSignatureException", "Credential should "
		    "be scoped to correct service: '" EMU_SERVICE "'. ");
		goto cleanup;
	}
	if (auth.region[0] == '\0' || strspn(auth.region,
	    "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(auth.region)) {
		auth_error(rp, "InvalidSignatureException", "Credential should "
		    "be scoped to a valid region. ");
		goto cleanup;
	}
	amz = emu_request_header(rq, "x-amz-date");
	if (amz == NULL) {
		auth_error(rp, "IncompleteSignatureException", "Authorization "
		    "header requires existence of either a 'X-Amz-Date' or a "
		    "'Date' header.");
		goto cleanup;
	}
	if (check_date(rp, amz, auth.date) != 0)
		goto cleanup;
	if (verify(rq, rp, &auth, key, amz) != 0)
		goto cleanup;
	snprintf(rq->account, sizeof(rq->account), "%s", key->account);
	snprintf(rq->region, sizeof(rq->region), "%s", auth.region);
	rc = 0;
cleanup:
	free(value);
	free(amz);
	return rc;
}
