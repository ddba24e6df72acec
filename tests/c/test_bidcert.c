/*
 * The C suite of bidcert: the shared JSON vectors (and BIDCERT_EXTRA_VECTORS), every status
 * path of the C ABI, and both operations against the emulator started through the C API.
 * Built with -std=c99 -Wall -Wextra -Wpedantic -Werror and run under valgrind by `make c-test`.
 * Prints "N passed, M failed" last; exits non-zero on any failure.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bidcert.h"

static int passed;
static int failed;
static const char *current = "";

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (cond) {                                                        \
            passed++;                                                      \
        } else {                                                           \
            failed++;                                                      \
            fprintf(stderr, "FAIL [%s] %s:%d: ", current, __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
        }                                                                  \
    } while (0)

#define CHECK_STATUS(expr, want)                                           \
    do {                                                                   \
        bidcert_status got_ = (expr);                                      \
        CHECK(got_ == (bidcert_status)(want), "%s: got %s, want %s", #expr, \
              bidcert_status_str(got_), bidcert_status_str(want));         \
    } while (0)

/* A value no call ever writes: proves out-parameters are untouched on failure. */
static char sentinel_byte;
#define SENTINEL ((void *)&sentinel_byte)

static int streq(const char *a, const char *b) {
    if (a == NULL || b == NULL) return a == b;
    return strcmp(a, b) == 0;
}

/* The thread's last error kind, owned by the caller (bidcert_string_free). */
static char *last_kind(void) {
    bidcert_error *err = NULL;
    char *kind = NULL;
    if (bidcert_last_error(&err) != BIDCERT_OK || err == NULL) return NULL;
    if (bidcert_error_kind(err, &kind) != BIDCERT_OK) kind = NULL;
    bidcert_error_free(err);
    return kind;
}

static void check_last_kind(const char *want, const char *what) {
    char *kind = last_kind();
    CHECK(streq(kind, want), "%s: last error kind %s, want %s", what, kind ? kind : "(none)", want);
    bidcert_string_free(kind);
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
        char *kind = NULL;
        CHECK_STATUS(bidcert_error_kind(err, &kind), BIDCERT_OK);
        check_json_str(kind, item(want, "kind"), "error.kind");
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
        CHECK(cJSON_Compare(got, want, true), "diagnosis %s", json ? json : "(null)");
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
        else CHECK(0, "%s: unknown kind %s", path, kind->valuestring);
        printf("vectors %s (%s, %d cases): %d checks\n", path, kind->valuestring,
               cJSON_GetArraySize(cases), passed + failed - before);
    }
    cJSON_Delete(doc);
}

static void run_vectors(void) {
    static const char *files[] = {"signing.json", "signing_v3.json", "responses.json",
                                  "fast_auth_events.json", "diagnosis.json"};
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
        CHECK_STATUS(bidcert_error_kind(NULL, &s), BIDCERT_NULL_ARGUMENT);
        CHECK_STATUS(bidcert_error_kind(err, NULL), BIDCERT_NULL_ARGUMENT);
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
        CHECK_STATUS(bidcert_error_diagnosis(err, NULL), BIDCERT_NULL_ARGUMENT);
        bidcert_error_free(err);
    }
    /* A panic inside the library is caught and reported, never unwound into C. */
    CHECK_STATUS(bidcert_test_panic(), BIDCERT_INTERNAL);
    check_last_kind("internal", "panic");
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
    bidcert_emulator_free(NULL);
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

static char *demo(const char *name) {
    char *v = NULL;
    CHECK_STATUS(bidcert_emulator_demo_value(name, &v), BIDCERT_OK);
    return v;
}

/* A client of the emulator for the demo reseller `who` (NORMAL, ACCOUNT, NO_AAS...). */
static bidcert_client *client_for(const char *url, const char *who, const char *secret_override,
                                  uint32_t attempts, uint64_t timeout_ms) {
    char id_name[64], secret_name[64];
    char *id, *secret;
    bidcert_credentials *creds = NULL;
    bidcert_client *client = NULL;
    bidcert_client_config cfg;
    snprintf(id_name, sizeof id_name, "%s_ACCESS_KEY_ID", who);
    snprintf(secret_name, sizeof secret_name, "%s_ACCESS_KEY_SECRET", who);
    id = demo(id_name);
    secret = demo(secret_name);
    CHECK_STATUS(bidcert_credentials_new(id, secret_override ? secret_override : secret, NULL, &creds), BIDCERT_OK);
    memset(&cfg, 0, sizeof cfg);
    cfg.crm_endpoint = url;
    cfg.aas_endpoint = url;
    cfg.max_attempts = attempts;
    cfg.retry_base_delay_ms = 10;
    cfg.retry_max_delay_ms = 20;
    cfg.timeout_ms = timeout_ms;
    CHECK_STATUS(bidcert_client_new(creds, &cfg, &client), BIDCERT_OK);
    bidcert_credentials_free(creds);
    bidcert_string_free(id);
    bidcert_string_free(secret);
    return client;
}

