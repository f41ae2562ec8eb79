/*
 * exitcode <n> - exits with status n (a decimal number, may be negative),
 * printing nothing.
 */
#include "nimbus.h"

int main(int argc, char **argv)
{
    int32_t status;
    if (argc != 1 || parse_i32(argv[0], &status) != 0) {
        printf("usage: exitcode <n>\n");
        return 2;
    }
    return status;
}
