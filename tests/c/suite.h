/*
 * What the C suite's files share: the counters and checks, and the helpers every part uses.
 * Defined in test_bidcert.c (which also holds main and the list of parts).
 */
#ifndef BIDCERT_SUITE_H
#define BIDCERT_SUITE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bidcert.h"
#include "bidcert_testing.h"

extern int passed;
extern int failed;
/* What runs now, named in each failure. */
extern const char *current;

/* Counts a check; prints the failure. From the main thread only (the counters are plain). */
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
extern char sentinel_byte;
#define SENTINEL ((void *)&sentinel_byte)

int streq(const char *a, const char *b);
/* The name of an error's kind (static), or NULL. */
const char *kind_of(const bidcert_error *err);
/* The name of the thread's last error kind (static), or NULL. */
const char *last_kind(void);
void check_last_kind(const char *want, const char *what);
/* A demo fixture value by name (never NULL: "" and a failed check for an unknown name). */
const char *demo(const char *name);
/* Checks a libbidcert_testing call and prints its error. */
void testing_ok(bool ok, const char *what);
/* Writes `text` to a new temporary file whose path goes into `path` (size >= 32). */
int write_temp(const char *text, char *path);
int64_t monotonic_ms(void);
void sleep_ms(int64_t ms);

/* The parts in test_credentials.c. */
void test_credentials_status_paths(void);
void test_credentials_providers(void);
void test_credentials_refresh(void);

#endif /* BIDCERT_SUITE_H */
