/*
 * quickstart.c: a small registry through libtongxin's C ABI.
 *
 * A municipal zhilianhui (Shenzhen), a district one it guides (Futian), and a street branch
 * that is part of the district one; four persons and their memberships. Prints the subtree,
 * distinct member counts under the three scopes, a rollup by party (distinct persons in each
 * organization's subtree, as the core's CSV table), an eligibility explanation from the core's
 * rules, a command the rules reject (with its status name and message), and a snapshot round
 * trip; frees everything.
 *
 * Build: make (plain Makefile) or cmake (CMakeLists.txt), see this directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tongxin.h>

static const char *const AT = "2024-05-07T09:00:00";
static const char *const ACTOR = "clerk";
static const char *const DAY = "2024-06-01";
/* The statistic asked for, as the core names it: `stats::rollup` on a day, by party. */
static const char *const BY_PARTY =
    "{\"stat\":\"rollup\",\"as_of\":\"2024-06-01\",\"by\":\"party\"}";

/* An eligibility question for the core's rules engine: may p4 join sz-zlh on the day? */
static const char *const P4_CHECK =
    "{\"question\":\"check\",\"member\":{\"person\":\"p4\"},\"org\":\"sz-zlh\","
    "\"as_of\":\"2024-06-01\"}";

/* Prints the status and the thread's last error message, then exits. */
static void die(tx_status status, const char *what) {
    char message[1024];
    size_t len = 0;
    if (tx_last_error_message(message, sizeof message, &len) != TX_STATUS_OK) {
        message[0] = '\0'; /* a truncated message still ends in NUL */
    }
    fprintf(stderr, "%s failed: %s (%d): %s\n", what, tx_status_name((int32_t)status),
            (int)status, message);
    exit(1);
}

static void check(tx_status status, const char *what) {
    if (status != TX_STATUS_OK) {
        die(status, what);
    }
}

static void add_org(tx_registry *reg, const char *id, const char *name, const char *level,
                    const char *code, const char *founded, const char *parent,
                    const char *relation) {
    check(tx_registry_add_organization(reg, AT, ACTOR, id, name, "zhilianhui", level, code,
                                       founded, parent, relation),
          id);
}

/* Prints each line of `text` after `prefix`. */
static void print_lines(const char *prefix, const char *text) {
    while (*text != '\0') {
        const char *end = strchr(text, '\n');
        int len = end != NULL ? (int)(end - text) : (int)strlen(text);
        printf("%s%.*s\n", prefix, len, text);
        text += len + (end != NULL ? 1 : 0);
    }
}

static size_t count(const tx_registry *reg, const char *org, const char *scope) {
    size_t n = 0;
    check(tx_registry_member_count(reg, org, DAY, scope, &n), "member_count");
    return n;
}

