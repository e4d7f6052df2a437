/* SPDX-License-Identifier: Apache-2.0 */
/* emu_fleet.c: seeding the store from a fleet file or a generated fleet. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* A JSON path for messages; a path too long to show is cut, harmlessly. */
static void
subpath(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, n, fmt, ap);
	va_end(ap);
}

#define HOUR_MS (3600LL * 1000)

static const char *const statuses[] = { "CREATING", "CREATE_FAILED",
	"UPDATING", "UPDATE_FAILED", "READY", "DELETING", NULL };

struct fctx {
	struct emu_server *srv;
	const char *file;
	const char *account;		/* file-wide defaults */
	const char *region;
	struct mg_err *err;
};

static int
fail(struct fctx *c, const char *path, const char *what)
{
	return mg_err_set(c->err, MG_ECONFIG, "%s: %s: %s", c->file, path,
	    what);
}

/* Only these keys; "comment" is always allowed. */
static int
only_keys(struct fctx *c, json_t *obj, const char *path,
    const char *const *allowed)
{
	const char *key;
	json_t *v;
	char sub[300], safe[64];
	int i, ok;

	json_object_foreach(obj, key, v) {
		(void)v;
		ok = strcmp(key, "comment") == 0;
		for (i = 0; !ok && allowed[i] != NULL; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (ok)
			continue;
		emu_printable(key, safe, sizeof(safe));
		subpath(sub, sizeof(sub), "%s.%s", path, safe);
		return fail(c, sub, "unknown member");
	}
	return 0;
}

/* Optional string member; *out NULL when absent. */
static int
get_str(struct fctx *c, json_t *obj, const char *key, const char *path,
    const char **out)
{
	json_t *v = json_object_get(obj, key);
	char sub[300];

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		subpath(sub, sizeof(sub), "%s.%s", path, key);
		return fail(c, sub, "expected a non-empty string");
	}
	*out = json_string_value(v);
	return 0;
}

static int
get_time(struct fctx *c, json_t *obj, const char *key, const char *path,
    long long *ms, int required)
{
	const char *s;
	char sub[300];

	if (get_str(c, obj, key, path, &s) != 0)
		return -1;
	subpath(sub, sizeof(sub), "%s.%s", path, key);
	if (s == NULL)
		return required ? fail(c, sub, "missing (an RFC 3339 "
		    "timestamp such as 2026-01-10T09:00:00.000Z)") : 1;
	if (emu_parse_time(s, ms) != 0)
		return fail(c, sub, "expected an RFC 3339 timestamp such as "
		    "2026-01-10T09:00:00.000Z");
	return 0;
}

/* A version number given as 3 or "3". */
static int
get_version_number(struct fctx *c, json_t *v, const char *path, int *out)
{
	const char *s;
	char *end;
	long n;

	if (json_is_integer(v)) {
		n = (long)json_integer_value(v);
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		n = strtol(s, &end, 10);
		if (end == s || *end != '\0')
			n = 0;
	} else {
		n = 0;
	}
	if (n < 1 || n > 99999)
		return fail(c, path, "expected a version number from 1 to "
		    "99999");
	*out = (int)n;
	return 0;
}

static int
check_status(struct fctx *c, const char *s, const char *path)
{
	int i;

	for (i = 0; statuses[i] != NULL; i++)
		if (strcmp(statuses[i], s) == 0)
			return 0;
	return fail(c, path, "expected one of CREATING, CREATE_FAILED, "
	    "UPDATING, UPDATE_FAILED, READY, DELETING");
}

static int
check_config(struct fctx *c, json_t *cfg, const char *path)
{
	const char *key;
	json_t *v;
	char sub[300];

	if (!json_is_object(cfg))
		return fail(c, path, "expected a configuration object");
	json_object_foreach(cfg, key, v) {
		(void)v;
		if (!emu_is_read_only_member(key) &&
		    strcmp(key, "clientToken") != 0)
			continue;
		subpath(sub, sizeof(sub), "%s.%s", path, key);
		return fail(c, sub, "read-only member: a configuration holds "
		    "writable members only");
	}
	return 0;
}

