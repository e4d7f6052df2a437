/* SPDX-License-Identifier: Apache-2.0 */
/* finding.c: judging a runtime version and reporting the findings. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "finding.h"

const char *
mg_json_str(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

const char *
mg_verdict_name(enum mg_verdict v)
{
	switch (v) {
	case MG_COMPLIANT:
		return "compliant";
	case MG_NONCOMPLIANT:
		return "noncompliant";
	default:
		return "unknown";
	}
}

static int
days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * Parse "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" strictly. Returns
 * the epoch seconds, or -1; *millis gets the fraction's milliseconds.
 */
static long long
parse_rfc3339(const char *s, int *millis)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, n = 0, ms = 0, digits = 0;
	long long t;
	char sign;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10 ||
	    (s[10] != 'T' && s[10] != 't') ||
	    sscanf(s + 11, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) != 3 || n != 8)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60 || y < 1970)
		return -1;
	s += 19;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (digits < 3)
				ms = ms * 10 + (*s - '0');
		if (digits == 0)
			return -1;
		for (; digits < 3; digits++)
			ms *= 10;
	}
	sign = *s;
	if (sign == 'Z' || sign == 'z') {
		if (s[1] != '\0')
			return -1;
	} else if (sign == '+' || sign == '-') {
		if (sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 ||
		    s[6] != '\0' || oh > 23 || om > 59)
			return -1;
	} else
		return -1;
	t = (long long)days_from_civil(y, mo, d) * 86400 + h * 3600 +
	    mi * 60 + sec;
	if (sign == '+')
		t -= oh * 3600LL + om * 60;
	else if (sign == '-')
		t += oh * 3600LL + om * 60;
	if (millis != NULL)
		*millis = ms;
	return t;
}

long long
mg_timestamp_epoch(const json_t *v)
{
	if (json_is_number(v))
		return (long long)json_number_value(v);
	if (!json_is_string(v))
		return -1;
	return parse_rfc3339(json_string_value(v), NULL);
}

static void
format_epoch(long long t, int millis, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	char day[24];

	gmtime_r(&tt, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, 32, "%.19s.%03dZ", day, millis % 1000);
}

void
mg_rfc3339_now(char buf[32])
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	format_epoch((long long)ts.tv_sec, (int)(ts.tv_nsec / 1000000), buf);
}

char *
mg_timestamp_text(const json_t *v)
{
	char buf[32];
	long long t;
	double d;
	int ms = 0;

	if (json_is_number(v)) {
		d = json_number_value(v);
		if (d < 0 || d > 253402300799.0)
			return NULL;
		format_epoch((long long)d, (int)((d - (long long)d) * 1000),
		    buf);
		return strdup(buf);
	}
	if (!json_is_string(v))
		return NULL;
	/* Anything that is not RFC 3339 is left out, not passed on. */
	t = parse_rfc3339(json_string_value(v), &ms);
	if (t < 0)
		return NULL;
	format_epoch(t, ms, buf);
	return strdup(buf);
}

