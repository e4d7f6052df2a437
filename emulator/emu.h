/* SPDX-License-Identifier: Apache-2.0 */
/* emu.h: what the emulator's modules share (config, model, replies). */
#ifndef EMU_H
#define EMU_H

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define EMU_DEFAULT_ACCOUNT "123456789012"
#define EMU_DEFAULT_REGION "us-east-1"
#define EMU_SERVICE "bedrock-agentcore"
#define EMU_MAX_BODY (1024 * 1024)

/* Runtimes created from 2026-02-15T00:00:00Z on default to MMDSv2. */
#define EMU_MMDS_DEFAULT_FROM_MS 1771113600000LL
/* Default --s3-endpoint-cutoff: 2026-05-05T00:00:00Z. */
#define EMU_S3_CUTOFF_MS 1777939200000LL
/* createdAt of the first runtime made under --legacy-defaults. */
#define EMU_LEGACY_BASE_MS 1768435200000LL

/* Operation classes, as the quotas group them. */
enum emu_class {
	EMU_CLASS_NONE = -1,
	EMU_CLASS_LIST = 0,
	EMU_CLASS_GET = 1,
	EMU_CLASS_MUTATE = 2,
};

struct emu_key {
	char *access_key;
	char *secret_key;
	char account[13];
};

struct emu_config {
	int port;
	int legacy_defaults;
	int update_keep;		/* --update-omit keep */
	long ready_delay_ms;
	long latency_ms;
	int quotas;
	double rates[3];		/* per second, by enum emu_class */
	int default_page;		/* maxResults when absent */
	const char *request_log;
	int mmds;			/* 0 off, 1 v1, 2 v2 */
	const char *mmds_role;
	long long s3_cutoff_ms;
	struct emu_key *keys;
	size_t nkeys;
};

/* One immutable configuration snapshot. */
struct emu_version {
	int number;
	long long updated_ms;
	json_t *config;			/* writable members, raw as stored */
};

struct emu_endpoint {
	char *name;
	char *id;
	json_t *description;		/* NULL when absent */
	int live;			/* 0: none */
	int target;			/* 0: none */
	char status[16];		/* once the pending change is done */
	char pending[16];		/* shown until ready_ms */
	long long ready_ms;		/* 0: nothing pending */
	long long created_ms;
	long long updated_ms;
};

/* An idempotency record: what a client token was first answered. */
struct emu_idem {
	char *key;			/* operation and token */
	char *canon;			/* body without the token, sorted */
	unsigned status;
	json_t *answer;
	struct emu_idem *next;
};

struct emu_runtime {
	unsigned long seq;		/* creation order, the list cursor */
	char *id;
	char *name;
	char account[13];
	char region[64];
	char *harness;
	char *failure_reason;
	char *workload_arn;
	long long created_ms;
	char status[16];		/* once the pending change is done */
	char pending[16];		/* CREATING, UPDATING, DELETING */
	long long ready_ms;		/* 0: nothing pending */
	long long late_until_ms;	/* late-updating fault */
	int late_version;
	struct emu_version *versions;	/* ascending numbers */
	size_t nversions;
	size_t capversions;
	struct emu_endpoint *endpoints;	/* named ones; DEFAULT is implied */
	size_t nendpoints;
	size_t capendpoints;
	struct emu_idem *idem;
	json_t *tags;
};

struct emu_store {
	pthread_mutex_t lock;
	struct emu_runtime **runtimes;
	size_t n;
	size_t cap;
	unsigned long next_seq;
	struct emu_idem *create_idem;	/* CreateAgentRuntime tokens */
	unsigned long legacy_count;
};

enum emu_fault_kind {
	EMU_F_DROP_AFTER_APPLY,
	EMU_F_LATE_UPDATING,
	EMU_F_HARNESS,
	EMU_F_REFUSE_AUTHORIZER_ONCE,
	EMU_F_CONFLICT_ONCE,
	EMU_F_VANISH_ON_GET,
	EMU_F_ACCESS_DENIED,
	EMU_F_REPEAT_TOKEN,
	EMU_F_REGION_ERROR,
	EMU_F_FAIL_UPDATE,
};

struct emu_fault {
	enum emu_fault_kind kind;
	char *target;			/* runtime id or name, region, or "*" */
	char *arg;			/* NULL when none */
	long long num;			/* MS, or how many times is left */
};

