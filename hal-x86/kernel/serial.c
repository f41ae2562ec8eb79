/*
 * serial.c - see serial.h. Output polls the transmitter; input arrives by
 * interrupt into a ring that only the interrupt handler fills and only
 * the main loop empties, so neither side needs a lock.
 */
#include "serial.h"

#include <stdint.h>

#include "io.h"
#include "irq.h"

#define COM1 0x3F8
#define COM1_IRQ 4
#define REG_DATA 0 /* receive / transmit (DLAB 0); divisor low (DLAB 1) */
#define REG_IER 1  /* interrupt enable (DLAB 0); divisor high (DLAB 1) */
#define REG_FCR 2  /* FIFO control */
#define REG_LCR 3  /* line control */
#define REG_MCR 4  /* modem control */
#define REG_LSR 5  /* line status */
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define FCR_ENABLE_CLEAR_14 0xC7 /* FIFOs on, both cleared, interrupt at 14 bytes */
#define MCR_DTR_RTS_OUT2 0x0B    /* OUT2 gates the UART's interrupt line */
#define MCR_LOOPBACK_TEST 0x1E
#define IER_RX_DATA 0x01
#define LSR_RX_READY 0x01
#define LSR_TX_EMPTY 0x20
#define DIVISOR_115200 1
#define LOOPBACK_PROBE 0xAE
#define LOOPBACK_SPIN_LIMIT 10000u /* port reads: milliseconds on a PC */
#define TX_SPIN_LIMIT 100000u      /* a stuck transmitter loses bytes, never the kernel */

#define RX_RING_BYTES 1024u
_Static_assert((RX_RING_BYTES & (RX_RING_BYTES - 1)) == 0, "ring size is a power of two");

static bool present;
static volatile uint8_t rx_ring[RX_RING_BYTES];
static volatile uint32_t rx_head; /* written by the interrupt handler */
static volatile uint32_t rx_tail; /* written by the main loop */

void serial_init(void)
{
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DATA, DIVISOR_115200 & 0xFF);
    outb(COM1 + REG_IER, DIVISOR_115200 >> 8);
    outb(COM1 + REG_LCR, LCR_8N1);
    outb(COM1 + REG_FCR, FCR_ENABLE_CLEAR_14);
    /* A UART answers its own byte in loopback mode (after one character
     * time, ~87 us); a missing one does not. */
    outb(COM1 + REG_MCR, MCR_LOOPBACK_TEST);
    outb(COM1 + REG_DATA, LOOPBACK_PROBE);
    for (uint32_t spin = 0; spin < LOOPBACK_SPIN_LIMIT && !(inb(COM1 + REG_LSR) & LSR_RX_READY); spin++)
        continue;
    present = inb(COM1 + REG_DATA) == LOOPBACK_PROBE;
    outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
}

static void put_byte(uint8_t b)
{
    for (uint32_t spin = 0; spin < TX_SPIN_LIMIT; spin++) {
        if (inb(COM1 + REG_LSR) & LSR_TX_EMPTY) {
            outb(COM1 + REG_DATA, b);
            return;
        }
    }
}

void serial_write(const char *text, size_t len)
{
    if (!present)
        return;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            put_byte('\r');
        put_byte((uint8_t)text[i]);
    }
}

static void serial_interrupt(void *arg)
{
    (void)arg;
    while (inb(COM1 + REG_LSR) & LSR_RX_READY) {
        uint8_t b = inb(COM1 + REG_DATA);
        if (rx_head - rx_tail < RX_RING_BYTES) { /* full: the byte is lost */
            rx_ring[rx_head % RX_RING_BYTES] = b;
            rx_head++;
        }
    }
}

void serial_enable_input(void)
{
    if (!present)
        return;
    irq_install(COM1_IRQ, serial_interrupt, NULL);
    outb(COM1 + REG_IER, IER_RX_DATA);
}

int serial_read_char(void)
{
    if (rx_tail == rx_head)
        return -1;
    uint8_t b = rx_ring[rx_tail % RX_RING_BYTES];
    rx_tail++;
    return b;
}
