/*
 * A back office with an HTTP stack of its own (libcurl) driving bidcert's call engine. The
 * engine signs every attempt afresh and decides its headers, timeouts, body limit, retries,
 * delays and clock-skew correction, exactly as bidcert's built-in client does; this program
 * only moves bytes between libcurl and bidcert_call_*.
 *
 * The endpoint comes from argv[1] or BIDCERT_ENDPOINT (an emulator: `bidcert-emulator` prints
 * its URL); without either, the production endpoints.
 * Build: cc -std=c99 examples/c/call_curl.c $(pkg-config --cflags --libs bidcert) -lcurl
 */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bidcert.h"

#define MAX_HEADERS 64

/* What libcurl read: the body (at most limit + 1 bytes) and the response's headers. */
struct received {
    unsigned char *body;
    size_t len, limit;
    int over_limit;
    char *lines[MAX_HEADERS]; /* "Name\0value" */
    bidcert_param headers[MAX_HEADERS];
    size_t n_headers;
};

static void received_clear(struct received *r) {
    size_t i;
    for (i = 0; i < r->n_headers; i++) free(r->lines[i]);
    free(r->body);
    memset(r, 0, sizeof *r);
}

static size_t on_body(char *data, size_t size, size_t n, void *user) {
    struct received *r = user;
    size_t bytes = size * n, room = r->limit + 1 - r->len, take = bytes < room ? bytes : room;
    unsigned char *grown = realloc(r->body, r->len + take + 1);
    if (grown == NULL) return 0;
    r->body = grown;
    memcpy(r->body + r->len, data, take);
    r->len += take;
    if (take < bytes) { /* longer than the engine accepts: stop reading, feed what we have */
        r->over_limit = 1;
        return 0;
    }
    return bytes;
}

static size_t on_header(char *data, size_t size, size_t n, void *user) {
    struct received *r = user;
    size_t bytes = size * n, name_len;
    char *colon = memchr(data, ':', bytes), *line, *value;
    if (bytes >= 5 && strncmp(data, "HTTP/", 5) == 0) { /* a new response (after a 100): start over */
        while (r->n_headers > 0) free(r->lines[--r->n_headers]);
        return bytes;
    }
    if (colon == NULL || r->n_headers == MAX_HEADERS) return bytes;
    if ((line = malloc(bytes + 1)) == NULL) return 0;
    memcpy(line, data, bytes);
    line[bytes] = '\0';
    name_len = (size_t)(colon - data);
    line[name_len] = '\0';
    value = line + name_len + 1;
    while (*value == ' ' || *value == '\t') value++;
    value[strcspn(value, "\r\n")] = '\0';
    r->lines[r->n_headers] = line;
    r->headers[r->n_headers].key = line;
    r->headers[r->n_headers].value = value;
    r->n_headers++;
    return bytes;
}

/* How libcurl's failure crossed the network, for the engine. */
static uint32_t transport_kind(CURLcode rc) {
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return BIDCERT_TRANSPORT_KIND_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
        return BIDCERT_TRANSPORT_KIND_CONNECT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
        return BIDCERT_TRANSPORT_KIND_TLS;
    default:
        return BIDCERT_TRANSPORT_KIND_RESET;
    }
}

static void print_error(const char *what, bidcert_error *err) {
    bidcert_error_kind kind = 0;
    char *message = NULL;
    const char *name;
    bidcert_error_get_kind(err, &kind);
    bidcert_error_message(err, &message);
    name = bidcert_error_kind_name(kind);
    fprintf(stderr, "%s: %s: %s\n", what, name ? name : "?", message ? message : "?");
    bidcert_string_free(message);
}

static void sleep_ms(uint64_t ms) {
    struct timespec t;
    t.tv_sec = (time_t)(ms / 1000);
    t.tv_nsec = (long)(ms % 1000) * 1000000L;
    nanosleep(&t, NULL);
}

