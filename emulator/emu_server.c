/* SPDX-License-Identifier: Apache-2.0 */
/* emu_server.c: libmicrohttpd glue: raw requests in, replies out. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "emu.h"

#define ERROR_NS "http://internal.amazon.com/coral/" \
    "com.amazon.bedrockagentcorecontrol/"
#define AUTH_NS "http://internal.amazon.com/coral/com.amazon.coral.service/"

struct header_join {
	const char *name;
	struct mg_buf out;
	int found;
};

static enum MHD_Result
join_header(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct header_join *j = cls;

	(void)kind;
	if (strcasecmp(key, j->name) != 0)
		return MHD_YES;
	if (j->found)
		mg_buf_addch(&j->out, ',');
	mg_buf_addstr(&j->out, value != NULL ? value : "");
	j->found = 1;
	return MHD_YES;
}

/* Every value of header name joined with ','; NULL when absent. */
char *
emu_request_header(struct emu_request *rq, const char *name)
{
	struct header_join j;

	j.name = name;
	j.found = 0;
	mg_buf_init(&j.out, 65536);
	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, join_header, &j);
	if (!j.found) {
		mg_buf_release(&j.out);
		return NULL;
	}
	return mg_buf_detach(&j.out);
}

static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct emu_request *rq = calloc(1, sizeof(*rq));
	const char *q;

	if (rq == NULL)
		return NULL;
	rq->srv = cls;
	rq->conn = con;
	rq->start_ms = emu_now_ms();
	rq->uri = strdup(uri);
	q = strchr(uri, '?');
	if (q != NULL) {
		rq->path = strndup(uri, (size_t)(q - uri));
		rq->query = strdup(q + 1);
	} else {
		rq->path = strdup(uri);
		rq->query = strdup("");
	}
	mg_buf_init(&rq->body, EMU_MAX_BODY);
	if (rq->uri == NULL || rq->path == NULL || rq->query == NULL) {
		free(rq->uri);
		free(rq->path);
		free(rq->query);
		free(rq);
		return NULL;
	}
	return rq;
}

static size_t
unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void
completed(void *cls, struct MHD_Connection *connection, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct emu_request *rq = *con_cls;

	(void)cls;
	(void)connection;
	(void)toe;
	if (rq == NULL)
		return;
	mg_buf_release(&rq->body);
	free(rq->uri);
	free(rq->path);
	free(rq->query);
	free(rq);
	*con_cls = NULL;
}

static enum MHD_Result
send_reply(struct emu_request *rq, struct emu_reply *rp)
{
	struct MHD_Response *resp;
	const char *ctype = "application/json";
	char *body, uuid[37], etype[256];
	enum MHD_Result ret;
	int i;

	if (rp->json != NULL) {
		body = json_dumps(rp->json, JSON_COMPACT);
	} else if (rp->text != NULL) {
		body = strdup(rp->text);
		ctype = "text/plain";
	} else {
		body = strdup("");
	}
	if (body == NULL)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(body), body,
	    MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", ctype);
	if (rp->text == NULL) {
		emu_uuid(uuid);
		MHD_add_response_header(resp, "x-amzn-RequestId", uuid);
	}
	if (rp->error != NULL) {
		snprintf(etype, sizeof(etype), "%s:%s", rp->error,
		    rp->coral_service ? AUTH_NS : ERROR_NS);
		MHD_add_response_header(resp, "x-amzn-ErrorType", etype);
	}
	for (i = 0; i < rp->nhdr; i++)
		MHD_add_response_header(resp, rp->hdr[i].name,
		    rp->hdr[i].value);
	ret = MHD_queue_response(rq->conn, rp->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
pause_ms(long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
}

static int
is_mmds_path(const char *path)
{
	return strcmp(path, "/latest") == 0 ||
	    strncmp(path, "/latest/", 8) == 0;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct emu_request *rq = *con_cls;
	struct emu_reply rp;
	enum MHD_Result ret;

	(void)url;
	(void)version;
	if (rq == NULL)
		return MHD_NO;
	if (rq->method == NULL) {
		rq->method = method;
		rq->srv = cls;
		rq->conn = conn;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!rq->too_large && mg_buf_add(&rq->body, upload_data,
		    *upload_data_size) != 0)
			rq->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	emu_reply_init(&rp);
	if (rq->srv->cfg.latency_ms > 0)
		pause_ms(rq->srv->cfg.latency_ms);
	if (rq->srv->cfg.mmds && is_mmds_path(rq->path)) {
		rq->op = "MMDS";
		emu_mmds_handle(rq, &rp);
	} else {
		emu_route(rq, &rp);
	}
	emu_log_request(rq, &rp);
	if (rp.drop)
		ret = MHD_NO;
	else
		ret = send_reply(rq, &rp);
	emu_reply_release(&rp);
	return ret;
}

void *
emu_server_start(struct emu_server *srv, int *port, struct mg_err *err)
{
	struct sockaddr_in sa;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)*port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_POLL_INTERNAL_THREAD, 0, NULL, NULL, access_cb, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_log, srv,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape_none, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)120,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
	    MHD_OPTION_END);
	if (d == NULL) {
		mg_err_set(err, MG_EIO, "cannot listen on 127.0.0.1:%d",
		    *port);
		return NULL;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		MHD_stop_daemon(d);
		mg_err_set(err, MG_EIO, "cannot read the bound port");
		return NULL;
	}
	*port = info->port;
	return d;
}

void
emu_server_stop(void *daemon)
{
	if (daemon != NULL)
		MHD_stop_daemon(daemon);
}
