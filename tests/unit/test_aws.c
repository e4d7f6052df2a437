/* SPDX-License-Identifier: Apache-2.0 */
/* test_aws.c: error codes, their classes, and percent-encoding. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aws.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Rows marked "botocore" were fed through botocore 1.43.11's
 * RestJSONParser (x-amzn-errortype header, body code/Code, __type) and
 * give the same name there. botocore falls back to the HTTP status when
 * it finds no code; mg_aws_error_code returns NULL and leaves that to
 * the caller.
 */
struct code_row {
	const char *name;
	const char *header;
	const char *body;
	const char *want;	/* NULL: no code */
};

static const struct code_row code_rows[] = {
	{ "header only (botocore)", "ThrottlingException", NULL,
	    "ThrottlingException" },
	{ "header wins over body code (botocore)", "ThrottlingException",
	    "{\"code\":\"Other\",\"__type\":\"Another\"}",
	    "ThrottlingException" },
	{ "header with URL suffix (botocore)",
	    "ValidationException:http://internal.amazon.com/coral/"
	    "com.amazon.coral.validate/", NULL, "ValidationException" },
	{ "header with namespace (botocore)",
	    "com.amazonaws.bedrockagentcorecontrol#ThrottlingException", NULL,
	    "ThrottlingException" },
	{ "namespace and URL suffix", "aws.protocoltests#Conflict"
	    "Exception:http://internal.amazon.com/x", NULL,
	    "ConflictException" },
	{ "'#' inside the URL suffix (botocore)", "ValidationException:"
	    "http://internal.amazon.com/coral/doc#fragment", NULL,
	    "ValidationException" },
	{ "empty header falls back to body", "",
	    "{\"code\":\"AccessDeniedException\"}", "AccessDeniedException" },
	{ "body code (botocore)", NULL,
	    "{\"code\":\"AccessDeniedException\",\"message\":\"no\"}",
	    "AccessDeniedException" },
	{ "body Code (botocore)", NULL,
	    "{\"Code\":\"ResourceNotFoundException\",\"Message\":\"gone\"}",
	    "ResourceNotFoundException" },
	{ "body code before Code", NULL,
	    "{\"Code\":\"Second\",\"code\":\"First\"}", "First" },
	{ "body __type with namespace (botocore)", NULL,
	    "{\"__type\":\"com.amazon.coral.service#ConflictException\","
	    "\"message\":\"m\"}", "ConflictException" },
	{ "body code before __type (botocore)", NULL,
	    "{\"__type\":\"B\",\"code\":\"A\"}", "A" },
	{ "__type with URL suffix", NULL,
	    "{\"__type\":\"ValidationException:http://x/y\"}",
	    "ValidationException" },
	{ "nothing in header or body", NULL, "{\"message\":\"x\"}", NULL },
	{ "no header, no body", NULL, NULL, NULL },
	{ "empty body", NULL, "", NULL },
	{ "garbage body", NULL, "<html><body>Bad Gateway</body></html>",
	    NULL },
	{ "body is a JSON array", NULL, "[\"ThrottlingException\"]", NULL },
	{ "code of the wrong type", NULL, "{\"code\":429}", NULL },
	{ "nothing left after stripping", "com.example#", NULL, NULL },
	{ "only a suffix", ":http://x", NULL, NULL },
};

static void
test_error_code(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(code_rows); i++) {
		const struct code_row *r = &code_rows[i];
		char *got;

		print_message("error code row: %s\n", r->name);
		got = mg_aws_error_code(r->header, r->body);
		if (r->want == NULL) {
			if (got != NULL)
				fail_msg("got '%s', want no code", got);
		} else {
			assert_non_null(got);
			assert_string_equal(got, r->want);
		}
		free(got);
	}
}

struct class_row {
	const char *code;
	int auth;
	int throttle;
};

