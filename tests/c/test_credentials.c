/*
 * The C suite's credentials parts: every provider and the default chain through
 * bidcert_credentials_*, against the emulator's STS, ECS metadata service and credentials URI
 * (libbidcert_testing); refresh and single flight across threads, through the built-in client
 * and through bidcert_call_*; a metadata service that hangs, a malformed STS answer, an
 * expired OIDC token, a missing token file, pasted keys; and no secret in anything the
 * library hands out.
 *
 * Every part runs in an environment of its own: a fresh HOME, none of the ALIBABA_CLOUD_*
 * variables of the machine, and ALIBABA_CLOUD_ECS_METADATA_DISABLED=true (main sets it),
 * lifted only while a test points the ECS provider at the emulator's metadata port. Nothing
 * is sent anywhere but 127.0.0.1.
 */
#define _POSIX_C_SOURCE 200809L /* setenv, mkdtemp, strdup, pthread barriers */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

/* ---------------------------------------------------------------- text shown, and secrets */

/* A growing NUL-terminated buffer. */
struct text {
    char *p;
    size_t len, cap;
};

static void text_add(struct text *t, const char *s) {
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *p = realloc(t->p, cap);
        if (p == NULL) abort();
        t->p = p;
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n + 1);
    t->len += n;
}

/* Everything the library handed out in these parts (messages, sources, reasons, ids, details):
 * searched for the secrets and tokens at the end of each part. */
static struct text shown;

static void show(const char *s) {
    text_add(&shown, s ? s : "(null)");
    text_add(&shown, "\n");
}

/* Whether `s` holds a run of 40 or more lower-case hex digits: how the emulator's issued
 * secrets, security tokens and metadata session tokens look (request ids are hyphenated). */
static const char *hex_run(const char *s) {
    size_t run = 0;
    for (; *s; s++) {
        run = ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')) ? run + 1 : 0;
        if (run >= 40) return s - 39;
    }
    return NULL;
}

/* None of the demo secrets, tokens or `extra` values, and nothing that looks like an issued
 * secret or token, in anything shown. */
static void check_nothing_secret_shown(const char *const *extra) {
    static const char *const demo_secrets[] = {"NORMAL_ACCESS_KEY_SECRET", "ACCOUNT_ACCESS_KEY_SECRET",
                                               "LIGHTWEIGHT_ACCESS_KEY_SECRET", "OIDC_TOKEN",
                                               "EXPIRED_OIDC_TOKEN"};
    const char *text = shown.p ? shown.p : "";
    const char *run = hex_run(text);
    size_t i;
    CHECK(shown.len > 0, "something was shown");
    for (i = 0; i < sizeof demo_secrets / sizeof demo_secrets[0]; i++) {
        CHECK(strstr(text, demo(demo_secrets[i])) == NULL, "%s was shown", demo_secrets[i]);
    }
    for (; extra && *extra; extra++) CHECK(strstr(text, *extra) == NULL, "%s was shown", *extra);
    CHECK(run == NULL, "a secret or token was shown: %.60s", run ? run : "");
    /* The emulator's security tokens start CAIS. */
    CHECK(strstr(text, "CAIS") == NULL, "a security token was shown");
    free(shown.p);
    memset(&shown, 0, sizeof shown);
}

/* The thread's last error as text: its message, its field, then each source tried as
 * `source: reason` on a line of its own; also shown. Owned: free() it. */
static char *last_error_text(void) {
    struct text t = {NULL, 0, 0};
    bidcert_error *err = NULL;
    char *s = NULL, *source = NULL, *reason = NULL;
    size_t n = 0, i;
    if (bidcert_last_error(&err) != BIDCERT_OK || err == NULL) return strdup("(no error)");
    bidcert_error_message(err, &s);
    text_add(&t, s ? s : "");
    bidcert_string_free(s);
    s = NULL;
    bidcert_error_field(err, &s);
    if (s) {
        text_add(&t, "\nfield: ");
        text_add(&t, s);
    }
    bidcert_string_free(s);
    bidcert_error_tried_count(err, &n);
    for (i = 0; i < n; i++) {
        CHECK_STATUS(bidcert_error_tried(err, i, &source, &reason), BIDCERT_OK);
        text_add(&t, "\n");
        text_add(&t, source ? source : "");
        text_add(&t, ": ");
        text_add(&t, reason ? reason : "");
        bidcert_string_free(source);
        bidcert_string_free(reason);
        source = reason = NULL;
    }
    bidcert_error_free(err);
    show(t.p);
    return t.p;
}

/* A failure with `want` status whose text (see last_error_text) holds `want_in_text`. */
static void expect_failure(bidcert_status got, bidcert_status want, const char *want_in_text, const char *what) {
    char *text;
    CHECK(got == want, "%s: got %s, want %s", what, bidcert_status_str(got), bidcert_status_str(want));
    if (got == BIDCERT_OK) return;
    text = last_error_text();
    CHECK(want_in_text == NULL || strstr(text, want_in_text) != NULL, "%s: \"%s\" is not in:\n%s", what,
          want_in_text, text);
    free(text);
}

/* ---------------------------------------------------------------- what resolved */

struct resolved {
    char source[64];
    char kind[32];
    char id[128];
    char detail[512];
    bool expires;
    int64_t expiration;
};

static void copy_owned(char *dst, size_t size, char *owned) {
    show(owned);
    snprintf(dst, size, "%s", owned ? owned : "");
    bidcert_string_free(owned);
}

/* What `c` signs with now, through every getter of bidcert_resolved_credentials. */
static bool resolve_now(const bidcert_credentials *c, struct resolved *r) {
    bidcert_resolved_credentials *got = NULL;
    bidcert_credentials_kind kind = 0;
    char *s = NULL;
    memset(r, 0, sizeof *r);
    if (bidcert_credentials_current(c, &got) != BIDCERT_OK) {
        free(last_error_text());
        return false;
    }
    CHECK_STATUS(bidcert_resolved_credentials_source(got, &s), BIDCERT_OK);
    copy_owned(r->source, sizeof r->source, s);
    CHECK_STATUS(bidcert_resolved_credentials_access_key_id(got, &s), BIDCERT_OK);
    copy_owned(r->id, sizeof r->id, s);
    CHECK_STATUS(bidcert_resolved_credentials_detail(got, &s), BIDCERT_OK);
    copy_owned(r->detail, sizeof r->detail, s);
    CHECK_STATUS(bidcert_resolved_credentials_kind(got, &kind), BIDCERT_OK);
    snprintf(r->kind, sizeof r->kind, "%s", bidcert_credentials_kind_name(kind) ? bidcert_credentials_kind_name(kind) : "?");
    CHECK_STATUS(bidcert_resolved_credentials_expiration(got, &r->expires, &r->expiration), BIDCERT_OK);
    bidcert_resolved_credentials_free(got);
    return true;
}

/* `c` resolves to credentials of `kind` from `source`; temporary ones expire in the future,
 * long-term ones never. */
static void expect_resolved(const bidcert_credentials *c, const char *source, const char *kind, struct resolved *out) {
    struct resolved r;
    bool temporary;
    if (!resolve_now(c, &r)) {
        CHECK(false, "%s did not resolve", source);
        return;
    }
    CHECK(streq(r.source, source), "source %s, want %s", r.source, source);
    CHECK(streq(r.kind, kind), "kind %s, want %s", r.kind, kind);
    CHECK(strlen(r.id) > 0, "an AccessKey id");
    temporary = !streq(kind, "static");
    CHECK(r.expires == (temporary && !streq(kind, "sts")), "%s: expires %d", kind, r.expires);
    if (r.expires) CHECK(r.expiration > (int64_t)time(NULL) + 600, "%s: expires in the future", kind);
    if (temporary && !streq(kind, "sts")) CHECK(strncmp(r.id, "STS.", 4) == 0, "an issued key: %s", r.id);
    if (out) *out = r;
}

