/* SPDX-License-Identifier: Apache-2.0 */
/* aws.c: signed AWS calls, paced and retried, over libcurl's multi API. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <curl/curl.h>
#include <jansson.h>

#include "aws.h"
#include "sigv4.h"

#define RETRY_QUOTA_MAX 500
#define RETRY_COST 5
#define RETRY_COST_TIMEOUT 10

struct mg_client {
	struct mg_client_opts opts;
	CURLM *multi;
	struct mg_call *queue;		/* waiting to start */
	int inflight;
	int retry_quota;
	unsigned short rng[3];
};

double
mg_now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
logf_(struct mg_client *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
logf_(struct mg_client *c, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (c->opts.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->opts.log(level, msg, c->opts.log_arg);
}

int
mg_url_encode(struct mg_buf *b, const char *s)
{
	return mg_sigv4_uri_encode(b, s, strlen(s), 0);
}

/* Endpoint resolution: flag, then the SDKs' environment variables. */
static const char *
endpoint_from_env(void)
{
	const char *v;

	v = getenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL");
	if (v != NULL && *v != '\0')
		return v;
	v = getenv("AWS_ENDPOINT_URL");
	if (v != NULL && *v != '\0')
		return v;
	return NULL;
}

/*
 * What an endpoint URL may hold: scheme, host, optional port, optional
 * "/". No credentials (they would be printed with the URL), no query or
 * fragment (they would break the request line), no spaces or controls.
 */
static int
check_endpoint(const char *url, struct mg_err *err)
{
	const char *host = strstr(url, "://") + 3, *end, *colon, *p;
	long port;
	char *stop;

	for (p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return mg_err_set(err, MG_EUSAGE, "endpoint URL has a "
			    "space or control character");
	end = host + strcspn(host, "/");
	if (memchr(host, '@', (size_t)(end - host)) != NULL)
		return mg_err_set(err, MG_EUSAGE, "endpoint URL must not "
		    "carry a user name or password");
	if (strpbrk(url, "?#") != NULL)
		return mg_err_set(err, MG_EUSAGE, "endpoint URL must not have "
		    "a query or fragment; give scheme://host[:port]");
	if (host[0] == '[' && (memchr(host, ']', (size_t)(end - host)) ==
	    NULL))
		return mg_err_set(err, MG_EUSAGE, "endpoint URL has an "
		    "unclosed '[' in its host");
	colon = host[0] == '[' ? strstr(host, "]:") : strchr(host, ':');
	if (colon != NULL && colon < end) {
		if (host[0] == '[')
			colon++;
		port = strtol(colon + 1, &stop, 10);
		if (stop == colon + 1 || stop != end || port < 1 ||
		    port > 65535 || colon[1] < '0' || colon[1] > '9')
			return mg_err_set(err, MG_EUSAGE, "endpoint URL has a "
			    "bad port; give a number from 1 to 65535");
		end = colon;
	}
	if (end == host)
		return mg_err_set(err, MG_EUSAGE, "endpoint URL has no host");
	return 0;
}

int
mg_target_init(struct mg_target *t, const char *region,
    const char *endpoint_url, const struct mg_creds *creds,
    struct mg_err *err)
{
	struct mg_buf b;
	const char *url, *host, *slash;
	int rc = -1;

	memset(t, 0, sizeof(*t));
	mg_buf_init(&b, 2048);
	url = endpoint_url != NULL ? endpoint_url : endpoint_from_env();
	if (url == NULL) {
		const char *suffix = strncmp(region, "cn-", 3) == 0 ?
		    "amazonaws.com.cn" : "amazonaws.com";

		if (mg_buf_addf(&b, "https://bedrock-agentcore-control.%s.%s",
		    region, suffix) != 0)
			goto nomem;
	} else {
		if (strncmp(url, "http://", 7) != 0 &&
		    strncmp(url, "https://", 8) != 0) {
			mg_err_set(err, MG_EUSAGE, "endpoint URL must start "
			    "with http:// or https://");
			goto cleanup;
		}
		if (check_endpoint(url, err) != 0)
			goto cleanup;
		host = strstr(url, "://") + 3;
		slash = strchr(host, '/');
		if (slash != NULL && strcmp(slash, "/") != 0) {
			mg_err_set(err, MG_EUSAGE, "endpoint URL has a path; "
			    "give scheme://host[:port] only");
			goto cleanup;
		}
		if (*host == '\0' || host == slash) {
			mg_err_set(err, MG_EUSAGE, "endpoint URL has no host");
			goto cleanup;
		}
		if (mg_buf_add(&b, url, slash ? (size_t)(slash - url) :
		    strlen(url)) != 0)
			goto nomem;
	}
	t->endpoint = mg_buf_detach(&b);
	t->region = strdup(region);
	t->host = strdup(strstr(t->endpoint, "://") + 3);
	if (t->endpoint == NULL || t->region == NULL || t->host == NULL)
		goto nomem;
	t->creds = creds;
	mg_target_set_rates(t, 25, 150, 50);
	rc = 0;
	goto cleanup;
nomem:
	mg_err_set(err, MG_ENOMEM, "out of memory");
cleanup:
	mg_buf_release(&b);
	if (rc != 0)
		mg_target_release(t);
	return rc;
}

void
mg_target_release(struct mg_target *t)
{
	free(t->account);
	free(t->region);
	free(t->endpoint);
	free(t->host);
	memset(t, 0, sizeof(*t));
}

void
mg_target_set_rates(struct mg_target *t, double list, double get,
    double mutate)
{
	double rates[MG_OP_NCLASSES] = { list, get, mutate };
	int i;

	/*
	 * Pace at 90% of each quota and start with half a second's burst, so
	 * arrival jitter at the server cannot overdraw its bucket.
	 */
	for (i = 0; i < MG_OP_NCLASSES; i++) {
		t->buckets[i].rate = rates[i] * 0.9;
		t->buckets[i].tokens = rates[i] * 0.5;
		t->buckets[i].last = mg_now_mono();
	}
}

/* Buckets are shared by the clients of every thread of a fix. */
static pthread_mutex_t bucket_lock = PTHREAD_MUTEX_INITIALIZER;

/* Seconds until the bucket has a token; 0 means one was taken. */
static double
bucket_take(struct mg_bucket *bk, double now)
{
	double wait = 0;

	if (bk->rate <= 0)
		return 0;
	pthread_mutex_lock(&bucket_lock);
	bk->tokens += (now - bk->last) * bk->rate;
	if (bk->tokens > bk->rate * 0.5 + 1)
		bk->tokens = bk->rate * 0.5 + 1;
	bk->last = now;
	if (bk->tokens >= 1)
		bk->tokens -= 1;
	else
		wait = (1 - bk->tokens) / bk->rate;
	pthread_mutex_unlock(&bucket_lock);
	return wait;
}

struct mg_call *
mg_call_new(struct mg_target *t, enum mg_opclass opclass, const char *op,
    const char *method)
{
	struct mg_call *call;

	call = calloc(1, sizeof(*call));
	if (call == NULL)
		return NULL;
	call->target = t;
	call->opclass = opclass;
	call->op = op;
	call->method = method;
	mg_buf_init(&call->resp, MG_MAX_BODY);
	return call;
}

void
mg_call_reset(struct mg_call *call)
{
	mg_buf_release(&call->resp);
	mg_buf_init(&call->resp, MG_MAX_BODY);
	free(call->err_code);
	free(call->err_msg);
	call->err_code = NULL;
	call->err_msg = NULL;
	call->status = 0;
	call->request_id[0] = '\0';
	call->transport_failed = 0;
	call->transport_msg[0] = '\0';
	call->too_large = 0;
}

void
mg_call_free(struct mg_call *call)
{
	if (call == NULL)
		return;
	mg_call_reset(call);
	free(call->path);
	free(call->query);
	free(call->body);
	free(call->auth_header);
	if (call->headers != NULL)
		curl_slist_free_all(call->headers);
	if (call->easy != NULL)
		curl_easy_cleanup(call->easy);
	free(call);
}

char *
mg_aws_error_code(const char *header, const char *body)
{
	json_t *root = NULL, *v;
	const char *code = NULL, *p;
	char *out = NULL;
	size_t n;

	if (header != NULL && *header != '\0')
		code = header;
	else if (body != NULL) {
		root = json_loads(body, 0, NULL);
		if (json_is_object(root)) {
			v = json_object_get(root, "code");
			if (!json_is_string(v))
				v = json_object_get(root, "Code");
			if (!json_is_string(v))
				v = json_object_get(root, "__type");
			if (json_is_string(v))
				code = json_string_value(v);
		}
	}
	if (code == NULL)
		goto cleanup;
	/* Cut at the first ':', then keep what follows the last '#'. */
	n = strcspn(code, ":");
	for (p = code + n; p > code && p[-1] != '#'; p--)
		;
	n -= (size_t)(p - code);
	code = p;
	while (n > 0 && isspace((unsigned char)code[n - 1]))
		n--;
	while (n > 0 && isspace((unsigned char)*code)) {
		code++;
		n--;
	}
	if (n > 0)
		out = strndup(code, n);
cleanup:
	json_decref(root);
	return out;
}

static char *
error_message(const char *body)
{
	json_t *root, *v;
	char *out = NULL;

	root = json_loads(body ? body : "", 0, NULL);
	if (json_is_object(root)) {
		v = json_object_get(root, "message");
		if (!json_is_string(v))
			v = json_object_get(root, "Message");
		if (json_is_string(v))
			out = strdup(json_string_value(v));
	}
	json_decref(root);
	return out;
}

static int
in_list(const char *code, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; code != NULL && i < n; i++)
		if (strcmp(code, list[i]) == 0)
			return 1;
	return 0;
}

int
mg_aws_code_is_auth(const char *code)
{
	static const char *const codes[] = {
		"UnrecognizedClientException", "InvalidSignatureException",
		"IncompleteSignature", "IncompleteSignatureException",
		"MissingAuthenticationTokenException",
		"MissingAuthenticationToken", "InvalidClientTokenId",
		"SignatureDoesNotMatch", "ExpiredToken",
		"ExpiredTokenException", "AuthFailure",
	};

	return in_list(code, codes, sizeof(codes) / sizeof(codes[0]));
}

int
mg_aws_code_is_throttle(const char *code)
{
	static const char *const codes[] = {
		"Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded",
		"BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete",
		"EC2ThrottledException",
	};

	return in_list(code, codes, sizeof(codes) / sizeof(codes[0]));
}

static int
code_is_transient(const char *code)
{
	return code != NULL && (strcmp(code, "RequestTimeout") == 0 ||
	    strcmp(code, "RequestTimeoutException") == 0 ||
	    strcmp(code, "PriorRequestNotComplete") == 0);
}

void
mg_call_describe(const struct mg_call *call, char *buf, size_t n)
{
	const char *msg;
	int len;

	if (call->transport_failed) {
		snprintf(buf, n, "%s: %s", call->op, call->transport_msg);
		return;
	}
	if (call->err_code == NULL && call->err_msg == NULL) {
		snprintf(buf, n, "%s: HTTP %ld without an AWS error in the "
		    "answer (is the endpoint an AgentCore control plane?)",
		    call->op, call->status);
		return;
	}
	msg = call->err_msg ? call->err_msg : "no message";
	/* Services add pages of detail after the first line: keep one. */
	len = (int)strcspn(msg, "\r\n");
	while (len > 0 && msg[len - 1] == ' ')
		len--;
	snprintf(buf, n, "%s: %s: %.*s (HTTP %ld%s%s)", call->op,
	    call->err_code ? call->err_code : "error", len, msg, call->status,
	    call->request_id[0] ? ", request id " : "", call->request_id);
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct mg_call *call = arg;
	size_t n = size * nmemb;

	if (mg_buf_add(&call->resp, p, n) != 0) {
		call->too_large = 1;
		return 0;
	}
	return n;
}

/* Copy a header's value (trimmed) if its name matches. */
static int
header_value(const char *line, size_t len, const char *name, char *out,
    size_t outlen)
{
	size_t nl = strlen(name), vl;
	const char *v;

	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return 0;
	v = line + nl + 1;
	vl = len - nl - 1;
	while (vl > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl > 0 && isspace((unsigned char)v[vl - 1]))
		vl--;
	if (vl >= outlen)
		vl = outlen - 1;
	memcpy(out, v, vl);
	out[vl] = '\0';
	return 1;
}

static size_t
on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct mg_call *call = arg;
	size_t n = size * nmemb;
	char val[256];

	if (header_value(p, n, "x-amzn-ErrorType", val, sizeof(val))) {
		free(call->err_code);
		call->err_code = strdup(val);
	} else if (!header_value(p, n, "x-amzn-RequestId", call->request_id,
	    sizeof(call->request_id)))
		header_value(p, n, "x-amz-request-id", call->request_id,
		    sizeof(call->request_id));
	return n;
}

/* The HTTP trace of --debug, with every secret header cut to its name. */
static int
on_debug(CURL *easy, curl_infotype type, char *data, size_t size, void *arg)
{
	struct mg_call *call = arg;
	const char *dir, *line, *end, *stop = data + size;
	char out[1024];

	(void)easy;
	if (type == CURLINFO_HEADER_OUT)
		dir = ">";
	else if (type == CURLINFO_HEADER_IN)
		dir = "<";
	else if (type == CURLINFO_TEXT)
		dir = "*";
	else
		return 0;
	for (line = data; line < stop; line = end + 1) {
		size_t len;

		end = memchr(line, '\n', (size_t)(stop - line));
		if (end == NULL)
			end = stop;
		len = (size_t)(end - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0)
			continue;
		if (len > 900)
			len = 900;
		if (strncasecmp(line, "authorization:", 14) == 0)
			snprintf(out, sizeof(out), "%s Authorization: "
			    "AWS4-HMAC-SHA256 <redacted>", dir);
		else if (strncasecmp(line, "x-amz-security-token:", 21) == 0)
			snprintf(out, sizeof(out), "%s X-Amz-Security-Token: "
			    "<redacted>", dir);
		else
			snprintf(out, sizeof(out), "%s %.*s", dir, (int)len,
			    line);
		logf_(call->client, MG_LOG_DEBUG, "%s", out);
	}
	return 0;
}

static void
random_uuid(struct mg_client *c, char out[40])
{
	unsigned char r[16];
	int i;

	for (i = 0; i < 16; i++)
		r[i] = (unsigned char)(nrand48(c->rng) & 0xff);
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(out, 40, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
	    r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
}

static int
add_header(struct curl_slist **list, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
add_header(struct curl_slist **list, const char *fmt, ...)
{
	struct curl_slist *n;
	char line[8192];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(line))
		return -1;
	n = curl_slist_append(*list, line);
	mg_memzero(line, sizeof(line));
	if (n == NULL)
		return -1;
	*list = n;
	return 0;
}

/*
 * The canonical request names the session token among its headers: keep
 * the line, drop the value, before it reaches a trace.
 */
static char *
redact_token_line(const char *creq)
{
	static const char name[] = "x-amz-security-token:";
	const char *p, *eol;
	struct mg_buf b;

	mg_buf_init(&b, strlen(creq) + 64);
	p = strstr(creq, name);
	if (p == NULL || (p != creq && p[-1] != '\n')) {
		mg_buf_addstr(&b, creq);
		return mg_buf_detach(&b);
	}
	eol = strchr(p, '\n');
	if (mg_buf_add(&b, creq, (size_t)(p - creq)) ||
	    mg_buf_addstr(&b, name) || mg_buf_addstr(&b, "<redacted>") ||
	    (eol != NULL && mg_buf_addstr(&b, eol))) {
		mg_buf_release(&b);
		return NULL;
	}
	return mg_buf_detach(&b);
}

/* Sign the call for this attempt and build its header list. */
static int
sign_call(struct mg_client *c, struct mg_call *call, struct mg_err *err)
{
	const struct mg_creds *cr = call->target->creds;
	struct mg_sigv4_header h[4];
	struct mg_sigv4_input in;
	struct mg_sigv4_output out;
	struct curl_slist *list = NULL;
	char date[17];
	size_t nh = 0;
	int rc = -1;

	memset(&out, 0, sizeof(out));
	mg_sigv4_amz_date((long long)time(NULL), date);
	if (call->body != NULL)
		h[nh++] = (struct mg_sigv4_header){ "content-type",
		    "application/json" };
	h[nh++] = (struct mg_sigv4_header){ "host", call->target->host };
	h[nh++] = (struct mg_sigv4_header){ "x-amz-date", date };
	if (cr->session_token != NULL)
		h[nh++] = (struct mg_sigv4_header){ "x-amz-security-token",
		    cr->session_token };
	memset(&in, 0, sizeof(in));
	in.method = call->method;
	in.path = call->path;
	in.query = call->query;
	in.headers = h;
	in.nheaders = nh;
	in.body = call->body ? call->body : "";
	in.body_len = call->body ? strlen(call->body) : 0;
	in.region = call->target->region;
	in.service = "bedrock-agentcore";
	in.amz_date = date;
	in.normalize_path = 1;
	if (mg_sigv4_sign(&in, cr->access_key_id, cr->secret_access_key, &out,
	    err) != 0)
		goto cleanup;
	if (c->opts.debug) {
		char *creq = redact_token_line(out.canonical_request);

		logf_(c, MG_LOG_DEBUG, "canonical request:\n%s",
		    creq ? creq : "<out of memory>");
		free(creq);
		logf_(c, MG_LOG_DEBUG, "string to sign:\n%s",
		    out.string_to_sign);
	}
	if (add_header(&list, "Host: %s", call->target->host) ||
	    add_header(&list, "X-Amz-Date: %s", date) ||
	    add_header(&list, "Authorization: %s", out.authorization) ||
	    add_header(&list, "Content-Type:%s", call->body ?
	    " application/json" : "") ||
	    add_header(&list, "Expect:") ||
	    add_header(&list, "Accept: application/json") ||
	    add_header(&list, "User-Agent: mmdsguard/%s", MG_VERSION) ||
	    add_header(&list, "amz-sdk-invocation-id: %s",
	    call->invocation_id) ||
	    add_header(&list, "amz-sdk-request: attempt=%d; max=%d",
	    call->attempts, c->opts.max_attempts) ||
	    (cr->session_token != NULL && add_header(&list,
	    "X-Amz-Security-Token: %s", cr->session_token))) {
		mg_err_set(err, MG_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (call->headers != NULL)
		curl_slist_free_all(call->headers);
	call->headers = list;
	list = NULL;
	rc = 0;
cleanup:
	if (list != NULL)
		curl_slist_free_all(list);
	mg_sigv4_output_release(&out);
	return rc;
}

static int
start_call(struct mg_client *c, struct mg_call *call, struct mg_err *err)
{
	struct mg_buf url;
	CURL *e;
	int rc = -1;

	mg_buf_init(&url, 16384);
	call->attempts++;
	if (call->invocation_id[0] == '\0')
		random_uuid(c, call->invocation_id);
	if (sign_call(c, call, err) != 0)
		goto cleanup;
	if (mg_buf_addstr(&url, call->target->endpoint) ||
	    mg_buf_addstr(&url, call->path) ||
	    (call->query && *call->query && (mg_buf_addch(&url, '?') ||
	    mg_buf_addstr(&url, call->query)))) {
		mg_err_set(err, MG_ETOOLARGE, "request URL too long");
		goto cleanup;
	}
	if (call->easy == NULL)
		call->easy = curl_easy_init();
	e = call->easy;
	if (e == NULL) {
		mg_err_set(err, MG_ENOMEM, "cannot create a transfer");
		goto cleanup;
	}
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, url.data);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, call->headers);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, call);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, call);
	curl_easy_setopt(e, CURLOPT_PRIVATE, call);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    c->opts.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->opts.request_timeout_ms);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, call->transport_msg);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)MG_MAX_BODY);
	if (c->opts.ca_bundle != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->opts.ca_bundle);
	if (c->opts.debug) {
		curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
		curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, on_debug);
		curl_easy_setopt(e, CURLOPT_DEBUGDATA, call);
	}
	if (strcmp(call->method, "GET") != 0) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS,
		    call->body ? call->body : "");
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE,
		    call->body ? (long)strlen(call->body) : 0L);
		if (strcmp(call->method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
			    call->method);
	}
	call->client = c;
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		mg_err_set(err, MG_EINTERNAL, "cannot start a transfer");
		goto cleanup;
	}
	c->inflight++;
	rc = 0;
