/* SPDX-License-Identifier: Apache-2.0 */
/* fix.c: plan, apply and verify MMDSv2 fixes; roll endpoints back. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "fix.h"
#include "fixplan.h"

#define CONFLICT_ROUNDS 3

const char *
mg_outcome_name(enum mg_outcome o)
{
	static const char *const names[] = {
		[MG_OUT_PLANNED] = "planned", [MG_OUT_FIXED] = "fixed",
		[MG_OUT_ALREADY] = "already compliant",
		[MG_OUT_SKIPPED] = "skipped", [MG_OUT_REFUSED] = "refused",
		[MG_OUT_FAILED] = "failed",
		[MG_OUT_CHANGED] = "changed by someone else",
		[MG_OUT_TIMEOUT] = "verification timed out",
	};

	return names[o];
}

static void
set_outcome(struct mg_fix_item *it, enum mg_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_outcome(struct mg_fix_item *it, enum mg_outcome o, const char *fmt, ...)
{
	va_list ap;

	it->outcome = o;
	free(it->detail);
	va_start(ap, fmt);
	it->detail = mg_clean_vprintf(fmt, ap);
	va_end(ap);
}

static struct mg_fix_item *
item_for(struct mg_fix *fix, const struct mg_finding *f)
{
	struct mg_fix_item *it;
	size_t i;

	for (i = 0; i < fix->nitems; i++) {
		it = &fix->items[i];
		if (it->target == f->target &&
		    strcmp(it->runtime_id, f->runtime_id) == 0)
			return it;
	}
	it = &fix->items[fix->nitems++];
	memset(it, 0, sizeof(*it));
	it->target = f->target;
	it->runtime_id = strdup(f->runtime_id);
	it->runtime_name = f->runtime_name ? strdup(f->runtime_name) : NULL;
	it->pinned = json_array();
	it->moved = json_array();
	it->warnings = json_array();
	it->outcome = MG_OUT_ALREADY;
	return it;
}

static long
version_num(const char *v)
{
	return v ? strtol(v, NULL, 10) : 0;
}

/* An endpoint live on one version and moving to another is one move. */
static int
pinned_has(const json_t *pinned, const char *name)
{
	size_t i;
	json_t *p;

	json_array_foreach(pinned, i, p)
		if (strcmp(mg_json_str(p, "name"), name) == 0)
			return 1;
	return 0;
}

/* Fold one finding into its runtime's item. */
static void
plan_finding(struct mg_fix_item *it, const struct mg_finding *f)
{
	size_t i;
	json_t *n;

	if (f->verdict == MG_UNKNOWN) {
		if (it->outcome != MG_OUT_SKIPPED)
			set_outcome(it, MG_OUT_SKIPPED, "could not be read "
			    "(%s): %s", f->reason ? f->reason : "unknown",
			    f->reason_text ? f->reason_text : "");
		return;
	}
	if (f->config != NULL && (it->pre == NULL ||
	    version_num(f->version) > version_num(mg_json_str(it->pre,
	    "agentRuntimeVersion")))) {
		json_decref(it->pre);
		it->pre = json_incref(f->config);
	}
	if (f->verdict != MG_NONCOMPLIANT)
		return;
	json_array_foreach(f->endpoints, i, n) {
		json_t *p;

		if (strcmp(json_string_value(n), "DEFAULT") == 0) {
			/* DEFAULT on an older version: a rollout is on. */
			free(it->default_on);
			it->default_on = f->version ? strdup(f->version) : NULL;
			continue;
		}
		if (pinned_has(it->pinned, json_string_value(n)))
			continue;
		p = json_pack("{s:s, s:s}", "name", json_string_value(n),
		    "version", f->version ? f->version : "");
		json_array_append_new(it->pinned, p);
	}
}

