/* SPDX-License-Identifier: Apache-2.0 */
/*
 * journal.h: an append-only JSON Lines record of every change, each line
 * flushed and fsynced before the change it announces goes out.
 */
#ifndef MG_JOURNAL_H
#define MG_JOURNAL_H

#include <jansson.h>

#include "err.h"

struct mg_journal;

/* Open path for appending (created 0600, its folder 0700 if missing). */
int mg_journal_open(const char *path, struct mg_journal **out,
    struct mg_err *err);
/* Append entry (plus "time" and "run"), then fflush and fsync. */
int mg_journal_append(struct mg_journal *j, json_t *entry,
    struct mg_err *err);
const char *mg_journal_path(const struct mg_journal *j);
void mg_journal_close(struct mg_journal *j);

/*
 * Every entry of a journal file, in order; MG_EPARSE names file:line. A
 * last line cut short (no newline, not JSON) becomes the entry
 * {"action": "truncated", "line": N} instead of an error.
 */
int mg_journal_read(const char *path, json_t **entries, struct mg_err *err);

/* $XDG_STATE_HOME/mmdsguard/journal-<time>.jsonl, or under ~/.local/state */
char *mg_journal_default_path(void);

#endif