char *
mg_strip_controls(const char *s)
{
	char *out, *o;

	if (s == NULL)
		return NULL;
	out = malloc(strlen(s) + 1);
	if (out == NULL)
		return NULL;
	for (o = out; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		/* C0 controls, DEL, and the C1 range in UTF-8 (0xC2 0x80-9F) */
		if (c < 0x20 || c == 0x7f)
			continue;
		if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9f) {
			s++;
			continue;
		}
		/* Bidirectional overrides can reorder what a terminal shows:
		 * U+202A..U+202E and U+2066..U+2069. */
		if (c == 0xe2 && (unsigned char)s[1] == 0x80 &&
		    (unsigned char)s[2] >= 0xaa &&
		    (unsigned char)s[2] <= 0xae) {
			s += 2;
			continue;
		}
		if (c == 0xe2 && (unsigned char)s[1] == 0x81 &&
		    (unsigned char)s[2] >= 0xa6 &&
		    (unsigned char)s[2] <= 0xa9) {
			s += 2;
			continue;
		}
		*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

char *
mg_clean_vprintf(const char *fmt, va_list ap)
{
	char buf[2048];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	return mg_strip_controls(buf);
}

static void
set_verdict(struct mg_verdict_info *out, enum mg_verdict v, enum mg_flag f,
    const char *reason, const char *text)
{
	out->verdict = v;
	out->flag = f;
	out->reason = reason;
	snprintf(out->text, sizeof(out->text), "%s", text);
}

void
mg_verdict_of(const json_t *runtime, struct mg_verdict_info *out)
{
	json_t *mc, *flag;
	long long created;
	int recent;

	memset(out, 0, sizeof(*out));
	created = mg_timestamp_epoch(json_object_get(runtime, "createdAt"));
	recent = created >= MG_DEFAULT_TRUE_EPOCH;
	mc = json_object_get(runtime, "metadataConfiguration");
	if (mc == NULL) {
		set_verdict(out, MG_NONCOMPLIANT, MG_FLAG_NULL, "flag-absent",
		    recent ? "no metadataConfiguration; unexpected for a "
		    "runtime created after 2026-02-15, which should read "
		    "back true" : "no metadataConfiguration: MMDSv1 is "
		    "allowed");
		return;
	}
	if (json_is_null(mc)) {
		set_verdict(out, MG_NONCOMPLIANT, MG_FLAG_NULL, "config-null",
		    recent ? "metadataConfiguration is null; unexpected for a "
		    "runtime created after 2026-02-15" : "metadataConfiguration"
		    " is null: MMDSv1 is allowed");
		return;
	}
	if (!json_is_object(mc)) {
		set_verdict(out, MG_UNKNOWN, MG_FLAG_NULL, "wrong-type",
		    "metadataConfiguration is not an object");
		out->raw_value = json_dumps(mc, JSON_ENCODE_ANY | JSON_COMPACT);
		return;
	}
	if (json_object_size(mc) == 0) {
		set_verdict(out, MG_NONCOMPLIANT, MG_FLAG_NULL, "config-empty",
		    recent ? "metadataConfiguration is empty; unexpected for a "
		    "runtime created after 2026-02-15" : "metadataConfiguration"
		    " is empty: MMDSv1 is allowed");
		return;
	}
	flag = json_object_get(mc, "requireMMDSV2");
	if (flag == NULL)
		set_verdict(out, MG_NONCOMPLIANT, MG_FLAG_NULL, "flag-absent",
		    recent ? "requireMMDSV2 is absent; unexpected for a "
		    "runtime created after 2026-02-15" : "requireMMDSV2 is "
		    "absent: MMDSv1 is allowed");
	else if (json_is_null(flag))
		set_verdict(out, MG_NONCOMPLIANT, MG_FLAG_NULL, "flag-null",
		    recent ? "requireMMDSV2 is null; unexpected for a runtime "
		    "created after 2026-02-15" : "requireMMDSV2 is null: MMDSv1"
		    " is allowed");
	else if (json_is_true(flag))
		set_verdict(out, MG_COMPLIANT, MG_FLAG_TRUE, "flag-true",
		    "requireMMDSV2 is true");
	else if (json_is_false(flag))
		set_verdict(out, MG_NONCOMPLIANT, MG_FLAG_FALSE, "flag-false",
		    "requireMMDSV2 is false: MMDSv1 is allowed");
	else {
		set_verdict(out, MG_UNKNOWN, MG_FLAG_NULL, "wrong-type",
		    "requireMMDSV2 is not a boolean; not treated as a pass");
		out->raw_value = json_dumps(flag,
		    JSON_ENCODE_ANY | JSON_COMPACT);
	}
}

void
mg_verdict_info_release(struct mg_verdict_info *v)
{
	free(v->raw_value);
	v->raw_value = NULL;
}

int
mg_report_init(struct mg_report *r, size_t ntargets)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	mg_rfc3339_now(r->started_at);
	r->targets = calloc(ntargets ? ntargets : 1, sizeof(*r->targets));
	if (r->targets == NULL)
		return -1;
	r->ntargets = ntargets;
	for (i = 0; i < ntargets; i++) {
		r->targets[i].status = "ok";
		r->targets[i].notes = json_array();
		if (r->targets[i].notes == NULL)
			return -1;
	}
	return 0;
}

