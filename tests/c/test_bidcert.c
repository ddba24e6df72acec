/*
 * The C suite of bidcert: the shared JSON vectors (and BIDCERT_EXTRA_VECTORS) including the
 * call engine's `exchange` scripts, every status path of the C ABI, both operations against the
 * emulator (started through libbidcert_testing) with v1.0 and V3 signatures, over HTTP and over
 * HTTPS (trust options, the TLS error kind, host names, one handshake per pooled connection),
 * and the live fault matrix (tests/live/fault_matrix.json) through bidcert_client_*, over HTTP
 * and HTTPS; the credentials providers, their refresh and the chain are in test_credentials.c.
 * Built with -std=c99 -Wall -Wextra -Wpedantic -Werror and run under valgrind by `make c-test`.
 * Prints "N passed, M failed" last; exits non-zero on any failure.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep, mkstemp, setenv */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bidcert.h"
#include "bidcert_testing.h"
#include "suite.h"

int passed;
int failed;
const char *current = "";
char sentinel_byte;

int streq(const char *a, const char *b) {
    if (a == NULL || b == NULL) return a == b;
    return strcmp(a, b) == 0;
}

/* The name of an error's kind (static), or NULL. */
const char *kind_of(const bidcert_error *err) {
    bidcert_error_kind kind = 0;
    if (err == NULL || bidcert_error_get_kind(err, &kind) != BIDCERT_OK) return NULL;
    return bidcert_error_kind_name(kind);
}

/* The name of the thread's last error kind (static), or NULL. */
const char *last_kind(void) {
    bidcert_error *err = NULL;
    const char *kind;
    if (bidcert_last_error(&err) != BIDCERT_OK || err == NULL) return NULL;
    kind = kind_of(err);
    bidcert_error_free(err);
    return kind;
}

void check_last_kind(const char *want, const char *what) {
    const char *kind = last_kind();
    CHECK(streq(kind, want), "%s: last error kind %s, want %s", what, kind ? kind : "(none)", want);
}

/* Compares an owned result string with a JSON string or null, then frees it. */
static void check_json_str(char *got, const cJSON *want, const char *what) {
    if (cJSON_IsNull(want) || want == NULL) {
        CHECK(got == NULL, "%s: got \"%s\", want null", what, got ? got : "");
    } else {
        CHECK(streq(got, want->valuestring), "%s: got \"%s\", want \"%s\"", what,
              got ? got : "(null)", want->valuestring);
    }
    bidcert_string_free(got);
}

static const cJSON *item(const cJSON *obj, const char *key) {
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static const char *str_or_null(const cJSON *v) {
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---------------------------------------------------------------- vectors: signing */

static void run_signing(const cJSON *cases) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const cJSON *params = item(c, "params");
        int n = cJSON_GetArraySize(params);
        bidcert_param *p = calloc((size_t)(n > 0 ? n : 1), sizeof *p);
        const cJSON *pair;
        int i = 0;
        char *query = NULL, *sts = NULL, *sig = NULL;
        current = item(c, "name")->valuestring;
        cJSON_ArrayForEach(pair, params) {
            p[i].key = cJSON_GetArrayItem(pair, 0)->valuestring;
            p[i].value = cJSON_GetArrayItem(pair, 1)->valuestring;
            i++;
        }
        CHECK_STATUS(bidcert_canonicalized_query(p, (size_t)n, &query), BIDCERT_OK);
        check_json_str(query, item(c, "canonicalized_query"), "canonicalized_query");
        CHECK_STATUS(bidcert_string_to_sign(item(c, "method")->valuestring, p, (size_t)n, &sts),
                     BIDCERT_OK);
        check_json_str(sts, item(c, "string_to_sign"), "string_to_sign");
        CHECK_STATUS(bidcert_signature(item(c, "method")->valuestring, p, (size_t)n,
                                       item(c, "access_key_secret")->valuestring, &sig),
                     BIDCERT_OK);
        check_json_str(sig, item(c, "signature"), "signature");
        free(p);
    }
}

/* ---------------------------------------------------------------- vectors: signing_v3 */

/* A JSON array of [name, value] pairs as bidcert_params (borrowing the JSON's strings); the
 * caller frees the array. */
static bidcert_param *json_pairs(const cJSON *pairs, size_t *len) {
    int n = cJSON_GetArraySize(pairs);
    bidcert_param *p = calloc((size_t)(n > 0 ? n : 1), sizeof *p);
    const cJSON *pair;
    int i = 0;
    cJSON_ArrayForEach(pair, pairs) {
        p[i].key = cJSON_GetArrayItem(pair, 0)->valuestring;
        p[i].value = cJSON_GetArrayItem(pair, 1)->valuestring;
        i++;
    }
    *len = (size_t)n;
    return p;
}

/* Stage by stage: each stage's input is the previous stage's output. */
static void run_signing_v3(const cJSON *cases) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        size_t nq = 0, nh = 0;
        bidcert_param *q = json_pairs(item(c, "query"), &nq);
        bidcert_param *h = json_pairs(item(c, "headers"), &nh);
        char *cr = NULL, *sts = NULL, *auth = NULL;
        current = item(c, "name")->valuestring;
        CHECK_STATUS(bidcert_v3_canonical_request(item(c, "method")->valuestring,
                                                  item(c, "canonical_uri")->valuestring, q, nq, h,
                                                  nh, item(c, "hashed_payload")->valuestring, &cr),
                     BIDCERT_OK);
        if (cr != NULL) {
            CHECK_STATUS(bidcert_v3_string_to_sign(cr, &sts), BIDCERT_OK);
            check_json_str(sts, item(c, "string_to_sign"), "string_to_sign");
            CHECK_STATUS(bidcert_v3_authorization(cr, item(c, "access_key_id")->valuestring,
                                                  item(c, "access_key_secret")->valuestring, &auth),
                         BIDCERT_OK);
            check_json_str(auth, item(c, "authorization"), "authorization");
        }
        check_json_str(cr, item(c, "canonical_request"), "canonical_request");
        free(q);
        free(h);
    }
}

/* ---------------------------------------------------------------- vectors: responses */

static void check_error_fields(const cJSON *want) {
    bidcert_error *err = NULL;
    const cJSON *v;
    CHECK_STATUS(bidcert_last_error(&err), BIDCERT_OK);
    CHECK(err != NULL, "an error was recorded");
    if (err == NULL) return;
    {
        const char *kind = kind_of(err);
        CHECK(streq(kind, item(want, "kind")->valuestring), "error.kind %s, want %s",
              kind ? kind : "(null)", item(want, "kind")->valuestring);
    }
    if ((v = item(want, "code")) != NULL) {
        char *s = NULL;
        CHECK_STATUS(bidcert_error_code(err, &s), BIDCERT_OK);
        check_json_str(s, v, "error.code");
    }
    if ((v = item(want, "message")) != NULL) {
        char *s = NULL;
        CHECK_STATUS(bidcert_error_message(err, &s), BIDCERT_OK);
        check_json_str(s, v, "error.message");
    }
    if ((v = item(want, "request_id")) != NULL) {
        char *s = NULL;
        CHECK_STATUS(bidcert_error_request_id(err, &s), BIDCERT_OK);
        check_json_str(s, v, "error.request_id");
    }
    if ((v = item(want, "http_status")) != NULL) {
        uint16_t status = 0;
        CHECK_STATUS(bidcert_error_http_status(err, &status), BIDCERT_OK);
        CHECK(status == (uint16_t)v->valueint, "error.http_status %u, want %d", status, v->valueint);
    }
    if ((v = item(want, "retryable")) != NULL) {
        bool retryable = false;
        CHECK_STATUS(bidcert_error_retryable(err, &retryable), BIDCERT_OK);
        CHECK(retryable == (bool)cJSON_IsTrue(v), "error.retryable %d", retryable);
    }
    bidcert_error_free(err);
}

static bidcert_status want_status_for(const cJSON *want_error) {
    const char *kind = item(want_error, "kind")->valuestring;
    if (streq(kind, "parse")) return BIDCERT_PARSE;
    return BIDCERT_API_ERROR;
}

static void run_query_response(const cJSON *c, uint16_t status, const char *body) {
    bidcert_certified_info *info = SENTINEL;
    const cJSON *want = item(c, "expect");
    const cJSON *want_error = item(c, "error");
    bidcert_status got = bidcert_parse_certified_info(status, (const uint8_t *)body, strlen(body), &info);
    if (want_error != NULL) {
        CHECK(got == want_status_for(want_error), "status %s", bidcert_status_str(got));
        CHECK(info == SENTINEL, "out untouched on failure");
        check_error_fields(want_error);
        return;
    }
    CHECK(got == BIDCERT_OK, "status %s", bidcert_status_str(got));
    if (got != BIDCERT_OK) return;
    {
        char *s = NULL;
        bool certified = false;
        CHECK_STATUS(bidcert_certified_info_request_id(info, &s), BIDCERT_OK);
        check_json_str(s, item(want, "request_id"), "request_id");
        CHECK_STATUS(bidcert_certified_info_aliyun_pk(info, &s), BIDCERT_OK);
        check_json_str(s, item(want, "aliyun_pk"), "aliyun_pk");
        CHECK_STATUS(bidcert_certified_info_is_certified(info, &certified), BIDCERT_OK);
        CHECK(certified == (bool)cJSON_IsTrue(item(want, "is_certified")), "is_certified");
        CHECK_STATUS(bidcert_certified_info_account_cert_type(info, &s), BIDCERT_OK);
        check_json_str(s, item(want, "account_cert_type"), "account_cert_type");
        CHECK_STATUS(bidcert_certified_info_name(info, true, &s), BIDCERT_OK);
        check_json_str(s, item(want, "name"), "name");
        CHECK_STATUS(bidcert_certified_info_phone(info, true, &s), BIDCERT_OK);
        check_json_str(s, item(want, "phone"), "phone");
        CHECK_STATUS(bidcert_certified_info_cert_type(info, &s), BIDCERT_OK);
        check_json_str(s, item(want, "cert_type"), "cert_type");
        CHECK_STATUS(bidcert_certified_info_cert_number(info, true, &s), BIDCERT_OK);
        check_json_str(s, item(want, "cert_number"), "cert_number");
        /* Masked by default: a present cert number never comes back verbatim. */
        if (cJSON_IsString(item(want, "cert_number")) && strlen(item(want, "cert_number")->valuestring) >= 4) {
            CHECK_STATUS(bidcert_certified_info_cert_number(info, false, &s), BIDCERT_OK);
            CHECK(s != NULL && !streq(s, item(want, "cert_number")->valuestring), "cert_number masked");
            bidcert_string_free(s);
        }
    }
    bidcert_certified_info_free(info);
}

static void run_cert_ways_response(const cJSON *c, uint16_t status, const char *body) {
    bidcert_cert_ways_url *url = SENTINEL;
    const cJSON *want = item(c, "expect");
    const cJSON *want_error = item(c, "error");
    bidcert_status got = bidcert_parse_cert_ways_url(status, (const uint8_t *)body, strlen(body),
                                                     item(c, "issued_at")->valuestring, &url);
    if (want_error != NULL) {
        CHECK(got == want_status_for(want_error), "status %s", bidcert_status_str(got));
        CHECK(url == SENTINEL, "out untouched on failure");
        check_error_fields(want_error);
        return;
    }
    CHECK(got == BIDCERT_OK, "status %s", bidcert_status_str(got));
    if (got != BIDCERT_OK) return;
    {
        char *s = NULL;
        int64_t expires = 0;
        CHECK_STATUS(bidcert_cert_ways_url_url(url, &s), BIDCERT_OK);
        check_json_str(s, item(want, "url"), "url");
        CHECK_STATUS(bidcert_cert_ways_url_request_id(url, &s), BIDCERT_OK);
        check_json_str(s, item(want, "request_id"), "request_id");
        CHECK_STATUS(bidcert_cert_ways_url_expires_at(url, &expires), BIDCERT_OK);
        CHECK_STATUS(bidcert_timestamp_format(expires, &s), BIDCERT_OK);
        check_json_str(s, item(want, "expires_at"), "expires_at");
    }
    bidcert_cert_ways_url_free(url);
}

static void run_responses(const cJSON *cases) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        const char *op = item(c, "operation")->valuestring;
        uint16_t status = (uint16_t)item(c, "status")->valueint;
        const char *body = item(c, "body")->valuestring;
        current = item(c, "name")->valuestring;
        if (streq(op, "query_certified_info")) {
            run_query_response(c, status, body);
        } else if (streq(op, "generate_cert_ways_url")) {
            run_cert_ways_response(c, status, body);
        } else {
            CHECK(0, "unknown operation %s", op);
        }
    }
}

/* ---------------------------------------------------------------- vectors: events */

static void run_events(const cJSON *cases) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        bidcert_fast_auth_event *ev = SENTINEL;
        const cJSON *want = item(c, "expect");
        const cJSON *want_error = item(c, "error");
        bidcert_status got;
        current = item(c, "name")->valuestring;
        got = bidcert_parse_fast_auth_event(item(c, "data")->valuestring,
                                            str_or_null(item(c, "origin")),
                                            str_or_null(item(c, "expected_origin")), &ev);
        if (want_error != NULL) {
            const char *kind = item(want_error, "kind")->valuestring;
            bidcert_status want_status =
                streq(kind, "origin_mismatch") ? BIDCERT_ORIGIN_MISMATCH : BIDCERT_PARSE;
            CHECK(got == want_status, "status %s for %s", bidcert_status_str(got), kind);
            CHECK(ev == SENTINEL, "out untouched on failure");
            check_last_kind(kind, "event error");
            continue;
        }
        CHECK(got == BIDCERT_OK, "status %s", bidcert_status_str(got));
        if (got != BIDCERT_OK) continue;
        {
            char *s = NULL;
            bool b = false;
            CHECK_STATUS(bidcert_fast_auth_event_type(ev, &s), BIDCERT_OK);
            check_json_str(s, item(want, "type"), "type");
            CHECK_STATUS(bidcert_fast_auth_event_reason(ev, &s), BIDCERT_OK);
            check_json_str(s, item(want, "reason"), "reason");
            CHECK_STATUS(bidcert_fast_auth_event_success(ev, &b), BIDCERT_OK);
            CHECK(b == (bool)cJSON_IsTrue(item(want, "success")), "success");
            CHECK_STATUS(bidcert_fast_auth_event_ends_flow(ev, &b), BIDCERT_OK);
            CHECK(b == (bool)cJSON_IsTrue(item(want, "ends_flow")), "ends_flow");
            CHECK_STATUS(bidcert_fast_auth_event_data_json(ev, &s), BIDCERT_OK);
            CHECK(s != NULL, "data json");
            bidcert_string_free(s);
        }
        bidcert_fast_auth_event_free(ev);
    }
}

/* ---------------------------------------------------------------- vectors: diagnosis */

