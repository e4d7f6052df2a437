/* SPDX-License-Identifier: Apache-2.0 */
/* audit.c: the audit as a pipeline of calls and their callbacks. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

struct audit;

/* One account and region being audited. */
struct tstate {
	struct audit *a;
	struct mg_target *t;
	struct mg_target_report *tr;
	json_t *tokens_seen;
	json_t *ids_seen;		/* runtime IDs already started */
	int pages;
	size_t listed;
};

/*
 * A listing never ends on its own if the service keeps handing out new
 * tokens: stop well past the documented 1,000 runtimes per account.
 */
#define MAX_LISTED 50000
#define MAX_PAGES 5000
#define MAX_TEXT "50,000"
/* A runtime holds at most 10 endpoints and 1,000 versions. */
#define MAX_ENDPOINTS 16
#define MAX_VERSIONS 1100

/* One runtime: its newest version, endpoints, and versions to read. */
struct rstate {
	struct tstate *ts;
	char *id;
	char *summary_name;
	char *summary_version;
	char *summary_status;
	int asked;			/* named with --runtime */
	json_t *latest;			/* GetAgentRuntime answer */
	struct mg_finding *latest_finding;
	json_t *served;			/* version -> [endpoint names] */
	json_t *endpoints;		/* all endpoints listed */
	json_t *requested;		/* versions already read or asked */
	int endpoint_pages;
	int version_pages;
	int pending;
};

struct audit {
	struct mg_client *client;
	const struct mg_audit_opts *opts;
	struct mg_report *rep;
	struct rstate **runtimes;
	size_t nruntimes;
	size_t cap;
	int oom;
};

int
mg_runtime_id_valid(const char *id)
{
	size_t n = 0, i;
	const char *dash;

	if (id == NULL || !isalpha((unsigned char)id[0]))
		return 0;
	dash = strrchr(id, '-');
	if (dash == NULL || strlen(dash + 1) != 10)
		return 0;
	for (i = 0; id + i < dash; i++, n++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '_')
			return 0;
	if (n > 100)
		return 0;
	for (i = 1; i <= 10; i++)
		if (!isalnum((unsigned char)dash[i]))
			return 0;
	return 1;
}

int
mg_version_valid(const char *v)
{
	size_t i, n;

	if (v == NULL || v[0] < '1' || v[0] > '9')
		return 0;
	n = strlen(v);
	if (n > 5)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return 0;
	return 1;
}

char *
mg_arn_account(const char *arn)
{
	const char *p = arn;
	int i;

	if (arn == NULL || strncmp(arn, "arn:", 4) != 0)
		return NULL;
	for (i = 0; i < 4; i++) {
		p = strchr(p, ':');
		if (p == NULL)
			return NULL;
		p++;
	}
	if (strchr(p, ':') == NULL || *p == ':')
		return NULL;
	return strndup(p, strcspn(p, ":"));
}

char *
mg_path_runtime(const char *id, const char *suffix)
{
	struct mg_buf b;

	mg_buf_init(&b, 4096);
	if (mg_buf_addstr(&b, "/runtimes/") || mg_url_encode(&b, id) ||
	    mg_buf_addch(&b, '/') || mg_buf_addstr(&b, suffix)) {
		mg_buf_release(&b);
		return NULL;
	}
	return mg_buf_detach(&b);
}

static char *
list_query(int page_size, const char *token)
{
	struct mg_buf b;

	mg_buf_init(&b, 8192);
	if (mg_buf_addf(&b, "maxResults=%d", page_size) ||
	    (token != NULL && (mg_buf_addstr(&b, "&nextToken=") ||
	    mg_url_encode(&b, token)))) {
		mg_buf_release(&b);
		return NULL;
	}
	return mg_buf_detach(&b);
}

