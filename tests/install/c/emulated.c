/*
 * A C test as a user writes one with the test support tarball: the emulator in-process
 * (libbidcert_testing), the production library's client against it.
 * Build: cc emulated.c $(pkg-config --cflags --libs bidcert bidcert-testing)
 */
#include <stdio.h>
#include <string.h>

#include "bidcert.h"
#include "bidcert_testing.h"

int main(void) {
    bidcert_testing_emulator *emulator = NULL;
    bidcert_credentials *creds = NULL;
    bidcert_client *client = NULL;
    bidcert_certified_info *info = NULL;
    bidcert_client_config cfg;
    bool certified = false;
    int rc = 1;

    if (!bidcert_testing_emulator_start(NULL, &emulator)) {
        char *why = bidcert_testing_last_error();
        fprintf(stderr, "emulator: %s\n", why ? why : "?");
        bidcert_testing_string_free(why);
        return 1;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.crm_endpoint = bidcert_testing_emulator_url(emulator);
    cfg.aas_endpoint = cfg.crm_endpoint;
    if (bidcert_credentials_new(bidcert_testing_demo_value("NORMAL_ACCESS_KEY_ID"),
                                bidcert_testing_demo_value("NORMAL_ACCESS_KEY_SECRET"), NULL,
                                &creds) == BIDCERT_OK &&
        bidcert_client_new(creds, &cfg, &client) == BIDCERT_OK &&
        bidcert_client_query_certified_info(client, bidcert_testing_demo_value("PERSONAL_PK"),
                                            BIDCERT_BID_TYPE_NORMAL, &info) == BIDCERT_OK &&
        bidcert_certified_info_is_certified(info, &certified) == BIDCERT_OK) {
        printf("in-process emulator at %s: certified: %s\n", cfg.crm_endpoint, certified ? "yes" : "no");
        rc = certified ? 0 : 1;
    } else {
        fprintf(stderr, "the query against the in-process emulator failed\n");
    }
    bidcert_certified_info_free(info);
    bidcert_client_free(client);
    bidcert_credentials_free(creds);
    bidcert_testing_emulator_free(emulator);
    return rc;
}