static void run_diagnosis(const cJSON *cases) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        bidcert_diagnosis *d = NULL;
        char *json = NULL, *text = NULL;
        cJSON *got;
        size_t count = 0;
        bool found = false, identical = false;
        const cJSON *want = item(c, "expect");
        const cJSON *our_cr = item(c, "canonical_request");
        current = item(c, "name")->valuestring;
        /* A V3 case gives our canonical request; a v1.0 case our string to sign. */
        if (cJSON_IsString(our_cr)) {
            CHECK_STATUS(bidcert_v3_diagnose_signature_mismatch(
                             item(c, "server_message")->valuestring, our_cr->valuestring, &d),
                         BIDCERT_OK);
        } else {
            CHECK_STATUS(bidcert_diagnose_signature_mismatch(item(c, "server_message")->valuestring,
                                                             item(c, "string_to_sign")->valuestring,
                                                             &d),
                         BIDCERT_OK);
        }
        if (d == NULL) continue;
        CHECK_STATUS(bidcert_diagnosis_to_json(d, &json), BIDCERT_OK);
        got = cJSON_Parse(json);
        {
            /* The vectors name a subset of the core's keys. */
            const cJSON *key;
            cJSON_ArrayForEach(key, want) {
                CHECK(cJSON_Compare(item(got, key->string), key, true), "diagnosis.%s in %s", key->string,
                      json ? json : "(null)");
            }
        }
        cJSON_Delete(got);
        bidcert_string_free(json);
        CHECK_STATUS(bidcert_diagnosis_server_string_found(d, &found), BIDCERT_OK);
        CHECK(found == (bool)cJSON_IsTrue(item(want, "server_string_found")), "found");
        CHECK_STATUS(bidcert_diagnosis_identical(d, &identical), BIDCERT_OK);
        CHECK(identical == (bool)cJSON_IsTrue(item(want, "identical")), "identical");
        CHECK_STATUS(bidcert_diagnosis_difference_count(d, &count), BIDCERT_OK);
        CHECK(count == (size_t)cJSON_GetArraySize(item(want, "differences")), "count");
        CHECK_STATUS(bidcert_diagnosis_text(d, &text), BIDCERT_OK);
        CHECK(text != NULL && strlen(text) > 0, "text");
        bidcert_string_free(text);
        bidcert_diagnosis_free(d);
    }
}

/* ---------------------------------------------------------------- vectors: exchange */

static int64_t num(const cJSON *obj, const char *key, int64_t fallback) {
    const cJSON *v = item(obj, key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : fallback;
}

/* The client config of a policy object (absent fields keep the core's defaults). */
static void policy_config(bidcert_client_config *cfg, const cJSON *policy) {
    if (policy == NULL) return;
    cfg->max_attempts = (uint32_t)num(policy, "max_attempts", cfg->max_attempts);
    cfg->retry_base_delay_ms = (uint64_t)num(policy, "base_delay_ms", (int64_t)cfg->retry_base_delay_ms);
    cfg->retry_max_delay_ms = (uint64_t)num(policy, "max_delay_ms", (int64_t)cfg->retry_max_delay_ms);
    cfg->budget_ms = (uint64_t)num(policy, "budget_ms", (int64_t)cfg->budget_ms);
    cfg->timeout_ms = (uint64_t)num(policy, "attempt_timeout_ms", (int64_t)cfg->timeout_ms);
    cfg->connect_timeout_ms = (uint64_t)num(policy, "connect_timeout_ms", (int64_t)cfg->connect_timeout_ms);
    cfg->max_body_bytes = (uint64_t)num(policy, "max_body_bytes", (int64_t)cfg->max_body_bytes);
    if (item(policy, "signature_version") != NULL) {
        const char *v = str_or_null(item(policy, "signature_version"));
        CHECK(streq(v, "v1") || streq(v, "v3"), "signature_version %s", v ? v : "(not a string)");
        cfg->signature_version = streq(v, "v3") ? BIDCERT_SIGNATURE_VERSION_V3 : BIDCERT_SIGNATURE_VERSION_V1;
    }
}

/* The scheme of an attempt's Authorization header (its first word, into `out`), or NULL when
 * it has none (v1.0 signs in the query). */
static const char *authorization_scheme(const bidcert_attempt *a, char *out, size_t size) {
    size_t i;
    for (i = 0; i < a->headers_len; i++) {
        if (streq(a->headers[i].key, "Authorization")) {
            size_t n = strcspn(a->headers[i].value, " ");
            snprintf(out, size, "%.*s", (int)n, a->headers[i].value);
            return out;
        }
    }
    return NULL;
}

static uint32_t bid_type_of(const char *name) {
    return streq(name, "LIGHTWEIGHT") ? BIDCERT_BID_TYPE_LIGHTWEIGHT : BIDCERT_BID_TYPE_NORMAL;
}

static uint32_t transport_kind_of(const char *name) {
    if (streq(name, "connect")) return BIDCERT_TRANSPORT_KIND_CONNECT;
    if (streq(name, "timeout")) return BIDCERT_TRANSPORT_KIND_TIMEOUT;
    if (streq(name, "reset")) return BIDCERT_TRANSPORT_KIND_RESET;
    if (streq(name, "tls")) return BIDCERT_TRANSPORT_KIND_TLS;
    return 0xffffffffu;
}

static bidcert_operation *exchange_operation(const cJSON *op) {
    bidcert_operation *out = NULL;
    const char *type = item(op, "type")->valuestring;
    if (streq(type, "query_certified_info")) {
        CHECK_STATUS(bidcert_operation_new_query(item(op, "pk")->valuestring,
                                                 bid_type_of(item(op, "bid_type")->valuestring), &out),
                     BIDCERT_OK);
    } else if (streq(type, "generate_cert_ways_url")) {
        bidcert_cert_ways_request cw;
        memset(&cw, 0, sizeof cw);
        cw.aliyun_pk = item(op, "aliyun_pk")->valuestring;
        cw.bid_type = bid_type_of(item(op, "bid_type")->valuestring);
        CHECK_STATUS(bidcert_operation_new_cert_ways_url(&cw, &out), BIDCERT_OK);
    } else if (streq(type, "rpc")) {
        const cJSON *params = item(op, "params"), *pair;
        int n = cJSON_GetArraySize(params), i = 0;
        bidcert_param *p = calloc((size_t)(n > 0 ? n : 1), sizeof *p);
        cJSON_ArrayForEach(pair, params) {
            p[i].key = cJSON_GetArrayItem(pair, 0)->valuestring;
            p[i].value = cJSON_GetArrayItem(pair, 1)->valuestring;
            i++;
        }
        CHECK_STATUS(bidcert_operation_new_rpc_at(item(op, "endpoint")->valuestring, item(op, "action")->valuestring,
                                                  item(op, "version")->valuestring, NULL, p, (size_t)n, &out),
                     BIDCERT_OK);
        free(p);
    } else {
        CHECK(0, "unknown operation type %s", type);
    }
    return out;
}

/* The kind name of the call's error (retry cause or failure), or NULL. */
static const char *call_error_kind(const bidcert_call *call, bidcert_error **keep) {
    bidcert_error *err = NULL;
    CHECK_STATUS(bidcert_call_error(call, &err), BIDCERT_OK);
    *keep = err;
    return kind_of(err);
}

static void check_done(const bidcert_call *call, const cJSON *want) {
    const cJSON *v;
    bidcert_certified_info *info = NULL;
    bidcert_cert_ways_url *link = NULL;
    char *s = NULL;
    if (bidcert_call_certified_info(call, &info) == BIDCERT_OK) {
        bool certified = false;
        if ((v = item(want, "is_certified")) != NULL) {
            CHECK_STATUS(bidcert_certified_info_is_certified(info, &certified), BIDCERT_OK);
            CHECK(certified == (bool)cJSON_IsTrue(v), "is_certified");
        }
        if ((v = item(want, "request_id")) != NULL) {
            CHECK_STATUS(bidcert_certified_info_request_id(info, &s), BIDCERT_OK);
            check_json_str(s, v, "request_id");
        }
        bidcert_certified_info_free(info);
    } else if (bidcert_call_cert_ways_url(call, &link) == BIDCERT_OK) {
        if ((v = item(want, "expires_at")) != NULL) {
            int64_t expires = 0;
            CHECK_STATUS(bidcert_cert_ways_url_expires_at(link, &expires), BIDCERT_OK);
            CHECK_STATUS(bidcert_timestamp_format(expires, &s), BIDCERT_OK);
            check_json_str(s, v, "expires_at");
        }
        bidcert_cert_ways_url_free(link);
    } else {
        cJSON *json;
        CHECK_STATUS(bidcert_call_json(call, &s), BIDCERT_OK);
        json = cJSON_Parse(s ? s : "null");
        if ((v = item(want, "request_id")) != NULL) {
            CHECK(cJSON_Compare(item(json, "RequestId"), v, true), "RequestId in %s", s ? s : "(null)");
        }
        cJSON_Delete(json);
        bidcert_string_free(s);
    }
}

static void check_failure(const bidcert_call *call, const cJSON *want) {
    bidcert_error *err = NULL;
    const char *kind = call_error_kind(call, &err);
    const cJSON *v;
    CHECK(streq(kind, item(want, "kind")->valuestring), "failed with %s, want %s", kind ? kind : "(none)",
          item(want, "kind")->valuestring);
    if (err == NULL) return;
    if ((v = item(want, "request_id")) != NULL) {
        char *s = NULL;
        CHECK_STATUS(bidcert_error_request_id(err, &s), BIDCERT_OK);
        check_json_str(s, v, "request_id");
    }
    if ((v = item(want, "clock_offset")) != NULL) {
        bool known = false;
        int64_t offset = 0;
        CHECK_STATUS(bidcert_error_clock_offset(err, &known, &offset), BIDCERT_OK);
        CHECK(known && offset == (int64_t)v->valuedouble, "clock offset %lld", (long long)offset);
    }
    if ((v = item(want, "diagnosed")) != NULL) {
        char *s = NULL;
        CHECK_STATUS(bidcert_error_diagnosis(err, &s), BIDCERT_OK);
        CHECK((s != NULL) == (bool)cJSON_IsTrue(v), "diagnosed");
        bidcert_string_free(s);
    }
    bidcert_error_free(err);
}

static void run_exchange_case(const cJSON *c) {
    bidcert_credentials *creds = NULL;
    bidcert_client *client = NULL;
    bidcert_operation *op;
    bidcert_call *call = NULL;
    bidcert_client_config cfg;
    const cJSON *step, *want = item(c, "expect");
    int64_t start = num(c, "start_ms", 0);
    uint32_t attempts = 0;
    int64_t offset = 0;
    int i = 0;
    memset(&cfg, 0, sizeof cfg);
    policy_config(&cfg, item(c, "policy"));
    CHECK_STATUS(bidcert_credentials_new("LTAI5tBidcertTestKey01", "testsecret", NULL, &creds), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_new(creds, &cfg, &client), BIDCERT_OK);
    bidcert_credentials_free(creds);
    op = exchange_operation(item(c, "operation"));
    CHECK_STATUS(bidcert_call_new(client, op, &call), BIDCERT_OK);
    bidcert_operation_free(op); /* the call keeps its own copy */
    bidcert_client_free(client); /* and its own reference to the client's state */
    if (call == NULL) return;
    CHECK_STATUS(bidcert_call_set_clock_offset(call, num(c, "clock_offset", 0)), BIDCERT_OK);
    cJSON_ArrayForEach(step, item(c, "steps")) {
        char nonce[64];
        bidcert_call_inputs in;
        bidcert_attempt attempt;
        bidcert_decision d;
        const cJSON *req = item(step, "request"), *expect = item(step, "expect"), *v;
        const char *decision;
        snprintf(nonce, sizeof nonce, "exchange-nonce-%d", i++);
        in.now_unix_ms = start + num(step, "at_ms", 0);
        in.nonce = nonce;
        in.jitter = cJSON_IsNumber(item(step, "jitter")) ? item(step, "jitter")->valuedouble : 0.5;
        if ((v = item(step, "request_error")) != NULL) {
            CHECK(bidcert_call_next_request(call, &in, &attempt) != BIDCERT_OK, "want the request error %s",
                  v->valuestring);
            check_last_kind(v->valuestring, "request error");
            break;
        }
        CHECK_STATUS(bidcert_call_next_request(call, &in, &attempt), BIDCERT_OK);
        CHECK(attempt.number == (uint32_t)num(req, "attempt", 0), "attempt %u", attempt.number);
        CHECK(streq(attempt.timestamp, item(req, "timestamp")->valuestring), "timestamp %s", attempt.timestamp);
        CHECK(attempt.timeout_ms == (uint64_t)num(req, "timeout_ms", 0), "timeout %llu",
              (unsigned long long)attempt.timeout_ms);
        if ((v = item(req, "authorization")) != NULL) {
            char scheme[64];
            const char *got = authorization_scheme(&attempt, scheme, sizeof scheme);
            CHECK(streq(got, str_or_null(v)), "Authorization scheme %s, want %s", got ? got : "(none)",
                  cJSON_IsString(v) ? v->valuestring : "(none)");
        }
        in.now_unix_ms = start + num(step, "after_ms", 0);
        if ((v = item(step, "transport")) != NULL) {
            CHECK_STATUS(bidcert_call_feed_transport_error(call, transport_kind_of(v->valuestring), "scripted", &in, &d),
                         BIDCERT_OK);
        } else {
            const cJSON *r = item(step, "response"), *h;
            int n = cJSON_GetArraySize(item(r, "headers")), k = 0;
            bidcert_param *headers = calloc((size_t)(n > 0 ? n : 1), sizeof *headers);
            const char *body = item(r, "body")->valuestring;
            cJSON_ArrayForEach(h, item(r, "headers")) {
                headers[k].key = cJSON_GetArrayItem(h, 0)->valuestring;
                headers[k].value = cJSON_GetArrayItem(h, 1)->valuestring;
                k++;
            }
            CHECK_STATUS(bidcert_call_feed_response(call, (uint16_t)num(r, "status", 0), headers, (size_t)n,
                                                    (const uint8_t *)body, strlen(body), &in, &d),
                         BIDCERT_OK);
            free(headers);
        }
        decision = item(expect, "decision")->valuestring;
        if (streq(decision, "retry")) {
            bidcert_error *err = NULL;
            const char *cause = call_error_kind(call, &err);
            double lo = cJSON_GetArrayItem(item(expect, "delay_ms"), 0)->valuedouble;
            double hi = cJSON_GetArrayItem(item(expect, "delay_ms"), 1)->valuedouble;
            CHECK(d.kind == BIDCERT_DECISION_KIND_RETRY, "decision %u, want retry", (unsigned)d.kind);
            CHECK((double)d.retry_after_ms + 1.0 >= lo && (double)d.retry_after_ms <= hi + 1.0,
                  "retry after %llu ms, want %g..%g", (unsigned long long)d.retry_after_ms, lo, hi);
            CHECK(streq(cause, item(expect, "cause")->valuestring), "cause %s", cause ? cause : "(none)");
            bidcert_error_free(err);
        } else if (streq(decision, "done")) {
            CHECK(d.kind == BIDCERT_DECISION_KIND_DONE, "decision %u, want done", (unsigned)d.kind);
            if (d.kind == BIDCERT_DECISION_KIND_DONE) check_done(call, expect);
        } else {
            CHECK(d.kind == BIDCERT_DECISION_KIND_FAIL, "decision %u, want fail", (unsigned)d.kind);
            check_failure(call, expect);
        }
    }
    CHECK_STATUS(bidcert_call_attempts(call, &attempts), BIDCERT_OK);
    CHECK(attempts == (uint32_t)num(want, "attempts", 0), "attempts %u", attempts);
    CHECK_STATUS(bidcert_call_clock_offset(call, &offset), BIDCERT_OK);
    CHECK(offset == num(want, "clock_offset", 0), "clock offset %lld", (long long)offset);
    bidcert_call_free(call);
}

static void run_exchange(const cJSON *cases) {
    const cJSON *c;
    cJSON_ArrayForEach(c, cases) {
        current = item(c, "name")->valuestring;
        run_exchange_case(c);
    }
}

/* ---------------------------------------------------------------- vector files */

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    long n;
    char *buf;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf != NULL) buf[n] = '\0';
    fclose(f);
    return buf;
}