/* ---------------------------------------------------------------- clients */

static bidcert_client_config config_for(const char *url) {
    bidcert_client_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.crm_endpoint = url;
    cfg.aas_endpoint = url;
    cfg.retry_base_delay_ms = 10;
    cfg.retry_max_delay_ms = 20;
    cfg.budget_ms = 60000;
    return cfg;
}

/* A client of the emulator at `url` signing with `c` (NULL: the default chain), or NULL. */
static bidcert_client *client_with(const bidcert_credentials *c, const char *url) {
    bidcert_client *client = NULL;
    bidcert_client_config cfg = config_for(url);
    if (bidcert_client_new(c, &cfg, &client) != BIDCERT_OK) {
        char *text = last_error_text();
        CHECK(false, "no client: %s", text);
        free(text);
        return NULL;
    }
    return client;
}

/* The demo's verified customer, as the NORMAL reseller (or one acting as it) sees it. */
static void expect_query_ok(const bidcert_client *client, const char *what) {
    bidcert_certified_info *info = NULL;
    bool certified = false;
    bidcert_status st;
    if (client == NULL) return;
    st = bidcert_client_query_certified_info(client, demo("PERSONAL_PK"), BIDCERT_BID_TYPE_NORMAL, &info);
    if (st != BIDCERT_OK) {
        char *text = last_error_text();
        CHECK(false, "%s: query failed: %s", what, text);
        free(text);
        return;
    }
    bidcert_certified_info_is_certified(info, &certified);
    CHECK(certified, "%s: the customer is verified", what);
    bidcert_certified_info_free(info);
}

/* A client of `c` at `url` answers a query, and `c` resolved as `source` and `kind`. */
static void expect_provider_works(bidcert_credentials *c, const char *url, const char *source, const char *kind,
                                  struct resolved *out) {
    bidcert_client *client = client_with(c, url);
    expect_query_ok(client, source);
    expect_resolved(c, source, kind, out);
    bidcert_client_free(client);
}

/* bidcert_client_new with `c` fails with BIDCERT_CREDENTIALS, its text holding `want`. */
static void expect_client_refused(const bidcert_credentials *c, const char *url, const char *want, const char *what) {
    bidcert_client *client = SENTINEL;
    bidcert_client_config cfg = config_for(url);
    expect_failure(bidcert_client_new(c, &cfg, &client), BIDCERT_CREDENTIALS, want, what);
    CHECK(client == SENTINEL, "%s: no client written", what);
}

static uint64_t sts_calls(const bidcert_testing_emulator *emu, const char *action) {
    uint64_t n = 0;
    testing_ok(bidcert_testing_emulator_sts_call_count(emu, action, &n), "STS call count");
    return n;
}

/* ---------------------------------------------------------------- the environment */

/* Every variable a provider reads, cleared for the suite and given back after. */
static const char *const provider_vars[] = {
    "HOME", "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
    "ALIBABA_CLOUD_ROLE_SESSION_NAME", "ALIBABA_CLOUD_STS_REGION", "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED",
    "ALIBABACLOUD_PROFILE", "ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE", "ALIBABA_CLOUD_CONFIG_FILE",
    "ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_ECS_METADATA",
    "ALIBABA_CLOUD_IMDSV1_DISABLED", "ALIBABA_CLOUD_CREDENTIALS_URI", "BIDCERT_STS_ENDPOINT",
    "BIDCERT_ECS_METADATA_ENDPOINT", "USERPROFILE"};
#define N_PROVIDER_VARS (sizeof provider_vars / sizeof provider_vars[0])

struct saved_env {
    char *values[N_PROVIDER_VARS];
};

static void set_env(const char *name, const char *value) {
    int rc = value ? setenv(name, value, 1) : unsetenv(name);
    CHECK(rc == 0, "setting %s: %s", name, strerror(errno));
}

/* A home directory of its own, removed by home_remove. */
struct home {
    char dir[64];
    char files[16][256];
    size_t n_files;
    char dirs[8][256];
    size_t n_dirs;
};

static void home_new(struct home *h) {
    memset(h, 0, sizeof *h);
    strcpy(h->dir, "/tmp/bidcert-c-home-XXXXXX");
    CHECK(mkdtemp(h->dir) != NULL, "a temporary home: %s", strerror(errno));
}

/* Writes `text` at `rel` under the home (one directory level at most); its path into `path`. */
static void home_write(struct home *h, const char *rel, const char *text, char *path, size_t size) {
    char full[256], dir[256];
    const char *slash = strchr(rel, '/');
    FILE *f;
    if (slash) {
        snprintf(dir, sizeof dir, "%s/%.*s", h->dir, (int)(slash - rel), rel);
        if (mkdir(dir, 0700) == 0 && h->n_dirs < 8) strcpy(h->dirs[h->n_dirs++], dir);
    }
    snprintf(full, sizeof full, "%s/%s", h->dir, rel);
    f = fopen(full, "w");
    CHECK(f != NULL, "writing %s", full);
    if (f == NULL) return;
    fputs(text, f);
    fclose(f);
    if (h->n_files < 16) strcpy(h->files[h->n_files++], full);
    if (path) snprintf(path, size, "%s", full);
}

static void home_remove(struct home *h) {
    while (h->n_files > 0) remove(h->files[--h->n_files]);
    while (h->n_dirs > 0) rmdir(h->dirs[--h->n_dirs]);
    rmdir(h->dir);
}

/* Saves every provider variable, clears them, and sets HOME to `home`. */
static void isolate(struct saved_env *saved, const struct home *home) {
    size_t i;
    for (i = 0; i < N_PROVIDER_VARS; i++) {
        const char *v = getenv(provider_vars[i]);
        saved->values[i] = v ? strdup(v) : NULL;
        set_env(provider_vars[i], NULL);
    }
    set_env("HOME", home->dir);
}

static void restore(struct saved_env *saved) {
    size_t i;
    for (i = 0; i < N_PROVIDER_VARS; i++) {
        set_env(provider_vars[i], saved->values[i]);
        free(saved->values[i]);
    }
}

static bidcert_testing_emulator *start_emulator(void) {
    bidcert_testing_options opts;
    bidcert_testing_emulator *emu = NULL;
    memset(&opts, 0, sizeof opts);
    opts.metadata = true;
    testing_ok(bidcert_testing_emulator_start(&opts, &emu), "emulator with metadata starts");
    return emu;
}

/* ---------------------------------------------------------------- status paths */

