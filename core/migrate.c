/* PLACEHOLDER so the tree links while the Dispatcher is written: the
 * migration engineer replaces this whole file. Nothing migrates yet. */
#include "migrate.h"

#include "kernel_priv.h"

int migrate_init(struct kernel *k) { (void)k; return 0; }
void migrate_destroy(struct kernel *k) { (void)k; }
int migrate_start(struct kernel *k, struct proc *p, uint16_t target)
{
    (void)k; (void)p; (void)target;
    return ERR_BUSY;
}
void migrate_on_message(struct kernel *k, uint16_t src_node, uint8_t type, const uint8_t *payload, uint32_t len)
{
    (void)k; (void)src_node; (void)type; (void)payload; (void)len;
}
void migrate_on_timer(struct kernel *k) { (void)k; }
uint64_t migrate_next_deadline(const struct kernel *k) { (void)k; return HAL_TIME_NEVER; }
void migrate_on_peer_reset(struct kernel *k, uint16_t node) { (void)k; (void)node; }