static int
load_versions(struct fctx *c, struct emu_runtime *rt, json_t *list,
    const char *path)
{
	static const char *const wrap_keys[] = { "version", "lastUpdatedAt",
		"configuration", NULL };
	json_t *item, *cfg, *num;
	char sub[300], sub2[320];
	long long ms;
	size_t i;
	int number, last = 0;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return fail(c, path, "expected a non-empty list of versions");
	json_array_foreach(list, i, item) {
		subpath(sub, sizeof(sub), "%s[%zu]", path, i);
		if (!json_is_object(item))
			return fail(c, sub, "expected an object");
		cfg = item;
		number = last + 1;
		ms = rt->created_ms + (long long)(number - 1) * HOUR_MS;
		if (json_object_get(item, "configuration") != NULL) {
			if (only_keys(c, item, sub, wrap_keys) != 0)
				return -1;
			cfg = json_object_get(item, "configuration");
			num = json_object_get(item, "version");
			subpath(sub2, sizeof(sub2), "%s.version", sub);
			if (num != NULL && get_version_number(c, num, sub2,
			    &number) != 0)
				return -1;
			if (number <= last)
				return fail(c, sub2, "versions must be in "
				    "ascending order");
			ms = rt->created_ms + (long long)(number - 1) *
			    HOUR_MS;
			if (get_time(c, item, "lastUpdatedAt", sub, &ms,
			    0) < 0)
				return -1;
			subpath(sub, sizeof(sub), "%s[%zu].configuration",
			    path, i);
		}
		if (number > 99999)
			return fail(c, sub, "too many versions");
		if (check_config(c, cfg, sub) != 0)
			return -1;
		emu_runtime_add_version(rt, number, json_deep_copy(cfg), ms);
		last = number;
	}
	return 0;
}

static int
endpoint_version(struct fctx *c, struct emu_runtime *rt, json_t *ep,
    const char *key, const char *path, int *out)
{
	json_t *v = json_object_get(ep, key);
	char sub[300];

	*out = 0;
	if (v == NULL)
		return 0;
	subpath(sub, sizeof(sub), "%s.%s", path, key);
	if (get_version_number(c, v, sub, out) != 0)
		return -1;
	if (emu_runtime_version(rt, *out) == NULL)
		return fail(c, sub, "no such version in this runtime");
	return 0;
}

static int
load_endpoint(struct fctx *c, struct emu_runtime *rt, json_t *item,
    const char *path)
{
	static const char *const keys[] = { "name", "liveVersion",
		"targetVersion", "status", "description", "createdAt",
		"lastUpdatedAt", NULL };
	struct emu_endpoint *ep;
	const char *name, *status, *desc;
	long long created = rt->created_ms, updated;
	int live, target;
	char sub[300];

	if (!json_is_object(item))
		return fail(c, path, "expected an object");
	if (only_keys(c, item, path, keys) != 0 ||
	    get_str(c, item, "name", path, &name) != 0 ||
	    get_str(c, item, "status", path, &status) != 0 ||
	    get_str(c, item, "description", path, &desc) != 0 ||
	    endpoint_version(c, rt, item, "liveVersion", path, &live) != 0 ||
	    endpoint_version(c, rt, item, "targetVersion", path,
	    &target) != 0 ||
	    get_time(c, item, "createdAt", path, &created, 0) < 0)
		return -1;
	subpath(sub, sizeof(sub), "%s.name", path);
	if (name == NULL || !emu_is_name(name, 48))
		return fail(c, sub, "expected an endpoint name matching "
		    "[a-zA-Z][a-zA-Z0-9_]{0,47}");
	if (strcmp(name, "DEFAULT") == 0)
		return fail(c, sub, "DEFAULT is implied (it follows the "
		    "newest version) and cannot be listed");
	if (emu_runtime_endpoint(rt, name) != NULL)
		return fail(c, sub, "duplicate endpoint name");
	if (live == 0 && target == 0) {
		subpath(sub, sizeof(sub), "%s.liveVersion", path);
		return fail(c, sub, "missing (or give targetVersion)");
	}
	subpath(sub, sizeof(sub), "%s.status", path);
	if (status != NULL && check_status(c, status, sub) != 0)
		return -1;
	updated = created;
	if (get_time(c, item, "lastUpdatedAt", path, &updated, 0) < 0)
		return -1;
	ep = emu_runtime_add_endpoint(rt, name, created);
	ep->live = live;
	ep->target = target;
	ep->updated_ms = updated;
	snprintf(ep->status, sizeof(ep->status), "%s", status != NULL ?
	    status : (target != 0 ? "UPDATING" : "READY"));
	if (desc != NULL)
		ep->description = json_string(desc);
	return 0;
}