void test_credentials_status_paths(void) {
    bidcert_credentials *c = SENTINEL, *keys = NULL;
    bidcert_resolved_credentials *r = SENTINEL;
    bidcert_client *client = NULL;
    bidcert_error *err = NULL;
    bidcert_oidc_role_config oidc;
    bidcert_ram_role_arn_config role;
    bidcert_ecs_ram_role_config ecs;
    bidcert_credentials_uri_config uri;
    bidcert_file_config file;
    bidcert_credentials_kind kind = 99;
    char *s = SENTINEL, *s2 = SENTINEL;
    size_t n = 99;
    bool known = true;
    int64_t when = 7;
    current = "credentials_status_paths";

    CHECK(streq(bidcert_credentials_kind_name(BIDCERT_CREDENTIALS_KIND_STATIC), "static"), "static");
    CHECK(streq(bidcert_credentials_kind_name(BIDCERT_CREDENTIALS_KIND_OIDC_ROLE_ARN), "oidc_role_arn"), "oidc");
    CHECK(streq(bidcert_credentials_kind_name(BIDCERT_CREDENTIALS_KIND_CREDENTIALS_URI), "credentials_uri"), "uri");
    CHECK(bidcert_credentials_kind_name(6) == NULL, "no kind 6");
    CHECK(bidcert_credentials_kind_name(0xffffffffu) == NULL, "no kind 2^32-1");

    /* NULL out-parameters and sources. */
    CHECK_STATUS(bidcert_credentials_from_environment(NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_from_oidc_role(NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_from_cli_config(NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_from_credentials_file(NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_from_ecs_ram_role(NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_from_credentials_uri(NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_default_chain(NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_from_ram_role_arn(NULL, NULL, &c), BIDCERT_NULL_ARGUMENT);
    check_last_kind("null_argument", "no source");
    CHECK(c == SENTINEL, "no credentials written");
    CHECK_STATUS(bidcert_credentials_new("LTAI5tStatusPaths", "StatusPathsSecretNotReal", NULL, &keys), BIDCERT_OK);
    CHECK_STATUS(bidcert_credentials_from_ram_role_arn(keys, NULL, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_current(NULL, &r), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_current(keys, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK(r == SENTINEL, "no resolved credentials written");
    CHECK_STATUS(bidcert_client_credentials(NULL, &c), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_client_set_credentials(NULL, keys), BIDCERT_NULL_ARGUMENT);

    /* Invalid UTF-8 in a config field is named by its field. */
    memset(&oidc, 0, sizeof oidc);
    oidc.sts.region = "\xff";
    CHECK_STATUS(bidcert_credentials_from_oidc_role(&oidc, &c), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_last_error(&err), BIDCERT_OK);
    CHECK_STATUS(bidcert_error_field(err, &s), BIDCERT_OK);
    CHECK(streq(s, "config.sts.region"), "the field is named: %s", s ? s : "(null)");
    bidcert_string_free(s);
    bidcert_error_free(err);
    err = NULL;
    memset(&role, 0, sizeof role);
    role.external_id = "\xfe";
    CHECK_STATUS(bidcert_credentials_from_ram_role_arn(keys, &role, &c), BIDCERT_INVALID_UTF8);
    memset(&ecs, 0, sizeof ecs);
    ecs.role_name = "\xff";
    CHECK_STATUS(bidcert_credentials_from_ecs_ram_role(&ecs, &c), BIDCERT_INVALID_UTF8);
    memset(&uri, 0, sizeof uri);
    uri.uri = "\xff";
    CHECK_STATUS(bidcert_credentials_from_credentials_uri(&uri, &c), BIDCERT_INVALID_UTF8);
    memset(&file, 0, sizeof file);
    file.profile = "\xff";
    CHECK_STATUS(bidcert_credentials_from_cli_config(&file, &c), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_credentials_from_credentials_file(&file, &c), BIDCERT_INVALID_UTF8);
    CHECK_STATUS(bidcert_credentials_default_chain("\xff", &c), BIDCERT_INVALID_UTF8);
    CHECK(c == SENTINEL, "no credentials written");

    /* Checked when built: a session under 900 s, plain http STS off loopback, no role. */
    role.external_id = NULL;
    role.role_arn = "acs:ram::1900000000000001:role/bidcert-demo-reseller";
    role.duration_seconds = 100;
    role.sts.endpoint = "http://127.0.0.1:1";
    CHECK_STATUS(bidcert_credentials_from_ram_role_arn(keys, &role, &c), BIDCERT_VALIDATION);
    role.duration_seconds = 0;
    role.sts.endpoint = "http://sts.example.com";
    CHECK_STATUS(bidcert_credentials_from_ram_role_arn(keys, &role, &c), BIDCERT_VALIDATION);
    CHECK(c == SENTINEL, "no credentials written");

    /* Given keys: source explicit, kind static or sts, no expiry; a pasted key is refused,
     * naming the key, and the secret is not shown. */
    CHECK_STATUS(bidcert_credentials_current(keys, &r), BIDCERT_OK);
    CHECK_STATUS(bidcert_resolved_credentials_source(r, &s), BIDCERT_OK);
    CHECK(streq(s, "explicit"), "source %s", s);
    bidcert_string_free(s);
    CHECK_STATUS(bidcert_resolved_credentials_kind(r, &kind), BIDCERT_OK);
    CHECK(kind == BIDCERT_CREDENTIALS_KIND_STATIC, "kind %u", (unsigned)kind);
    CHECK_STATUS(bidcert_resolved_credentials_expiration(r, &known, &when), BIDCERT_OK);
    CHECK(!known && when == 7, "long-term keys do not expire (and the time is untouched)");
    CHECK_STATUS(bidcert_resolved_credentials_source(NULL, &s), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_resolved_credentials_detail(r, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_resolved_credentials_access_key_id(NULL, &s), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_resolved_credentials_kind(NULL, &kind), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_resolved_credentials_expiration(r, NULL, &when), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_resolved_credentials_expiration(r, &known, NULL), BIDCERT_NULL_ARGUMENT);
    bidcert_resolved_credentials_free(r);
    bidcert_resolved_credentials_free(NULL);
    CHECK_STATUS(bidcert_credentials_new("STS.StatusPaths", "StatusPathsSecretNotReal", "StatusPathsToken", &c),
                 BIDCERT_OK);
    expect_resolved(c, "explicit", "sts", NULL);
    bidcert_credentials_free(c);
    c = SENTINEL;
    expect_failure(bidcert_credentials_new(" LTAI5tPasted", "StatusPathsSecretNotReal", NULL, &c), BIDCERT_VALIDATION,
                   "field: AccessKeyId", "a leading space in the id");
    expect_failure(bidcert_credentials_new("LTAI5tPasted", "StatusPathsSecretNotReal ", NULL, &c),
                   BIDCERT_VALIDATION, "must not start or end with whitespace", "a trailing space in the secret");
    CHECK(c == SENTINEL, "no credentials written");

    /* A client's credentials: the provider it shares, replaceable. */
    CHECK_STATUS(bidcert_client_new(keys, NULL, &client), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_credentials(client, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_client_set_credentials(client, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_credentials_new("LTAI5tReplaced", "StatusPathsSecretNotReal", NULL, &c), BIDCERT_OK);
    CHECK_STATUS(bidcert_client_set_credentials(client, c), BIDCERT_OK);
    bidcert_credentials_free(c);
    c = NULL;
    CHECK_STATUS(bidcert_client_credentials(client, &c), BIDCERT_OK);
    s = NULL;
    CHECK_STATUS(bidcert_credentials_access_key_id(c, &s), BIDCERT_OK);
    CHECK(streq(s, "LTAI5tReplaced"), "the replaced keys: %s", s ? s : "(null)");
    bidcert_string_free(s);
    bidcert_credentials_free(c);
    bidcert_client_free(client);

    /* The sources tried, only for credentials errors, and only those there are. */
    CHECK_STATUS(bidcert_credentials_new(NULL, "s", NULL, &c), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_last_error(&err), BIDCERT_OK);
    CHECK_STATUS(bidcert_error_tried_count(err, &n), BIDCERT_OK);
    CHECK(n == 0, "no source tried: %zu", n);
    s = SENTINEL;
    CHECK_STATUS(bidcert_error_tried(err, 0, &s, &s2), BIDCERT_VALIDATION);
    CHECK(s == SENTINEL && s2 == SENTINEL, "nothing written");
    CHECK_STATUS(bidcert_error_tried_count(NULL, &n), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_error_tried_count(err, NULL), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_error_tried(err, 0, NULL, &s2), BIDCERT_NULL_ARGUMENT);
    CHECK_STATUS(bidcert_error_tried(err, 0, &s, NULL), BIDCERT_NULL_ARGUMENT);
    bidcert_error_free(err);
    bidcert_credentials_free(keys);
    check_nothing_secret_shown((const char *const[]){"StatusPathsSecretNotReal", "StatusPathsToken", NULL});
}

/* ---------------------------------------------------------------- each provider */

static void environment_provider(const char *url) {
    bidcert_credentials *c = NULL;
    struct resolved r;
    current = "credentials: environment";
    set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", demo("NORMAL_ACCESS_KEY_ID"));
    set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", demo("NORMAL_ACCESS_KEY_SECRET"));
    CHECK_STATUS(bidcert_credentials_from_environment(&c), BIDCERT_OK);
    expect_provider_works(c, url, "environment", "static", &r);
    CHECK(streq(r.id, demo("NORMAL_ACCESS_KEY_ID")), "the variable's id: %s", r.id);
    bidcert_credentials_free(c);
    /* A pasted key is refused when read, naming the variable. */
    set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", " LTAI5tBidcertDemoNormal");
    CHECK_STATUS(bidcert_credentials_from_environment(&c), BIDCERT_OK);
    expect_client_refused(c, url, "environment: ALIBABA_CLOUD_ACCESS_KEY_ID must not start or end with whitespace",
                          "a pasted key in the environment");
    bidcert_credentials_free(c);
    set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", NULL);
    CHECK_STATUS(bidcert_credentials_from_environment(&c), BIDCERT_OK);
    expect_client_refused(c, url, "environment: ALIBABA_CLOUD_ACCESS_KEY_ID is not set", "no id");
    bidcert_credentials_free(c);
    set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", NULL);
}

static void ram_role_arn_provider(const bidcert_testing_emulator *emu, const char *url) {
    bidcert_credentials *account = NULL, *role = NULL, *chained = NULL, *c = NULL;
    bidcert_ram_role_arn_config cfg;
    bidcert_client *client;
    bidcert_certified_info *info = NULL;
    uint64_t before = sts_calls(emu, "AssumeRole");
    current = "credentials: ram_role_arn";
    CHECK_STATUS(bidcert_credentials_new(demo("ACCOUNT_ACCESS_KEY_ID"), demo("ACCOUNT_ACCESS_KEY_SECRET"), NULL, &account),
                 BIDCERT_OK);
    memset(&cfg, 0, sizeof cfg);
    cfg.role_arn = demo("ROLE_ARN");
    cfg.role_session_name = "c-suite";
    cfg.duration_seconds = 900;
    cfg.sts.endpoint = url;
    CHECK_STATUS(bidcert_credentials_from_ram_role_arn(account, &cfg, &role), BIDCERT_OK);
    /* The role shares the source's cache: the source may go first. */
    bidcert_credentials_free(account);
    /* The account is not a reseller; its role acts as the NORMAL reseller. */
    expect_provider_works(role, url, "ram_role_arn", "ram_role_arn", NULL);
    CHECK(sts_calls(emu, "AssumeRole") == before + 1, "one AssumeRole for the client and the query");

    /* Roles chain: a role assumed with the role's keys acts as the LIGHTWEIGHT reseller. */
    cfg.role_arn = demo("CHAINED_ROLE_ARN");
    CHECK_STATUS(bidcert_credentials_from_ram_role_arn(role, &cfg, &chained), BIDCERT_OK);
    client = client_with(chained, url);
    if (client) {
        CHECK_STATUS(bidcert_client_query_certified_info(client, demo("LIGHTWEIGHT_CUSTOMER_PK"),
                                                         BIDCERT_BID_TYPE_LIGHTWEIGHT, &info),
                     BIDCERT_OK);
        bidcert_certified_info_free(info);
    }
    bidcert_client_free(client);
    expect_resolved(chained, "ram_role_arn", "ram_role_arn", NULL);
    CHECK(sts_calls(emu, "AssumeRole") == before + 2, "one more AssumeRole, the source's keys cached");
    bidcert_credentials_free(chained);

    /* A malformed STS answer fails the fetch, naming the role, and shows none of its bytes. */
    testing_ok(bidcert_testing_emulator_inject_fault(
                   emu, "{\"kind\": \"malformed_body\", \"action\": \"AssumeRole\", \"next\": 1}"),
               "malformed STS answer");
    CHECK_STATUS(bidcert_credentials_new(demo("ACCOUNT_ACCESS_KEY_ID"), demo("ACCOUNT_ACCESS_KEY_SECRET"), NULL, &account),
                 BIDCERT_OK);
    cfg.role_arn = demo("ROLE_ARN");
    CHECK_STATUS(bidcert_credentials_from_ram_role_arn(account, &cfg, &c), BIDCERT_OK);
    expect_client_refused(c, url, "truncated JSON", "a malformed STS answer");
    expect_client_refused(c, url, demo("ROLE_ARN"), "the role is named");
    bidcert_credentials_free(c);
    bidcert_credentials_free(account);
    /* No role at all: named. */
    expect_failure(bidcert_credentials_from_ram_role_arn(role, NULL, &c), BIDCERT_CREDENTIALS,
                   "ram_role_arn: no role given, and ALIBABA_CLOUD_ROLE_ARN is not set", "no role");
    bidcert_credentials_free(role);
}

static void oidc_role_provider(const bidcert_testing_emulator *emu, struct home *home, const char *url) {
    bidcert_credentials *c = NULL;
    bidcert_oidc_role_config cfg;
    char token_file[256], missing[300];
    uint64_t before = sts_calls(emu, "AssumeRoleWithOIDC");
    current = "credentials: oidc_role";
    home_write(home, "oidc-token", demo("OIDC_TOKEN"), token_file, sizeof token_file);
    memset(&cfg, 0, sizeof cfg);
    cfg.role_arn = demo("ROLE_ARN");
    cfg.oidc_provider_arn = demo("OIDC_PROVIDER_ARN");
    cfg.oidc_token_file = token_file;
    cfg.role_session_name = "c-suite-oidc";
    cfg.sts.endpoint = url;
    CHECK_STATUS(bidcert_credentials_from_oidc_role(&cfg, &c), BIDCERT_OK);
    expect_provider_works(c, url, "oidc", "oidc_role_arn", NULL);
    CHECK(sts_calls(emu, "AssumeRoleWithOIDC") == before + 1, "one AssumeRoleWithOIDC");
    bidcert_credentials_free(c);

    /* An expired token: STS's refusal, without the token. */
    home_write(home, "oidc-token", demo("EXPIRED_OIDC_TOKEN"), NULL, 0);
    CHECK_STATUS(bidcert_credentials_from_oidc_role(&cfg, &c), BIDCERT_OK);
    expect_client_refused(c, url, "AuthenticationFail.OIDCToken.Expired", "an expired OIDC token");
    bidcert_credentials_free(c);

    /* A missing token file: named, and STS never asked. */
    snprintf(missing, sizeof missing, "%s/no-such-token", home->dir);
    cfg.oidc_token_file = missing;
    before = sts_calls(emu, "AssumeRoleWithOIDC");
    CHECK_STATUS(bidcert_credentials_from_oidc_role(&cfg, &c), BIDCERT_OK);
    expect_client_refused(c, url, missing, "a missing token file");
    CHECK(sts_calls(emu, "AssumeRoleWithOIDC") == before, "STS was not asked without a token");
    bidcert_credentials_free(c);

    /* Nothing configured: what is missing is named. */
    expect_failure(bidcert_credentials_from_oidc_role(NULL, &c), BIDCERT_CREDENTIALS,
                   "oidc: ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE are "
                   "not set",
                   "no OIDC configuration");
}

/* The CLI's config: an AK profile, a role chained on another profile (the file's current), and
 * a profile whose secret was pasted with a space. STS is the emulator's by
 * BIDCERT_STS_ENDPOINT, as a user's environment would point it. */
static void cli_config_provider(struct home *home, const char *url) {
    bidcert_credentials *c = NULL;
    bidcert_file_config cfg;
    char json[2048], path[256];
    struct resolved r;
    current = "credentials: cli_config";
    snprintf(json, sizeof json,
             "{\"current\": \"reseller\", \"profiles\": ["
             "{\"name\": \"normal\", \"mode\": \"AK\", \"access_key_id\": \"%s\", \"access_key_secret\": \"%s\"},"
             "{\"name\": \"account\", \"mode\": \"AK\", \"access_key_id\": \"%s\", \"access_key_secret\": \"%s\"},"
             "{\"name\": \"reseller\", \"mode\": \"ChainableRamRoleArn\", \"source_profile\": \"account\","
             " \"ram_role_arn\": \"%s\", \"ram_session_name\": \"c-suite-cli\"},"
             "{\"name\": \"pasted\", \"mode\": \"AK\", \"access_key_id\": \"LTAI5tPasted\","
             " \"access_key_secret\": \"CliPastedSecretNotReal \"}]}",
             demo("NORMAL_ACCESS_KEY_ID"), demo("NORMAL_ACCESS_KEY_SECRET"), demo("ACCOUNT_ACCESS_KEY_ID"),
             demo("ACCOUNT_ACCESS_KEY_SECRET"), demo("ROLE_ARN"));
    home_write(home, ".aliyun/config.json", json, path, sizeof path);
    set_env("BIDCERT_STS_ENDPOINT", url);
    memset(&cfg, 0, sizeof cfg);
    cfg.profile = "normal";
    CHECK_STATUS(bidcert_credentials_from_cli_config(&cfg, &c), BIDCERT_OK);
    expect_provider_works(c, url, "cli_config", "static", &r);
    CHECK(strstr(r.detail, "normal") != NULL, "the detail names the profile: %s", r.detail);
    bidcert_credentials_free(c);
    /* The file's current profile, found in HOME. */
    CHECK_STATUS(bidcert_credentials_from_cli_config(NULL, &c), BIDCERT_OK);
    expect_provider_works(c, url, "cli_config", "ram_role_arn", NULL);
    bidcert_credentials_free(c);
    /* A pasted secret: refused, naming the file, the profile and the key. */
    cfg.path = path;
    cfg.profile = "pasted";
    CHECK_STATUS(bidcert_credentials_from_cli_config(&cfg, &c), BIDCERT_OK);
    expect_client_refused(c, url, "profile \"pasted\": access_key_secret must not start or end with whitespace",
                          "a pasted secret in the CLI's config");
    expect_client_refused(c, url, path, "the file is named");
    bidcert_credentials_free(c);
    set_env("BIDCERT_STS_ENDPOINT", NULL);
}

static void credentials_file_provider(struct home *home, const char *url) {
    bidcert_credentials *c = NULL;
    bidcert_file_config cfg;
    char ini[1024], path[256];
    current = "credentials: credentials_file";
    snprintf(ini, sizeof ini,
             "[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n\n"
             "[role]\ntype = ram_role_arn\naccess_key_id = %s\naccess_key_secret = %s\nrole_arn = %s\n"
             "role_session_name = c-suite-file\n\n"
             "[pasted]\ntype = access_key\naccess_key_id = \" LTAI5tPasted\"\naccess_key_secret = "
             "FilePastedSecretNotReal\n",
             demo("NORMAL_ACCESS_KEY_ID"), demo("NORMAL_ACCESS_KEY_SECRET"), demo("ACCOUNT_ACCESS_KEY_ID"),
             demo("ACCOUNT_ACCESS_KEY_SECRET"), demo("ROLE_ARN"));
    home_write(home, ".alibabacloud/credentials", ini, path, sizeof path);
    set_env("BIDCERT_STS_ENDPOINT", url);
    CHECK_STATUS(bidcert_credentials_from_credentials_file(NULL, &c), BIDCERT_OK);
    expect_provider_works(c, url, "credentials_file", "static", NULL);
    bidcert_credentials_free(c);
    memset(&cfg, 0, sizeof cfg);
    cfg.path = path;
    cfg.profile = "role";
    CHECK_STATUS(bidcert_credentials_from_credentials_file(&cfg, &c), BIDCERT_OK);
    expect_provider_works(c, url, "credentials_file", "ram_role_arn", NULL);
    bidcert_credentials_free(c);
    cfg.profile = "pasted";
    CHECK_STATUS(bidcert_credentials_from_credentials_file(&cfg, &c), BIDCERT_OK);
    expect_client_refused(c, url, "[pasted] access_key_id must not start or end with whitespace",
                          "a pasted id in the credentials file");
    bidcert_credentials_free(c);
    set_env("BIDCERT_STS_ENDPOINT", NULL);
}

static uint64_t metadata_requests(const bidcert_testing_emulator *emu) {
    uint64_t n = 0;
    testing_ok(bidcert_testing_emulator_metadata_request_count(emu, &n), "metadata request count");
    return n;
}

/* The ECS instance's role, at the emulator's metadata port: the only time the suite lifts
 * ALIBABA_CLOUD_ECS_METADATA_DISABLED, and only with the endpoint at the emulator. */
static void ecs_ram_role_provider(const bidcert_testing_emulator *emu, const char *url) {
    bidcert_credentials *c = SENTINEL;
    bidcert_ecs_ram_role_config cfg;
    struct resolved r;
    int64_t started, took;
    uint64_t before;
    current = "credentials: ecs_ram_role";
    memset(&cfg, 0, sizeof cfg);
    cfg.endpoint = bidcert_testing_emulator_metadata_url(emu);
    CHECK(cfg.endpoint != NULL, "a metadata port");
    /* Disabled: refused when built, so that nothing is ever sent. */
    before = metadata_requests(emu);
    expect_failure(bidcert_credentials_from_ecs_ram_role(&cfg, &c), BIDCERT_CREDENTIALS,
                   "ecs_metadata: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED", "disabled");
    CHECK(c == SENTINEL, "no credentials written");
    CHECK(metadata_requests(emu) == before, "nothing sent");

    set_env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", NULL);
    testing_ok(bidcert_testing_emulator_set_require_imdsv2(emu, true), "IMDSv2 only");
    CHECK_STATUS(bidcert_credentials_from_ecs_ram_role(&cfg, &c), BIDCERT_OK);
    expect_provider_works(c, url, "ecs_metadata", "ecs_ram_role", &r);
    CHECK(strstr(r.detail, demo("ECS_ROLE_NAME")) != NULL, "the role was discovered: %s", r.detail);
    bidcert_credentials_free(c);
    testing_ok(bidcert_testing_emulator_set_require_imdsv2(emu, false), "IMDSv1 allowed");

    /* A service that hangs: the token, then the read without one, each within 1 s. */
    testing_ok(bidcert_testing_emulator_inject_fault(emu, "{\"kind\": \"hang\", \"target\": \"metadata\", \"next\": 3}"),
               "hang");
    CHECK_STATUS(bidcert_credentials_from_ecs_ram_role(&cfg, &c), BIDCERT_OK);
    started = monotonic_ms();
    expect_client_refused(c, url, "timed out", "a hanging metadata service");
    took = monotonic_ms() - started;
    CHECK(took < 4000, "failed within the 1 s timeouts: %lld ms", (long long)took);
    bidcert_credentials_free(c);
    testing_ok(bidcert_testing_emulator_clear_faults(emu), "clear faults");
    /* IMDSv2 only, the role given, shorter timeouts: one hanging token request is all. */
    testing_ok(bidcert_testing_emulator_inject_fault(emu, "{\"kind\": \"hang\", \"target\": \"metadata\", \"next\": 1}"),
               "hang");
    cfg.imdsv1_disabled = true;
    cfg.role_name = demo("ECS_ROLE_NAME");
    cfg.read_timeout_ms = 300;
    CHECK_STATUS(bidcert_credentials_from_ecs_ram_role(&cfg, &c), BIDCERT_OK);
    started = monotonic_ms();
    expect_client_refused(c, url, "ALIBABA_CLOUD_IMDSV1_DISABLED", "IMDSv2 only, and the token hangs");
    took = monotonic_ms() - started;
    CHECK(took < 2000, "failed within its 300 ms read timeout: %lld ms", (long long)took);
    bidcert_credentials_free(c);
    testing_ok(bidcert_testing_emulator_clear_faults(emu), "clear faults");
    set_env("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
}

static void credentials_uri_provider(const bidcert_testing_emulator *emu, const char *url) {
    bidcert_credentials *c = SENTINEL;
    bidcert_credentials_uri_config cfg;
    current = "credentials: credentials_uri";
    memset(&cfg, 0, sizeof cfg);
    cfg.uri = bidcert_testing_emulator_credentials_uri(emu);
    CHECK(cfg.uri != NULL, "a credentials URI");
    CHECK_STATUS(bidcert_credentials_from_credentials_uri(&cfg, &c), BIDCERT_OK);
    expect_provider_works(c, url, "credentials_uri", "credentials_uri", NULL);
    bidcert_credentials_free(c);
    testing_ok(bidcert_testing_emulator_inject_fault(
                   emu, "{\"kind\": \"malformed_body\", \"target\": \"metadata\", \"next\": 1}"),
               "malformed answer");
    CHECK_STATUS(bidcert_credentials_from_credentials_uri(&cfg, &c), BIDCERT_OK);
    expect_client_refused(c, url, "credentials URI", "a malformed answer");
    bidcert_credentials_free(c);
    /* Plain http off loopback: refused when built (the answer holds a secret). */
    c = SENTINEL;
    cfg.uri = "http://credentials.example.com/creds";
    expect_failure(bidcert_credentials_from_credentials_uri(&cfg, &c), BIDCERT_CREDENTIALS, "credentials_uri",
                   "plain http to another host");
    CHECK(c == SENTINEL, "no credentials written");
}

static void default_chain(const bidcert_testing_emulator *emu, struct home *home, const char *url) {
    static const char *const sources[] = {"environment", "oidc", NULL, NULL, "ecs_metadata", "credentials_uri"};
    bidcert_credentials *c = SENTINEL;
    bidcert_client *client = NULL;
    bidcert_error *err = NULL;
    struct home empty;
    size_t n = 0, i;
    struct resolved r;
    current = "credentials: default_chain";
    /* Nothing anywhere: each source says what it lacked, in the official order. */
    home_new(&empty);
    set_env("HOME", empty.dir);
    CHECK_STATUS(bidcert_credentials_resolve(&c), BIDCERT_CREDENTIALS);
    CHECK(c == SENTINEL, "no credentials written");
    CHECK_STATUS(bidcert_last_error(&err), BIDCERT_OK);
    CHECK(streq(kind_of(err), "credentials"), "kind %s", kind_of(err) ? kind_of(err) : "(none)");
    CHECK_STATUS(bidcert_error_tried_count(err, &n), BIDCERT_OK);
    CHECK(n == 6, "six sources tried: %zu", n);
    for (i = 0; i < n && i < 6; i++) {
        char *source = NULL, *reason = NULL;
        CHECK_STATUS(bidcert_error_tried(err, i, &source, &reason), BIDCERT_OK);
        show(source);
        show(reason);
        if (sources[i]) CHECK(streq(source, sources[i]), "source %zu: %s, want %s", i, source, sources[i]);
        CHECK(reason != NULL && strlen(reason) > 0, "source %zu says why", i);
        bidcert_string_free(source);
        bidcert_string_free(reason);
    }
    bidcert_error_free(err);
    expect_client_refused(NULL, url, "ecs_metadata: disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED",
                          "a client on the chain, and nothing found");
    set_env("HOME", home->dir);
    home_remove(&empty);

    /* The first source with credentials wins: the URI, the last. */
    set_env("HOME", "/nonexistent");
    set_env("ALIBABA_CLOUD_CREDENTIALS_URI", bidcert_testing_emulator_credentials_uri(emu));
    CHECK_STATUS(bidcert_credentials_default_chain(NULL, &c), BIDCERT_OK);
    expect_provider_works(c, url, "credentials_uri", "credentials_uri", NULL);
    bidcert_credentials_free(c);
    /* The environment, the first, before it; a client given no credentials uses the chain. */
    set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", demo("NORMAL_ACCESS_KEY_ID"));
    set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", demo("NORMAL_ACCESS_KEY_SECRET"));
    client = client_with(NULL, url);
    expect_query_ok(client, "a client on the chain");
    c = NULL;
    if (client) CHECK_STATUS(bidcert_client_credentials(client, &c), BIDCERT_OK);
    if (c) expect_resolved(c, "environment", "static", &r);
    bidcert_credentials_free(c);
    bidcert_client_free(client);
    set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", NULL);
    set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", NULL);
    set_env("ALIBABA_CLOUD_CREDENTIALS_URI", NULL);

    /* A profile named for both files: the CLI config's (written by cli_config_provider). */
    set_env("HOME", home->dir);
    CHECK_STATUS(bidcert_credentials_default_chain("normal", &c), BIDCERT_OK);
    expect_provider_works(c, url, "cli_config", "static", &r);
    CHECK(streq(r.id, demo("NORMAL_ACCESS_KEY_ID")), "the profile's keys: %s", r.id);
    bidcert_credentials_free(c);
}

void test_credentials_providers(void) {
    bidcert_testing_emulator *emu = start_emulator();
    struct saved_env saved;
    struct home home;
    const char *url;
    if (emu == NULL) return;
    url = bidcert_testing_emulator_url(emu);
    home_new(&home);
    isolate(&saved, &home);
    environment_provider(url);
    ram_role_arn_provider(emu, url);
    oidc_role_provider(emu, &home, url);
    cli_config_provider(&home, url);
    credentials_file_provider(&home, url);
    ecs_ram_role_provider(emu, url);
    credentials_uri_provider(emu, url);
    default_chain(emu, &home, url);
    current = "credentials: nothing secret shown";
    check_nothing_secret_shown((const char *const[]){"CliPastedSecretNotReal", "FilePastedSecretNotReal", NULL});
    restore(&saved);
    home_remove(&home);
    bidcert_testing_emulator_free(emu);
}

/* ---------------------------------------------------------------- refresh */

/* Threads and calls of the refresh test: fewer than the Rust test's 16 x 1,000, as the suite
 * runs under valgrind, which runs one thread at a time. */
#define REFRESH_THREADS 8
#define REFRESH_CALLS 100
#define REFRESH_EXPIRIES 3

struct shared {
    const bidcert_client *client;
    const bidcert_credentials *credentials;
    const char *pk;
    pthread_barrier_t *barrier;
    pthread_mutex_t lock;
    int done;
    int failures;
    char first_failure[512];
    char ids[REFRESH_THREADS][128];
};

static void failed_call(struct shared *sh) {
    bidcert_error *err = NULL;
    char *message = NULL;
    bidcert_last_error(&err);
    bidcert_error_message(err, &message);
    pthread_mutex_lock(&sh->lock);
    if (sh->failures++ == 0) snprintf(sh->first_failure, sizeof sh->first_failure, "%s", message ? message : "?");
    pthread_mutex_unlock(&sh->lock);
    bidcert_string_free(message);
    bidcert_error_free(err);
}

static void *query_many(void *arg) {
    struct shared *sh = arg;
    int i;
    for (i = 0; i < REFRESH_CALLS; i++) {
        bidcert_certified_info *info = NULL;
        if (bidcert_client_query_certified_info(sh->client, sh->pk, BIDCERT_BID_TYPE_NORMAL, &info) != BIDCERT_OK) {
            failed_call(sh);
        }
        bidcert_certified_info_free(info);
        pthread_mutex_lock(&sh->lock);
        sh->done++;
        pthread_mutex_unlock(&sh->lock);
    }
    return NULL;
}

static int done_so_far(struct shared *sh) {
    int n;
    pthread_mutex_lock(&sh->lock);
    n = sh->done;
    pthread_mutex_unlock(&sh->lock);
    return n;
}

/* A role provider on the emulator's STS. */
static bidcert_credentials *role_at(const char *url) {
    bidcert_credentials *account = NULL, *role = NULL;
    bidcert_ram_role_arn_config cfg;
    CHECK_STATUS(bidcert_credentials_new(demo("ACCOUNT_ACCESS_KEY_ID"), demo("ACCOUNT_ACCESS_KEY_SECRET"), NULL, &account),
                 BIDCERT_OK);
    memset(&cfg, 0, sizeof cfg);
    cfg.role_arn = demo("ROLE_ARN");
    cfg.role_session_name = "c-suite-refresh";
    cfg.sts.endpoint = url;
    CHECK_STATUS(bidcert_credentials_from_ram_role_arn(account, &cfg, &role), BIDCERT_OK);
    bidcert_credentials_free(account);
    return role;
}

/* Threads x calls through one client across forced expiries: one STS call per expiry. */
static void refresh_across_threads(const bidcert_testing_emulator *emu, const char *url) {
    bidcert_credentials *role = role_at(url);
    bidcert_client *client = client_with(role, url);
    pthread_t threads[REFRESH_THREADS];
    struct shared sh;
    size_t expired[REFRESH_EXPIRIES];
    int t, n;
    uint64_t sts;
    current = "credentials: refresh across threads";
    bidcert_credentials_free(role);
    if (client == NULL) return;
    CHECK(sts_calls(emu, "AssumeRole") == 1, "the client's first credentials");
    memset(&sh, 0, sizeof sh);
    pthread_mutex_init(&sh.lock, NULL);
    sh.client = client;
    sh.pk = demo("PERSONAL_PK");
    for (t = 0; t < REFRESH_THREADS; t++) pthread_create(&threads[t], NULL, query_many, &sh);
    for (n = 1; n <= REFRESH_EXPIRIES; n++) {
        /* A quarter of the calls apart, each after the previous refresh happened. */
        int at = REFRESH_THREADS * REFRESH_CALLS * n / (REFRESH_EXPIRIES + 1);
        int64_t deadline = monotonic_ms() + 300000;
        while ((done_so_far(&sh) < at || sts_calls(emu, "AssumeRole") < (uint64_t)n) && monotonic_ms() < deadline) {
            sleep_ms(1);
        }
        CHECK(monotonic_ms() < deadline, "the calls stalled before expiry %d", n);
        expired[n - 1] = 0;
        testing_ok(bidcert_testing_emulator_expire_sts_credentials(emu, &expired[n - 1]), "expire");
    }
    for (t = 0; t < REFRESH_THREADS; t++) pthread_join(threads[t], NULL);
    sts = sts_calls(emu, "AssumeRole");
    CHECK(sh.failures == 0, "%d calls failed, the first: %s", sh.failures, sh.first_failure);
    CHECK(sh.done == REFRESH_THREADS * REFRESH_CALLS, "every call made: %d", sh.done);
    for (n = 0; n < REFRESH_EXPIRIES; n++) CHECK(expired[n] == 1, "expiry %d ended one valid key: %zu", n + 1, expired[n]);
    CHECK(sts - 1 == REFRESH_EXPIRIES, "exactly one STS call per expiry: %llu", (unsigned long long)(sts - 1));
    printf("C refresh: %d threads x %d calls, %d forced expiries: %llu AssumeRole calls after the first, %d failed "
           "calls\n",
           REFRESH_THREADS, REFRESH_CALLS, REFRESH_EXPIRIES, (unsigned long long)(sts - 1), sh.failures);
    pthread_mutex_destroy(&sh.lock);
    bidcert_client_free(client);
}

static void *resolve_once(void *arg) {
    struct shared *sh = arg;
    bidcert_resolved_credentials *r = NULL;
    char *id = NULL;
    int me;
    pthread_barrier_wait(sh->barrier);
    if (bidcert_credentials_current(sh->credentials, &r) != BIDCERT_OK) {
        failed_call(sh);
        return NULL;
    }
    bidcert_resolved_credentials_access_key_id(r, &id);
    pthread_mutex_lock(&sh->lock);
    me = sh->done++;
    snprintf(sh->ids[me], sizeof sh->ids[me], "%s", id ? id : "");
    pthread_mutex_unlock(&sh->lock);
    bidcert_string_free(id);
    bidcert_resolved_credentials_free(r);
    return NULL;
}

/* A cold cache asked by every thread at once is filled by one STS call. */
static void single_flight(const bidcert_testing_emulator *emu, const char *url) {
    bidcert_credentials *role = role_at(url);
    pthread_t threads[REFRESH_THREADS];
    pthread_barrier_t barrier;
    struct shared sh;
    uint64_t before = sts_calls(emu, "AssumeRole");
    int t;
    current = "credentials: single flight";
    memset(&sh, 0, sizeof sh);
    pthread_mutex_init(&sh.lock, NULL);
    pthread_barrier_init(&barrier, NULL, REFRESH_THREADS);
    sh.credentials = role;
    sh.barrier = &barrier;
    for (t = 0; t < REFRESH_THREADS; t++) pthread_create(&threads[t], NULL, resolve_once, &sh);
    for (t = 0; t < REFRESH_THREADS; t++) pthread_join(threads[t], NULL);
    CHECK(sh.failures == 0, "%d threads failed: %s", sh.failures, sh.first_failure);
    CHECK(sts_calls(emu, "AssumeRole") == before + 1, "one STS call for %d threads: %llu", REFRESH_THREADS,
          (unsigned long long)(sts_calls(emu, "AssumeRole") - before));
    for (t = 1; t < sh.done; t++) CHECK(streq(sh.ids[t], sh.ids[0]), "the same keys: %s, %s", sh.ids[t], sh.ids[0]);
    pthread_barrier_destroy(&barrier);
    pthread_mutex_destroy(&sh.lock);
    bidcert_credentials_free(role);
}

/* The AccessKeyId an attempt's URL carries (percent-encoding aside: STS. keys are plain). */
static void attempt_key(const bidcert_attempt *a, char *out, size_t size) {
    const char *at = strstr(a->url, "AccessKeyId=");
    size_t n;
    out[0] = '\0';
    if (at == NULL) return;
    at += strlen("AccessKeyId=");
    n = strcspn(at, "&");
    snprintf(out, size, "%.*s", (int)n, at);
}

static const char expired_body[] =
    "{\"RequestId\": \"C-SUITE-EXPIRED\", \"Code\": \"InvalidSecurityToken.Expired\","
    " \"Message\": \"Specified SecurityToken is expired.\"}";

/* A driver of its own (bidcert_call_*): each attempt signed with the client's current keys;
 * keys refused as expired are fetched anew for the retry and, when the call cannot retry, for
 * the client's next call. */
static void refresh_through_calls(const bidcert_testing_emulator *emu, const char *url) {
    bidcert_credentials *role = role_at(url);
    bidcert_client_config cfg = config_for(url);
    bidcert_client *client = NULL, *once = NULL;
    bidcert_call *call = NULL;
    bidcert_attempt a;
    bidcert_decision d;
    char first[128], second[128], third[128];
    uint64_t before;
    current = "credentials: refresh through bidcert_call";
    CHECK_STATUS(bidcert_client_new(role, &cfg, &client), BIDCERT_OK);
    cfg.max_attempts = 1;
    CHECK_STATUS(bidcert_client_new(role, &cfg, &once), BIDCERT_OK);
    bidcert_credentials_free(role);
    if (client == NULL || once == NULL) goto out;
    before = sts_calls(emu, "AssumeRole");
    CHECK_STATUS(bidcert_call_new_query(client, demo("PERSONAL_PK"), BIDCERT_BID_TYPE_NORMAL, &call), BIDCERT_OK);
    CHECK_STATUS(bidcert_call_next_request(call, NULL, &a), BIDCERT_OK);
    attempt_key(&a, first, sizeof first);
    CHECK(strncmp(first, "STS.", 4) == 0, "signed with the role's keys: %s", first);
    CHECK_STATUS(bidcert_call_feed_response(call, 400, NULL, 0, (const uint8_t *)expired_body, strlen(expired_body), NULL,
                                            &d),
                 BIDCERT_OK);
    CHECK(d.kind == BIDCERT_DECISION_KIND_RETRY && d.retry_after_ms == 0, "retried at once: %u", (unsigned)d.kind);
    CHECK_STATUS(bidcert_call_next_request(call, NULL, &a), BIDCERT_OK);
    attempt_key(&a, second, sizeof second);
    CHECK(strncmp(second, "STS.", 4) == 0 && !streq(second, first), "re-signed with new keys: %s after %s", second,
          first);
    CHECK(sts_calls(emu, "AssumeRole") == before + 1, "one STS call for the refused keys");
    bidcert_call_free(call);
    call = NULL;
    /* No retry left: the refusal still reaches the shared provider when the call ends. */
    CHECK_STATUS(bidcert_call_new_query(once, demo("PERSONAL_PK"), BIDCERT_BID_TYPE_NORMAL, &call), BIDCERT_OK);
    CHECK_STATUS(bidcert_call_next_request(call, NULL, &a), BIDCERT_OK);
    attempt_key(&a, third, sizeof third);
    CHECK(streq(third, second), "the shared provider's keys: %s", third);
    CHECK_STATUS(bidcert_call_feed_response(call, 400, NULL, 0, (const uint8_t *)expired_body, strlen(expired_body), NULL,
                                            &d),
                 BIDCERT_OK);
    CHECK(d.kind == BIDCERT_DECISION_KIND_FAIL, "no attempt left: %u", (unsigned)d.kind);
    bidcert_call_free(call);
    call = NULL;
    CHECK_STATUS(bidcert_call_new_query(client, demo("PERSONAL_PK"), BIDCERT_BID_TYPE_NORMAL, &call), BIDCERT_OK);
    CHECK_STATUS(bidcert_call_next_request(call, NULL, &a), BIDCERT_OK);
    attempt_key(&a, third, sizeof third);
    CHECK(!streq(third, second), "the next call has new keys: %s", third);
    CHECK(sts_calls(emu, "AssumeRole") == before + 2, "one more STS call");
    /* The emulator takes them: sending is the driver's part; the built-in client does it. */
    expect_query_ok(client, "after the refusals");
out:
    bidcert_call_free(call);
    bidcert_client_free(client);
    bidcert_client_free(once);
}

/* Credentials that cannot be had end the call a driver runs: the first attempt is never
 * signed with nothing. */
static void no_credentials_ends_the_call(const bidcert_testing_emulator *emu, const char *url) {
    bidcert_credentials *role = role_at(url);
    bidcert_client_config cfg = config_for(url);
    bidcert_client *client = NULL;
    bidcert_call *call = NULL;
    bidcert_attempt a;
    bidcert_error *err = NULL;
    current = "credentials: a call without credentials";
    CHECK_STATUS(bidcert_client_new(role, &cfg, &client), BIDCERT_OK);
    bidcert_credentials_free(role);
    if (client == NULL) return;
    /* The role's keys refused, and STS answering garbage: no valid keys left. */
    testing_ok(bidcert_testing_emulator_inject_fault(emu, "{\"kind\": \"malformed_body\", \"action\": \"AssumeRole\"}"),
               "STS broken");
    CHECK_STATUS(bidcert_call_new_query(client, demo("PERSONAL_PK"), BIDCERT_BID_TYPE_NORMAL, &call), BIDCERT_OK);
    CHECK_STATUS(bidcert_call_next_request(call, NULL, &a), BIDCERT_OK);
    CHECK_STATUS(bidcert_call_feed_response(call, 400, NULL, 0, (const uint8_t *)expired_body, strlen(expired_body), NULL,
                                            &(bidcert_decision){0, 0}),
                 BIDCERT_OK);
    expect_failure(bidcert_call_next_request(call, NULL, &a), BIDCERT_CREDENTIALS, demo("ROLE_ARN"),
                   "no credentials for the retry");
    CHECK_STATUS(bidcert_call_error(call, &err), BIDCERT_OK);
    CHECK(streq(kind_of(err), "credentials"), "the call's error: %s", kind_of(err) ? kind_of(err) : "(none)");
    bidcert_error_free(err);
    CHECK_STATUS(bidcert_call_next_request(call, NULL, &a), BIDCERT_VALIDATION);
    testing_ok(bidcert_testing_emulator_clear_faults(emu), "clear faults");
    bidcert_call_free(call);
    bidcert_client_free(client);
}

void test_credentials_refresh(void) {
    bidcert_testing_emulator *emu = start_emulator();
    const char *url;
    if (emu == NULL) return;
    url = bidcert_testing_emulator_url(emu);
    refresh_across_threads(emu, url);
    testing_ok(bidcert_testing_emulator_reset(emu), "reset");
    single_flight(emu, url);
    refresh_through_calls(emu, url);
    no_credentials_ends_the_call(emu, url);
    current = "credentials: refresh, nothing secret shown";
    show("refresh");
    check_nothing_secret_shown(NULL);
    bidcert_testing_emulator_free(emu);
}
