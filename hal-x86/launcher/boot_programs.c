/* boot_programs.c - see boot_programs.h. */
#include "boot_programs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/abi.h"
#include "core/elf.h"
#include "host/files.h"

/* Why the file at `path` is no program, or NULL when it is one. A FIFO or
 * a device is refused unread: it could block or never end. */
static const char *boot_program_problem(const char *path, char *why, size_t why_bytes)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        snprintf(why, why_bytes, "cannot read: %s", strerror(errno));
        return why;
    }
    if (!S_ISREG(st.st_mode))
        return "not a regular file";
    size_t len = 0;
    char *bytes = files_read_text(path, ABI_USER_TOP, &len);
    if (bytes == NULL && errno == EFBIG) {
        snprintf(why, why_bytes, "larger than %u bytes, so no program (user memory ends there)",
                 ABI_USER_TOP);
        return why;
    }
    if (bytes == NULL) {
        snprintf(why, why_bytes, "cannot read: %s", strerror(errno));
        return why;
    }
    enum elf_problem problem = elf_check((const uint8_t *)bytes, (uint32_t)len);
    free(bytes);
    return problem == ELF_OK ? NULL : elf_problem_text(problem);
}

int boot_programs_check(const struct boot_options *o, char *err, size_t err_bytes)
{
    for (uint32_t i = 0; i < o->program_count; i++) {
        char why[160];
        const struct boot_program *p = &o->programs[i];
        const char *problem = boot_program_problem(p->path, why, sizeof why);
        if (problem != NULL) {
            snprintf(err, err_bytes, "--program %s=%s: %s", p->name, p->path, problem);
            return -1;
        }
    }
    return 0;
}