static int
check_account(struct fctx *c, const char *acct, const char *path)
{
	size_t i;

	for (i = 0; acct[i] != '\0'; i++)
		if (!isdigit((unsigned char)acct[i]))
			break;
	if (i != 12 || acct[i] != '\0')
		return fail(c, path, "expected a 12-digit account id");
	return 0;
}

static int
check_region(struct fctx *c, const char *region, const char *path)
{
	size_t i;

	for (i = 0; region[i] != '\0'; i++)
		if (!islower((unsigned char)region[i]) &&
		    !isdigit((unsigned char)region[i]) && region[i] != '-')
			break;
	if (region[i] != '\0' || i == 0 || i > 40)
		return fail(c, path, "expected a region name such as "
		    "us-east-1");
	return 0;
}

struct rt_fields {
	const char *id, *name, *account, *region, *status, *harness;
	const char *failure, *workload;
	long long created;
};

static int
runtime_fields(struct fctx *c, json_t *item, const char *path,
    struct rt_fields *f)
{
	static const char *const keys[] = { "id", "name", "account",
		"region", "createdAt", "status", "failureReason", "harness",
		"workloadIdentityArn", "tags", "versions", "endpoints", NULL };
	char sub[300];

	if (!json_is_object(item))
		return fail(c, path, "expected an object");
	if (only_keys(c, item, path, keys) != 0 ||
	    get_str(c, item, "id", path, &f->id) != 0 ||
	    get_str(c, item, "name", path, &f->name) != 0 ||
	    get_str(c, item, "account", path, &f->account) != 0 ||
	    get_str(c, item, "region", path, &f->region) != 0 ||
	    get_str(c, item, "status", path, &f->status) != 0 ||
	    get_str(c, item, "harness", path, &f->harness) != 0 ||
	    get_str(c, item, "failureReason", path, &f->failure) != 0 ||
	    get_str(c, item, "workloadIdentityArn", path, &f->workload) != 0 ||
	    get_time(c, item, "createdAt", path, &f->created, 1) != 0)
		return -1;
	subpath(sub, sizeof(sub), "%s.name", path);
	if (f->name == NULL || !emu_is_name(f->name, 48))
		return fail(c, sub, "expected a runtime name matching "
		    "[a-zA-Z][a-zA-Z0-9_]{0,47}");
	subpath(sub, sizeof(sub), "%s.id", path);
	if (f->id != NULL && !emu_is_runtime_id(f->id))
		return fail(c, sub, "expected an id matching "
		    "[a-zA-Z][a-zA-Z0-9_]{0,99}-[a-zA-Z0-9]{10}");
	if (f->account == NULL)
		f->account = c->account;
	if (f->region == NULL)
		f->region = c->region;
	subpath(sub, sizeof(sub), "%s.account", path);
	if (check_account(c, f->account, sub) != 0)
		return -1;
	subpath(sub, sizeof(sub), "%s.region", path);
	if (check_region(c, f->region, sub) != 0)
		return -1;
	subpath(sub, sizeof(sub), "%s.status", path);
	if (f->status != NULL && check_status(c, f->status, sub) != 0)
		return -1;
	return 0;
}

