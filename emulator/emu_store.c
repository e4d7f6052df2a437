/* SPDX-License-Identifier: Apache-2.0 */
/* emu_store.c: the in-memory model of runtimes, versions and endpoints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		MG_BUG("out of memory");
	return p;
}

static char *
xstrdup(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL)
		MG_BUG("out of memory");
	return p;
}

static void
grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*v, ncap * size);
	if (p == NULL)
		MG_BUG("out of memory");
	*v = p;
	*cap = ncap;
}

void
emu_store_init(struct emu_store *st)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_init(&st->lock, NULL);
	st->next_seq = 1;
}

static void
idem_free(struct emu_idem *p)
{
	struct emu_idem *next;

	for (; p != NULL; p = next) {
		next = p->next;
		free(p->key);
		free(p->canon);
		json_decref(p->answer);
		free(p);
	}
}

static void
runtime_free(struct emu_runtime *rt)
{
	size_t i;

	if (rt == NULL)
		return;
	for (i = 0; i < rt->nversions; i++)
		json_decref(rt->versions[i].config);
	for (i = 0; i < rt->nendpoints; i++) {
		free(rt->endpoints[i].name);
		free(rt->endpoints[i].id);
		json_decref(rt->endpoints[i].description);
	}
	free(rt->versions);
	free(rt->endpoints);
	idem_free(rt->idem);
	json_decref(rt->tags);
	free(rt->id);
	free(rt->name);
	free(rt->harness);
	free(rt->failure_reason);
	free(rt->workload_arn);
	free(rt);
}

void
emu_store_release(struct emu_store *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		runtime_free(st->runtimes[i]);
	free(st->runtimes);
	idem_free(st->create_idem);
	pthread_mutex_destroy(&st->lock);
	memset(st, 0, sizeof(*st));
}

void
emu_store_lock(struct emu_store *st)
{
	pthread_mutex_lock(&st->lock);
}

void
emu_store_unlock(struct emu_store *st)
{
	pthread_mutex_unlock(&st->lock);
}

struct emu_runtime *
emu_runtime_new(struct emu_store *st, const char *id, const char *name,
    const char *account, const char *region, long long created_ms)
{
	struct emu_runtime *rt = xcalloc(1, sizeof(*rt));
	char arn[512];

	rt->seq = st->next_seq++;
	rt->id = xstrdup(id);
	rt->name = xstrdup(name);
	snprintf(rt->account, sizeof(rt->account), "%s", account);
	snprintf(rt->region, sizeof(rt->region), "%s", region);
	rt->created_ms = created_ms;
	strcpy(rt->status, "READY");
	snprintf(arn, sizeof(arn), "arn:aws:bedrock-agentcore:%s:%s:"
	    "workload-identity-directory/default/workload-identity/%s",
	    region, account, id);
	rt->workload_arn = xstrdup(arn);
	grow((void **)&st->runtimes, &st->cap, st->n + 1,
	    sizeof(st->runtimes[0]));
	st->runtimes[st->n++] = rt;
	return rt;
}

static void
store_remove_at(struct emu_store *st, size_t i)
{
	runtime_free(st->runtimes[i]);
	memmove(&st->runtimes[i], &st->runtimes[i + 1],
	    (st->n - i - 1) * sizeof(st->runtimes[0]));
	st->n--;
}

void
emu_endpoint_settle(struct emu_endpoint *ep, long long now)
{
	if (ep->ready_ms == 0 || now < ep->ready_ms)
		return;
	if (ep->target != 0) {
		ep->live = ep->target;
		ep->target = 0;
	}
	ep->updated_ms = ep->ready_ms;
	strcpy(ep->status, "READY");
	ep->pending[0] = '\0';
	ep->ready_ms = 0;
}

const char *
emu_endpoint_status(const struct emu_endpoint *ep, long long now)
{
	if (ep->ready_ms != 0 && now < ep->ready_ms)
		return ep->pending;
	return ep->status;
}

/* Finish whatever change is due; a deleted runtime ends as "DELETED". */
void
emu_runtime_settle(struct emu_runtime *rt, long long now)
{
	size_t i;

	for (i = 0; i < rt->nendpoints; i++)
		emu_endpoint_settle(&rt->endpoints[i], now);
	if (rt->ready_ms == 0 || now < rt->ready_ms)
		return;
	if (strcmp(rt->pending, "DELETING") == 0)
		strcpy(rt->status, "DELETED");
	rt->pending[0] = '\0';
	rt->ready_ms = 0;
}

