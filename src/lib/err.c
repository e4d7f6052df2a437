/* SPDX-License-Identifier: Apache-2.0 */
/* err.c: filling and naming error records. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"

int
mg_err_set(struct mg_err *err, enum mg_errcode code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
mg_err_clear(struct mg_err *err)
{
	if (err == NULL)
		return;
	err->code = MG_OK;
	err->msg[0] = '\0';
}

const char *
mg_errcode_name(enum mg_errcode code)
{
	static const char *const names[] = {
		[MG_OK] = "ok",
		[MG_EUSAGE] = "usage",
		[MG_ECONFIG] = "configuration",
		[MG_ECREDS] = "credentials",
		[MG_ENET] = "network",
		[MG_EAWS] = "service",
		[MG_EPARSE] = "parse",
		[MG_ETOOLARGE] = "too large",
		[MG_ENOMEM] = "out of memory",
		[MG_EIO] = "i/o",
		[MG_EINTERNAL] = "internal",
	};

	if ((size_t)code >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[code];
}

void
mg_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "mmdsguard: BUG at %s:%d: %s\n", file, line, msg);
	abort();
}