static const struct class_row class_rows[] = {
	{ "UnrecognizedClientException", 1, 0 },
	{ "InvalidSignatureException", 1, 0 },
	{ "IncompleteSignature", 1, 0 },
	{ "MissingAuthenticationToken", 1, 0 },
	{ "InvalidClientTokenId", 1, 0 },
	{ "SignatureDoesNotMatch", 1, 0 },
	{ "ExpiredToken", 1, 0 },
	{ "ExpiredTokenException", 1, 0 },
	{ "ThrottlingException", 0, 1 },
	{ "Throttling", 0, 1 },
	{ "TooManyRequestsException", 0, 1 },
	{ "RequestLimitExceeded", 0, 1 },
	{ "ProvisionedThroughputExceededException", 0, 1 },
	{ "SlowDown", 0, 1 },
	/* Refusals that retrying or new credentials will not cure. */
	{ "AccessDeniedException", 0, 0 },
	{ "ValidationException", 0, 0 },
	{ "ConflictException", 0, 0 },
	{ "ServiceQuotaExceededException", 0, 0 },
	{ "ResourceNotFoundException", 0, 0 },
	{ "InternalServerException", 0, 0 },
	{ "throttlingexception", 0, 0 },
	{ "ThrottlingException ", 0, 0 },
	{ "", 0, 0 },
	{ NULL, 0, 0 },
};

static void
test_code_classes(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(class_rows); i++) {
		const struct class_row *r = &class_rows[i];

		print_message("class row: %s\n", r->code ? r->code : "(null)");
		assert_int_equal(mg_aws_code_is_auth(r->code) != 0, r->auth);
		assert_int_equal(mg_aws_code_is_throttle(r->code) != 0,
		    r->throttle);
	}
}

struct enc_row {
	const char *name;
	const char *in;
	const char *want;
};

static const struct enc_row enc_rows[] = {
	{ "plus", "a+b", "a%2Bb" },
	{ "slash", "a/b", "a%2Fb" },
	{ "equals", "k=v", "k%3Dv" },
	{ "space", "a b", "a%20b" },
	{ "unreserved kept", "AZaz09-_.~", "AZaz09-_.~" },
	{ "percent", "100%", "100%25" },
	{ "reserved", "?#&:@!$'()*,;[]", "%3F%23%26%3A%40%21%24%27%28%29%2A"
	    "%2C%3B%5B%5D" },
	{ "UTF-8, two bytes", "\u00e9", "%C3%A9" },
	{ "UTF-8, three bytes", "\u65e5", "%E6%97%A5" },
	{ "UTF-8, four bytes", "\U0001F600", "%F0%9F%98%80" },
	{ "controls", "\t\n\x7f", "%09%0A%7F" },
	{ "a pagination token", "AAAA/bb+cc==", "AAAA%2Fbb%2Bcc%3D%3D" },
	{ "empty", "", "" },
};

static void
test_url_encode(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(enc_rows); i++) {
		struct mg_buf b;

		print_message("encode row: %s\n", enc_rows[i].name);
		mg_buf_init(&b, 4096);
		assert_int_equal(mg_url_encode(&b, enc_rows[i].in), 0);
		assert_string_equal(b.data ? b.data : "", enc_rows[i].want);
		mg_buf_release(&b);
	}
}

/* Appends to what is there, and honours the buffer's bound. */
static void
test_url_encode_buffer(void **state)
{
	struct mg_buf b;

	(void)state;
	mg_buf_init(&b, 16);
	assert_int_equal(mg_buf_addstr(&b, "q="), 0);
	assert_int_equal(mg_url_encode(&b, "a b"), 0);
	assert_string_equal(b.data, "q=a%20b");
	assert_int_not_equal(mg_url_encode(&b, "//////"), 0);
	assert_string_equal(b.data, "q=a%20b");
	mg_buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_code),
		cmocka_unit_test(test_code_classes),
		cmocka_unit_test(test_url_encode),
		cmocka_unit_test(test_url_encode_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
