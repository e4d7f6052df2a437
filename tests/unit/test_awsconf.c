/* SPDX-License-Identifier: Apache-2.0 */
/* test_awsconf.c: the config file reader, row by row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "awsconf.h"

#define CFG MG_AWSCONF_CONFIG
#define CRD MG_AWSCONF_CREDENTIALS

/* One lookup: profile/key must give want (NULL: absent). */
struct expect {
	const char *profile;
	const char *key;
	const char *want;
};

struct row {
	const char *name;
	enum mg_awsconf_kind kind;
	const char *text;
	const char *error;	/* NULL: must parse; else in the message */
	struct expect expect[6];
};

static const struct row rows[] = {
	{ "plain", CFG, "[default]\nregion = us-east-1\n", NULL,
	    { { "default", "region", "us-east-1" } } },
	{ "comments keep inline text", CFG,
	    "# c\n; c\n[default]\n  # k = v\nregion = us-east-1 # not a "
	    "comment\nb = x ; y\n", NULL,
	    { { "default", "region", "us-east-1 # not a comment" },
	      { "default", "b", "x ; y" },
	      { "default", "k", NULL } } },
	{ "profile prefix in config", CFG,
	    "[profile dev]\na = 1\n[dev2]\nb = 2\n[profile \"q p\"]\nc = 3\n",
	    NULL,
	    { { "dev", "a", "1" }, { "dev2", "b", NULL },
	      { "profile dev", "a", NULL }, { "q p", "c", "3" } } },
	{ "profile prefix kept in credentials", CRD,
	    "[profile dev]\na = 1\n[dev2]\nb = 2\n", NULL,
	    { { "profile dev", "a", "1" }, { "dev2", "b", "2" },
	      { "dev", "a", NULL } } },
	{ "profiles quirk and bad names", CFG,
	    "[profiles x]\na = 1\n[profile]\nb = 2\n[profile a b]\nc = 3\n"
	    "[profile \"open]\nd = 4\n[ profile y ]\ne = 5\n", NULL,
	    { { "x", "a", "1" }, { "profile", "b", NULL },
	      { "a", "c", NULL }, { "\"open", "d", NULL },
	      { "y", "e", NULL } } },
	{ "shlex quoting in profile names", CFG,
	    "[profile \"a\\\"b\"]\nx = 1\n[profile c\\ d]\ny = 2\n"
	    "[profile \"e\\f\"]\nz = 3\n[profile 'g\\h']\nw = 4\n", NULL,
	    { { "a\"b", "x", "1" }, { "c d", "y", "2" },
	      { "e\\f", "z", "3" }, { "g\\h", "w", "4" } } },
	{ "later default section wins", CFG,
	    "[profile default]\nregion = a\nx = 1\n[default]\nregion = b\n",
	    NULL,
	    { { "default", "region", "b" }, { "default", "x", NULL } } },
	{ "later profile default wins", CFG,
	    "[default]\nregion = b\n[profile default]\nregion = a\n", NULL,
	    { { "default", "region", "a" } } },
	{ "keys lowercased, values not", CRD,
	    "[Dev]\nAWS_Access_Key_ID = AbC\n", NULL,
	    { { "Dev", "aws_access_key_id", "AbC" },
	      { "dev", "aws_access_key_id", NULL },
	      { "Dev", "AWS_Access_Key_ID", NULL } } },
	{ "sub-section", CFG,
	    "[default]\ns3 =\n  addressing_style = path\n  Max_Conc = 1 = 2"
	    "\n\n  # c\nregion = x\n", NULL,
	    { { "default", "s3.addressing_style", "path" },
	      { "default", "s3.Max_Conc", "1 = 2" },
	      { "default", "s3", NULL }, { "default", "region", "x" } } },
	{ "continuation lines", CRD,
	    "[a]\nnote = one\n  two\n\n\tthree\nnext = 1\n", NULL,
	    { { "a", "note", "one\ntwo\n\nthree" }, { "a", "next", "1" } } },
	{ "colon delimiter, first one splits", CRD,
	    "[a]\nregion: us\nurl = http://h:1\nodd : b = c\n", NULL,
	    { { "a", "region", "us" }, { "a", "url", "http://h:1" },
	      { "a", "odd", "b = c" } } },
	{ "empty values", CRD, "[a]\nx =\ny:\ns3 =\n\n[b]\n", NULL,
	    { { "a", "x", "" }, { "a", "y", "" }, { "a", "s3", "" } } },
	{ "spaces in section names are kept", CRD,
	    "[ a ]\nx = 1\n[a]\nx = 2\n", NULL,
	    { { " a ", "x", "1" }, { "a", "x", "2" } } },
	{ "DEFAULT is inherited", CRD,
	    "[DEFAULT]\nregion = r\n[a]\nx = 1\n[b]\nregion = q\n", NULL,
	    { { "a", "region", "r" }, { "b", "region", "q" },
	      { "DEFAULT", "region", NULL } } },
	{ "header with trailing text", CRD, "[a] # note\nx = 1\n", NULL,
	    { { "a", "x", "1" } } },
	{ "CRLF and lone CR", CRD, "[a]\r\nx = 1\r\n  y\r\rz = 2\r", NULL,
	    { { "a", "x", "1\ny" }, { "a", "z", "2" } } },
	{ "unicode spaces are stripped", CRD,
	    "[a]\n\xc2\xa0k\xe3\x80\x80=\xe2\x80\x83v\xc2\xa0\n", NULL,
	    { { "a", "k", "v" } } },
	{ "indented header continues a value", CRD,
	    "[a]\nx = 1\n  [b]\n", NULL,
	    { { "a", "x", "1\n[b]" }, { "b", "x", NULL } } },
	{ "duplicate key", CRD, "[a]\nx = 1\ny = 2\nx = 3\n",
	    ":4: key 'x' appears twice", { { NULL } } },
	{ "duplicate key by case", CRD, "[a]\nRegion = 1\nregion = 2\n",
	    ":3: key 'region' appears twice", { { NULL } } },
	{ "duplicate section", CRD, "[a]\n[b]\n[a]\n",
	    ":3: section [a] appears twice", { { NULL } } },
	{ "no section header", CRD, "\n# c\nx = 1\n[a]\n",
	    ":3: no section header", { { NULL } } },
	{ "byte order mark", CFG, "\xef\xbb\xbf[default]\n",
	    ":1: file starts with a UTF-8 byte order mark", { { NULL } } },
	{ "invalid UTF-8", CRD, "[a]\nx = \xc0\xaf\n", ":2: invalid UTF-8",
	    { { NULL } } },
	{ "line without delimiter", CRD, "[a]\nx\n", ":2: expected",
	    { { NULL } } },
	{ "key missing", CRD, "[a]\n= x\n", ":2: no key before '='",
	    { { NULL } } },
	{ "sub-section line without =", CFG, "[default]\ns3 =\n  a: b\n",
	    ":2: expected 'key = value' in the indented block under 's3'",
	    { { NULL } } },
	{ "bad sub-section in a non-profile section", CFG,
	    "[plugins]\ns3 =\n  a\n", ":2:", { { NULL } } },
	{ "empty file", CFG, "", NULL, { { "default", "region", NULL } } },
};

