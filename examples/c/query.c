/*
 * Query a customer's verification and get a verification link, with the built-in client.
 * The endpoint comes from argv[1] or BIDCERT_ENDPOINT (an emulator: `bidcert-emulator` prints
 * its URL); without either, the production endpoints.
 * Build: cc -std=c99 examples/c/query.c $(pkg-config --cflags --libs bidcert)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bidcert.h"

/* Prints the thread's last error and returns 1. */
static int fail(const char *what, bidcert_status status) {
    bidcert_error *err = NULL;
    bidcert_error_kind kind = 0;
    char *message = NULL;
    bidcert_last_error(&err);
    bidcert_error_get_kind(err, &kind);
    bidcert_error_message(err, &message);
    fprintf(stderr, "%s: %s (%s: %s)\n", what, bidcert_status_str(status),
            bidcert_error_kind_name(kind) ? bidcert_error_kind_name(kind) : "?", message ? message : "?");
    bidcert_string_free(message);
    bidcert_error_free(err);
    return 1;
}

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : getenv("BIDCERT_ENDPOINT");
    bidcert_credentials *creds = NULL;
    bidcert_client *client = NULL;
    bidcert_certified_info *info = NULL;
    bidcert_cert_ways_url *link = NULL;
    bidcert_client_config cfg;
    bidcert_cert_ways_request req;
    bidcert_status s;
    char *name = NULL, *link_url = NULL;
    bool certified = false;
    int rc = 0;

    /* The demo fixture's NORMAL reseller: published test values, not real keys. */
    s = bidcert_credentials_new("LTAI5tBidcertDemoNormal", "BidcertDemoNormalSecretNotReal", NULL, &creds);
    if (s != BIDCERT_OK) return fail("credentials", s);
    memset(&cfg, 0, sizeof cfg);
    cfg.crm_endpoint = url; /* NULL: production */
    cfg.aas_endpoint = url;
    if ((s = bidcert_client_new(creds, &cfg, &client)) != BIDCERT_OK) return fail("client", s);

    s = bidcert_client_query_certified_info(client, "1000000000000002", BIDCERT_BID_TYPE_NORMAL, &info);
    if (s != BIDCERT_OK) {
        rc = fail("query", s);
    } else {
        bidcert_certified_info_is_certified(info, &certified);
        bidcert_certified_info_name(info, false, &name); /* masked unless reveal is true */
        printf("certified: %s, name: %s\n", certified ? "yes" : "no", name ? name : "-");
    }

    memset(&req, 0, sizeof req);
    req.aliyun_pk = "1000000000000001";
    req.platform = BIDCERT_PLATFORM_H5;
    s = bidcert_client_generate_cert_ways_url(client, &req, &link);
    if (s != BIDCERT_OK) {
        rc = fail("link", s);
    } else {
        bidcert_cert_ways_url_url(link, &link_url);
        printf("link: %s\n", link_url);
    }

    bidcert_string_free(link_url);
    bidcert_string_free(name);
    bidcert_cert_ways_url_free(link);
    bidcert_certified_info_free(info);
    bidcert_client_free(client);
    bidcert_credentials_free(creds);
    return rc;
}