int main(void) {
    tx_registry *reg = tx_registry_new();
    tx_registry *loaded = NULL;
    char *json = NULL;
    char *again = NULL;
    char *csv = NULL;
    size_t orgs = 0;
    size_t total = 0;
    bool in_subtree = false;
    tx_status st;
    char message[1024];
    size_t len = 0;
    const char *explanation = NULL;
    const char *last = NULL;
    const char *orgs_to_count[] = {"sz-zlh", "ft-zlh"};
    size_t i;

    if (reg == NULL) {
        fputs("tx_registry_new failed\n", stderr);
        return 1;
    }
    printf("libtongxin %s (header %d.%d.%d)\n", tx_version(), TX_VERSION_MAJOR, TX_VERSION_MINOR,
           TX_VERSION_PATCH);

    /* Organizations: Shenzhen guides Futian; the Futian street branch is part of Futian. */
    add_org(reg, "sz-zlh", "深圳市知联会", "municipal", "4403", "2010-01-01", NULL, "guidance");
    add_org(reg, "ft-zlh", "福田区知联会", "district", "440304", "2015-01-01", "sz-zlh",
            "guidance");
    add_org(reg, "ft-street", "福田区知联会福田街道分会", "subdistrict", "440304004",
            "2024-05-07", "ft-zlh", "part_of");

    /* Persons and memberships (p1 belongs to two organizations, p2 to two as well). */
    check(tx_registry_add_person(reg, AT, ACTOR, "p1", "张伟", "non_party", "senior", "none"), "p1");
    check(tx_registry_add_person(reg, AT, ACTOR, "p2", "李娜", "min_meng", "intermediate", "none"),
          "p2");
    check(tx_registry_add_person(reg, AT, ACTOR, "p3", "王芳", "jiu_san", "associate_senior",
                                 "none"),
          "p3");
    check(tx_registry_add_person(reg, AT, ACTOR, "p4", "陈刚", "non_party", "intermediate",
                                 "none"),
          "p4");
    check(tx_registry_join(reg, AT, ACTOR, "p1", "sz-zlh", "president", "2020-01-01"), "join");
    check(tx_registry_join(reg, AT, ACTOR, "p1", "ft-zlh", "member", "2020-01-01"), "join");
    check(tx_registry_join(reg, AT, ACTOR, "p2", "ft-zlh", "vice_president", "2021-03-01"),
          "join");
    check(tx_registry_join(reg, AT, ACTOR, "p2", "ft-street", "council", "2024-05-07"), "join");
    check(tx_registry_join(reg, AT, ACTOR, "p3", "ft-street", "member", "2024-05-07"), "join");
    check(tx_registry_join(reg, AT, ACTOR, "p4", "ft-street", "member", "2024-05-07"), "join");

    /* The subtree, as JSON. */
    check(tx_registry_query_json(reg, "{\"type\":\"subtree\",\"org\":\"sz-zlh\",\"date\":\"2024-06-01\"}",
                                 &json),
          "subtree");
    printf("subtree of sz-zlh on %s: %s\n", DAY, json);
    tx_string_free(json);
    json = NULL;

    /* Distinct members under each scope. */
    for (i = 0; i < sizeof orgs_to_count / sizeof orgs_to_count[0]; i++) {
        const char *org = orgs_to_count[i];
        printf("members of %s on %s: direct=%zu with_branches=%zu subtree=%zu\n", org, DAY,
               count(reg, org, "direct"), count(reg, org, "with_branches"),
               count(reg, org, "subtree"));
    }
    check(tx_registry_is_member_in_subtree(reg, "p3", "sz-zlh", DAY, &in_subtree), "in_subtree");
    printf("p3 in the subtree of sz-zlh on %s: %s\n", DAY, in_subtree ? "yes" : "no");

    /* Distinct persons in every organization's subtree, by party: the core's rollup as CSV. */
    check(tx_registry_stats_csv(reg, BY_PARTY, &csv), "stats_csv");
    print_lines("rollup by party on 2024-06-01: ", csv);
    tx_string_free(csv);
    check(tx_registry_rollup_total(reg, "sz-zlh", DAY, &total), "rollup_total");
    printf("rollup total of sz-zlh on %s: %zu distinct persons\n", DAY, total);

    /* Whether p4 may join sz-zlh, with the core rules' explanation (the standard rule book). */
    check(tx_registry_rules_json(reg, P4_CHECK, &json), "rules_json");
    /* The check's explanation_en is the answer's last field (each rule outcome has its own
     * before it): print it as the JSON string it is. */
    for (explanation = strstr(json, "\"explanation_en\":"); explanation != NULL;
         explanation = strstr(explanation + 1, "\"explanation_en\":")) {
        last = explanation;
    }
    explanation = last;
    if (explanation == NULL) {
        fputs("no explanation_en in the answer\n", stderr);
        return 1;
    }
    explanation += strlen("\"explanation_en\":");
    printf("eligibility of p4 for sz-zlh on %s: %.*s\n", DAY, (int)(strlen(explanation) - 1),
           explanation);
    tx_string_free(json);
    json = NULL;

    /* A branch cannot sit above its parent: rejected, nothing changes. */
    st = tx_registry_add_organization(reg, AT, ACTOR, "bad", "bad", "zhilianhui", "municipal",
                                      "4403", "2024-06-01", "ft-zlh", "part_of");
    if (st == TX_STATUS_OK) {
        fputs("expected a rejection\n", stderr);
        return 1;
    }
    if (tx_last_error_message(message, sizeof message, &len) != TX_STATUS_OK) {
        message[0] = '\0';
    }
    printf("rejected: %s (%d): %s\n", tx_status_name((int32_t)st), (int)st, message);

    /* Snapshot round trip. */
    check(tx_registry_to_json(reg, &json), "to_json");
    check(tx_registry_from_json(json, &loaded), "from_json");
    check(tx_registry_organization_count(loaded, &orgs), "organization_count");
    check(tx_registry_to_json(loaded, &again), "to_json");
    printf("snapshot: %zu bytes, reloaded with %zu organizations, identical: %s\n", strlen(json),
           orgs, strcmp(json, again) == 0 ? "yes" : "no");

    tx_string_free(again);
    tx_string_free(json);
    tx_registry_free(loaded);
    tx_registry_free(reg);
    return 0;
}
