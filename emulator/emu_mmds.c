/* SPDX-License-Identifier: Apache-2.0 */
/* emu_mmds.c: a Firecracker-style microVM metadata service (v1 or v2). */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "sigv4.h"

#define TOKEN_MAX 70
#define TTL_MAX 21600
#define MAC_HEX 32

static void
text(struct emu_reply *rp, unsigned status, const char *body)
{
	free(rp->text);
	rp->text = strdup(body);
	rp->status = status;
	if (rp->text == NULL)
		MG_BUG("out of memory");
}

/* The first of two header names that is present. */
static char *
either(struct emu_request *rq, const char *a, const char *b,
    const char **which)
{
	char *v = emu_request_header(rq, a);

	*which = a;
	if (v == NULL) {
		v = emu_request_header(rq, b);
		*which = b;
	}
	return v;
}

static void
mac_hex(const struct emu_server *srv, const char *msg, char out[MAC_HEX + 1])
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	HMAC(EVP_sha256(), srv->mmds_key, sizeof(srv->mmds_key),
	    (const unsigned char *)msg, strlen(msg), mac, &len);
	for (i = 0; i < MAC_HEX / 2 && i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
	out[MAC_HEX] = '\0';
}

/* "EXPIRY_MS.MAC": sealed by the per-process key, so it cannot be forged. */
static int
token_valid(const struct emu_server *srv, const char *tok)
{
	char expiry[32], want[MAC_HEX + 1];
	const char *dot = strchr(tok, '.');
	size_t n;

	if (strlen(tok) > TOKEN_MAX || dot == NULL)
		return 0;
	n = (size_t)(dot - tok);
	if (n == 0 || n >= sizeof(expiry) || strspn(tok, "0123456789") != n)
		return 0;
	memcpy(expiry, tok, n);
	expiry[n] = '\0';
	mac_hex(srv, expiry, want);
	if (!mg_sigv4_equal(want, dot + 1))
		return 0;
	return strtoll(expiry, NULL, 10) > emu_now_ms();
}

static void
put_token(struct emu_request *rq, struct emu_reply *rp)
{
	const char *name;
	char *ttl = NULL, *xff, *end, expiry[32], mac[MAC_HEX + 1];
	char tok[TOKEN_MAX + 1];
	long secs;

	xff = emu_request_header(rq, "x-forwarded-for");
	if (xff != NULL) {
		free(xff);
		text(rp, 400, "MMDS token requests must not carry "
		    "X-Forwarded-For.");
		return;
	}
	if (strcmp(rq->path, "/latest/api/token") != 0) {
		text(rp, 404, "Resource not found.");
		return;
	}
	ttl = either(rq, "x-metadata-token-ttl-seconds",
	    "x-aws-ec2-metadata-token-ttl-seconds", &name);
	if (ttl == NULL) {
		text(rp, 400, "Token time to live value not found. Use "
		    "`X-metadata-token-ttl-seconds` header to specify the "
		    "token's lifetime.");
		return;
	}
	secs = strtol(ttl, &end, 10);
	if (end == ttl || *end != '\0' || secs < 1 || secs > TTL_MAX) {
		free(ttl);
		text(rp, 400, "Invalid time to live value provided for "
		    "token. Please provide a value between 1 and 21600.");
		return;
	}
	snprintf(expiry, sizeof(expiry), "%lld", emu_now_ms() + secs * 1000LL);
	mac_hex(rq->srv, expiry, mac);
	snprintf(tok, sizeof(tok), "%s.%s", expiry, mac);
	text(rp, 200, tok);
	emu_reply_header(rp, name, ttl);
	free(ttl);
}

static char *
credentials(const struct emu_server *srv)
{
	size_t i = srv->mmds_cred < srv->cfg.nkeys ? srv->mmds_cred : 0;
	const struct emu_key *k = &srv->cfg.keys[i];
	char now[32], exp[32];
	json_t *doc;
	char *s;

	emu_format_time(emu_now_ms(), now);
	emu_format_time(emu_now_ms() + 6 * 3600 * 1000LL, exp);
	doc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "Code", "Success",
	    "LastUpdated", now, "Type", "AWS-HMAC", "AccessKeyId",
	    k->access_key, "SecretAccessKey", k->secret_key, "Token",
	    "emulator-mmds-session-token", "Expiration", exp);
	s = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (s == NULL)
		MG_BUG("out of memory");
	return s;
}

/* IMDS text format: a listing, or the value itself. */
static void
get_path(struct emu_request *rq, struct emu_reply *rp)
{
	struct emu_server *srv = rq->srv;
	const char *p = rq->path, *role = srv->cfg.mmds_role;
	const char *creds = "/latest/meta-data/iam/security-credentials/";
	size_t clen = strlen(creds);

	if (strcmp(p, "/latest") == 0 || strcmp(p, "/latest/") == 0) {
		text(rp, 200, "meta-data/");
	} else if (strcmp(p, "/latest/meta-data") == 0 ||
	    strcmp(p, "/latest/meta-data/") == 0) {
		text(rp, 200, "iam/");
	} else if (strcmp(p, "/latest/meta-data/iam") == 0 ||
	    strcmp(p, "/latest/meta-data/iam/") == 0) {
		text(rp, 200, "security-credentials/");
	} else if (strncmp(p, creds, clen - 1) == 0 &&
	    (p[clen - 1] == '\0' || (p[clen - 1] == '/' && p[clen] == '\0'))) {
		text(rp, 200, role);
	} else if (strncmp(p, creds, clen) == 0 &&
	    strcmp(p + clen, role) == 0) {
		rp->status = 200;
		rp->text = credentials(srv);
	} else {
		text(rp, 404, "Resource not found.");
	}
}

void
emu_mmds_handle(struct emu_request *rq, struct emu_reply *rp)
{
	const char *name;
	char *tok;
	int ok;

	if (strcmp(rq->method, "PUT") == 0) {
		put_token(rq, rp);
		return;
	}
	if (strcmp(rq->method, "GET") != 0) {
		text(rp, 405, "Not allowed HTTP method.");
		emu_reply_header(rp, "Allow", "GET, PUT");
		return;
	}
	tok = either(rq, "x-metadata-token", "x-aws-ec2-metadata-token",
	    &name);
	ok = tok != NULL && token_valid(rq->srv, tok);
	if (rq->srv->cfg.mmds == 2 && tok == NULL) {
		text(rp, 401, "No MMDS token provided. Use `X-metadata-token` "
		    "header to specify the session token.");
	} else if (rq->srv->cfg.mmds == 2 && !ok) {
		text(rp, 401, "MMDS token not valid.");
	} else {
		get_path(rq, rp);
	}
	free(tok);
}
