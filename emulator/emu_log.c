/* SPDX-License-Identifier: Apache-2.0 */
/* emu_log.c: --request-log, one JSON line per request received. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

int
emu_log_open(struct emu_server *srv, const char *path, struct mg_err *err)
{
	srv->log = fopen(path, "a");
	if (srv->log == NULL)
		return mg_err_set(err, MG_EIO, "cannot open request log '%s'",
		    path);
	return 0;
}

void
emu_log_close(struct emu_server *srv)
{
	if (srv->log != NULL)
		fclose(srv->log);
	srv->log = NULL;
}

static json_t *
str_or_null(const char *s)
{
	json_t *j;
	char safe[2048];

	if (s == NULL || s[0] == '\0')
		return json_null();
	j = json_string(s);
	if (j != NULL)
		return j;
	emu_printable(s, safe, sizeof(safe));
	return json_string(safe);
}

void
emu_log_request(struct emu_request *rq, const struct emu_reply *rp)
{
	struct emu_server *srv = rq->srv;
	json_t *line;
	char when[32], *text;

	if (srv->log == NULL)
		return;
	line = json_object();
	emu_format_time(rq->start_ms, when);
	json_object_set_new(line, "time", json_string(when));
	json_object_set_new(line, "method", str_or_null(rq->method));
	json_object_set_new(line, "path", str_or_null(rq->path));
	json_object_set_new(line, "query", rq->query[0] != '\0' ?
	    str_or_null(rq->query) : json_string(""));
	json_object_set_new(line, "operation", str_or_null(rq->op));
	json_object_set_new(line, "account", str_or_null(rq->account));
	json_object_set_new(line, "region", str_or_null(rq->region));
	json_object_set_new(line, "runtimeId", str_or_null(rq->runtime_id));
	json_object_set_new(line, "status",
	    json_integer(rp->drop ? 0 : rp->status));
	json_object_set_new(line, "error", str_or_null(rp->error));
	if (rp->drop)
		json_object_set_new(line, "dropped", json_true());
	text = json_dumps(line, JSON_COMPACT);
	json_decref(line);
	if (text == NULL)
		return;
	pthread_mutex_lock(&srv->log_lock);
	fprintf(srv->log, "%s\n", text);
	fflush(srv->log);
	pthread_mutex_unlock(&srv->log_lock);
	free(text);
}
