/* node_programs.c - see node_programs.h. */
#include "node_programs.h"

#include "kprint.h"
#include "kstring.h"

static struct user_program modules[BOOT_MAX_MODULES];
static char module_names[BOOT_MAX_MODULES][BOOT_MODULE_NAME_BYTES];
static uint32_t module_count;

void node_programs_init(const struct boot_info *bi)
{
    module_count = 0;
    for (uint32_t i = 0; i < bi->module_count; i++) {
        const struct boot_module *m = &bi->modules[i];
        if (node_program_find(m->name, (uint32_t)strlen(m->name)) != NULL) {
            kprintf("cumulonimbus: boot: module %s is ignored: a program has that name already\n", m->name);
            continue;
        }
        uint32_t k = module_count++;
        memcpy(module_names[k], m->name, sizeof m->name);
        modules[k] = (struct user_program){
            .name = module_names[k],
            .image = (const uint8_t *)(uintptr_t)m->start,
            .size = m->end - m->start,
        };
    }
}

const struct user_program *node_program_find(const char *name, uint32_t name_len)
{
    const struct user_program *p = user_program_find(name, name_len);
    for (uint32_t i = 0; p == NULL && i < module_count; i++)
        if (strlen(modules[i].name) == name_len && memcmp(modules[i].name, name, name_len) == 0)
            p = &modules[i];
    return p;
}

uint32_t node_program_count(void)
{
    return user_program_count + module_count;
}

const struct user_program *node_program_at(uint32_t index)
{
    return index < user_program_count ? &user_programs[index] : &modules[index - user_program_count];
}