const char *
emu_runtime_status(const struct emu_runtime *rt, long long now)
{
	if (rt->ready_ms != 0 && now < rt->ready_ms)
		return rt->pending;
	return rt->status;
}

int
emu_runtime_busy(const struct emu_runtime *rt, long long now)
{
	const char *s = emu_runtime_status(rt, now);

	return strcmp(s, "CREATING") == 0 || strcmp(s, "UPDATING") == 0 ||
	    strcmp(s, "DELETING") == 0;
}

void
emu_runtime_begin(struct emu_runtime *rt, const char *pending, long long now,
    long delay_ms)
{
	snprintf(rt->pending, sizeof(rt->pending), "%s", pending);
	strcpy(rt->status, "READY");
	rt->ready_ms = now + (delay_ms > 0 ? delay_ms : 0);
	if (rt->ready_ms == now)
		emu_runtime_settle(rt, now);
}

void
emu_store_settle(struct emu_store *st, long long now)
{
	size_t i = 0;

	while (i < st->n) {
		emu_runtime_settle(st->runtimes[i], now);
		if (strcmp(st->runtimes[i]->status, "DELETED") == 0)
			store_remove_at(st, i);
		else
			i++;
	}
}

struct emu_runtime *
emu_store_find(struct emu_store *st, const char *account, const char *region,
    const char *id, long long now)
{
	struct emu_runtime *rt;
	size_t i;

	for (i = 0; i < st->n; i++) {
		rt = st->runtimes[i];
		if (strcmp(rt->id, id) != 0 || strcmp(rt->account, account) ||
		    strcmp(rt->region, region))
			continue;
		emu_runtime_settle(rt, now);
		if (strcmp(rt->status, "DELETED") == 0) {
			store_remove_at(st, i);
			return NULL;
		}
		return rt;
	}
	return NULL;
}

struct emu_runtime *
emu_store_find_any(struct emu_store *st, const char *id)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (strcmp(st->runtimes[i]->id, id) == 0)
			return st->runtimes[i];
	return NULL;
}

struct emu_runtime *
emu_store_find_name(struct emu_store *st, const char *account,
    const char *region, const char *name)
{
	struct emu_runtime *rt;
	size_t i;

	for (i = 0; i < st->n; i++) {
		rt = st->runtimes[i];
		if (strcmp(rt->name, name) == 0 &&
		    strcmp(rt->account, account) == 0 &&
		    strcmp(rt->region, region) == 0 &&
		    strcmp(rt->status, "DELETED") != 0)
			return rt;
	}
	return NULL;
}

/* "{name}-{10 random alphanumerics}", unique in the store. */
void
emu_store_new_id(struct emu_store *st, const char *name, char *out,
    size_t cap)
{
	char suffix[11];

	do {
		emu_random_alnum(suffix, 10);
		snprintf(out, cap, "%s-%s", name, suffix);
	} while (emu_store_find_any(st, out) != NULL);
}

struct emu_version *
emu_runtime_newest(const struct emu_runtime *rt)
{
	if (rt->nversions == 0)
		return NULL;
	return &rt->versions[rt->nversions - 1];
}

struct emu_version *
emu_runtime_version(const struct emu_runtime *rt, int number)
{
	size_t i;

	for (i = 0; i < rt->nversions; i++)
		if (rt->versions[i].number == number)
			return &rt->versions[i];
	return NULL;
}

/* number 0 means the next one; takes the reference to config. */
struct emu_version *
emu_runtime_add_version(struct emu_runtime *rt, int number, json_t *config,
    long long ms)
{
	struct emu_version *v, *newest = emu_runtime_newest(rt);

	if (number == 0)
		number = newest != NULL ? newest->number + 1 : 1;
	grow((void **)&rt->versions, &rt->capversions, rt->nversions + 1,
	    sizeof(rt->versions[0]));
	v = &rt->versions[rt->nversions++];
	v->number = number;
	v->config = config;
	v->updated_ms = ms;
	return v;
}

struct emu_endpoint *
emu_runtime_endpoint(const struct emu_runtime *rt, const char *name)
{
	size_t i;

	for (i = 0; i < rt->nendpoints; i++)
		if (strcmp(rt->endpoints[i].name, name) == 0)
			return &rt->endpoints[i];
	return NULL;
}