cleanup:
	mg_buf_release(&url);
	return rc;
}

int
mg_client_new(const struct mg_client_opts *opts, struct mg_client **out,
    struct mg_err *err)
{
	struct mg_client *c;
	unsigned long seed;

	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return mg_err_set(err, MG_ENOMEM, "out of memory");
	c->opts = *opts;
	if (c->opts.concurrency < 1)
		c->opts.concurrency = 1;
	if (c->opts.max_attempts < 1)
		c->opts.max_attempts = 3;
	if (c->opts.connect_timeout_ms <= 0)
		c->opts.connect_timeout_ms = 10000;
	if (c->opts.request_timeout_ms <= 0)
		c->opts.request_timeout_ms = 60000;
	c->retry_quota = RETRY_QUOTA_MAX;
	seed = (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16) ^
	    (unsigned long)(mg_now_mono() * 1e6);
	c->rng[0] = (unsigned short)seed;
	c->rng[1] = (unsigned short)(seed >> 16);
	c->rng[2] = (unsigned short)(seed >> 32);
	c->multi = curl_multi_init();
	if (c->multi == NULL) {
		free(c);
		return mg_err_set(err, MG_EINTERNAL, "cannot start libcurl");
	}
	curl_multi_setopt(c->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)c->opts.concurrency);
	*out = c;
	return 0;
}

