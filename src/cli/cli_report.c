/* SPDX-License-Identifier: Apache-2.0 */
/* cli_report.c: render a report for people (table) and machines (JSON). */
#include <stdlib.h>
#include <string.h>

#include "cli_report.h"

/* Column text: controls stripped, NULL shown as '-'. */
static char *
cell(const char *s)
{
	char *c = mg_strip_controls(s ? s : "-");

	return c ? c : strdup("?");
}

static char *
endpoints_text(const struct mg_finding *f)
{
	size_t i, n = 0;
	json_t *v;
	char *out, *clean;

	json_array_foreach(f->endpoints, i, v)
		n += strlen(json_string_value(v)) + 1;
	out = calloc(1, n + 2);
	if (out == NULL)
		return NULL;
	json_array_foreach(f->endpoints, i, v) {
		if (i > 0)
			strcat(out, ",");
		strcat(out, json_string_value(v));
	}
	if (n == 0)
		strcpy(out, "-");
	clean = mg_strip_controls(out);
	free(out);
	return clean;
}

void
cli_report_summary_line(FILE *fp, const struct mg_report *r)
{
	struct mg_summary s;

	mg_report_summary(r, &s);
	fprintf(fp, "summary: %zu runtime%s, %zu version%s audited: "
	    "%zu compliant, %zu noncompliant, %zu unknown", s.runtimes,
	    s.runtimes == 1 ? "" : "s", s.versions, s.versions == 1 ? "" : "s",
	    s.compliant, s.noncompliant, s.unknown);
	if (s.targets_failed > 0)
		fprintf(fp, "; %zu of %zu target%s failed", s.targets_failed,
		    r->ntargets, r->ntargets == 1 ? "" : "s");
	fputc('\n', fp);
}

static const char *
color_of(enum mg_verdict v)
{
	return v == MG_COMPLIANT ? "\033[32m" : v == MG_NONCOMPLIANT ?
	    "\033[31m" : "\033[33m";
}

static void
print_rows(FILE *fp, const struct mg_report *r, const struct cli_report_opts *o)
{
	int w_rt = 7, w_ep = 9, w_st = 6, w_reg = 6;
	size_t i;

	for (i = 0; i < r->nfindings; i++) {
		const struct mg_finding *f = r->findings[i];
		char *ep = endpoints_text(f);
		int n;

		n = (int)strlen(f->runtime_id ? f->runtime_id : "-");
		if (n > w_rt)
			w_rt = n;
		if (ep && (int)strlen(ep) > w_ep)
			w_ep = (int)strlen(ep);
		if (f->runtime_status && (int)strlen(f->runtime_status) > w_st)
			w_st = (int)strlen(f->runtime_status);
		if (f->region && (int)strlen(f->region) > w_reg)
			w_reg = (int)strlen(f->region);
		free(ep);
	}
	if (w_ep > 30)
		w_ep = 30;
	fprintf(fp, "%-12s  %-*s  %-*s  %-7s  %-*s  %-*s  %-12s  %s\n",
	    "ACCOUNT", w_reg, "REGION", w_rt, "RUNTIME", "VERSION", w_ep,
	    "ENDPOINTS", w_st, "STATUS", "VERDICT", "REASON");
	for (i = 0; i < r->nfindings; i++) {
		const struct mg_finding *f = r->findings[i];
		char *acct = cell(f->account), *id = cell(f->runtime_id);
		char *st = cell(f->runtime_status), *ep = endpoints_text(f);
		char *reg = cell(f->region), *ver = cell(f->version);

		fprintf(fp, "%-12s  %-*s  %-*s  %-7s  %-*s  %-*s  %s%-12s%s"
		    "  %s\n", acct, w_reg, reg, w_rt, id, ver, w_ep,
		    ep ? ep : "-", w_st, st, o->color ? color_of(f->verdict) :
		    "", mg_verdict_name(f->verdict), o->color ? "\033[0m" : "",
		    f->reason ? f->reason : "-");
		free(acct);
		free(id);
		free(st);
		free(ep);
		free(reg);
		free(ver);
	}
}

static void
print_next_steps(FILE *fp, const struct mg_report *r,
    const struct cli_report_opts *o)
{
	const char *last = NULL;
	int any = 0;
	size_t i;

	for (i = 0; i < r->nfindings; i++) {
		const struct mg_finding *f = r->findings[i];
		char *name, *text, *ep, *id, *ver, *reg;

		if (f->verdict != MG_NONCOMPLIANT)
			continue;
		if (!any)
			fputs("\nWhat to do next:\n", fp);
		any = 1;
		name = cell(f->runtime_name);
		text = cell(f->reason_text);
		ep = endpoints_text(f);
		id = cell(f->runtime_id);
		ver = cell(f->version);
		reg = cell(f->region);
		fprintf(fp, "  %s (%s) version %s, served by %s: %s\n", id,
		    name, ver, ep ? ep : "-", text);
		if (json_array_size(f->endpoints) == 0) {
			fprintf(fp, "    no endpoint serves this version: "
			    "nothing to do unless one is pointed at it\n");
			goto next;
		}
		if (last == NULL || strcmp(last, f->runtime_id) != 0) {
			fprintf(fp, "    plan the fix:  mmdsguard fix%s%s%s%s "
			    "--region %s --runtime %s%s\n",
			    o->profile ? " --profile " : "",
			    o->profile ? o->profile : "",
			    o->endpoint_url ? " --endpoint-url " : "",
			    o->endpoint_url ? o->endpoint_url : "",
			    reg, id,
			    json_array_size(f->endpoints) > 0 &&
			    strcmp(json_string_value(json_array_get(
			    f->endpoints, 0)), "DEFAULT") != 0 ?
			    " --repoint-endpoints" : "");
			last = f->runtime_id;
		}
		if (json_array_size(f->endpoints) > 0 &&
		    strcmp(json_string_value(json_array_get(f->endpoints, 0)),
		    "DEFAULT") != 0)
			fprintf(fp, "    this version is pinned by a named "
			    "endpoint: after the fix, move it to the new "
			    "version (--repoint-endpoints)\n");
next:
		free(name);
		free(text);
		free(ep);
		free(id);
		free(ver);
		free(reg);
	}
}

void
cli_report_table(FILE *fp, const struct mg_report *r,
    const struct cli_report_opts *o)
{
	size_t i, j;
	json_t *n;

	if (r->nfindings > 0)
		print_rows(fp, r, o);
	for (i = 0; i < r->ntargets; i++) {
		const struct mg_target_report *t = &r->targets[i];

		if (t->error != NULL) {
			char *e = cell(t->error);

			fprintf(fp, "target %s %s: %s: %s\n",
			    t->account ? t->account : "-", t->region,
			    t->status, e);
			free(e);
		}
		json_array_foreach(t->notes, j, n) {
			char *c = cell(json_string_value(n));

			fprintf(fp, "note: %s: %s\n", t->region, c);
			free(c);
		}
	}
	print_next_steps(fp, r, o);
	if (r->nfindings > 0)
		fputc('\n', fp);
	cli_report_summary_line(fp, r);
}

int
cli_report_json(FILE *fp, const struct mg_report *r)
{
	json_t *root = mg_report_json(r);
	int rc;

	if (root == NULL)
		return -1;
	rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', fp);
	json_decref(root);
	return rc;
}
