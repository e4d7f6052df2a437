/* SPDX-License-Identifier: Apache-2.0 */
/* emu_update.c: the mutating operations (create, update, delete). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define MAX_ENDPOINTS 10

/* The JSON object in the body ({} when empty); NULL after an error reply. */
json_t *
emu_parse_body(struct emu_request *rq, struct emu_reply *rp)
{
	json_error_t e;
	json_t *j;

	if (rq->body.len == 0)
		return json_object();
	j = json_loadb(rq->body.data, rq->body.len,
	    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
	if (j == NULL) {
		emu_reply_invalid(rp, "CannotParse", NULL, "Could not parse "
		    "the request body: %s (line %d, column %d)", e.text,
		    e.line, e.column);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		emu_reply_invalid(rp, "CannotParse", NULL, "The request body "
		    "must be a JSON object");
		return NULL;
	}
	return j;
}

/* The body as idempotency sees it: without the token, keys sorted. */
static char *
canonical(const json_t *body)
{
	json_t *copy = json_deep_copy(body);
	char *s;

	json_object_del(copy, "clientToken");
	s = json_dumps(copy, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(copy);
	if (s == NULL)
		MG_BUG("out of memory");
	return s;
}

static const char *
client_token(const json_t *body)
{
	return json_string_value(json_object_get(body, "clientToken"));
}

/*
 * 1: the token was seen: rp holds the first answer or the mismatch error;
 * 0: go on (*key is then the record key to store, or NULL without token).
 */
static int
idem_check(struct emu_idem *list, const char *op, const char *token,
    const char *canon, char **key, struct emu_reply *rp)
{
	struct emu_idem *p;
	size_t n;

	*key = NULL;
	if (token == NULL)
		return 0;
	n = strlen(op) + strlen(token) + 2;
	*key = malloc(n);
	if (*key == NULL)
		MG_BUG("out of memory");
	snprintf(*key, n, "%s|%s", op, token);
	p = emu_idem_find(list, *key);
	if (p == NULL)
		return 0;
	free(*key);
	*key = NULL;
	if (strcmp(p->canon, canon) != 0) {
		emu_reply_invalid(rp, "IdempotentParameterMismatchException",
		    "clientToken", "The client token was already used with "
		    "different request parameters");
		return 1;
	}
	emu_reply_json(rp, p->status, json_deep_copy(p->answer));
	return 1;
}

/* The writable members of body, nulls and the token dropped. */
static json_t *
config_from_body(const json_t *body, const char *const *skip)
{
	json_t *config = json_object(), *value;
	const char *key;
	int i, skipped;

	json_object_foreach((json_t *)body, key, value) {
		skipped = json_is_null(value) ||
		    strcmp(key, "clientToken") == 0;
		for (i = 0; skip != NULL && skip[i] != NULL; i++)
			if (strcmp(key, skip[i]) == 0)
				skipped = 1;
		if (!skipped)
			json_object_set_new(config, key,
			    json_deep_copy(value));
	}
	return config;
}

static int
has_member(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return v != NULL && !json_is_null(v);
}

static json_t *
s3_endpoint_flag(const json_t *body)
{
	json_t *net = json_object_get(body, "networkConfiguration");
	json_t *vpc = json_object_get(net, "networkModeConfig");
	json_t *flag = json_object_get(vpc, "requireServiceS3Endpoint");

	return json_is_null(flag) ? NULL : flag;
}

static void
set_time(json_t *obj, const char *key, long long ms)
{
	char buf[32];

	emu_format_time(ms, buf);
	json_object_set_new(obj, key, json_string(buf));
}

static void
set_version(json_t *obj, const char *key, int number)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", number);
	json_object_set_new(obj, key, json_string(buf));
}

static json_t *
runtime_answer(const struct emu_runtime *rt, const struct emu_version *v,
    const char *status, int with_updated)
{
	json_t *obj = json_object(), *wid = json_object();
	char *arn = emu_runtime_arn(rt);

	json_object_set_new(obj, "agentRuntimeArn", json_string(arn));
	json_object_set_new(obj, "agentRuntimeId", json_string(rt->id));
	json_object_set_new(wid, "workloadIdentityArn",
	    json_string(rt->workload_arn));
	json_object_set_new(obj, "workloadIdentityDetails", wid);
	set_version(obj, "agentRuntimeVersion", v->number);
	set_time(obj, "createdAt", rt->created_ms);
	if (with_updated)
		set_time(obj, "lastUpdatedAt", v->updated_ms);
	json_object_set_new(obj, "status", json_string(status));
	free(arn);
	return obj;
}

/*
 * The service manages the S3 endpoint of VPC runtimes created on or after
 * the cutoff: they read back requireServiceS3Endpoint false.
 */
static void
service_s3_default(const struct emu_server *srv,
    const struct emu_runtime *rt, json_t *config)
{
	json_t *net = json_object_get(config, "networkConfiguration");
	json_t *vpc = json_object_get(net, "networkModeConfig");

	if (rt->created_ms < srv->cfg.s3_cutoff_ms || !json_is_object(vpc) ||
	    json_object_get(vpc, "requireServiceS3Endpoint") != NULL)
		return;
	json_object_set_new(vpc, "requireServiceS3Endpoint", json_false());
}

void
emu_op_create_runtime(struct emu_request *rq, const struct emu_route_args *a,
    struct emu_reply *rp)
{
	static const char *const skip[] = { "agentRuntimeName", "tags",
		NULL };
	struct emu_server *srv = rq->srv;
	struct emu_store *st = &srv->store;
	long long now = emu_now_ms(), created;
	struct emu_runtime *rt;
	struct emu_version *v;
	json_t *body, *config, *meta, *answer;
	char *canon = NULL, *key = NULL, id[160], scope[300];
	int locked = 0;
	const char *name;

	(void)a;
	body = emu_parse_body(rq, rp);
	if (body == NULL)
		return;
	if (emu_validate(EMU_REQ_CREATE_RUNTIME, body, rp) != 0)
		goto cleanup;
	if (s3_endpoint_flag(body) != NULL) {
		emu_reply_invalid(rp, "FieldValidationFailed",
		    "networkConfiguration.networkModeConfig."
		    "requireServiceS3Endpoint", "requireServiceS3Endpoint "
		    "cannot be set when creating an agent runtime: the service "
		    "manages the S3 endpoint of new runtimes");
		goto cleanup;
	}
	name = json_string_value(json_object_get(body, "agentRuntimeName"));
	canon = canonical(body);
	emu_store_lock(st);
	locked = 1;
	snprintf(scope, sizeof(scope), "%s|%s|%s", rq->account, rq->region,
	    client_token(body) != NULL ? client_token(body) : "");
	if (idem_check(st->create_idem, "CreateAgentRuntime",
	    client_token(body) != NULL ? scope : NULL, canon, &key, rp))
		goto cleanup;
	emu_store_settle(st, now);
	if (emu_store_find_name(st, rq->account, rq->region, name) != NULL) {
		emu_reply_error(rp, 409, "ConflictException", "An agent "
		    "runtime named '%s' already exists", name);
		goto cleanup;
	}
	created = now;
	if (srv->cfg.legacy_defaults)
		created = EMU_LEGACY_BASE_MS +
		    (long long)st->legacy_count++ * 60000;
	emu_store_new_id(st, name, id, sizeof(id));
	rt = emu_runtime_new(st, id, name, rq->account, rq->region, created);
	config = config_from_body(body, skip);
	if (!srv->cfg.legacy_defaults) {
		meta = json_object();
		json_object_set_new(meta, "requireMMDSV2", json_true());
		json_object_set_new(config, "metadataConfiguration", meta);
	}
	service_s3_default(srv, rt, config);
	v = emu_runtime_add_version(rt, 1, config, created);
	if (has_member(body, "tags"))
		rt->tags = json_deep_copy(json_object_get(body, "tags"));
	emu_runtime_begin(rt, "CREATING", now, srv->cfg.ready_delay_ms);
	answer = runtime_answer(rt, v, "CREATING", 0);
	if (key != NULL)
		emu_idem_add(&st->create_idem, key, canon, 202, answer);
	emu_reply_json(rp, 202, answer);
cleanup:
	if (locked)
		emu_store_unlock(st);
	free(key);
	free(canon);
	json_decref(body);
}

static int
update_refusals(struct emu_request *rq, struct emu_runtime *rt,
    const json_t *body, struct emu_reply *rp)
{
	struct emu_faults *f = &rq->srv->faults;
	struct emu_fault *h = emu_fault_find(f, EMU_F_HARNESS, rt);
	const char *harness = rt->harness != NULL ? rt->harness :
	    (h != NULL ? h->arg : NULL);

	if (harness != NULL) {
		emu_reply_invalid(rp, "FieldValidationFailed", NULL, "Agent "
		    "runtime '%s' is managed by harness '%s'; change it "
		    "through the harness instead of UpdateAgentRuntime",
		    rt->id, harness);
		return -1;
	}
	if (emu_fault_take(f, EMU_F_FAIL_UPDATE, rt)) {
		emu_reply_error(rp, 500, "InternalServerException", "Internal "
		    "server error (injected fault fail-update)");
		return -1;
	}
	if (has_member(body, "authorizerConfiguration") &&
	    emu_fault_take(f, EMU_F_REFUSE_AUTHORIZER_ONCE, rt)) {
		emu_reply_invalid(rp, "FieldValidationFailed",
		    "authorizerConfiguration", "Authorizer already exists");
		return -1;
	}
	return 0;
}

/* conflict-once: another pipeline's update lands first. */
static int
concurrent_change(struct emu_request *rq, struct emu_runtime *rt,
    long long now, struct emu_reply *rp)
{
	json_t *config, *env;

	if (!emu_fault_take(&rq->srv->faults, EMU_F_CONFLICT_ONCE, rt))
		return 0;
	config = json_deep_copy(emu_runtime_newest(rt)->config);
	env = json_object_get(config, "environmentVariables");
	if (!json_is_object(env)) {
		env = json_object();
		json_object_set_new(config, "environmentVariables", env);
	}
	json_object_set_new(env, "CONCURRENT_CHANGE",
	    json_string("applied-by-other-pipeline"));
	emu_runtime_add_version(rt, 0, config, now);
	emu_runtime_begin(rt, "UPDATING", now, rq->srv->cfg.ready_delay_ms);
	rt->late_until_ms = 0;
	emu_reply_error(rp, 409, "ConflictException", "Agent runtime '%s' "
	    "was modified by another request; it is now UPDATING", rt->id);
	return 1;
}

static int
update_semantics(struct emu_request *rq, const struct emu_runtime *rt,
    const json_t *body, struct emu_reply *rp)
{
	json_t *meta = json_object_get(body, "metadataConfiguration");
	json_t *flag = json_object_get(meta, "requireMMDSV2");
	char when[32];

	if (json_is_false(flag) && emu_runtime_is_post_default(rt)) {
		emu_reply_invalid(rp, "FieldValidationFailed",
		    "metadataConfiguration.requireMMDSV2", "requireMMDSV2 "
		    "cannot be set to false: MMDSv2 is required for agent "
		    "runtimes created on or after 2026-02-15");
		return -1;
	}
	if (s3_endpoint_flag(body) != NULL &&
	    rt->created_ms >= rq->srv->cfg.s3_cutoff_ms) {
		emu_format_time(rq->srv->cfg.s3_cutoff_ms, when);
		emu_reply_invalid(rp, "FieldValidationFailed",
		    "networkConfiguration.networkModeConfig."
		    "requireServiceS3Endpoint", "requireServiceS3Endpoint "
		    "cannot be set for agent runtimes created on or after "
		    "%.10s", when);
		return -1;
	}
	return 0;
}

static json_t *
next_config(const struct emu_server *srv, const struct emu_runtime *rt,
    const json_t *body)
{
	json_t *config, *value, *meta;
	const char *key;

	if (srv->cfg.update_keep) {
		config = json_deep_copy(emu_runtime_newest(rt)->config);
		json_object_foreach((json_t *)body, key, value) {
			if (json_is_null(value) ||
			    strcmp(key, "clientToken") == 0)
				continue;
			json_object_set_new(config, key,
			    json_deep_copy(value));
		}
	} else {
		config = config_from_body(body, NULL);
	}
	if (emu_runtime_is_post_default(rt) &&
	    json_object_get(config, "metadataConfiguration") == NULL) {
		meta = json_object();
		json_object_set_new(meta, "requireMMDSV2", json_true());
		json_object_set_new(config, "metadataConfiguration", meta);
	}
	service_s3_default(srv, rt, config);
	return config;
}

static void
conflict(struct emu_reply *rp, const struct emu_runtime *rt, long long now)
{
	emu_reply_error(rp, 409, "ConflictException", "Agent runtime '%s' is "
	    "%s; retry when it is READY", rt->id,
	    emu_runtime_status(rt, now));
}

void
emu_op_update_runtime(struct emu_request *rq, const struct emu_route_args *a,
    struct emu_reply *rp)
{
	struct emu_server *srv = rq->srv;
	struct emu_store *st = &srv->store;
	long long now = emu_now_ms();
	struct emu_runtime *rt;
	struct emu_version *old, *v;
	struct emu_fault *late;
	json_t *body, *answer;
	char *canon = NULL, *key = NULL;
	int locked = 0;

	body = emu_parse_body(rq, rp);
	if (body == NULL)
		return;
	if (emu_validate(EMU_REQ_UPDATE_RUNTIME, body, rp) != 0)
		goto cleanup;
	canon = canonical(body);
	emu_store_lock(st);
	locked = 1;
	rt = emu_store_find(st, rq->account, rq->region, a->id, now);
	if (rt == NULL) {
		emu_reply_not_found(rp, a->id);
		goto cleanup;
	}
	if (idem_check(rt->idem, "UpdateAgentRuntime", client_token(body),
	    canon, &key, rp))
		goto cleanup;
	if (update_refusals(rq, rt, body, rp) != 0 ||
	    update_semantics(rq, rt, body, rp) != 0 ||
	    concurrent_change(rq, rt, now, rp))
		goto cleanup;
	if (emu_runtime_busy(rt, now) ||
	    strcmp(emu_runtime_status(rt, now), "CREATE_FAILED") == 0) {
		conflict(rp, rt, now);
		goto cleanup;
	}
	old = emu_runtime_newest(rt);
	rt->late_version = old->number;
	v = emu_runtime_add_version(rt, 0, next_config(srv, rt, body), now);
	emu_runtime_begin(rt, "UPDATING", now, srv->cfg.ready_delay_ms);
	free(rt->failure_reason);
	rt->failure_reason = NULL;
	late = emu_fault_find(&srv->faults, EMU_F_LATE_UPDATING, rt);
	rt->late_until_ms = late != NULL ? now + late->num : 0;
	answer = runtime_answer(rt, v, "UPDATING", 1);
	if (key != NULL)
		emu_idem_add(&rt->idem, key, canon, 202, answer);
	emu_reply_json(rp, 202, answer);
	if (emu_fault_take(&srv->faults, EMU_F_DROP_AFTER_APPLY, rt))
		rp->drop = 1;
cleanup:
	if (locked)
		emu_store_unlock(st);
	free(key);
	free(canon);
	json_decref(body);
}

void
emu_op_delete_runtime(struct emu_request *rq, const struct emu_route_args *a,
    struct emu_reply *rp)
{
	struct emu_store *st = &rq->srv->store;
	long long now = emu_now_ms();
	struct emu_runtime *rt;
	json_t *answer;

	emu_store_lock(st);
	rt = emu_store_find(st, rq->account, rq->region, a->id, now);
	if (rt == NULL) {
		emu_reply_not_found(rp, a->id);
		goto cleanup;
	}
	if (strcmp(emu_runtime_status(rt, now), "DELETING") != 0)
		emu_runtime_begin(rt, "DELETING", now,
		    rq->srv->cfg.ready_delay_ms);
	answer = json_object();
	json_object_set_new(answer, "status", json_string("DELETING"));
	json_object_set_new(answer, "agentRuntimeId", json_string(a->id));
	emu_reply_json(rp, 202, answer);
cleanup:
	emu_store_unlock(st);
}

static int
version_arg(const json_t *body, const struct emu_runtime *rt, int *number,
    struct emu_reply *rp)
{
	const char *s = json_string_value(json_object_get(body,
	    "agentRuntimeVersion"));

	if (s == NULL)
		return 0;
	*number = atoi(s);
	if (emu_runtime_version(rt, *number) == NULL) {
		emu_reply_invalid(rp, "FieldValidationFailed",
		    "agentRuntimeVersion", "Version %d of agent runtime '%s' "
		    "does not exist", *number, rt->id);
		return -1;
	}
	return 0;
}

static void
endpoint_arns(json_t *obj, const struct emu_runtime *rt, const char *name)
{
	char *arn = emu_runtime_arn(rt);
	size_t n = strlen(arn) + strlen(name) + 32;
	char *ep = malloc(n);

	if (ep == NULL)
		MG_BUG("out of memory");
	snprintf(ep, n, "%s/runtime-endpoint/%s", arn, name);
	json_object_set_new(obj, "agentRuntimeEndpointArn", json_string(ep));
	json_object_set_new(obj, "agentRuntimeArn", json_string(arn));
	free(ep);
	free(arn);
}

static void
begin_endpoint(struct emu_endpoint *ep, const char *pending, long long now,
    long delay)
{
	snprintf(ep->pending, sizeof(ep->pending), "%s", pending);
	strcpy(ep->status, "READY");
	ep->updated_ms = now;
	ep->ready_ms = now + (delay > 0 ? delay : 0);
	if (ep->ready_ms == now)
		emu_endpoint_settle(ep, now);
}

void
emu_op_create_endpoint(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp)
{
	struct emu_store *st = &rq->srv->store;
	long long now = emu_now_ms();
	struct emu_runtime *rt;
	struct emu_endpoint *ep;
	json_t *body, *answer, *desc;
	char *canon = NULL, *key = NULL;
	int locked = 0;
	const char *name;
	int number;

	body = emu_parse_body(rq, rp);
	if (body == NULL)
		return;
	if (emu_validate(EMU_REQ_CREATE_ENDPOINT, body, rp) != 0)
		goto cleanup;
	name = json_string_value(json_object_get(body, "name"));
	canon = canonical(body);
	emu_store_lock(st);
	locked = 1;
	rt = emu_store_find(st, rq->account, rq->region, a->id, now);
	if (rt == NULL) {
		emu_reply_not_found(rp, a->id);
		goto cleanup;
	}
	if (idem_check(rt->idem, "CreateAgentRuntimeEndpoint",
	    client_token(body), canon, &key, rp))
		goto cleanup;
	if (strcmp(name, "DEFAULT") == 0 ||
	    emu_runtime_endpoint(rt, name) != NULL) {
		emu_reply_error(rp, 409, "ConflictException", "An endpoint "
		    "named '%s' already exists for agent runtime '%s'", name,
		    rt->id);
		goto cleanup;
	}
	if (rt->nendpoints + 1 >= MAX_ENDPOINTS) {
		emu_reply_error(rp, 402, "ServiceQuotaExceededException",
		    "Agent runtime '%s' already has %d endpoints", rt->id,
		    MAX_ENDPOINTS);
		goto cleanup;
	}
	number = emu_runtime_newest(rt)->number;
	if (version_arg(body, rt, &number, rp) != 0)
		goto cleanup;
	ep = emu_runtime_add_endpoint(rt, name, now);
	desc = json_object_get(body, "description");
	if (json_is_string(desc))
		ep->description = json_deep_copy(desc);
	ep->target = number;
	answer = json_object();
	set_version(answer, "targetVersion", number);
	endpoint_arns(answer, rt, name);
	json_object_set_new(answer, "agentRuntimeId", json_string(rt->id));
	json_object_set_new(answer, "endpointName", json_string(name));
	json_object_set_new(answer, "status", json_string("CREATING"));
	set_time(answer, "createdAt", now);
	begin_endpoint(ep, "CREATING", now, rq->srv->cfg.ready_delay_ms);
	if (key != NULL)
		emu_idem_add(&rt->idem, key, canon, 202, answer);
	emu_reply_json(rp, 202, answer);
cleanup:
	if (locked)
		emu_store_unlock(st);
	free(key);
	free(canon);
	json_decref(body);
}

static int
endpoint_busy(const struct emu_endpoint *ep, long long now)
{
	const char *s = emu_endpoint_status(ep, now);

	return strcmp(s, "CREATING") == 0 || strcmp(s, "UPDATING") == 0 ||
	    strcmp(s, "DELETING") == 0;
}

static void
default_refused(struct emu_reply *rp, const char *op)
{
	emu_reply_invalid(rp, "FieldValidationFailed", "endpointName",
	    "The DEFAULT endpoint always serves the newest version; %s is "
	    "not allowed on it", op);
}

static void
endpoint_not_found(struct emu_reply *rp, const struct emu_runtime *rt,
    const char *name)
{
	emu_reply_error(rp, 404, "ResourceNotFoundException", "Endpoint '%s' "
	    "of agent runtime '%s' was not found", name, rt->id);
}

void
emu_op_update_endpoint(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp)
{
	struct emu_store *st = &rq->srv->store;
	long long now = emu_now_ms();
	struct emu_runtime *rt;
	struct emu_endpoint *ep;
	json_t *body, *answer, *desc;
	char *canon = NULL, *key = NULL, op[160];
	int locked = 0;
	int number;

	body = emu_parse_body(rq, rp);
	if (body == NULL)
		return;
	if (emu_validate(EMU_REQ_UPDATE_ENDPOINT, body, rp) != 0)
		goto cleanup;
	canon = canonical(body);
	emu_store_lock(st);
	locked = 1;
	rt = emu_store_find(st, rq->account, rq->region, a->id, now);
	if (rt == NULL) {
		emu_reply_not_found(rp, a->id);
		goto cleanup;
	}
	if (strcmp(a->endpoint, "DEFAULT") == 0) {
		default_refused(rp, "UpdateAgentRuntimeEndpoint");
		goto cleanup;
	}
	ep = emu_runtime_endpoint(rt, a->endpoint);
	if (ep == NULL) {
		endpoint_not_found(rp, rt, a->endpoint);
		goto cleanup;
	}
	snprintf(op, sizeof(op), "UpdateAgentRuntimeEndpoint|%s", ep->name);
	if (idem_check(rt->idem, op, client_token(body), canon, &key, rp))
		goto cleanup;
	if (endpoint_busy(ep, now)) {
		emu_reply_error(rp, 409, "ConflictException", "Endpoint '%s' "
		    "is %s; retry when it is READY", ep->name,
		    emu_endpoint_status(ep, now));
		goto cleanup;
	}
	number = ep->live != 0 ? ep->live : emu_runtime_newest(rt)->number;
	if (version_arg(body, rt, &number, rp) != 0)
		goto cleanup;
	desc = json_object_get(body, "description");
	if (json_is_string(desc)) {
		json_decref(ep->description);
		ep->description = json_deep_copy(desc);
	}
	ep->target = number;
	begin_endpoint(ep, "UPDATING", now, rq->srv->cfg.ready_delay_ms);
	answer = json_object();
	if (ep->live != 0)
		set_version(answer, "liveVersion", ep->live);
	if (ep->target != 0)
		set_version(answer, "targetVersion", ep->target);
	endpoint_arns(answer, rt, ep->name);
	json_object_set_new(answer, "status",
	    json_string(emu_endpoint_status(ep, now)));
	set_time(answer, "createdAt", ep->created_ms);
	set_time(answer, "lastUpdatedAt", ep->updated_ms);
	if (key != NULL)
		emu_idem_add(&rt->idem, key, canon, 202, answer);
	emu_reply_json(rp, 202, answer);
cleanup:
	if (locked)
		emu_store_unlock(st);
	free(key);
	free(canon);
	json_decref(body);
}

void
emu_op_delete_endpoint(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp)
{
	struct emu_store *st = &rq->srv->store;
	long long now = emu_now_ms();
	struct emu_runtime *rt;
	json_t *answer;

	emu_store_lock(st);
	rt = emu_store_find(st, rq->account, rq->region, a->id, now);
	if (rt == NULL) {
		emu_reply_not_found(rp, a->id);
	} else if (strcmp(a->endpoint, "DEFAULT") == 0) {
		default_refused(rp, "DeleteAgentRuntimeEndpoint");
	} else if (emu_runtime_endpoint(rt, a->endpoint) == NULL) {
		endpoint_not_found(rp, rt, a->endpoint);
	} else {
		emu_runtime_remove_endpoint(rt, a->endpoint);
		answer = json_object();
		json_object_set_new(answer, "status",
		    json_string("DELETING"));
		json_object_set_new(answer, "agentRuntimeId",
		    json_string(rt->id));
		json_object_set_new(answer, "endpointName",
		    json_string(a->endpoint));
		emu_reply_json(rp, 202, answer);
	}
	emu_store_unlock(st);
}
