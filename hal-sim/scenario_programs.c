/*
 * scenario_programs.c - the "programs" object of a scenario file: the
 * scenario's own RV32IM programs, built outside the tree, each an ELF
 * file named by a path relative to the scenario file:
 *
 *   "programs": {"mywork": "build/mywork.elf"}
 *
 * Every file is read and checked (core/elf.h elf_check) now, so a bad
 * file stops the load with its name and the reason, and a run never
 * meets it. The bytes are kept: a run reads no file after the load, and
 * the same bytes give the same run.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/abi.h"
#include "../core/elf.h"
#include "host/files.h"
#include "scenario_priv.h"
#include "user/programs.h"

/* At most this many programs, of this many bytes in all: a program's
 * segments fit below ABI_USER_TOP, so its file is no larger either. */
#define SCN_MAX_PROGRAMS 256u
#define SCN_MAX_PROGRAM_BYTES ABI_USER_TOP
#define SCN_MAX_PROGRAMS_BYTES (64u * 1024u * 1024u)

const struct scn_program *scenario_program_find(const struct scenario *s, const char *name, uint32_t name_len)
{
    for (uint32_t i = 0; i < s->program_count; i++) {
        const struct scn_program *prog = &s->programs[i];
        if (strlen(prog->name) == name_len && memcmp(prog->name, name, name_len) == 0)
            return prog;
    }
    return NULL;
}

/* The name: a spawn's program name, not one of the built-in programs
 * (one name, one program). */
static int scn_check_program_name(struct scn_parser *p, const struct jpath *at, const char *name)
{
    if (!scn_is_program_name(name)) {
        cJSON shown = {.type = cJSON_String, .valuestring = (char *)name};
        return jcheck_fail_type(&p->jc, at, "a key that is " SCN_PROGRAM_NAME_RULE, &shown);
    }
    if (user_program_find(name, (uint32_t)strlen(name)) != NULL)
        return jcheck_fail(&p->jc, at, "\"%s\" is a built-in program: give yours another name", name);
    return 0;
}

/* Read the regular file `path` whole into prog (a FIFO or a device could
 * block or never end). */
static int scn_read_program(struct scn_parser *p, const struct jpath *at, struct scn_program *prog)
{
    struct stat st;
    if (stat(prog->path, &st) < 0)
        return jcheck_fail(&p->jc, at, "%s: cannot read: %s", prog->path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return jcheck_fail(&p->jc, at, "%s: not a regular file", prog->path);
    size_t len = 0;
    char *bytes = files_read_text(prog->path, SCN_MAX_PROGRAM_BYTES, &len);
    if (bytes == NULL && errno == EFBIG)
        return jcheck_fail(&p->jc, at, "%s: larger than %u bytes, so no program (user memory ends there)",
                           prog->path, SCN_MAX_PROGRAM_BYTES);
    if (bytes == NULL)
        return jcheck_fail(&p->jc, at, "%s: cannot read: %s", prog->path, strerror(errno));
    prog->image = (uint8_t *)bytes;
    prog->size = (uint32_t)len;
    enum elf_problem problem = elf_check(prog->image, prog->size);
    if (problem != ELF_OK)
        return jcheck_fail(&p->jc, at, "%s: %s", prog->path, elf_problem_text(problem));
    return 0;
}

static int scn_parse_program_entry(struct scn_parser *p, const struct jpath *at, const cJSON *item,
                                   struct scn_program *prog)
{
    if (scn_check_program_name(p, at, item->string) < 0)
        return -1;
    if (!cJSON_IsString(item) || item->valuestring[0] == '\0')
        return jcheck_fail_type(&p->jc, at, "the path of an ELF file", item);
    if ((prog->name = strdup(item->string)) == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    if ((prog->path = scn_relative_path(p, at, item->valuestring)) == NULL)
        return -1;
    return scn_read_program(p, at, prog);
}

int scn_parse_programs(struct scn_parser *p, const struct jpath *at, const cJSON *item)
{
    if (jcheck_object(&p->jc, at, item, NULL) < 0)
        return -1;
    size_t count = (size_t)cJSON_GetArraySize(item);
    if (count > SCN_MAX_PROGRAMS)
        return jcheck_fail(&p->jc, at, "at most %u programs, got %zu", SCN_MAX_PROGRAMS, count);
    struct scenario *s = p->s;
    /* Counted in full at once, as events are, so scenario_free releases
     * whatever a failed parse left; unfilled entries are all zero. */
    s->programs = calloc(count > 0 ? count : 1, sizeof *s->programs);
    if (s->programs == NULL)
        return jcheck_fail(&p->jc, at, "out of memory");
    s->program_count = (uint32_t)count;
    uint64_t total = 0;
    const cJSON *entry;
    uint32_t i = 0;
    cJSON_ArrayForEach(entry, item) {
        struct jpath sub = jpath_member(at, entry->string);
        if (scn_parse_program_entry(p, &sub, entry, &s->programs[i]) < 0)
            return -1;
        total += s->programs[i++].size;
        if (total > SCN_MAX_PROGRAMS_BYTES)
            return jcheck_fail(&p->jc, at, "the programs take more than %u bytes in all", SCN_MAX_PROGRAMS_BYTES);
    }
    return 0;
}

void scn_free_programs(struct scenario *s)
{
    for (uint32_t i = 0; i < s->program_count; i++) {
        free(s->programs[i].name);
        free(s->programs[i].path);
        free(s->programs[i].image);
    }
    free(s->programs);
    s->programs = NULL;
    s->program_count = 0;
}