static int
load_runtime(struct fctx *c, json_t *item, const char *path)
{
	struct emu_store *st = &c->srv->store;
	struct emu_runtime *rt;
	struct rt_fields f;
	json_t *eps, *ep, *tags;
	char sub[300], id[160], seed[256], suffix[11];
	size_t i;

	memset(&f, 0, sizeof(f));
	if (runtime_fields(c, item, path, &f) != 0)
		return -1;
	if (f.id == NULL) {
		snprintf(seed, sizeof(seed), "%s/%s/%s", f.account, f.region,
		    f.name);
		emu_hash_alnum(seed, suffix, 10);
		snprintf(id, sizeof(id), "%s-%s", f.name, suffix);
		f.id = id;
	}
	subpath(sub, sizeof(sub), "%s.id", path);
	if (emu_store_find_any(st, f.id) != NULL)
		return fail(c, sub, "duplicate runtime id");
	subpath(sub, sizeof(sub), "%s.name", path);
	if (emu_store_find_name(st, f.account, f.region, f.name) != NULL)
		return fail(c, sub, "duplicate runtime name in this account "
		    "and region");
	rt = emu_runtime_new(st, f.id, f.name, f.account, f.region,
	    f.created);
	if (f.status != NULL)
		snprintf(rt->status, sizeof(rt->status), "%s", f.status);
	rt->harness = f.harness != NULL ? strdup(f.harness) : NULL;
	rt->failure_reason = f.failure != NULL ? strdup(f.failure) : NULL;
	if (f.workload != NULL) {
		free(rt->workload_arn);
		rt->workload_arn = strdup(f.workload);
	}
	tags = json_object_get(item, "tags");
	if (tags != NULL)
		rt->tags = json_deep_copy(tags);
	subpath(sub, sizeof(sub), "%s.versions", path);
	if (load_versions(c, rt, json_object_get(item, "versions"), sub))
		return -1;
	eps = json_object_get(item, "endpoints");
	subpath(sub, sizeof(sub), "%s.endpoints", path);
	if (eps != NULL && !json_is_array(eps))
		return fail(c, sub, "expected a list");
	json_array_foreach(eps, i, ep) {
		subpath(sub, sizeof(sub), "%s.endpoints[%zu]", path, i);
		if (load_endpoint(c, rt, ep, sub) != 0)
			return -1;
	}
	return 0;
}

static int
load_keys(struct fctx *c, json_t *keys)
{
	static const char *const allowed[] = { "accessKeyId",
		"secretAccessKey", "account", NULL };
	const char *akid, *secret, *acct;
	char path[64], sub[80];
	json_t *k;
	size_t i;

	if (!json_is_array(keys))
		return fail(c, "$.keys", "expected a list");
	json_array_foreach(keys, i, k) {
		snprintf(path, sizeof(path), "$.keys[%zu]", i);
		if (!json_is_object(k))
			return fail(c, path, "expected an object");
		if (only_keys(c, k, path, allowed) != 0 ||
		    get_str(c, k, "accessKeyId", path, &akid) != 0 ||
		    get_str(c, k, "secretAccessKey", path, &secret) != 0 ||
		    get_str(c, k, "account", path, &acct) != 0)
			return -1;
		if (akid == NULL || secret == NULL || acct == NULL)
			return fail(c, path, "needs accessKeyId, "
			    "secretAccessKey and account");
		subpath(sub, sizeof(sub), "%s.account", path);
		if (check_account(c, acct, sub) != 0)
			return -1;
		if (emu_config_add_key(&c->srv->cfg, akid, secret, acct,
		    c->err) != 0)
			return -1;
	}
	return 0;
}

