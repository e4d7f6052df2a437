/* SPDX-License-Identifier: Apache-2.0 */
/* err.h: the one error record every fallible library call fills. */
#ifndef MG_ERR_H
#define MG_ERR_H

#include <stddef.h>

enum mg_errcode {
	MG_OK = 0,
	MG_EUSAGE,	/* bad argument from the user: nothing was sent */
	MG_ECONFIG,	/* configuration file or environment is unusable */
	MG_ECREDS,	/* no credentials, or the service rejected them */
	MG_ENET,	/* transport failure after retries */
	MG_EAWS,	/* the service answered with an error */
	MG_EPARSE,	/* an answer we could not understand */
	MG_ETOOLARGE,	/* input past its bound */
	MG_ENOMEM,
	MG_EIO,		/* local file trouble */
	MG_EINTERNAL,
};

struct mg_err {
	enum mg_errcode code;
	char msg[256];
};

/*
 * Record a failure and return -1, so callers can write
 * "return mg_err_set(err, MG_EIO, "cannot open '%s'", path);".
 * A NULL err is allowed and ignored.
 */
int mg_err_set(struct mg_err *err, enum mg_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mg_err_clear(struct mg_err *err);
const char *mg_errcode_name(enum mg_errcode code);

/* Programmer mistakes: print and abort. */
#define MG_BUG(msg) mg_bug(__FILE__, __LINE__, (msg))
void mg_bug(const char *file, int line, const char *msg)
    __attribute__((noreturn));

#endif
