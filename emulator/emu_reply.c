/* SPDX-License-Identifier: Apache-2.0 */
/* emu_reply.c: building answers, errors in the service's wire format. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

void
emu_reply_init(struct emu_reply *rp)
{
	memset(rp, 0, sizeof(*rp));
}

void
emu_reply_release(struct emu_reply *rp)
{
	json_decref(rp->json);
	free(rp->text);
	emu_reply_init(rp);
}

/* Takes the reference to body. */
void
emu_reply_json(struct emu_reply *rp, unsigned status, json_t *body)
{
	json_decref(rp->json);
	rp->json = body;
	rp->status = status;
	rp->error = NULL;
	if (body == NULL)
		MG_BUG("out of memory building a reply");
}

static void
set_error(struct emu_reply *rp, unsigned status, const char *name,
    const char *msg)
{
	json_t *body = json_object(), *m = json_string(msg);

	if (m == NULL)
		m = json_string("(message is not valid UTF-8)");
	json_object_set_new(body, "message", m);
	emu_reply_json(rp, status, body);
	rp->error = name;
}

void
emu_reply_error(struct emu_reply *rp, unsigned status, const char *name,
    const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_error(rp, status, name, msg);
}

/* A ValidationException; field (may be NULL) goes into fieldList. */
void
emu_reply_invalid(struct emu_reply *rp, const char *reason,
    const char *field, const char *fmt, ...)
{
	char msg[2048];
	json_t *list, *item;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_error(rp, 400, "ValidationException", msg);
	json_object_set_new(rp->json, "reason", json_string(reason));
	if (field == NULL)
		return;
	list = json_array();
	item = json_object();
	json_object_set_new(item, "name", json_string(field));
	json_object_set_new(item, "message", json_string(msg));
	json_array_append_new(list, item);
	json_object_set_new(rp->json, "fieldList", list);
}

void
emu_reply_header(struct emu_reply *rp, const char *name, const char *value)
{
	if (rp->nhdr >= EMU_MAX_HEADERS)
		MG_BUG("too many reply headers");
	rp->hdr[rp->nhdr].name = name;
	snprintf(rp->hdr[rp->nhdr].value, sizeof(rp->hdr[0].value), "%s",
	    value);
	rp->nhdr++;
}