static int
load_defaults(struct fctx *c, json_t *d)
{
	static const char *const allowed[] = { "account", "region", NULL };
	const char *acct, *region;

	if (!json_is_object(d))
		return fail(c, "$.defaults", "expected an object");
	if (only_keys(c, d, "$.defaults", allowed) != 0 ||
	    get_str(c, d, "account", "$.defaults", &acct) != 0 ||
	    get_str(c, d, "region", "$.defaults", &region) != 0)
		return -1;
	if (acct != NULL) {
		if (check_account(c, acct, "$.defaults.account") != 0)
			return -1;
		c->account = acct;
	}
	if (region != NULL) {
		if (check_region(c, region, "$.defaults.region") != 0)
			return -1;
		c->region = region;
	}
	return 0;
}

int
emu_fleet_load(struct emu_server *srv, const char *path, struct mg_err *err)
{
	static const char *const allowed[] = { "defaults", "keys",
		"runtimes", NULL };
	struct fctx c;
	json_error_t e;
	json_t *root, *list, *item;
	char sub[64];
	size_t i;
	int rc = -1;

	c.srv = srv;
	c.file = path;
	c.account = EMU_DEFAULT_ACCOUNT;
	c.region = EMU_DEFAULT_REGION;
	c.err = err;
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &e);
	if (root == NULL) {
		if (e.line < 0)
			return mg_err_set(err, MG_ECONFIG, "%s: %s", path,
			    e.text);
		return mg_err_set(err, MG_ECONFIG, "%s:%d:%d: %s", path,
		    e.line, e.column, e.text);
	}
	if (!json_is_object(root)) {
		fail(&c, "$", "expected an object with a \"runtimes\" list");
		goto cleanup;
	}
	if (only_keys(&c, root, "$", allowed) != 0)
		goto cleanup;
	if (json_object_get(root, "defaults") != NULL &&
	    load_defaults(&c, json_object_get(root, "defaults")) != 0)
		goto cleanup;
	if (json_object_get(root, "keys") != NULL &&
	    load_keys(&c, json_object_get(root, "keys")) != 0)
		goto cleanup;
	list = json_object_get(root, "runtimes");
	if (!json_is_array(list)) {
		fail(&c, "$.runtimes", "expected a list of runtimes");
		goto cleanup;
	}
	json_array_foreach(list, i, item) {
		subpath(sub, sizeof(sub), "$.runtimes[%zu]", i);
		if (load_runtime(&c, item, sub) != 0)
			goto cleanup;
	}
	rc = 0;
cleanup:
	json_decref(root);
	return rc;
}

static json_t *
generated_config(long i, const char *account, const char *region,
    int flag)
{
	char buf[256];
	json_t *cfg;

	snprintf(buf, sizeof(buf), "{\"agentRuntimeArtifact\": "
	    "{\"containerConfiguration\": {\"containerUri\": "
	    "\"%s.dkr.ecr.%s.amazonaws.com/agent-%06ld:latest\"}}}",
	    account, region, i);
	cfg = json_loads(buf, 0, NULL);
	if (cfg == NULL)
		MG_BUG("generated configuration does not parse");
	snprintf(buf, sizeof(buf), "arn:aws:iam::%s:role/AgentRuntimeRole",
	    account);
	json_object_set_new(cfg, "roleArn", json_string(buf));
	json_object_set_new(cfg, "networkConfiguration",
	    json_pack("{s:s}", "networkMode", "PUBLIC"));
	snprintf(buf, sizeof(buf), "generated runtime %ld", i);
	json_object_set_new(cfg, "description", json_string(buf));
	json_object_set_new(cfg, "protocolConfiguration",
	    json_pack("{s:s}", "serverProtocol", "HTTP"));
	json_object_set_new(cfg, "environmentVariables",
	    json_pack("{s:s}", "LOG_LEVEL", "info"));
	if (flag >= 0)
		json_object_set_new(cfg, "metadataConfiguration",
		    json_pack("{s:b}", "requireMMDSV2", flag));
	return cfg;
}

