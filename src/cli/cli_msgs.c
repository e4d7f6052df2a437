/* SPDX-License-Identifier: Apache-2.0 */
/* cli_msgs.c: errors, warnings, notes and usage hints on stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "aws.h"
#include "cli_msgs.h"
#include "finding.h"

static enum cli_level msg_level = CLI_NORMAL;

void
cli_msgs_init(enum cli_level level)
{
	msg_level = level;
}

enum cli_level
cli_msgs_level(void)
{
	return msg_level;
}

/*
 * Every message is one line without control characters: text from a
 * server (error messages, names) may not move the cursor or recolour
 * the terminal.
 */
static void
vmsg(const char *prefix, const char *fmt, va_list ap)
{
	char *clean = mg_clean_vprintf(fmt, ap);

	fprintf(stderr, "mmdsguard: %s%s\n", prefix, clean ? clean : "?");
	free(clean);
}

void
errorf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

void
warnf(const char *fmt, ...)
{
	va_list ap;

	if (msg_level < CLI_NORMAL)
		return;
	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void
notef(const char *fmt, ...)
{
	va_list ap;

	if (msg_level < CLI_VERBOSE)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void
helpf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	fputs("Try 'mmdsguard --help' for more information.\n", stderr);
}

static int
contains_env_secret(const char *s, const char *var)
{
	const char *v = getenv(var);

	return v != NULL && strlen(v) >= 8 && strstr(s, v) != NULL;
}

const char *
cli_shown(const char *s)
{
	int upper = 0, lower = 0, digit = 0, other = 0;
	size_t n = strlen(s), i;

	if (n > 64 || contains_env_secret(s, "AWS_SECRET_ACCESS_KEY") ||
	    contains_env_secret(s, "AWS_SESSION_TOKEN"))
		return "<hidden>";
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isupper(c))
			upper = 1;
		else if (islower(c))
			lower = 1;
		else if (isdigit(c))
			digit = 1;
		else if (c != '+' && c != '/' && c != '=')
			other = 1;
	}
	if (n >= 16 && upper && lower && digit && !other)
		return "<hidden>";
	return s;
}

void
cli_log(int level, const char *msg, void *arg)
{
	(void)arg;
	if (level == MG_LOG_ERROR)
		errorf("%s", msg);
	else if (level == MG_LOG_WARN)
		warnf("%s", msg);
	else if (level == MG_LOG_INFO)
		notef("%s", msg);
	else if (msg_level >= CLI_DEBUG)
		fprintf(stderr, "%s\n", msg);
}