struct emu_faults {
	struct emu_fault *v;
	size_t n;
};

struct emu_quota;

struct emu_server {
	struct emu_config cfg;
	struct emu_store store;
	struct emu_faults faults;	/* guarded by store.lock */
	struct emu_quota *quota;
	FILE *log;
	pthread_mutex_t log_lock;
	unsigned char mmds_key[32];	/* seals MMDS session tokens */
	size_t mmds_cred;		/* index of the key MMDS hands out */
};

/* One HTTP request while MHD feeds it to us. */
struct emu_request {
	struct emu_server *srv;
	void *conn;			/* struct MHD_Connection */
	char *uri;			/* the raw request target */
	char *path;			/* raw path (own copy) */
	char *query;			/* raw query without '?', or "" */
	const char *method;
	struct mg_buf body;
	int too_large;
	long long start_ms;
	const char *op;			/* operation name, for the log */
	char account[13];
	char region[64];
	char runtime_id[128];
};

#define EMU_MAX_HEADERS 2

/* What to answer. */
struct emu_reply {
	unsigned status;
	json_t *json;			/* owned; JSON body */
	char *text;			/* owned; plain body instead */
	const char *error;		/* error name; NULL on success */
	int coral_service;		/* error comes from the auth layer */
	int drop;			/* close without answering */
	int nhdr;
	struct {
		const char *name;
		char value[64];
	} hdr[EMU_MAX_HEADERS];
};

/* emu_util.c */
long long emu_now_ms(void);
long long emu_mono_ms(void);
void emu_format_time(long long ms, char buf[32]);
int emu_parse_time(const char *s, long long *ms);
void emu_random_bytes(void *p, size_t n);
void emu_random_alnum(char *out, size_t n);
void emu_hash_alnum(const char *seed, char *out, size_t n);
void emu_uuid(char out[37]);
char *emu_base64_encode(const unsigned char *p, size_t n);
int emu_base64_decode(const char *s, unsigned char *out, size_t cap,
    size_t *outlen);
char *emu_pct_decode(const char *s, size_t n, int plus_space,
    size_t *outlen);
int emu_query_get(const char *query, const char *name, char **value,
    size_t *len);
size_t emu_utf8_chars(const char *s, size_t n);
int emu_is_runtime_id(const char *s);
int emu_is_name(const char *s, size_t max);
void emu_printable(const char *s, char *out, size_t cap);

