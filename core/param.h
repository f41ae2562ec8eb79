/*
 * param.h - the kernel's limits and tunables, in one place.
 */
#ifndef CORE_PARAM_H
#define CORE_PARAM_H

#include "../hal/hal_mem.h"
#include "abi.h"

#define PAGE_SIZE HAL_PAGE_SIZE
#define PAGE_SHIFT 12u
_Static_assert(PAGE_SIZE == (1u << PAGE_SHIFT), "page size and shift agree");

#define USER_PAGES (ABI_USER_TOP >> PAGE_SHIFT)
_Static_assert(ABI_USER_TOP % PAGE_SIZE == 0, "user space ends on a page");
_Static_assert(ABI_USER_BASE % PAGE_SIZE == 0, "user space starts on a page");

/* The stack: ABI_USER_STACK_BYTES under ABI_USER_TOP, mapped page by page
 * as it grows down, never below STACK_LIMIT. Under the limit lies a guard
 * gap of STACK_GUARD_BYTES where nothing is ever mapped (program segments
 * end below it), so an overflowing stack faults as an overflow instead of
 * running into the program's data. */
#define STACK_LIMIT (ABI_USER_TOP - ABI_USER_STACK_BYTES)
#define STACK_GUARD_BYTES (1024u * 1024u)
#define STACK_GUARD_BASE (STACK_LIMIT - STACK_GUARD_BYTES)
_Static_assert(STACK_LIMIT % PAGE_SIZE == 0 && STACK_GUARD_BASE % PAGE_SIZE == 0, "the stack is whole pages");
_Static_assert(STACK_GUARD_BASE > ABI_USER_BASE, "programs have room under the guard gap");

#define KERNEL_MAX_PROCS 64u       /* process slots per node */
#define PID_LOCAL_NUMBERS 0xFFFFu  /* local numbers a node hands out (1..65535) */
#define MAILBOX_CAPACITY 16u       /* messages queued per process */
#define PROC_MAX_CHILDREN 32u      /* children a process may have at once */
#define LOCATION_CACHE_SIZE 256u   /* remembered locations of other nodes' processes */
#define FORWARD_MAX_HOPS 32u       /* a message chasing a moving process gives up after */
#define MSG_MAX_BYTES ABI_MSG_MAX_BYTES
/* How long a remote send waits for the destination node's answer before
 * it fails with ERR_OUTCOME_UNKNOWN (the message may have arrived). */
#define IPC_ANSWER_TIMEOUT_NS 30000000000ull

#define DEFAULT_QUANTUM_INSNS 10000u /* instructions per scheduling quantum */

/* Load average: an exponentially decaying average of the run-queue length,
 * sampled every LOAD_SAMPLE_NS, in fixed point with LOAD_FSHIFT fraction
 * bits. LOAD_DECAY = 2^LOAD_FSHIFT * exp(-sample / 1 s), a one-second
 * time constant. */
#define LOAD_SAMPLE_NS 100000000ull
#define LOAD_FSHIFT 11u
#define LOAD_ONE (1u << LOAD_FSHIFT)
#define LOAD_DECAY 1853u
_Static_assert(LOAD_DECAY < LOAD_ONE, "load average decays");

/* Cluster protocol transport. */
#define TRANSPORT_WINDOW 32u            /* unacknowledged messages per peer */
#define TRANSPORT_QUEUE_MAX 256u        /* messages waiting for the window */
#define TRANSPORT_RTO_INITIAL_NS 5000000ull  /* first retransmission timeout */
#define TRANSPORT_RTO_MAX_NS 1000000000ull
/* A timeout that expired is rearmed lengthened by a random 0 to 1/DIV of
 * itself, so retransmissions do not stay in step with a periodic fault:
 * a partition flapping every 10 ms, cut when the first copy flew, cut
 * again at every 5 ms x 2^k backoff, and the peer was declared dead with
 * half the frames passing (tests/test_sim_faults.c). */
#define TRANSPORT_RTO_JITTER_DIV 4u
/* Peer suspicion: a peer that has answered none of our packets for this
 * long (counted from when we began waiting) is declared unreachable at the
 * next retransmission timeout. 12 timeouts from a 5 ms RTO: about 5.3 s
 * (5.3 to 5.6 s with the jitter above). */
#define TRANSPORT_SUSPECT_TIMEOUT_NS 5000000000ull
/* After a restart, how long (on its own clock) a node refuses a resent
 * OPENING packet sent without its epoch (docs/protocol.md, rule 7): past
 * the time any sender can still be resending one meant for the previous
 * incarnation. A sender gives up within 6.25 s of its own clock (the
 * suspicion timeout plus one 1 s timeout and its jitter); a clock 50%
 * slow stretches that to 12.5 s, which a clock 50% fast counts as
 * 18.75 s: four suspicion timeouts cover it. */
#define TRANSPORT_RESTART_REFUSE_RETRY_NS (4u * TRANSPORT_SUSPECT_TIMEOUT_NS)
/* How long after a node's restart showed a process believed there is
 * judged lost (location.h): news of a later move sent to the process's
 * home before then has reached it by now, or its sender gave up on the
 * home (within 6.25 s of the sender's clock, above; twice that covers a
 * clock 50% slow). Judged at once, a process that had moved on was taken
 * for lost when that news was held up (chatty-8 seed 3372 of the swarm). */
#define LOCATION_VERDICT_NS                                                                                  \
    (2u * (TRANSPORT_SUSPECT_TIMEOUT_NS + TRANSPORT_RTO_MAX_NS +                                             \
           TRANSPORT_RTO_MAX_NS / TRANSPORT_RTO_JITTER_DIV))
/* How long a suspicion waits for the answer to WHEREIS: past the time the
 * transport gives up on a silent node (6.25 s, see above). */
#define LOCATION_QUERY_NS (LOCATION_VERDICT_NS / 2u)
#define LOCATION_MAX_SUSPECTS 64u /* suspicions a node follows; more move the earliest on early */
/* A child's exit notice not answered within this is sent again, at most
 * EXIT_NOTICE_TRIES times in all; a node keeps EXIT_NOTICE_MAX at once
 * (exit_notice.h). */
#define EXIT_NOTICE_RETRY_NS 2000000000ull
#define EXIT_NOTICE_TRIES 8u
#define EXIT_NOTICE_MAX 32u
/* How often a node probes the peers where children of its processes run
 * when it has nothing else on its way to them (liveness.h). */
#define LIVENESS_PROBE_PERIOD_NS 1000000000ull
#define ARP_CACHE_SIZE 64u

/* Load balancing defaults (struct balance_config). */
#define BALANCE_THRESHOLD_MILLI 1500u
#define BALANCE_HYSTERESIS_MILLI 500u
#define BALANCE_MARGIN_MILLI 1000u
#define BALANCE_PERIOD_NS 50000000ull       /* 50 ms */
#define BALANCE_MIN_RESIDENCY_NS 200000000ull /* 200 ms */
/* Moves (or requests: offers, probes) an overloaded node starts in one
 * balance period at most; it starts as many as its excess over the
 * cluster's mean load, at least one. Fixed: not in balance_config. */
#define BALANCE_MAX_MOVES_PER_PERIOD 32u
#define LOAD_EXCHANGE_PERIOD_NS 50000000ull  /* 50 ms */
#define LOAD_EXCHANGE_FANOUT 4u

#endif