struct emu_endpoint *
emu_runtime_add_endpoint(struct emu_runtime *rt, const char *name,
    long long now)
{
	struct emu_endpoint *ep;
	char seed[256], suffix[11], id[128];

	grow((void **)&rt->endpoints, &rt->capendpoints, rt->nendpoints + 1,
	    sizeof(rt->endpoints[0]));
	ep = &rt->endpoints[rt->nendpoints++];
	memset(ep, 0, sizeof(*ep));
	snprintf(seed, sizeof(seed), "%s/%s", rt->id, name);
	emu_hash_alnum(seed, suffix, 10);
	snprintf(id, sizeof(id), "%s-%s", name, suffix);
	ep->name = xstrdup(name);
	ep->id = xstrdup(id);
	strcpy(ep->status, "READY");
	ep->created_ms = now;
	ep->updated_ms = now;
	return ep;
}

void
emu_runtime_remove_endpoint(struct emu_runtime *rt, const char *name)
{
	size_t i;

	for (i = 0; i < rt->nendpoints; i++) {
		if (strcmp(rt->endpoints[i].name, name) != 0)
			continue;
		free(rt->endpoints[i].name);
		free(rt->endpoints[i].id);
		json_decref(rt->endpoints[i].description);
		memmove(&rt->endpoints[i], &rt->endpoints[i + 1],
		    (rt->nendpoints - i - 1) * sizeof(rt->endpoints[0]));
		rt->nendpoints--;
		return;
	}
}

char *
emu_runtime_arn(const struct emu_runtime *rt)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "arn:aws:bedrock-agentcore:%s:%s:runtime/%s",
	    rt->region, rt->account, rt->id);
	return xstrdup(buf);
}

int
emu_runtime_is_post_default(const struct emu_runtime *rt)
{
	return rt->created_ms >= EMU_MMDS_DEFAULT_FROM_MS;
}

static void
set_str(json_t *obj, const char *key, const char *value)
{
	json_t *s = json_string(value);

	if (s == NULL)
		s = json_string("?");
	json_object_set_new(obj, key, s);
}

static void
set_time(json_t *obj, const char *key, long long ms)
{
	char buf[32];

	emu_format_time(ms, buf);
	set_str(obj, key, buf);
}

static void
set_version(json_t *obj, const char *key, int number)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", number);
	set_str(obj, key, buf);
}

static void
set_arn(json_t *obj, const struct emu_runtime *rt)
{
	char *arn = emu_runtime_arn(rt);

	set_str(obj, "agentRuntimeArn", arn);
	free(arn);
}

/* A copy of the stored lifecycle with the service's defaults filled in. */
static json_t *
lifecycle_view(const json_t *stored)
{
	json_t *out;

	if (stored != NULL && !json_is_object(stored))
		return json_deep_copy(stored);
	out = stored != NULL ? json_deep_copy(stored) : json_object();
	if (json_object_get(out, "idleRuntimeSessionTimeout") == NULL)
		json_object_set_new(out, "idleRuntimeSessionTimeout",
		    json_integer(900));
	if (json_object_get(out, "maxLifetime") == NULL)
		json_object_set_new(out, "maxLifetime", json_integer(28800));
	return out;
}

/* GetAgentRuntime: identity, then the snapshot exactly as stored. */
json_t *
emu_view_runtime(const struct emu_runtime *rt, const struct emu_version *v,
    const char *status)
{
	json_t *obj = json_object(), *wid, *value;
	const char *key;

	set_arn(obj, rt);
	set_str(obj, "agentRuntimeName", rt->name);
	set_str(obj, "agentRuntimeId", rt->id);
	set_version(obj, "agentRuntimeVersion", v->number);
	set_time(obj, "createdAt", rt->created_ms);
	set_time(obj, "lastUpdatedAt", v->updated_ms);
	set_str(obj, "status", status);
	if (rt->failure_reason != NULL && v == emu_runtime_newest(rt))
		set_str(obj, "failureReason", rt->failure_reason);
	json_object_foreach((json_t *)v->config, key, value) {
		if (strcmp(key, "lifecycleConfiguration") == 0)
			json_object_set_new(obj, key, lifecycle_view(value));
		else
			json_object_set_new(obj, key, json_deep_copy(value));
	}
	if (json_object_get(v->config, "lifecycleConfiguration") == NULL)
		json_object_set_new(obj, "lifecycleConfiguration",
		    lifecycle_view(NULL));
	wid = json_object();
	set_str(wid, "workloadIdentityArn", rt->workload_arn);
	json_object_set_new(obj, "workloadIdentityDetails", wid);
	return obj;
}

