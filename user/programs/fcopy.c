/*
 * fcopy FROM TO - copy a file (any node's: "/nK/..." paths), replacing
 * TO, fsync it, and print "fcopy: copied N bytes".
 */
#include "nimbus.h"

#define CHUNK_BYTES 4096u

static uint8_t buf[CHUNK_BYTES];

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: fcopy FROM TO\n");
        return 1;
    }
    int32_t from = file_open(argv[0], 0);
    int32_t to = from < 0 ? from : file_open(argv[1], ABI_O_CREATE | ABI_O_TRUNCATE);
    if (from < 0 || to < 0) {
        print_error("fcopy", from < 0 ? argv[0] : argv[1], from < 0 ? from : to);
        return 2;
    }
    uint32_t total = 0;
    int32_t n;
    while ((n = file_read_full(from, buf, CHUNK_BYTES)) > 0) {
        int32_t rc = file_write_all(to, buf, (uint32_t)n);
        if (rc < 0) {
            print_error("fcopy", argv[1], rc);
            return 2;
        }
        total += (uint32_t)n;
    }
    int32_t rc = n < 0 ? n : sys_fsync(to);
    if (rc < 0) {
        print_error("fcopy", n < 0 ? argv[0] : argv[1], rc);
        return 2;
    }
    printf("fcopy: copied %u bytes\n", total);
    return 0;
}
