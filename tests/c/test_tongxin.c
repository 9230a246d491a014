/*
 * C test suite for libtongxin: every exported function's success and failure paths.
 *
 * A tiny runner: each TEST is a function; CHECK records a failure and goes on. The last line
 * printed is "N passed, M failed" (tests, not checks); the exit code is 0 only when M is 0.
 * Run under valgrind and under ASan+UBSan by scripts/test-c.sh.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tongxin.h>

/* ---------------------------------------------------------------- runner */

static _Thread_local int t_failures; /* failed checks in the current test, per thread */

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: %s: check failed: %s\n", __FILE__, __LINE__, __func__, \
                    #cond);                                                                \
            t_failures++;                                                                  \
        }                                                                                  \
    } while (0)

/* The calling thread's last error message (copied into a per-thread buffer). */
static const char *last_error(void) {
    static _Thread_local char buf[2048];
    size_t len = 0;
    tx_status st = tx_last_error_message(buf, sizeof buf, &len);
    if (st != TX_STATUS_OK) {
        snprintf(buf, sizeof buf, "(tx_last_error_message: %s)", tx_status_name((int32_t)st));
    }
    return buf;
}

#define CHECK_STATUS(expr, expected)                                                        \
    do {                                                                                    \
        tx_status st_ = (expr);                                                             \
        if (st_ != (expected)) {                                                            \
            fprintf(stderr, "%s:%d: %s: %s gave %s (%d), expected %s: %s\n", __FILE__,      \
                    __LINE__, __func__, #expr, tx_status_name((int32_t)st_), (int)st_,       \
                    tx_status_name((int32_t)(expected)), last_error());                     \
            t_failures++;                                                                   \
        }                                                                                   \
    } while (0)

#define CHECK_OK(expr) CHECK_STATUS(expr, TX_STATUS_OK)

