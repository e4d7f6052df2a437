/* SPDX-License-Identifier: Apache-2.0 */
/* emu_routes.c: routing, the request pipeline and the read operations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define MAX_SEGMENTS 6
#define TOKEN_MAGIC "\xfb\xef\xbf"

typedef void (*handler_fn)(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);

struct route {
	const char *method;
	int nseg;			/* segments after "runtimes" */
	const char *literal;		/* second segment, when nseg >= 2 */
	const char *op;
	enum emu_class cls;
	handler_fn fn;
};

static void op_list_runtimes(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
static void op_get_runtime(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
static void op_list_versions(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
static void op_list_endpoints(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
static void op_get_endpoint(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);

static const struct route routes[] = {
	{ "POST", 0, NULL, "ListAgentRuntimes", EMU_CLASS_LIST,
	    op_list_runtimes },
	{ "PUT", 0, NULL, "CreateAgentRuntime", EMU_CLASS_MUTATE,
	    emu_op_create_runtime },
	{ "GET", 1, NULL, "GetAgentRuntime", EMU_CLASS_GET, op_get_runtime },
	{ "PUT", 1, NULL, "UpdateAgentRuntime", EMU_CLASS_MUTATE,
	    emu_op_update_runtime },
	{ "DELETE", 1, NULL, "DeleteAgentRuntime", EMU_CLASS_MUTATE,
	    emu_op_delete_runtime },
	{ "POST", 2, "versions", "ListAgentRuntimeVersions", EMU_CLASS_LIST,
	    op_list_versions },
	{ "POST", 2, "runtime-endpoints", "ListAgentRuntimeEndpoints",
	    EMU_CLASS_LIST, op_list_endpoints },
	{ "PUT", 2, "runtime-endpoints", "CreateAgentRuntimeEndpoint",
	    EMU_CLASS_MUTATE, emu_op_create_endpoint },
	{ "GET", 3, "runtime-endpoints", "GetAgentRuntimeEndpoint",
	    EMU_CLASS_GET, op_get_endpoint },
	{ "PUT", 3, "runtime-endpoints", "UpdateAgentRuntimeEndpoint",
	    EMU_CLASS_MUTATE, emu_op_update_endpoint },
	{ "DELETE", 3, "runtime-endpoints", "DeleteAgentRuntimeEndpoint",
	    EMU_CLASS_MUTATE, emu_op_delete_endpoint },
	{ NULL, 0, NULL, NULL, EMU_CLASS_NONE, NULL },
};

struct segments {
	char *seg[MAX_SEGMENTS];
	int n;
};

static void
segments_release(struct segments *s)
{
	int i;

	for (i = 0; i < s->n; i++)
		free(s->seg[i]);
	s->n = 0;
}

/* Split the raw path into decoded segments; -1 when it cannot route. */
static int
split_path(const char *path, struct segments *s)
{
	const char *p = path, *slash;
	size_t len;

	s->n = 0;
	if (*p != '/')
		return -1;
	p++;
	while (*p != '\0') {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		if (len == 0 || s->n == MAX_SEGMENTS)
			return -1;
		s->seg[s->n] = emu_pct_decode(p, len, 0, NULL);
		if (s->seg[s->n] == NULL)
			return -1;
		s->n++;
		if (slash == NULL)
			break;
		p = slash + 1;
	}
	return 0;
}

static const struct route *
match(const char *method, struct segments *s, struct emu_route_args *a)
{
	const struct route *r;

	a->id = NULL;
	a->endpoint = NULL;
	if (s->n < 1 || strcmp(s->seg[0], "runtimes") != 0)
		return NULL;
	for (r = routes; r->op != NULL; r++) {
		if (strcmp(r->method, method) != 0 || r->nseg != s->n - 1)
			continue;
		if (r->literal != NULL && strcmp(r->literal, s->seg[2]) != 0)
			continue;
		if (r->nseg >= 1)
			a->id = s->seg[1];
		if (r->nseg == 3)
			a->endpoint = s->seg[3];
		return r;
	}
	return NULL;
}

void
emu_reply_not_found(struct emu_reply *rp, const char *id)
{
	char safe[128];

	emu_printable(id, safe, sizeof(safe));
	emu_reply_error(rp, 404, "ResourceNotFoundException",
	    "Agent runtime '%s' was not found", safe);
}

static void
access_denied(struct emu_request *rq, struct emu_reply *rp, const char *id)
{
	char safe[128];

	emu_printable(id, safe, sizeof(safe));
	emu_reply_error(rp, 403, "AccessDeniedException", "User: "
	    "arn:aws:iam::%s:user/emulator is not authorized to perform: "
	    "bedrock-agentcore:%s on resource: arn:aws:bedrock-agentcore:"
	    "%s:%s:runtime/%s because no identity-based policy allows the "
	    "bedrock-agentcore:%s action", rq->account, rq->op, rq->region,
	    rq->account, safe, rq->op);
}

/* Page tokens: base64 of a marker and a cursor; always has + / and =. */
static char *
make_token(char kind, const char *scope, long long cursor)
{
	char raw[512];
	size_t n;

	n = (size_t)snprintf(raw, sizeof(raw), TOKEN_MAGIC "emu1|%c|%s|%lld",
	    kind, scope, cursor);
	while (n % 3 != 1 && n + 1 < sizeof(raw))
		raw[n++] = '.';
	return emu_base64_encode((const unsigned char *)raw, n);
}

static int
read_token(const char *token, char kind, const char *scope,
    long long *cursor)
{
	unsigned char raw[600];
	char want[300], *end;
	size_t n, wlen;

	if (strlen(token) > 2048 ||
	    emu_base64_decode(token, raw, sizeof(raw) - 1, &n) != 0)
		return -1;
	raw[n] = '\0';
	while (n > 0 && raw[n - 1] == '.')
		raw[--n] = '\0';
	wlen = (size_t)snprintf(want, sizeof(want), TOKEN_MAGIC "emu1|%c|%s|",
	    kind, scope);
	if (n <= wlen || memcmp(raw, want, wlen) != 0)
		return -1;
	*cursor = strtoll((char *)raw + wlen, &end, 10);
	if (*end != '\0' || *cursor < 0)
		return -1;
	return 0;
}

static void
malformed_query(struct emu_reply *rp)
{
	emu_reply_invalid(rp, "CannotParse", NULL, "Malformed query string");
}

/* maxResults and nextToken; *cursor is -1 for the first page. */
static int
page_params(struct emu_request *rq, struct emu_reply *rp, char kind,
    const char *scope, int *max, long long *cursor)
{
	char *value = NULL, *end;
	long n;
	int rc;

	*max = rq->srv->cfg.default_page;
	*cursor = -1;
	rc = emu_query_get(rq->query, "maxResults", &value, NULL);
	if (rc < 0) {
		malformed_query(rp);
		return -1;
	}
	if (rc == 0) {
		n = strtol(value, &end, 10);
		rc = end == value || *end != '\0' || n < 1 || n > 100;
		free(value);
		if (rc) {
			emu_reply_invalid(rp, "FieldValidationFailed",
			    "maxResults", "1 validation error detected: Value "
			    "at 'maxResults' failed to satisfy constraint: "
			    "Member must be an integer between 1 and 100");
			return -1;
		}
		*max = (int)n;
	}
	rc = emu_query_get(rq->query, "nextToken", &value, NULL);
	if (rc < 0) {
		malformed_query(rp);
		return -1;
	}
	if (rc == 0) {
		rc = read_token(value, kind, scope, cursor);
		free(value);
		if (rc != 0) {
			emu_reply_invalid(rp, "FieldValidationFailed",
			    "nextToken", "Invalid nextToken: the token is "
			    "malformed, expired, or from another request");
			return -1;
		}
	}
	return 0;
}

/* A List answer: the items under key, and nextToken when there is more.
 * Takes list and frees tok. */
static void
reply_page(struct emu_reply *rp, const char *key, json_t *list, char *tok)
{
	emu_reply_json(rp, 200, json_object());
	json_object_set_new(rp->json, key, list);
	if (tok != NULL)
		json_object_set_new(rp->json, "nextToken", json_string(tok));
	free(tok);
}

static void
op_list_runtimes(struct emu_request *rq, const struct emu_route_args *a,
    struct emu_reply *rp)
{
	struct emu_store *st = &rq->srv->store;
	long long now = emu_now_ms(), cursor;
	const struct emu_version *v;
	struct emu_runtime *rt;
	json_t *body, *list;
	char scope[128], *tok = NULL;
	const char *status;
	size_t i;
	int max, count = 0, more = 0;

	(void)a;
	snprintf(scope, sizeof(scope), "%s/%s", rq->account, rq->region);
	if (page_params(rq, rp, 'R', scope, &max, &cursor) != 0)
		return;
	body = json_object();
	list = json_array();
	emu_store_lock(st);
	emu_store_settle(st, now);
	for (i = 0; i < st->n; i++) {
		rt = st->runtimes[i];
		if (strcmp(rt->account, rq->account) != 0 ||
		    strcmp(rt->region, rq->region) != 0 ||
		    (long long)rt->seq <= cursor)
			continue;
		if (count == max) {
			more = 1;
			break;
		}
		v = emu_runtime_newest(rt);
		status = emu_runtime_status(rt, now);
		if (now < rt->late_until_ms &&
		    emu_runtime_version(rt, rt->late_version) != NULL) {
			v = emu_runtime_version(rt, rt->late_version);
			status = "READY";
		}
		json_array_append_new(list, emu_view_summary(rt, v, status));
		cursor = (long long)rt->seq;
		count++;
	}
	if (emu_fault_region(rq->srv, EMU_F_REPEAT_TOKEN, rq->account,
	    rq->region))
		tok = make_token('R', scope, 0);
	else if (more)
		tok = make_token('R', scope, cursor);
	emu_store_unlock(st);
	json_object_set_new(body, "agentRuntimes", list);
	if (tok != NULL)
		json_object_set_new(body, "nextToken", json_string(tok));
	free(tok);
	emu_reply_json(rp, 200, body);
}

static int
parse_version(const char *s, int *out)
{
	size_t n = strlen(s), i;

	if (n < 1 || n > 5 || s[0] < '1' || s[0] > '9')
		return -1;
	for (i = 1; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	*out = atoi(s);
	return 0;
}

static void
op_get_runtime(struct emu_request *rq, const struct emu_route_args *a,
    struct emu_reply *rp)
{
	struct emu_store *st = &rq->srv->store;
	long long now = emu_now_ms();
	const struct emu_version *v;
	struct emu_runtime *rt;
	const char *status;
	char *value = NULL;
	int number = 0, rc;

	rc = emu_query_get(rq->query, "version", &value, NULL);
	if (rc < 0 || (rc == 0 && parse_version(value, &number) != 0)) {
		free(value);
		emu_reply_invalid(rp, "FieldValidationFailed",
		    "agentRuntimeVersion", "1 validation error detected: "
		    "Value at 'agentRuntimeVersion' failed to satisfy "
		    "constraint: Member must satisfy regular expression "
		    "pattern: ([1-9][0-9]{0,4})");
		return;
	}
	free(value);
	emu_store_lock(st);
	rt = emu_store_find(st, rq->account, rq->region, a->id, now);
	if (rt == NULL || emu_fault_find(&rq->srv->faults,
	    EMU_F_VANISH_ON_GET, rt) != NULL) {
		emu_reply_not_found(rp, a->id);
		goto cleanup;
	}
	if (emu_fault_find(&rq->srv->faults, EMU_F_ACCESS_DENIED, rt)) {
		access_denied(rq, rp, a->id);
		goto cleanup;
	}
	status = emu_runtime_status(rt, now);
	if (number != 0) {
		v = emu_runtime_version(rt, number);
		if (v == NULL) {
			emu_reply_error(rp, 404, "ResourceNotFoundException",
			    "Version %d of agent runtime '%s' was not found",
			    number, rt->id);
			goto cleanup;
		}
		if (v != emu_runtime_newest(rt))
			status = "READY";
	} else if (now < rt->late_until_ms &&
	    emu_runtime_version(rt, rt->late_version) != NULL) {
		v = emu_runtime_version(rt, rt->late_version);
		status = "READY";
	} else {
		v = emu_runtime_newest(rt);
	}
	emu_reply_json(rp, 200, emu_view_runtime(rt, v, status));
cleanup:
	emu_store_unlock(st);
}

static void
op_list_versions(struct emu_request *rq, const struct emu_route_args *a,
    struct emu_reply *rp)
{
	struct emu_store *st = &rq->srv->store;
	long long now = emu_now_ms(), cursor;
	const struct emu_version *v, *newest;
	struct emu_runtime *rt;
	json_t *list;
	char *tok = NULL;
	size_t i;
	int max, count = 0, more = 0;

	if (page_params(rq, rp, 'V', a->id, &max, &cursor) != 0)
		return;
	emu_store_lock(st);
	rt = emu_store_find(st, rq->account, rq->region, a->id, now);
	if (rt == NULL) {
		emu_reply_not_found(rp, a->id);
		emu_store_unlock(st);
		return;
	}
	list = json_array();
	newest = emu_runtime_newest(rt);
	for (i = 0; i < rt->nversions; i++) {
		v = &rt->versions[i];
		if (v->number <= cursor)
			continue;
		if (count == max) {
			more = 1;
			break;
		}
		json_array_append_new(list, emu_view_summary(rt, v,
		    v == newest ? emu_runtime_status(rt, now) : "READY"));
		cursor = v->number;
		count++;
	}
	if (more)
		tok = make_token('V', a->id, cursor);
	emu_store_unlock(st);
	reply_page(rp, "agentRuntimes", list, tok);
}

static void
op_list_endpoints(struct emu_request *rq, const struct emu_route_args *a,
    struct emu_reply *rp)
{
	struct emu_store *st = &rq->srv->store;
	long long now = emu_now_ms(), cursor, idx;
	struct emu_runtime *rt;
	json_t *list;
	char *tok = NULL;
	int max, count = 0, more = 0;

	if (page_params(rq, rp, 'E', a->id, &max, &cursor) != 0)
		return;
	emu_store_lock(st);
	rt = emu_store_find(st, rq->account, rq->region, a->id, now);
	if (rt == NULL) {
		emu_reply_not_found(rp, a->id);
		emu_store_unlock(st);
		return;
	}
	list = json_array();
	for (idx = cursor + 1; idx <= (long long)rt->nendpoints; idx++) {
		if (count == max) {
			more = 1;
			break;
		}
		if (idx == 0)
			json_array_append_new(list,
			    emu_view_default_endpoint(rt, now));
		else
			json_array_append_new(list, emu_view_endpoint(rt,
			    &rt->endpoints[idx - 1], now));
		cursor = idx;
		count++;
	}
	if (more)
		tok = make_token('E', a->id, cursor);
	emu_store_unlock(st);
	reply_page(rp, "runtimeEndpoints", list, tok);
}

static void
op_get_endpoint(struct emu_request *rq, const struct emu_route_args *a,
    struct emu_reply *rp)
{
	struct emu_store *st = &rq->srv->store;
	long long now = emu_now_ms();
	struct emu_runtime *rt;
	struct emu_endpoint *ep;
	char safe[64];

	emu_store_lock(st);
	rt = emu_store_find(st, rq->account, rq->region, a->id, now);
	if (rt == NULL) {
		emu_reply_not_found(rp, a->id);
	} else if (strcmp(a->endpoint, "DEFAULT") == 0) {
		emu_reply_json(rp, 200, emu_view_default_endpoint(rt, now));
	} else if ((ep = emu_runtime_endpoint(rt, a->endpoint)) == NULL) {
		emu_printable(a->endpoint, safe, sizeof(safe));
		emu_reply_error(rp, 404, "ResourceNotFoundException",
		    "Endpoint '%s' of agent runtime '%s' was not found", safe,
		    rt->id);
	} else {
		emu_reply_json(rp, 200, emu_view_endpoint(rt, ep, now));
	}
	emu_store_unlock(st);
}

/* Everything between "authenticated" and the handler. */
static int
gates(struct emu_request *rq, const struct route *r,
    const struct emu_route_args *a, struct emu_reply *rp)
{
	struct emu_server *srv = rq->srv;
	int fault;

	emu_store_lock(&srv->store);
	fault = emu_fault_region(srv, EMU_F_REGION_ERROR, rq->account,
	    rq->region);
	emu_store_unlock(&srv->store);
	if (fault) {
		emu_reply_error(rp, 500, "InternalServerException",
		    "Internal server error (injected for region %s)",
		    rq->region);
		return -1;
	}
	if (srv->quota != NULL && emu_quota_take(srv->quota, rq->account,
	    rq->region, r->cls) != 0) {
		emu_reply_error(rp, 429, "ThrottlingException",
		    "Rate exceeded");
		return -1;
	}
	if (a->id != NULL && !emu_is_runtime_id(a->id)) {
		access_denied(rq, rp, a->id);
		return -1;
	}
	if (a->endpoint != NULL && !emu_is_name(a->endpoint, 48)) {
		emu_reply_invalid(rp, "FieldValidationFailed", "endpointName",
		    "1 validation error detected: Value at 'endpointName' "
		    "failed to satisfy constraint: Member must satisfy "
		    "regular expression pattern: [a-zA-Z][a-zA-Z0-9_]{0,47}");
		return -1;
	}
	return 0;
}

void
emu_route(struct emu_request *rq, struct emu_reply *rp)
{
	struct emu_route_args a;
	const struct route *r = NULL;
	struct segments s;

	s.n = 0;
	if (split_path(rq->path, &s) == 0)
		r = match(rq->method, &s, &a);
	rq->op = r != NULL ? r->op : "UnknownOperation";
	if (r != NULL && a.id != NULL)
		emu_printable(a.id, rq->runtime_id, sizeof(rq->runtime_id));
	if (rq->too_large) {
		emu_reply_invalid(rp, "CannotParse", NULL, "Request body is "
		    "larger than %d bytes", EMU_MAX_BODY);
		goto cleanup;
	}
	if (emu_auth_check(rq, rp) != 0)
		goto cleanup;
	if (r == NULL) {
		emu_reply_error(rp, 404, "UnknownOperationException",
		    "No operation matches %s on this path", rq->method);
		goto cleanup;
	}
	if (gates(rq, r, &a, rp) != 0)
		goto cleanup;
	r->fn(rq, &a, rp);
cleanup:
	segments_release(&s);
}
