/*
 * test_cli_help.c -- the help of every command against the README: `hwsweep
 * --help` exits 0 and names every command of the README's "## Commands"
 * block and of the dispatch table; each `hwsweep CMD --help` exits 0, starts
 * with its usage line and mentions every --option that a README line
 * naming `hwsweep CMD` gives it.  Runs bin/hwsweep from the repository root.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CMDS 32
#define OUT_MAX (1 << 16)

/* Run cmd, its stdout and stderr into out; the exit status. */
static int run(const char *cmd, char *out, size_t len)
{
    char full[512];
    snprintf(full, sizeof full, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    int rc = pclose(p);
    return rc == -1 ? -1 : (rc >> 8) & 0xff;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

/* The command names of the README's "## Commands" code block. */
static size_t readme_commands(const char *readme, char names[][32])
{
    const char *sec = strstr(readme, "\n## Commands\n");
    ck_assert_ptr_nonnull(sec);
    const char *open = strstr(sec, "\n```\n"), *close = open ? strstr(open + 5, "\n```") : NULL;
    ck_assert_ptr_nonnull(close);
    size_t n = 0;
    for (const char *l = open + 5; l < close; l = strchr(l, '\n') + 1) {
        char name[32];
        if (sscanf(l, "hwsweep %31[a-z]", name) == 1) {
            size_t i = 0;
            while (i < n && strcmp(names[i], name) != 0)
                i++;
            if (i == n && n < MAX_CMDS)
                snprintf(names[n++], 32, "%s", name);
        }
    }
    return n;
}

START_TEST(test_top_help)
{
    char *readme = slurp("README.md");
    char names[MAX_CMDS][32];
    size_t n = readme_commands(readme, names);
    ck_assert_uint_ge(n, 12);
    static char out[OUT_MAX];
    ck_assert_int_eq(run("bin/hwsweep --help", out, sizeof out), 0);
    for (size_t i = 0; i < n; i++) {
        char want[48];
        snprintf(want, sizeof want, "\n  %s ", names[i]);
        ck_assert_msg(strstr(out, want), "hwsweep --help does not list '%s'", names[i]);
    }
    /* and every command it lists is in the README's block */
    size_t listed = 0;
    for (const char *l = strstr(out, "commands:\n"); l && (l = strstr(l, "\n  ")) != NULL; l += 3) {
        char name[32];
        if (sscanf(l + 3, "%31[a-z]", name) != 1)
            break;
        size_t i = 0;
        while (i < n && strcmp(names[i], name) != 0)
            i++;
        ck_assert_msg(i < n, "'%s' is not in the README's Commands block", name);
        listed++;
    }
    ck_assert_uint_eq(listed, n);
    free(readme);
}
END_TEST

/* --options of README lines that name `hwsweep cmd` (inline code and code blocks). */
START_TEST(test_command_help)
{
    char *readme = slurp("README.md");
    char names[MAX_CMDS][32];
    size_t n = readme_commands(readme, names), checked = 0;
    static char out[OUT_MAX];
    for (size_t c = 0; c < n; c++) {
        char cmd[96], prefix[48], usage[64];
        snprintf(cmd, sizeof cmd, "bin/hwsweep %s --help", names[c]);
        ck_assert_msg(run(cmd, out, sizeof out) == 0, "%s: exit status not 0", cmd);
        snprintf(usage, sizeof usage, "usage: hwsweep %s", names[c]);
        ck_assert_msg(strncmp(out, usage, strlen(usage)) == 0, "%s does not start with '%s'", cmd, usage);
        snprintf(prefix, sizeof prefix, "hwsweep %s ", names[c]);
        for (const char *l = readme; *l;) {
            const char *end = strchr(l, '\n');
            size_t len = end ? (size_t)(end - l) : strlen(l);
            for (const char *p = l; (p = strstr(p, prefix)) != NULL && p < l + len; p += strlen(prefix)) {
                /* the options up to the end of the line or of the inline code span */
                const char *stop = memchr(p, '`', (size_t)(l + len - p));
                stop = stop ? stop : l + len;
                for (const char *o = p; (o = strstr(o, "--")) != NULL && o < stop; o += 2) {
                    if (o > l && (o[-1] == '-' || o[-1] == '_' || (o[-1] >= 'a' && o[-1] <= 'z')))
                        continue;
                    char opt[48];
                    if (sscanf(o, "--%45[a-z0-9-]", opt) != 1)
                        continue;
                    char want[52];
                    snprintf(want, sizeof want, "--%s", opt);
                    ck_assert_msg(strstr(out, want), "%s does not mention %s (README: %.*s)", cmd, want,
                                  (int)(len < 200 ? len : 200), l);
                    checked++;
                }
            }
            l = end ? end + 1 : l + len;
        }
    }
    ck_assert_uint_gt(checked, 50);
    free(readme);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli_help");
    TCase *tc = tcase_create("cli_help");
    /* runs every command's --help as a process: seconds under sanitizers */
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_top_help);
    tcase_add_test(tc, test_command_help);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
