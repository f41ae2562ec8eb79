/*
 * stockerr NODE - Stockholder's and the key-value store's errors, each
 * printed as "stockerr: <case>: <result>" (a number, or the error's name),
 * for the test to compare line by line. NODE is a node without a disk.
 * It also moves 64 KiB in one call each way, as a value and as a file on
 * node 1, and prints the checksum of what came back.
 */
#include "nimbus.h"

static void show(const char *what, int32_t rc)
{
    if (rc < 0)
        printf("stockerr: %s: %s\n", what, abi_error_name(rc));
    else
        printf("stockerr: %s: %d\n", what, (int)rc);
}

static char long_name[300];
static uint8_t big[ABI_KV_VALUE_MAX + 1];
static uint8_t back[ABI_KV_VALUE_MAX];

/* FNV-1a over n bytes. */
static uint32_t checksum(const uint8_t *p, int32_t n)
{
    uint32_t h = 2166136261u;
    for (int32_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

/* A result, and for a count the checksum of what `back` holds. */
static void show_back(const char *what, int32_t rc)
{
    if (rc < 0)
        show(what, rc);
    else
        printf("stockerr: %s: %d, checksum %x, %s\n", what, (int)rc, checksum(back, rc),
               memcmp(back, big, (uint32_t)rc) == 0 ? "same bytes" : "different bytes");
}

static void file_errors(void)
{
    show("open missing", file_open("/nothing", 0));
    show("mkdir /d", sys_mkdir("/d", 2));
    show("mkdir /d again", sys_mkdir("/d", 2));
    int32_t h = file_open("/d/f", ABI_O_CREATE | ABI_O_EXCLUSIVE);
    show("create /d/f", h);
    show("create /d/f exclusive again", file_open("/d/f", ABI_O_CREATE | ABI_O_EXCLUSIVE));
    show("write", file_write_all(h, "hello", 5));
    show("unlink /d (not empty)", sys_unlink("/d", 2));
    show("open /d/f/x (not a directory)", file_open("/d/f/x", ABI_O_CREATE));
    int32_t d = file_open("/d", 0);
    show("write to a directory", sys_fwrite(d, "x", 1));
    show("open /d for append", file_open("/d", ABI_O_APPEND));
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[0] = '/';
    show("create a 299-byte name", file_open(long_name, ABI_O_CREATE));
    show("unlink /d/f", sys_unlink("/d/f", 4));
    show("read a deleted file's handle", sys_read(h, big, 5));
    show("close", sys_close(h));
    show("close again", sys_close(h));
    show("rename /d /e", sys_rename("/d", 2, "/e", 2));
    show("unlink /e", sys_unlink("/e", 2));
    show("relative path", sys_mkdir("x", 1));
}

static void kv_errors(const char *diskless)
{
    show("kv put", sys_kv_put("k", 1, "v", 1));
    show("kv get", sys_kv_get("k", 1, big, 16));
    show("kv get missing", sys_kv_get("nope", 4, big, 16));
    show("kv put 256-byte key", sys_kv_put(long_name, 256, "v", 1));
    show("kv put empty key", sys_kv_put("k", 0, "v", 1));
    show("kv put 64 KiB + 1", sys_kv_put("k", 1, big, ABI_KV_VALUE_MAX + 1));
    for (uint32_t i = 0; i < ABI_KV_VALUE_MAX; i++)
        big[i] = (uint8_t)(i * 7u + i / 251u);
    show("kv put 64 KiB", sys_kv_put("big", 3, big, ABI_KV_VALUE_MAX));
    show_back("kv get 64 KiB", sys_kv_get("big", 3, back, ABI_KV_VALUE_MAX));
    show("kv del", sys_kv_del("k", 1));
    show("kv del missing", sys_kv_del("k", 1));
    char path[32];
    snprintf(path, sizeof path, "/n%s/x", diskless);
    show("open on a node without a disk", file_open(path, ABI_O_CREATE));
    show("open on a node outside the cluster", file_open("/n999/x", ABI_O_CREATE));
}

/* One call each way moves 64 KiB of a file on node 1. */
static void big_file(void)
{
    int32_t h = file_open("/n1/big", ABI_O_CREATE);
    show("write 64 KiB to /n1/big", sys_fwrite(h, big, ABI_FILE_IO_MAX));
    show("close", sys_close(h));
    h = file_open("/n1/big", 0);
    show_back("read 64 KiB from /n1/big", sys_read(h, back, ABI_FILE_IO_MAX));
    show("close", sys_close(h));
}

int main(int argc, char **argv)
{
    if (argc != 1) {
        printf("usage: stockerr NODE\n");
        return 1;
    }
    file_errors();
    kv_errors(argv[0]);
    big_file();
    return 0;
}
