/*
 * store_err.c - the names of the store's error codes (store.h).
 */
#include "core/store/store.h"

const char *store_err_name(int err)
{
    static const char *const names[] = {
        "STORE_OK",          "STORE_E_NO_SPACE",      "STORE_E_NOT_FOUND", "STORE_E_EXISTS",
        "STORE_E_NOT_EMPTY", "STORE_E_NAME_TOO_LONG", "STORE_E_BAD_ARG",   "STORE_E_READ_ONLY",
        "STORE_E_CORRUPT",   "STORE_E_AGAIN",         "STORE_E_NO_MEMORY", "STORE_E_TOO_BIG",
        "STORE_E_NOT_DIR",   "STORE_E_IS_DIR",        "STORE_E_BUSY",
        "STORE_E_IO",
    };
    if (err > 0 || -err >= (int)(sizeof names / sizeof names[0]))
        return "STORE_E_UNKNOWN";
    return names[-err];
}