/*
 * The generated fleet repeats a pattern of ten runtimes (see
 * docs/EMULATOR.md): flags[k] lists each version's flag (-1: absent).
 */
static const struct {
	int post;
	int nversions;
	int flags[3];
	int prod;			/* version "prod" serves; 0: none */
	int canary;
} pattern[10] = {
	{ 1, 1, { 1, 0, 0 }, 0, 0 },
	{ 1, 1, { 1, 0, 0 }, 0, 0 },
	{ 1, 1, { 1, 0, 0 }, 0, 0 },
	{ 1, 3, { 1, 1, 1 }, 2, 0 },
	{ 0, 1, { 0, 0, 0 }, 0, 0 },
	{ 0, 1, { 0, 0, 0 }, 0, 0 },
	{ 0, 1, { -1, 0, 0 }, 0, 0 },
	{ 0, 3, { -1, 0, 1 }, 1, 3 },
	{ 0, 2, { -1, 1, 0 }, 0, 0 },
	{ 0, 1, { 1, 0, 0 }, 0, 0 },
};

/* count[@ACCOUNT/REGION] */
int
emu_fleet_generate(struct emu_server *srv, const char *spec,
    struct mg_err *err)
{
	char account[32] = EMU_DEFAULT_ACCOUNT, region[64] = EMU_DEFAULT_REGION;
	char name[64], seed[256], suffix[11], id[96];
	const char *at = strchr(spec, '@');
	struct emu_runtime *rt;
	struct emu_endpoint *ep;
	long long base;
	long count, i;
	char *end;
	int p, k;

	count = strtol(spec, &end, 10);
	if (at != NULL && (sscanf(at + 1, "%12[0-9]/%40[a-z0-9-]", account,
	    region) != 2 || strlen(account) != 12 ||
	    strlen(at + 1) != 13 + strlen(region)))
		count = -1;
	if (end == spec || (*end != '\0' && *end != '@') || count < 0 ||
	    count > 1000000)
		return mg_err_set(err, MG_EUSAGE, "--generate '%s': expected "
		    "COUNT or COUNT@ACCOUNT/REGION", spec);
	for (i = 0; i < count; i++) {
		p = (int)(i % 10);
		snprintf(name, sizeof(name), "gen_%06ld", i);
		snprintf(seed, sizeof(seed), "%s/%s/%s", account, region,
		    name);
		emu_hash_alnum(seed, suffix, 10);
		snprintf(id, sizeof(id), "%s-%s", name, suffix);
		if (emu_store_find_any(&srv->store, id) != NULL)
			return mg_err_set(err, MG_EUSAGE, "--generate '%s': "
			    "runtimes already generated for %s/%s", spec,
			    account, region);
		base = pattern[p].post ? EMU_MMDS_DEFAULT_FROM_MS + 14 *
		    24 * HOUR_MS : EMU_LEGACY_BASE_MS - 5 * 24 * HOUR_MS;
		rt = emu_runtime_new(&srv->store, id, name, account, region,
		    base + i * 1000);
		for (k = 0; k < pattern[p].nversions; k++)
			emu_runtime_add_version(rt, k + 1,
			    generated_config(i, account, region,
			    pattern[p].flags[k]), rt->created_ms +
			    (long long)k * HOUR_MS);
		if (pattern[p].prod != 0) {
			ep = emu_runtime_add_endpoint(rt, "prod",
			    rt->created_ms);
			ep->live = pattern[p].prod;
		}
		if (pattern[p].canary != 0) {
			ep = emu_runtime_add_endpoint(rt, "canary",
			    rt->created_ms);
			ep->live = pattern[p].canary;
		}
	}
	return 0;
}