/* The AgentRuntime summary of List operations. */
json_t *
emu_view_summary(const struct emu_runtime *rt, const struct emu_version *v,
    const char *status)
{
	json_t *obj = json_object(), *desc;

	set_arn(obj, rt);
	set_str(obj, "agentRuntimeId", rt->id);
	set_version(obj, "agentRuntimeVersion", v->number);
	set_str(obj, "agentRuntimeName", rt->name);
	desc = json_object_get(v->config, "description");
	if (json_is_string(desc))
		json_object_set_new(obj, "description", json_deep_copy(desc));
	set_time(obj, "lastUpdatedAt", v->updated_ms);
	set_str(obj, "status", status);
	return obj;
}

static void
set_endpoint_arn(json_t *obj, const struct emu_runtime *rt, const char *name)
{
	char *arn = emu_runtime_arn(rt);
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s/runtime-endpoint/%s", arn, name);
	set_str(obj, "agentRuntimeEndpointArn", buf);
	set_str(obj, "agentRuntimeArn", arn);
	free(arn);
}

json_t *
emu_view_endpoint(const struct emu_runtime *rt, const struct emu_endpoint *ep,
    long long now)
{
	json_t *obj = json_object();

	set_str(obj, "name", ep->name);
	if (ep->live != 0)
		set_version(obj, "liveVersion", ep->live);
	if (ep->target != 0)
		set_version(obj, "targetVersion", ep->target);
	set_endpoint_arn(obj, rt, ep->name);
	set_str(obj, "status", emu_endpoint_status(ep, now));
	set_str(obj, "id", ep->id);
	if (ep->description != NULL)
		json_object_set_new(obj, "description",
		    json_deep_copy(ep->description));
	set_time(obj, "createdAt", ep->created_ms);
	set_time(obj, "lastUpdatedAt", ep->updated_ms);
	return obj;
}

/* DEFAULT follows the newest version; during a change it rolls to it. */
json_t *
emu_view_default_endpoint(const struct emu_runtime *rt, long long now)
{
	json_t *obj = json_object();
	const char *status = emu_runtime_status(rt, now);
	const struct emu_version *newest = emu_runtime_newest(rt);
	int live = newest->number, target = 0;
	const char *epstatus = "READY";
	char seed[256], suffix[11], id[64];

	if (strcmp(status, "CREATING") == 0) {
		live = 0;
		target = newest->number;
		epstatus = "CREATING";
	} else if (strcmp(status, "CREATE_FAILED") == 0) {
		live = 0;
		epstatus = "CREATE_FAILED";
	} else if (strcmp(status, "UPDATING") == 0 && rt->nversions > 1) {
		live = rt->versions[rt->nversions - 2].number;
		target = newest->number;
		epstatus = "UPDATING";
	} else if (strcmp(status, "DELETING") == 0) {
		epstatus = "DELETING";
	}
	set_str(obj, "name", "DEFAULT");
	if (live != 0)
		set_version(obj, "liveVersion", live);
	if (target != 0)
		set_version(obj, "targetVersion", target);
	set_endpoint_arn(obj, rt, "DEFAULT");
	set_str(obj, "status", epstatus);
	snprintf(seed, sizeof(seed), "%s/DEFAULT", rt->id);
	emu_hash_alnum(seed, suffix, 10);
	snprintf(id, sizeof(id), "DEFAULT-%s", suffix);
	set_str(obj, "id", id);
	set_time(obj, "createdAt", rt->created_ms);
	set_time(obj, "lastUpdatedAt", newest->updated_ms);
	return obj;
}

struct emu_idem *
emu_idem_find(struct emu_idem *list, const char *key)
{
	for (; list != NULL; list = list->next)
		if (strcmp(list->key, key) == 0)
			return list;
	return NULL;
}

void
emu_idem_add(struct emu_idem **list, const char *key, const char *canon,
    unsigned status, const json_t *answer)
{
	struct emu_idem *p = xcalloc(1, sizeof(*p));

	p->key = xstrdup(key);
	p->canon = xstrdup(canon);
	p->status = status;
	p->answer = json_deep_copy(answer);
	p->next = *list;
	*list = p;
}
