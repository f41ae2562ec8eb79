/*
 * fs.c - `nimbus fs ACTION IMAGE [PATH] [LOCALFILE]`: make, check, read
 * and change Stockholder store images (docs/storage.md) with the same
 * library the kernel uses (core/store/).
 */
#include "fs.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "host/args.h"

static const char fs_usage[] =
    "Usage: nimbus fs ACTION IMAGE [PATH] [LOCALFILE] [--size SIZE] [--label TEXT]\n"
    "\n"
    "Make, check, read and change a Stockholder store image (docs/storage.md).\n"
    "\n"
    "Actions:\n"
    "  mkfs IMAGE --size SIZE    make an empty store (SIZE: 64MiB, 1GiB; at most 32GiB)\n"
    "  fsck IMAGE                check every block and record; list what is wrong\n"
    "  ls IMAGE [PATH]           list a directory (default /) or show one file\n"
    "  cat IMAGE PATH            write a file's contents to standard output\n"
    "  put IMAGE PATH [LOCALFILE|-]  store a local file (default: standard input)\n"
    "  stat IMAGE PATH           show a file's or directory's inode\n"
    "  mkdir IMAGE PATH          make a directory\n"
    "  rm IMAGE PATH             remove a file or an empty directory\n"
    "\n"
    "Options:\n"
    "  --size SIZE   the image's size, for mkfs\n"
    "  --label TEXT  the store's label, for mkfs (up to 32 bytes)\n"
    "  -h, --help    show this help\n"
    "\n"
    "Errors are printed as \"nimbus fs: IMAGE: reason\".\n"
    "Exit status: 0 done (fsck: clean), 1 bad usage (fsck: findings), 2 failed.\n";

enum { OPT_HELP, OPT_SIZE, OPT_LABEL };
static const struct args_option fs_options[] = {
    {"help", 'h', NULL, OPT_HELP}, {"size", 0, "SIZE", OPT_SIZE}, {"label", 0, "TEXT", OPT_LABEL}};

struct fs_action {
    const char *name;
    int (*run)(const struct fs_args *a);
    int min_operands, max_operands; /* after the action's name */
};

static const struct fs_action fs_actions[] = {
    {"mkfs", fs_mkfs, 1, 1}, {"fsck", fs_fsck, 1, 1}, {"ls", fs_ls, 1, 2},       {"cat", fs_cat, 2, 2},
    {"put", fs_put, 2, 3},   {"stat", fs_stat, 2, 2}, {"mkdir", fs_mkdir, 2, 2}, {"rm", fs_rm, 2, 2},
};

int fs_fail(const struct fs_args *a, int status, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "nimbus fs: %s: ", a->image);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return status;
}

int fs_fail_store(const struct fs_args *a, struct fs_image *im, int rc)
{
    char why[256];
    fs_image_describe(im, rc, why, sizeof why);
    return fs_fail(a, CLI_EXIT_FAILED, "%s: %s", a->path, why);
}

/* Options into a, operands into ops; the count, or -1 after usage/help. */
static int fs_parse(int argc, char **argv, struct fs_args *a, const char **ops, int *status)
{
    struct args p;
    const char *v;
    int count = 0;
    args_init(&p, "fs", fs_options, sizeof fs_options / sizeof fs_options[0], argc, argv);
    for (int id; (id = args_next(&p, &v)) != ARGS_END;) {
        if (id == ARGS_ERROR || (id == ARGS_OPERAND && count == 4)) {
            *status = id == ARGS_ERROR ? CLI_EXIT_USAGE : args_usage_error("fs", "too many operands");
            return -1;
        }
        if (id == OPT_HELP) {
            fputs(fs_usage, stdout);
            *status = CLI_EXIT_OK;
            return -1;
        }
        if (id == OPT_SIZE)
            a->size = v;
        else if (id == OPT_LABEL)
            a->label = v;
        else
            ops[count++] = v;
    }
    return count;
}

static int fs_main(int argc, char **argv)
{
    struct fs_args a = {0};
    const char *ops[4] = {0};
    int status = CLI_EXIT_OK, count = fs_parse(argc, argv, &a, ops, &status);
    if (count < 0)
        return status;
    if (count == 0)
        return args_usage_error("fs", "no action given");
    for (size_t i = 0; i < sizeof fs_actions / sizeof fs_actions[0]; i++) {
        const struct fs_action *act = &fs_actions[i];
        if (strcmp(act->name, ops[0]) != 0)
            continue;
        if (count - 1 < act->min_operands)
            return args_usage_error("fs", "%s needs %s", act->name,
                                    act->min_operands == 1 ? "IMAGE" : "IMAGE PATH");
        if (count - 1 > act->max_operands)
            return args_usage_error("fs", "too many operands for %s", act->name);
        a = (struct fs_args){ops[0], ops[1], ops[2] != NULL ? ops[2] : "/", ops[3], a.size, a.label};
        return act->run(&a);
    }
    return args_usage_error("fs", "unknown action '%s'", ops[0]);
}

const struct cli_command cli_fs = {
    .name = "fs",
    .usage = fs_usage,
    .main = fs_main,
};