/* Checks that the last error message contains a piece of text. */
#define CHECK_MESSAGE_HAS(text)                                                              \
    do {                                                                                     \
        const char *m_ = last_error();                                                       \
        if (strstr(m_, (text)) == NULL) {                                                    \
            fprintf(stderr, "%s:%d: %s: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, \
                    __func__, m_, (text));                                                   \
            t_failures++;                                                                    \
        }                                                                                    \
    } while (0)

#define CHECK_STR(actual, expected)                                                          \
    do {                                                                                     \
        const char *a_ = (actual);                                                           \
        const char *e_ = (expected);                                                         \
        if (a_ == NULL || strcmp(a_, e_) != 0) {                                             \
            fprintf(stderr, "%s:%d: %s: got \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    __func__, a_ ? a_ : "(null)", e_);                                       \
            t_failures++;                                                                    \
        }                                                                                    \
    } while (0)

/* ---------------------------------------------------------------- fixtures */

static const char *const AT = "2024-05-07T09:00:00";
static const char *const ACTOR = "clerk";
static const char *const DAY = "2024-06-01";
static const char *const BAD_UTF8 = "p\xff\xfe";
static const char *const META = "{\"at\":\"2024-06-01T10:00:00\",\"actor\":\"clerk\"}";

/* The quickstart scenario: sz-zlh guides ft-zlh; ft-street is part of ft-zlh. */
static tx_registry *scenario(void) {
    tx_registry *reg = tx_registry_new();
    CHECK(reg != NULL);
    if (reg == NULL) {
        return NULL;
    }
    CHECK_OK(tx_registry_add_organization(reg, AT, ACTOR, "sz-zlh", "深圳市知联会", "zhilianhui",
                                          "municipal", "4403", "2010-01-01", NULL, "guidance"));
    CHECK_OK(tx_registry_add_organization(reg, AT, ACTOR, "ft-zlh", "福田区知联会", "zhilianhui",
                                          "district", "440304", "2015-01-01", "sz-zlh",
                                          "guidance"));
    CHECK_OK(tx_registry_add_organization(reg, AT, ACTOR, "ft-street", "福田区知联会福田街道分会",
                                          "zhilianhui", "subdistrict", "440304004", "2024-05-07",
                                          "ft-zlh", "part_of"));
    CHECK_OK(tx_registry_add_person(reg, AT, ACTOR, "p1", "张伟", "non_party", "senior", "none"));
    CHECK_OK(tx_registry_add_person(reg, AT, ACTOR, "p2", "李娜", "min_meng", "intermediate",
                                    "none"));
    CHECK_OK(tx_registry_add_person(reg, AT, ACTOR, "p3", "王芳", "jiu_san", "associate_senior",
                                    "none"));
    CHECK_OK(tx_registry_add_person(reg, AT, ACTOR, "p4", "陈刚", "non_party", "intermediate",
                                    "none"));
    CHECK_OK(tx_registry_join(reg, AT, ACTOR, "p1", "sz-zlh", "president", "2020-01-01"));
    CHECK_OK(tx_registry_join(reg, AT, ACTOR, "p1", "ft-zlh", "member", "2020-01-01"));
    CHECK_OK(tx_registry_join(reg, AT, ACTOR, "p2", "ft-zlh", "vice_president", "2021-03-01"));
    CHECK_OK(tx_registry_join(reg, AT, ACTOR, "p2", "ft-street", "council", "2024-05-07"));
    CHECK_OK(tx_registry_join(reg, AT, ACTOR, "p3", "ft-street", "member", "2024-05-07"));
    CHECK_OK(tx_registry_join(reg, AT, ACTOR, "p4", "ft-street", "member", "2024-05-07"));
    return reg;
}

static size_t org_count(const tx_registry *reg) {
    size_t n = 0;
    CHECK_OK(tx_registry_organization_count(reg, &n));
    return n;
}

static size_t members(const tx_registry *reg, const char *org, const char *date,
                      const char *scope) {
    size_t n = (size_t)-1;
    CHECK_OK(tx_registry_member_count(reg, org, date, scope, &n));
    return n;
}

/* Runs a query that must succeed and compares its answer. */
static void check_query(const tx_registry *reg, const char *query, const char *expected) {
    char *out = NULL;
    tx_status st = tx_registry_query_json(reg, query, &out);
    if (st != TX_STATUS_OK) {
        fprintf(stderr, "query %s failed: %s: %s\n", query, tx_status_name((int32_t)st),
                last_error());
        t_failures++;
        return;
    }
    if (strcmp(out, expected) != 0) {
        fprintf(stderr, "query %s\n  gave     %s\n  expected %s\n", query, out, expected);
        t_failures++;
    }
    tx_string_free(out);
}

static char *snapshot(const tx_registry *reg) {
    char *json = NULL;
    CHECK_OK(tx_registry_to_json(reg, &json));
    return json;
}

/* A copy of `text` with the first `from` replaced by `to` (caller frees with free()). */
static char *replace_first(const char *text, const char *from, const char *to) {
    const char *at = strstr(text, from);
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    if (out == NULL || at == NULL) {
        free(out);
        return NULL;
    }
    memcpy(out, text, (size_t)(at - text));
    strcpy(out + (at - text), to);
    strcat(out, at + strlen(from));
    return out;
}

/* ---------------------------------------------------------------- tests */

static void test_version(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", TX_VERSION_MAJOR, TX_VERSION_MINOR,
             TX_VERSION_PATCH);
    CHECK_STR(tx_version(), expected);
}

static void test_status_names_and_numbers(void) {
    CHECK_STR(tx_status_name(TX_STATUS_OK), "ok");
    CHECK_STR(tx_status_name(TX_STATUS_NULL_ARGUMENT), "null_argument");
    CHECK_STR(tx_status_name(TX_STATUS_INVALID_UTF8), "invalid_utf8");
    CHECK_STR(tx_status_name(TX_STATUS_INVALID_ARGUMENT), "invalid_argument");
    CHECK_STR(tx_status_name(TX_STATUS_BUFFER_TOO_SMALL), "buffer_too_small");
    CHECK_STR(tx_status_name(TX_STATUS_PANIC), "panic");
    CHECK_STR(tx_status_name(TX_STATUS_IMPORT), "import");
    CHECK_STR(tx_status_name(TX_STATUS_EXPORT), "export");
    CHECK(TX_STATUS_IMPORT == 6);
    CHECK(TX_STATUS_EXPORT == 7);
    CHECK_STR(tx_status_name(TX_STATUS_RULE), "rule");
    CHECK(TX_STATUS_RULE == 8);
    CHECK_STR(tx_status_name(TX_STATUS_LEVEL_ORDER), "level_order");
    CHECK_STR(tx_status_name(TX_STATUS_INVALID_JSON), "invalid_json");
    CHECK_STR(tx_status_name(TX_STATUS_REPLAY_FAILED), "replay_failed");
    CHECK_STR(tx_status_name(12345), "unknown_error");
    CHECK_STR(tx_status_name(-1), "unknown_error");
    CHECK(TX_STATUS_OK == 0);
    CHECK(TX_STATUS_DUPLICATE_ID == 101);
    CHECK(TX_STATUS_NOT_FOUND == 102);
    CHECK(TX_STATUS_CYCLE == 301);
    CHECK(TX_STATUS_OVERLAPPING_MEMBERSHIP == 401);
    CHECK(TX_STATUS_UNSUPPORTED_SCHEMA_VERSION == 901);
    CHECK(TX_STATUS_REPLAY_FAILED == 904);
    CHECK_STR(tx_status_name(TX_STATUS_RULE_VIOLATION), "rule_violation");
    CHECK(TX_STATUS_RULE_VIOLATION == 404);
    CHECK_STR(tx_status_name(TX_STATUS_INVALID_RULE_BOOK), "invalid_rule_book");
    CHECK(TX_STATUS_INVALID_RULE_BOOK == 206);
}

static void test_new_and_free(void) {
    tx_registry *reg = tx_registry_new();
    CHECK(reg != NULL);
    CHECK(org_count(reg) == 0);
    tx_registry_free(reg);
    tx_registry_free(NULL); /* no-op */
    tx_string_free(NULL);   /* no-op */
}

static void test_last_error_message(void) {
    tx_registry *reg = scenario();
    const char *full = "organization `nowhere` not found";
    char small[8];
    char exact[64];
    size_t len = 0;
    size_t n = 0;

    /* Nothing failed yet on this thread after a success: empty message. */
    CHECK(org_count(reg) == 3);
    CHECK_STR(last_error(), "");

    CHECK_STATUS(tx_registry_member_count(reg, "nowhere", DAY, "direct", &n), TX_STATUS_NOT_FOUND);
    CHECK_STR(last_error(), full);
    /* Size query. */
    CHECK_STATUS(tx_last_error_message(NULL, 0, &len), TX_STATUS_BUFFER_TOO_SMALL);
    CHECK(len == strlen(full) + 1);
    /* Too small: NUL-terminated prefix. */
    CHECK_STATUS(tx_last_error_message(small, sizeof small, &len), TX_STATUS_BUFFER_TOO_SMALL);
    CHECK_STR(small, "organiz");
    CHECK(len == strlen(full) + 1);
    /* Exactly the right size. */
    CHECK_OK(tx_last_error_message(exact, strlen(full) + 1, &len));
    CHECK_STR(exact, full);
    CHECK(len == strlen(full));
    /* Null arguments; and reading never clears the message. */
    CHECK_STATUS(tx_last_error_message(exact, sizeof exact, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_last_error_message(NULL, 10, &len), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), full);
    /* A success clears it. */
    CHECK(org_count(reg) == 3);
    CHECK_STR(last_error(), "");
    tx_registry_free(reg);
}

static void test_add_organization(void) {
    tx_registry *reg = scenario();
    static const char *const names[] = {"at",   "actor",         "id",      "name",
                                        "kind", "level",         "division_code",
                                        "founded", "parent_id", "relation"};
    const char *good[10] = {AT,          ACTOR,       "fx",       "福田新区知联会", "zhilianhui",
                            "district",  "440304",    "2020-01-01", "sz-zlh",      "guidance"};
    const char *a[10];
    char expected[64];
    int i;

    /* NULL in each pointer parameter (parent_id may be NULL: a root). */
    CHECK_STATUS(tx_registry_add_organization(NULL, AT, ACTOR, "x", "x", "zhilianhui", "district",
                                              "440304", "2020-01-01", NULL, "guidance"),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_MESSAGE_HAS("`reg`");
    for (i = 0; i < 10; i++) {
        if (i == 8) {
            continue;
        }
        memcpy(a, good, sizeof a);
        a[i] = NULL;
        CHECK_STATUS(tx_registry_add_organization(reg, a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                                                  a[7], a[8], a[9]),
                     TX_STATUS_NULL_ARGUMENT);
        snprintf(expected, sizeof expected, "argument `%s` is NULL", names[i]);
        CHECK_STR(last_error(), expected);
        /* Invalid UTF-8 in each string parameter. */
        a[i] = BAD_UTF8;
        CHECK_STATUS(tx_registry_add_organization(reg, a[0], a[1], a[2], a[3], a[4], a[5], a[6],
                                                  a[7], a[8], a[9]),
                     TX_STATUS_INVALID_UTF8);
        CHECK_MESSAGE_HAS(names[i]);
    }
    memcpy(a, good, sizeof a);
    a[8] = BAD_UTF8;
    CHECK_STATUS(tx_registry_add_organization(reg, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                                              a[8], a[9]),
                 TX_STATUS_INVALID_UTF8);
    CHECK_MESSAGE_HAS("parent_id");
    CHECK(org_count(reg) == 3);

    /* Bad vocabulary names, dates and timestamps. */
    CHECK_STATUS(tx_registry_add_organization(reg, AT, ACTOR, "x", "x", "club", "district",
                                              "440304", "2020-01-01", NULL, "guidance"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("unknown kind `club`");
    CHECK_STATUS(tx_registry_add_organization(reg, AT, ACTOR, "x", "x", "zhilianhui", "city",
                                              "440304", "2020-01-01", NULL, "guidance"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("municipal");
    CHECK_STATUS(tx_registry_add_organization(reg, AT, ACTOR, "x", "x", "zhilianhui", "district",
                                              "440304", "2020-01-01", "sz-zlh", "child_of"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(tx_registry_add_organization(reg, AT, ACTOR, "x", "x", "zhilianhui", "district",
                                              "440304", "2020-13-01", NULL, "guidance"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("`2020-13-01` is not a date");
    CHECK_STATUS(tx_registry_add_organization(reg, "yesterday", ACTOR, "x", "x", "zhilianhui",
                                              "district", "440304", "2020-01-01", NULL,
                                              "guidance"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `at`");

    /* Rule rejections. */
    CHECK_STATUS(tx_registry_add_organization(reg, AT, ACTOR, "ft-zlh", "again", "zhilianhui",
                                              "district", "440304", "2020-01-01", "sz-zlh",
                                              "guidance"),
                 TX_STATUS_DUPLICATE_ID);
    CHECK_STATUS(tx_registry_add_organization(reg, AT, ACTOR, "x", "x", "zhilianhui", "district",
                                              "440304", "2020-01-01", "no-such-parent",
                                              "guidance"),
                 TX_STATUS_NOT_FOUND);
    CHECK_MESSAGE_HAS("no-such-parent");
    CHECK_STATUS(tx_registry_add_organization(reg, AT, ACTOR, "x", "x", "zhilianhui", "municipal",
                                              "4403", "2024-06-01", "ft-zlh", "part_of"),
                 TX_STATUS_LEVEL_ORDER);
    CHECK_MESSAGE_HAS("`x` (municipal)");
    CHECK_STATUS(tx_registry_add_organization(reg, AT, ACTOR, "x", "x", "zhilianhui", "district",
                                              "440304", "2020-01-01", "ft-zlh", "guidance"),
                 TX_STATUS_LEVEL_ORDER);
    CHECK_STATUS(tx_registry_add_organization(reg, AT, ACTOR, "x", "x", "xinlianhui",
                                              "subdistrict", "440304004", "2024-06-01", "ft-zlh",
                                              "part_of"),
                 TX_STATUS_KIND_MISMATCH);
    CHECK(tx_registry_add_organization(reg, AT, ACTOR, "x", "x", "zhilianhui", "district",
                                       "44030x", "2020-01-01", "sz-zlh", "guidance") !=
          TX_STATUS_OK);
    CHECK_MESSAGE_HAS("division");
    CHECK(org_count(reg) == 3);

    /* Success: with a parent, and as a root. */
    CHECK_OK(tx_registry_add_organization(reg, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                                          good[8], a[9]));
    CHECK_OK(tx_registry_add_organization(reg, AT, ACTOR, "root2", "独立基地", "base",
                                          "municipal", "4403", "2020-01-01", NULL, "guidance"));
    CHECK(org_count(reg) == 5);
    tx_registry_free(reg);
}

static void test_add_person(void) {
    tx_registry *reg = scenario();
    static const char *const names[] = {"at", "actor", "id", "name", "party", "title", "stratum"};
    const char *good[7] = {AT, ACTOR, "p9", "赵敏", "non_party", "intermediate", "freelancer"};
    const char *a[7];
    char expected[64];
    int i;

    CHECK_STATUS(tx_registry_add_person(NULL, AT, ACTOR, "p9", NULL, "mass", "none", "none"),
                 TX_STATUS_NULL_ARGUMENT);
    for (i = 0; i < 7; i++) {
        memcpy(a, good, sizeof a);
        a[i] = BAD_UTF8;
        CHECK_STATUS(tx_registry_add_person(reg, a[0], a[1], a[2], a[3], a[4], a[5], a[6]),
                     TX_STATUS_INVALID_UTF8);
        CHECK_MESSAGE_HAS(names[i]);
        if (i == 3) {
            continue; /* name may be NULL */
        }
        a[i] = NULL;
        CHECK_STATUS(tx_registry_add_person(reg, a[0], a[1], a[2], a[3], a[4], a[5], a[6]),
                     TX_STATUS_NULL_ARGUMENT);
        snprintf(expected, sizeof expected, "argument `%s` is NULL", names[i]);
        CHECK_STR(last_error(), expected);
    }
    CHECK_STATUS(tx_registry_add_person(reg, AT, ACTOR, "p9", NULL, "communist", "none", "none"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("unknown party `communist`");
    CHECK_STATUS(tx_registry_add_person(reg, AT, ACTOR, "p9", NULL, "mass", "professor", "none"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(tx_registry_add_person(reg, AT, ACTOR, "p9", NULL, "mass", "none", "farmer"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(tx_registry_add_person(reg, AT, ACTOR, "p1", NULL, "mass", "none", "none"),
                 TX_STATUS_DUPLICATE_ID);
    CHECK_MESSAGE_HAS("`p1` already exists");
    CHECK_STATUS(tx_registry_add_person(reg, AT, ACTOR, "", NULL, "mass", "none", "none"),
                 TX_STATUS_INVALID_FIELD);
    CHECK_OK(tx_registry_add_person(reg, a[0], a[1], good[2], good[3], good[4], good[5], good[6]));
    CHECK_OK(tx_registry_add_person(reg, AT, ACTOR, "p10", NULL, "mass", "none", "none"));
    check_query(reg, "{\"type\":\"person\",\"id\":\"p10\"}",
                "{\"id\":\"p10\",\"party\":\"mass\",\"title\":\"none\",\"stratum\":\"none\","
                "\"returned_overseas\":false}");
    tx_registry_free(reg);
}

static void test_join_and_leave(void) {
    tx_registry *reg = scenario();
    static const char *const jnames[] = {"at", "actor", "person_id", "org_id", "role",
                                         "start_date"};
    const char *jgood[6] = {AT, ACTOR, "p3", "sz-zlh", "member", "2024-06-01"};
    const char *a[6];
    char expected[64];
    int i;

    CHECK_STATUS(tx_registry_join(NULL, AT, ACTOR, "p3", "sz-zlh", "member", DAY),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_leave(NULL, AT, ACTOR, "p3", "sz-zlh", DAY), TX_STATUS_NULL_ARGUMENT);
    for (i = 0; i < 6; i++) {
        memcpy(a, jgood, sizeof a);
        a[i] = NULL;
        CHECK_STATUS(tx_registry_join(reg, a[0], a[1], a[2], a[3], a[4], a[5]),
                     TX_STATUS_NULL_ARGUMENT);
        snprintf(expected, sizeof expected, "argument `%s` is NULL", jnames[i]);
        CHECK_STR(last_error(), expected);
        a[i] = BAD_UTF8;
        CHECK_STATUS(tx_registry_join(reg, a[0], a[1], a[2], a[3], a[4], a[5]),
                     TX_STATUS_INVALID_UTF8);
    }
    for (i = 0; i < 5; i++) {
        /* leave(reg, at, actor, person_id, org_id, date): same order minus the role. */
        const char *l[5] = {AT, ACTOR, "p3", "ft-street", "2024-07-01"};
        static const char *const lnames[] = {"at", "actor", "person_id", "org_id", "date"};
        l[i] = NULL;
        CHECK_STATUS(tx_registry_leave(reg, l[0], l[1], l[2], l[3], l[4]),
                     TX_STATUS_NULL_ARGUMENT);
        snprintf(expected, sizeof expected, "argument `%s` is NULL", lnames[i]);
        CHECK_STR(last_error(), expected);
        l[i] = BAD_UTF8;
        CHECK_STATUS(tx_registry_leave(reg, l[0], l[1], l[2], l[3], l[4]), TX_STATUS_INVALID_UTF8);
    }

    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p3", "sz-zlh", "boss", DAY),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p3", "sz-zlh", "member", "June"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "ghost", "sz-zlh", "member", DAY),
                 TX_STATUS_NOT_FOUND);
    CHECK_MESSAGE_HAS("ghost");
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p3", "nowhere", "member", DAY),
                 TX_STATUS_NOT_FOUND);
    /* Overlapping membership, second president, before the organization existed. */
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p3", "ft-street", "member", DAY),
                 TX_STATUS_OVERLAPPING_MEMBERSHIP);
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p2", "sz-zlh", "president", DAY),
                 TX_STATUS_PRESIDENT_CONFLICT);
    CHECK_MESSAGE_HAS("already has president");
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p1", "ft-street", "member", "2024-01-01"),
                 TX_STATUS_OUTSIDE_LIFETIME);
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p4", "sz-zlh", "member", "2009-01-01"),
                 TX_STATUS_OUTSIDE_LIFETIME);
    CHECK(members(reg, "sz-zlh", DAY, "direct") == 1);

    /* Join, leave, leave again. */
    CHECK_OK(tx_registry_join(reg, AT, ACTOR, "p3", "sz-zlh", "member", DAY));
    CHECK(members(reg, "sz-zlh", DAY, "direct") == 2);
    CHECK_STATUS(tx_registry_leave(reg, AT, ACTOR, "p3", "sz-zlh", "2024-01-01"),
                 TX_STATUS_NO_ACTIVE_MEMBERSHIP);
    CHECK_STATUS(tx_registry_leave(reg, AT, ACTOR, "p3", "sz-zlh", "2024/07/01"),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_OK(tx_registry_leave(reg, AT, ACTOR, "p3", "sz-zlh", "2024-07-01"));
    CHECK(members(reg, "sz-zlh", "2024-06-30", "direct") == 2);
    CHECK(members(reg, "sz-zlh", "2024-07-01", "direct") == 1);
    CHECK_STATUS(tx_registry_leave(reg, AT, ACTOR, "p3", "sz-zlh", "2024-08-01"),
                 TX_STATUS_NO_ACTIVE_MEMBERSHIP);
    CHECK_MESSAGE_HAS("no membership");
    CHECK_STATUS(tx_registry_leave(reg, AT, ACTOR, "ghost", "sz-zlh", "2024-08-01"),
                 TX_STATUS_NOT_FOUND);
    tx_registry_free(reg);
}

static void test_is_member_in_subtree(void) {
    tx_registry *reg = scenario();
    bool out = false;

    CHECK_OK(tx_registry_is_member_in_subtree(reg, "p3", "sz-zlh", DAY, &out));
    CHECK(out == true);
    CHECK_OK(tx_registry_is_member_in_subtree(reg, "p3", "sz-zlh", "2024-05-06", &out));
    CHECK(out == false);
    CHECK_OK(tx_registry_is_member_in_subtree(reg, "p1", "ft-street", DAY, &out));
    CHECK(out == false);
    CHECK_OK(tx_registry_is_member_in_subtree(reg, "p2", "ft-street", DAY, &out));
    CHECK(out == true);
    CHECK_OK(tx_registry_is_member_in_subtree(reg, "p1", "sz-zlh", "2019-12-31", &out));
    CHECK(out == false);

    out = true;
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, "ghost", "sz-zlh", DAY, &out),
                 TX_STATUS_NOT_FOUND);
    CHECK_STR(last_error(), "person `ghost` not found");
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, "p1", "nowhere", DAY, &out),
                 TX_STATUS_NOT_FOUND);
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, "p1", "sz-zlh", "someday", &out),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK(out == true); /* untouched on failure */
    CHECK_STATUS(tx_registry_is_member_in_subtree(NULL, "p1", "sz-zlh", DAY, &out),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, NULL, "sz-zlh", DAY, &out),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, "p1", NULL, DAY, &out),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, "p1", "sz-zlh", NULL, &out),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, "p1", "sz-zlh", DAY, NULL),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `out` is NULL");
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, BAD_UTF8, "sz-zlh", DAY, &out),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, "p1", BAD_UTF8, DAY, &out),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_is_member_in_subtree(reg, "p1", "sz-zlh", BAD_UTF8, &out),
                 TX_STATUS_INVALID_UTF8);
    tx_registry_free(reg);
}

static void test_member_count(void) {
    tx_registry *reg = scenario();
    size_t n = 42;

    CHECK(members(reg, "sz-zlh", DAY, "direct") == 1);
    CHECK(members(reg, "sz-zlh", DAY, "with_branches") == 1);
    CHECK(members(reg, "sz-zlh", DAY, "subtree") == 4);
    CHECK(members(reg, "ft-zlh", DAY, "direct") == 2);
    CHECK(members(reg, "ft-zlh", DAY, "with_branches") == 4);
    CHECK(members(reg, "ft-zlh", DAY, "subtree") == 4);
    CHECK(members(reg, "ft-zlh", "2024-05-06", "with_branches") == 2);
    CHECK(members(reg, "ft-street", "2024-05-06", "direct") == 0); /* not yet founded */

    CHECK_STATUS(tx_registry_member_count(reg, "ft-zlh", DAY, "everything", &n),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `scope`");
    CHECK_STATUS(tx_registry_member_count(reg, "nowhere", DAY, "direct", &n), TX_STATUS_NOT_FOUND);
    CHECK_STATUS(tx_registry_member_count(reg, "ft-zlh", "2024-02-30", "direct", &n),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK(n == 42);
    CHECK_STATUS(tx_registry_member_count(NULL, "ft-zlh", DAY, "direct", &n),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_member_count(reg, NULL, DAY, "direct", &n), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_member_count(reg, "ft-zlh", NULL, "direct", &n),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_member_count(reg, "ft-zlh", DAY, NULL, &n), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_member_count(reg, "ft-zlh", DAY, "direct", NULL),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_member_count(reg, BAD_UTF8, DAY, "direct", &n),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STR(last_error(), "argument `org_id` is not valid UTF-8 (invalid byte at offset 1)");
    CHECK_STATUS(tx_registry_member_count(reg, "ft-zlh", DAY, BAD_UTF8, &n),
                 TX_STATUS_INVALID_UTF8);
    tx_registry_free(reg);
}

static void test_organization_count(void) {
    tx_registry *reg = scenario();
    size_t n = 7;
    CHECK_OK(tx_registry_organization_count(reg, &n));
    CHECK(n == 3);
    CHECK_STATUS(tx_registry_organization_count(NULL, &n), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_organization_count(reg, NULL), TX_STATUS_NULL_ARGUMENT);
    tx_registry_free(reg);
}

static void test_apply_json(void) {
    tx_registry *reg = scenario();
    char *event = NULL;
    const char *change = "{\"type\":\"change_role\",\"member\":{\"person\":\"p3\"},"
                         "\"org\":\"ft-street\",\"role\":\"council\",\"date\":\"2024-06-01\"}";
    const char *dissolve_parent = "{\"type\":\"dissolve_organization\",\"id\":\"ft-zlh\","
                                  "\"date\":\"2024-07-01\"}";
    /* Two municipal organizations, one part of the other; the move would close a loop. */
    const char *move_cycle = "{\"type\":\"move_organization\",\"id\":\"m1\","
                             "\"parent\":\"m2\",\"relation\":\"part_of\","
                             "\"date\":\"2024-07-01\"}";

    CHECK_OK(tx_registry_apply_json(reg, META, change, &event));
    CHECK(event != NULL && strstr(event, "\"seq\":14") != NULL);
    CHECK(event != NULL && strstr(event, "\"type\":\"change_role\"") != NULL);
    tx_string_free(event);
    event = NULL;

    CHECK_STATUS(tx_registry_apply_json(reg, META, "{not json", &event), TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("argument `command_json`");
    CHECK_STATUS(tx_registry_apply_json(reg, META, "{\"type\":\"fly\"}", &event),
                 TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("fly");
    CHECK_STATUS(tx_registry_apply_json(reg, "{\"actor\":\"x\"}", change, &event),
                 TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("argument `meta_json`");
    CHECK_STATUS(tx_registry_apply_json(reg, META, dissolve_parent, &event),
                 TX_STATUS_HAS_ACTIVE_CHILDREN);
    CHECK_OK(tx_registry_add_organization(reg, AT, ACTOR, "m1", "m1", "zhilianhui", "municipal",
                                          "4403", "2020-01-01", NULL, "guidance"));
    CHECK_OK(tx_registry_add_organization(reg, AT, ACTOR, "m2", "m2", "zhilianhui", "municipal",
                                          "4403", "2020-01-01", "m1", "part_of"));
    CHECK_STATUS(tx_registry_apply_json(reg, META, move_cycle, &event), TX_STATUS_CYCLE);
    CHECK_MESSAGE_HAS("cycle");
    CHECK(event == NULL); /* never written on failure */

    CHECK_STATUS(tx_registry_apply_json(NULL, META, change, &event), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_apply_json(reg, NULL, change, &event), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_apply_json(reg, META, NULL, &event), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_apply_json(reg, META, change, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_apply_json(reg, BAD_UTF8, change, &event), TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_apply_json(reg, META, BAD_UTF8, &event), TX_STATUS_INVALID_UTF8);
    tx_registry_free(reg);
}

static void test_apply_batch_json(void) {
    tx_registry *reg = scenario();
    size_t applied = 99;
    size_t failed = 99;
    char *before = snapshot(reg);
    char *after = NULL;
    const char *bad_second =
        "[{\"type\":\"add_person\",\"person\":{\"id\":\"p5\",\"party\":\"mass\","
        "\"title\":\"none\",\"stratum\":\"new_media\"}},"
        "{\"type\":\"join\",\"membership\":{\"member\":{\"person\":\"p5\"},\"org\":\"sz-zlh\","
        "\"role\":\"president\",\"start\":\"2024-06-01\"}}]";
    const char *malformed = "[{\"type\":\"leave\"},{\"type\":\"join\"}]";
    const char *good =
        "[{\"type\":\"add_person\",\"person\":{\"id\":\"p5\",\"party\":\"mass\","
        "\"title\":\"none\",\"stratum\":\"new_media\"}},"
        "{\"type\":\"join\",\"membership\":{\"member\":{\"person\":\"p5\"},\"org\":\"sz-zlh\","
        "\"role\":\"member\",\"start\":\"2024-06-01\"}}]";

    /* A rejected command: index reported, nothing applied. */
    CHECK_STATUS(tx_registry_apply_batch_json(reg, META, bad_second, &applied, &failed),
                 TX_STATUS_PRESIDENT_CONFLICT);
    CHECK(failed == 1);
    CHECK(applied == 99);
    CHECK_MESSAGE_HAS("command [1] (join)");
    after = snapshot(reg);
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
    tx_string_free(after);

    failed = 99;
    CHECK_STATUS(tx_registry_apply_batch_json(reg, META, malformed, &applied, &failed),
                 TX_STATUS_INVALID_JSON);
    CHECK(failed == 0);
    failed = 99;
    CHECK_STATUS(tx_registry_apply_batch_json(reg, META, "{\"type\":\"leave\"}", &applied, &failed),
                 TX_STATUS_INVALID_JSON);
    CHECK(failed == 99); /* no element to blame */

    CHECK_OK(tx_registry_apply_batch_json(reg, META, good, &applied, &failed));
    CHECK(applied == 2);
    CHECK(members(reg, "sz-zlh", DAY, "direct") == 2);
    CHECK_OK(tx_registry_apply_batch_json(reg, META, "[]", &applied, &failed));
    CHECK(applied == 0);

    CHECK_STATUS(tx_registry_apply_batch_json(NULL, META, good, &applied, &failed),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_apply_batch_json(reg, NULL, good, &applied, &failed),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_apply_batch_json(reg, META, NULL, &applied, &failed),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_apply_batch_json(reg, META, good, NULL, &failed),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_apply_batch_json(reg, META, good, &applied, NULL),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_apply_batch_json(reg, META, BAD_UTF8, &applied, &failed),
                 TX_STATUS_INVALID_UTF8);
    tx_string_free(before);
    tx_registry_free(reg);
}

static void test_query_json(void) {
    tx_registry *reg = scenario();
    char *out = NULL;

    check_query(reg, "{\"type\":\"subtree\",\"org\":\"sz-zlh\",\"date\":\"2024-06-01\"}",
                "[\"sz-zlh\",\"ft-zlh\",\"ft-street\"]");
    check_query(reg, "{\"type\":\"subtree\",\"org\":\"sz-zlh\",\"date\":\"2024-05-06\"}",
                "[\"sz-zlh\",\"ft-zlh\"]");
    check_query(reg, "{\"type\":\"children\",\"org\":\"ft-zlh\",\"date\":\"2024-06-01\"}",
                "[\"ft-street\"]");
    check_query(reg, "{\"type\":\"ancestors\",\"org\":\"ft-street\",\"date\":\"2024-06-01\"}",
                "[\"ft-zlh\",\"sz-zlh\"]");
    check_query(reg, "{\"type\":\"roots\",\"date\":\"2024-06-01\"}", "[\"sz-zlh\"]");
    check_query(reg, "{\"type\":\"roots\",\"date\":\"2000-01-01\"}", "[]");
    check_query(reg,
                "{\"type\":\"members\",\"org\":\"ft-zlh\",\"date\":\"2024-06-01\","
                "\"scope\":\"with_branches\"}",
                "[{\"person\":\"p1\"},{\"person\":\"p2\"},{\"person\":\"p3\"},{\"person\":\"p4\"}]");
    check_query(reg, "{\"type\":\"members\",\"org\":\"ft-zlh\",\"date\":\"2024-06-01\"}",
                "[{\"person\":\"p1\"},{\"person\":\"p2\"}]");
    check_query(reg, "{\"type\":\"counts\"}",
                "{\"organizations\":3,\"persons\":4,\"enterprises\":0,\"memberships\":6}");
    check_query(reg, "{\"type\":\"organization\",\"id\":\"ft-street\"}",
                "{\"id\":\"ft-street\",\"name\":\"福田区知联会福田街道分会\",\"kind\":\"zhilianhui\","
                "\"level\":\"subdistrict\",\"division_code\":\"440304004\","
                "\"founded\":\"2024-05-07\"}");
    check_query(reg, "{\"type\":\"parent_history\",\"org\":\"ft-street\"}",
                "[{\"parent\":\"ft-zlh\",\"relation\":\"part_of\",\"from\":\"2024-05-07\"}]");
    check_query(reg, "{\"type\":\"memberships_of\",\"member\":{\"person\":\"p4\"}}",
                "[{\"member\":{\"person\":\"p4\"},\"org\":\"ft-street\",\"role\":\"member\","
                "\"start\":\"2024-05-07\",\"founding\":false}]");
    check_query(reg,
                "{\"type\":\"active_memberships\",\"org\":\"sz-zlh\",\"date\":\"2024-06-01\"}",
                "[{\"member\":{\"person\":\"p1\"},\"org\":\"sz-zlh\",\"role\":\"president\","
                "\"start\":\"2020-01-01\",\"founding\":false}]");
    check_query(reg, "{\"type\":\"search_persons\",\"prefix\":\"王\"}",
                "[{\"id\":\"p3\",\"name\":\"王芳\",\"party\":\"jiu_san\","
                "\"title\":\"associate_senior\",\"stratum\":\"none\",\"returned_overseas\":false}]");
    check_query(reg, "{\"type\":\"search_organizations\",\"prefix\":\"深圳\"}",
                "[{\"id\":\"sz-zlh\",\"name\":\"深圳市知联会\",\"kind\":\"zhilianhui\","
                "\"level\":\"municipal\",\"division_code\":\"4403\",\"founded\":\"2010-01-01\"}]");
    check_query(reg, "{\"type\":\"terms\",\"org\":\"ft-zlh\"}", "[]");
    check_query(reg, "{\"type\":\"designations_of\",\"org\":\"ft-zlh\"}", "[]");
    check_query(reg, "{\"type\":\"activities_of\",\"org\":\"ft-zlh\"}", "[]");
    check_query(reg, "{\"type\":\"advice_of\",\"org\":\"ft-zlh\"}", "[]");
    check_query(reg, "{\"type\":\"affiliations_of\",\"org\":\"ft-zlh\"}", "[]");
    check_query(reg, "{\"type\":\"journal\",\"after\":13}", "[]");

    CHECK_STATUS(tx_registry_query_json(reg, "{\"type\":\"organization\",\"id\":\"nope\"}", &out),
                 TX_STATUS_NOT_FOUND);
    CHECK_STR(last_error(), "organization `nope` not found");
    CHECK_STATUS(tx_registry_query_json(reg, "{\"type\":\"subtree\",\"org\":\"nope\","
                                             "\"date\":\"2024-06-01\"}",
                                        &out),
                 TX_STATUS_NOT_FOUND);
    CHECK_STATUS(tx_registry_query_json(reg, "{\"type\":\"teleport\"}", &out),
                 TX_STATUS_INVALID_JSON);
    CHECK_STATUS(tx_registry_query_json(reg, "{\"type\":\"roots\"}", &out), TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("date");
    CHECK_STATUS(tx_registry_query_json(reg, "[", &out), TX_STATUS_INVALID_JSON);
    CHECK_STATUS(tx_registry_query_json(reg, "{\"type\":\"roots\",\"date\":\"someday\"}", &out),
                 TX_STATUS_INVALID_JSON);
    CHECK(out == NULL);
    CHECK_STATUS(tx_registry_query_json(NULL, "{\"type\":\"counts\"}", &out),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_query_json(reg, NULL, &out), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_query_json(reg, "{\"type\":\"counts\"}", NULL),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_query_json(reg, BAD_UTF8, &out), TX_STATUS_INVALID_UTF8);
    tx_registry_free(reg);
}

static void test_snapshot_round_trip(void) {
    tx_registry *reg = scenario();
    tx_registry *loaded = NULL;
    tx_registry *none = NULL;
    char *json = snapshot(reg);
    char *again = NULL;
    char *future = NULL;
    char *tampered = NULL;

    CHECK(json != NULL && strstr(json, "\"schema_version\": 2") != NULL);
    CHECK_OK(tx_registry_from_json(json, &loaded));
    CHECK(loaded != NULL);
    again = snapshot(loaded);
    CHECK(json != NULL && again != NULL && strcmp(json, again) == 0);
    CHECK(members(loaded, "sz-zlh", DAY, "subtree") == 4);
    /* The loaded registry goes on accepting commands. */
    CHECK_OK(tx_registry_leave(loaded, AT, ACTOR, "p4", "ft-street", "2024-07-01"));
    CHECK(members(loaded, "sz-zlh", "2024-07-01", "subtree") == 3);

    future = replace_first(json, "\"schema_version\": 2", "\"schema_version\": 3");
    CHECK(future != NULL);
    CHECK_STATUS(tx_registry_from_json(future, &none), TX_STATUS_UNSUPPORTED_SCHEMA_VERSION);
    CHECK_MESSAGE_HAS("schema_version 3");
    tampered = replace_first(json, "\"王芳\"", "\"王小芳\"");
    CHECK(tampered != NULL);
    CHECK_STATUS(tx_registry_from_json(tampered, &none), TX_STATUS_SNAPSHOT_MISMATCH);
    CHECK_STATUS(tx_registry_from_json("{\"schema_version\":1}", &none), TX_STATUS_INVALID_JSON);
    CHECK_STATUS(tx_registry_from_json("not json", &none), TX_STATUS_INVALID_JSON);
    CHECK_STATUS(tx_registry_from_json("{}", &none), TX_STATUS_INVALID_JSON);
    CHECK(none == NULL);

    CHECK_STATUS(tx_registry_from_json(NULL, &none), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_from_json(json, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_from_json(BAD_UTF8, &none), TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_to_json(NULL, &again), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_to_json(reg, NULL), TX_STATUS_NULL_ARGUMENT);

    free(future);
    free(tampered);
    tx_string_free(again);
    tx_string_free(json);
    tx_registry_free(loaded);
    tx_registry_free(reg);
}

/* ---------------------------------------------------------------- statistics */

typedef tx_status (*answer_fn)(const tx_registry *, const char *, char **);
typedef tx_status (*check_fn)(const char *, char **);

/* Runs a statistic (JSON or CSV) that must succeed and compares its answer. */
static void check_answer(answer_fn f, const tx_registry *reg, const char *query,
                         const char *expected) {
    char *out = NULL;
    tx_status st = f(reg, query, &out);
    if (st != TX_STATUS_OK) {
        fprintf(stderr, "stat %s failed: %s: %s\n", query, tx_status_name((int32_t)st),
                last_error());
        t_failures++;
        return;
    }
    if (strcmp(out, expected) != 0) {
        fprintf(stderr, "stat %s\n  gave     %s\n  expected %s\n", query, out, expected);
        t_failures++;
    }
    tx_string_free(out);
}

/* Runs a statistic that must fail with `expected`; checks nothing was handed out. */
static void check_answer_fails(answer_fn f, const tx_registry *reg, const char *query,
                               tx_status expected) {
    char *out = NULL;
    CHECK_STATUS(f(reg, query, &out), expected);
    CHECK(out == NULL);
    tx_string_free(out);
}

/* Something to count: an activity, a designation, a person with an NPC post, a leave. */
static const char *const RICH =
    "[{\"type\":\"add_person\",\"person\":{\"id\":\"p5\",\"party\":\"cpc\",\"title\":\"senior\","
    "\"stratum\":\"freelancer\",\"political_posts\":[{\"body\":\"npc\",\"level\":\"district\","
    "\"from\":\"2021-01\"}]}},"
    "{\"type\":\"join\",\"membership\":{\"member\":{\"person\":\"p5\"},\"org\":\"ft-street\","
    "\"role\":\"member\",\"start\":\"2024-05-07\"}},"
    "{\"type\":\"record_activity\",\"activity\":{\"id\":\"a1\",\"org\":\"ft-street\","
    "\"date\":\"2024-05-20\",\"kind\":\"reception\",\"participants_offline\":30,"
    "\"delegations\":2}},"
    "{\"type\":\"record_designation\",\"designation\":{\"id\":\"d1\",\"org\":\"ft-zlh\","
    "\"title\":\"advanced_unit\",\"name\":\"先进单位\",\"level\":\"municipal\","
    "\"issuer\":\"市委统战部\",\"conferred\":\"2023-03\"}},"
    "{\"type\":\"leave\",\"member\":{\"person\":\"p4\"},\"org\":\"ft-street\","
    "\"date\":\"2024-06-15\"}]";

static tx_registry *rich_scenario(void) {
    tx_registry *reg = scenario();
    size_t applied = 0;
    size_t failed = 99;
    CHECK_OK(tx_registry_apply_batch_json(reg, META, RICH, &applied, &failed));
    CHECK(applied == 5);
    return reg;
}

static void test_stats_json(void) {
    tx_registry *reg = rich_scenario();
    answer_fn f = tx_registry_stats_json;
    const char *by_party = "{\"stat\":\"rollup\",\"as_of\":\"2024-06-01\",\"by\":\"party\"}";
    char *out = NULL;

    check_answer(f, reg, by_party,
                 "{\"as_of\":\"2024-06-01\",\"dimension\":\"party\",\"columns\":[\"cpc\","
                 "\"non_party\",\"min_ge\",\"min_meng\",\"min_jian\",\"min_jin\",\"nong_gong\","
                 "\"zhi_gong\",\"jiu_san\",\"tai_meng\",\"mass\"],\"rows\":["
                 "{\"org_id\":\"sz-zlh\",\"total\":5,\"enterprises\":0,"
                 "\"counts\":[1,2,0,1,0,0,0,0,1,0,0]},"
                 "{\"org_id\":\"ft-zlh\",\"total\":5,\"enterprises\":0,"
                 "\"counts\":[1,2,0,1,0,0,0,0,1,0,0]},"
                 "{\"org_id\":\"ft-street\",\"total\":4,\"enterprises\":0,"
                 "\"counts\":[1,1,0,1,0,0,0,0,1,0,0]}]}");
    check_answer(f, reg, "{\"stat\":\"rollup\",\"as_of\":\"2010-01-01\"}",
                 "{\"as_of\":\"2010-01-01\",\"dimension\":null,\"columns\":[],\"rows\":["
                 "{\"org_id\":\"sz-zlh\",\"total\":0,\"enterprises\":0,\"counts\":[]}]}");
    check_answer(f, reg, "{\"stat\":\"org_rollup\",\"as_of\":\"2024-06-01\",\"by\":\"level\"}",
                 "{\"as_of\":\"2024-06-01\",\"dimension\":\"level\",\"columns\":[\"national\","
                 "\"provincial\",\"municipal\",\"district\",\"subdistrict\",\"community\"],"
                 "\"rows\":[{\"org_id\":\"sz-zlh\",\"total\":3,\"enterprises\":0,"
                 "\"counts\":[0,0,1,1,1,0]},{\"org_id\":\"ft-zlh\",\"total\":2,\"enterprises\":0,"
                 "\"counts\":[0,0,0,1,1,0]},{\"org_id\":\"ft-street\",\"total\":1,"
                 "\"enterprises\":0,\"counts\":[0,0,0,0,1,0]}]}");
    check_answer(f, reg,
                 "{\"stat\":\"series\",\"from\":\"2024-04-01\",\"to\":\"2024-06-30\","
                 "\"every\":\"month\"}",
                 "[{\"as_of\":\"2024-04-30\",\"dimension\":null,\"columns\":[],\"rows\":["
                 "{\"org_id\":\"sz-zlh\",\"total\":2,\"enterprises\":0,\"counts\":[]},"
                 "{\"org_id\":\"ft-zlh\",\"total\":2,\"enterprises\":0,\"counts\":[]}]},"
                 "{\"as_of\":\"2024-05-31\",\"dimension\":null,\"columns\":[],\"rows\":["
                 "{\"org_id\":\"sz-zlh\",\"total\":5,\"enterprises\":0,\"counts\":[]},"
                 "{\"org_id\":\"ft-zlh\",\"total\":5,\"enterprises\":0,\"counts\":[]},"
                 "{\"org_id\":\"ft-street\",\"total\":4,\"enterprises\":0,\"counts\":[]}]},"
                 "{\"as_of\":\"2024-06-30\",\"dimension\":null,\"columns\":[],\"rows\":["
                 "{\"org_id\":\"sz-zlh\",\"total\":4,\"enterprises\":0,\"counts\":[]},"
                 "{\"org_id\":\"ft-zlh\",\"total\":4,\"enterprises\":0,\"counts\":[]},"
                 "{\"org_id\":\"ft-street\",\"total\":3,\"enterprises\":0,\"counts\":[]}]}]");
    check_answer(f, reg,
                 "{\"stat\":\"growth\",\"root\":\"sz-zlh\",\"periods\":[{\"from\":\"2024-01-01\","
                 "\"to\":\"2024-05-31\"},{\"from\":\"2024-06-01\",\"to\":\"2024-06-30\"}]}",
                 "[{\"from\":\"2024-01-01\",\"to\":\"2024-05-31\",\"joins\":4,\"leaves\":0,"
                 "\"net\":4,\"returning\":0},{\"from\":\"2024-06-01\",\"to\":\"2024-06-30\","
                 "\"joins\":0,\"leaves\":1,\"net\":-1,\"returning\":0}]");
    check_answer(f, reg,
                 "{\"stat\":\"activity_totals\",\"root\":\"sz-zlh\",\"from\":\"2024-01-01\","
                 "\"to\":\"2024-12-31\",\"kind\":\"reception\"}",
                 "{\"events\":1,\"participants_offline\":30,\"participants_online\":0,"
                 "\"persons_served\":0,\"delegations\":2}");
    check_answer(f, reg,
                 "{\"stat\":\"activity_totals\",\"root\":\"sz-zlh\",\"from\":\"2024-06-01\","
                 "\"to\":\"2024-12-31\"}",
                 "{\"events\":0,\"participants_offline\":0,\"participants_online\":0,"
                 "\"persons_served\":0,\"delegations\":0}");
    check_answer(f, reg,
                 "{\"stat\":\"activities_in\",\"root\":\"ft-street\",\"from\":\"2024-05-01\","
                 "\"to\":\"2024-05-31\"}",
                 "[{\"id\":\"a1\",\"org\":\"ft-street\",\"date\":\"2024-05-20\","
                 "\"kind\":\"reception\",\"participants_offline\":30,\"participants_online\":0,"
                 "\"persons_served\":0,\"delegations\":2}]");
    check_answer(f, reg,
                 "{\"stat\":\"advice_in\",\"root\":\"sz-zlh\",\"from\":\"2024-01-01\","
                 "\"to\":\"2024-12-31\"}",
                 "[]");
    check_answer(f, reg,
                 "{\"stat\":\"designations_in_force\",\"root\":\"sz-zlh\","
                 "\"as_of\":\"2023-03-15\"}",
                 "[[{\"id\":\"d1\",\"org\":\"ft-zlh\",\"title\":\"advanced_unit\","
                 "\"name\":\"先进单位\",\"level\":\"municipal\",\"issuer\":\"市委统战部\","
                 "\"conferred\":\"2023-03\"},\"possibly\"]]");
    check_answer(f, reg, "{\"stat\":\"designations_by_level_year\",\"root\":\"sz-zlh\"}",
                 "[{\"level\":\"municipal\",\"year\":2023,\"count\":1}]");
    check_answer(f, reg,
                 "{\"stat\":\"political_arrangements\",\"root\":\"sz-zlh\","
                 "\"as_of\":\"2024-06-01\"}",
                 "{\"persons\":1,\"npc\":1,\"cppcc\":0,\"by_level\":[0,0,0,1,0,0]}");
    check_answer(f, reg,
                 "{\"stat\":\"suppressed_rollup\",\"as_of\":\"2024-06-20\",\"by\":\"title\","
                 "\"k\":2}",
                 "{\"as_of\":\"2024-06-20\",\"k\":2,\"columns\":[\"none\",\"junior\","
                 "\"intermediate\",\"associate_senior\",\"senior\"],\"rows\":["
                 "{\"org_id\":\"sz-zlh\",\"total\":4,\"enterprises\":0,"
                 "\"counts\":[0,0,null,null,2]},"
                 "{\"org_id\":\"ft-zlh\",\"total\":4,\"enterprises\":0,"
                 "\"counts\":[0,0,null,null,2]},"
                 "{\"org_id\":\"ft-street\",\"total\":3,\"enterprises\":0,"
                 "\"counts\":[0,0,null,null,null]}],\"primary\":7,\"complementary\":0}");
    check_answer(f, reg,
                 "{\"stat\":\"coverage\",\"kind\":\"zhilianhui\",\"within\":\"440304\","
                 "\"level\":\"township\",\"org_level\":\"subdistrict\",\"as_of\":\"2024-06-01\","
                 "\"streets_csv\":\"code,name,parent_code\\n440304001,南园街道,440304\\n"
                 "440304004,福田街道,440304\\n\"}",
                 "{\"kind\":\"zhilianhui\",\"level\":\"township\",\"as_of\":\"2024-06-01\","
                 "\"rows\":[{\"division_code\":\"440304001\",\"name\":\"南园街道\","
                 "\"covered\":false,\"organizations\":[]},{\"division_code\":\"440304004\","
                 "\"name\":\"福田街道\",\"covered\":true,\"organizations\":[\"ft-street\"]}]}");

    /* Failures: bad JSON, unknown stat, bad fields, unknown root, division problems. */
    check_answer_fails(f, reg, "{not json", TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("argument `query_json`");
    check_answer_fails(f, reg, "{\"stat\":\"teleport\"}", TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("teleport");
    check_answer_fails(f, reg, "{\"stat\":\"rollup\"}", TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("as_of");
    check_answer_fails(f, reg, "{\"stat\":\"rollup\",\"as_of\":\"2024-06-01\",\"by\":\"colour\"}",
                       TX_STATUS_INVALID_JSON);
    check_answer_fails(f, reg, "{\"stat\":\"rollup\",\"as_of\":\"2024-06-01\",\"extra\":1}",
                       TX_STATUS_INVALID_JSON);
    check_answer_fails(f, reg,
                       "{\"stat\":\"political_arrangements\",\"root\":\"nowhere\","
                       "\"as_of\":\"2024-06-01\"}",
                       TX_STATUS_NOT_FOUND);
    CHECK_STR(last_error(), "organization `nowhere` not found");
    check_answer_fails(f, reg,
                       "{\"stat\":\"coverage\",\"kind\":\"zhilianhui\",\"within\":\"44x3\","
                       "\"level\":\"county\",\"as_of\":\"2024-06-01\"}",
                       TX_STATUS_DIVISION);
    CHECK_MESSAGE_HAS("field `within`");
    check_answer_fails(f, reg,
                       "{\"stat\":\"coverage\",\"kind\":\"zhilianhui\",\"within\":\"4403\","
                       "\"level\":\"village\",\"as_of\":\"2024-06-01\"}",
                       TX_STATUS_DIVISION);
    CHECK_MESSAGE_HAS("not loaded");
    check_answer_fails(f, reg,
                       "{\"stat\":\"coverage\",\"kind\":\"zhilianhui\",\"within\":\"4403\","
                       "\"level\":\"township\",\"as_of\":\"2024-06-01\","
                       "\"streets_csv\":\"code,name,parent_code\\n440304004,x,449999\\n\"}",
                       TX_STATUS_DIVISION);
    CHECK_MESSAGE_HAS("field `streets_csv`");

    CHECK_STATUS(tx_registry_stats_json(NULL, by_party, &out), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `reg` is NULL");
    CHECK_STATUS(tx_registry_stats_json(reg, NULL, &out), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `query_json` is NULL");
    CHECK_STATUS(tx_registry_stats_json(reg, by_party, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `out_json` is NULL");
    CHECK_STATUS(tx_registry_stats_json(reg, BAD_UTF8, &out), TX_STATUS_INVALID_UTF8);
    CHECK(out == NULL);
    tx_registry_free(reg);
}

static void test_rules_json(void) {
    tx_registry *reg = rich_scenario();
    answer_fn f = tx_registry_rules_json;
    const char *check_p1 = "{\"question\":\"check\",\"member\":{\"person\":\"p1\"},"
                           "\"org\":\"ft-street\",\"as_of\":\"2024-06-01\"}";
    char *out = NULL;

    /* Eligible, and not eligible with the failing clause explained. */
    CHECK_OK(f(reg, check_p1, &out));
    CHECK(out != NULL && strstr(out, "\"eligible\":true") != NULL);
    tx_string_free(out);
    out = NULL;
    CHECK_OK(f(reg,
               "{\"question\":\"check\",\"member\":{\"person\":\"p5\"},\"org\":\"ft-zlh\","
               "\"as_of\":\"2024-06-01\"}",
               &out));
    CHECK(out != NULL && strstr(out, "\"eligible\":false") != NULL);
    CHECK(out != NULL && strstr(out, "party is cpc, required not cpc") != NULL);
    tx_string_free(out);
    out = NULL;
    CHECK_OK(f(reg, "{\"question\":\"audit\",\"as_of\":\"2024-06-01\",\"root\":\"ft-zlh\"}",
               &out));
    CHECK(out != NULL && out[0] == '{');
    tx_string_free(out);
    out = NULL;
    CHECK_OK(f(reg,
               "{\"question\":\"candidates\",\"org\":\"sz-zlh\",\"as_of\":\"2024-06-01\","
               "\"limit\":1,\"keys\":[\"id\"]}",
               &out));
    CHECK(out != NULL && out[0] == '[');
    tx_string_free(out);
    out = NULL;

    /* Failures. */
    check_answer_fails(f, reg, "{not json", TX_STATUS_INVALID_JSON);
    check_answer_fails(f, reg, "{\"question\":\"audit\",\"as_of\":\"2024-06-01\",\"book\":5}",
                       TX_STATUS_INVALID_JSON);
    check_answer_fails(f, reg,
                       "{\"question\":\"audit\",\"as_of\":\"2024-06-01\",\"book\":{\"common\":"
                       "[{\"id\":\"x\",\"severity\":\"reject\",\"message_zh\":\"x\","
                       "\"message_en\":\"x\",\"body\":{\"type\":\"eligibility\","
                       "\"when\":\"no_such_attribute >= 3\"}}]}}",
                       TX_STATUS_RULE);
    CHECK_MESSAGE_HAS("no_such_attribute");
    check_answer_fails(f, reg,
                       "{\"question\":\"candidates\",\"org\":\"nowhere\",\"as_of\":\"2024-06-01\"}",
                       TX_STATUS_RULE);
    CHECK_MESSAGE_HAS("nowhere");
    CHECK_STATUS(f(NULL, check_p1, &out), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `reg` is NULL");
    CHECK_STATUS(f(reg, NULL, &out), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(f(reg, check_p1, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `out_json` is NULL");
    CHECK(out == NULL);
    tx_registry_free(reg);
}

static void test_stats_csv(void) {
    tx_registry *reg = rich_scenario();
    answer_fn f = tx_registry_stats_csv;
    const char *by_party = "{\"stat\":\"rollup\",\"as_of\":\"2024-06-01\",\"by\":\"party\"}";
    char *out = NULL;

    check_answer(f, reg, by_party,
                 "org_id,total,cpc,non_party,min_ge,min_meng,min_jian,min_jin,nong_gong,"
                 "zhi_gong,jiu_san,tai_meng,mass,enterprises\n"
                 "sz-zlh,5,1,2,0,1,0,0,0,0,1,0,0,0\n"
                 "ft-zlh,5,1,2,0,1,0,0,0,0,1,0,0,0\n"
                 "ft-street,4,1,1,0,1,0,0,0,0,1,0,0,0\n");
    check_answer(f, reg,
                 "{\"stat\":\"suppressed_rollup\",\"as_of\":\"2024-06-20\",\"by\":\"title\","
                 "\"k\":2}",
                 "org_id,total,none,junior,intermediate,associate_senior,senior,enterprises\n"
                 "sz-zlh,4,0,0,*,*,2,0\nft-zlh,4,0,0,*,*,2,0\nft-street,3,0,0,*,*,*,0\n");
    check_answer(f, reg, "{\"stat\":\"org_rollup\",\"as_of\":\"2024-06-01\",\"by\":\"carrier\"}",
                 "org_id,organizations,building,industrial_park,state_enterprise,"
                 "private_enterprise,research_institute,university,hospital,health_system,"
                 "education_system,community,none\n"
                 "sz-zlh,3,0,0,0,0,0,0,0,0,0,0,3\nft-zlh,2,0,0,0,0,0,0,0,0,0,0,2\n"
                 "ft-street,1,0,0,0,0,0,0,0,0,0,0,1\n");
    check_answer(f, reg,
                 "{\"stat\":\"growth\",\"root\":\"ft-street\","
                 "\"periods\":[{\"from\":\"2024-01-01\",\"to\":\"2024-12-31\"}]}",
                 "from,to,joins,leaves,net,returning\n2024-01-01,2024-12-31,4,1,3,0\n");
    out = NULL;
    CHECK_OK(f(reg,
               "{\"stat\":\"coverage\",\"kind\":\"zhilianhui\",\"within\":\"4403\","
               "\"level\":\"county\",\"as_of\":\"2024-06-01\"}",
               &out));
    CHECK(out != NULL && strncmp(out, "division_code,name,covered,organizations\n", 41) == 0);
    CHECK(out != NULL && strstr(out, "\n440304,福田区,true,ft-zlh;ft-street\n") != NULL);
    tx_string_free(out);
    out = NULL;

    /* No CSV form: refused before computing (even for an unknown root). */
    check_answer_fails(f, reg,
                       "{\"stat\":\"activity_totals\",\"root\":\"nowhere\",\"from\":\"2024-01-01\","
                       "\"to\":\"2024-12-31\"}",
                       TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("stat `activity_totals` has no CSV form");
    check_answer_fails(f, reg,
                       "{\"stat\":\"series\",\"from\":\"2024-01-01\",\"to\":\"2024-03-31\","
                       "\"every\":\"month\"}",
                       TX_STATUS_INVALID_ARGUMENT);
    check_answer_fails(f, reg, "[1,2", TX_STATUS_INVALID_JSON);
    check_answer_fails(f, reg, "{\"stat\":\"histogram\",\"as_of\":\"2024-06-01\"}",
                       TX_STATUS_INVALID_JSON);
    check_answer_fails(f, reg, "{\"stat\":\"growth\",\"root\":\"nowhere\",\"periods\":[]}",
                       TX_STATUS_NOT_FOUND);

    CHECK_STATUS(tx_registry_stats_csv(NULL, by_party, &out), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_stats_csv(reg, NULL, &out), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_stats_csv(reg, by_party, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `out_csv` is NULL");
    CHECK_STATUS(tx_registry_stats_csv(reg, BAD_UTF8, &out), TX_STATUS_INVALID_UTF8);
    CHECK(out == NULL);
    tx_registry_free(reg);
}

static size_t rollup_total(const tx_registry *reg, const char *org, const char *date) {
    size_t n = (size_t)-1;
    CHECK_OK(tx_registry_rollup_total(reg, org, date, &n));
    return n;
}

static void test_rollup_total(void) {
    tx_registry *reg = rich_scenario();
    size_t n = 42;

    CHECK(rollup_total(reg, "sz-zlh", DAY) == 5);
    CHECK(rollup_total(reg, "ft-zlh", DAY) == 5);
    CHECK(rollup_total(reg, "ft-street", DAY) == 4);
    CHECK(rollup_total(reg, "sz-zlh", "2024-06-15") == 4); /* p4 left */
    CHECK(rollup_total(reg, "sz-zlh", "2024-05-06") == 2);
    CHECK(rollup_total(reg, "ft-street", "2024-05-06") == 0); /* not yet founded */
    /* The same as the subtree's distinct members (the scenario has no enterprises). */
    CHECK(rollup_total(reg, "sz-zlh", DAY) == members(reg, "sz-zlh", DAY, "subtree"));

    CHECK_STATUS(tx_registry_rollup_total(reg, "nowhere", DAY, &n), TX_STATUS_NOT_FOUND);
    CHECK_STR(last_error(), "organization `nowhere` not found");
    CHECK_STATUS(tx_registry_rollup_total(reg, "sz-zlh", "2024-06-31", &n),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `date`");
    CHECK(n == 42);
    CHECK_STATUS(tx_registry_rollup_total(NULL, "sz-zlh", DAY, &n), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_rollup_total(reg, NULL, DAY, &n), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `org_id` is NULL");
    CHECK_STATUS(tx_registry_rollup_total(reg, "sz-zlh", NULL, &n), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_rollup_total(reg, "sz-zlh", DAY, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_rollup_total(reg, BAD_UTF8, DAY, &n), TX_STATUS_INVALID_UTF8);
    CHECK(n == 42);
    tx_registry_free(reg);
}

/* ---------------------------------------------------------------- identifiers */

static void check_id(check_fn f, const char *text, const char *expected) {
    char *out = NULL;
    tx_status st = f(text, &out);
    if (st != TX_STATUS_OK) {
        fprintf(stderr, "check of %s failed: %s: %s\n", text, tx_status_name((int32_t)st),
                last_error());
        t_failures++;
        return;
    }
    CHECK_STR(out, expected);
    tx_string_free(out);
}

/* A check that must fail with TX_STATUS_INVALID_IDENTIFIER and a message ending in `reason`. */
static void check_id_fails(check_fn f, const char *text, const char *reason) {
    char *out = NULL;
    const char *m;
    CHECK_STATUS(f(text, &out), TX_STATUS_INVALID_IDENTIFIER);
    CHECK(out == NULL);
    m = last_error();
    CHECK(strncmp(m, "argument `text`: ", 17) == 0);
    CHECK(strlen(m) > strlen(reason) && strcmp(m + strlen(m) - strlen(reason), reason) == 0);
    tx_string_free(out);
}

static void check_id_null_args(check_fn f, const char *out_name) {
    char *out = NULL;
    char expected[64];
    CHECK_STATUS(f(NULL, &out), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `text` is NULL");
    CHECK_STATUS(f("11", NULL), TX_STATUS_NULL_ARGUMENT);
    snprintf(expected, sizeof expected, "argument `%s` is NULL", out_name);
    CHECK_STR(last_error(), expected);
    CHECK_STATUS(f(BAD_UTF8, &out), TX_STATUS_INVALID_UTF8);
    CHECK(out == NULL);
}

static void test_resident_id_check(void) {
    check_id(tx_resident_id_check, "11010519491231002x",
             "{\"number\":\"11010519491231002X\",\"birth_date\":\"1949-12-31\","
             "\"sex\":\"female\",\"masked\":\"110105********002X\"}");
    check_id(tx_resident_id_check, "360426199101010071",
             "{\"number\":\"360426199101010071\",\"birth_date\":\"1991-01-01\","
             "\"sex\":\"male\",\"masked\":\"360426********0071\"}");
    check_id(tx_resident_id_check, "110105491231002", /* legacy 15 digits */
             "{\"number\":\"11010519491231002X\",\"birth_date\":\"1949-12-31\","
             "\"sex\":\"female\",\"masked\":\"110105********002X\"}");
    check_id_fails(tx_resident_id_check, "360426199101010072",
                   "check character 18 of the resident ID number is `2`, expected `1` "
                   "(resident_id_check)");
    CHECK_STR(tx_status_name(TX_STATUS_INVALID_IDENTIFIER), "invalid_identifier");
    check_id_fails(tx_resident_id_check, "3604261991010100", "(resident_id_length)");
    check_id_fails(tx_resident_id_check, "36042619910101007Y", "(resident_id_character)");
    check_id_fails(tx_resident_id_check, "990426199101010071", "(resident_id_province)");
    check_id_fails(tx_resident_id_check, "360426199102300071", "(resident_id_birth_date)");
    check_id_fails(tx_resident_id_check, "", "found 0 (resident_id_length)");
    check_id_null_args(tx_resident_id_check, "out_normalized_json");
}

static void test_credit_code_check(void) {
    check_id(tx_credit_code_check, "91110000600037341L",
             "{\"code\":\"91110000600037341L\",\"authority\":\"9\","
             "\"authority_name\":\"市场监管(工商)\",\"category\":\"91\",\"category_name\":\"企业\","
             "\"division_code\":\"110000\",\"organization_code\":\"600037341\"}");
    check_id(tx_credit_code_check, "12100000400009880k",
             "{\"code\":\"12100000400009880K\",\"authority\":\"1\","
             "\"authority_name\":\"机构编制\",\"category\":\"12\",\"category_name\":\"事业单位\","
             "\"division_code\":\"100000\",\"organization_code\":\"400009880\"}");
    check_id_fails(tx_credit_code_check, "12100000400009880I", "(credit_code_character)");
    check_id_fails(tx_credit_code_check, "9111000060003734", "(credit_code_length)");
    check_id_fails(tx_credit_code_check, "91110000600037342L", "(credit_code_check)");
    check_id_null_args(tx_credit_code_check, "out_json");
}

static void test_division_code_check(void) {
    check_id(tx_division_code_check, "440300",
             "{\"code\":\"4403\",\"level\":\"city\",\"padded6\":\"440300\",\"name\":\"深圳市\"}");
    check_id(tx_division_code_check, "440304",
             "{\"code\":\"440304\",\"level\":\"county\",\"padded6\":\"440304\","
             "\"name\":\"福田区\"}");
    check_id(tx_division_code_check, "440304004000",
             "{\"code\":\"440304004\",\"level\":\"township\",\"padded6\":null,\"name\":null}");
    check_id(tx_division_code_check, "00",
             "{\"code\":\"00\",\"level\":\"national\",\"padded6\":\"000000\",\"name\":null}");
    check_id_fails(tx_division_code_check, "44030x",
                   "character 6 `x` of a division code is not a digit (division_character)");
    check_id_fails(tx_division_code_check, "44030",
                   "a division code has 2, 4, 6, 9 or 12 digits, found 5 (division_length)");
    check_id_null_args(tx_division_code_check, "out_json");
}

/* ---------------------------------------------------------------- interchange */

static const char *const ORGS_CSV =
    "id,parent_id,level,kind,division_code,founded,dissolved,name,relation\n"
    "ft-street,ft,subdistrict,zhilianhui,440304004,2024-05-07,,福田街道分会,part_of\n"
    "sz,,municipal,zhilianhui,4403,2008-06-01,,深圳市知联会,\n"
    "ft,sz,district,zhilianhui,440304,2015-01-01,,福田区知联会,\n";
static const char *const PERSONS_CSV =
    "id,name,sex,party,title,stratum,birth_year,resident_id\n"
    "p1,李明,male,min_meng,senior,none,1949,11010519491231002X\n"
    "p2,王芳,female,jiu_san,associate_senior,none,1991,\n";
static const char *const MEMBERSHIPS_CSV =
    "person_id,org_id,role,start,end,member_type\n"
    "p1,ft,president,2015-01-01,,\n"
    "p2,ft-street,member,2024-05-07,,\n"
    "e1,ft,member_unit,2020-01-01,,enterprise\n";
static const char *const ENTERPRISES_CSV =
    "id,name,credit_code\ne1,示例科技有限公司,91110000600037341L\n";
static const char *const BAD_ORGS_CSV =
    "id,parent_id,level,kind,division_code,founded,dissolved\n"
    "sz,,municipal,zhilianhui,4403,2010-01-01,\n"
    "ft,sz,district,zhilianhui,440304,2010-13-01,\n";
static const char *const BAD_PERSONS_CSV =
    "id,party,title,stratum,birth_year\np1,min_meng,senior,none,1975\np2,teapot,senior,none,1980\n";
static const char *const IMPORT_SUMMARY =
    "{\"organizations\":3,\"enterprises\":1,\"persons\":2,\"memberships\":3}";

#define BYTES(s) (const uint8_t *)(s), strlen(s)

/* Counts the occurrences of `needle` in `text`. */
static size_t occurrences(const char *text, const char *needle) {
    size_t n = 0;
    const char *at = text;
    while (at != NULL && (at = strstr(at, needle)) != NULL) {
        n++;
        at += strlen(needle);
    }
    return n;
}

static tx_registry *imported(void) {
    tx_registry *reg = tx_registry_new();
    char *summary = NULL;
    CHECK_OK(tx_registry_import_rosters(reg, META, BYTES(ORGS_CSV), BYTES(PERSONS_CSV),
                                        BYTES(MEMBERSHIPS_CSV), BYTES(ENTERPRISES_CSV), NULL,
                                        &summary, NULL));
    CHECK_STR(summary, IMPORT_SUMMARY);
    tx_string_free(summary);
    return reg;
}

static void test_import_rosters(void) {
    tx_registry *reg = imported();
    tx_registry *other = scenario();
    char *summary = NULL;
    char *report = NULL;
    char *before = snapshot(other);
    char *after = NULL;

    CHECK(org_count(reg) == 3);
    check_query(reg, "{\"type\":\"subtree\",\"org\":\"sz\",\"date\":\"2024-06-01\"}",
                "[\"sz\",\"ft\",\"ft-street\"]");
    CHECK(members(reg, "ft", DAY, "with_branches") == 3);

    /* A bad date: TX_STATUS_IMPORT, file/line/column/value, a report of one, no change. */
    CHECK_STATUS(tx_registry_import_rosters(other, META, BYTES(BAD_ORGS_CSV), NULL, 0, NULL, 0,
                                            NULL, 0, NULL, &summary, &report),
                 TX_STATUS_IMPORT);
    CHECK_STR(last_error(), "orgs.csv, line 3, column `founded`, value `2010-13-01`: is not a "
                            "date YYYY-MM-DD (or YYYY/M/D)");
    CHECK(summary == NULL);
    CHECK(report != NULL && strstr(report, "\"file\":\"orgs.csv\",\"line\":3,\"column\":"
                                           "\"founded\",\"value\":\"2010-13-01\","
                                           "\"code\":\"invalid_value\",\"number\":1202") != NULL);
    tx_string_free(report);
    report = NULL;
    /* Without a report pointer, nothing is handed out on failure. */
    CHECK_STATUS(tx_registry_import_rosters(other, META, BYTES(BAD_ORGS_CSV), NULL, 0, NULL, 0,
                                            NULL, 0, NULL, &summary, NULL),
                 TX_STATUS_IMPORT);
    CHECK_MESSAGE_HAS("orgs.csv, line 3");
    /* A rule of the registry: a municipal organization part of a district one. */
    CHECK_STATUS(tx_registry_import_rosters(
                     other, META,
                     BYTES("id,parent_id,level,kind,division_code,founded,dissolved,relation\n"
                           "bad,ft-zlh,municipal,zhilianhui,4403,2024-06-01,,part_of\n"),
                     NULL, 0, NULL, 0, NULL, 0, NULL, &summary, &report),
                 TX_STATUS_IMPORT);
    CHECK(report != NULL && strstr(report, "\"rule\":{\"code\":\"level_order\",\"number\":302}"));
    tx_string_free(report);
    report = NULL;

    /* Report mode: every problem. */
    CHECK_STATUS(tx_registry_import_rosters(other, META, BYTES(BAD_ORGS_CSV),
                                            BYTES(BAD_PERSONS_CSV), NULL, 0, NULL, 0,
                                            "{\"report\":true}", &summary, &report),
                 TX_STATUS_IMPORT);
    CHECK_MESSAGE_HAS("more problem(s); see the report)");
    CHECK(report != NULL && occurrences(report, "\"file\":") >= 2);
    CHECK(report != NULL && strstr(report, "\"file\":\"persons.csv\",\"line\":3") != NULL);
    tx_string_free(report);
    report = NULL;
    after = snapshot(other);
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);

    /* Arguments. */
    CHECK_STATUS(tx_registry_import_rosters(NULL, META, BYTES(ORGS_CSV), NULL, 0, NULL, 0, NULL,
                                            0, NULL, &summary, &report),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_import_rosters(other, NULL, BYTES(ORGS_CSV), NULL, 0, NULL, 0, NULL,
                                            0, NULL, &summary, &report),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_import_rosters(other, META, NULL, 10, NULL, 0, NULL, 0, NULL, 0,
                                            NULL, &summary, &report),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `orgs` is NULL but `orgs_len` is 10");
    CHECK_STATUS(tx_registry_import_rosters(other, META, BYTES(ORGS_CSV), NULL, 0, NULL, 0, NULL,
                                            0, NULL, NULL, &report),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_import_rosters(other, META, BYTES(ORGS_CSV), NULL, 0, NULL, 0, NULL,
                                            0, BAD_UTF8, &summary, &report),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_import_rosters(other, META, BYTES(ORGS_CSV), NULL, 0, NULL, 0, NULL,
                                            0, "{\"encoding\":\"latin1\"}", &summary, &report),
                 TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("options_json");
    CHECK_STATUS(tx_registry_import_rosters(other, META, BYTES(ORGS_CSV), NULL, 0, NULL, 0, NULL,
                                            0, "{\"sheet\":\"orgs\"}", &summary, &report),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(tx_registry_import_rosters(other, META, BYTES("not a workbook"), NULL, 0, NULL,
                                            0, NULL, 0, "{\"format\":\"xlsx\"}", &summary,
                                            &report),
                 TX_STATUS_IMPORT);
    CHECK(report != NULL && strstr(report, "\"code\":\"xlsx\",\"number\":1005") != NULL);
    tx_string_free(report);
    report = NULL;
    CHECK(summary == NULL);

    tx_string_free(after);
    tx_string_free(before);
    tx_registry_free(other);
    tx_registry_free(reg);
}

static void test_check_rosters(void) {
    tx_registry *reg = tx_registry_new();
    char *report = NULL;
    char *before = snapshot(reg);
    char *after = NULL;

    CHECK_OK(tx_registry_check_rosters(reg, META, BYTES(ORGS_CSV), BYTES(PERSONS_CSV),
                                       BYTES(MEMBERSHIPS_CSV), BYTES(ENTERPRISES_CSV), NULL,
                                       &report));
    CHECK_STR(report, "{\"errors\":[],\"rows_ok\":9,\"rows_skipped\":0}");
    tx_string_free(report);
    report = NULL;
    CHECK_OK(tx_registry_check_rosters(reg, META, BYTES(BAD_ORGS_CSV), BYTES(BAD_PERSONS_CSV),
                                       NULL, 0, NULL, 0, NULL, &report));
    CHECK(report != NULL && occurrences(report, "\"file\":") >= 2);
    tx_string_free(report);
    report = NULL;
    after = snapshot(reg);
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
    CHECK(org_count(reg) == 0);

    CHECK_STATUS(tx_registry_check_rosters(NULL, META, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL,
                                           &report),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_check_rosters(reg, META, NULL, 0, NULL, 2, NULL, 0, NULL, 0, NULL,
                                           &report),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `persons` is NULL but `persons_len` is 2");
    CHECK_STATUS(tx_registry_check_rosters(reg, META, NULL, 0, NULL, 0, NULL, 0, NULL, 0, "[",
                                           &report),
                 TX_STATUS_INVALID_JSON);
    CHECK_STATUS(tx_registry_check_rosters(reg, META, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL,
                                           NULL),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK(report == NULL);
    tx_string_free(after);
    tx_string_free(before);
    tx_registry_free(reg);
}

static void free_all(tx_bytes *files, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        tx_bytes_free(files[i].data, files[i].len);
        files[i].data = NULL;
        files[i].len = 0;
    }
}

static int same_bytes(const tx_bytes *a, const tx_bytes *b) {
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void test_export_rosters(void) {
    tx_registry *reg = imported();
    tx_registry *copy = tx_registry_new();
    tx_bytes f[4] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
    tx_bytes g[4] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
    char *summary = NULL;
    char *persons = NULL;
    int i;

    /* Masked by default. */
    CHECK_OK(tx_registry_export_rosters(reg, NULL, &f[0], &f[1], &f[2], &f[3]));
    CHECK(f[0].len > 0 && memcmp(f[0].data, "id,parent_id,", 13) == 0);
    persons = malloc(f[1].len + 1);
    if (persons != NULL && f[1].data != NULL) {
        memcpy(persons, f[1].data, f[1].len);
        persons[f[1].len] = '\0';
        CHECK(strstr(persons, "110105********002X") != NULL);
        CHECK(strstr(persons, "11010519491231002X") == NULL);
    }
    free(persons);
    free_all(f, 4);

    /* Unmasked: export -> import -> export gives the same bytes. */
    CHECK_OK(tx_registry_export_rosters(reg, "{\"unmask_resident_ids\":true}", &f[0], &f[1],
                                        &f[2], &f[3]));
    CHECK_OK(tx_registry_import_rosters(copy, META, f[0].data, f[0].len, f[1].data, f[1].len,
                                        f[2].data, f[2].len, f[3].data, f[3].len, NULL, &summary,
                                        NULL));
    CHECK_STR(summary, IMPORT_SUMMARY);
    tx_string_free(summary);
    summary = NULL;
    CHECK_OK(tx_registry_export_rosters(copy, "{\"unmask_resident_ids\":true}", &g[0], &g[1],
                                        &g[2], &g[3]));
    for (i = 0; i < 4; i++) {
        CHECK(same_bytes(&f[i], &g[i]));
    }
    free_all(g, 4);

    /* GBK: not UTF-8 bytes, and they import back to the same registry. */
    CHECK_OK(tx_registry_export_rosters(reg, "{\"encoding\":\"gbk\",\"unmask_resident_ids\":true}",
                                        &g[0], &g[1], &g[2], &g[3]));
    CHECK(g[0].len < f[0].len); /* two bytes per Chinese character instead of three */
    tx_registry_free(copy);
    copy = tx_registry_new();
    CHECK_OK(tx_registry_import_rosters(copy, META, g[0].data, g[0].len, g[1].data, g[1].len,
                                        g[2].data, g[2].len, g[3].data, g[3].len,
                                        "{\"encoding\":\"gbk\"}", &summary, NULL));
    CHECK_STR(summary, IMPORT_SUMMARY);
    tx_string_free(summary);
    free_all(g, 4);
    CHECK_OK(tx_registry_export_rosters(copy, "{\"unmask_resident_ids\":true}", &g[0], &g[1],
                                        &g[2], &g[3]));
    for (i = 0; i < 4; i++) {
        CHECK(same_bytes(&f[i], &g[i]));
    }
    free_all(g, 4);
    /* With a BOM. */
    CHECK_OK(tx_registry_export_rosters(reg, "{\"bom\":true}", &g[0], &g[1], &g[2], &g[3]));
    CHECK(g[3].len > 3 && memcmp(g[3].data, "\xEF\xBB\xBF", 3) == 0);
    free_all(g, 4);

    /* A character GBK lacks. */
    CHECK_OK(tx_registry_add_person(copy, AT, ACTOR, "p9", "\xF0\x9F\x98\x80", "cpc", "none",
                                    "none"));
    CHECK_STATUS(tx_registry_export_rosters(copy, "{\"encoding\":\"gbk\"}", &g[0], &g[1], &g[2],
                                            &g[3]),
                 TX_STATUS_EXPORT);
    CHECK_MESSAGE_HAS("persons.csv");
    /* Arguments. */
    CHECK_STATUS(tx_registry_export_rosters(NULL, NULL, &g[0], &g[1], &g[2], &g[3]),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_export_rosters(reg, NULL, &g[0], &g[1], &g[2], NULL),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `out_enterprises` is NULL");
    CHECK_STATUS(tx_registry_export_rosters(reg, BAD_UTF8, &g[0], &g[1], &g[2], &g[3]),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_export_rosters(reg, "{\"mask\":1}", &g[0], &g[1], &g[2], &g[3]),
                 TX_STATUS_INVALID_JSON);
    for (i = 0; i < 4; i++) {
        CHECK(g[i].data == NULL && g[i].len == 0);
    }
    tx_bytes_free(NULL, 0);

    free_all(f, 4);
    tx_registry_free(copy);
    tx_registry_free(reg);
}

static void test_popolo(void) {
    tx_registry *reg = imported();
    tx_registry *copy = tx_registry_new();
    char *doc = NULL;
    char *again = NULL;
    char *summary = NULL;
    char *before = NULL;
    char *after = NULL;
    char *bad = NULL;

    CHECK_OK(tx_registry_export_popolo(reg, NULL, &doc));
    CHECK(doc != NULL && strstr(doc, "110105********002X") != NULL);
    tx_string_free(doc);
    doc = NULL;
    CHECK_OK(tx_registry_export_popolo(reg, "{\"unmask_resident_ids\":true}", &doc));
    CHECK(doc != NULL && strstr(doc, "11010519491231002X") != NULL);
    if (doc != NULL) {
        CHECK_OK(tx_registry_import_popolo(copy, META, BYTES(doc), NULL, &summary));
    }
    CHECK_STR(summary, IMPORT_SUMMARY);
    tx_string_free(summary);
    summary = NULL;
    CHECK_OK(tx_registry_export_popolo(copy, "{\"unmask_resident_ids\":true}", &again));
    CHECK(doc != NULL && again != NULL && strcmp(doc, again) == 0);

    /* A second import of the same ids fails; the registry is unchanged. */
    before = snapshot(copy);
    if (doc != NULL) {
        CHECK_STATUS(tx_registry_import_popolo(copy, META, BYTES(doc), NULL, &summary),
                     TX_STATUS_IMPORT);
        CHECK_MESSAGE_HAS("popolo.json");
        bad = replace_first(doc, "\"party\": \"min_meng\"", "\"party\": \"teapot\"");
    }
    after = snapshot(copy);
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
    tx_registry_free(copy);
    copy = tx_registry_new();
    CHECK(bad != NULL);
    if (bad != NULL) {
        CHECK_STATUS(tx_registry_import_popolo(copy, META, BYTES(bad), NULL, &summary),
                     TX_STATUS_IMPORT);
        CHECK_MESSAGE_HAS("tongxin.party");
    }
    CHECK(org_count(copy) == 0);
    CHECK_STATUS(tx_registry_import_popolo(copy, META, BYTES("{\n  \"persons\": ["), NULL,
                                           &summary),
                 TX_STATUS_IMPORT);
    CHECK_MESSAGE_HAS("popolo.json, line 2");

    /* Arguments. */
    CHECK_STATUS(tx_registry_import_popolo(copy, META, NULL, 0, NULL, &summary),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `json` is NULL");
    CHECK_STATUS(tx_registry_import_popolo(copy, META, NULL, 4, NULL, &summary),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_import_popolo(NULL, META, BYTES("{}"), NULL, &summary),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_import_popolo(copy, META, BYTES("{}"), "{\"report\":true}", &summary),
                 TX_STATUS_INVALID_JSON);
    CHECK_STATUS(tx_registry_import_popolo(copy, META, BYTES("{}"), BAD_UTF8, &summary),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_import_popolo(copy, META, BYTES("{}"), NULL, NULL),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK(summary == NULL);
    CHECK_STATUS(tx_registry_export_popolo(NULL, NULL, &summary), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_export_popolo(reg, NULL, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_export_popolo(reg, "{\"bom\":true}", &summary),
                 TX_STATUS_INVALID_JSON);
    CHECK(summary == NULL);

    free(bad);
    tx_string_free(after);
    tx_string_free(before);
    tx_string_free(again);
    tx_string_free(doc);
    tx_registry_free(copy);
    tx_registry_free(reg);
}

/* ---------------------------------------------------------------- threads */

struct worker {
    const char *missing; /* an org id to look up and fail on */
    tx_registry *reg;    /* a handle handed over, or NULL to build one */
    int failures;
};

/* Builds (or takes) a registry, checks counts, and checks that its own error message is
 * the one it reads, many times, while another thread does the same. */
static void *worker_main(void *arg) {
    struct worker *w = arg;
    size_t n = 0;
    int i;
    tx_registry *reg = w->reg != NULL ? w->reg : scenario();
    char *division = NULL;
    /* Identifier checks are safe from any thread (each keeps its own copy of the table). */
    CHECK_OK(tx_division_code_check("440304", &division));
    CHECK(division != NULL && strstr(division, "\"name\":\"福田区\"") != NULL);
    tx_string_free(division);
    for (i = 0; i < 50; i++) {
        CHECK(members(reg, "sz-zlh", DAY, "subtree") == 4);
        CHECK_STATUS(tx_registry_member_count(reg, w->missing, DAY, "direct", &n),
                     TX_STATUS_NOT_FOUND);
        CHECK_MESSAGE_HAS(w->missing);
    }
    if (w->reg == NULL) {
        tx_registry_free(reg);
    } else {
        /* Mutate the handed-over handle on this thread. */
        CHECK_OK(tx_registry_leave(reg, AT, ACTOR, "p4", "ft-street", "2024-07-01"));
    }
    w->failures = t_failures;
    return NULL;
}

static void test_threads(void) {
    struct worker a = {"missing-on-thread-a", NULL, 0};
    struct worker b = {"missing-on-thread-b", NULL, 0};
    struct worker c = {"missing-on-thread-c", NULL, 0};
    pthread_t ta;
    pthread_t tb;
    size_t n = 0;

    /* Two registries on two threads at once. */
    CHECK(pthread_create(&ta, NULL, worker_main, &a) == 0);
    CHECK(pthread_create(&tb, NULL, worker_main, &b) == 0);
    CHECK(pthread_join(ta, NULL) == 0);
    CHECK(pthread_join(tb, NULL) == 0);
    CHECK(a.failures == 0);
    CHECK(b.failures == 0);

    /* One handle created here, used and mutated on another thread, freed here. */
    CHECK_STATUS(tx_registry_member_count(NULL, "x", DAY, "direct", &n), TX_STATUS_NULL_ARGUMENT);
    c.reg = scenario();
    CHECK(pthread_create(&ta, NULL, worker_main, &c) == 0);
    CHECK(pthread_join(ta, NULL) == 0);
    CHECK(c.failures == 0);
    CHECK(members(c.reg, "sz-zlh", "2024-07-01", "subtree") == 3);
    tx_registry_free(c.reg);
}

/* ---------------------------------------------------------------- typed hot paths */

/* The JSON entry point's `eligible` for the same question: 1, 0, or -1 when it failed. */
static int json_eligible(const tx_registry *reg, const char *person, const char *org,
                         const char *date, const char *book) {
    char query[1024];
    char *out = NULL;
    int answer = -1;
    snprintf(query, sizeof query,
             "{\"question\":\"check\",\"member\":{\"person\":\"%s\"},\"org\":\"%s\","
             "\"as_of\":\"%s\"%s%s}",
             person, org, date, book ? ",\"book\":" : "", book ? book : "");
    if (tx_registry_rules_json(reg, query, &out) == TX_STATUS_OK) {
        answer = strstr(out, "\"eligible\":true") != NULL ? 1 : 0;
    }
    tx_string_free(out);
    return answer;
}

/* The typed check (explanations not wanted): 1, 0, or -1 when it failed. */
static int typed_eligible(const tx_registry *reg, const char *person, const char *org,
                          const char *date) {
    bool eligible = false;
    if (tx_registry_check_eligibility(reg, person, org, date, &eligible, NULL, NULL) !=
        TX_STATUS_OK) {
        return -1;
    }
    return eligible ? 1 : 0;
}

static const char *const PERSONS[] = {"p1", "p2", "p3", "p4", "p5"};
static const char *const ORGS[] = {"sz-zlh", "ft-zlh", "ft-street"};
static const char *const DAYS[] = {"2015-06-01", "2024-05-06", "2024-06-01", "2024-06-20"};

static void test_check_eligibility(void) {
    tx_registry *reg = rich_scenario();
    bool eligible = true;
    char *zh = NULL;
    char *en = NULL;
    size_t i;
    size_t j;
    size_t k;
    int yes = 0;
    int no = 0;

    /* The same answers as the JSON entry point, for every person, organization and day. */
    for (i = 0; i < sizeof PERSONS / sizeof PERSONS[0]; i++) {
        for (j = 0; j < sizeof ORGS / sizeof ORGS[0]; j++) {
            for (k = 0; k < sizeof DAYS / sizeof DAYS[0]; k++) {
                int typed = typed_eligible(reg, PERSONS[i], ORGS[j], DAYS[k]);
                CHECK(typed >= 0);
                CHECK(typed == json_eligible(reg, PERSONS[i], ORGS[j], DAYS[k], NULL));
                yes += typed == 1;
                no += typed == 0;
            }
        }
    }
    CHECK(yes > 0 && no > 0);

    /* With both explanations; then with one. */
    CHECK_OK(tx_registry_check_eligibility(reg, "p5", "ft-zlh", DAY, &eligible, &zh, &en));
    CHECK(!eligible);
    CHECK(zh != NULL && strstr(zh, "党派 = 中共党员，要求 ≠ 中共党员 ✗") != NULL);
    CHECK(en != NULL && strncmp(en, "person `p5` is not eligible for `ft-zlh`", 40) == 0);
    tx_string_free(zh);
    tx_string_free(en);
    en = NULL;
    CHECK_OK(tx_registry_check_eligibility(reg, "p1", "ft-street", DAY, &eligible, NULL, &en));
    CHECK(eligible);
    CHECK(en != NULL && strncmp(en, "person `p1` is eligible for `ft-street`", 39) == 0);
    tx_string_free(en);

    /* Failures leave every out-parameter untouched. */
    zh = NULL;
    en = NULL;
    eligible = true;
    CHECK_STATUS(tx_registry_check_eligibility(reg, "nobody", "ft-zlh", DAY, &eligible, &zh, &en),
                 TX_STATUS_NOT_FOUND);
    CHECK_STR(last_error(), "person `nobody` not found");
    CHECK_STATUS(tx_registry_check_eligibility(reg, "p1", "nowhere", DAY, &eligible, &zh, &en),
                 TX_STATUS_NOT_FOUND);
    CHECK_STR(last_error(), "organization `nowhere` not found");
    CHECK_STATUS(tx_registry_check_eligibility(reg, "p1", "ft-zlh", "2024-02-30", &eligible, &zh,
                                               &en),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `date`");
    CHECK_STATUS(tx_registry_check_eligibility(NULL, "p1", "ft-zlh", DAY, &eligible, &zh, &en),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `reg` is NULL");
    CHECK_STATUS(tx_registry_check_eligibility(reg, NULL, "ft-zlh", DAY, &eligible, &zh, &en),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `person_id` is NULL");
    CHECK_STATUS(tx_registry_check_eligibility(reg, "p1", NULL, DAY, &eligible, &zh, &en),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_check_eligibility(reg, "p1", "ft-zlh", NULL, &eligible, &zh, &en),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_check_eligibility(reg, "p1", "ft-zlh", DAY, NULL, &zh, &en),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `out_eligible` is NULL");
    CHECK_STATUS(tx_registry_check_eligibility(reg, BAD_UTF8, "ft-zlh", DAY, &eligible, &zh, &en),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_check_eligibility(reg, "p1", BAD_UTF8, DAY, &eligible, &zh, &en),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_check_eligibility(reg, "p1", "ft-zlh", BAD_UTF8, &eligible, &zh,
                                               &en),
                 TX_STATUS_INVALID_UTF8);
    CHECK(eligible && zh == NULL && en == NULL);
    tx_registry_free(reg);
}

/* Eligibility rule: must be a CPC member (so p1 is refused, p5 admitted). */
static const char *const CPC_ONLY_BOOK =
    "{\"common\":[{\"id\":\"cpc_only\",\"severity\":\"reject\",\"message_zh\":\"须为中共党员\","
    "\"message_en\":\"must be a CPC member\",\"body\":{\"type\":\"eligibility\","
    "\"when\":\"party == cpc\"}}]}";

static void test_set_rule_book_json(void) {
    tx_registry *reg = rich_scenario();
    size_t i;

    CHECK(typed_eligible(reg, "p1", "ft-street", DAY) == 1);
    CHECK_OK(tx_registry_set_rule_book_json(reg, CPC_ONLY_BOOK));
    for (i = 0; i < sizeof PERSONS / sizeof PERSONS[0]; i++) {
        int typed = typed_eligible(reg, PERSONS[i], "ft-street", DAY);
        CHECK(typed == (strcmp(PERSONS[i], "p5") == 0));
        CHECK(typed == json_eligible(reg, PERSONS[i], "ft-street", DAY, CPC_ONLY_BOOK));
    }
    /* The JSON entry point without a book keeps the standard one. */
    CHECK(json_eligible(reg, "p1", "ft-street", DAY, NULL) == 1);

    /* Refused books leave the installed one. */
    CHECK_STATUS(tx_registry_set_rule_book_json(reg, "{not json"), TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("book_json");
    CHECK_STATUS(tx_registry_set_rule_book_json(
                     reg, "{\"common\":[{\"id\":\"x\",\"severity\":\"reject\",\"message_zh\":"
                          "\"x\",\"message_en\":\"x\",\"body\":{\"type\":\"eligibility\","
                          "\"when\":\"no_such_attribute >= 3\"}}]}"),
                 TX_STATUS_RULE);
    CHECK_MESSAGE_HAS("no_such_attribute");
    CHECK_STATUS(tx_registry_set_rule_book_json(reg, BAD_UTF8), TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_set_rule_book_json(NULL, CPC_ONLY_BOOK), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `reg` is NULL");
    CHECK(typed_eligible(reg, "p1", "ft-street", DAY) == 0);

    /* NULL: back to the standard book. */
    CHECK_OK(tx_registry_set_rule_book_json(reg, NULL));
    CHECK(typed_eligible(reg, "p1", "ft-street", DAY) == 1);
    tx_registry_free(reg);
}

static void test_rollup_totals(void) {
    tx_registry *reg = rich_scenario();
    uint64_t totals[5];
    size_t written = 0;
    size_t n = org_count(reg);
    size_t i;
    size_t k;
    static const char *const days[] = {"2009-12-31", "2024-05-06", "2024-06-01", "2024-06-20"};

    CHECK(n == 3);
    /* Each total equals tx_registry_rollup_total of the organization at that index. */
    for (k = 0; k < sizeof days / sizeof days[0]; k++) {
        for (i = 0; i < 5; i++) {
            totals[i] = 99;
        }
        CHECK_OK(tx_registry_rollup_totals(reg, days[k], totals, 5, &written));
        CHECK(written == n);
        CHECK(totals[3] == 99 && totals[4] == 99);
        for (i = 0; i < n; i++) {
            char *id = NULL;
            CHECK_OK(tx_registry_organization_id_at(reg, i, &id));
            CHECK(id != NULL && totals[i] == rollup_total(reg, id, days[k]));
            tx_string_free(id);
        }
    }
    CHECK_OK(tx_registry_rollup_totals(reg, DAY, totals, 3, &written));
    CHECK(totals[0] == 5 && totals[1] == 5 && totals[2] == 4);

    /* Too short: the length needed, nothing written to the buffer. */
    totals[0] = 77;
    written = 0;
    CHECK_STATUS(tx_registry_rollup_totals(reg, DAY, totals, 2, &written),
                 TX_STATUS_BUFFER_TOO_SMALL);
    CHECK(written == 3 && totals[0] == 77);
    CHECK_MESSAGE_HAS("the registry has 3 organizations");
    written = 0;
    CHECK_STATUS(tx_registry_rollup_totals(reg, DAY, NULL, 0, &written),
                 TX_STATUS_BUFFER_TOO_SMALL);
    CHECK(written == 3);

    written = 42;
    CHECK_STATUS(tx_registry_rollup_totals(reg, "2024-06-31", totals, 5, &written),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("argument `date`");
    CHECK_STATUS(tx_registry_rollup_totals(NULL, DAY, totals, 5, &written),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `reg` is NULL");
    CHECK_STATUS(tx_registry_rollup_totals(reg, NULL, totals, 5, &written),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_rollup_totals(reg, DAY, NULL, 5, &written), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `out` is NULL but `out_len` is 5");
    CHECK_STATUS(tx_registry_rollup_totals(reg, DAY, totals, 5, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `out_written` is NULL");
    CHECK_STATUS(tx_registry_rollup_totals(reg, BAD_UTF8, totals, 5, &written),
                 TX_STATUS_INVALID_UTF8);
    CHECK(written == 42 && totals[0] == 77);
    tx_registry_free(reg);
}

static void test_organization_id_at(void) {
    tx_registry *reg = scenario();
    char *id = NULL;
    size_t i;

    for (i = 0; i < sizeof ORGS / sizeof ORGS[0]; i++) {
        CHECK_OK(tx_registry_organization_id_at(reg, i, &id));
        CHECK_STR(id, ORGS[i]);
        tx_string_free(id);
        id = NULL;
    }
    CHECK_STATUS(tx_registry_organization_id_at(reg, 3, &id), TX_STATUS_INVALID_ARGUMENT);
    CHECK_STR(last_error(), "argument `index`: 3 is out of range, the registry has 3 organizations");
    CHECK_STATUS(tx_registry_organization_id_at(reg, (size_t)-1, &id), TX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(tx_registry_organization_id_at(NULL, 0, &id), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_organization_id_at(reg, 0, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STR(last_error(), "argument `out_id` is NULL");
    CHECK(id == NULL);
    tx_registry_free(reg);
}

/* ---------------------------------------------------------------- main */

struct test {
    const char *name;
    void (*run)(void);
};

#define T(f) {#f, f}

/* The registry's own rule book, set by the journaled `set_rule_book` command: a reject rule
 * refuses a join (registry unchanged, byte for byte), a warn rule shows in the event JSON. */
static const char *const SET_BOOK =
    "{\"type\":\"set_rule_book\",\"book\":{\"common\":["
    "{\"id\":\"not_cpc\",\"severity\":\"reject\",\"message_zh\":\"须为党外人士\","
    "\"message_en\":\"must not be a CPC member\",\"body\":{\"type\":\"eligibility\","
    "\"when\":\"party != cpc\"}},"
    "{\"id\":\"senior_title\",\"severity\":\"warn\",\"message_zh\":\"宜具有正高级职称\","
    "\"message_en\":\"should hold a senior title\",\"body\":{\"type\":\"eligibility\","
    "\"when\":\"title >= senior\"}}]}}";

static void test_registry_rule_book(void) {
    tx_registry *reg = scenario();
    char *event = NULL;
    char *before = NULL;
    char *after = NULL;
    const char *join_p4 = "{\"type\":\"join\",\"membership\":{\"member\":{\"person\":\"p4\"},"
                          "\"org\":\"sz-zlh\",\"role\":\"member\",\"start\":\"2024-06-01\"}}";

    CHECK_OK(tx_registry_add_person(reg, AT, ACTOR, "p5", "赵强", "cpc", "none", "none"));
    CHECK_OK(tx_registry_apply_json(reg, META, SET_BOOK, &event));
    CHECK(event != NULL && strstr(event, "\"type\":\"set_rule_book\"") != NULL);
    tx_string_free(event);
    event = NULL;

    /* Refused by `not_cpc`: the status, the message, and not a byte changed. */
    CHECK_OK(tx_registry_to_json(reg, &before));
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p5", "sz-zlh", "member", "2024-06-01"),
                 TX_STATUS_RULE_VIOLATION);
    CHECK_MESSAGE_HAS("person `p5` cannot join `sz-zlh`: rule `not_cpc`");
    CHECK_MESSAGE_HAS("must not be a CPC member");
    CHECK_MESSAGE_HAS("须为党外人士");
    CHECK_OK(tx_registry_to_json(reg, &after));
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
    tx_string_free(after);
    after = NULL;

    /* Accepted with a warning: p4 has an intermediate title. */
    CHECK_OK(tx_registry_apply_json(reg, META, join_p4, &event));
    CHECK(event != NULL && strstr(event, "\"warnings\":[{\"rule\":\"senior_title\"") != NULL);
    CHECK(event != NULL && strstr(event, "should hold a senior title") != NULL);
    tx_string_free(event);
    event = NULL;

    /* A book that does not compile is refused; the installed one stays. */
    CHECK_STATUS(tx_registry_apply_json(
                     reg, META,
                     "{\"type\":\"set_rule_book\",\"book\":{\"common\":[{\"id\":\"x\","
                     "\"severity\":\"reject\",\"message_zh\":\"x\",\"message_en\":\"x\","
                     "\"body\":{\"type\":\"eligibility\",\"when\":\"no_such_attribute >= 3\"}}]}}",
                     &event),
                 TX_STATUS_INVALID_RULE_BOOK);
    CHECK_MESSAGE_HAS("no_such_attribute");
    CHECK(event == NULL);
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p5", "sz-zlh", "member", "2024-06-01"),
                 TX_STATUS_RULE_VIOLATION);

    /* The book survives a snapshot round trip. */
    tx_string_free(before);
    before = NULL;
    CHECK_OK(tx_registry_to_json(reg, &before));
    tx_registry_free(reg);
    reg = NULL;
    CHECK_OK(tx_registry_from_json(before, &reg));
    CHECK_STATUS(tx_registry_join(reg, AT, ACTOR, "p5", "sz-zlh", "member", "2024-06-01"),
                 TX_STATUS_RULE_VIOLATION);

    /* `"book":null` ends enforcement: p5 joins, without warnings. */
    CHECK_OK(tx_registry_apply_json(reg, META, "{\"type\":\"set_rule_book\",\"book\":null}",
                                    &event));
    tx_string_free(event);
    event = NULL;
    CHECK_OK(tx_registry_join(reg, AT, ACTOR, "p5", "sz-zlh", "member", "2024-06-01"));
    tx_string_free(before);
    tx_registry_free(reg);
}

/* ---------------------------------------------------------------- tamper-evident journal */

static void test_journal_chain(void) {
    tx_registry *reg = scenario();
    tx_registry *none = NULL;
    char *head = NULL;
    char *journal = NULL;
    char *verified = NULL;
    char *tampered = NULL;
    char *json = NULL;
    char *bad_snapshot = NULL;
    uint64_t bad_seq = 0;
    char *empty_head = NULL;
    tx_registry *empty = tx_registry_new();

    /* The head: 64 lowercase hex digits; an empty journal's is all zeros. */
    CHECK_OK(tx_registry_journal_head(reg, &head));
    CHECK(head != NULL && strlen(head) == 64 && strspn(head, "0123456789abcdef") == 64);
    CHECK_OK(tx_registry_journal_head(empty, &empty_head));
    CHECK_STR(empty_head, "0000000000000000000000000000000000000000000000000000000000000000");

    /* The journal (each event with its `prev`) verifies to the same head. */
    CHECK_OK(tx_registry_query_json(reg, "{\"type\":\"journal\"}", &journal));
    CHECK(journal != NULL && strstr(journal, "\"prev\":\"0000000000") != NULL);
    CHECK_OK(tx_verify_journal_json(journal, head, &verified, &bad_seq));
    CHECK_STR(verified, head);
    CHECK(bad_seq == 0);
    tx_string_free(verified);
    verified = NULL;
    CHECK_OK(tx_verify_journal_json(journal, NULL, &verified, NULL));
    CHECK_STR(verified, head);
    tx_string_free(verified);
    verified = NULL;

    /* Event 1 edited: refused at event 1, the seq written to out_bad_seq. */
    tampered = replace_first(journal, "\"actor\":\"clerk\"", "\"actor\":\"clerc\"");
    CHECK(tampered != NULL);
    CHECK_STATUS(tx_verify_journal_json(tampered, head, &verified, &bad_seq),
                 TX_STATUS_JOURNAL_TAMPERED);
    CHECK_MESSAGE_HAS("journal tampered at event 1 (altered)");
    CHECK(bad_seq == 1);
    CHECK(verified == NULL);
    CHECK((int)TX_STATUS_JOURNAL_TAMPERED == 905);
    CHECK_STR(tx_status_name(TX_STATUS_JOURNAL_TAMPERED), "journal_tampered");
    /* Another head than the one kept: the journal does not end where it should. */
    bad_seq = 0;
    CHECK_STATUS(tx_verify_journal_json(journal,
                                        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                                        &verified, &bad_seq),
                 TX_STATUS_JOURNAL_TAMPERED);
    CHECK_MESSAGE_HAS("(head_mismatch)");
    CHECK(bad_seq > 1);

    /* A snapshot whose journal was edited does not load, naming the event. */
    CHECK_OK(tx_registry_to_json(reg, &json));
    bad_snapshot = replace_first(json, "\"actor\": \"clerk\"", "\"actor\": \"clerc\"");
    CHECK(bad_snapshot != NULL);
    CHECK_STATUS(tx_registry_from_json(bad_snapshot, &none), TX_STATUS_JOURNAL_TAMPERED);
    CHECK_MESSAGE_HAS("event 1 (altered)");
    CHECK(none == NULL);

    /* Bad arguments. */
    CHECK_STATUS(tx_verify_journal_json(journal, "xyz", &verified, NULL),
                 TX_STATUS_INVALID_ARGUMENT);
    CHECK_MESSAGE_HAS("expected_head");
    CHECK_STATUS(tx_verify_journal_json("[{\"seq\":1}]", NULL, &verified, NULL),
                 TX_STATUS_INVALID_JSON);
    CHECK_MESSAGE_HAS("journal_json");
    CHECK_STATUS(tx_verify_journal_json("not json", NULL, &verified, NULL),
                 TX_STATUS_INVALID_JSON);
    CHECK_STATUS(tx_verify_journal_json(NULL, NULL, &verified, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_verify_journal_json(journal, NULL, NULL, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_verify_journal_json(BAD_UTF8, NULL, &verified, NULL),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_verify_journal_json(journal, BAD_UTF8, &verified, NULL),
                 TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_journal_head(NULL, &verified), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_journal_head(reg, NULL), TX_STATUS_NULL_ARGUMENT);
    CHECK(verified == NULL);

    free(tampered);
    free(bad_snapshot);
    tx_string_free(json);
    tx_string_free(journal);
    tx_string_free(head);
    tx_string_free(empty_head);
    tx_registry_free(empty);
    tx_registry_free(reg);
}

/* ---------------------------------------------------------------- scoped operators */

static const char *const ROOT_META = "{\"at\":\"2024-06-01T10:00:00\",\"actor\":\"root\"}";
static const char *const CLERK_META = "{\"at\":\"2024-06-01T10:00:00\",\"actor\":\"ft-clerk\"}";
static const char *const VIEWER_META = "{\"at\":\"2024-06-01T10:00:00\",\"actor\":\"ft-viewer\"}";

/* The scenario with p9 (resident ID 11010519491231002X) in ft-street and three operators:
 * root (administrator of everything), ft-clerk (editor over ft-zlh), ft-viewer (viewer over
 * ft-street). */
static tx_registry *scoped_scenario(void) {
    static const char *const commands =
        "[{\"type\":\"add_person\",\"person\":{\"id\":\"p9\",\"name\":\"赵九\","
        "\"party\":\"non_party\",\"title\":\"senior\",\"stratum\":\"none\","
        "\"resident_id\":\"11010519491231002X\"}},"
        "{\"type\":\"join\",\"membership\":{\"member\":{\"person\":\"p9\"},\"org\":\"ft-street\","
        "\"role\":\"member\",\"start\":\"2024-05-07\"}},"
        "{\"type\":\"set_operator\",\"operator\":{\"id\":\"root\",\"name\":\"市管理员\","
        "\"grants\":[{\"role\":\"administrator\"}]}},"
        "{\"type\":\"set_operator\",\"operator\":{\"id\":\"ft-clerk\",\"name\":\"福田录入员\","
        "\"grants\":[{\"role\":\"editor\",\"org\":\"ft-zlh\"}]}},"
        "{\"type\":\"set_operator\",\"operator\":{\"id\":\"ft-viewer\",\"name\":\"街道查询员\","
        "\"grants\":[{\"role\":\"viewer\",\"org\":\"ft-street\"}]}}]";
    tx_registry *reg = scenario();
    size_t applied = 0;
    size_t failed = 0;
    CHECK_OK(tx_registry_apply_batch_json(reg, META, commands, &applied, &failed));
    CHECK(applied == 5);
    return reg;
}

/* Whether a buffer contains a text (buffers are not NUL-terminated). */
static int bytes_contain(const tx_bytes *b, const char *text) {
    size_t n = strlen(text);
    size_t i;
    for (i = 0; b->data != NULL && i + n <= b->len; i++) {
        if (memcmp(b->data + i, text, n) == 0) {
            return 1;
        }
    }
    return 0;
}

static size_t journal_events(const tx_registry *reg) {
    char *head = NULL;
    size_t n = 0;
    const char *at;
    CHECK_OK(tx_registry_query_json(reg, "{\"type\":\"journal_head\"}", &head));
    at = head ? strstr(head, "\"events\":") : NULL;
    if (at != NULL) {
        n = (size_t)strtoul(at + 9, NULL, 10);
    }
    tx_string_free(head);
    return n;
}

static void test_scoped_operators(void) {
    static const char *const JOIN_P1 =
        "{\"type\":\"join\",\"membership\":{\"member\":{\"person\":\"p1\"},\"org\":\"ft-street\","
        "\"role\":\"member\",\"start\":\"2024-06-01\"}}";
    static const char *const ADD_UNDER_FT =
        "{\"type\":\"add_organization\",\"parent\":\"ft-zlh\",\"relation\":\"part_of\","
        "\"org\":{\"id\":\"ft-2\",\"name\":\"福田二分会\",\"kind\":\"zhilianhui\","
        "\"level\":\"subdistrict\",\"division_code\":\"440304005\",\"founded\":\"2024-06-01\"}}";
    static const char *const ADD_UNDER_SZ =
        "{\"type\":\"add_organization\",\"parent\":\"sz-zlh\",\"org\":{\"id\":\"ns\","
        "\"name\":\"南山区知联会\",\"kind\":\"zhilianhui\",\"level\":\"district\","
        "\"division_code\":\"440305\",\"founded\":\"2024-06-01\"}}";
    static const char *const ROLLUP = "{\"stat\":\"rollup\",\"as_of\":\"2024-06-01\"}";
    tx_registry *reg = scoped_scenario();
    char *before = snapshot(reg);
    char *after = NULL;
    char *out = NULL;
    size_t applied = 99;
    size_t failed = 99;
    tx_bytes f[4] = {{NULL, 0}, {NULL, 0}, {NULL, 0}, {NULL, 0}};
    size_t events;
    char batch[1024];

    /* Refusals: a viewer editing, an unknown operator, an editor outside its subtree. Each
     * names the operator and changes nothing. */
    CHECK_STATUS(tx_registry_apply_as_json(reg, VIEWER_META, JOIN_P1, &out),
                 TX_STATUS_ACCESS_DENIED);
    CHECK_MESSAGE_HAS("operator `ft-viewer` may not join: that needs editor rights over "
                      "organization `ft-street`");
    CHECK(out == NULL);
    CHECK_STATUS(tx_registry_apply_as_json(
                     reg, "{\"at\":\"2024-06-01T10:00:00\",\"actor\":\"nobody\"}", JOIN_P1, &out),
                 TX_STATUS_ACCESS_DENIED);
    CHECK_MESSAGE_HAS("no operator with that id is registered");
    CHECK_STATUS(tx_registry_apply_as_json(reg, CLERK_META, ADD_UNDER_SZ, &out),
                 TX_STATUS_ACCESS_DENIED);
    CHECK_MESSAGE_HAS("organization `sz-zlh`");
    CHECK_STR(tx_status_name(TX_STATUS_ACCESS_DENIED), "access_denied");
    CHECK((int)TX_STATUS_ACCESS_DENIED == 601);
    after = snapshot(reg);
    CHECK_STR(after, before);
    tx_string_free(after);

    /* Allowed: the event names the operator. */
    CHECK_OK(tx_registry_apply_as_json(reg, CLERK_META, ADD_UNDER_FT, &out));
    CHECK(out != NULL && strstr(out, "\"actor\":\"ft-clerk\"") != NULL);
    tx_string_free(out);
    out = NULL;

    /* A batch refused at its third command applies nothing and names the index. */
    snprintf(batch, sizeof batch, "[%s,%s,%s]", JOIN_P1,
             "{\"type\":\"leave\",\"member\":{\"person\":\"p1\"},\"org\":\"ft-street\","
             "\"date\":\"2024-07-01\"}",
             ADD_UNDER_SZ);
    tx_string_free(before);
    before = snapshot(reg);
    CHECK_STATUS(tx_registry_apply_batch_as_json(reg, CLERK_META, batch, &applied, &failed),
                 TX_STATUS_ACCESS_DENIED);
    CHECK(failed == 2 && applied == 99);
    CHECK_MESSAGE_HAS("command [2] (add_organization)");
    after = snapshot(reg);
    CHECK_STR(after, before);
    tx_string_free(after);

    /* Queries: masked for the viewer, whole for the editor, refused outside. */
    CHECK_OK(tx_registry_query_as_json(reg, "ft-viewer", "{\"type\":\"person\",\"id\":\"p9\"}",
                                       &out));
    CHECK(out != NULL && strstr(out, "\"resident_id\":\"110105********002X\"") != NULL);
    tx_string_free(out);
    CHECK_OK(tx_registry_query_as_json(reg, "ft-clerk", "{\"type\":\"person\",\"id\":\"p9\"}",
                                       &out));
    CHECK(out != NULL && strstr(out, "\"resident_id\":\"11010519491231002X\"") != NULL);
    tx_string_free(out);
    out = NULL;
    CHECK_STATUS(tx_registry_query_as_json(reg, "ft-viewer",
                                           "{\"type\":\"organization\",\"id\":\"sz-zlh\"}", &out),
                 TX_STATUS_ACCESS_DENIED);
    CHECK_OK(tx_registry_query_as_json(reg, "ft-viewer",
                                       "{\"type\":\"roots\",\"date\":\"2024-06-01\"}", &out));
    CHECK_STR(out, "[\"ft-street\"]");
    tx_string_free(out);

    /* Statistics: the viewer's rollup has ft-street's row only (p2, p3, p4, p9). */
    CHECK_OK(tx_registry_stats_as_json(reg, "ft-viewer", ROLLUP, &out));
    CHECK(out != NULL && strstr(out, "\"org_id\":\"ft-street\",\"total\":4") != NULL);
    CHECK(out != NULL && strstr(out, "sz-zlh") == NULL);
    tx_string_free(out);
    CHECK_OK(tx_registry_stats_as_csv(reg, "ft-viewer", ROLLUP, &out));
    CHECK(out != NULL && occurrences(out, "\n") == 2);
    tx_string_free(out);
    out = NULL;
    CHECK_STATUS(tx_registry_rules_as_json(reg, "ft-viewer",
                                           "{\"question\":\"audit\",\"as_of\":\"2024-06-01\"}",
                                           &out),
                 TX_STATUS_ACCESS_DENIED);
    CHECK_MESSAGE_HAS("over the whole registry");

    /* Exports: unmasked is for administrators and journaled; refused ones leave no trace. */
    events = journal_events(reg);
    CHECK_STATUS(tx_registry_export_rosters_as(reg, CLERK_META, "{\"unmask_resident_ids\":true}",
                                               &f[0], &f[1], &f[2], &f[3]),
                 TX_STATUS_ACCESS_DENIED);
    CHECK(f[0].data == NULL && journal_events(reg) == events);
    CHECK_OK(tx_registry_export_rosters_as(reg, ROOT_META, "{\"unmask_resident_ids\":true}",
                                           &f[0], &f[1], &f[2], &f[3]));
    CHECK(bytes_contain(&f[1], "11010519491231002X"));
    CHECK(journal_events(reg) == events + 1);
    free_all(f, 4);
    CHECK_OK(tx_registry_export_popolo_as(reg, VIEWER_META, NULL, &out));
    CHECK(out != NULL && strstr(out, "\"ft-street\"") != NULL && strstr(out, "\"sz-zlh\"") == NULL);
    CHECK(out != NULL && strstr(out, "11010519491231002X") == NULL);
    tx_string_free(out);

    /* Argument checks. */
    CHECK_STATUS(tx_registry_query_as_json(reg, NULL, "{\"type\":\"counts\"}", &out),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_stats_as_json(reg, BAD_UTF8, ROLLUP, &out), TX_STATUS_INVALID_UTF8);
    CHECK_STATUS(tx_registry_stats_as_csv(NULL, "root", ROLLUP, &out), TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_rules_as_json(reg, "root", "{", &out), TX_STATUS_INVALID_JSON);
    CHECK_STATUS(tx_registry_apply_as_json(reg, "{}", JOIN_P1, &out), TX_STATUS_INVALID_JSON);
    CHECK_STATUS(tx_registry_apply_batch_as_json(reg, CLERK_META, NULL, &applied, &failed),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_export_rosters_as(reg, CLERK_META, NULL, NULL, &f[1], &f[2], &f[3]),
                 TX_STATUS_NULL_ARGUMENT);
    CHECK_STATUS(tx_registry_export_popolo_as(reg, NULL, NULL, &out), TX_STATUS_NULL_ARGUMENT);

    tx_string_free(before);
    tx_registry_free(reg);
}

/* ---------------------------------------------------------------- import progress */

struct progress_log {
    int calls;
    int monotone;
    tx_import_stage first_stage, last_stage;
    uint64_t first_done, last_done, last_total;
    int applying_starts;
};

static void record_progress(void *user_data, tx_import_stage stage, uint64_t done,
                            uint64_t total) {
    struct progress_log *log = user_data;
    if (log->calls == 0) {
        log->first_stage = stage;
        log->first_done = done;
    } else if (stage == log->last_stage && done < log->last_done) {
        log->monotone = 0;
    }
    if (done > total) {
        log->monotone = 0;
    }
    if (stage == TX_IMPORT_STAGE_APPLYING && done == 0) {
        log->applying_starts++;
    }
    log->calls++;
    log->last_stage = stage;
    log->last_done = done;
    log->last_total = total;
}

static void test_import_progress(void) {
    tx_registry *reg = tx_registry_new();
    tx_registry *other = tx_registry_new();
    struct progress_log log = {0, 1, TX_IMPORT_STAGE_READING, TX_IMPORT_STAGE_READING, 0, 0, 0, 0};
    char *summary = NULL;
    char *report = NULL;

    CHECK_OK(tx_registry_set_import_progress(reg, record_progress, &log));
    CHECK_OK(tx_registry_check_rosters(reg, META, BYTES(ORGS_CSV), BYTES(PERSONS_CSV),
                                       BYTES(MEMBERSHIPS_CSV), BYTES(ENTERPRISES_CSV), NULL,
                                       &report));
    tx_string_free(report);
    /* Reading starts at 0, applying ends at its total: start and end of each stage. */
    CHECK(log.calls == 4 && log.monotone && log.applying_starts == 1);
    CHECK(log.first_stage == TX_IMPORT_STAGE_READING && log.first_done == 0);
    CHECK(log.last_stage == TX_IMPORT_STAGE_APPLYING && log.last_done == log.last_total);
    CHECK(log.last_total == 9); /* 3 organizations, 1 enterprise, 2 persons, 3 memberships */

    log.calls = 0;
    log.applying_starts = 0;
    CHECK_OK(tx_registry_import_rosters(reg, META, BYTES(ORGS_CSV), BYTES(PERSONS_CSV),
                                        BYTES(MEMBERSHIPS_CSV), BYTES(ENTERPRISES_CSV), NULL,
                                        &summary, NULL));
    CHECK_STR(summary, IMPORT_SUMMARY);
    tx_string_free(summary);
    CHECK(log.calls == 4 && log.monotone && log.applying_starts == 1);

    /* Removed: no more calls; another handle never had one. */
    CHECK_OK(tx_registry_set_import_progress(reg, NULL, NULL));
    log.calls = 0;
    CHECK_OK(tx_registry_check_rosters(reg, META, BYTES(ORGS_CSV), NULL, 0, NULL, 0, NULL, 0,
                                       NULL, &report));
    tx_string_free(report);
    CHECK_OK(tx_registry_import_rosters(other, META, BYTES(ORGS_CSV), BYTES(PERSONS_CSV),
                                        BYTES(MEMBERSHIPS_CSV), BYTES(ENTERPRISES_CSV), NULL,
                                        &summary, NULL));
    tx_string_free(summary);
    CHECK(log.calls == 0);
    CHECK_STATUS(tx_registry_set_import_progress(NULL, record_progress, &log),
                 TX_STATUS_NULL_ARGUMENT);

    tx_registry_free(other);
    tx_registry_free(reg);
}

int main(void) {
    static const struct test tests[] = {
        T(test_version),          T(test_status_names_and_numbers), T(test_new_and_free),
        T(test_last_error_message), T(test_add_organization),       T(test_add_person),
        T(test_join_and_leave),   T(test_is_member_in_subtree),     T(test_member_count),
        T(test_organization_count), T(test_apply_json),             T(test_apply_batch_json),
        T(test_query_json),       T(test_snapshot_round_trip),      T(test_stats_json),
        T(test_stats_csv),        T(test_rollup_total),             T(test_resident_id_check),
        T(test_credit_code_check), T(test_division_code_check),     T(test_import_rosters),
        T(test_check_rosters),    T(test_export_rosters),           T(test_popolo),
        T(test_threads),          T(test_rules_json),               T(test_check_eligibility),
        T(test_set_rule_book_json), T(test_rollup_totals),          T(test_organization_id_at),
        T(test_registry_rule_book), T(test_journal_chain),          T(test_scoped_operators),
        T(test_import_progress),
    };
    size_t i;
    int passed = 0;
    int failed = 0;
    for (i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        t_failures = 0;
        tests[i].run();
        if (t_failures == 0) {
            passed++;
            printf("ok   %s\n", tests[i].name);
        } else {
            failed++;
            printf("FAIL %s (%d checks)\n", tests[i].name, t_failures);
        }
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
