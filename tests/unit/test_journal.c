/* SPDX-License-Identifier: Apache-2.0 */
/* test_journal.c: the JSON Lines fix journal, written and read back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

struct fixture {
	char dir[256];
};

static int
make_tmp(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *base = getenv("TMPDIR");

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/test_journal.XXXXXX",
	    base != NULL && base[0] == '/' ? base : "/tmp");
	if (mkdtemp(fx->dir) == NULL) {
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
remove_tree(const char *path)
{
	char cmd[600];

	/* The folder is ours and its name has no quote in it. */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd) == 0 ? 0 : -1;
}

static int
drop_tmp(void **state)
{
	struct fixture *fx = *state;
	int rc = remove_tree(fx->dir);

	free(fx);
	return rc;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static int
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (int)(st.st_mode & 07777);
}

/* 2026-07-01T12:00:00.123Z */
static void
assert_rfc3339_utc(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	size_t i;

	assert_non_null(s);
	assert_int_equal(strlen(s), strlen(shape));
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd')
			assert_true(s[i] >= '0' && s[i] <= '9');
		else
			assert_int_equal(s[i], shape[i]);
	}
}

static void
test_append_and_read(void **state)
{
	struct fixture *fx = *state;
	struct mg_journal *j = NULL;
	struct mg_err err;
	json_t *entries = NULL, *e;
	char path[600], parent[512];
	const char *run;
	mode_t old;
	size_t i;

	/* Nested folders that do not exist yet. */
	snprintf(parent, sizeof(parent), "%s/state/mmdsguard/deep", fx->dir);
	snprintf(path, sizeof(path), "%s/journal.jsonl", parent);
	old = umask(022);
	assert_int_equal(mg_journal_open(path, &j, &err), 0);
	umask(old);
	assert_non_null(j);
	assert_string_equal(mg_journal_path(j), path);
	assert_int_equal(mode_of(parent), 0700);
	snprintf(parent, sizeof(parent), "%s/state/mmdsguard", fx->dir);
	assert_int_equal(mode_of(parent), 0700);
	snprintf(parent, sizeof(parent), "%s/state", fx->dir);
	assert_int_equal(mode_of(parent), 0700);
	assert_int_equal(mode_of(path), 0600);
	/* The existing folder above keeps its own mode. */
	assert_int_equal(mode_of(fx->dir), 0700);

	for (i = 0; i < 5; i++) {
		e = json_pack("{s:s, s:i, s:s}", "action", "update-runtime",
		    "n", (int)i, "text", "\u00e9 \"q\" back\\slash\nnewline");
		assert_int_equal(mg_journal_append(j, e, &err), 0);
		/* The entry the caller passed now carries the two members. */
		assert_non_null(json_object_get(e, "time"));
		assert_non_null(json_object_get(e, "run"));
		json_decref(e);
	}
	mg_journal_close(j);

	assert_int_equal(mg_journal_read(path, &entries, &err), 0);
	assert_int_equal(json_array_size(entries), 5);
	run = json_string_value(json_object_get(json_array_get(entries, 0),
	    "run"));
	assert_non_null(run);
	assert_true(strlen(run) > 0);
	json_array_foreach(entries, i, e) {
		assert_int_equal(json_integer_value(json_object_get(e, "n")),
		    (json_int_t)i);
		assert_string_equal(json_string_value(json_object_get(e,
		    "action")), "update-runtime");
		assert_string_equal(json_string_value(json_object_get(e,
		    "text")), "\u00e9 \"q\" back\\slash\nnewline");
		assert_rfc3339_utc(json_string_value(json_object_get(e,
		    "time")));
		assert_string_equal(json_string_value(json_object_get(e,
		    "run")), run);
		assert_int_equal(json_object_size(e), 5);
	}
	json_decref(entries);

	/* Opening again appends; it never truncates. */
	assert_int_equal(mg_journal_open(path, &j, &err), 0);
	e = json_pack("{s:s}", "action", "verify");
	assert_int_equal(mg_journal_append(j, e, &err), 0);
	json_decref(e);
	mg_journal_close(j);
	assert_int_equal(mg_journal_read(path, &entries, &err), 0);
	assert_int_equal(json_array_size(entries), 6);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(entries, 5), "action")), "verify");
	assert_int_equal(json_integer_value(json_object_get(
	    json_array_get(entries, 0), "n")), 0);
	json_decref(entries);
	assert_int_equal(mode_of(path), 0600);
}

/* Each entry is exactly one line of the file. */
static void
test_one_line_per_entry(void **state)
{
	struct fixture *fx = *state;
	struct mg_journal *j = NULL;
	struct mg_err err;
	char path[512], line[4096];
	json_t *e;
	FILE *fp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/lines.jsonl", fx->dir);
	assert_int_equal(mg_journal_open(path, &j, &err), 0);
	e = json_pack("{s:s, s:{s:s}}", "a", "x\ny\r\n", "b", "c", "\u2028");
	assert_int_equal(mg_journal_append(j, e, &err), 0);
	assert_int_equal(mg_journal_append(j, e, &err), 0);
	json_decref(e);
	mg_journal_close(j);
	fp = fopen(path, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		assert_int_equal(line[0], '{');
		assert_int_equal(line[strlen(line) - 1], '\n');
		n++;
	}
	fclose(fp);
	assert_int_equal(n, 2);
}

