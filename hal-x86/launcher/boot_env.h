/*
 * boot_env.h - what `nimbus boot` needs from the machine before a node
 * starts: the kernel images (next to nimbus in a build tree, under
 * share/cumulonimbus in an installed prefix), the QEMU program, and a
 * private temporary directory for the sockets.
 */
#ifndef HAL_X86_HOST_BOOT_ENV_H
#define HAL_X86_HOST_BOOT_ENV_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_QEMU_PROGRAM "qemu-system-x86_64"
#define BOOT_KERNEL_FILE "cumulonimbus.elf"
#define BOOT_ISO_FILE "cumulonimbus.iso"
#define BOOT_KERNEL_TARGET "nimbus_kernel_elf" /* the cmake targets that make them */
#define BOOT_ISO_TARGET "nimbus_kernel_iso"
#define BOOT_TEMP_PATH_BYTES 80u /* leaves room for socket names in sun_path */

/* Where an image `file` (BOOT_KERNEL_FILE, BOOT_ISO_FILE) is looked for
 * when no path is given, in this order. */
struct boot_image_places {
    char build_tree[PATH_MAX]; /* <dir of nimbus>/<file> */
    char installed[PATH_MAX];  /* <dir of nimbus>/../NIMBUS_INSTALL_DATA_DIR/<file> */
};
/* Fill both places for `file`. 0, or -1 with err. */
int boot_env_image_places(const char *file, struct boot_image_places *places, char *err, size_t err_bytes);

/* `name` as an executable path: itself when it holds a '/', else the first
 * match in PATH. 0, or -1 with err. */
int boot_env_find_program(const char *name, char *buf, size_t bytes, char *err, size_t err_bytes);

/* A new directory only this user can enter, under $TMPDIR or /tmp. */
int boot_env_make_temp(char *buf, size_t bytes, char *err, size_t err_bytes);

/* Remove a directory made by boot_env_make_temp and the files in it. */
void boot_env_remove_temp(const char *dir);

/* Milliseconds on the monotonic clock. */
uint64_t boot_now_ms(void);

#endif
