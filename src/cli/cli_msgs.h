/* SPDX-License-Identifier: Apache-2.0 */
/* cli_msgs.h: every message mmdsguard prints to stderr goes through here. */
#ifndef CLI_MSGS_H
#define CLI_MSGS_H

enum cli_level {
	CLI_QUIET = -1,		/* errors only */
	CLI_NORMAL = 0,		/* errors and warnings */
	CLI_VERBOSE = 1,	/* and notes */
	CLI_DEBUG = 2,		/* and the redacted HTTP trace */
};

void cli_msgs_init(enum cli_level level);
enum cli_level cli_msgs_level(void);
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage mistake: one line, then a pointer to --help. */
void helpf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * s, or "<hidden>" when it might be a secret typed in the wrong place:
 * long, shaped like a key (letters of both cases, digits, + / =), or
 * holding the secret key or session token of the environment.
 */
const char *cli_shown(const char *s);
/* The library's log callback. */
void cli_log(int level, const char *msg, void *arg);

#endif