struct corrupt_row {
	const char *name;
	const char *text;
	const char *where;	/* ":N:" expected after the path */
};

#define GOOD "{\"action\":\"a\",\"time\":\"2026-01-01T00:00:00.000Z\"}\n"

static const struct corrupt_row corrupt_rows[] = {
	{ "broken second line", GOOD "{\"action\":\n" GOOD, ":2:" },
	{ "first line garbage", "not json\n" GOOD, ":1:" },
	{ "array instead of object", GOOD GOOD "[1,2]\n", ":3:" },
	{ "string instead of object", GOOD "\"entry\"\n", ":2:" },
	{ "cut-short line that is not the last", GOOD "{\"action\":\"up\n"
	    GOOD, ":2:" },
	{ "trailing garbage after an object", GOOD "{}x\n", ":2:" },
	{ "two objects on one line", "{}{}\n", ":1:" },
	{ "blank lines still count", GOOD "\n\n   \n{oops}\n", ":5:" },
};

/* A last line cut short (no newline) leaves the entries before it. */
static void
test_truncated_tail(void **state)
{
	struct fixture *fx = *state;
	json_t *entries = NULL, *last;
	struct mg_err err;
	char path[512];

	snprintf(path, sizeof(path), "%s/tail.jsonl", fx->dir);
	write_file(path, GOOD GOOD GOOD "{\"action\":\"upd");
	mg_err_clear(&err);
	assert_int_equal(mg_journal_read(path, &entries, &err), 0);
	assert_int_equal(json_array_size(entries), 4);
	last = json_array_get(entries, 3);
	assert_string_equal(json_string_value(json_object_get(last,
	    "action")), "truncated");
	assert_int_equal(json_integer_value(json_object_get(last, "line")),
	    4);
	json_decref(entries);
}

static void
test_corrupt_lines(void **state)
{
	struct fixture *fx = *state;
	char path[512], want[600];
	size_t i;

	for (i = 0; i < NELEM(corrupt_rows); i++) {
		json_t *entries = (json_t *)0x1;
		struct mg_err err;

		print_message("corrupt row: %s\n", corrupt_rows[i].name);
		snprintf(path, sizeof(path), "%s/corrupt-%zu.jsonl", fx->dir,
		    i);
		write_file(path, corrupt_rows[i].text);
		mg_err_clear(&err);
		assert_int_equal(mg_journal_read(path, &entries, &err), -1);
		assert_null(entries);
		assert_int_equal(err.code, MG_EPARSE);
		print_message("  %s\n", err.msg);
		snprintf(want, sizeof(want), "%s%s", path,
		    corrupt_rows[i].where);
		assert_non_null(strstr(err.msg, want));
	}
}

static void
test_blank_lines_skipped(void **state)
{
	struct fixture *fx = *state;
	json_t *entries = NULL;
	struct mg_err err;
	char path[512];

	snprintf(path, sizeof(path), "%s/blank.jsonl", fx->dir);
	write_file(path, "\n" GOOD "  \t\r\n" GOOD "\n");
	assert_int_equal(mg_journal_read(path, &entries, &err), 0);
	assert_int_equal(json_array_size(entries), 2);
	json_decref(entries);

	/* An empty journal is no entries, not an error. */
	write_file(path, "");
	assert_int_equal(mg_journal_read(path, &entries, &err), 0);
	assert_true(json_is_array(entries));
	assert_int_equal(json_array_size(entries), 0);
	json_decref(entries);
}

static void
test_missing_file(void **state)
{
	struct fixture *fx = *state;
	json_t *entries = (json_t *)0x1;
	struct mg_err err;
	char path[512];

	snprintf(path, sizeof(path), "%s/nope/journal.jsonl", fx->dir);
	mg_err_clear(&err);
	assert_int_equal(mg_journal_read(path, &entries, &err), -1);
	assert_null(entries);
	assert_int_equal(err.code, MG_EIO);
	assert_non_null(strstr(err.msg, path));
	/* Reading must not create anything. */
	snprintf(path, sizeof(path), "%s/nope", fx->dir);
	assert_int_not_equal(access(path, F_OK), 0);
}

static void
test_open_failures(void **state)
{
	struct fixture *fx = *state;
	struct mg_journal *j = (struct mg_journal *)0x1;
	struct mg_err err;
	char file[512], path[600];

	/* A parent that is a file, not a folder. */
	snprintf(file, sizeof(file), "%s/plain-file", fx->dir);
	write_file(file, "x");
	snprintf(path, sizeof(path), "%s/sub/journal.jsonl", file);
	mg_err_clear(&err);
	assert_int_equal(mg_journal_open(path, &j, &err), -1);
	assert_null(j);
	assert_int_equal(err.code, MG_EIO);
	print_message("  %s\n", err.msg);
	assert_non_null(strstr(err.msg, file));

	/* The path is a folder. */
	j = (struct mg_journal *)0x1;
	mg_err_clear(&err);
	assert_int_equal(mg_journal_open(fx->dir, &j, &err), -1);
	assert_null(j);
	assert_int_equal(err.code, MG_EIO);
}