static void
plan_item(struct mg_fix_item *it, const struct mg_fix_opts *o)
{
	const char *status, *newest;
	struct mg_err err;
	char buf[64];
	json_t *mc, *flag;
	size_t i;
	json_t *p;

	if (it->outcome == MG_OUT_SKIPPED || it->pre == NULL) {
		if (it->pre == NULL && it->outcome != MG_OUT_SKIPPED)
			set_outcome(it, MG_OUT_SKIPPED, "could not be read");
		return;
	}
	newest = mg_json_str(it->pre, "agentRuntimeVersion");
	mc = json_object_get(it->pre, "metadataConfiguration");
	flag = json_object_get(mc, "requireMMDSV2");
	it->newest_noncompliant = !json_is_true(flag);
	it->flag_before = strdup(mg_flag_text(it->pre, buf, sizeof(buf)));
	/* A pinned endpoint on the newest version is not pinned at all. */
	for (i = json_array_size(it->pinned); i-- > 0;) {
		p = json_array_get(it->pinned, i);
		if (newest && strcmp(mg_json_str(p, "version"), newest) == 0 &&
		    !it->newest_noncompliant)
			json_array_remove(it->pinned, i);
	}
	status = mg_json_str(it->pre, "status");
	if (it->default_on != NULL && newest != NULL &&
	    strcmp(it->default_on, newest) != 0) {
		set_outcome(it, MG_OUT_SKIPPED, "not READY: DEFAULT still "
		    "serves version %s while version %s (status %s) rolls "
		    "out; run the fix again once it is READY", it->default_on,
		    newest, status ? status : "unknown");
		return;
	}
	if (!it->newest_noncompliant && json_array_size(it->pinned) == 0) {
		set_outcome(it, MG_OUT_ALREADY, "every served version requires "
		    "MMDSv2");
		return;
	}
	if (status != NULL && strstr(status, "_FAILED") != NULL) {
		set_outcome(it, MG_OUT_SKIPPED, "not READY (status %s): its "
		    "last deployment failed and it will not become READY by "
		    "itself; repair the deployment, then run the fix again",
		    status);
		return;
	}
	if (status == NULL || strcmp(status, "READY") != 0) {
		set_outcome(it, MG_OUT_SKIPPED, "not READY (status %s); run "
		    "the fix again once it is READY", status ? status :
		    "unknown");
		return;
	}
	if (it->newest_noncompliant) {
		mg_err_clear(&err);
		if (mg_fix_body(it->pre, o->allow_unknown, &it->body,
		    &err) != 0) {
			set_outcome(it, MG_OUT_SKIPPED, "%s in "
			    "GetAgentRuntime; not touched, since an update "
			    "could lose it (use --allow-unknown-fields to echo "
			    "it as received)", err.msg);
			return;
		}
	}
	if (!it->newest_noncompliant && !o->repoint) {
		set_outcome(it, MG_OUT_SKIPPED, "endpoint left pinned: the "
		    "newest version is compliant but a named endpoint serves "
		    "an older one (use --repoint-endpoints)");
		return;
	}
	set_outcome(it, MG_OUT_PLANNED, "%s", it->newest_noncompliant ?
	    "update the runtime to require MMDSv2" :
	    "move pinned endpoints to the newest version");
}

int
mg_fix_plan(const struct mg_report *rep, const struct mg_fix_opts *o,
    struct mg_fix *fix, struct mg_err *err)
{
	size_t i;

	memset(fix, 0, sizeof(*fix));
	fix->items = calloc(rep->nfindings ? rep->nfindings : 1,
	    sizeof(*fix->items));
	if (fix->items == NULL)
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	for (i = 0; i < rep->nfindings; i++) {
		const struct mg_finding *f = rep->findings[i];

		if (f->runtime_id == NULL)
			continue;
		plan_finding(item_for(fix, f), f);
	}
	for (i = 0; i < fix->nitems; i++)
		plan_item(&fix->items[i], o);
	return 0;
}

void
mg_fix_release(struct mg_fix *fix)
{
	size_t i;

	for (i = 0; i < fix->nitems; i++) {
		struct mg_fix_item *it = &fix->items[i];

		free(it->runtime_id);
		free(it->runtime_name);
		json_decref(it->pre);
		json_decref(it->body);
		free(it->flag_before);
		free(it->default_on);
		json_decref(it->pinned);
		free(it->detail);
		free(it->new_version);
		json_decref(it->moved);
		json_decref(it->warnings);
	}
	free(fix->items);
	memset(fix, 0, sizeof(*fix));
}

int
mg_fix_exit_code(const struct mg_fix *fix)
{
	int timeout = 0, bad = 0;
	size_t i;

	for (i = 0; i < fix->nitems; i++) {
		switch (fix->items[i].outcome) {
		case MG_OUT_FIXED:
		case MG_OUT_ALREADY:
			break;
		case MG_OUT_TIMEOUT:
			timeout = 1;
			break;
		default:
			bad = 1;
			break;
		}
	}
	return bad ? 1 : timeout ? 4 : 0;
}

/* ---- applying ---------------------------------------------------- */

static void
run_salt(char *out, size_t n)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(out, n, "%lld.%09ld.%ld", (long long)ts.tv_sec, ts.tv_nsec,
	    (long)getpid());
}

struct worker {
	struct mg_fix *fix;
	struct mg_target *targets;
	const struct mg_fix_opts *o;
	struct mg_client *client;
	size_t *next;
	pthread_mutex_t *lock;
	const char *ep_action;		/* journal name of endpoint moves */
	char salt[64];			/* this run's, for endpoint tokens */
	int failed;
	struct mg_err err;
};

