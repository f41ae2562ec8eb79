/*
 * pic.c - see pic.h and irq.h. The master PIC serves lines 0..7, the
 * slave lines 8..15 through the master's line 2.
 */
#include "pic.h"

#include <stddef.h>

#include "idt.h"
#include "io.h"
#include "irq.h"

#define MASTER_CMD 0x20
#define MASTER_DATA 0x21
#define SLAVE_CMD 0xA0
#define SLAVE_DATA 0xA1
#define ICW1_INIT_WITH_ICW4 0x11
#define ICW4_8086 0x01
#define OCW3_READ_ISR 0x0B
#define PIC_EOI 0x20
#define CASCADE_LINE 2
#define SPURIOUS_MASTER 7
#define SPURIOUS_SLAVE 15
#define HANDLERS_PER_LINE 4u

struct handler {
    irq_handler fn;
    void *arg;
};

static struct handler handlers[IRQ_LINES][HANDLERS_PER_LINE];
static volatile uint64_t interrupt_count;

void pic_init(void)
{
    outb(MASTER_CMD, ICW1_INIT_WITH_ICW4);
    io_wait();
    outb(SLAVE_CMD, ICW1_INIT_WITH_ICW4);
    io_wait();
    outb(MASTER_DATA, IDT_IRQ_BASE);
    io_wait();
    outb(SLAVE_DATA, IDT_IRQ_BASE + 8);
    io_wait();
    outb(MASTER_DATA, 1u << CASCADE_LINE); /* the slave hangs on line 2 */
    io_wait();
    outb(SLAVE_DATA, CASCADE_LINE); /* its cascade identity */
    io_wait();
    outb(MASTER_DATA, ICW4_8086);
    io_wait();
    outb(SLAVE_DATA, ICW4_8086);
    io_wait();
    outb(MASTER_DATA, 0xFF & ~(1u << CASCADE_LINE));
    outb(SLAVE_DATA, 0xFF);
}

static void unmask(uint8_t line)
{
    uint16_t port = line < 8 ? MASTER_DATA : SLAVE_DATA;
    outb(port, inb(port) & ~(1u << (line % 8)));
}

int irq_install(uint8_t line, irq_handler fn, void *arg)
{
    if (line >= IRQ_LINES || line == CASCADE_LINE || fn == NULL)
        return -1;
    for (unsigned i = 0; i < HANDLERS_PER_LINE; i++) {
        if (handlers[line][i].fn == NULL) {
            handlers[line][i] = (struct handler){fn, arg};
            unmask(line);
            return 0;
        }
    }
    return -1;
}

/* A line that was raised and dropped before the CPU took it shows up as
 * line 7 or 15 with its bit clear in the in-service register. */
static int spurious(uint8_t line)
{
    if (line != SPURIOUS_MASTER && line != SPURIOUS_SLAVE)
        return 0;
    uint16_t cmd = line < 8 ? MASTER_CMD : SLAVE_CMD;
    outb(cmd, OCW3_READ_ISR);
    return (inb(cmd) & 0x80) == 0;
}

void pic_dispatch(uint8_t line)
{
    if (line >= IRQ_LINES)
        return;
    if (spurious(line)) {
        if (line >= 8)
            outb(MASTER_CMD, PIC_EOI); /* the master did see the cascade line */
        return;
    }
    interrupt_count++;
    for (unsigned i = 0; i < HANDLERS_PER_LINE && handlers[line][i].fn != NULL; i++)
        handlers[line][i].fn(handlers[line][i].arg);
    if (line >= 8)
        outb(SLAVE_CMD, PIC_EOI);
    outb(MASTER_CMD, PIC_EOI);
}

uint64_t pic_interrupt_count(void)
{
    return interrupt_count;
}
