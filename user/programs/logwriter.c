/*
 * logwriter PATH COUNT EVERY - append COUNT numbered records ("rec
 * 000001\n", 11 bytes each) to PATH, creating it, and fsync after every
 * EVERY records; after each fsync print what is now durable:
 * "logwriter: durable through record N". A checker (stockcheck) can then
 * tell whether everything acknowledged survived a crash.
 */
#include "nimbus.h"

#define RECORD_BYTES 11u

int main(int argc, char **argv)
{
    uint32_t count, every;
    if (argc != 3 || parse_u32(argv[1], &count) != 0 || parse_u32(argv[2], &every) != 0 || every == 0) {
        printf("usage: logwriter PATH COUNT EVERY\n");
        return 1;
    }
    int32_t h = file_open(argv[0], ABI_O_CREATE | ABI_O_APPEND);
    if (h < 0) {
        print_error("logwriter", argv[0], h);
        return 2;
    }
    char rec[RECORD_BYTES + 1];
    for (uint32_t i = 1; i <= count; i++) {
        snprintf(rec, sizeof rec, "rec %06u\n", i);
        int32_t rc = file_write_all(h, rec, RECORD_BYTES);
        if (rc >= 0 && (i % every == 0 || i == count))
            rc = sys_fsync(h);
        if (rc < 0) {
            print_error("logwriter", "write", rc);
            return 2;
        }
        if (i % every == 0 || i == count)
            printf("logwriter: durable through record %u\n", i);
    }
    sys_close(h);
    return 0;
}
