/*
 * fsops run DIR | fsops check DIR - a fixed sequence of namespace changes
 * under DIR (mkdir, create, write, rename, unlink), each one request, with
 * an fsync after ops 3, 4 and 9 ("fsops: durable through op N"); and a
 * checker that tells which prefix of the sequence the store holds:
 * "fsops: state after op K", or "fsops: FAILED: ..." when what it finds is
 * after no prefix (a change half made, or one without an earlier one).
 * A crash test compares K with the last op reported durable.
 */
#include <stdbool.h>

#include "nimbus.h"

#define PATH_BYTES 128u
#define OP_COUNT 9u

/* The paths the ops touch, under DIR; a state gives one letter each. */
static const char *const places[] = {"", "/a", "/b", "/sub", "/sub/b", "/sub/c"};
#define PLACE_COUNT (sizeof places / sizeof places[0])

static const char alpha[] = "alpha\n", gamma[] = "gamma\n";

/* The state after op k (index k): per place '-' absent, 'd' directory,
 * 'e' empty file, 'a' a file holding `alpha`, 'g' one holding `gamma`. */
static const char *const states[OP_COUNT + 1] = {
    "------", /* before the first */
    "d-----", /* 1 mkdir DIR */
    "de----", /* 2 create DIR/a */
    "da----", /* 3 write alpha to DIR/a; fsync */
    "d-a---", /* 4 rename DIR/a DIR/b; fsync */
    "d-ad--", /* 5 mkdir DIR/sub */
    "d--da-", /* 6 rename DIR/b DIR/sub/b */
    "d--dae", /* 7 create DIR/sub/c */
    "d--dag", /* 8 write gamma to DIR/sub/c */
    "d--d-g", /* 9 unlink DIR/sub/b; fsync */
};

static const char *at(const char *dir, uint32_t place, char *buf)
{
    snprintf(buf, PATH_BYTES, "%s%s", dir, places[place]);
    return buf;
}

static int32_t make_dir(const char *path) { return sys_mkdir(path, (uint32_t)strlen(path)); }

static int32_t move(const char *dir, uint32_t from, uint32_t to)
{
    char a[PATH_BYTES], b[PATH_BYTES];
    at(dir, from, a);
    at(dir, to, b);
    return sys_rename(a, (uint32_t)strlen(a), b, (uint32_t)strlen(b));
}

/* fsync `h`, then say that ops 1..op are durable. */
static int32_t sync_through(int32_t h, uint32_t op)
{
    int32_t rc = sys_fsync(h);
    if (rc >= 0)
        printf("fsops: durable through op %u\n", op);
    return rc;
}

/* The ops in order (numbered as in `states`); the first error ends them. */
static int32_t run(const char *dir)
{
    char p[PATH_BYTES];
    int32_t a, c, rc;
    if ((rc = make_dir(dir)) < 0)
        return rc;
    if ((a = file_open(at(dir, 1, p), ABI_O_CREATE | ABI_O_EXCLUSIVE)) < 0)
        return a;
    if ((rc = file_write_all(a, alpha, sizeof alpha - 1)) < 0 || (rc = sync_through(a, 3)) < 0)
        return rc;
    if ((rc = move(dir, 1, 2)) < 0 || (rc = sync_through(a, 4)) < 0)
        return rc;
    sys_close(a);
    if ((rc = make_dir(at(dir, 3, p))) < 0 || (rc = move(dir, 2, 4)) < 0)
        return rc;
    if ((c = file_open(at(dir, 5, p), ABI_O_CREATE | ABI_O_EXCLUSIVE)) < 0)
        return c;
    if ((rc = file_write_all(c, gamma, sizeof gamma - 1)) < 0)
        return rc;
    if ((rc = sys_unlink(at(dir, 4, p), (uint32_t)strlen(p))) < 0 || (rc = sync_through(c, 9)) < 0)
        return rc;
    sys_close(c);
    return 0;
}

/* The letter of one place as the store has it now, or an error. */
static int32_t observe(const char *path, char *letter)
{
    struct abi_stat st;
    int32_t rc = file_stat(path, &st);
    if (rc == ERR_NO_ENTRY) {
        *letter = '-';
        return 0;
    }
    if (rc < 0)
        return rc;
    if (st.type == ABI_TYPE_DIR) {
        *letter = 'd';
        return 0;
    }
    int32_t h = file_open(path, 0);
    if (h < 0)
        return h;
    char got[16];
    int32_t n = file_read_full(h, got, sizeof got);
    sys_close(h);
    if (n < 0)
        return n;
    bool is_alpha = n == sizeof alpha - 1 && memcmp(got, alpha, (uint32_t)n) == 0;
    bool is_gamma = n == sizeof gamma - 1 && memcmp(got, gamma, (uint32_t)n) == 0;
    *letter = n == 0 ? 'e' : is_alpha ? 'a' : is_gamma ? 'g' : '?';
    return 0;
}

static int check(const char *dir)
{
    char seen[PLACE_COUNT + 1], p[PATH_BYTES];
    for (uint32_t i = 0; i < PLACE_COUNT; i++) {
        int32_t rc = observe(at(dir, i, p), &seen[i]);
        if (rc < 0) {
            print_error("fsops", p, rc);
            printf("fsops: FAILED: read error\n");
            return 2;
        }
    }
    seen[PLACE_COUNT] = '\0';
    for (uint32_t k = 0; k <= OP_COUNT; k++) {
        if (strcmp(seen, states[k]) == 0) {
            printf("fsops: state after op %u\n", k);
            return 0;
        }
    }
    printf("fsops: FAILED: state %s is after no prefix of the ops\n", seen);
    return 3;
}

int main(int argc, char **argv)
{
    if (argc != 2 || strlen(argv[1]) + 8 > PATH_BYTES ||
        (strcmp(argv[0], "run") != 0 && strcmp(argv[0], "check") != 0)) {
        printf("usage: fsops run|check DIR\n");
        return 1;
    }
    if (strcmp(argv[0], "check") == 0)
        return check(argv[1]);
    int32_t rc = run(argv[1]);
    if (rc < 0) {
        print_error("fsops", argv[1], rc);
        return 2;
    }
    return 0;
}