static void run_vector_file(const char *path) {
    char *text = read_file(path);
    cJSON *doc;
    const cJSON *kind, *cases;
    current = path;
    CHECK(text != NULL, "cannot read vector file %s", path);
    if (text == NULL) return;
    doc = cJSON_Parse(text);
    free(text);
    CHECK(doc != NULL, "vector file %s is not JSON", path);
    if (doc == NULL) return;
    kind = item(doc, "kind");
    cases = item(doc, "cases");
    CHECK(cJSON_IsString(kind) && cJSON_IsArray(cases), "%s: no kind or cases", path);
    if (cJSON_IsString(kind) && cJSON_IsArray(cases)) {
        int before = passed + failed;
        if (streq(kind->valuestring, "signing")) run_signing(cases);
        else if (streq(kind->valuestring, "signing_v3")) run_signing_v3(cases);
        else if (streq(kind->valuestring, "responses")) run_responses(cases);
        else if (streq(kind->valuestring, "fast_auth_events")) run_events(cases);
        else if (streq(kind->valuestring, "diagnosis")) run_diagnosis(cases);
        else if (streq(kind->valuestring, "exchange")) run_exchange(cases);
        else CHECK(0, "%s: unknown kind %s", path, kind->valuestring);
        printf("vectors %s (%s, %d cases): %d checks\n", path, kind->valuestring,
               cJSON_GetArraySize(cases), passed + failed - before);
    }
    cJSON_Delete(doc);
}

static void run_vectors(void) {
    static const char *files[] = {"signing.json", "signing_v3.json", "responses.json",
                                  "fast_auth_events.json", "diagnosis.json", "exchange.json"};
    const char *dir = getenv("BIDCERT_VECTORS_DIR");
    const char *extra = getenv("BIDCERT_EXTRA_VECTORS");
    char path[4096];
    size_t i;
    if (dir == NULL) dir = "tests/vectors";
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        run_vector_file(path);
    }
    if (extra != NULL) {
        const char *start = extra;
        for (;;) {
            const char *end = strchr(start, ':');
            size_t len = end ? (size_t)(end - start) : strlen(start);
            if (len > 0 && len < sizeof path) {
                memcpy(path, start, len);
                path[len] = '\0';
                run_vector_file(path);
            }
            if (end == NULL) break;
            start = end + 1;
        }
    }
}

/* ---------------------------------------------------------------- status paths */

static void test_status_str(void) {
    uint32_t s;
    current = "status_str";
    for (s = 0; s <= 11; s++) {
        const char *text = bidcert_status_str(s);
        CHECK(text != NULL && strncmp(text, "BIDCERT_", 8) == 0, "status %u", s);
    }
    CHECK(streq(bidcert_status_str(999), "BIDCERT_UNKNOWN_STATUS"), "unknown status");
    CHECK(strncmp(bidcert_status_str(BIDCERT_OK), "BIDCERT_OK", 10) == 0, "ok");
}

