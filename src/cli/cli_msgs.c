/* SPDX-License-Identifier: Apache-2.0 */
/* cli_msgs.c: errors, warnings, notes and usage hints on stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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