static char *
write_temp(const char *text, size_t len)
{
	char tmpl[] = "/tmp/mg_test_awsconf_XXXXXX";
	int fd = mkstemp(tmpl);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return strdup(tmpl);
}

static void
run_row(const struct row *r)
{
	struct mg_awsconf *c = NULL;
	struct mg_err err;
	char *path = write_temp(r->text, strlen(r->text));
	const struct expect *e;
	const char *got;
	size_t i;
	int rc;

	mg_err_clear(&err);
	rc = mg_awsconf_load(path, r->kind, &c, &err);
	if (r->error != NULL) {
		if (rc == 0 || strstr(err.msg, r->error) == NULL ||
		    strncmp(err.msg, path, strlen(path)) != 0 ||
		    err.code != MG_ECONFIG)
			fail_msg("row '%s': want error '%s', got rc %d '%s'",
			    r->name, r->error, rc, err.msg);
		assert_null(c);
	} else if (rc != 0) {
		fail_msg("row '%s': unexpected error '%s'", r->name, err.msg);
	}
	for (i = 0; r->error == NULL && i < 6 && r->expect[i].key; i++) {
		e = &r->expect[i];
		got = mg_awsconf_get(c, e->profile, e->key);
		if ((e->want == NULL) != (got == NULL) ||
		    (got != NULL && strcmp(got, e->want) != 0))
			fail_msg("row '%s': [%s] %s: want '%s', got '%s'",
			    r->name, e->profile, e->key,
			    e->want ? e->want : "(none)", got ? got : "(none)");
	}
	mg_awsconf_free(c);
	unlink(path);
	free(path);
}

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
}

static void
test_missing_file_is_empty(void **state)
{
	struct mg_awsconf *c = NULL;
	struct mg_err err;

	(void)state;
	assert_int_equal(mg_awsconf_load("/nonexistent/dir/config", CFG, &c,
	    &err), 0);
	assert_false(mg_awsconf_has_profile(c, "default"));
	assert_string_equal(mg_awsconf_path(c), "/nonexistent/dir/config");
	mg_awsconf_free(c);

	/* A directory is "not a file" to botocore too. */
	assert_int_equal(mg_awsconf_load("/tmp", CRD, &c, &err), 0);
	assert_false(mg_awsconf_has_profile(c, "default"));
	mg_awsconf_free(c);
}