/* Drives one call to its decision with libcurl; *out is the finished call on success. */
static int drive(bidcert_client *client, const bidcert_operation *op, CURL *curl, bidcert_call **out) {
    bidcert_call *call = NULL;
    bidcert_error *err = NULL;
    if (bidcert_call_new(client, op, &call) != BIDCERT_OK) return 1;
    for (;;) {
        bidcert_attempt a;
        bidcert_decision d;
        struct received r;
        struct curl_slist *headers = NULL;
        CURLcode rc;
        size_t i;
        if (bidcert_call_next_request(call, NULL, &a) != BIDCERT_OK) break; /* the budget is spent */
        memset(&r, 0, sizeof r);
        r.limit = (size_t)a.max_body_bytes;
        for (i = 0; i < a.headers_len; i++) {
            char line[1024];
            snprintf(line, sizeof line, "%s: %s", a.headers[i].key, a.headers[i].value);
            headers = curl_slist_append(headers, line);
        }
        curl_easy_reset(curl); /* keeps the connection cache */
        curl_easy_setopt(curl, CURLOPT_URL, a.url);
        if (strcmp(a.method, "POST") == 0) {
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)a.body_len);
            curl_easy_setopt(curl, CURLOPT_POSTFIELDS, a.body ? (const char *)a.body : "");
        }
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)a.timeout_ms);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)a.connect_timeout_ms);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
        rc = curl_easy_perform(curl);
        curl_slist_free_all(headers);
        if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && r.over_limit)) {
            long status = 0;
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
            bidcert_call_feed_response(call, (uint16_t)status, r.headers, r.n_headers, r.body, r.len, NULL, &d);
        } else {
            bidcert_call_feed_transport_error(call, transport_kind(rc), curl_easy_strerror(rc), NULL, &d);
        }
        received_clear(&r);
        if (d.kind == BIDCERT_DECISION_KIND_DONE) {
            *out = call;
            return 0;
        }
        if (d.kind == BIDCERT_DECISION_KIND_FAIL) break;
        bidcert_call_error(call, &err);
        print_error("retrying", err);
        bidcert_error_free(err);
        err = NULL;
        sleep_ms(d.retry_after_ms);
    }
    bidcert_call_error(call, &err);
    print_error("failed", err);
    bidcert_error_free(err);
    bidcert_call_free(call);
    return 1;
}

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : getenv("BIDCERT_ENDPOINT");
    bidcert_credentials *creds = NULL;
    bidcert_client *client = NULL;
    bidcert_operation *query = NULL, *link_op = NULL;
    bidcert_call *call = NULL;
    bidcert_client_config cfg;
    bidcert_cert_ways_request req;
    CURL *curl;
    int rc = 0;
    int64_t offset = 0;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    curl = curl_easy_init();
    /* The demo fixture's NORMAL reseller: published test values, not real keys. */
    bidcert_credentials_new("LTAI5tBidcertDemoNormal", "BidcertDemoNormalSecretNotReal", NULL, &creds);
    memset(&cfg, 0, sizeof cfg); /* every policy default from the core */
    cfg.crm_endpoint = url;      /* NULL: production */
    cfg.aas_endpoint = url;
    if (curl == NULL || bidcert_client_new(creds, &cfg, &client) != BIDCERT_OK) {
        fprintf(stderr, "cannot set up the client\n");
        return 1;
    }

    bidcert_operation_new_query("1000000000000002", BIDCERT_BID_TYPE_NORMAL, &query);
    if (drive(client, query, curl, &call) == 0) {
        bidcert_certified_info *info = NULL;
        bool certified = false;
        char *name = NULL;
        bidcert_call_certified_info(call, &info);
        bidcert_certified_info_is_certified(info, &certified);
        bidcert_certified_info_name(info, false, &name); /* masked */
        printf("certified: %s, name: %s\n", certified ? "yes" : "no", name ? name : "-");
        bidcert_string_free(name);
        bidcert_certified_info_free(info);
        bidcert_call_free(call);
    } else {
        rc = 1;
    }

    memset(&req, 0, sizeof req);
    req.aliyun_pk = "1000000000000001";
    req.platform = BIDCERT_PLATFORM_H5;
    bidcert_operation_new_cert_ways_url(&req, &link_op);
    if (drive(client, link_op, curl, &call) == 0) {
        bidcert_cert_ways_url *link = NULL;
        char *link_url = NULL;
        bidcert_call_cert_ways_url(call, &link);
        bidcert_cert_ways_url_url(link, &link_url);
        printf("link: %s\n", link_url);
        bidcert_string_free(link_url);
        bidcert_cert_ways_url_free(link);
        bidcert_call_free(call);
    } else {
        rc = 1;
    }

    bidcert_client_clock_offset(client, &offset);
    printf("clock offset learned: %lld s\n", (long long)offset);
    bidcert_operation_free(query);
    bidcert_operation_free(link_op);
    bidcert_client_free(client);
    bidcert_credentials_free(creds);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return rc;
}