static void expect_api_error(bidcert_status got, const char *kind, const char *code) {
    bidcert_error *err = NULL;
    CHECK(got == BIDCERT_API_ERROR, "want API error %s, got %s", kind, bidcert_status_str(got));
    bidcert_last_error(&err);
    if (err != NULL) {
        char *k = NULL, *c = NULL, *rid = NULL;
        uint16_t http = 0;
        bidcert_error_kind(err, &k);
        bidcert_error_code(err, &c);
        bidcert_error_request_id(err, &rid);
        bidcert_error_http_status(err, &http);
        CHECK(streq(k, kind), "kind %s, want %s", k ? k : "(null)", kind);
        if (code != NULL) CHECK(streq(c, code), "code %s, want %s", c ? c : "(null)", code);
        CHECK(rid != NULL && strlen(rid) > 0, "an API error carries a request id");
        CHECK(http >= 400, "http status %u", http);
        bidcert_string_free(k);
        bidcert_string_free(c);
        bidcert_string_free(rid);
        bidcert_error_free(err);
    }
}

static void test_emulator(void) {
    bidcert_emulator *emu = SENTINEL;
    bidcert_client *client, *other;
    bidcert_certified_info *info = SENTINEL;
    bidcert_cert_ways_url *link = SENTINEL;
    bidcert_cert_ways_request cw;
    char *url = NULL, *out = NULL;
    char *unverified = demo("UNVERIFIED_PK"), *personal = demo("PERSONAL_PK");
    char *unknown = demo("UNKNOWN_PK"), *light_customer = demo("LIGHTWEIGHT_CUSTOMER_PK");
    char *no_aas_customer = demo("NO_AAS_CUSTOMER_PK");
    uint16_t port = 0;
    bool certified = true;
    current = "emulator";

    CHECK_STATUS(bidcert_emulator_start(0, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_demo_value("NOPE", &out), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_emulator_demo_value(NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_demo_value("UNKNOWN_PK", NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_start(0, &emu), BIDCERT_OK);
    if (emu == SENTINEL) return;
    CHECK_STATUS(bidcert_emulator_url(emu, &url), BIDCERT_OK);
    CHECK_STATUS(bidcert_emulator_port(emu, &port), BIDCERT_OK);
    CHECK(port != 0 && url != NULL && strncmp(url, "http://127.0.0.1:", 17) == 0, "url %s", url);
    CHECK_STATUS(bidcert_emulator_url(NULL, &out), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_url(emu, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_port(emu, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_verify_customer(emu, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_verify_customer(NULL, "1"), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_verify_customer(emu, "42"), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_emulator_inject_fault(emu, 7, 0, 1), BIDCERT_INVALID_ENUM);
    CHECK_STATUS(bidcert_emulator_inject_fault(emu, BIDCERT_FAULT_HTTP_500, 0, 0), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_emulator_inject_fault(NULL, BIDCERT_FAULT_HTTP_500, 0, 1), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_reset(NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_clear_faults(NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_set_clock_offset(NULL, 1), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_request_count(emu, NULL), BIDCERT_NULL_ARGUMENT);

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
    CHECK_STATUS(bidcert_emulator_verify_customer(emu, unverified), BIDCERT_OK);
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
    CHECK_STATUS(bidcert_emulator_set_clock_offset(emu, 3600), BIDCERT_OK);
    expect_api_error(bidcert_client_query_certified_info(client, personal, 0, &info), "timestamp", NULL);
    CHECK_STATUS(bidcert_emulator_set_clock_offset(emu, 0), BIDCERT_OK);

    /* Faults: throttling and 503 are API errors, retried when allowed. */
    CHECK_STATUS(bidcert_emulator_inject_fault(emu, BIDCERT_FAULT_THROTTLING, 0, 1), BIDCERT_OK);
    expect_api_error(bidcert_client_query_certified_info(client, personal, 0, &info), "throttling", NULL);
    CHECK_STATUS(bidcert_emulator_inject_fault(emu, BIDCERT_FAULT_HTTP_503, 0, 1), BIDCERT_OK);
    expect_api_error(bidcert_client_query_certified_info(client, personal, 0, &info), "service_unavailable", NULL);
    CHECK(info == SENTINEL, "out untouched");
    other = client_for(url, "NORMAL", NULL, 3, 0);
    CHECK_STATUS(bidcert_emulator_inject_fault(emu, BIDCERT_FAULT_HTTP_503, 0, 2), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_query_certified_info(other, personal, 0, &info), BIDCERT_OK);
    bidcert_certified_info_free(info);
    bidcert_client_free(other);
    info = SENTINEL;
    CHECK_STATUS(bidcert_emulator_inject_fault(emu, BIDCERT_FAULT_DROP_CONNECTION, 0, 1), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 0, &info), BIDCERT_TRANSPORT);
    check_last_kind("transport", "dropped connection");
    CHECK_STATUS(bidcert_emulator_inject_fault(emu, BIDCERT_FAULT_NON_JSON_BODY, 0, 1), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 0, &info), BIDCERT_PARSE);
    check_last_kind("parse", "non-JSON body");
    other = client_for(url, "NORMAL", NULL, 1, 300);
    CHECK_STATUS(bidcert_emulator_inject_fault(emu, BIDCERT_FAULT_LATENCY, 1500, 1), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_query_certified_info(other, personal, 0, &info), BIDCERT_TIMEOUT);
    check_last_kind("timeout", "latency");
    bidcert_client_free(other);
    CHECK_STATUS(bidcert_emulator_clear_faults(emu), BIDCERT_OK);
    {
        size_t n = 0;
        CHECK_STATUS(bidcert_emulator_request_count(emu, &n), BIDCERT_OK);
        CHECK(n > 10, "requests logged: %zu", n);
    }
    CHECK_STATUS(bidcert_emulator_reset(emu), BIDCERT_OK);

    /* A stopped emulator refuses connections. */
    CHECK_STATUS(bidcert_emulator_stop(emu), BIDCERT_OK);
    CHECK_STATUS(bidcert_emulator_stop(emu), BIDCERT_OK);
    CHECK_STATUS(bidcert_emulator_stop(NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_emulator_reset(emu), BIDCERT_VALIDATION);
    CHECK_STATUS(bidcert_client_query_certified_info(client, personal, 0, &info), BIDCERT_TRANSPORT);
    CHECK(info == SENTINEL, "out untouched");

    bidcert_client_free(client);
    bidcert_emulator_free(emu);
    bidcert_string_free(url);
    bidcert_string_free(unverified);
    bidcert_string_free(personal);
    bidcert_string_free(unknown);
    bidcert_string_free(light_customer);
    bidcert_string_free(no_aas_customer);
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

/* The client's backoff: between half and all of base * 2^(retry-1), capped. */
static void test_retry_delay(void) {
    uint64_t ms = 0;
    int i;
    for (i = 0; i < 50; i++) {
        CHECK_STATUS(bidcert_retry_delay_ms(1, 100, 1000, &ms), BIDCERT_OK);
        CHECK(ms >= 50 && ms <= 100, "retry 1: %llu ms", (unsigned long long)ms);
        CHECK_STATUS(bidcert_retry_delay_ms(3, 100, 1000, &ms), BIDCERT_OK);
        CHECK(ms >= 200 && ms <= 400, "retry 3: %llu ms", (unsigned long long)ms);
        CHECK_STATUS(bidcert_retry_delay_ms(30, 100, 1000, &ms), BIDCERT_OK);
        CHECK(ms >= 500 && ms <= 1000, "retry 30: %llu ms", (unsigned long long)ms);
    }
    CHECK_STATUS(bidcert_retry_delay_ms(1, 0, 0, &ms), BIDCERT_OK);
    CHECK(ms >= 100 && ms <= 200, "defaults: %llu ms", (unsigned long long)ms);
    CHECK_STATUS(bidcert_retry_delay_ms(1, 100, 1000, NULL), BIDCERT_NULL_ARGUMENT);
}

int main(void) {
    run_vectors();
    test_endpoint_check();
    test_retry_delay();
    test_status_str();
    test_last_error();
    test_free_null();
    test_pure_status_paths();
    test_v3_status_paths();
    test_parse_status_paths();
    test_signer_status_paths();
    test_emulator();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
