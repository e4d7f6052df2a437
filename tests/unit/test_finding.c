/* SPDX-License-Identifier: Apache-2.0 */
/* test_finding.c: verdicts, timestamps and the JSON report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "audit.h"
#include "finding.h"

struct verdict_row {
	const char *name;
	const char *runtime;		/* GetAgentRuntime answer */
	enum mg_verdict verdict;
	enum mg_flag flag;
	const char *reason;
	const char *raw;		/* expected rawValue or NULL */
	const char *text_has;		/* substring of the reason text */
};

#define OLD "\"createdAt\":\"2025-11-01T10:00:00.000Z\""
#define NEW "\"createdAt\":\"2026-03-01T10:00:00Z\""

static const struct verdict_row verdict_rows[] = {
	{ "true", "{" OLD ",\"metadataConfiguration\":{\"requireMMDSV2\":"
	    "true}}", MG_COMPLIANT, MG_FLAG_TRUE, "flag-true", NULL, NULL },
	{ "false", "{" OLD ",\"metadataConfiguration\":{\"requireMMDSV2\":"
	    "false}}", MG_NONCOMPLIANT, MG_FLAG_FALSE, "flag-false", NULL,
	    NULL },
	{ "no block, old runtime", "{" OLD "}", MG_NONCOMPLIANT, MG_FLAG_NULL,
	    "flag-absent", NULL, "MMDSv1 is allowed" },
	{ "no block, new runtime", "{" NEW "}", MG_NONCOMPLIANT,
	    MG_FLAG_NULL, "flag-absent", NULL, "unexpected" },
	{ "no block, epoch createdAt", "{\"createdAt\":1780000000}",
	    MG_NONCOMPLIANT, MG_FLAG_NULL, "flag-absent", NULL,
	    "unexpected" },
	{ "null block", "{" OLD ",\"metadataConfiguration\":null}",
	    MG_NONCOMPLIANT, MG_FLAG_NULL, "config-null", NULL, NULL },
	{ "empty block", "{" OLD ",\"metadataConfiguration\":{}}",
	    MG_NONCOMPLIANT, MG_FLAG_NULL, "config-empty", NULL, NULL },
	{ "null flag", "{" OLD ",\"metadataConfiguration\":{\"requireMMDSV2\""
	    ":null}}", MG_NONCOMPLIANT, MG_FLAG_NULL, "flag-null", NULL,
	    NULL },
	{ "other member only", "{" OLD ",\"metadataConfiguration\":"
	    "{\"x\":1}}", MG_NONCOMPLIANT, MG_FLAG_NULL, "flag-absent", NULL,
	    NULL },
	{ "number 1", "{" OLD ",\"metadataConfiguration\":{\"requireMMDSV2\""
	    ":1}}", MG_UNKNOWN, MG_FLAG_NULL, "wrong-type", "1", NULL },
	{ "string true", "{" OLD ",\"metadataConfiguration\":"
	    "{\"requireMMDSV2\":\"true\"}}", MG_UNKNOWN, MG_FLAG_NULL,
	    "wrong-type", "\"true\"", NULL },
	{ "block is a list", "{" OLD ",\"metadataConfiguration\":[true]}",
	    MG_UNKNOWN, MG_FLAG_NULL, "wrong-type", "[true]", NULL },
	{ "block is true", "{" OLD ",\"metadataConfiguration\":true}",
	    MG_UNKNOWN, MG_FLAG_NULL, "wrong-type", "true", NULL },
};

static void
test_verdicts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(verdict_rows) / sizeof(verdict_rows[0]); i++) {
		const struct verdict_row *r = &verdict_rows[i];
		struct mg_verdict_info vi;
		json_t *rt = json_loads(r->runtime, 0, NULL);

		print_message("verdict row: %s\n", r->name);
		assert_non_null(rt);
		mg_verdict_of(rt, &vi);
		assert_int_equal(vi.verdict, r->verdict);
		assert_int_equal(vi.flag, r->flag);
		assert_string_equal(vi.reason, r->reason);
		if (r->raw != NULL)
			assert_string_equal(vi.raw_value, r->raw);
		else
			assert_null(vi.raw_value);
		if (r->text_has != NULL)
			assert_non_null(strstr(vi.text, r->text_has));
		mg_verdict_info_release(&vi);
		json_decref(rt);
	}
}

struct id_row {
	const char *id;
	int valid;
};