static void
finding_free(struct mg_finding *f)
{
	if (f == NULL)
		return;
	free(f->account);
	free(f->region);
	free(f->runtime_id);
	free(f->runtime_name);
	free(f->runtime_arn);
	free(f->runtime_status);
	free(f->created_at);
	free(f->version);
	json_decref(f->endpoints);
	free(f->raw_value);
	free(f->reason_text);
	json_decref(f->config);
	free(f);
}

void
mg_report_release(struct mg_report *r)
{
	size_t i;

	for (i = 0; i < r->ntargets; i++) {
		free(r->targets[i].account);
		free(r->targets[i].region);
		free(r->targets[i].error);
		json_decref(r->targets[i].notes);
	}
	free(r->targets);
	for (i = 0; i < r->nfindings; i++)
		finding_free(r->findings[i]);
	free(r->findings);
	memset(r, 0, sizeof(*r));
}

struct mg_finding *
mg_report_add(struct mg_report *r)
{
	struct mg_finding *f, **p;

	if (r->nfindings == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		p = realloc(r->findings, cap * sizeof(*p));
		if (p == NULL)
			return NULL;
		r->findings = p;
		r->cap = cap;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		return NULL;
	f->endpoints = json_array();
	if (f->endpoints == NULL) {
		free(f);
		return NULL;
	}
	r->findings[r->nfindings++] = f;
	return f;
}

static int
strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_finding(const void *pa, const void *pb)
{
	const struct mg_finding *a = *(struct mg_finding *const *)pa;
	const struct mg_finding *b = *(struct mg_finding *const *)pb;
	long va, vb;
	int c;

	if ((c = strcmp0(a->account, b->account)) != 0 ||
	    (c = strcmp0(a->region, b->region)) != 0 ||
	    (c = strcmp0(a->runtime_name, b->runtime_name)) != 0 ||
	    (c = strcmp0(a->runtime_id, b->runtime_id)) != 0)
		return c;
	va = a->version ? strtol(a->version, NULL, 10) : 0;
	vb = b->version ? strtol(b->version, NULL, 10) : 0;
	return va < vb ? 1 : va > vb ? -1 : 0;
}

void
mg_report_sort(struct mg_report *r)
{
	if (r->nfindings > 1)
		qsort(r->findings, r->nfindings, sizeof(*r->findings),
		    cmp_finding);
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
mg_finding_json(const struct mg_finding *f)
{
	json_t *o = json_object(), *raw = NULL;

	if (o == NULL)
		return NULL;
	if (f->raw_value != NULL)
		raw = json_loads(f->raw_value, JSON_DECODE_ANY, NULL);
	json_object_set_new(o, "account", str_or_null(f->account));
	json_object_set_new(o, "region", str_or_null(f->region));
	json_object_set_new(o, "runtimeId", str_or_null(f->runtime_id));
	json_object_set_new(o, "runtimeName", str_or_null(f->runtime_name));
	json_object_set_new(o, "runtimeArn", str_or_null(f->runtime_arn));
	json_object_set_new(o, "runtimeStatus",
	    str_or_null(f->runtime_status));
	json_object_set_new(o, "createdAt", str_or_null(f->created_at));
	json_object_set_new(o, "version", str_or_null(f->version));
	json_object_set(o, "endpoints", f->endpoints);
	json_object_set_new(o, "endpointsListed",
	    json_boolean(f->endpoints_listed));
	json_object_set_new(o, "requireMMDSV2",
	    f->flag == MG_FLAG_TRUE ? json_true() :
	    f->flag == MG_FLAG_FALSE ? json_false() : json_null());
	json_object_set_new(o, "rawValue", raw ? raw : json_null());
	json_object_set_new(o, "verdict",
	    json_string(mg_verdict_name(f->verdict)));
	json_object_set_new(o, "reason", str_or_null(f->reason));
	json_object_set_new(o, "reasonText", str_or_null(f->reason_text));
	return o;
}

void
mg_report_summary(const struct mg_report *r, struct mg_summary *s)
{
	json_t *seen = json_object();
	char key[512];
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < r->nfindings; i++) {
		const struct mg_finding *f = r->findings[i];

		snprintf(key, sizeof(key), "%s/%s/%s", f->account ?
		    f->account : "", f->region ? f->region : "",
		    f->runtime_id ? f->runtime_id : "");
		if (json_object_get(seen, key) == NULL) {
			json_object_set_new(seen, key, json_true());
			s->runtimes++;
		}
		if (f->version != NULL)
			s->versions++;
		if (f->verdict == MG_COMPLIANT)
			s->compliant++;
		else if (f->verdict == MG_NONCOMPLIANT)
			s->noncompliant++;
		else
			s->unknown++;
	}
	for (i = 0; i < r->ntargets; i++)
		if (strcmp(r->targets[i].status, "error") == 0)
			s->targets_failed++;
	json_decref(seen);
}

int
mg_report_exit_code(const struct mg_report *r)
{
	struct mg_summary s;
	size_t i, rejected = 0;

	mg_report_summary(r, &s);
	for (i = 0; i < r->ntargets; i++)
		if (r->targets[i].credentials_rejected)
			rejected++;
	if (s.noncompliant > 0)
		return 1;
	if (r->ntargets > 0 && rejected == r->ntargets)
		return 3;
	if (s.unknown > 0 || s.targets_failed > 0)
		return 4;
	return 0;
}

json_t *
mg_report_json(const struct mg_report *r)
{
	json_t *root, *targets, *findings, *summary;
	struct mg_summary s;
	size_t i;

	root = json_object();
	targets = json_array();
	findings = json_array();
	summary = json_object();
	if (!root || !targets || !findings || !summary) {
		json_decref(root);
		json_decref(targets);
		json_decref(findings);
		json_decref(summary);
		return NULL;
	}
	for (i = 0; i < r->ntargets; i++) {
		const struct mg_target_report *t = &r->targets[i];
		json_t *o = json_object();

		json_object_set_new(o, "account", str_or_null(t->account));
		json_object_set_new(o, "region", str_or_null(t->region));
		json_object_set_new(o, "status", json_string(t->status));
		if (t->error != NULL)
			json_object_set_new(o, "error", json_string(t->error));
		json_object_set(o, "notes", t->notes);
		json_array_append_new(targets, o);
	}
	for (i = 0; i < r->nfindings; i++)
		json_array_append_new(findings,
		    mg_finding_json(r->findings[i]));
	mg_report_summary(r, &s);
	json_object_set_new(summary, "runtimes", json_integer(s.runtimes));
	json_object_set_new(summary, "versions", json_integer(s.versions));
	json_object_set_new(summary, "compliant", json_integer(s.compliant));
	json_object_set_new(summary, "noncompliant",
	    json_integer(s.noncompliant));
	json_object_set_new(summary, "unknown", json_integer(s.unknown));
	json_object_set_new(summary, "targetsFailed",
	    json_integer(s.targets_failed));
	json_object_set_new(root, "schemaVersion", json_integer(1));
	json_object_set_new(root, "tool", json_string("mmdsguard"));
	json_object_set_new(root, "version", json_string(MG_VERSION));
	json_object_set_new(root, "startedAt", json_string(r->started_at));
	json_object_set_new(root, "finishedAt", json_string(
	    r->finished_at[0] ? r->finished_at : r->started_at));
	json_object_set_new(root, "targets", targets);
	json_object_set_new(root, "findings", findings);
	json_object_set_new(root, "summary", summary);
	return root;
}