void
mg_client_free(struct mg_client *c)
{
	struct mg_call *call, *next;

	if (c == NULL)
		return;
	for (call = c->queue; call != NULL; call = next) {
		next = call->next;
		mg_call_free(call);
	}
	curl_multi_cleanup(c->multi);
	free(c);
}

void
mg_client_submit_after(struct mg_client *c, struct mg_call *call,
    long delay_ms)
{
	struct mg_call **pp;

	call->client = c;
	call->not_before = mg_now_mono() + (double)delay_ms / 1000.0;
	call->next = NULL;
	for (pp = &c->queue; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = call;
}

void
mg_client_submit(struct mg_client *c, struct mg_call *call)
{
	mg_client_submit_after(c, call, 0);
}

/* Finish a call for good: hand it to its owner. */
static void
finish(struct mg_client *c, struct mg_call *call)
{
	(void)c;
	if (call->done != NULL)
		call->done(call);
	if (!call->keep)
		mg_call_free(call);
}

/* A call whose target refused our credentials is not sent at all. */
static void
fail_rejected(struct mg_client *c, struct mg_call *call)
{
	call->transport_failed = 1;
	snprintf(call->transport_msg, sizeof(call->transport_msg),
	    "not sent: the credentials were rejected");
	finish(c, call);
}

static int
retryable(struct mg_call *call, CURLcode res, int *timeout)
{
	*timeout = 0;
	if (res != CURLE_OK) {
		if (call->too_large || res == CURLE_FILESIZE_EXCEEDED)
			return 0;
		switch (res) {
		case CURLE_OPERATION_TIMEDOUT:
			*timeout = 1;
			return 1;
		case CURLE_COULDNT_CONNECT:
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_SEND_ERROR:
		case CURLE_RECV_ERROR:
		case CURLE_GOT_NOTHING:
		case CURLE_PARTIAL_FILE:
			return 1;
		default:
			return 0;
		}
	}
	if (call->status == 429 || call->status == 500 ||
	    call->status == 502 || call->status == 503 || call->status == 504)
		return 1;
	return mg_aws_code_is_throttle(call->err_code) ||
	    code_is_transient(call->err_code);
}

static void
complete(struct mg_client *c, struct mg_call *call, CURLcode res)
{
	int timeout, again;
	double cap, delay;

	curl_multi_remove_handle(c->multi, call->easy);
	c->inflight--;
	if (res != CURLE_OK) {
		call->transport_failed = 1;
		if (call->too_large || res == CURLE_FILESIZE_EXCEEDED)
			snprintf(call->transport_msg,
			    sizeof(call->transport_msg), "response larger "
			    "than %u bytes", MG_MAX_BODY);
		else if (call->transport_msg[0] == '\0')
			snprintf(call->transport_msg,
			    sizeof(call->transport_msg), "%s",
			    curl_easy_strerror(res));
	} else {
		curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE,
		    &call->status);
		if (call->status >= 300) {
			char *code = mg_aws_error_code(call->err_code,
			    call->resp.data);

			free(call->err_code);
			call->err_code = code;
			call->err_msg = error_message(call->resp.data);
			if (mg_aws_code_is_auth(call->err_code))
				call->target->rejected = 1;
		} else {
			free(call->err_code);
			call->err_code = NULL;
		}
	}
	again = retryable(call, res, &timeout) &&
	    call->attempts < c->opts.max_attempts &&
	    c->retry_quota >= (timeout ? RETRY_COST_TIMEOUT : RETRY_COST);
	if (!again) {
		if (call->attempts > 1 && res == CURLE_OK &&
		    call->status < 300)
			c->retry_quota += RETRY_COST;
		else if (call->attempts == 1 && res == CURLE_OK &&
		    call->status < 300 && c->retry_quota < RETRY_QUOTA_MAX)
			c->retry_quota++;
		if (c->retry_quota > RETRY_QUOTA_MAX)
			c->retry_quota = RETRY_QUOTA_MAX;
		finish(c, call);
		return;
	}
	c->retry_quota -= timeout ? RETRY_COST_TIMEOUT : RETRY_COST;
	cap = pow(2, call->attempts - 1);
	if (cap > 20)
		cap = 20;
	delay = erand48(c->rng) * cap;
	{
		char what[512];

		mg_call_describe(call, what, sizeof(what));
		logf_(c, MG_LOG_INFO, "retrying in %.2fs (attempt %d of %d): "
		    "%s", delay, call->attempts + 1, c->opts.max_attempts,
		    what);
	}
	mg_call_reset(call);
	mg_client_submit_after(c, call, (long)(delay * 1000));
}

