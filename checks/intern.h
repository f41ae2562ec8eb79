/*
 * intern.h - strings to small dense ids (0, 1, 2... in order of first
 * sight), for the history checker's action ids and object names, so the
 * rest of it works on arrays indexed by id.
 */
#ifndef CHECKS_INTERN_H
#define CHECKS_INTERN_H

#include <stdint.h>

struct intern {
    char **names;    /* by id */
    uint32_t *slots; /* hash table of id + 1 (0: empty) */
    uint32_t count, slot_count;
};

void intern_init(struct intern *t);
void intern_free(struct intern *t);
/* The id of `name`, made if new. */
uint32_t intern_id(struct intern *t, const char *name);
/* The id of `name`, or UINT32_MAX when it was never seen. */
uint32_t intern_find(const struct intern *t, const char *name);
const char *intern_name(const struct intern *t, uint32_t id);

#endif