/* Anything but an object would make the journal unreadable later. */
static void
test_append_rejects_non_objects(void **state)
{
	struct fixture *fx = *state;
	struct mg_journal *j = NULL;
	json_t *entries = NULL, *bad[3];
	struct mg_err err;
	char path[512];
	size_t i;

	snprintf(path, sizeof(path), "%s/types.jsonl", fx->dir);
	assert_int_equal(mg_journal_open(path, &j, &err), 0);
	bad[0] = json_array();
	bad[1] = json_string("entry");
	bad[2] = json_integer(1);
	for (i = 0; i < NELEM(bad); i++) {
		mg_err_clear(&err);
		assert_int_equal(mg_journal_append(j, bad[i], &err), -1);
		assert_int_not_equal(err.code, MG_OK);
		json_decref(bad[i]);
	}
	bad[0] = json_object();
	assert_int_equal(mg_journal_append(j, bad[0], &err), 0);
	json_decref(bad[0]);
	mg_journal_close(j);
	assert_int_equal(mg_journal_read(path, &entries, &err), 0);
	assert_int_equal(json_array_size(entries), 1);
	json_decref(entries);
}

struct path_row {
	const char *name;
	const char *xdg;	/* NULL: unset */
	const char *home;	/* NULL: unset */
	const char *prefix;
};

static const struct path_row path_rows[] = {
	{ "XDG_STATE_HOME wins", "/xdg/state", "/home/u",
	    "/xdg/state/mmdsguard/journal-" },
	{ "relative XDG_STATE_HOME ignored", "rel/state", "/home/u",
	    "/home/u/.local/state/mmdsguard/journal-" },
	{ "empty XDG_STATE_HOME ignored", "", "/home/u",
	    "/home/u/.local/state/mmdsguard/journal-" },
	{ "HOME only", NULL, "/home/u",
	    "/home/u/.local/state/mmdsguard/journal-" },
	{ "neither: current folder", NULL, NULL, "mmdsguard-journal-" },
};

/* YYYYMMDDTHHMMSSZ.jsonl */
static void
assert_stamp_tail(const char *s)
{
	static const char shape[] = "ddddddddTddddddZ.jsonl";
	size_t i;

	assert_int_equal(strlen(s), strlen(shape));
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd')
			assert_true(s[i] >= '0' && s[i] <= '9');
		else
			assert_int_equal(s[i], shape[i]);
	}
}

static void
set_or_unset(const char *name, const char *value)
{
	if (value == NULL)
		unsetenv(name);
	else
		setenv(name, value, 1);
}

static void
test_default_path(void **state)
{
	char *saved_xdg = NULL, *saved_home = NULL, *p;
	size_t i;

	(void)state;
	if (getenv("XDG_STATE_HOME") != NULL)
		saved_xdg = strdup(getenv("XDG_STATE_HOME"));
	if (getenv("HOME") != NULL)
		saved_home = strdup(getenv("HOME"));
	for (i = 0; i < NELEM(path_rows); i++) {
		const struct path_row *r = &path_rows[i];

		print_message("default path row: %s\n", r->name);
		set_or_unset("XDG_STATE_HOME", r->xdg);
		set_or_unset("HOME", r->home);
		p = mg_journal_default_path();
		assert_non_null(p);
		print_message("  %s\n", p);
		assert_int_equal(strncmp(p, r->prefix, strlen(r->prefix)), 0);
		assert_stamp_tail(p + strlen(r->prefix));
		free(p);
	}
	set_or_unset("XDG_STATE_HOME", saved_xdg);
	set_or_unset("HOME", saved_home);
	free(saved_xdg);
	free(saved_home);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_append_and_read, make_tmp,
		    drop_tmp),
		cmocka_unit_test_setup_teardown(test_one_line_per_entry,
		    make_tmp, drop_tmp),
		cmocka_unit_test_setup_teardown(test_corrupt_lines, make_tmp,
		    drop_tmp),
		cmocka_unit_test_setup_teardown(test_truncated_tail, make_tmp,
		    drop_tmp),
		cmocka_unit_test_setup_teardown(test_blank_lines_skipped,
		    make_tmp, drop_tmp),
		cmocka_unit_test_setup_teardown(test_missing_file, make_tmp,
		    drop_tmp),
		cmocka_unit_test_setup_teardown(test_open_failures, make_tmp,
		    drop_tmp),
		cmocka_unit_test_setup_teardown(
		    test_append_rejects_non_objects, make_tmp, drop_tmp),
		cmocka_unit_test(test_default_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