/* Start what may start now; return seconds until the next could. */
static double
start_ready(struct mg_client *c, struct mg_err *err, int *failed)
{
	struct mg_call **pp = &c->queue, *call;
	double now = mg_now_mono(), wait = 1.0, w;

	while (*pp != NULL && c->inflight < c->opts.concurrency) {
		call = *pp;
		if (call->target->rejected) {
			*pp = call->next;
			fail_rejected(c, call);
			pp = &c->queue;
			continue;
		}
		if (call->not_before > now) {
			w = call->not_before - now;
			if (w < wait)
				wait = w;
			pp = &call->next;
			continue;
		}
		w = bucket_take(&call->target->buckets[call->opclass], now);
		if (w > 0) {
			if (w < wait)
				wait = w;
			pp = &call->next;
			continue;
		}
		*pp = call->next;
		call->next = NULL;
		if (start_call(c, call, err) != 0) {
			*failed = 1;
			mg_call_free(call);
			return 0;
		}
	}
	return wait;
}

int
mg_client_run(struct mg_client *c, struct mg_err *err)
{
	int running, failed = 0, msgs;
	double wait;
	CURLMsg *m;

	while (c->queue != NULL || c->inflight > 0) {
		curl_multi_perform(c->multi, &running);
		while ((m = curl_multi_info_read(c->multi, &msgs)) != NULL) {
			struct mg_call *call = NULL;

			if (m->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&call);
			complete(c, call, m->data.result);
		}
		/* Callbacks may have queued more: start what may start. */
		wait = start_ready(c, err, &failed);
		if (failed)
			return -1;
		if (c->queue == NULL && c->inflight == 0)
			break;
		if (c->inflight == 0)
			usleep((useconds_t)(wait * 1e6) + 1000);
		else
			curl_multi_poll(c->multi, NULL, 0,
			    (int)(wait * 1000) + 1, NULL);
	}
	return 0;
}

int
mg_call_sync(struct mg_client *c, struct mg_call *call, struct mg_err *err)
{
	call->keep = 1;
	mg_client_submit(c, call);
	return mg_client_run(c, err);
}