static void
progress(const struct mg_fix_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
progress(const struct mg_fix_opts *o, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (o->progress == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	o->progress(buf, o->progress_arg);
}

static void
warn_item(struct mg_fix_item *it, const struct mg_fix_opts *o,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
warn_item(struct mg_fix_item *it, const struct mg_fix_opts *o,
    const char *fmt, ...)
{
	char *clean;
	va_list ap;

	va_start(ap, fmt);
	clean = mg_clean_vprintf(fmt, ap);
	va_end(ap);
	if (clean == NULL)
		return;
	json_array_append_new(it->warnings, json_string(clean));
	progress(o, "WARNING: %s", clean);
	free(clean);
}

/* Append entry (consumed) to the journal; -1 if it could not be. */
static int
journal(struct worker *w, struct mg_fix_item *it, json_t *entry)
{
	const struct mg_target *t;
	struct mg_err err;
	int rc = 0;

	if (w->o->journal == NULL) {
		json_decref(entry);
		return 0;
	}
	t = &w->targets[it->target];
	if (t->account != NULL)
		json_object_set_new(entry, "account", json_string(t->account));
	json_object_set_new(entry, "region", json_string(t->region));
	json_object_set_new(entry, "runtimeId", json_string(it->runtime_id));
	mg_err_clear(&err);
	if (entry == NULL || mg_journal_append(w->o->journal, entry, &err)) {
		warn_item(it, w->o, "%s", entry ? err.msg : "out of memory");
		rc = -1;
	}
	json_decref(entry);
	return rc;
}

/* Send one call and wait for it; NULL only when nothing could be sent. */
static struct mg_call *
send_call(struct worker *w, struct mg_target *t, enum mg_opclass cls,
    const char *op, const char *method, char *path, char *query,
    const json_t *body)
{
	struct mg_call *call;

	call = mg_call_new(t, cls, op, method);
	if (call == NULL) {
		free(path);
		free(query);
		return NULL;
	}
	call->path = path;
	call->query = query;
	if (body != NULL)
		call->body = json_dumps(body, JSON_COMPACT);
	if (call->path == NULL || (body != NULL && call->body == NULL) ||
	    mg_call_sync(w->client, call, &w->err) != 0) {
		mg_call_free(call);
		return NULL;
	}
	return call;
}

static json_t *
call_json(const struct mg_call *call)
{
	json_t *v = json_loadb(call->resp.data ? call->resp.data : "",
	    call->resp.len, JSON_REJECT_DUPLICATES, NULL);

	if (!json_is_object(v)) {
		json_decref(v);
		return NULL;
	}
	return v;
}

/* GetAgentRuntime (version NULL: the newest); the call for errors. */
static json_t *
get_runtime(struct worker *w, struct mg_fix_item *it, const char *version,
    struct mg_call **callp)
{
	struct mg_target *t = &w->targets[it->target];
	struct mg_call *call;
	char *query = NULL;
	json_t *v = NULL;

	if (version != NULL && asprintf(&query, "version=%s", version) < 0)
		return NULL;
	call = send_call(w, t, MG_OP_GET, "GetAgentRuntime", "GET",
	    mg_path_runtime(it->runtime_id, ""), query, NULL);
	if (call != NULL && call->status == 200)
		v = call_json(call);
	/* An answer about another runtime is no answer. */
	if (v != NULL && (mg_json_str(v, "agentRuntimeId") == NULL ||
	    strcmp(mg_json_str(v, "agentRuntimeId"), it->runtime_id) != 0)) {
		json_decref(v);
		v = NULL;
		call->status = 0;
		call->transport_failed = 1;
		snprintf(call->transport_msg, sizeof(call->transport_msg),
		    "GetAgentRuntime answered about another runtime");
	}
	if (callp != NULL)
		*callp = call;
	else
		mg_call_free(call);
	return v;
}

/*
 * Sleep before the next poll: *delay_ms, growing to 2 s, but never past
 * the deadline, so the last poll happens at the deadline itself. Returns
 * 0 when the deadline has already passed.
 */
static int
pause_until(double deadline, long *delay_ms)
{
	double left = deadline - mg_now_mono();
	long ms = *delay_ms;
	struct timespec ts;

	if (left <= 0)
		return 0;
	if ((double)ms / 1000 > left)
		ms = (long)(left * 1000) + 1;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	if (*delay_ms < 2000)
		*delay_ms = *delay_ms * 3 / 2;
	return 1;
}

enum wait_result { WAIT_READY, WAIT_FAILED, WAIT_TIMEOUT, WAIT_ERROR };

/*
 * Poll until the runtime (version NULL) or that exact version is READY.
 * *out gets the READY answer. A version that is not visible yet (404) or
 * still reads UPDATING is waited for; any other error ends the wait.
 */
static enum wait_result
wait_ready(struct worker *w, struct mg_fix_item *it, const char *version,
    json_t **out, char *why, size_t whylen)
{
	double deadline = mg_now_mono() + (double)w->o->wait_timeout_s;
	long delay = w->o->poll_ms > 0 ? w->o->poll_ms : 250;
	struct mg_call *call = NULL;
	const char *st, *got;
	json_t *v;

	*out = NULL;
	for (;;) {
		v = get_runtime(w, it, version, &call);
		if (call == NULL) {
			snprintf(why, whylen, "%s", w->err.msg);
			return WAIT_ERROR;
		}
		if (v == NULL && call->status != 404) {
			mg_call_describe(call, why, whylen);
			mg_call_free(call);
			return WAIT_ERROR;
		}
		mg_call_free(call);
		st = mg_json_str(v, "status");
		got = mg_json_str(v, "agentRuntimeVersion");
		if (v != NULL && st != NULL && strcmp(st, "READY") == 0 &&
		    (version == NULL || (got && strcmp(got, version) == 0))) {
			*out = v;
			return WAIT_READY;
		}
		if (st != NULL && (strcmp(st, "UPDATE_FAILED") == 0 ||
		    strcmp(st, "CREATE_FAILED") == 0)) {
			snprintf(why, whylen, "status %s%s%s", st,
			    mg_json_str(v, "failureReason") ? ": " : "",
			    mg_json_str(v, "failureReason") ?
			    mg_json_str(v, "failureReason") : "");
			*out = v;
			return WAIT_FAILED;
		}
		json_decref(v);
		if (!pause_until(deadline, &delay)) {
			snprintf(why, whylen, "not READY after %ld seconds",
			    w->o->wait_timeout_s);
			return WAIT_TIMEOUT;
		}
	}
}

static int
message_names(const struct mg_call *call, const char *word)
{
	return (call->err_msg != NULL && strstr(call->err_msg, word)) ||
	    (call->resp.data != NULL && strstr(call->resp.data, word));
}

/* After a refused or failed update: did anything change anyway? */
static void
read_back(struct worker *w, struct mg_fix_item *it, const json_t *pre)
{
	json_t *now, *diff, *e;
	char *text;

	now = get_runtime(w, it, NULL, NULL);
	if (now == NULL) {
		warn_item(it, w->o, "%s: could not read the runtime back after "
		    "a failed update; check it by hand", it->runtime_id);
		return;
	}
	diff = mg_config_diff(pre, now, 0);
	e = json_pack("{s:s, s:s?, s:O}", "action", "read-back",
	    "version", mg_json_str(now, "agentRuntimeVersion"),
	    "changed", diff);
	json_object_set_new(e, "image", mg_redact(now));
	journal(w, it, e);
	if (json_array_size(diff) > 0 || strcmp(mg_json_str(pre,
	    "agentRuntimeVersion") ? mg_json_str(pre, "agentRuntimeVersion") :
	    "", mg_json_str(now, "agentRuntimeVersion") ?
	    mg_json_str(now, "agentRuntimeVersion") : "") != 0) {
		text = json_dumps(diff, JSON_COMPACT);
		warn_item(it, w->o, "%s CHANGED although the update failed: "
		    "now version %s, fields %s differ from before; compare it "
		    "with the journal", it->runtime_id,
		    mg_json_str(now, "agentRuntimeVersion") ?
		    mg_json_str(now, "agentRuntimeVersion") : "?",
		    text ? text : "[]");
		free(text);
	}
	json_decref(diff);
	json_decref(now);
}

/* Verify the new version: the flag is true, nothing else moved. */
static void
verify(struct worker *w, struct mg_fix_item *it, const json_t *pre,
    const json_t *got)
{
	json_t *diff, *flag;
	char *text;

	flag = json_object_get(json_object_get(got, "metadataConfiguration"),
	    "requireMMDSV2");
	diff = mg_config_diff(pre, got, 1);
	journal(w, it, json_pack("{s:s, s:s, s:b, s:O}", "action", "verify",
	    "version", it->new_version, "flagTrue", json_is_true(flag),
	    "differences", diff));
	if (!json_is_true(flag))
		set_outcome(it, MG_OUT_FAILED, "version %s was created but "
		    "does not read back requireMMDSV2 true", it->new_version);
	else if (json_array_size(diff) > 0) {
		text = json_dumps(diff, JSON_COMPACT);
		set_outcome(it, MG_OUT_FAILED, "version %s differs from version"
		    " %s in %s besides the flag: the update lost or changed "
		    "settings; see the journal", it->new_version,
		    mg_json_str(pre, "agentRuntimeVersion"), text ? text : "?");
		free(text);
	} else
		set_outcome(it, MG_OUT_FIXED, "version %s requires MMDSv2 and "
		    "matches version %s in every other field", it->new_version,
		    mg_json_str(pre, "agentRuntimeVersion"));
	json_decref(diff);
}

/*
 * Build the body from pre, journal it, and send it. Returns the call, or
 * NULL with the outcome set when nothing could be sent.
 */
static struct mg_call *
send_update(struct worker *w, struct mg_fix_item *it, const json_t *pre,
    int dropped_s3, char token[64])
{
	const char *ver = mg_json_str(pre, "agentRuntimeVersion");
	struct mg_call *call = NULL;
	json_t *body = NULL, *e;
	struct mg_err err;

	mg_err_clear(&err);
	if (mg_fix_body(pre, w->o->allow_unknown, &body, &err) != 0) {
		set_outcome(it, MG_OUT_SKIPPED, "%s", err.msg);
		goto cleanup;
	}
	if (dropped_s3)
		mg_fix_drop_s3_endpoint(body);
	mg_fix_client_token(it->runtime_id, ver ? ver : "", body,
	    dropped_s3 ? "without-s3-endpoint" : NULL, token);
	json_object_set_new(body, "clientToken", json_string(token));
	e = json_pack("{s:s, s:s, s:s?, s:s, s:b}", "action",
	    "update-runtime", "phase", "before", "fromVersion", ver,
	    "clientToken", token, "withoutS3Endpoint", dropped_s3);
	json_object_set_new(e, "preImage", mg_redact(pre));
	json_object_set_new(e, "body", mg_redact(body));
	/* No change goes out that the journal does not hold. */
	if (journal(w, it, e) != 0) {
		set_outcome(it, MG_OUT_FAILED, "not changed: the journal could "
		    "not be written");
		goto cleanup;
	}
	progress(w->o, "%s: updating version %s (clientToken %s)",
	    it->runtime_id, ver ? ver : "?", token);
	call = send_call(w, &w->targets[it->target], MG_OP_MUTATE,
	    "UpdateAgentRuntime", "PUT", mg_path_runtime(it->runtime_id, ""),
	    NULL, body);
	if (call == NULL)
		set_outcome(it, MG_OUT_FAILED, "%s", w->err.msg);
cleanup:
	json_decref(body);
	return call;
}

/*
 * The service refused the update. Returns 1 to send again (from *pre,
 * which a conflict replaces with a fresh read), 0 when the outcome is
 * set. Conflicts rebuild from a new read and never replay the old body;
 * a refused requireServiceS3Endpoint is retried once without it; a
 * harness-owned runtime is left to its harness.
 */
static int
on_refusal(struct worker *w, struct mg_fix_item *it, struct mg_call *call,
    json_t **pre, int *rounds, int *dropped_s3)
{
	enum wait_result wr;
	char why[600];
	json_t *ans;

	mg_call_describe(call, why, sizeof(why));
	journal(w, it, json_pack("{s:s, s:s, s:i, s:s?, s:s}", "action",
	    "update-runtime", "phase", "refused", "status", (int)call->status,
	    "error", call->err_code, "message", why));
	if (call->err_code != NULL &&
	    strcmp(call->err_code, "ConflictException") == 0 &&
	    (*rounds)++ < CONFLICT_ROUNDS) {
		progress(w->o, "%s: conflict (another update in progress); "
		    "waiting for READY", it->runtime_id);
		wr = wait_ready(w, it, NULL, &ans, why, sizeof(why));
		if (wr != WAIT_READY) {
			json_decref(ans);
			set_outcome(it, wr == WAIT_TIMEOUT ? MG_OUT_TIMEOUT :
			    MG_OUT_CHANGED, "another update was in progress "
			    "and the runtime did not settle: %s", why);
			return 0;
		}
		json_decref(*pre);
		*pre = ans;
		if (!json_is_true(json_object_get(json_object_get(ans,
		    "metadataConfiguration"), "requireMMDSV2")))
			return 1;
		set_outcome(it, MG_OUT_ALREADY, "someone else updated the "
		    "runtime during the fix; version %s already requires "
		    "MMDSv2", mg_json_str(ans, "agentRuntimeVersion"));
		free(it->new_version);
		it->new_version = strdup(mg_json_str(ans,
		    "agentRuntimeVersion"));
		return 0;
	}
	if (call->status == 400 && !*dropped_s3 &&
	    message_names(call, "requireServiceS3Endpoint") &&
	    json_object_get(json_object_get(json_object_get(*pre,
	    "networkConfiguration"), "networkModeConfig"),
	    "requireServiceS3Endpoint") != NULL) {
		progress(w->o, "%s: the service refused "
		    "requireServiceS3Endpoint; retrying once without it",
		    it->runtime_id);
		*dropped_s3 = 1;
		return 1;
	}
	if (call->status == 400 && (message_names(call, "harness") ||
	    message_names(call, "Harness")))
		set_outcome(it, MG_OUT_SKIPPED, "owned by a harness: %s; "
		    "change it through the harness that owns it",
		    call->err_msg ? call->err_msg : why);
	else
		/* Throttled past the retries is a failure, not a refusal. */
		set_outcome(it, call->status >= 400 && call->status < 500 &&
		    call->status != 429 ? MG_OUT_REFUSED : MG_OUT_FAILED, "%s",
		    why);
	read_back(w, it, *pre);
	return 0;
}

/* The update was accepted: wait for that exact version, then verify. */
static void
on_accepted(struct worker *w, struct mg_fix_item *it, struct mg_call *call,
    const json_t *pre, const char *token, int dropped_s3)
{
	json_t *ans = call_json(call), *got = NULL;
	const char *ver = mg_json_str(ans, "agentRuntimeVersion");
	enum wait_result wr;
	char why[600];

	it->new_version = ver ? strdup(ver) : NULL;
	journal(w, it, json_pack("{s:s, s:s, s:i, s:s?, s:s}", "action",
	    "update-runtime", "phase", "accepted", "status", (int)call->status,
	    "newVersion", ver, "clientToken", token));
	json_decref(ans);
	if (it->new_version == NULL || !mg_version_valid(it->new_version)) {
		set_outcome(it, MG_OUT_FAILED, "the update was accepted but "
		    "the answer names no valid new version");
		read_back(w, it, pre);
		return;
	}
	progress(w->o, "%s: version %s accepted; waiting for it to be READY",
	    it->runtime_id, it->new_version);
	wr = wait_ready(w, it, it->new_version, &got, why, sizeof(why));
	if (wr != WAIT_READY) {
		set_outcome(it, wr == WAIT_TIMEOUT ? MG_OUT_TIMEOUT :
		    MG_OUT_FAILED, "version %s: %s", it->new_version, why);
		json_decref(got);
		return;
	}
	if (dropped_s3)
		progress(w->o, "%s: checking that requireServiceS3Endpoint "
		    "kept its value", it->runtime_id);
	verify(w, it, pre, got);
	json_decref(got);
}

/* One UpdateAgentRuntime, with everything the facts warn about. */
static void
update_runtime(struct worker *w, struct mg_fix_item *it)
{
	json_t *pre = json_incref(it->pre);
	struct mg_call *call = NULL;
	int rounds = 0, dropped_s3 = 0;
	char token[64];

	do {
		mg_call_free(call);
		call = send_update(w, it, pre, dropped_s3, token);
		if (call == NULL)
			break;
		if (call->status == 202 || call->status == 200) {
			on_accepted(w, it, call, pre, token, dropped_s3);
			break;
		}
	} while (on_refusal(w, it, call, &pre, &rounds, &dropped_s3));
	json_decref(pre);
	mg_call_free(call);
}

/* Move one named endpoint to version to, and wait until it serves it. */
static int
repoint_endpoint(struct worker *w, struct mg_fix_item *it, const char *name,
    const char *from, const char *to)
{
	struct mg_target *t = &w->targets[it->target];
	double deadline = mg_now_mono() + (double)w->o->wait_timeout_s;
	struct mg_call *call = NULL;
	char token[64], why[600], salt[128], *suffix = NULL;
	json_t *body = NULL, *ep;
	long delay = 250;
	int rc = -1;
	struct mg_buf b;

	mg_buf_init(&b, 1024);
	if (mg_buf_addstr(&b, "runtime-endpoints/") ||
	    mg_url_encode(&b, name) || mg_buf_addch(&b, '/'))
		goto cleanup;
	suffix = mg_buf_detach(&b);
	/*
	 * Moving an endpoint twice to one version is harmless, but a later
	 * run must not replay an earlier run's token: a move undone by a
	 * rollback would then never happen again. Retries within this run
	 * share the token.
	 */
	body = json_pack("{s:s}", "agentRuntimeVersion", to);
	snprintf(salt, sizeof(salt), "%s:%s", from, w->salt);
	mg_fix_client_token(it->runtime_id, name, body, salt, token);
	json_object_set_new(body, "clientToken", json_string(token));
	if (journal(w, it, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "action", w->ep_action, "phase", "before", "endpoint", name,
	    "fromVersion", from, "toVersion", to, "clientToken", token)) != 0)
		goto cleanup;
	call = send_call(w, t, MG_OP_MUTATE, "UpdateAgentRuntimeEndpoint",
	    "PUT", mg_path_runtime(it->runtime_id, suffix), NULL, body);
	if (call == NULL || (call->status != 202 && call->status != 200)) {
		if (call != NULL)
			mg_call_describe(call, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "%s", w->err.msg);
		journal(w, it, json_pack("{s:s, s:s, s:s, s:s}", "action",
		    w->ep_action, "phase", "refused", "endpoint", name,
		    "message", why));
		warn_item(it, w->o, "endpoint %s of %s was not moved: %s", name,
		    it->runtime_id, why);
		goto cleanup;
	}
	journal(w, it, json_pack("{s:s, s:s, s:s, s:s, s:s}", "action",
	    w->ep_action, "phase", "accepted", "endpoint", name,
	    "fromVersion", from, "toVersion", to));
	for (;;) {
		const char *live, *st;

		mg_call_free(call);
		call = send_call(w, t, MG_OP_GET, "GetAgentRuntimeEndpoint",
		    "GET", mg_path_runtime(it->runtime_id, suffix), NULL, NULL);
		ep = call && call->status == 200 ? call_json(call) : NULL;
		live = mg_json_str(ep, "liveVersion");
		st = mg_json_str(ep, "status");
		if (st && live && strcmp(st, "READY") == 0 &&
		    strcmp(live, to) == 0) {
			json_decref(ep);
			break;
		}
		json_decref(ep);
		if (!pause_until(deadline, &delay)) {
			warn_item(it, w->o, "endpoint %s of %s did not reach "
			    "version %s within %ld seconds", name,
			    it->runtime_id, to, w->o->wait_timeout_s);
			goto cleanup;
		}
	}
	journal(w, it, json_pack("{s:s, s:s, s:s, s:s}", "action",
	    w->ep_action, "phase", "done", "endpoint", name, "liveVersion",
	    to));
	json_array_append_new(it->moved, json_pack("{s:s, s:s, s:s}", "name",
	    name, "from", from, "to", to));
	rc = 0;
cleanup:
	mg_buf_release(&b);
	free(suffix);
	json_decref(body);
	mg_call_free(call);
	return rc;
}

static void
fix_one(struct worker *w, struct mg_fix_item *it)
{
	const char *newest = mg_json_str(it->pre, "agentRuntimeVersion");
	json_t *p, *fresh;
	size_t i, failed = 0;
	const char *to;

	if (it->newest_noncompliant) {
		/* Never act on the audit's copy: read the runtime again. */
		fresh = get_runtime(w, it, NULL, NULL);
		if (fresh == NULL) {
			set_outcome(it, MG_OUT_FAILED, "could not read the "
			    "runtime again before changing it; not changed");
			return;
		}
		json_decref(it->pre);
		it->pre = fresh;
		if (json_is_true(json_object_get(
		    json_object_get(fresh, "metadataConfiguration"),
		    "requireMMDSV2"))) {
			/* Someone else fixed it since the audit. */
			it->newest_noncompliant = 0;
			newest = mg_json_str(fresh, "agentRuntimeVersion");
			set_outcome(it, MG_OUT_ALREADY, "version %s already "
			    "requires MMDSv2 (changed since the audit)",
			    newest);
			to = newest;
			goto endpoints;
		}
		update_runtime(w, it);
		if ((it->outcome != MG_OUT_FIXED &&
		    it->outcome != MG_OUT_ALREADY) || it->new_version == NULL)
			return;
		to = it->new_version;
	} else
		to = newest;
endpoints:
	if (json_array_size(it->pinned) == 0) {
		if (it->outcome == MG_OUT_PLANNED)
			set_outcome(it, MG_OUT_ALREADY, "nothing to change");
		return;
	}
	if (!w->o->repoint) {
		set_outcome(it, MG_OUT_SKIPPED, "endpoint left pinned: %zu "
		    "named endpoint(s) still serve a version without MMDSv2 "
		    "(use --repoint-endpoints)", json_array_size(it->pinned));
		return;
	}
	json_array_foreach(it->pinned, i, p)
		if (repoint_endpoint(w, it, mg_json_str(p, "name"),
		    mg_json_str(p, "version"), to) != 0)
			failed++;
	if (failed > 0)
		set_outcome(it, MG_OUT_FAILED, "%zu endpoint(s) could not be "
		    "moved to version %s", failed, to);
	else if (!it->newest_noncompliant)
		set_outcome(it, MG_OUT_FIXED, "named endpoints moved to "
		    "version %s", to);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct mg_fix_item *it;
	size_t i;

	for (;;) {
		pthread_mutex_lock(w->lock);
		i = (*w->next)++;
		pthread_mutex_unlock(w->lock);
		if (i >= w->fix->nitems)
			break;
		it = &w->fix->items[i];
		if (it->outcome != MG_OUT_PLANNED)
			continue;
		fix_one(w, it);
		progress(w->o, "%s: %s%s%s", it->runtime_id,
		    mg_outcome_name(it->outcome), it->detail ? ": " : "",
		    it->detail ? it->detail : "");
	}
	return NULL;
}

int
mg_fix_apply(struct mg_fix *fix, struct mg_target *targets,
    const struct mg_fix_opts *o, struct mg_err *err)
{
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct worker *ws = NULL;
	pthread_t *th = NULL;
	size_t next = 0;
	int n, i, started = 0, rc = -1;

	n = o->concurrency > 0 ? o->concurrency : 4;
	ws = calloc((size_t)n, sizeof(*ws));
	th = calloc((size_t)n, sizeof(*th));
	if (ws == NULL || th == NULL) {
		mg_err_set(err, MG_ENOMEM, "out of memory");
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		ws[i].fix = fix;
		ws[i].targets = targets;
		ws[i].o = o;
		ws[i].next = &next;
		ws[i].lock = &lock;
		ws[i].ep_action = "update-endpoint";
		if (i == 0)
			run_salt(ws[0].salt, sizeof(ws[0].salt));
		else
			memcpy(ws[i].salt, ws[0].salt, sizeof(ws[i].salt));
		if (mg_client_new(&o->client, &ws[i].client, err) != 0)
			goto cleanup;
	}
	for (i = 0; i < n; i++) {
		if (pthread_create(&th[i], NULL, worker_main, &ws[i]) != 0) {
			mg_err_set(err, MG_EINTERNAL, "cannot start a thread");
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	if (started == n)
		rc = 0;
cleanup:
	for (i = 0; ws != NULL && i < n; i++)
		mg_client_free(ws[i].client);
	free(ws);
	free(th);
	return rc;
}

/* ---- rollback ---------------------------------------------------- */

static struct mg_rollback_item *
rb_find(struct mg_rollback *rb, const char *region, const char *id,
    const char *ep)
{
	size_t i;

	for (i = 0; i < rb->nitems; i++)
		if (strcmp(rb->items[i].region, region) == 0 &&
		    strcmp(rb->items[i].runtime_id, id) == 0 &&
		    strcmp(rb->items[i].endpoint, ep) == 0)
			return &rb->items[i];
	return NULL;
}

static void
rb_item_release(struct mg_rollback_item *it)
{
	free(it->account);
	free(it->region);
	free(it->runtime_id);
	free(it->endpoint);
	free(it->back_to);
	free(it->from);
	free(it->detail);
}

static void
rb_remove(struct mg_rollback *rb, struct mg_rollback_item *it)
{
	rb_item_release(it);
	*it = rb->items[--rb->nitems];
	memset(&rb->items[rb->nitems], 0, sizeof(*it));
}

int
mg_rollback_plan(const json_t *entries, struct mg_rollback *rb,
    struct mg_err *err)
{
	struct mg_rollback_item *it;
	const char *region, *id, *ep, *from, *to;
	size_t i;
	json_t *e;

	memset(rb, 0, sizeof(*rb));
	rb->items = calloc(json_array_size(entries) + 1, sizeof(*rb->items));
	if (rb->items == NULL)
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	json_array_foreach(entries, i, e) {
		const char *action = mg_json_str(e, "action");
		const char *phase = mg_json_str(e, "phase");

		int back;

		/*
		 * A "before" without "accepted" may be a move whose answer was
		 * lost after the service made it: plan it too; rollback reads
		 * where the endpoint is before it moves anything.
		 */
		if (action == NULL || phase == NULL ||
		    (strcmp(phase, "accepted") != 0 &&
		    strcmp(phase, "before") != 0))
			continue;
		back = strcmp(action, "rollback-endpoint") == 0;
		if (back && strcmp(phase, "accepted") != 0)
			continue;
		if (!back && strcmp(action, "update-endpoint") != 0)
			continue;
		region = mg_json_str(e, "region");
		id = mg_json_str(e, "runtimeId");
		ep = mg_json_str(e, "endpoint");
		from = mg_json_str(e, "fromVersion");
		to = mg_json_str(e, "toVersion");
		if (!region || !id || !ep || !from || !to)
			return mg_err_set(err, MG_EPARSE, "journal entry %zu "
			    "lacks region, runtimeId, endpoint or versions",
			    i + 1);
		it = rb_find(rb, region, id, ep);
		if (back) {
			/* Moved back already: nothing left to undo. */
			if (it != NULL)
				rb_remove(rb, it);
			continue;
		}
		if (it != NULL) {
			/* The earliest "from" is what it served before. */
			free(it->from);
			it->from = strdup(to);
			continue;
		}
		it = &rb->items[rb->nitems++];
		it->account = mg_json_str(e, "account") ?
		    strdup(mg_json_str(e, "account")) : NULL;
		it->region = strdup(region);
		it->runtime_id = strdup(id);
		it->endpoint = strdup(ep);
		it->back_to = strdup(from);
		it->from = strdup(to);
		it->outcome = MG_OUT_PLANNED;
	}
	return 0;
}

void
mg_rollback_release(struct mg_rollback *rb)
{
	size_t i;

	for (i = 0; i < rb->nitems; i++)
		rb_item_release(&rb->items[i]);
	free(rb->items);
	memset(rb, 0, sizeof(*rb));
}

/*
 * Is the endpoint still on the version the fix moved it to? If not, the
 * item's outcome says where it is and why it was left alone.
 */
static int
endpoint_still_on(struct worker *w, struct mg_fix_item *fi,
    struct mg_rollback_item *it)
{
	struct mg_call *call = NULL;
	char *suffix = NULL, why[600];
	const char *live, *target;
	json_t *ep = NULL;
	struct mg_buf b;
	int on = 0;

	mg_buf_init(&b, 1024);
	if (mg_buf_addstr(&b, "runtime-endpoints/") ||
	    mg_url_encode(&b, it->endpoint) || mg_buf_addch(&b, '/'))
		goto cleanup;
	suffix = mg_buf_detach(&b);
	call = send_call(w, &w->targets[fi->target], MG_OP_GET,
	    "GetAgentRuntimeEndpoint", "GET",
	    mg_path_runtime(it->runtime_id, suffix), NULL, NULL);
	if (call == NULL || call->status != 200) {
		if (call != NULL)
			mg_call_describe(call, why, sizeof(why));
		it->outcome = MG_OUT_FAILED;
		it->detail = strdup(call ? why : w->err.msg);
		goto cleanup;
	}
	ep = call_json(call);
	live = mg_json_str(ep, "liveVersion");
	target = mg_json_str(ep, "targetVersion");
	if (target != NULL && strcmp(target, live ? live : "") != 0) {
		it->outcome = MG_OUT_CHANGED;
		if (asprintf(&it->detail, "is moving to version %s: someone "
		    "else is changing it; left alone", target) < 0)
			it->detail = NULL;
		goto cleanup;
	}
	if (live != NULL && strcmp(live, it->from) == 0) {
		on = 1;
		goto cleanup;
	}
	if (live != NULL && strcmp(live, it->back_to) == 0) {
		it->outcome = MG_OUT_ALREADY;
		it->detail = strdup("already on that version");
	} else {
		it->outcome = MG_OUT_CHANGED;
		if (asprintf(&it->detail, "now serves version %s, not %s as "
		    "the fix left it: someone moved it since; left alone",
		    live ? live : "?", it->from) < 0)
			it->detail = NULL;
	}
cleanup:
	mg_buf_release(&b);
	free(suffix);
	json_decref(ep);
	mg_call_free(call);
	return on;
}

int
mg_rollback_apply(struct mg_rollback *rb, struct mg_target *targets,
    size_t ntargets, const struct mg_fix_opts *o, struct mg_err *err)
{
	struct mg_fix fake;
	struct mg_fix_item fi;
	struct worker w;
	size_t i, t;
	int rc = -1;

	memset(&w, 0, sizeof(w));
	memset(&fake, 0, sizeof(fake));
	w.fix = &fake;
	w.ep_action = "rollback-endpoint";
	run_salt(w.salt, sizeof(w.salt));
	w.targets = targets;
	w.o = o;
	if (mg_client_new(&o->client, &w.client, err) != 0)
		return -1;
	for (i = 0; i < rb->nitems; i++) {
		struct mg_rollback_item *it = &rb->items[i];

		if (it->outcome != MG_OUT_PLANNED)
			continue;
		for (t = 0; t < ntargets; t++)
			if (strcmp(targets[t].region, it->region) == 0)
				break;
		if (t == ntargets) {
			mg_err_set(err, MG_EINTERNAL, "no target for region "
			    "'%s'", it->region);
			goto cleanup;
		}
		memset(&fi, 0, sizeof(fi));
		fi.target = t;
		fi.runtime_id = it->runtime_id;
		fi.moved = json_array();
		fi.warnings = json_array();
		/* Where someone moved it since, their choice stands. */
		if (endpoint_still_on(&w, &fi, it)) {
			if (repoint_endpoint(&w, &fi, it->endpoint, it->from,
			    it->back_to) == 0) {
				it->outcome = MG_OUT_FIXED;
				it->detail = strdup("moved back");
			} else {
				it->outcome = MG_OUT_FAILED;
				it->detail = json_array_size(fi.warnings) ?
				    strdup(json_string_value(json_array_get(
				    fi.warnings, 0))) : strdup("not moved");
			}
		}
		json_decref(fi.moved);
		json_decref(fi.warnings);
	}
	rc = 0;
cleanup:
	mg_client_free(w.client);
	return rc;
}