static void
test_long_token_and_line_bound(void **state)
{
	struct mg_awsconf *c = NULL;
	struct mg_err err;
	char *text = malloc(70000 + 64);
	char *path;
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, 64, "[a]\naws_session_token = ");
	memset(text + n, 'T', 1500);
	memcpy(text + n + 1500, "\n", 2);
	path = write_temp(text, strlen(text));
	assert_int_equal(mg_awsconf_load(path, CRD, &c, &err), 0);
	assert_int_equal(strlen(mg_awsconf_get(c, "a", "aws_session_token")),
	    1500);
	mg_awsconf_free(c);
	unlink(path);
	free(path);

	memset(text + n, 'T', 70000);
	memcpy(text + n + 70000, "\n", 2);
	path = write_temp(text, strlen(text));
	assert_int_equal(mg_awsconf_load(path, CRD, &c, &err), -1);
	assert_int_equal(err.code, MG_ECONFIG);
	assert_non_null(strstr(err.msg, ":2: line longer than"));
	unlink(path);
	free(path);
	free(text);
}

static void
test_nul_byte_rejected(void **state)
{
	static const char text[] = "[a]\nx = 1\0 2\n";
	struct mg_awsconf *c = NULL;
	struct mg_err err;
	char *path = write_temp(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(mg_awsconf_load(path, CRD, &c, &err), -1);
	assert_non_null(strstr(err.msg, ":2: NUL byte"));
	unlink(path);
	free(path);
}

struct walk_log {
	char text[512];
};

static int
log_item(const struct mg_awsconf_item *it, void *arg)
{
	struct walk_log *log = arg;
	size_t n = strlen(log->text);

	snprintf(log->text + n, sizeof(log->text) - n, "%s|%s|%s|%s;",
	    it->profile, it->key ? it->key : "-",
	    it->subkey ? it->subkey : "-", it->value ? it->value : "-");
	return 0;
}

static void
test_walk_and_has_key(void **state)
{
	static const char text[] =
	    "[a]\nx = 1\ns3 =\n  k = v\n[empty]\n";
	struct mg_awsconf *c = NULL;
	struct walk_log log = { "" };
	struct mg_err err;
	char *path = write_temp(text, sizeof(text) - 1);

	(void)state;
	assert_int_equal(mg_awsconf_load(path, CRD, &c, &err), 0);
	assert_int_equal(mg_awsconf_walk(c, log_item, &log), 0);
	assert_string_equal(log.text,
	    "a|-|-|-;a|x|-|1;a|s3|k|v;empty|-|-|-;");
	assert_true(mg_awsconf_has_key(c, "a", "s3"));
	assert_true(mg_awsconf_has_key(c, "a", "x"));
	assert_false(mg_awsconf_has_key(c, "a", "y"));
	assert_true(mg_awsconf_has_profile(c, "empty"));
	mg_awsconf_free(c);
	unlink(path);
	free(path);
}

struct expand_row {
	const char *name;
	const char *in;
	const char *want;
};

static void
test_expand_path(void **state)
{
	static const struct expand_row xr[] = {
		{ "tilde", "~/.aws/config", "/home/u/.aws/config" },
		{ "tilde alone", "~", "/home/u" },
		{ "braced var", "${MGX}/c", "/x/y/c" },
		{ "bare var", "$MGX/c", "/x/y/c" },
		{ "unset var kept", "$MG_UNSET_VAR/c", "$MG_UNSET_VAR/c" },
		{ "open brace kept", "${MGX", "${MGX" },
		{ "var then tilde", "$MGT/a", "/home/u/a" },
		{ "tilde not first", "/a/~/b", "/a/~/b" },
		{ "unknown user", "~nosuchuser_mg/x", "~nosuchuser_mg/x" },
		{ "root user", "~root/x", "/root/x" },
	};
	char *saved = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	struct mg_err err;
	char *out;
	size_t i;

	(void)state;
	setenv("HOME", "/home/u/", 1);
	setenv("MGX", "/x/y", 1);
	setenv("MGT", "~", 1);
	for (i = 0; i < sizeof(xr) / sizeof(xr[0]); i++) {
		assert_int_equal(mg_awsconf_expand_path(xr[i].in, &out, &err),
		    0);
		if (strcmp(out, xr[i].want) != 0)
			fail_msg("row '%s': want '%s', got '%s'", xr[i].name,
			    xr[i].want, out);
		free(out);
	}
	unsetenv("MGX");
	unsetenv("MGT");
	if (saved != NULL)
		setenv("HOME", saved, 1);
	else
		unsetenv("HOME");
	free(saved);
}

static void
test_sensitive_keys(void **state)
{
	(void)state;
	assert_true(mg_awsconf_key_is_sensitive("aws_secret_access_key"));
	assert_true(mg_awsconf_key_is_sensitive("aws_session_token"));
	assert_true(mg_awsconf_key_is_sensitive("aws_security_token"));
	assert_false(mg_awsconf_key_is_sensitive("aws_access_key_id"));
	assert_false(mg_awsconf_key_is_sensitive("region"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_missing_file_is_empty),
		cmocka_unit_test(test_long_token_and_line_bound),
		cmocka_unit_test(test_nul_byte_rejected),
		cmocka_unit_test(test_walk_and_has_key),
		cmocka_unit_test(test_expand_path),
		cmocka_unit_test(test_sensitive_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
