/* boot_env.c - see boot_env.h. */
#define _GNU_SOURCE /* mkdtemp */
#include "boot_env.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The directory of the running executable. 0, or -1 with err. */
static int boot_env_exe_dir(char *buf, size_t bytes, char *err, size_t err_bytes)
{
    ssize_t n = readlink("/proc/self/exe", buf, bytes - 1);
    if (n < 0 || (size_t)n >= bytes - 1) {
        snprintf(err, err_bytes, "cannot find this program's directory (/proc/self/exe): %s",
                 n < 0 ? strerror(errno) : "path too long");
        return -1;
    }
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash == buf)
        slash[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    return 0;
}

int boot_env_image_places(const char *file, struct boot_image_places *places, char *err, size_t err_bytes)
{
    char dir[PATH_MAX];
    if (boot_env_exe_dir(dir, sizeof dir, err, err_bytes) < 0)
        return -1;
    /* The prefix is the parent of nimbus's directory ("" for the root). */
    const char *slash = strrchr(dir, '/');
    int prefix_len = slash != NULL ? (int)(slash - dir) : 0;
    size_t build_len = (size_t)snprintf(places->build_tree, sizeof places->build_tree, "%s/%s", dir, file);
    size_t installed_len = (size_t)snprintf(places->installed, sizeof places->installed, "%.*s/%s/%s",
                                            prefix_len, dir, NIMBUS_INSTALL_DATA_DIR, file);
    if (build_len >= sizeof places->build_tree || installed_len >= sizeof places->installed) {
        snprintf(err, err_bytes, "the path of this program's directory is too long: %s", dir);
        return -1;
    }
    return 0;
}

static bool boot_env_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int boot_env_find_program(const char *name, char *buf, size_t bytes, char *err, size_t err_bytes)
{
    if (strchr(name, '/') != NULL) {
        if (boot_env_executable(name) && (size_t)snprintf(buf, bytes, "%s", name) < bytes)
            return 0;
        snprintf(err, err_bytes, "%s is not an executable file", name);
        return -1;
    }
    const char *path = getenv("PATH");
    for (const char *dir = path != NULL ? path : ""; *dir != '\0'; dir += *dir == ':') {
        size_t len = strcspn(dir, ":");
        int n = snprintf(buf, bytes, "%.*s/%s", (int)len, len > 0 ? dir : ".", name);
        dir += len;
        if (n > 0 && (size_t)n < bytes && boot_env_executable(buf))
            return 0;
    }
    snprintf(err, err_bytes, "%s is not in PATH", name);
    return -1;
}

int boot_env_make_temp(char *buf, size_t bytes, char *err, size_t err_bytes)
{
    const char *base = getenv("TMPDIR");
    if (base == NULL || *base != '/' || strlen(base) + 24 > BOOT_TEMP_PATH_BYTES)
        base = "/tmp"; /* a long TMPDIR would not fit in a socket address */
    if ((size_t)snprintf(buf, bytes, "%s/nimbus-boot.XXXXXX", base) >= bytes || mkdtemp(buf) == NULL) {
        snprintf(err, err_bytes, "cannot make a temporary directory in %s: %s", base, strerror(errno));
        return -1;
    }
    return 0;
}

void boot_env_remove_temp(const char *dir)
{
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            char path[PATH_MAX];
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                (size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path)
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

uint64_t boot_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