static void
test_runtime_ids(void **state)
{
	static const struct id_row rows[] = {
		{ "my_agent-a1b2c3d4e5", 1 },
		{ "a-0123456789", 1 },
		{ "A_b_C-abcdefghij", 1 },
		{ "my-agent-a1b2c3d4e5", 0 },	/* '-' in the name part */
		{ "1agent-a1b2c3d4e5", 0 },
		{ "agent-a1b2c3d4e", 0 },
		{ "agent-a1b2c3d4e5f", 0 },
		{ "agent-a1b2c3d4e/", 0 },
		{ "agent-a1b2c3d4e%", 0 },
		{ "../x-a1b2c3d4e5", 0 },
		{ "", 0 },
		{ "-a1b2c3d4e5", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("id row: '%s'\n", rows[i].id);
		assert_int_equal(mg_runtime_id_valid(rows[i].id),
		    rows[i].valid);
	}
	assert_true(mg_version_valid("1"));
	assert_true(mg_version_valid("99999"));
	assert_false(mg_version_valid("0"));
	assert_false(mg_version_valid("100000"));
	assert_false(mg_version_valid("v2.1"));
	assert_false(mg_version_valid(""));
}

static void
test_arn_account(void **state)
{
	char *a;

	(void)state;
	a = mg_arn_account("arn:aws:bedrock-agentcore:us-east-1:123456789012:"
	    "runtime/x-0123456789");
	assert_string_equal(a, "123456789012");
	free(a);
	a = mg_arn_account("arn:aws:bedrock-agentcore:us-east-1:0000:agent/"
	    "uuid:1");
	assert_string_equal(a, "0000");
	free(a);
	assert_null(mg_arn_account("not-an-arn"));
	assert_null(mg_arn_account("arn:aws:x:r::runtime"));
}

static void
test_timestamps(void **state)
{
	json_t *v;
	char *s;

	(void)state;
	v = json_string("2026-02-15T00:00:00Z");
	assert_int_equal(mg_timestamp_epoch(v), MG_DEFAULT_TRUE_EPOCH);
	json_decref(v);
	v = json_string("2026-02-15T02:00:00+02:00");
	assert_int_equal(mg_timestamp_epoch(v), MG_DEFAULT_TRUE_EPOCH);
	s = mg_timestamp_text(v);
	assert_string_equal(s, "2026-02-15T00:00:00.000Z");
	free(s);
	json_decref(v);
	v = json_real(1771113600.25);
	s = mg_timestamp_text(v);
	assert_string_equal(s, "2026-02-15T00:00:00.250Z");
	free(s);
	json_decref(v);
	{
		static const char *const bad[] = { "yesterday",
		    "2026-05-01 10:00:00Z", "2026-13-45T99:99:99Z",
		    "2026-05-01T10:00:00", "2026-05-01T10:00:00.Z",
		    "2026-05-01T10:00:00Z trailing" };
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			v = json_string(bad[i]);
			print_message("bad timestamp: %s\n", bad[i]);
			assert_null(mg_timestamp_text(v));
			assert_int_equal(mg_timestamp_epoch(v), -1);
			json_decref(v);
		}
	}
	v = json_string("2026-05-01T10:00:00.5z");
	s = mg_timestamp_text(v);
	assert_string_equal(s, "2026-05-01T10:00:00.500Z");
	free(s);
	json_decref(v);
	v = json_string("2026-01-10T09:00:00.123Z");
	s = mg_timestamp_text(v);
	assert_string_equal(s, "2026-01-10T09:00:00.123Z");
	free(s);
	json_decref(v);
}

static void
test_strip_controls(void **state)
{
	char *s;

	(void)state;
	s = mg_strip_controls("ok\033[31mred\r\n\x7f\xc2\x9b" "caf\xc3\xa9");
	assert_string_equal(s, "ok[31mredcaf\xc3\xa9");
	free(s);
}

/* The report: account as a string, counts, exit codes. */
static void
test_report(void **state)
{
	struct mg_report r;
	struct mg_finding *f;
	json_t *j, *sum;

	(void)state;
	assert_int_equal(mg_report_init(&r, 1), 0);
	r.targets[0].region = strdup("us-east-1");
	r.targets[0].account = strdup("123456789012");
	f = mg_report_add(&r);
	f->account = strdup("123456789012");
	f->region = strdup("us-east-1");
	f->runtime_id = strdup("a-0123456789");
	f->version = strdup("2");
	f->verdict = MG_COMPLIANT;
	f->flag = MG_FLAG_TRUE;
	f->reason = "flag-true";
	assert_int_equal(mg_report_exit_code(&r), 0);
	f = mg_report_add(&r);
	f->account = strdup("123456789012");
	f->region = strdup("us-east-1");
	f->runtime_id = strdup("a-0123456789");
	f->version = strdup("10");
	f->verdict = MG_UNKNOWN;
	f->reason = "wrong-type";
	f->raw_value = strdup("\"true\"");
	assert_int_equal(mg_report_exit_code(&r), 4);
	f = mg_report_add(&r);
	f->runtime_id = strdup("b-0123456789");
	f->region = strdup("us-east-1");
	f->version = strdup("1");
	f->verdict = MG_NONCOMPLIANT;
	f->reason = "flag-false";
	assert_int_equal(mg_report_exit_code(&r), 1);
	mg_report_sort(&r);
	/* same runtime: newest version first (10 before 2, numerically) */
	assert_string_equal(r.findings[1]->version, "10");
	j = mg_report_json(&r);
	assert_int_equal(json_integer_value(json_object_get(j,
	    "schemaVersion")), 1);
	sum = json_object_get(j, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum,
	    "runtimes")), 2);
	assert_int_equal(json_integer_value(json_object_get(sum,
	    "versions")), 3);
	assert_int_equal(json_integer_value(json_object_get(sum,
	    "unknown")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(j, "findings"), 1), "rawValue")), "true");
	json_decref(j);
	r.targets[0].credentials_rejected = 1;
	r.targets[0].status = "error";
	assert_int_equal(mg_report_exit_code(&r), 1);
	mg_report_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_runtime_ids),
		cmocka_unit_test(test_arn_account),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_strip_controls),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
