/*
 * msg_names.h - the names of the cluster protocol's kernel message types
 * (docs/protocol.md), as the trace's `ksend` and `krecv` lines give them.
 */
#ifndef CORE_MSG_NAMES_H
#define CORE_MSG_NAMES_H

#include <stdint.h>

/* "load", "offer", "chunk"...; "kernel" for a type without a name here. */
const char *msg_type_name(uint8_t type);

/* Trace a kernel message's first transmission to `node` (KSEND) or its
 * in-order arrival from `node` (KRECV): both carry its type and the
 * session's sequence number, which pair them. */
struct kernel;
void msg_trace(struct kernel *k, uint16_t trace_type, uint16_t node, uint8_t type, uint32_t seq);

#endif
