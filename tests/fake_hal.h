/*
 * fake_hal.h - a HAL for core unit tests: the test sets the time by hand,
 * sent frames and console text are recorded, memory is counted so a test
 * can check that a kernel gives back every page it took.
 */
#ifndef TESTS_FAKE_HAL_H
#define TESTS_FAKE_HAL_H

#include <setjmp.h>

#include "hal/hal.h"

#define FAKE_MAX_FRAMES 256
#define FAKE_CONSOLE_BYTES 65536

struct fake_frame {
    uint32_t len;
    uint8_t bytes[HAL_NET_MAX_FRAME];
};

struct fake_hal {
    struct hal hal;
    uint64_t now_ns;
    uint8_t mac[6];
    uint32_t page_limit;    /* 0: unlimited */
    uint32_t pages_in_use;
    uint32_t random_state;
    uint32_t nvram[HAL_NVRAM_WORDS]; /* kept when a test restarts the node's kernel */
    struct fake_frame frames[FAKE_MAX_FRAMES]; /* sent frames, oldest first */
    uint32_t frame_count;
    char console[FAKE_CONSOLE_BYTES];          /* everything written, NUL-terminated */
    uint32_t console_len;
    uint32_t trace_counts[HAL_TRACE_TYPE_COUNT];
    uint32_t trace_total;                      /* events traced so far */
    /* Per type: the last event, and trace_total when it came (0: never),
     * so a test can check the order two events came in. */
    struct hal_trace_event last_of[HAL_TRACE_TYPE_COUNT];
    uint32_t last_at[HAL_TRACE_TYPE_COUNT];
    struct hal_trace_event last_fault;
    /* KASSERT failures: how many, and the last (its strings are the
     * core's constants, valid for the whole test). On a failure the HAL
     * longjmps to assert_jump when set; else it aborts the test. */
    uint32_t asserts;
    struct hal_assert last_assert;
    jmp_buf *assert_jump;
};

/* Set up `f` for node `node`: MAC 02:00:00:00:hi:lo, time 0. Programs are
 * looked up among the user programs and the test programs. */
void fake_hal_init(struct fake_hal *f, uint16_t node);

/* Remove and return the oldest recorded frame's length (0 if none),
 * copying it into out (HAL_NET_MAX_FRAME bytes). */
uint32_t fake_hal_pop_frame(struct fake_hal *f, uint8_t *out);

#endif
