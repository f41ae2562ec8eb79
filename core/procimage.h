/*
 * procimage.h - a process as bytes: the versioned, checksummed image that
 * migration sends from one node to another (docs/protocol.md, "Migration",
 * gives the layout byte by byte).
 *
 * The image holds everything that makes the process what it is: pid,
 * parent, name, registers and pc, the system call it is blocked in (kind
 * and the time left, as node clocks differ) or has stopped at and not run
 * yet (it runs on the new node), its mailbox, its child table, its open
 * Stockholder handles (each names its serving node, so it works anywhere),
 * the instructions it has run, and its mapped pages with their
 * permissions. Page contents may be left out for pages the receiver
 * already holds (pre-copy): such a page is listed with the CRC-32 of the
 * contents the receiver must hold, so a page that went astray (or a page
 * written without being marked dirty) fails the move instead of
 * corrupting the process. Decode caches are derived data and never
 * travel.
 *
 * The decoder treats every byte as hostile: it checks the whole image
 * (length, checksum, every count, field and page) before it allocates
 * anything, and gives back everything it took if memory runs out.
 */
#ifndef CORE_PROCIMAGE_H
#define CORE_PROCIMAGE_H

#include <stdint.h>

#include "proc.h"

struct kernel;

#define PROCIMAGE_MAGIC 0x434E5049u /* "CNPI" */
#define PROCIMAGE_VERSION 3u /* 3: open Stockholder handles */
#define PROCIMAGE_HEADER_BYTES 12u /* magic, version, flags, length */
#define PROCIMAGE_FIXED_BYTES 172u /* header up to the name */
#define PROCIMAGE_CRC_BYTES 4u
/* A page entry's word: the page's address, its VM_PERM_* bits, and this
 * flag when its PAGE_SIZE bytes follow (else the CRC-32 of the bytes the
 * receiver holds follows). */
#define PROCIMAGE_PAGE_DATA 0x8u
#define PROCIMAGE_PAGE_FLAGS 0xFFFu
/* The time left of a wait that has no deadline. */
#define PROCIMAGE_NO_DEADLINE UINT64_MAX

/* The smallest image: one-byte name, no messages, children, handles or pages. */
#define PROCIMAGE_MIN_BYTES (PROCIMAGE_FIXED_BYTES + 1u + 1u + 1u + 1u + 1u + 2u + PROCIMAGE_CRC_BYTES)
/* The largest image any process can have: a full mailbox, a full child
 * table and every user page with its contents. */
#define PROCIMAGE_MAX_BYTES                                                                       \
    (PROCIMAGE_FIXED_BYTES + 1u + ABI_PROGRAM_NAME_MAX + 1u + MAILBOX_CAPACITY * (6u + MSG_MAX_BYTES) + \
     1u + PROC_MAX_CHILDREN * 9u + 1u + ABI_MAX_FILES * 21u + 2u + USER_PAGES * (4u + PAGE_SIZE) +    \
     PROCIMAGE_CRC_BYTES)
_Static_assert(USER_PAGES <= 0xFFFFu && MAILBOX_CAPACITY <= 0xFFu && PROC_MAX_CHILDREN <= 0xFFu,
               "the image's counts fit their fields");
_Static_assert(MSG_MAX_BYTES <= 0xFFFFu, "a message length fits its field");

/* Whether p may be imaged now: 0, ERR_PINNED, or ERR_BUSY while it is in
 * a send to another node (the answer would reach the wrong node). */
int procimage_movable(const struct proc *p);

/* The size of p's image, with contents for the pages whose bit is set in
 * `with_data` (VM_DIRTY_WORDS words; NULL: every page). */
uint32_t procimage_size(const struct proc *p, const uint32_t *with_data);

/* Write p's image (exactly procimage_size(p, with_data) bytes) into out.
 * p must be movable and not run between sizing and encoding. now_ns is
 * this node's time, against which the deadline's time left is taken. */
void procimage_encode(const struct proc *p, const uint32_t *with_data, uint64_t now_ns, uint8_t *out);

/* Turn an image from anywhere into a new process (kalloc'd, its own
 * address space, not in the process table; slot and residence unset).
 * `base` holds the pages the image lists without contents (pre-copy), or
 * is NULL; it is consumed either way: its pages become the process's or
 * are freed. The deadline is rebased on now_ns. 0, ERR_BAD_IMAGE or
 * ERR_NO_MEMORY; on error nothing is left allocated. */
int procimage_decode(struct kernel *k, const uint8_t *img, uint32_t len, struct vm *base, uint64_t now_ns,
                     struct proc **out);

/* Free a decoded process that never joined the process table. */
void procimage_free(struct kernel *k, struct proc *p);

#endif
