/*
 * walk PATH - print the tree under a directory, one entry a line,
 * indented two spaces a level: "name/" for a directory, "name SIZE" for a
 * file (its size in bytes).
 */
#include "nimbus.h"

#define WALK_DEPTH_MAX 8

static int32_t walk(char *path, uint32_t len, int depth)
{
    int32_t h = sys_open(path, len, 0);
    if (h < 0)
        return h;
    struct abi_dirent e = {0};
    int32_t rc;
    while ((rc = sys_readdir(h, &e)) == 1) {
        printf("%*s", depth * 2, "");
        if (len + 1 + e.name_len > ABI_PATH_MAX) {
            rc = ERR_NAME_TOO_LONG;
            break;
        }
        uint32_t sub = len;
        if (path[sub - 1] != '/')
            path[sub++] = '/';
        memcpy(path + sub, e.name, e.name_len);
        sub += e.name_len;
        if (e.type == ABI_TYPE_DIR) {
            printf("%s/\n", e.name);
            rc = depth + 1 < WALK_DEPTH_MAX ? walk(path, sub, depth + 1) : 0;
        } else {
            struct abi_stat st;
            rc = sys_stat(path, sub, &st);
            printf("%s %u\n", e.name, (unsigned)st.size_bytes);
        }
        if (rc < 0)
            break;
    }
    sys_close(h);
    return rc < 0 ? rc : 0;
}

int main(int argc, char **argv)
{
    static char path[ABI_PATH_MAX + 1];
    if (argc != 1 || strlen(argv[0]) > ABI_PATH_MAX) {
        printf("usage: walk PATH\n");
        return 1;
    }
    uint32_t len = strlcpy(path, argv[0], sizeof path);
    printf("%s\n", path);
    int32_t rc = walk(path, len, 1);
    if (rc < 0) {
        print_error("walk", argv[0], rc);
        return 2;
    }
    return 0;
}