/* emu_reply.c */
void emu_reply_init(struct emu_reply *rp);
void emu_reply_release(struct emu_reply *rp);
void emu_reply_json(struct emu_reply *rp, unsigned status, json_t *body);
void emu_reply_error(struct emu_reply *rp, unsigned status,
    const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void emu_reply_invalid(struct emu_reply *rp, const char *reason,
    const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void emu_reply_header(struct emu_reply *rp, const char *name,
    const char *value);

/* emu_store.c: callers hold store.lock for everything but init/release */
void emu_store_init(struct emu_store *st);
void emu_store_release(struct emu_store *st);
void emu_store_lock(struct emu_store *st);
void emu_store_unlock(struct emu_store *st);
struct emu_runtime *emu_runtime_new(struct emu_store *st, const char *id,
    const char *name, const char *account, const char *region,
    long long created_ms);
void emu_store_settle(struct emu_store *st, long long now);
struct emu_runtime *emu_store_find(struct emu_store *st, const char *account,
    const char *region, const char *id, long long now);
struct emu_runtime *emu_store_find_any(struct emu_store *st, const char *id);
struct emu_runtime *emu_store_find_name(struct emu_store *st,
    const char *account, const char *region, const char *name);
void emu_store_new_id(struct emu_store *st, const char *name, char *out,
    size_t cap);
void emu_runtime_settle(struct emu_runtime *rt, long long now);
const char *emu_runtime_status(const struct emu_runtime *rt, long long now);
int emu_runtime_busy(const struct emu_runtime *rt, long long now);
void emu_runtime_begin(struct emu_runtime *rt, const char *pending,
    long long now, long delay_ms);
struct emu_version *emu_runtime_newest(const struct emu_runtime *rt);
struct emu_version *emu_runtime_version(const struct emu_runtime *rt,
    int number);
struct emu_version *emu_runtime_add_version(struct emu_runtime *rt,
    int number, json_t *config, long long ms);
struct emu_endpoint *emu_runtime_endpoint(const struct emu_runtime *rt,
    const char *name);
struct emu_endpoint *emu_runtime_add_endpoint(struct emu_runtime *rt,
    const char *name, long long now);
void emu_runtime_remove_endpoint(struct emu_runtime *rt, const char *name);
void emu_endpoint_settle(struct emu_endpoint *ep, long long now);
const char *emu_endpoint_status(const struct emu_endpoint *ep,
    long long now);
char *emu_runtime_arn(const struct emu_runtime *rt);
int emu_runtime_is_post_default(const struct emu_runtime *rt);
json_t *emu_view_runtime(const struct emu_runtime *rt,
    const struct emu_version *v, const char *status);
json_t *emu_view_summary(const struct emu_runtime *rt,
    const struct emu_version *v, const char *status);
json_t *emu_view_endpoint(const struct emu_runtime *rt,
    const struct emu_endpoint *ep, long long now);
json_t *emu_view_default_endpoint(const struct emu_runtime *rt,
    long long now);
struct emu_idem *emu_idem_find(struct emu_idem *list, const char *key);
void emu_idem_add(struct emu_idem **list, const char *key,
    const char *canon, unsigned status, const json_t *answer);

/* emu_server.c */
void *emu_server_start(struct emu_server *srv, int *port,
    struct mg_err *err);
void emu_server_stop(void *daemon);
char *emu_request_header(struct emu_request *rq, const char *name);

/* emu_auth.c */
int emu_auth_check(struct emu_request *rq, struct emu_reply *rp);

/* emu_validate.c */
enum emu_shape_root {
	EMU_REQ_CREATE_RUNTIME,
	EMU_REQ_UPDATE_RUNTIME,
	EMU_REQ_CREATE_ENDPOINT,
	EMU_REQ_UPDATE_ENDPOINT,
};
int emu_validate_init(struct mg_err *err);
void emu_validate_release(void);
int emu_validate(enum emu_shape_root root, json_t *body,
    struct emu_reply *rp);
int emu_is_read_only_member(const char *name);

/* emu_faults.c (callers hold store.lock) */
int emu_faults_add(struct emu_faults *f, const char *spec,
    struct mg_err *err);
void emu_faults_release(struct emu_faults *f);
struct emu_fault *emu_fault_find(struct emu_faults *f,
    enum emu_fault_kind kind, const struct emu_runtime *rt);
int emu_fault_take(struct emu_faults *f, enum emu_fault_kind kind,
    const struct emu_runtime *rt);
int emu_fault_region(struct emu_server *srv, enum emu_fault_kind kind,
    const char *account, const char *region);

/* emu_quota.c */
struct emu_quota *emu_quota_new(const double rates[3]);
void emu_quota_free(struct emu_quota *q);
int emu_quota_take(struct emu_quota *q, const char *account,
    const char *region, enum emu_class cls);

/* emu_fleet.c */
int emu_fleet_load(struct emu_server *srv, const char *path,
    struct mg_err *err);
int emu_fleet_generate(struct emu_server *srv, const char *spec,
    struct mg_err *err);
int emu_config_add_key(struct emu_config *cfg, const char *akid,
    const char *secret, const char *account, struct mg_err *err);

/* emu_routes.c */
void emu_route(struct emu_request *rq, struct emu_reply *rp);

/* emu_update.c: the mutating operations */
struct emu_route_args {
	const char *id;			/* decoded runtime id or NULL */
	const char *endpoint;		/* decoded endpoint name or NULL */
};
void emu_op_create_runtime(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
void emu_op_update_runtime(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
void emu_op_delete_runtime(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
void emu_op_create_endpoint(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
void emu_op_update_endpoint(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
void emu_op_delete_endpoint(struct emu_request *rq,
    const struct emu_route_args *a, struct emu_reply *rp);
json_t *emu_parse_body(struct emu_request *rq, struct emu_reply *rp);
void emu_reply_not_found(struct emu_reply *rp, const char *id);

/* emu_mmds.c */
void emu_mmds_handle(struct emu_request *rq, struct emu_reply *rp);

/* emu_log.c */
int emu_log_open(struct emu_server *srv, const char *path,
    struct mg_err *err);
void emu_log_request(struct emu_request *rq, const struct emu_reply *rp);
void emu_log_close(struct emu_server *srv);

#endif
