/* SPDX-License-Identifier: Apache-2.0 */
/* emu_faults.c: the --fault switches and who they apply to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

struct kind_info {
	const char *name;
	enum emu_fault_kind kind;
	int arg;			/* 0 none, 1 optional count, 2 needed */
};

static const struct kind_info kinds[] = {
	{ "drop-after-apply", EMU_F_DROP_AFTER_APPLY, 1 },
	{ "late-updating", EMU_F_LATE_UPDATING, 2 },
	{ "harness", EMU_F_HARNESS, 2 },
	{ "refuse-authorizer-once", EMU_F_REFUSE_AUTHORIZER_ONCE, 0 },
	{ "conflict-once", EMU_F_CONFLICT_ONCE, 0 },
	{ "vanish-on-get", EMU_F_VANISH_ON_GET, 0 },
	{ "access-denied", EMU_F_ACCESS_DENIED, 0 },
	{ "repeat-token", EMU_F_REPEAT_TOKEN, 0 },
	{ "region-error", EMU_F_REGION_ERROR, 0 },
	{ "fail-update", EMU_F_FAIL_UPDATE, 1 },
	{ NULL, 0, 0 },
};

static int
parse_count(const char *s, long long *out)
{
	char *end;

	*out = strtoll(s, &end, 10);
	return (end == s || *end != '\0' || *out < 0) ? -1 : 0;
}

/* KIND:TARGET[:ARG] */
int
emu_faults_add(struct emu_faults *f, const char *spec, struct mg_err *err)
{
	const struct kind_info *k;
	struct emu_fault *nv, fl;
	char *copy = strdup(spec), *target, *arg;
	int rc = -1;

	memset(&fl, 0, sizeof(fl));
	if (copy == NULL)
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	target = strchr(copy, ':');
	if (target == NULL || target[1] == '\0') {
		mg_err_set(err, MG_EUSAGE, "fault '%s': expected "
		    "KIND:TARGET[:ARG]", spec);
		goto cleanup;
	}
	*target++ = '\0';
	arg = strchr(target, ':');
	if (arg != NULL)
		*arg++ = '\0';
	for (k = kinds; k->name != NULL; k++)
		if (strcmp(k->name, copy) == 0)
			break;
	if (k->name == NULL) {
		mg_err_set(err, MG_EUSAGE, "fault '%s': unknown kind '%s'",
		    spec, copy);
		goto cleanup;
	}
	fl.kind = k->kind;
	fl.num = 1;
	if ((k->arg == 0 && arg != NULL) || (k->arg == 2 && arg == NULL)) {
		mg_err_set(err, MG_EUSAGE, "fault '%s': %s", spec,
		    k->arg == 0 ? "takes no argument" : "needs an argument");
		goto cleanup;
	}
	if (arg != NULL && k->kind != EMU_F_HARNESS &&
	    parse_count(arg, &fl.num) != 0) {
		mg_err_set(err, MG_EUSAGE, "fault '%s': '%s' is not a "
		    "number", spec, arg);
		goto cleanup;
	}
	fl.target = strdup(target);
	fl.arg = arg != NULL ? strdup(arg) : NULL;
	nv = realloc(f->v, (f->n + 1) * sizeof(f->v[0]));
	if (fl.target == NULL || (arg != NULL && fl.arg == NULL) ||
	    nv == NULL) {
		free(fl.target);
		free(fl.arg);
		if (nv != NULL)
			f->v = nv;
		mg_err_set(err, MG_ENOMEM, "out of memory");
		goto cleanup;
	}
	f->v = nv;
	f->v[f->n++] = fl;
	rc = 0;
cleanup:
	free(copy);
	return rc;
}

void
emu_faults_release(struct emu_faults *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].target);
		free(f->v[i].arg);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

static int
targets(const struct emu_fault *fl, const struct emu_runtime *rt)
{
	return strcmp(fl->target, "*") == 0 ||
	    strcmp(fl->target, rt->id) == 0 ||
	    strcmp(fl->target, rt->name) == 0;
}

struct emu_fault *
emu_fault_find(struct emu_faults *f, enum emu_fault_kind kind,
    const struct emu_runtime *rt)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i].kind == kind && targets(&f->v[i], rt))
			return &f->v[i];
	return NULL;
}

/* For faults that fire a number of times: 1 when it fires now. */
int
emu_fault_take(struct emu_faults *f, enum emu_fault_kind kind,
    const struct emu_runtime *rt)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].kind != kind || !targets(&f->v[i], rt) ||
		    f->v[i].num <= 0)
			continue;
		f->v[i].num--;
		return 1;
	}
	return 0;
}

/* Faults aimed at a whole account and region: "*", a region or a runtime. */
int
emu_fault_region(struct emu_server *srv, enum emu_fault_kind kind,
    const char *account, const char *region)
{
	struct emu_faults *f = &srv->faults;
	struct emu_runtime *rt;
	size_t i, j;

	for (i = 0; i < f->n; i++) {
		if (f->v[i].kind != kind)
			continue;
		if (strcmp(f->v[i].target, "*") == 0 ||
		    strcmp(f->v[i].target, region) == 0)
			return 1;
		for (j = 0; j < srv->store.n; j++) {
			rt = srv->store.runtimes[j];
			if (targets(&f->v[i], rt) &&
			    strcmp(rt->account, account) == 0 &&
			    strcmp(rt->region, region) == 0)
				return 1;
		}
	}
	return 0;
}