static void test_last_error(void) {
    bidcert_error *err = SENTINEL;
    char *out = NULL;
    current = "last_error";
    CHECK_STATUS(bidcert_last_error(NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_percent_encode("a b", &out), BIDCERT_OK);
    CHECK(streq(out, "a%20b"), "percent_encode");
    bidcert_string_free(out);
    CHECK_STATUS(bidcert_last_error(&err), BIDCERT_OK);
    CHECK(err == NULL, "a success clears the last error");
    CHECK_STATUS(bidcert_percent_encode(NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_last_error(&err), BIDCERT_OK);
    CHECK(err != NULL, "a failure sets the last error");
    if (err != NULL) {
        char *s = NULL;
        bidcert_status st = BIDCERT_OK;
        uint16_t http = 1;
        bool retry = true;
        CHECK_STATUS(bidcert_error_status(err, &st), BIDCERT_OK);
        CHECK(st == BIDCERT_NULL_ARGUMENT, "error status");
        CHECK_STATUS(bidcert_error_field(err, &s), BIDCERT_OK);
        CHECK(streq(s, "s"), "error field names the argument: %s", s ? s : "(null)");
        bidcert_string_free(s);
        CHECK_STATUS(bidcert_error_code(err, &s), BIDCERT_OK);
        CHECK(s == NULL, "no code for a local error");
        CHECK_STATUS(bidcert_error_message(err, &s), BIDCERT_OK);
        CHECK(s != NULL && strstr(s, "NULL") != NULL, "message");
        bidcert_string_free(s);
        CHECK_STATUS(bidcert_error_request_id(err, &s), BIDCERT_OK);
        CHECK(s == NULL, "no request id");
        CHECK_STATUS(bidcert_error_diagnosis(err, &s), BIDCERT_OK);
        CHECK(s == NULL, "no diagnosis");
        CHECK_STATUS(bidcert_error_http_status(err, &http), BIDCERT_OK);
        CHECK(http == 0, "no http status");
        CHECK_STATUS(bidcert_error_retryable(err, &retry), BIDCERT_OK);
        CHECK(!retry, "not retryable");
        /* NULL for each pointer of each getter. */
        CHECK_STATUS(bidcert_error_status(NULL, &st), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_status(err, NULL), BIDCERT_NULL_ARGUMENT);
        {
            bidcert_error_kind k = 0;
            bool known = true;
            int64_t offset = 7;
            CHECK_STATUS(bidcert_error_get_kind(NULL, &k), BIDCERT_NULL_ARGUMENT);
            CHECK_STATUS(bidcert_error_get_kind(err, NULL), BIDCERT_NULL_ARGUMENT);
            CHECK_STATUS(bidcert_error_get_kind(err, &k), BIDCERT_OK);
            CHECK(k == BIDCERT_ERROR_KIND_NULL_ARGUMENT, "kind %u", (unsigned)k);
            CHECK_STATUS(bidcert_error_clock_offset(err, &known, &offset), BIDCERT_OK);
            CHECK(!known && offset == 7, "no clock offset, seconds untouched");
            CHECK_STATUS(bidcert_error_clock_offset(NULL, &known, &offset), BIDCERT_NULL_ARGUMENT);
            CHECK_STATUS(bidcert_error_clock_offset(err, NULL, &offset), BIDCERT_NULL_ARGUMENT);
            CHECK_STATUS(bidcert_error_clock_offset(err, &known, NULL), BIDCERT_NULL_ARGUMENT);
        }
        CHECK_STATUS(bidcert_error_code(NULL, &s), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_code(err, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_message(NULL, &s), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_message(err, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_request_id(NULL, &s), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_request_id(err, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_http_status(NULL, &http), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_http_status(err, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_retryable(NULL, &retry), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_retryable(err, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_field(NULL, &s), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_field(err, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_diagnosis(NULL, &s), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_diagnosis_json(NULL, &s), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_diagnosis_json(err, &s), BIDCERT_OK);
        CHECK(s == NULL, "no diagnosis json");
        CHECK_STATUS(bidcert_error_diagnosis(err, NULL), BIDCERT_NULL_ARGUMENT);
        bidcert_error_free(err);
    }
    /* Kinds have stable names; a value that is no kind has none. (The panic boundary is
     * tested in Rust: the production library has no test-only export to provoke one.) */
    CHECK(streq(bidcert_error_kind_name(BIDCERT_ERROR_KIND_BID_MISMATCH), "bid_mismatch"), "name");
    CHECK(streq(bidcert_error_kind_name(BIDCERT_ERROR_KIND_TIMEOUT), "timeout"), "name");
    CHECK(streq(bidcert_error_kind_name(BIDCERT_ERROR_KIND_INTERNAL), "internal"), "name");
    CHECK(bidcert_error_kind_name(0) == NULL && bidcert_error_kind_name(0xffffffffu) == NULL, "no kind");
}

static void test_free_null(void) {
    current = "free_null";
    bidcert_string_free(NULL);
    bidcert_error_free(NULL);
    bidcert_credentials_free(NULL);
    bidcert_signer_free(NULL);
    bidcert_signed_request_free(NULL);
    bidcert_client_free(NULL);
    bidcert_certified_info_free(NULL);
    bidcert_cert_ways_url_free(NULL);
    bidcert_fast_auth_event_free(NULL);
    bidcert_diagnosis_free(NULL);
    bidcert_operation_free(NULL);
    bidcert_call_free(NULL);
    bidcert_testing_emulator_free(NULL);
    bidcert_testing_string_free(NULL);
    CHECK(1, "every _free(NULL) is a no-op");
}

static void test_pure_status_paths(void) {
    bidcert_param ok[2] = {{"Action", "X"}, {"PK", "1"}};
    bidcert_param dup[2] = {{"A", "1"}, {"A", "2"}};
    bidcert_param null_key[1] = {{NULL, "1"}};
    bidcert_param null_value[1] = {{"A", NULL}};
    bidcert_param bad_utf8_key[1] = {{"\xff\xfe", "1"}};
    bidcert_param bad_utf8_value[1] = {{"A", "\xc3"}};
    bidcert_param empty_key[1] = {{"", "1"}};
    char *out = SENTINEL;
    int64_t unix_s = 0;
    current = "pure_status_paths";

    CHECK_STATUS(bidcert_percent_encode(NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_percent_encode("x", NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_percent_encode("\xff", &out), BIDCERT_INVALID_UTF8);
    CHECK(out == SENTINEL, "out untouched");

    CHECK_STATUS(bidcert_string_to_sign(NULL, ok, 2, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_string_to_sign("POST", NULL, 2, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_string_to_sign("POST", ok, 2, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_string_to_sign("POST", null_key, 1, &out), BIDCERT_NULL_ARGUMENT);
    check_last_kind("null_argument", "null key");
    CHECK_STATUS(bidcert_string_to_sign("POST", null_value, 1, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_string_to_sign("POST", bad_utf8_key, 1, &out), BIDCERT_INVALID_UTF8);
    check_last_kind("invalid_utf8", "invalid UTF-8 key");
    CHECK_STATUS(bidcert_string_to_sign("POST", bad_utf8_value, 1, &out), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_string_to_sign("\xff", ok, 2, &out), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_string_to_sign("PUT", ok, 2, &out), BIDCERT_VALIDATION);
    check_last_kind("validation", "bad method");
    CHECK_STATUS(bidcert_string_to_sign("post", ok, 2, &out), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_string_to_sign("POST", dup, 2, &out), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_string_to_sign("POST", empty_key, 1, &out), BIDCERT_VALIDATION);
    CHECK(out == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_string_to_sign("GET", NULL, 0, &out), BIDCERT_OK);
    CHECK(streq(out, "GET&%2F&"), "no params: %s", out);
    bidcert_string_free(out);

    out = SENTINEL;
    CHECK_STATUS(bidcert_signature(NULL, ok, 2, "s", &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signature("POST", NULL, 1, "s", &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signature("POST", ok, 2, NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signature("POST", ok, 2, "s", NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signature("POST", ok, 2, "\xff", &out), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_signature("POST", dup, 2, "s", &out), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_signature("PATCH", ok, 2, "s", &out), BIDCERT_VALIDATION);
    CHECK(out == SENTINEL, "out untouched");

    CHECK_STATUS(bidcert_canonicalized_query(NULL, 1, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_canonicalized_query(ok, 2, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_canonicalized_query(dup, 2, &out), BIDCERT_VALIDATION);

    CHECK_STATUS(bidcert_mask(NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_mask("x", NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_mask("\xff", &out), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_mask("15812345678", &out), BIDCERT_OK);
    CHECK(streq(out, "15*******78"), "mask: %s", out);
    bidcert_string_free(out);

    out = SENTINEL;
    CHECK_STATUS(bidcert_timestamp_format(0, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_timestamp_format(-1, &out), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_timestamp_format(1632821837, &out), BIDCERT_OK);
    CHECK(streq(out, "2021-09-28T09:37:17Z"), "timestamp_format: %s", out);
    bidcert_string_free(out);
    CHECK_STATUS(bidcert_timestamp_parse(NULL, &unix_s), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_timestamp_parse("2021-09-28T09:37:17Z", NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_timestamp_parse("2021-09-28 09:37:17", &unix_s), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_timestamp_parse("\xff", &unix_s), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_timestamp_parse("2021-09-28T09:37:17Z", &unix_s), BIDCERT_OK);
    CHECK(unix_s == 1632821837, "timestamp_parse");
}

static void test_v3_status_paths(void) {
    static const char *empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    bidcert_param q[1] = {{"PK", "1"}};
    bidcert_param h[2] = {{"Host", "h"}, {"x-acs-action", "X"}};
    bidcert_param dup[2] = {{"A", "1"}, {"A", "2"}};
    bidcert_param null_value[1] = {{"x-acs-a", NULL}};
    bidcert_param bad_utf8[1] = {{"x-acs-a", "\xc3"}};
    bidcert_param line_break[1] = {{"x-acs-a", "1\r\nx-acs-b: 2"}};
    bidcert_param bad_name[1] = {{"x acs", "1"}};
    bidcert_diagnosis *d = SENTINEL;
    char *out = SENTINEL, *cr = NULL;
    current = "v3_status_paths";

    CHECK_STATUS(bidcert_v3_canonical_request(NULL, "/", q, 1, h, 2, empty, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", NULL, q, 1, h, 2, empty, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", NULL, 1, h, 2, empty, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", q, 1, NULL, 2, empty, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", q, 1, h, 2, NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", q, 1, h, 2, empty, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", q, 1, null_value, 1, empty, &out), BIDCERT_NULL_ARGUMENT);
    check_last_kind("null_argument", "null header value");
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", q, 1, bad_utf8, 1, empty, &out), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "\xff", q, 1, h, 2, empty, &out), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_v3_canonical_request("PUT", "/", q, 1, h, 2, empty, &out), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "x", q, 1, h, 2, empty, &out), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", dup, 2, h, 2, empty, &out), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", q, 1, line_break, 1, empty, &out), BIDCERT_VALIDATION);
    check_last_kind("validation", "line break in a header value");
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", q, 1, bad_name, 1, empty, &out), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_v3_canonical_request("POST", "/", q, 1, h, 2, "E3B0", &out), BIDCERT_VALIDATION);
    CHECK(out == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_v3_canonical_request("GET", "/", NULL, 0, NULL, 0, empty, &cr), BIDCERT_OK);
    CHECK(streq(cr, "GET\n/\n\n\n\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
          "nothing signed: %s", cr ? cr : "(null)");

    CHECK_STATUS(bidcert_v3_string_to_sign(NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_string_to_sign("x", NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_string_to_sign("\xff", &out), BIDCERT_INVALID_UTF8);
    CHECK(out == SENTINEL, "out untouched");

    CHECK_STATUS(bidcert_v3_authorization(NULL, "id", "s", &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_authorization(cr, NULL, "s", &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_authorization(cr, "id", NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_authorization(cr, "id", "s", NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_authorization(cr, "id", "\xff", &out), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_v3_authorization("not a canonical request", "id", "s", &out), BIDCERT_VALIDATION);
    check_last_kind("validation", "not a canonical request");
    CHECK(out == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_v3_authorization(cr, "id", "s", &out), BIDCERT_OK);
    {
        static const char *prefix = "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=,Signature=";
        CHECK(out != SENTINEL && out != NULL && strncmp(out, prefix, strlen(prefix)) == 0 &&
                  strlen(out) == strlen(prefix) + 64,
              "authorization: %s", out != SENTINEL && out ? out : "(none)");
    }
    if (out != SENTINEL) bidcert_string_free(out);

    CHECK_STATUS(bidcert_v3_diagnose_signature_mismatch(NULL, cr, &d), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_diagnose_signature_mismatch("x", NULL, &d), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_diagnose_signature_mismatch("x", cr, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_v3_diagnose_signature_mismatch("\xff", cr, &d), BIDCERT_INVALID_UTF8);
    CHECK(d == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_v3_diagnose_signature_mismatch("no marker", cr, &d), BIDCERT_OK);
    if (d != SENTINEL) {
        bool found = true;
        CHECK_STATUS(bidcert_diagnosis_server_string_found(d, &found), BIDCERT_OK);
        CHECK(!found, "no server string");
        bidcert_diagnosis_free(d);
    }
    bidcert_string_free(cr);
}

static void test_parse_status_paths(void) {
    static const char *malformed[] = {"", "not json", "[1,2]", "{\"requestId\":\"r\",\"result\":\"{",
                                      "<html>502</html>", "{\"requestId\":\"r\"}",
                                      "{\"requestId\":\"r\",\"result\":\"[1]\"}",
                                      "{\"requestId\":\"r\",\"result\":{\"isCertified\":\"2\"}}"};
    static const uint8_t invalid_utf8[] = {0x7b, 0xff, 0xfe, 0x7d};
    const char *error_body = "{\"Code\":\"Bid Mismatch\",\"Message\":\"m\",\"RequestId\":\"R1\"}";
    bidcert_certified_info *info = SENTINEL;
    bidcert_cert_ways_url *url = SENTINEL;
    bidcert_fast_auth_event *ev = SENTINEL;
    bidcert_diagnosis *d = SENTINEL;
    char *out = SENTINEL;
    size_t i;
    current = "parse_status_paths";

    CHECK_STATUS(bidcert_parse_certified_info(200, NULL, 5, &info), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_parse_certified_info(200, (const uint8_t *)"{}", 2, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_parse_certified_info(200, NULL, 0, &info), BIDCERT_PARSE);
    for (i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        CHECK_STATUS(bidcert_parse_certified_info(200, (const uint8_t *)malformed[i],
                                                  strlen(malformed[i]), &info),
                     BIDCERT_PARSE);
        CHECK_STATUS(bidcert_parse_cert_ways_url(200, (const uint8_t *)malformed[i], strlen(malformed[i]),
                                                 "2026-11-23T08:00:00Z", &url),
                     BIDCERT_PARSE);
        check_last_kind("parse", malformed[i]);
    }
    CHECK_STATUS(bidcert_parse_certified_info(200, invalid_utf8, sizeof invalid_utf8, &info), BIDCERT_PARSE);
    CHECK_STATUS(bidcert_parse_certified_info(400, (const uint8_t *)error_body, strlen(error_body), &info),
                 BIDCERT_API_ERROR);
    check_last_kind("bid_mismatch", "error body");
    CHECK(info == SENTINEL, "out untouched");

    CHECK_STATUS(bidcert_parse_cert_ways_url(200, NULL, 3, NULL, &url), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_parse_cert_ways_url(200, (const uint8_t *)"{}", 2, NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_parse_cert_ways_url(200, (const uint8_t *)"{}", 2, "yesterday", &url), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_parse_cert_ways_url(200, (const uint8_t *)"{}", 2, "\xff", &url), BIDCERT_INVALID_UTF8);
    CHECK(url == SENTINEL, "out untouched");
    {
        const char *ok = "{\"RequestId\":\"R\",\"Data\":\"https://a.example/x?t=1\",\"Success\":true}";
        CHECK_STATUS(bidcert_parse_cert_ways_url(200, (const uint8_t *)ok, strlen(ok), NULL, &url), BIDCERT_OK);
        if (url != SENTINEL) {
            int64_t issued = 0, expires = 0;
            CHECK_STATUS(bidcert_cert_ways_url_issued_at(url, &issued), BIDCERT_OK);
            CHECK_STATUS(bidcert_cert_ways_url_expires_at(url, &expires), BIDCERT_OK);
            CHECK(expires - issued == 3 * 3600, "valid 3 hours");
            CHECK_STATUS(bidcert_cert_ways_url_origin(url, &out), BIDCERT_OK);
            CHECK(streq(out, "https://a.example"), "origin %s", out);
            bidcert_string_free(out);
            CHECK_STATUS(bidcert_cert_ways_url_url(NULL, &out), BIDCERT_NULL_ARGUMENT);
            CHECK_STATUS(bidcert_cert_ways_url_url(url, NULL), BIDCERT_NULL_ARGUMENT);
            CHECK_STATUS(bidcert_cert_ways_url_request_id(NULL, &out), BIDCERT_NULL_ARGUMENT);
            CHECK_STATUS(bidcert_cert_ways_url_origin(url, NULL), BIDCERT_NULL_ARGUMENT);
            CHECK_STATUS(bidcert_cert_ways_url_issued_at(NULL, &issued), BIDCERT_NULL_ARGUMENT);
            CHECK_STATUS(bidcert_cert_ways_url_expires_at(url, NULL), BIDCERT_NULL_ARGUMENT);
            bidcert_cert_ways_url_free(url);
        }
    }
    out = SENTINEL;
    CHECK_STATUS(bidcert_parse_rpc_response(200, (const uint8_t *)"{\"a\":1}", 7, &out), BIDCERT_OK);
    CHECK(streq(out, "{\"a\":1}"), "rpc json %s", out);
    bidcert_string_free(out);
    CHECK_STATUS(bidcert_parse_rpc_response(200, (const uint8_t *)"nope", 4, &out), BIDCERT_PARSE);
    CHECK_STATUS(bidcert_parse_rpc_response(200, (const uint8_t *)"{}", 2, NULL), BIDCERT_NULL_ARGUMENT);

    /* Getters of a certified info. */
    {
        const char *body = "{\"requestId\":\"r\",\"result\":{\"isCertified\":\"1\",\"name\":\"Zhang San Feng\"}}";
        bool b;
        CHECK_STATUS(bidcert_parse_certified_info(200, (const uint8_t *)body, strlen(body), &info), BIDCERT_OK);
        CHECK_STATUS(bidcert_certified_info_name(info, false, &out), BIDCERT_OK);
        CHECK(out != NULL && strstr(out, "Zhang San Feng") == NULL && strchr(out, '*') != NULL, "masked %s", out);
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_certified_info_cert_type_code(info, &out), BIDCERT_OK);
        CHECK(out == NULL, "absent cert type");
        CHECK_STATUS(bidcert_certified_info_name(NULL, true, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_certified_info_name(info, true, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_certified_info_request_id(NULL, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_certified_info_phone(info, false, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_certified_info_is_certified(NULL, &b), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_certified_info_is_certified(info, NULL), BIDCERT_NULL_ARGUMENT);
        bidcert_certified_info_free(info);
    }

    CHECK_STATUS(bidcert_parse_fast_auth_event(NULL, NULL, NULL, &ev), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_parse_fast_auth_event("{\"type\":\"init\"}", NULL, NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_parse_fast_auth_event("\xff", NULL, NULL, &ev), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_parse_fast_auth_event("{\"type\":\"init\"}", "\xff", NULL, &ev), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_parse_fast_auth_event("{\"type\":\"init\"}", NULL, "\xff", &ev), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_parse_fast_auth_event("{\"type\":", NULL, NULL, &ev), BIDCERT_PARSE);
    check_last_kind("malformed", "truncated event");
    CHECK_STATUS(bidcert_parse_fast_auth_event("{\"type\":\"init\"}", "https://evil.example",
                                               "https://account.aliyun.com", &ev),
                 BIDCERT_ORIGIN_MISMATCH);
    CHECK(ev == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_parse_fast_auth_event("{\"type\":\"init\"}", NULL, NULL, &ev), BIDCERT_OK);
    if (ev != SENTINEL) {
        bool b;
        CHECK_STATUS(bidcert_fast_auth_event_type(NULL, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_fast_auth_event_type(ev, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_fast_auth_event_reason(NULL, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_fast_auth_event_data_json(ev, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_fast_auth_event_success(NULL, &b), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_fast_auth_event_ends_flow(ev, NULL), BIDCERT_NULL_ARGUMENT);
        bidcert_fast_auth_event_free(ev);
    }

    CHECK_STATUS(bidcert_diagnose_signature_mismatch(NULL, "x", &d), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_diagnose_signature_mismatch("x", NULL, &d), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_diagnose_signature_mismatch("x", "y", NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_diagnose_signature_mismatch("\xff", "y", &d), BIDCERT_INVALID_UTF8);
    CHECK(d == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_diagnose_signature_mismatch("no marker", "POST&%2F&A%3D1", &d), BIDCERT_OK);
    if (d != SENTINEL) {
        bool b = true;
        size_t n = 9;
        CHECK_STATUS(bidcert_diagnosis_server_string_found(d, &b), BIDCERT_OK);
        CHECK(!b, "no server string");
        CHECK_STATUS(bidcert_diagnosis_server_string_to_sign(d, &out), BIDCERT_OK);
        CHECK(out == NULL, "absent");
        CHECK_STATUS(bidcert_diagnosis_text(NULL, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_diagnosis_to_json(d, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_diagnosis_identical(NULL, &b), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_diagnosis_difference_count(d, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_diagnosis_difference_count(d, &n), BIDCERT_OK);
        CHECK(n == 0, "no differences");
        bidcert_diagnosis_free(d);
    }
}

static void test_signer_status_paths(void) {
    bidcert_credentials *creds = SENTINEL;
    bidcert_signer *signer = SENTINEL;
    bidcert_signed_request *req = SENTINEL;
    bidcert_cert_ways_request cw;
    char *out = SENTINEL;
    current = "signer_status_paths";

    CHECK_STATUS(bidcert_credentials_new(NULL, "s", NULL, &creds), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_new("id", NULL, NULL, &creds), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_new("id", "s", NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_new("", "s", NULL, &creds), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_credentials_new("id", "s\n", NULL, &creds), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_credentials_new("id", "s", "", &creds), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_credentials_new("id", "\xff", NULL, &creds), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_credentials_new("id", "s", "\xff", &creds), BIDCERT_INVALID_UTF8);
    CHECK(creds == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_credentials_resolve(NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_new("LTAI5tExample", "testsecret", "sts+token/=", &creds), BIDCERT_OK);
    CHECK_STATUS(bidcert_credentials_access_key_id(creds, &out), BIDCERT_OK);
    CHECK(streq(out, "LTAI5tExample"), "access key id");
    bidcert_string_free(out);
    CHECK_STATUS(bidcert_credentials_access_key_id(NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_access_key_id(creds, NULL), BIDCERT_NULL_ARGUMENT);

    CHECK_STATUS(bidcert_signer_new(NULL, &signer), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signer_new(creds, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signer_new(creds, &signer), BIDCERT_OK);
    bidcert_credentials_free(creds); /* the signer keeps its own copy */

    CHECK_STATUS(bidcert_signer_set_endpoint(NULL, BIDCERT_PRODUCT_CRM, "https://x"), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signer_set_endpoint(signer, BIDCERT_PRODUCT_CRM, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signer_set_endpoint(signer, 2, "https://x"), BIDCERT_INVALID_ENUM);
    CHECK_STATUS(bidcert_signer_set_endpoint(signer, 0xffffffffu, "https://x"), BIDCERT_INVALID_ENUM);
    check_last_kind("invalid_enum", "product");
    CHECK_STATUS(bidcert_signer_set_endpoint(signer, BIDCERT_PRODUCT_CRM, "ftp://x"), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_signer_set_endpoint(signer, BIDCERT_PRODUCT_CRM, "\xff"), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_signer_set_endpoint(signer, BIDCERT_PRODUCT_CRM, "https://crm.example:8443"), BIDCERT_OK);

    CHECK_STATUS(bidcert_signer_sign_query(NULL, "1", 0, NULL, NULL, &req), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signer_sign_query(signer, NULL, 0, NULL, NULL, &req), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signer_sign_query(signer, "1", 0, NULL, NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signer_sign_query(signer, "\xff", 0, NULL, NULL, &req), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_signer_sign_query(signer, "1", 2, NULL, NULL, &req), BIDCERT_INVALID_ENUM);
    CHECK_STATUS(bidcert_signer_sign_query(signer, "1", 0x80000000u, NULL, NULL, &req), BIDCERT_INVALID_ENUM);
    CHECK_STATUS(bidcert_signer_sign_query(signer, "", 0, NULL, NULL, &req), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_signer_sign_query(signer, "12ab", 0, NULL, NULL, &req), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_signer_sign_query(signer, "1", 0, "2026-11-23", NULL, &req), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_signer_sign_query(signer, "1", 0, NULL, "a b", &req), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_signer_sign_query(signer, "1", 0, "\xff", NULL, &req), BIDCERT_INVALID_UTF8);
    CHECK(req == SENTINEL, "out untouched");

    CHECK_STATUS(bidcert_signer_sign_query(signer, "1234567890123456", BIDCERT_BID_TYPE_LIGHTWEIGHT,
                                           "2026-11-23T08:00:00Z", "3f2b8c1e-7a4d-4e9b-9c2a-5d6e7f809a1b", &req),
                 BIDCERT_OK);
    if (req != SENTINEL) {
        char *sts = NULL, *query = NULL;
        CHECK_STATUS(bidcert_signed_request_method(req, &out), BIDCERT_OK);
        CHECK(streq(out, "POST"), "method");
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_signed_request_url(req, &out), BIDCERT_OK);
        CHECK(out != NULL && strncmp(out, "https://crm.example:8443/?", 26) == 0, "url %s", out);
        CHECK(out != NULL && strstr(out, "&Signature=") != NULL, "signed url");
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_signed_request_redacted_url(req, &out), BIDCERT_OK);
        CHECK(out != NULL && strstr(out, "Signature=<redacted>") != NULL && strstr(out, "sts") == NULL,
              "redacted %s", out);
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_signed_request_timestamp(req, &out), BIDCERT_OK);
        CHECK(streq(out, "2026-11-23T08:00:00Z"), "timestamp");
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_signed_request_canonicalized_query(req, &query), BIDCERT_OK);
        CHECK(query != NULL && strstr(query, "SignatureNonce=3f2b8c1e-7a4d-4e9b-9c2a-5d6e7f809a1b") != NULL,
              "query %s", query);
        CHECK(query != NULL && strstr(query, "SecurityToken=sts%2Btoken%2F%3D") != NULL, "token signed");
        CHECK_STATUS(bidcert_signed_request_string_to_sign(req, &sts), BIDCERT_OK);
        CHECK(sts != NULL && strncmp(sts, "POST&%2F&AccessKeyId%3DLTAI5tExample", 36) == 0, "sts %s", sts);
        CHECK_STATUS(bidcert_signed_request_signature(req, &out), BIDCERT_OK);
        CHECK(out != NULL && strlen(out) == 28, "signature");
        bidcert_string_free(out);
        bidcert_string_free(sts);
        bidcert_string_free(query);
        CHECK_STATUS(bidcert_signed_request_method(NULL, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_signed_request_url(req, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_signed_request_string_to_sign(NULL, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_signed_request_canonicalized_query(req, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_signed_request_signature(NULL, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_signed_request_timestamp(req, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_signed_request_redacted_url(NULL, &out), BIDCERT_NULL_ARGUMENT);
        bidcert_signed_request_free(req);
    }

    memset(&cw, 0, sizeof cw);
    req = SENTINEL;
    CHECK_STATUS(bidcert_signer_sign_cert_ways_url(signer, &cw, NULL, NULL, &req), BIDCERT_NULL_ARGUMENT);
    check_last_kind("null_argument", "request.aliyun_pk");
    CHECK_STATUS(bidcert_signer_sign_cert_ways_url(signer, NULL, NULL, NULL, &req), BIDCERT_NULL_ARGUMENT);
    cw.aliyun_pk = "1039740447764893";
    CHECK_STATUS(bidcert_signer_sign_cert_ways_url(NULL, &cw, NULL, NULL, &req), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_signer_sign_cert_ways_url(signer, &cw, NULL, NULL, NULL), BIDCERT_NULL_ARGUMENT);
    cw.platform = 3;
    CHECK_STATUS(bidcert_signer_sign_cert_ways_url(signer, &cw, NULL, NULL, &req), BIDCERT_INVALID_ENUM);
    cw.platform = BIDCERT_PLATFORM_H5;
    cw.subject_type = 7;
    CHECK_STATUS(bidcert_signer_sign_cert_ways_url(signer, &cw, NULL, NULL, &req), BIDCERT_INVALID_ENUM);
    cw.subject_type = BIDCERT_SUBJECT_TYPE_ENTERPRISE;
    cw.bid_type = 9;
    CHECK_STATUS(bidcert_signer_sign_cert_ways_url(signer, &cw, NULL, NULL, &req), BIDCERT_INVALID_ENUM);
    cw.bid_type = BIDCERT_BID_TYPE_NORMAL;
    cw.is_mobile = true;
    CHECK(req == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_signer_sign_cert_ways_url(signer, &cw, NULL, NULL, &req), BIDCERT_OK);
    if (req != SENTINEL) {
        CHECK_STATUS(bidcert_signed_request_canonicalized_query(req, &out), BIDCERT_OK);
        CHECK(out != NULL && strstr(out, "Platform=h5") && strstr(out, "SubjectType=enterprise") &&
                  strstr(out, "IsMobile=true") && strstr(out, "IsOpenApp=false") && strstr(out, "Source=BID"),
              "cert ways query %s", out);
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_signed_request_url(req, &out), BIDCERT_OK);
        CHECK(out != NULL && strncmp(out, "https://aas.aliyuncs.com/?", 26) == 0, "default aas endpoint");
        bidcert_string_free(out);
        bidcert_signed_request_free(req);
    }
    bidcert_signer_free(signer);
}

/* ---------------------------------------------------------------- emulator */

const char *demo(const char *name) {
    const char *v = bidcert_testing_demo_value(name);
    CHECK(v != NULL, "demo value %s", name);
    return v ? v : "";
}

/* Checks a libbidcert_testing call and prints its error. */
void testing_ok(bool ok, const char *what) {
    char *why = ok ? NULL : bidcert_testing_last_error();
    CHECK(ok, "%s: %s", what, why ? why : "(no message)");
    bidcert_testing_string_free(why);
}

/* A new client with `cfg` for the demo reseller `who` (NORMAL, ACCOUNT, NO_AAS...): the
 * status, and the client in `*out` (NULL on failure). */
static bidcert_status client_new_as(const char *who, const char *secret_override, const bidcert_client_config *cfg,
                                    bidcert_client **out) {
    char id_name[64], secret_name[64];
    bidcert_credentials *creds = NULL;
    bidcert_status st;
    snprintf(id_name, sizeof id_name, "%s_ACCESS_KEY_ID", who);
    snprintf(secret_name, sizeof secret_name, "%s_ACCESS_KEY_SECRET", who);
    CHECK_STATUS(bidcert_credentials_new(demo(id_name), secret_override ? secret_override : demo(secret_name), NULL,
                                         &creds),
                 BIDCERT_OK);
    *out = NULL;
    st = bidcert_client_new(creds, cfg, out);
    bidcert_credentials_free(creds);
    return st;
}

/* A config for the emulator at `url`, with quick retries. */
static bidcert_client_config emulator_config(const char *url, uint32_t attempts, uint64_t timeout_ms) {
    bidcert_client_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.crm_endpoint = url;
    cfg.aas_endpoint = url;
    cfg.max_attempts = attempts;
    cfg.retry_base_delay_ms = 10;
    cfg.retry_max_delay_ms = 20;
    cfg.timeout_ms = timeout_ms;
    return cfg;
}

/* A client of the emulator for the demo reseller `who` (NORMAL, ACCOUNT, NO_AAS...). */
static bidcert_client *client_for(const char *url, const char *who, const char *secret_override,
                                  uint32_t attempts, uint64_t timeout_ms) {
    bidcert_client *client = NULL;
    bidcert_client_config cfg = emulator_config(url, attempts, timeout_ms);
    CHECK_STATUS(client_new_as(who, secret_override, &cfg, &client), BIDCERT_OK);
    return client;
}

static void expect_api_error(bidcert_status got, const char *kind, const char *code) {
    bidcert_error *err = NULL;
    CHECK(got == BIDCERT_API_ERROR, "want API error %s, got %s", kind, bidcert_status_str(got));
    bidcert_last_error(&err);
    if (err != NULL) {
        const char *k = kind_of(err);
        char *c = NULL, *rid = NULL;
        uint16_t http = 0;
        bidcert_error_code(err, &c);
        bidcert_error_request_id(err, &rid);
        bidcert_error_http_status(err, &http);
        CHECK(streq(k, kind), "kind %s, want %s", k ? k : "(null)", kind);
        if (code != NULL) CHECK(streq(c, code), "code %s, want %s", c ? c : "(null)", code);
        CHECK(rid != NULL && strlen(rid) > 0, "an API error carries a request id");
        CHECK(http >= 400, "http status %u", http);
        bidcert_string_free(c);
        bidcert_string_free(rid);
        bidcert_error_free(err);
    }
}

static void test_emulator(void) {
    bidcert_testing_emulator *emu = SENTINEL;
    bidcert_client *client, *other;
    bidcert_certified_info *info = SENTINEL;
    bidcert_cert_ways_url *link = SENTINEL;
    bidcert_cert_ways_request cw;
    const char *url;
    char *out = NULL;
    const char *unverified = demo("UNVERIFIED_PK"), *personal = demo("PERSONAL_PK");
    const char *unknown = demo("UNKNOWN_PK"), *light_customer = demo("LIGHTWEIGHT_CUSTOMER_PK");
    const char *no_aas_customer = demo("NO_AAS_CUSTOMER_PK");
    uint16_t port = 0;
    bool certified = true;
    current = "emulator";

    CHECK(!bidcert_testing_emulator_start(NULL, NULL), "start without out fails");
    {
        char *why = bidcert_testing_last_error();
        CHECK(why != NULL && strstr(why, "out") != NULL, "the message names the argument");
        bidcert_testing_string_free(why);
    }
    CHECK(bidcert_testing_demo_value("NOPE") == NULL, "unknown demo value");
    CHECK(bidcert_testing_demo_value(NULL) == NULL, "NULL demo value");
    testing_ok(bidcert_testing_emulator_start(NULL, &emu), "start");
    if (emu == SENTINEL) return;
    url = bidcert_testing_emulator_url(emu);
    port = bidcert_testing_emulator_port(emu);
    CHECK(port != 0 && url != NULL && strncmp(url, "http://127.0.0.1:", 17) == 0, "url %s", url);
    CHECK(bidcert_testing_emulator_https_url(emu) == NULL && bidcert_testing_emulator_ca_pem(emu) == NULL,
          "no TLS unless asked");
    CHECK(bidcert_testing_emulator_url(NULL) == NULL && bidcert_testing_emulator_port(NULL) == 0, "NULL");
    CHECK(!bidcert_testing_emulator_verify_customer(emu, NULL), "NULL pk");
    CHECK(!bidcert_testing_emulator_verify_customer(NULL, "1"), "NULL emulator");
    CHECK(!bidcert_testing_emulator_verify_customer(emu, "42"), "unknown customer");
    CHECK(!bidcert_testing_emulator_inject_fault(emu, "{\"kind\":\"nope\"}"), "unknown fault");
    CHECK(!bidcert_testing_emulator_inject_fault(emu, NULL), "NULL fault");
    CHECK(!bidcert_testing_emulator_inject_fault(NULL, "{\"kind\":\"http_500\"}"), "NULL emulator");
    CHECK(!bidcert_testing_emulator_reset(NULL) && !bidcert_testing_emulator_clear_faults(NULL) &&
              !bidcert_testing_emulator_set_clock_offset(NULL, 1),
          "NULL emulator");
    CHECK(!bidcert_testing_emulator_request_count(emu, NULL), "NULL out");

    client = client_for(url, "NORMAL", NULL, 1, 0);

    /* Client status paths. */
    {
        bidcert_client *c = SENTINEL;
        bidcert_client_config cfg;
        memset(&cfg, 0, sizeof cfg);
        CHECK_STATUS(bidcert_client_new(NULL, NULL, NULL), BIDCERT_NULL_ARGUMENT);
        cfg.crm_endpoint = "not a url";
        CHECK_STATUS(bidcert_client_new(NULL, &cfg, &c), BIDCERT_VALIDATION);
        cfg.crm_endpoint = "http://crm.example.com";
        CHECK_STATUS(bidcert_client_new(NULL, &cfg, &c), BIDCERT_VALIDATION);
        cfg.crm_endpoint = "\xff";
        CHECK_STATUS(bidcert_client_new(NULL, &cfg, &c), BIDCERT_INVALID_UTF8);
        CHECK(c == SENTINEL, "out untouched");
        CHECK_STATUS(bidcert_client_query_certified_info(NULL, personal, 0, &info), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_client_query_certified_info(client, NULL, 0, &info), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 0, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 5, &info), BIDCERT_INVALID_ENUM);
        CHECK_STATUS(bidcert_client_query_certified_info(client, "", 0, &info), BIDCERT_VALIDATION);
        CHECK_STATUS(bidcert_client_query_certified_info(client, "\xff", 0, &info), BIDCERT_INVALID_UTF8);
        CHECK_STATUS(bidcert_client_generate_cert_ways_url(client, NULL, &link), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_client_generate_cert_ways_url(NULL, NULL, &link), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_client_call(client, 3, "A", "1", NULL, NULL, 0, &out), BIDCERT_INVALID_ENUM);
        CHECK_STATUS(bidcert_client_call(client, 0, NULL, "1", NULL, NULL, 0, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_client_call(client, 0, "A", NULL, NULL, NULL, 0, &out), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_client_call(client, 0, "A", "1", NULL, NULL, 0, NULL), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_client_call(client, 0, "A", "1", "PUT", NULL, 0, &out), BIDCERT_VALIDATION);
        {
            bidcert_param common[1] = {{"Timestamp", "x"}};
            CHECK_STATUS(bidcert_client_call(client, 0, "A", "1", NULL, common, 1, &out), BIDCERT_VALIDATION);
        }
        CHECK(info == SENTINEL && link == SENTINEL, "out untouched");
    }

    /* QueryBidUserCertifiedInfo: a verified personal customer, masked by default. */
    CHECK_STATUS(bidcert_client_query_certified_info(client, personal, BIDCERT_BID_TYPE_NORMAL, &info), BIDCERT_OK);
    if (info != SENTINEL) {
        CHECK_STATUS(bidcert_certified_info_is_certified(info, &certified), BIDCERT_OK);
        CHECK(certified, "personal customer is certified");
        CHECK_STATUS(bidcert_certified_info_name(info, false, &out), BIDCERT_OK);
        CHECK(out != NULL && !streq(out, "Zhang San"), "masked name %s", out);
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_certified_info_name(info, true, &out), BIDCERT_OK);
        CHECK(streq(out, "Zhang San"), "revealed name %s", out);
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_certified_info_cert_type(info, &out), BIDCERT_OK);
        CHECK(streq(out, "ID"), "cert type %s", out);
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_certified_info_account_cert_type(info, &out), BIDCERT_OK);
        CHECK(streq(out, "personal"), "account cert type");
        bidcert_string_free(out);
        bidcert_certified_info_free(info);
    }

    /* GenerateAliyunBidCertWaysUrl, then the customer verifies, then the query says so. */
    memset(&cw, 0, sizeof cw);
    cw.aliyun_pk = unverified;
    cw.platform = BIDCERT_PLATFORM_H5;
    CHECK_STATUS(bidcert_client_generate_cert_ways_url(client, &cw, &link), BIDCERT_OK);
    if (link != SENTINEL) {
        int64_t issued = 0, expires = 0;
        CHECK_STATUS(bidcert_cert_ways_url_url(link, &out), BIDCERT_OK);
        CHECK(out != NULL && strncmp(out, url, strlen(url)) == 0, "link on the emulator: %s", out);
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_cert_ways_url_request_id(link, &out), BIDCERT_OK);
        CHECK(out != NULL, "request id");
        bidcert_string_free(out);
        CHECK_STATUS(bidcert_cert_ways_url_issued_at(link, &issued), BIDCERT_OK);
        CHECK_STATUS(bidcert_cert_ways_url_expires_at(link, &expires), BIDCERT_OK);
        CHECK(expires - issued == 10800, "valid 3 hours");
        bidcert_cert_ways_url_free(link);
    }
    CHECK_STATUS(bidcert_client_query_certified_info(client, unverified, BIDCERT_BID_TYPE_NORMAL, &info), BIDCERT_OK);
    if (info != SENTINEL) {
        CHECK_STATUS(bidcert_certified_info_is_certified(info, &certified), BIDCERT_OK);
        CHECK(!certified, "not yet verified");
        bidcert_certified_info_free(info);
    }
    testing_ok(bidcert_testing_emulator_verify_customer(emu, unverified), "verify");
    CHECK_STATUS(bidcert_client_query_certified_info(client, unverified, BIDCERT_BID_TYPE_NORMAL, &info), BIDCERT_OK);
    if (info != SENTINEL) {
        CHECK_STATUS(bidcert_certified_info_is_certified(info, &certified), BIDCERT_OK);
        CHECK(certified, "verified now");
        bidcert_certified_info_free(info);
    }

    /* The documented errors. */
    info = SENTINEL;
    link = SENTINEL;
    cw.aliyun_pk = personal;
    expect_api_error(bidcert_client_generate_cert_ways_url(client, &cw, &link), "already_certified",
                     "Already Certified");
    expect_api_error(bidcert_client_query_certified_info(client, unknown, 0, &info), "invalid_pk", "Invalid PK");
    expect_api_error(bidcert_client_query_certified_info(client, light_customer, 0, &info), "bid_mismatch",
                     "Bid Mismatch");
    {
        bidcert_param empty_pk[2] = {{"PK", ""}, {"BidType", "NORMAL"}};
        expect_api_error(bidcert_client_call(client, BIDCERT_PRODUCT_CRM, "QueryBidUserCertifiedInfo",
                                             "2015-04-08", NULL, empty_pk, 2, &out),
                         "empty_pk", "Empty PK");
    }
    {
        bidcert_param pk[2] = {{"PK", "1000000000000002"}, {"BidType", "NORMAL"}};
        out = NULL;
        CHECK_STATUS(bidcert_client_call(client, BIDCERT_PRODUCT_CRM, "QueryBidUserCertifiedInfo", "2015-04-08",
                                         "GET", pk, 2, &out),
                     BIDCERT_OK);
        CHECK(out != NULL && strstr(out, "result") != NULL, "call json %s", out ? out : "(null)");
        bidcert_string_free(out);
        out = NULL;
    }
    other = client_for(url, "ACCOUNT", NULL, 1, 0);
    expect_api_error(bidcert_client_query_certified_info(other, personal, 0, &info), "not_bid", "Not Bid");
    bidcert_client_free(other);
    other = client_for(url, "NO_AAS", NULL, 1, 0);
    cw.aliyun_pk = no_aas_customer;
    expect_api_error(bidcert_client_generate_cert_ways_url(other, &cw, &link), "api_not_found",
                     "InvalidApi.NotFound");
    bidcert_client_free(other);
    other = client_for(url, "NORMAL", "not-the-secret", 1, 0);
    {
        bidcert_error *err = NULL;
        expect_api_error(bidcert_client_query_certified_info(other, personal, 0, &info), "signature_mismatch",
                         "SignatureDoesNotMatch");
        CHECK_STATUS(bidcert_client_query_certified_info(other, personal, 0, &info), BIDCERT_API_ERROR);
        bidcert_last_error(&err);
        if (err != NULL) {
            CHECK_STATUS(bidcert_error_diagnosis(err, &out), BIDCERT_OK);
            CHECK(out != NULL && strstr(out, "secret is wrong") != NULL, "diagnosis %s", out ? out : "(null)");
            bidcert_string_free(out);
            out = NULL;
            CHECK_STATUS(bidcert_error_diagnosis_json(err, &out), BIDCERT_OK);
            CHECK(out != NULL && strstr(out, "\"identical\":true") != NULL, "diagnosis json %s", out ? out : "(null)");
            bidcert_string_free(out);
            out = NULL;
            bidcert_error_free(err);
        }
    }
    bidcert_client_free(other);
    {
        bidcert_credentials *creds = NULL;
        bidcert_client_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.crm_endpoint = url;
        cfg.aas_endpoint = url;
        cfg.max_attempts = 1;
        bidcert_credentials_new("LTAI5tNobodyHasThisKey", "secret", NULL, &creds);
        bidcert_client_new(creds, &cfg, &other);
        bidcert_credentials_free(creds);
        expect_api_error(bidcert_client_query_certified_info(other, personal, 0, &info), "access_key_not_found",
                         "InvalidAccessKeyId.NotFound");
        bidcert_client_free(other);
    }
    /* A client with one attempt cannot retry a skew, but reports and keeps the offset. */
    testing_ok(bidcert_testing_emulator_set_clock_offset(emu, 3600), "clock");
    {
        bidcert_error *err = NULL;
        bool known = false;
        int64_t offset = 0;
        CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 0, &info), BIDCERT_API_ERROR);
        bidcert_last_error(&err); /* before any other call replaces it */
        CHECK(streq(kind_of(err), "timestamp"), "a skew with no attempt left fails");
        CHECK_STATUS(bidcert_error_clock_offset(err, &known, &offset), BIDCERT_OK);
        CHECK(known && offset >= 3598 && offset <= 3602, "offset in the error: %lld", (long long)offset);
        bidcert_error_free(err);
        CHECK_STATUS(bidcert_client_clock_offset(client, &offset), BIDCERT_OK);
        CHECK(offset >= 3598 && offset <= 3602, "the client keeps it: %lld", (long long)offset);
        CHECK_STATUS(bidcert_client_clock_offset(NULL, &offset), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_client_clock_offset(client, NULL), BIDCERT_NULL_ARGUMENT);
    }
    CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 0, &info), BIDCERT_OK);
    bidcert_certified_info_free(info);
    info = SENTINEL;
    bidcert_client_free(client);
    testing_ok(bidcert_testing_emulator_set_clock_offset(emu, 0), "clock");
    client = client_for(url, "NORMAL", NULL, 1, 0);

    /* Faults: throttling and 503 are API errors, retried when allowed. */
    testing_ok(bidcert_testing_emulator_inject_fault(emu, "{\"kind\":\"throttling\",\"next\":1}"), "fault");
    expect_api_error(bidcert_client_query_certified_info(client, personal, 0, &info), "throttling", NULL);
    testing_ok(bidcert_testing_emulator_inject_fault(emu, "{\"kind\":\"http_503\"}"), "fault");
    expect_api_error(bidcert_client_query_certified_info(client, personal, 0, &info), "service_unavailable", NULL);
    CHECK(info == SENTINEL, "out untouched");
    other = client_for(url, "NORMAL", NULL, 3, 0);
    testing_ok(bidcert_testing_emulator_inject_fault(emu, "{\"kind\":\"http_503\",\"next\":2}"), "fault");
    CHECK_STATUS(bidcert_client_query_certified_info(other, personal, 0, &info), BIDCERT_OK);
    bidcert_certified_info_free(info);
    bidcert_client_free(other);
    info = SENTINEL;
    testing_ok(bidcert_testing_emulator_inject_fault(emu, "{\"kind\":\"drop_connection\"}"), "fault");
    CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 0, &info), BIDCERT_TRANSPORT);
    check_last_kind("reset", "dropped connection");
    testing_ok(bidcert_testing_emulator_inject_fault(emu, "{\"kind\":\"non_json_body\"}"), "fault");
    CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 0, &info), BIDCERT_PARSE);
    check_last_kind("parse", "non-JSON body");
    other = client_for(url, "NORMAL", NULL, 1, 300);
    testing_ok(bidcert_testing_emulator_inject_fault(emu, "{\"kind\":\"latency\",\"latency_ms\":1500}"), "fault");
    CHECK_STATUS(bidcert_client_query_certified_info(other, personal, 0, &info), BIDCERT_TIMEOUT);
    check_last_kind("timeout", "latency");
    bidcert_client_free(other);
    testing_ok(bidcert_testing_emulator_clear_faults(emu), "clear faults");
    {
        size_t n = 0;
        char *log = bidcert_testing_emulator_requests_json(emu);
        testing_ok(bidcert_testing_emulator_request_count(emu, &n), "request count");
        CHECK(n > 10, "requests logged: %zu", n);
        CHECK(log != NULL && strstr(log, "\"nonce\"") != NULL, "request log JSON");
        bidcert_testing_string_free(log);
    }
    testing_ok(bidcert_testing_emulator_reset(emu), "reset");

    /* A stopped emulator refuses connections. */
    testing_ok(bidcert_testing_emulator_stop(emu), "stop");
    testing_ok(bidcert_testing_emulator_stop(emu), "stop again");
    CHECK(!bidcert_testing_emulator_stop(NULL), "stop NULL");
    CHECK(!bidcert_testing_emulator_reset(emu), "a stopped emulator refuses");
    CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 0, &info), BIDCERT_TRANSPORT);
    check_last_kind("connect", "stopped emulator");
    CHECK(info == SENTINEL, "out untouched");

    bidcert_client_free(client);
    bidcert_testing_emulator_free(emu);
}

/* ---------------------------------------------------------------- the call engine's status paths */

/* Misuse of a call is a typed error that changes nothing, never undefined behaviour. */
static void test_call_paths(void) {
    bidcert_credentials *creds = NULL;
    bidcert_client *client = NULL;
    bidcert_operation *op = SENTINEL, *rpc = NULL;
    bidcert_call *call = SENTINEL;
    bidcert_attempt attempt;
    bidcert_decision d;
    bidcert_call_inputs in = {1795420800000, "nonce-1", 0.5};
    bidcert_param common[1] = {{"Signature", "x"}};
    bidcert_param bad_header[1] = {{"Date", "\xff"}};
    bidcert_certified_info *info = SENTINEL;
    bidcert_cert_ways_url *link = SENTINEL;
    bidcert_error *err = SENTINEL;
    char *out = SENTINEL;
    const char *ok = "{\"requestId\":\"R\",\"result\":\"{\\\"isCertified\\\":\\\"1\\\"}\"}";
    uint32_t n = 9;
    int64_t offset = 9;
    size_t i;
    bool has_ua = false, has_accept = false;
    current = "call_paths";

    CHECK_STATUS(bidcert_credentials_new("LTAI5tExample", "testsecret", NULL, &creds), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_new(creds, NULL, &client), BIDCERT_OK);
    bidcert_credentials_free(creds);

    CHECK_STATUS(bidcert_operation_new_query(NULL, 0, &op), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_operation_new_query("1", 0, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_operation_new_query("12ab", 0, &op), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_operation_new_query("1", 2, &op), BIDCERT_INVALID_ENUM);
    CHECK_STATUS(bidcert_operation_new_query("\xff", 0, &op), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_operation_new_cert_ways_url(NULL, &op), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_operation_new_rpc(7, "A", "1", NULL, NULL, 0, &op), BIDCERT_INVALID_ENUM);
    CHECK_STATUS(bidcert_operation_new_rpc(0, NULL, "1", NULL, NULL, 0, &op), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_operation_new_rpc(0, "A", "1", "PUT", NULL, 0, &op), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_operation_new_rpc(0, "A", "1", NULL, common, 1, &op), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_operation_new_rpc(0, "A", "1", NULL, NULL, 1, &op), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_operation_new_rpc_at("ftp://x", "A", "1", NULL, NULL, 0, &op), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_operation_new_rpc_at(NULL, "A", "1", NULL, NULL, 0, &op), BIDCERT_NULL_ARGUMENT);
    CHECK(op == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_operation_new_rpc(BIDCERT_PRODUCT_CRM, "DescribeX", "2015-04-08", "GET", NULL, 0, &rpc),
                 BIDCERT_OK);
    CHECK_STATUS(bidcert_operation_new_query("1000000000000002", BIDCERT_BID_TYPE_NORMAL, &op), BIDCERT_OK);

    CHECK_STATUS(bidcert_call_new(NULL, op, &call), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_new(client, NULL, &call), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_new(client, op, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK(call == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_call_new(client, op, &call), BIDCERT_OK);

    /* Feeding before an attempt. */
    CHECK_STATUS(bidcert_call_feed_response(call, 200, NULL, 0, NULL, 0, NULL, &d), BIDCERT_VALIDATION);
    check_last_kind("validation", "feed before next");
    CHECK_STATUS(bidcert_call_feed_transport_error(call, BIDCERT_TRANSPORT_KIND_RESET, NULL, NULL, &d),
                 BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_call_error(call, &err), BIDCERT_OK);
    CHECK(err == NULL, "no error before a decision");
    CHECK_STATUS(bidcert_call_certified_info(call, &info), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_call_next_request(NULL, NULL, &attempt), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_next_request(call, NULL, NULL), BIDCERT_NULL_ARGUMENT);
    in.nonce = "not a nonce";
    CHECK_STATUS(bidcert_call_next_request(call, &in, &attempt), BIDCERT_VALIDATION);
    in.nonce = "\xff";
    CHECK_STATUS(bidcert_call_next_request(call, &in, &attempt), BIDCERT_INVALID_UTF8);
    in.nonce = "nonce-1";

    /* An attempt: everything to send comes from the engine. */
    CHECK_STATUS(bidcert_call_next_request(call, &in, &attempt), BIDCERT_OK);
    CHECK(attempt.number == 1 && streq(attempt.method, "POST"), "attempt %u %s", attempt.number, attempt.method);
    CHECK(strncmp(attempt.url, "https://crm-cn-hangzhou.aliyuncs.com/?", 38) == 0, "url %s", attempt.url);
    CHECK(strstr(attempt.url, "SignatureNonce=nonce-1") != NULL, "the given nonce");
    CHECK(streq(attempt.timestamp, "2026-11-23T08:00:00Z"), "timestamp %s", attempt.timestamp);
    CHECK(attempt.timeout_ms > 0 && attempt.connect_timeout_ms > 0 && attempt.connect_timeout_ms <= attempt.timeout_ms,
          "timeouts");
    CHECK(attempt.max_body_bytes > 0 && attempt.body_len == 0, "body");
    for (i = 0; i < attempt.headers_len; i++) {
        if (streq(attempt.headers[i].key, "User-Agent"))
            has_ua = strncmp(attempt.headers[i].value, "bidcert/", 8) == 0;
        if (streq(attempt.headers[i].key, "Accept")) has_accept = streq(attempt.headers[i].value, "application/json");
    }
    CHECK(has_ua && has_accept, "User-Agent and Accept from the engine");
    CHECK_STATUS(bidcert_call_next_request(call, &in, &attempt), BIDCERT_VALIDATION);
    check_last_kind("validation", "next while in flight");
    CHECK_STATUS(bidcert_call_set_clock_offset(call, 5), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_call_feed_transport_error(call, 9, "x", NULL, &d), BIDCERT_INVALID_ENUM);
    CHECK_STATUS(bidcert_call_feed_transport_error(call, BIDCERT_TRANSPORT_KIND_RESET, "\xff", NULL, &d),
                 BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_call_feed_response(call, 200, NULL, 1, NULL, 0, NULL, &d), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_feed_response(call, 200, bad_header, 1, NULL, 0, NULL, &d), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_call_feed_response(call, 200, NULL, 0, NULL, 5, NULL, &d), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_feed_response(call, 200, NULL, 0, NULL, 0, NULL, NULL), BIDCERT_NULL_ARGUMENT);

    /* Still in flight after those: the answer is accepted once. */
    CHECK_STATUS(bidcert_call_feed_response(call, 200, NULL, 0, (const uint8_t *)ok, strlen(ok), &in, &d), BIDCERT_OK);
    CHECK(d.kind == BIDCERT_DECISION_KIND_DONE && d.retry_after_ms == 0, "done");
    CHECK_STATUS(bidcert_call_feed_response(call, 200, NULL, 0, (const uint8_t *)ok, strlen(ok), &in, &d),
                 BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_call_next_request(call, &in, &attempt), BIDCERT_VALIDATION);
    check_last_kind("validation", "next after done");
    CHECK_STATUS(bidcert_call_certified_info(call, &info), BIDCERT_OK);
    if (info != SENTINEL) {
        bool certified = false;
        bidcert_certified_info_fields f;
        CHECK_STATUS(bidcert_certified_info_is_certified(info, &certified), BIDCERT_OK);
        CHECK(certified, "certified");
        CHECK_STATUS(bidcert_certified_info_get_fields(info, &f), BIDCERT_OK);
        CHECK(f.is_certified && streq(f.request_id, "R") && f.name == NULL && f.cert_type == NULL, "fields");
        CHECK_STATUS(bidcert_certified_info_get_fields(NULL, &f), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_certified_info_get_fields(info, NULL), BIDCERT_NULL_ARGUMENT);
        bidcert_certified_info_free(info);
    }
    {
        bidcert_certified_info_fields f;
        CHECK_STATUS(bidcert_call_certified_info_fields(call, &f), BIDCERT_OK);
        CHECK(f.is_certified && streq(f.request_id, "R") && f.aliyun_pk == NULL, "fields from the call");
        CHECK_STATUS(bidcert_call_certified_info_fields(call, NULL), BIDCERT_NULL_ARGUMENT);
    }
    CHECK_STATUS(bidcert_call_cert_ways_url(call, &link), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_call_json(call, &out), BIDCERT_VALIDATION);
    CHECK(link == SENTINEL && out == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_call_error(call, &err), BIDCERT_OK);
    CHECK(err == NULL, "no error after success");
    CHECK_STATUS(bidcert_call_attempts(call, &n), BIDCERT_OK);
    CHECK(n == 1, "attempts %u", n);
    CHECK_STATUS(bidcert_call_clock_offset(call, &offset), BIDCERT_OK);
    CHECK(offset == 0, "offset");
    CHECK_STATUS(bidcert_call_attempts(NULL, &n), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_clock_offset(call, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_error(NULL, &err), BIDCERT_NULL_ARGUMENT);
    bidcert_call_free(call);

    /* A GET RPC call: its result is JSON; a 5xx is retried with a delay the engine chose. */
    CHECK_STATUS(bidcert_call_new(client, rpc, &call), BIDCERT_OK);
    CHECK_STATUS(bidcert_call_set_clock_offset(call, -30), BIDCERT_OK);
    CHECK_STATUS(bidcert_call_next_request(call, NULL, &attempt), BIDCERT_OK);
    CHECK(streq(attempt.method, "GET"), "GET");
    CHECK_STATUS(bidcert_call_feed_response(call, 503, NULL, 0, (const uint8_t *)"{\"Code\":\"ServiceUnavailable\"}",
                                            29, &in, &d),
                 BIDCERT_OK);
    CHECK(d.kind == BIDCERT_DECISION_KIND_RETRY && d.retry_after_ms >= 100 && d.retry_after_ms <= 200,
          "retry after %llu", (unsigned long long)d.retry_after_ms);
    CHECK_STATUS(bidcert_call_next_request(call, NULL, &attempt), BIDCERT_OK);
    CHECK(attempt.number == 2, "attempt 2");
    {
        const char *body = "{\"RequestId\":\"R\"}";
        CHECK_STATUS(bidcert_call_feed_response(call, 200, NULL, 0, (const uint8_t *)body, strlen(body), &in, &d),
                     BIDCERT_OK);
    }
    CHECK(d.kind == BIDCERT_DECISION_KIND_DONE, "done");
    out = NULL;
    CHECK_STATUS(bidcert_call_json(call, &out), BIDCERT_OK);
    CHECK(streq(out, "{\"RequestId\":\"R\"}"), "json %s", out ? out : "(null)");
    bidcert_string_free(out);
    CHECK_STATUS(bidcert_call_clock_offset(call, &offset), BIDCERT_OK);
    CHECK(offset == -30, "the offset given");
    bidcert_call_free(call);

    /* An operation and its call in one crossing: the same call as bidcert_call_new's. */
    call = SENTINEL;
    CHECK_STATUS(bidcert_call_new_query(NULL, "1000000000000002", 0, &call), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_new_query(client, NULL, 0, &call), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_new_query(client, "1000000000000002", 0, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_call_new_query(client, "12ab", 0, &call), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_call_new_query(client, "1000000000000002", 2, &call), BIDCERT_INVALID_ENUM);
    CHECK_STATUS(bidcert_call_new_query(client, "\xff", 0, &call), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_call_new_cert_ways_url(client, NULL, &call), BIDCERT_NULL_ARGUMENT);
    CHECK(call == SENTINEL, "out untouched");
    CHECK_STATUS(bidcert_call_new_query(client, "1000000000000002", BIDCERT_BID_TYPE_LIGHTWEIGHT, &call),
                 BIDCERT_OK);
    CHECK_STATUS(bidcert_call_next_request(call, &in, &attempt), BIDCERT_OK);
    CHECK(strstr(attempt.url, "Action=QueryBidUserCertifiedInfo") && strstr(attempt.url, "BidType=LIGHTWEIGHT") &&
              strstr(attempt.url, "PK=1000000000000002"),
          "query url %s", attempt.url);
    /* From the client's clock offset, which the RPC call above handed back (-30 s). */
    CHECK(streq(attempt.timestamp, "2026-11-23T07:59:30Z"), "timestamp %s", attempt.timestamp);
    CHECK_STATUS(bidcert_call_feed_response(call, 200, NULL, 0, (const uint8_t *)ok, strlen(ok), &in, &d), BIDCERT_OK);
    CHECK(d.kind == BIDCERT_DECISION_KIND_DONE, "done");
    bidcert_call_free(call);
    {
        bidcert_cert_ways_request cw;
        memset(&cw, 0, sizeof cw);
        cw.aliyun_pk = "1000000000000001";
        cw.platform = BIDCERT_PLATFORM_H5;
        call = SENTINEL;
        CHECK_STATUS(bidcert_call_new_cert_ways_url(NULL, &cw, &call), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_call_new_cert_ways_url(client, &cw, NULL), BIDCERT_NULL_ARGUMENT);
        cw.platform = 9;
        CHECK_STATUS(bidcert_call_new_cert_ways_url(client, &cw, &call), BIDCERT_INVALID_ENUM);
        cw.platform = BIDCERT_PLATFORM_H5;
        CHECK(call == SENTINEL, "out untouched");
        CHECK_STATUS(bidcert_call_new_cert_ways_url(client, &cw, &call), BIDCERT_OK);
        CHECK_STATUS(bidcert_call_next_request(call, &in, &attempt), BIDCERT_OK);
        CHECK(strncmp(attempt.url, "https://aas.aliyuncs.com/?", 26) == 0 &&
                  strstr(attempt.url, "Action=GenerateAliyunBidCertWaysUrl") && strstr(attempt.url, "Platform=h5"),
              "cert ways url %s", attempt.url);
        bidcert_call_free(call);
    }

    bidcert_operation_free(op);
    bidcert_operation_free(rpc);
    bidcert_client_free(client);
}

/* ---------------------------------------------------------------- V3 and HTTPS */

/* The request log's entries from `from` on: how many there are, and how many have `key`
 * equal to the JSON text `want` (`"v3"`, `true`, ...). */
static int log_count(const bidcert_testing_emulator *emu, size_t from, const char *key, const char *want,
                     int *matching) {
    char *text = bidcert_testing_emulator_requests_json(emu);
    cJSON *log = cJSON_Parse(text ? text : "[]"), *w = cJSON_Parse(want);
    int n = cJSON_GetArraySize(log), i, total = 0;
    *matching = 0;
    for (i = (int)from; i < n; i++) {
        total++;
        if (cJSON_Compare(item(cJSON_GetArrayItem(log, i), key), w, true)) (*matching)++;
    }
    cJSON_Delete(w);
    cJSON_Delete(log);
    bidcert_testing_string_free(text);
    return total;
}

/* Both operations against `url` with `cfg`: the query answers, and the link is served under
 * the same origin. */
static void both_operations(const char *url, const bidcert_client_config *cfg, const char *what) {
    bidcert_client *client = NULL;
    bidcert_certified_info *info = NULL;
    bidcert_cert_ways_url *link = NULL;
    bidcert_cert_ways_request cw;
    bool certified = false;
    char *out = NULL;
    CHECK_STATUS(client_new_as("NORMAL", NULL, cfg, &client), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_query_certified_info(client, demo("PERSONAL_PK"), BIDCERT_BID_TYPE_NORMAL, &info),
                 BIDCERT_OK);
    if (info != NULL) {
        CHECK_STATUS(bidcert_certified_info_is_certified(info, &certified), BIDCERT_OK);
        CHECK(certified, "%s: the personal customer is certified", what);
        bidcert_certified_info_free(info);
    }
    memset(&cw, 0, sizeof cw);
    cw.aliyun_pk = demo("UNVERIFIED_PK");
    CHECK_STATUS(bidcert_client_generate_cert_ways_url(client, &cw, &link), BIDCERT_OK);
    if (link != NULL) {
        CHECK_STATUS(bidcert_cert_ways_url_url(link, &out), BIDCERT_OK);
        CHECK(out != NULL && strncmp(out, url, strlen(url)) == 0, "%s: link %s under %s", what, out ? out : "(null)",
              url);
        bidcert_string_free(out);
        bidcert_cert_ways_url_free(link);
    }
    bidcert_client_free(client);
}

/* signature_version = V3: the emulator verifies both operations signed with ACS3-HMAC-SHA256
 * (its log says which scheme each request carried); the default stays v1.0. */
static void test_v3_against_emulator(void) {
    bidcert_testing_emulator *emu = NULL;
    bidcert_client_config cfg;
    bidcert_client *client = SENTINEL;
    int v3 = 0, v1 = 0;
    current = "v3_against_emulator";
    testing_ok(bidcert_testing_emulator_start(NULL, &emu), "start");
    if (emu == NULL) return;
    cfg = emulator_config(bidcert_testing_emulator_url(emu), 1, 0);
    cfg.signature_version = BIDCERT_SIGNATURE_VERSION_V3;
    both_operations(bidcert_testing_emulator_url(emu), &cfg, "v3");
    CHECK(log_count(emu, 0, "signature_version", "\"v3\"", &v3) == 2 && v3 == 2, "both requests V3: %d", v3);
    cfg.signature_version = BIDCERT_SIGNATURE_VERSION_V1;
    both_operations(bidcert_testing_emulator_url(emu), &cfg, "v1");
    CHECK(log_count(emu, 2, "signature_version", "\"v1\"", &v1) == 2 && v1 == 2, "then both v1.0: %d", v1);
    cfg.signature_version = 2;
    CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_INVALID_ENUM);
    check_last_kind("invalid_enum", "signature_version 2");
    CHECK(client == NULL, "no client");
    bidcert_testing_emulator_free(emu);
}

/* Writes `text` to a new temporary file whose path goes into `path` (size >= 32). */
int write_temp(const char *text, char *path) {
    FILE *f;
    int fd;
    strcpy(path, "/tmp/bidcert-c-ca-XXXXXX");
    if ((fd = mkstemp(path)) < 0) return 0;
    f = fdopen(fd, "w");
    if (f == NULL) return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

/* A failure's status, kind, retryability and message: `want_in_message` must be in it. */
static void expect_tls_failure(bidcert_status got, const char *want_in_message, const char *what) {
    bidcert_error *err = NULL;
    char *message = NULL;
    bool retryable = true;
    CHECK(got == BIDCERT_TRANSPORT, "%s: got %s, want BIDCERT_TRANSPORT", what, bidcert_status_str(got));
    bidcert_last_error(&err);
    CHECK(streq(kind_of(err), "tls"), "%s: kind %s, want tls", what, kind_of(err) ? kind_of(err) : "(none)");
    if (err == NULL) return;
    bidcert_error_retryable(err, &retryable);
    bidcert_error_message(err, &message);
    CHECK(!retryable, "%s: a TLS failure is not retryable", what);
    CHECK(message != NULL && strstr(message, want_in_message) != NULL, "%s: the message names the problem: %s", what,
          message ? message : "(null)");
    bidcert_string_free(message);
    bidcert_error_free(err);
}

/* Over HTTPS: the trust options, the TLS error kind, host names, and connection reuse. */
static void test_https(void) {
    bidcert_testing_options opts;
    bidcert_testing_emulator *emu = NULL;
    bidcert_client_config cfg;
    bidcert_client *client = NULL;
    bidcert_certified_info *info = NULL;
    const char *https, *ca, *port;
    char wrong[128], ca_file[64], missing[96];
    size_t n = 0;
    uint64_t handshakes = 99;
    int i, over_tls = 0;
    current = "https";
    memset(&opts, 0, sizeof opts);
    opts.tls = true;
    testing_ok(bidcert_testing_emulator_start(&opts, &emu), "start with TLS");
    if (emu == NULL) return;
    https = bidcert_testing_emulator_https_url(emu);
    ca = bidcert_testing_emulator_ca_pem(emu);
    CHECK(https != NULL && strncmp(https, "https://127.0.0.1:", 18) == 0, "https url %s", https ? https : "(null)");
    CHECK(ca != NULL && strncmp(ca, "-----BEGIN CERTIFICATE-----", 27) == 0, "CA PEM");
    if (https == NULL || ca == NULL) {
        bidcert_testing_emulator_free(emu);
        return;
    }
    CHECK(!bidcert_testing_emulator_tls_handshakes(emu, NULL) && !bidcert_testing_emulator_tls_handshakes(NULL, &handshakes),
          "NULL");

    /* The main calls, trusting the emulator's CA as PEM text, then with V3. */
    cfg = emulator_config(https, 1, 0);
    cfg.ca_pem = ca;
    both_operations(https, &cfg, "https, ca_pem");
    cfg.signature_version = BIDCERT_SIGNATURE_VERSION_V3;
    both_operations(https, &cfg, "https, ca_pem, v3");
    CHECK(log_count(emu, 0, "tls", "true", &over_tls) == 4 && over_tls == 4, "every request over TLS: %d", over_tls);

    /* N calls on one client: one handshake (one pooled connection). */
    testing_ok(bidcert_testing_emulator_reset(emu), "reset");
    cfg.signature_version = BIDCERT_SIGNATURE_VERSION_V1;
    CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_OK);
    for (i = 0; i < 20; i++) {
        CHECK_STATUS(bidcert_client_query_certified_info(client, demo("UNVERIFIED_PK"), 0, &info), BIDCERT_OK);
        bidcert_certified_info_free(info);
        info = NULL;
    }
    bidcert_client_free(client);
    testing_ok(bidcert_testing_emulator_request_count(emu, &n), "count");
    testing_ok(bidcert_testing_emulator_tls_handshakes(emu, &handshakes), "handshakes");
    CHECK(n == 20 && handshakes == 1, "20 calls: %zu requests, %llu handshake(s), want 1", n,
          (unsigned long long)handshakes);

    /* The CA as a file; a file that cannot be read, or PEM without a certificate, is refused
     * when the client is made, naming it. */
    CHECK(write_temp(ca, ca_file), "write the CA file");
    cfg = emulator_config(https, 1, 0);
    cfg.ca_file = ca_file;
    both_operations(https, &cfg, "https, ca_file");
    snprintf(missing, sizeof missing, "%s.missing", ca_file);
    cfg.ca_file = missing;
    CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_VALIDATION);
    {
        bidcert_error *err = NULL;
        char *message = NULL;
        bidcert_last_error(&err);
        bidcert_error_message(err, &message);
        CHECK(message != NULL && strstr(message, missing) != NULL, "names the file: %s", message ? message : "(null)");
        bidcert_string_free(message);
        bidcert_error_free(err);
    }
    cfg.ca_file = NULL;
    cfg.ca_pem = "not a pem";
    CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_VALIDATION);
    cfg.ca_pem = "\xff";
    CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_INVALID_UTF8);

    /* SSL_CERT_FILE names the platform's roots (the platform verifier reads it). */
    testing_ok(bidcert_testing_emulator_reset(emu), "reset");
    setenv("SSL_CERT_FILE", ca_file, 1);
    cfg = emulator_config(https, 1, 0);
    CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_query_certified_info(client, demo("UNVERIFIED_PK"), 0, &info), BIDCERT_OK);
    bidcert_certified_info_free(info);
    info = NULL;
    bidcert_client_free(client);
    unsetenv("SSL_CERT_FILE");

    /* Without the CA: a TLS failure, not retried (three attempts allowed), naming the problem;
     * the handshake failed, so nothing reached the API. */
    testing_ok(bidcert_testing_emulator_reset(emu), "reset");
    cfg = emulator_config(https, 3, 0);
    CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_OK);
    expect_tls_failure(bidcert_client_query_certified_info(client, demo("UNVERIFIED_PK"), 0, &info), "UnknownIssuer",
                       "untrusted CA");
    bidcert_client_free(client);
    testing_ok(bidcert_testing_emulator_request_count(emu, &n), "count");
    testing_ok(bidcert_testing_emulator_tls_handshakes(emu, &handshakes), "handshakes");
    CHECK(n == 0 && handshakes == 0, "untrusted: %zu requests, %llu handshakes", n, (unsigned long long)handshakes);

    /* A name the certificate does not cover, connected to the emulator by a fixed address
     * (`.invalid` never resolves): refused, though the CA is trusted. */
    port = strrchr(https, ':');
    snprintf(wrong, sizeof wrong, "https://bidcert-wrong-name.invalid%s", port);
    {
        bidcert_param fixed[1] = {{"bidcert-wrong-name.invalid", "127.0.0.1"}};
        cfg = emulator_config(wrong, 3, 0);
        cfg.ca_pem = ca;
        cfg.resolve = fixed;
        cfg.resolve_len = 1;
        CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_OK);
        expect_tls_failure(bidcert_client_query_certified_info(client, demo("UNVERIFIED_PK"), 0, &info),
                           "not valid for name", "wrong host name");
        bidcert_client_free(client);
        fixed[0].value = "not-an-ip";
        CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_VALIDATION);
        check_last_kind("validation", "resolve to a non-address");
        fixed[0].value = NULL;
        CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_NULL_ARGUMENT);
        cfg.resolve = NULL;
        CHECK_STATUS(client_new_as("NORMAL", NULL, &cfg, &client), BIDCERT_NULL_ARGUMENT);
    }
    testing_ok(bidcert_testing_emulator_request_count(emu, &n), "count");
    CHECK(n == 0, "wrong name: %zu requests", n);
    CHECK(info == NULL, "out untouched");
    remove(ca_file);
    bidcert_testing_emulator_free(emu);
}

/* ---------------------------------------------------------------- the live fault matrix */

int64_t monotonic_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void sleep_ms(int64_t ms) {
    struct timespec t;
    t.tv_sec = (time_t)(ms / 1000);
    t.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&t, NULL);
}

static size_t logged(const bidcert_testing_emulator *emu) {
    size_t n = 0;
    testing_ok(bidcert_testing_emulator_request_count(emu, &n), "request count");
    return n;
}

/* Every SignatureNonce in the request log is distinct. */
static void check_nonces_distinct(const bidcert_testing_emulator *emu) {
    char *text = bidcert_testing_emulator_requests_json(emu);
    cJSON *log = cJSON_Parse(text ? text : "[]");
    int n = cJSON_GetArraySize(log), i, j;
    for (i = 0; i < n; i++) {
        const cJSON *a = item(cJSON_GetArrayItem(log, i), "nonce");
        for (j = i + 1; j < n; j++) {
            const cJSON *b = item(cJSON_GetArrayItem(log, j), "nonce");
            CHECK(!cJSON_Compare(a, b, true), "nonce %s sent twice", cJSON_IsString(a) ? a->valuestring : "?");
        }
    }
    cJSON_Delete(log);
    bidcert_testing_string_free(text);
}

/* One case of the matrix against `url` (trusting `ca_pem` when not NULL). */
static void run_fault_matrix_case(const bidcert_testing_emulator *emu, const cJSON *file_policy, const cJSON *c,
                                  const char *url, const char *ca_pem) {
    bidcert_credentials *creds = NULL;
    bidcert_client *client = NULL;
    bidcert_client_config cfg;
    const cJSON *fault, *call;
    size_t before;
    int i = 0;
    testing_ok(bidcert_testing_emulator_reset(emu), "reset");
    testing_ok(bidcert_testing_emulator_set_clock_offset(emu, num(c, "clock_offset_s", 0)), "clock");
    cJSON_ArrayForEach(fault, item(c, "faults")) {
        char *json = cJSON_PrintUnformatted(fault);
        testing_ok(bidcert_testing_emulator_inject_fault(emu, json), json);
        free(json);
    }
    memset(&cfg, 0, sizeof cfg);
    policy_config(&cfg, file_policy);
    policy_config(&cfg, item(c, "policy"));
    cfg.crm_endpoint = url;
    cfg.aas_endpoint = url;
    cfg.ca_pem = ca_pem;
    CHECK_STATUS(bidcert_credentials_new(demo("NORMAL_ACCESS_KEY_ID"), demo("NORMAL_ACCESS_KEY_SECRET"), NULL, &creds),
                 BIDCERT_OK);
    CHECK_STATUS(bidcert_client_new(creds, &cfg, &client), BIDCERT_OK);
    bidcert_credentials_free(creds);
    before = logged(emu);
    cJSON_ArrayForEach(call, item(c, "calls")) {
        const cJSON *want = item(call, "expect");
        const char *what = item(call, "call")->valuestring, *outcome = "ok";
        const char *pk = demo(item(call, "pk")->valuestring);
        int64_t started = monotonic_ms(), elapsed;
        bidcert_status st;
        size_t now;
        if (streq(what, "query_certified_info")) {
            bidcert_certified_info *info = NULL;
            st = bidcert_client_query_certified_info(client, pk, BIDCERT_BID_TYPE_NORMAL, &info);
            bidcert_certified_info_free(info);
        } else {
            bidcert_cert_ways_url *link = NULL;
            bidcert_cert_ways_request cw;
            memset(&cw, 0, sizeof cw);
            cw.aliyun_pk = pk;
            st = bidcert_client_generate_cert_ways_url(client, &cw, &link);
            bidcert_cert_ways_url_free(link);
        }
        if (st != BIDCERT_OK) outcome = last_kind();
        elapsed = monotonic_ms() - started;
        sleep_ms(num(call, "settle_ms", 0));
        now = logged(emu);
        CHECK(streq(outcome, item(want, "outcome")->valuestring) && (int64_t)(now - before) == num(want, "attempts", -1),
              "call %d: %s after %zu attempt(s), want %s after %lld", i, outcome ? outcome : "(none)", now - before,
              item(want, "outcome")->valuestring, (long long)num(want, "attempts", -1));
        CHECK(elapsed >= num(want, "min_elapsed_ms", 0), "call %d took %lld ms", i, (long long)elapsed);
        before = now;
        i++;
    }
    check_nonces_distinct(emu);
    bidcert_client_free(client);
}

/* The matrix over HTTP (https false) or over HTTPS with the emulator's CA. */
static void test_fault_matrix(bool https) {
    const char *dir = getenv("BIDCERT_LIVE_DIR");
    char path[4096];
    char *text;
    cJSON *doc;
    const cJSON *c;
    bidcert_testing_emulator *emu = NULL;
    bidcert_testing_options opts;
    snprintf(path, sizeof path, "%s/fault_matrix.json", dir ? dir : "tests/live");
    current = path;
    text = read_file(path);
    CHECK(text != NULL, "cannot read %s", path);
    if (text == NULL) return;
    doc = cJSON_Parse(text);
    free(text);
    memset(&opts, 0, sizeof opts);
    opts.tls = https;
    testing_ok(bidcert_testing_emulator_start(&opts, &emu), "start");
    if (emu != NULL && doc != NULL) {
        const char *url = https ? bidcert_testing_emulator_https_url(emu) : bidcert_testing_emulator_url(emu);
        const char *ca = https ? bidcert_testing_emulator_ca_pem(emu) : NULL;
        int before = passed + failed;
        char name[256];
        cJSON_ArrayForEach(c, item(doc, "cases")) {
            snprintf(name, sizeof name, "%s (%s)", item(c, "name")->valuestring, https ? "https" : "http");
            current = name;
            run_fault_matrix_case(emu, item(doc, "policy"), c, url, ca);
        }
        current = path;
        printf("fault matrix %s over %s (%d cases): %d checks\n", path, https ? "HTTPS" : "HTTP",
               cJSON_GetArraySize(item(doc, "cases")), passed + failed - before);
    }
    bidcert_testing_emulator_free(emu);
    cJSON_Delete(doc);
}

/* The core's transport rule: https everywhere, plain http only to loopback unless allowed. */
static void test_endpoint_check(void) {
    CHECK_STATUS(bidcert_endpoint_check("https://aas.aliyuncs.com", false), BIDCERT_OK);
    CHECK_STATUS(bidcert_endpoint_check("http://127.0.0.1:8080", false), BIDCERT_OK);
    CHECK_STATUS(bidcert_endpoint_check("http://[::1]:8080", false), BIDCERT_OK);
    CHECK_STATUS(bidcert_endpoint_check("http://aas.aliyuncs.com", false), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_endpoint_check("http://aas.aliyuncs.com", true), BIDCERT_OK);
    CHECK_STATUS(bidcert_endpoint_check("aas.aliyuncs.com", true), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_endpoint_check(NULL, false), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_endpoint_check("http://\xff", false), BIDCERT_INVALID_UTF8);
}

static void test_fault_matrix_http(void) { test_fault_matrix(false); }
static void test_fault_matrix_https(void) { test_fault_matrix(true); }

/* The suite's parts, in the order they run. */
static const struct {
    const char *name;
    void (*run)(void);
} parts[] = {
    {"vectors", run_vectors},
    {"endpoint_check", test_endpoint_check},
    {"status_str", test_status_str},
    {"last_error", test_last_error},
    {"free_null", test_free_null},
    {"pure_status_paths", test_pure_status_paths},
    {"v3_status_paths", test_v3_status_paths},
    {"parse_status_paths", test_parse_status_paths},
    {"signer_status_paths", test_signer_status_paths},
    {"call_paths", test_call_paths},
    {"emulator", test_emulator},
    {"v3_against_emulator", test_v3_against_emulator},
    {"https", test_https},
    {"fault_matrix_http", test_fault_matrix_http},
    {"fault_matrix_https", test_fault_matrix_https},
    {"credentials_status_paths", test_credentials_status_paths},
    {"credentials_providers", test_credentials_providers},
    {"credentials_refresh", test_credentials_refresh},
};

#define N_PARTS (sizeof parts / sizeof parts[0])

/* The index of the part `arg` names (a leading '-' ignored), or -1. */
static int part_index(const char *arg) {
    size_t k;
    if (arg[0] == '-') arg++;
    for (k = 0; k < N_PARTS; k++) {
        if (streq(arg, parts[k].name)) return (int)k;
    }
    return -1;
}

/* Without arguments every part runs; with arguments, the parts named (`https
 * fault_matrix_http`), or every part but those named with a leading '-'
 * (`-fault_matrix_https`). */
int main(int argc, char **argv) {
    bool run[N_PARTS];
    bool include_any = false;
    size_t k;
    int i;
    for (i = 1; i < argc; i++) {
        if (part_index(argv[i]) < 0) {
            fprintf(stderr, "unknown part %s; the parts:", argv[i]);
            for (k = 0; k < N_PARTS; k++) fprintf(stderr, " %s", parts[k].name);
            fputc('\n', stderr);
            return 2;
        }
        include_any |= argv[i][0] != '-';
    }
    /* No part asks the real ECS metadata service (100.100.100.200): the instance role's tests
     * lift this only while they point the provider at the emulator's metadata port. */
    if (setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true", 1) != 0) return 2;
    for (k = 0; k < N_PARTS; k++) run[k] = !include_any;
    for (i = 1; i < argc; i++) run[part_index(argv[i])] = argv[i][0] != '-';
    for (k = 0; k < N_PARTS; k++) {
        if (run[k]) parts[k].run();
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