static void
note(struct tstate *ts, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(struct tstate *ts, const char *fmt, ...)
{
	char *clean;
	va_list ap;

	va_start(ap, fmt);
	clean = mg_clean_vprintf(fmt, ap);
	va_end(ap);
	if (clean != NULL)
		json_array_append_new(ts->tr->notes, json_string(clean));
	free(clean);
}

static void
target_error(struct tstate *ts, const char *msg)
{
	ts->tr->status = "error";
	if (ts->tr->error == NULL)
		ts->tr->error = strdup(msg);
}

static void
learn_account(struct tstate *ts, const char *arn)
{
	char *acct;

	if (ts->tr->account != NULL || arn == NULL)
		return;
	acct = mg_arn_account(arn);
	if (acct == NULL)
		return;
	ts->tr->account = acct;
	if (ts->t->account == NULL)
		ts->t->account = strdup(acct);
}

static json_t *
parse_body(struct mg_call *call)
{
	json_t *v;

	/* A key given twice ("requireMMDSV2": false, then true) is broken. */
	v = json_loadb(call->resp.data ? call->resp.data : "", call->resp.len,
	    JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

static struct mg_call *
new_call(struct tstate *ts, enum mg_opclass cls, const char *op,
    const char *method, mg_call_fn done, void *arg)
{
	struct mg_call *call = mg_call_new(ts->t, cls, op, method);

	if (call == NULL) {
		ts->a->oom = 1;
		return NULL;
	}
	call->done = done;
	call->arg = arg;
	return call;
}

static void rs_start(struct tstate *ts, const char *id, const json_t *sum);
static void get_latest_done(struct mg_call *call);
static void endpoints_done(struct mg_call *call);
static void versions_done(struct mg_call *call);
static void get_version_done(struct mg_call *call);

/* A finding for an unreadable runtime or version. */
static void
add_unknown(struct rstate *rs, const char *version, struct mg_call *call,
    const char *reason_override, const char *text)
{
	struct mg_finding *f;
	char what[600];
	const char *reason;

	f = mg_report_add(rs->ts->a->rep);
	if (f == NULL) {
		rs->ts->a->oom = 1;
		return;
	}
	if (call != NULL)
		mg_call_describe(call, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "could not be read");
	if (reason_override != NULL)
		reason = reason_override;
	else if (call != NULL && call->err_code != NULL &&
	    strcmp(call->err_code, "AccessDeniedException") == 0)
		reason = "access-denied";
	else if (call != NULL && (call->status == 429 ||
	    mg_aws_code_is_throttle(call->err_code)))
		reason = "throttled";
	else if (call != NULL && call->status >= 200 && call->status < 300)
		reason = "bad-response";
	else
		reason = "read-error";
	if (call == NULL && strcmp(reason, "bad-response") == 0)
		snprintf(what, sizeof(what), "the service listed a runtime ID "
		    "that does not match the ID pattern; not read");
	else if (strcmp(reason, "not-found") == 0)
		snprintf(what, sizeof(what), "no runtime with this ID in this "
		    "account and region");
	if (text != NULL)
		snprintf(what, sizeof(what), "%s", text);
	f->target = (size_t)(rs->ts->tr - rs->ts->a->rep->targets);
	f->account = rs->ts->t->account ? strdup(rs->ts->t->account) : NULL;
	f->region = strdup(rs->ts->t->region);
	f->runtime_id = strdup(rs->id);
	f->runtime_name = rs->summary_name ? strdup(rs->summary_name) : NULL;
	/* The newest version, unread, is still the one DEFAULT serves. */
	if (rs->latest == NULL && strcmp(reason, "not-found") != 0)
		json_array_append_new(f->endpoints, json_string("DEFAULT"));
	else if (version != NULL && json_object_get(rs->served, version))
		json_array_extend(f->endpoints,
		    json_object_get(rs->served, version));
	f->runtime_status = rs->summary_status ?
	    strdup(rs->summary_status) : NULL;
	f->version = version ? strdup(version) : NULL;
	f->verdict = MG_UNKNOWN;
	f->flag = MG_FLAG_NULL;
	f->endpoints_listed = rs->endpoints != NULL &&
	    strcmp(reason, "endpoints-unreadable") != 0;
	f->reason = reason;
	f->reason_text = mg_strip_controls(what);
	if (rs->latest != NULL) {
		free(f->runtime_name);
		f->runtime_name = mg_json_str(rs->latest, "agentRuntimeName") ?
		    strdup(mg_json_str(rs->latest, "agentRuntimeName")) : NULL;
		f->runtime_arn = mg_json_str(rs->latest, "agentRuntimeArn") ?
		    strdup(mg_json_str(rs->latest, "agentRuntimeArn")) : NULL;
		f->created_at = mg_timestamp_text(json_object_get(rs->latest,
		    "createdAt"));
	}
}

static char *
dup_json_str(const json_t *o, const char *key)
{
	const char *s = mg_json_str(o, key);

	return s ? strdup(s) : NULL;
}

/* A finding for one version read with GetAgentRuntime. */
static struct mg_finding *
add_finding(struct rstate *rs, json_t *rt)
{
	struct mg_verdict_info vi;
	struct mg_finding *f;
	json_t *v, *names;
	const char *ver;

	f = mg_report_add(rs->ts->a->rep);
	if (f == NULL) {
		rs->ts->a->oom = 1;
		return NULL;
	}
	learn_account(rs->ts, mg_json_str(rt, "agentRuntimeArn"));
	mg_verdict_of(rt, &vi);
	f->target = (size_t)(rs->ts->tr - rs->ts->a->rep->targets);
	f->account = rs->ts->t->account ? strdup(rs->ts->t->account) : NULL;
	f->region = strdup(rs->ts->t->region);
	f->runtime_id = strdup(rs->id);
	f->runtime_name = dup_json_str(rt, "agentRuntimeName");
	if (f->runtime_name == NULL && rs->summary_name != NULL)
		f->runtime_name = strdup(rs->summary_name);
	f->runtime_arn = dup_json_str(rt, "agentRuntimeArn");
	f->runtime_status = dup_json_str(rt, "status");
	f->created_at = mg_timestamp_text(json_object_get(rt, "createdAt"));
	v = json_object_get(rt, "agentRuntimeVersion");
	ver = json_is_string(v) ? json_string_value(v) : NULL;
	f->version = ver ? strdup(ver) : NULL;
	f->verdict = vi.verdict;
	f->flag = vi.flag;
	f->reason = vi.reason;
	f->raw_value = vi.raw_value;
	vi.raw_value = NULL;
	f->reason_text = strdup(vi.text);
	names = ver ? json_object_get(rs->served, ver) : NULL;
	if (names != NULL)
		json_array_extend(f->endpoints, names);
	f->endpoints_listed = rs->endpoints != NULL;
	f->config = json_incref(rt);
	return f;
}

/* Did the service answer about the runtime we asked for? */
static int
same_runtime(const struct rstate *rs, const json_t *body)
{
	const char *id = mg_json_str(body, "agentRuntimeId");

	return id != NULL && strcmp(id, rs->id) == 0;
}

static void
rs_free(struct rstate *rs)
{
	free(rs->id);
	free(rs->summary_name);
	free(rs->summary_version);
	free(rs->summary_status);
	json_decref(rs->latest);
	json_decref(rs->served);
	json_decref(rs->endpoints);
	json_decref(rs->requested);
	free(rs);
}

static void
list_runtimes(struct tstate *ts, const char *token);

static void
list_runtimes_done(struct mg_call *call)
{
	struct tstate *ts = call->arg;
	json_t *body = NULL, *items, *item;
	const char *next;
	char what[600];
	size_t i;

	if (call->status != 200) {
		mg_call_describe(call, what, sizeof(what));
		target_error(ts, what);
		if (ts->t->rejected)
			ts->tr->credentials_rejected = 1;
		goto cleanup;
	}
	body = parse_body(call);
	items = json_object_get(body, "agentRuntimes");
	if (body == NULL || !json_is_array(items)) {
		target_error(ts, body == NULL ? "ListAgentRuntimes: the "
		    "answer is not a JSON object" : "ListAgentRuntimes: the "
		    "answer has no agentRuntimes list");
		goto cleanup;
	}
	next = mg_json_str(body, "nextToken");
	if (json_object_get(body, "nextToken") != NULL && next == NULL &&
	    !json_is_null(json_object_get(body, "nextToken"))) {
		target_error(ts, "ListAgentRuntimes: nextToken is not a "
		    "string; the listing was stopped and is incomplete");
		goto cleanup;
	}
	ts->pages++;
	ts->listed += json_array_size(items);
	json_array_foreach(items, i, item) {
		const char *id = mg_json_str(item, "agentRuntimeId");

		if (id == NULL) {
			target_error(ts, "ListAgentRuntimes: a listed runtime "
			    "has no agentRuntimeId; the listing is incomplete");
			continue;
		}
		learn_account(ts, mg_json_str(item, "agentRuntimeArn"));
		rs_start(ts, id, item);
	}
	if (next != NULL && *next != '\0' && (ts->pages >= MAX_PAGES ||
	    ts->listed >= MAX_LISTED)) {
		target_error(ts, "ListAgentRuntimes: still more pages after "
		    "5,000 pages or " MAX_TEXT " runtimes; stopped, the "
		    "listing is incomplete");
		goto cleanup;
	}
	if (next != NULL && *next != '\0') {
		if (json_object_get(ts->tokens_seen, next) != NULL) {
			target_error(ts, "ListAgentRuntimes repeated a "
			    "pagination token; the listing was stopped and "
			    "may be incomplete");
			goto cleanup;
		}
		json_object_set_new(ts->tokens_seen, next, json_true());
		list_runtimes(ts, next);
	}
cleanup:
	json_decref(body);
}

static void
list_runtimes(struct tstate *ts, const char *token)
{
	struct mg_call *call;

	call = new_call(ts, MG_OP_LIST, "ListAgentRuntimes", "POST",
	    list_runtimes_done, ts);
	if (call == NULL)
		return;
	call->path = strdup("/runtimes/");
	call->query = list_query(ts->a->opts->page_size, token);
	if (call->path == NULL || call->query == NULL) {
		ts->a->oom = 1;
		mg_call_free(call);
		return;
	}
	mg_client_submit(ts->a->client, call);
}

static void
get_runtime(struct rstate *rs, const char *version, mg_call_fn done)
{
	struct tstate *ts = rs->ts;
	struct mg_call *call;
	struct mg_buf q;

	call = new_call(ts, MG_OP_GET, "GetAgentRuntime", "GET", done, rs);
	if (call == NULL)
		return;
	call->path = mg_path_runtime(rs->id, "");
	if (version != NULL) {
		mg_buf_init(&q, 64);
		if (mg_buf_addstr(&q, "version=") == 0 &&
		    mg_url_encode(&q, version) == 0)
			call->query = mg_buf_detach(&q);
		mg_buf_release(&q);
		if (call->query == NULL)
			ts->a->oom = 1;
	}
	if (call->path == NULL || ts->a->oom) {
		ts->a->oom = 1;
		mg_call_free(call);
		return;
	}
	rs->pending++;
	mg_client_submit(ts->a->client, call);
}

static void
list_runtime_sub(struct rstate *rs, const char *op, const char *suffix,
    const char *token, mg_call_fn done)
{
	struct mg_call *call;

	call = new_call(rs->ts, MG_OP_LIST, op, "POST", done, rs);
	if (call == NULL)
		return;
	call->path = mg_path_runtime(rs->id, suffix);
	call->query = list_query(rs->ts->a->opts->page_size, token);
	if (call->path == NULL || call->query == NULL) {
		rs->ts->a->oom = 1;
		mg_call_free(call);
		return;
	}
	rs->pending++;
	mg_client_submit(rs->ts->a->client, call);
}

static void
rs_start(struct tstate *ts, const char *id, const json_t *sum)
{
	struct audit *a = ts->a;
	struct rstate *rs;

	/* A listing that repeats itself must not repeat findings. */
	if (json_object_get(ts->ids_seen, id) != NULL)
		return;
	json_object_set_new(ts->ids_seen, id, json_true());
	if (a->nruntimes == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct rstate **p = realloc(a->runtimes, cap * sizeof(*p));

		if (p == NULL) {
			a->oom = 1;
			return;
		}
		a->runtimes = p;
		a->cap = cap;
	}
	rs = calloc(1, sizeof(*rs));
	if (rs == NULL) {
		a->oom = 1;
		return;
	}
	a->runtimes[a->nruntimes++] = rs;
	rs->ts = ts;
	rs->id = strdup(id);
	rs->served = json_object();
	rs->requested = json_object();
	if (sum != NULL) {
		rs->summary_name = dup_json_str(sum, "agentRuntimeName");
		rs->summary_version = dup_json_str(sum, "agentRuntimeVersion");
		rs->summary_status = dup_json_str(sum, "status");
	}
	if (rs->id == NULL || rs->served == NULL || rs->requested == NULL) {
		a->oom = 1;
		return;
	}
	rs->asked = sum == NULL;
	if (!mg_runtime_id_valid(id)) {
		/* Never build a request path from a malformed ID. */
		add_unknown(rs, rs->summary_version, NULL, "bad-response",
		    NULL);
		return;
	}
	get_runtime(rs, NULL, get_latest_done);
}

/* Ask for one version an endpoint serves, once. */
static void
want_version(struct rstate *rs, const char *ver)
{
	if (ver == NULL || json_object_get(rs->requested, ver) != NULL)
		return;
	json_object_set_new(rs->requested, ver, json_true());
	if (!mg_version_valid(ver)) {
		note(rs->ts, "runtime %s: endpoint version '%s' is not a "
		    "valid version; not read", rs->id, ver);
		return;
	}
	get_runtime(rs, ver, get_version_done);
}

static void
get_latest_done(struct mg_call *call)
{
	struct rstate *rs = call->arg;
	const char *ver;
	json_t *body;

	rs->pending--;
	if (call->status == 404 && rs->asked) {
		add_unknown(rs, NULL, call, "not-found", NULL);
		return;
	}
	if (call->status == 404) {
		note(rs->ts, "runtime %s%s%s%s was deleted during the scan",
		    rs->id, rs->summary_name ? " (" : "",
		    rs->summary_name ? rs->summary_name : "",
		    rs->summary_name ? ")" : "");
		return;
	}
	if (call->status != 200) {
		if (call->target->rejected)
			rs->ts->tr->credentials_rejected = 1;
		add_unknown(rs, rs->summary_version, call, NULL, NULL);
		return;
	}
	body = parse_body(call);
	ver = mg_json_str(body, "agentRuntimeVersion");
	if (body == NULL || !mg_version_valid(ver) || !same_runtime(rs, body)) {
		add_unknown(rs, rs->summary_version, call, "bad-response",
		    body == NULL ? "GetAgentRuntime: the answer is not a JSON "
		    "object" : !same_runtime(rs, body) ? "GetAgentRuntime "
		    "answered about another runtime than the one asked for" :
		    "GetAgentRuntime: the answer has no valid version");
		json_decref(body);
		return;
	}
	rs->latest = body;
	json_object_set_new(rs->requested, ver, json_true());
	rs->latest_finding = add_finding(rs, body);
	if (rs->latest_finding == NULL)
		return;
	json_array_append_new(rs->latest_finding->endpoints,
	    json_string("DEFAULT"));
	if (rs->ts->a->opts->versions == MG_VERSIONS_LATEST)
		return;
	if (strcmp(ver, "1") == 0)
		return;
	rs->endpoints = json_array();
	list_runtime_sub(rs, "ListAgentRuntimeEndpoints",
	    "runtime-endpoints/", NULL, endpoints_done);
}

/* Every endpoint is known: name the versions they serve and read them. */
static void
endpoints_complete(struct rstate *rs)
{
	const char *latest = mg_json_str(rs->latest, "agentRuntimeVersion");
	const char *keys[] = { "liveVersion", "targetVersion" };
	json_t *ep, *names;
	const char *ver, *name;
	size_t i, k, j;

	json_array_foreach(rs->endpoints, i, ep) {
		name = mg_json_str(ep, "name");
		if (name == NULL)
			continue;
		for (k = 0; k < 2; k++) {
			ver = mg_json_str(ep, keys[k]);
			if (ver == NULL)
				continue;
			names = json_object_get(rs->served, ver);
			if (names == NULL) {
				names = json_array();
				json_object_set_new(rs->served, ver, names);
			}
			for (j = 0; j < json_array_size(names); j++)
				if (strcmp(json_string_value(
				    json_array_get(names, j)), name) == 0)
					break;
			if (j == json_array_size(names))
				json_array_append_new(names,
				    json_string(name));
		}
	}
	/* The newest finding gets the names of endpoints that serve it. */
	names = json_object_get(rs->served, latest);
	json_array_clear(rs->latest_finding->endpoints);
	if (names != NULL)
		json_array_extend(rs->latest_finding->endpoints, names);
	if (json_array_size(rs->latest_finding->endpoints) == 0)
		json_array_append_new(rs->latest_finding->endpoints,
		    json_string("DEFAULT"));
	rs->latest_finding->endpoints_listed = 1;
	json_object_foreach(rs->served, ver, names)
		want_version(rs, ver);
	if (rs->ts->a->opts->versions == MG_VERSIONS_ALL)
		list_runtime_sub(rs, "ListAgentRuntimeVersions", "versions/",
		    NULL, versions_done);
}

/* An endpoint the audit cannot place: no name, or a version not a string */
static int
endpoint_bad(const json_t *ep)
{
	json_t *live = json_object_get(ep, "liveVersion");
	json_t *target = json_object_get(ep, "targetVersion");

	return mg_json_str(ep, "name") == NULL ||
	    (live != NULL && !json_is_null(live) && !json_is_string(live)) ||
	    (target != NULL && !json_is_null(target) &&
	    !json_is_string(target));
}

static int
version_bad(const json_t *v)
{
	return !mg_version_valid(mg_json_str(v, "agentRuntimeVersion"));
}

/*
 * What is wrong with one page of a runtime's endpoints or versions, or
 * NULL. A service that pages forever is cut off: a runtime holds at most
 * 1,000 versions and 10 endpoints.
 */
static const char *
page_problem(const json_t *body, const json_t *items, int pages,
    int max_pages, int (*bad)(const json_t *))
{
	json_t *next = json_object_get(body, "nextToken"), *item;
	size_t i;

	if (body == NULL)
		return "the answer is not a JSON object (or gives a key twice)";
	if (!json_is_array(items))
		return "the answer has no list of items";
	if (next != NULL && !json_is_null(next) && !json_is_string(next))
		return "nextToken is not a string";
	json_array_foreach(items, i, item)
		if (!json_is_object(item) || bad(item))
			return "an item has no name or version, or one of the "
			    "wrong type";
	if (pages >= max_pages && mg_json_str(body, "nextToken") != NULL)
		return "still more pages than a runtime can hold; stopped";
	return NULL;
}

static void
endpoints_done(struct mg_call *call)
{
	struct rstate *rs = call->arg;
	json_t *body = NULL, *items;
	const char *next, *why;

	rs->pending--;
	if (call->status != 200) {
		add_unknown(rs, NULL, call, "endpoints-unreadable", NULL);
		goto cleanup;
	}
	body = parse_body(call);
	items = json_object_get(body, "runtimeEndpoints");
	why = page_problem(body, items, ++rs->endpoint_pages,
	    MAX_ENDPOINTS / rs->ts->a->opts->page_size + 4, endpoint_bad);
	if (why != NULL) {
		add_unknown(rs, NULL, call, "endpoints-unreadable", why);
		goto cleanup;
	}
	json_array_extend(rs->endpoints, items);
	next = mg_json_str(body, "nextToken");
	if (next != NULL && *next != '\0') {
		list_runtime_sub(rs, "ListAgentRuntimeEndpoints",
		    "runtime-endpoints/", next, endpoints_done);
		goto cleanup;
	}
	endpoints_complete(rs);
cleanup:
	json_decref(body);
}

static void
versions_done(struct mg_call *call)
{
	struct rstate *rs = call->arg;
	json_t *body = NULL, *items, *item;
	const char *next, *why;
	size_t i;

	rs->pending--;
	if (call->status != 200) {
		add_unknown(rs, NULL, call, "versions-unreadable", NULL);
		goto cleanup;
	}
	body = parse_body(call);
	items = json_object_get(body, "agentRuntimes");
	why = page_problem(body, items, ++rs->version_pages,
	    MAX_VERSIONS / rs->ts->a->opts->page_size + 4, version_bad);
	if (why != NULL) {
		add_unknown(rs, NULL, call, "versions-unreadable", why);
		goto cleanup;
	}
	json_array_foreach(items, i, item)
		want_version(rs, mg_json_str(item, "agentRuntimeVersion"));
	next = mg_json_str(body, "nextToken");
	if (next != NULL && *next != '\0')
		list_runtime_sub(rs, "ListAgentRuntimeVersions", "versions/",
		    next, versions_done);
cleanup:
	json_decref(body);
}

static void
get_version_done(struct mg_call *call)
{
	struct rstate *rs = call->arg;
	const char *ver = NULL;
	json_t *body;
	char *q;

	rs->pending--;
	q = call->query ? strchr(call->query, '=') : NULL;
	if (q != NULL)
		ver = q + 1;
	if (call->status == 404) {
		/* Served, yet not there: that cannot be counted as a pass. */
		add_unknown(rs, ver, call, "not-found", "an endpoint serves "
		    "this version, but GetAgentRuntime does not find it");
		return;
	}
	if (call->status != 200) {
		add_unknown(rs, ver, call, NULL, NULL);
		return;
	}
	body = parse_body(call);
	if (body == NULL || !same_runtime(rs, body) ||
	    !mg_version_valid(mg_json_str(body, "agentRuntimeVersion"))) {
		add_unknown(rs, ver, call, "bad-response", body == NULL ?
		    "GetAgentRuntime: the answer is not a JSON object" :
		    !same_runtime(rs, body) ? "GetAgentRuntime answered about "
		    "another runtime than the one asked for" :
		    "GetAgentRuntime: the answer has no valid version");
		json_decref(body);
		return;
	}
	/* A server that ignores ?version= answers with another version. */
	if (ver != NULL && strcmp(ver, mg_json_str(body,
	    "agentRuntimeVersion")) != 0) {
		json_decref(body);
		add_unknown(rs, ver, call, "bad-response", "GetAgentRuntime "
		    "answered with another version than the one asked for");
		return;
	}
	add_finding(rs, body);
	json_decref(body);
}

int
mg_audit_run(struct mg_client *client, struct mg_target *targets,
    size_t ntargets, const struct mg_audit_opts *opts, struct mg_report *rep,
    struct mg_err *err)
{
	struct audit a;
	struct tstate *ts = NULL;
	size_t i, j;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	a.client = client;
	a.opts = opts;
	a.rep = rep;
	ts = calloc(ntargets ? ntargets : 1, sizeof(*ts));
	if (ts == NULL) {
		mg_err_set(err, MG_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < ntargets; i++) {
		ts[i].a = &a;
		ts[i].t = &targets[i];
		ts[i].tr = &rep->targets[i];
		ts[i].tokens_seen = json_object();
		ts[i].ids_seen = json_object();
		if (rep->targets[i].region == NULL)
			rep->targets[i].region = strdup(targets[i].region);
		if (targets[i].account != NULL &&
		    rep->targets[i].account == NULL)
			rep->targets[i].account = strdup(targets[i].account);
		if (opts->nruntime_ids == 0) {
			list_runtimes(&ts[i], NULL);
			continue;
		}
		for (j = 0; j < opts->nruntime_ids; j++)
			rs_start(&ts[i], opts->runtime_ids[j], NULL);
	}
	if (mg_client_run(client, err) != 0)
		goto cleanup;
	if (a.oom) {
		mg_err_set(err, MG_ENOMEM, "out of memory");
		goto cleanup;
	}
	/* Findings made before the account was known get it now. */
	for (i = 0; i < rep->nfindings; i++) {
		struct mg_finding *f = rep->findings[i];

		if (f->account == NULL && targets[f->target].account != NULL)
			f->account = strdup(targets[f->target].account);
	}
	for (i = 0; i < ntargets; i++)
		if (targets[i].rejected)
			rep->targets[i].credentials_rejected = 1;
	mg_rfc3339_now(rep->finished_at);
	mg_report_sort(rep);
	rc = 0;
cleanup:
	for (i = 0; i < a.nruntimes; i++)
		rs_free(a.runtimes[i]);
	free(a.runtimes);
	for (i = 0; ts != NULL && i < ntargets; i++) {
		json_decref(ts[i].tokens_seen);
		json_decref(ts[i].ids_seen);
	}
	free(ts);
	return rc;
}
