/* SPDX-License-Identifier: Apache-2.0 */
/*
 * aws.h: signed AWS calls over libcurl's multi interface: many calls in
 * flight on kept-alive connections, client-side pacing at the service
 * quotas, and retries in the AWS "standard" mode.
 */
#ifndef MG_AWS_H
#define MG_AWS_H

#include <stddef.h>

#include "buf.h"
#include "creds.h"
#include "err.h"

#define MG_MAX_BODY (8u * 1024 * 1024)

/* Quota classes of the control plane (per account and region). */
enum mg_opclass {
	MG_OP_LIST,
	MG_OP_GET,
	MG_OP_MUTATE,
	MG_OP_NCLASSES,
};

struct mg_bucket {
	double rate;		/* tokens per second; 0 = unlimited */
	double tokens;
	double last;		/* monotonic seconds */
};

/* One account and region: where calls go and how they are signed. */
struct mg_target {
	char *account;		/* NULL until known */
	char *region;
	char *endpoint;		/* "https://host[:port]" without path */
	char *host;		/* host[:port] as sent in Host */
	const struct mg_creds *creds;
	struct mg_bucket buckets[MG_OP_NCLASSES];
	int rejected;		/* credentials refused: send nothing more */
	struct mg_err error;	/* first target-wide failure */
};

struct mg_call;
typedef void (*mg_call_fn)(struct mg_call *call);

/*
 * One logical API call. The caller fills the request part, submits it, and
 * gets done() once, after the last attempt; done() owns nothing and must
 * not free the call (the client frees it after done() returns unless
 * keep is set, in which case the caller frees it with mg_call_free()).
 */
struct mg_call {
	/* request */
	const char *op;			/* "GetAgentRuntime", for messages */
	enum mg_opclass opclass;
	const char *method;
	char *path;			/* wire path, percent-encoded */
	char *query;			/* wire query or NULL */
	char *body;			/* JSON or NULL */
	struct mg_target *target;
	mg_call_fn done;
	void *arg;
	int keep;

	/* result, valid in done() */
	long status;			/* HTTP status; 0 if none arrived */
	struct mg_buf resp;
	char *err_code;			/* "ThrottlingException", or NULL */
	char *err_msg;
	char request_id[80];
	int transport_failed;		/* no HTTP answer at all */
	char transport_msg[256];
	int attempts;

	/* internal */
	void *easy;
	void *headers;
	char *auth_header;
	double not_before;
	char invocation_id[40];
	int too_large;
	struct mg_client *client;
	struct mg_call *next;
};

struct mg_client_opts {
	int concurrency;		/* calls in flight at once */
	long connect_timeout_ms;
	long request_timeout_ms;
	int max_attempts;		/* total attempts, standard mode: 3 */
	const char *ca_bundle;		/* AWS_CA_BUNDLE */
	int debug;			/* trace HTTP (redacted) to the log */
	void (*log)(int level, const char *msg, void *arg);
	void *log_arg;
};

enum { MG_LOG_ERROR, MG_LOG_WARN, MG_LOG_INFO, MG_LOG_DEBUG };

struct mg_client;

int mg_client_new(const struct mg_client_opts *opts, struct mg_client **out,
    struct mg_err *err);
void mg_client_free(struct mg_client *c);
/* Queue a call; it starts when a slot and a quota token are free. */
void mg_client_submit(struct mg_client *c, struct mg_call *call);
/* Queue a call that starts no earlier than delay_ms from now. */
void mg_client_submit_after(struct mg_client *c, struct mg_call *call,
    long delay_ms);
/* Drive every queued call (and those their callbacks queue) to the end. */
int mg_client_run(struct mg_client *c, struct mg_err *err);

/*
 * Send one call and wait for its end (other queued calls run too). The
 * call stays the caller's: free it with mg_call_free().
 */
int mg_call_sync(struct mg_client *c, struct mg_call *call,
    struct mg_err *err);

struct mg_call *mg_call_new(struct mg_target *t, enum mg_opclass opclass,
    const char *op, const char *method);
void mg_call_free(struct mg_call *call);
/* Reset the result part so the call can be submitted again. */
void mg_call_reset(struct mg_call *call);

/* "ThrottlingException" from header or body, stripped of ':' and '#'. */
char *mg_aws_error_code(const char *header, const char *body);
/* Do these credentials look refused (bad key, bad signature, expired)? */
int mg_aws_code_is_auth(const char *code);
int mg_aws_code_is_throttle(const char *code);
/* One line: "GetAgentRuntime: ThrottlingException: slow down (HTTP 429)" */
void mg_call_describe(const struct mg_call *call, char *buf, size_t n);

int mg_target_init(struct mg_target *t, const char *region,
    const char *endpoint_url, const struct mg_creds *creds,
    struct mg_err *err);
void mg_target_release(struct mg_target *t);
/* Set the quota rates (per second) of a target; 0 disables pacing. */
void mg_target_set_rates(struct mg_target *t, double list, double get,
    double mutate);

/* Append s percent-encoded for a path segment or a query value. */
int mg_url_encode(struct mg_buf *b, const char *s);

double mg_now_mono(void);

#endif
