/*
 * main.c - kmain, called by boot.S in long mode: bring the machine up in
 * dependency order, start the node's kernel and boot programs, print the
 * ready line, and hand over to the main loop (node_loop.h).
 */
#include <stdbool.h>
#include <stdint.h>

#include "ata.h"
#include "bootinfo.h"
#include "clock.h"
#include "core/abi.h"
#include "core/kernel.h"
#include "cpu.h"
#include "debug_exit.h"
#include "e1000.h"
#include "entropy.h"
#include "idt.h"
#include "kprint.h"
#include "lapic.h"
#include "node_config.h"
#include "node_loop.h"
#include "node_programs.h"
#include "disk_selftest.h"
#include "node_selftest.h"
#include "pages.h"
#include "panic.h"
#include "pci.h"
#include "pic.h"
#include "screen.h"
#include "serial.h"
#include "shell.h"
#include "tss.h"
#include "x86_hal.h"

#define CONFIG_EXIT_STATUS 2 /* a bad command line: QEMU exits with 5 */

_Noreturn void kmain(uint32_t magic, uint32_t info_addr);

static struct boot_info boot;
static struct node_config config;

/* Exceptions are caught from here on; device lines stay masked. */
static void cpu_tables_setup(void)
{
    tss_init();
    idt_init();
    pic_init();
    lapic_init_virtual_wire();
}

static void read_config(void)
{
    char err[160];
    if (boot.cmdline_too_long)
        ksnprintf(err, sizeof err, "the kernel command line is longer than %u bytes", BOOT_CMDLINE_BYTES - 1);
    else if (node_config_parse(boot.cmdline, &config, err, sizeof err) == 0)
        return;
    kprintf("cumulonimbus: boot stopped: %s\n", err);
    debug_exit(CONFIG_EXIT_STATUS);
    cpu_halt_forever();
}

static void find_nic(const struct pci_device *d, void *arg)
{
    struct pci_device *nic = arg;
    if (nic->vendor_id == 0 && e1000_matches(d))
        *nic = *d;
}

/* Whether an e1000 was found and started. */
static bool start_nic(void)
{
    struct pci_device nic = {0};
    pci_scan(find_nic, &nic);
    if (nic.vendor_id == 0) {
        kprintf("cumulonimbus: no e1000 network card: this node stays alone\n");
        return false;
    }
    return e1000_start(&nic) == 0;
}

static struct kernel *start_kernel(bool nic, bool disk)
{
    struct hal hal;
    x86_hal_init(&hal, &config, nic, disk);
    uint32_t epoch;
    do
        epoch = entropy_u32();
    while (epoch == 0);
    struct kernel_config kc = {
        .node_id = config.node_id,
        .node_count = config.node_count,
        .ipv4 = config.ipv4,
        .epoch = epoch,
        .migrate_mode = config.migrate_mode,
        .balance = {.policy = config.balance_policy},
        .kv_configured = config.kv_configured,
        .kv_backend = config.kv_backend,
        /* A disk self-test drives the disk itself: no Stockholder on it. */
        .disk_reserved = config.selftest[0] != '\0' && disk_selftest_known(config.selftest),
    };
    struct kernel *k = kernel_create(&hal, &kc);
    if (k == NULL)
        panic("no memory for the kernel's own state (%llu pages free)",
              (unsigned long long)pages_available());
    return k;
}

/* Start the run= programs; returns how many could not start. */
static uint32_t spawn_boot_programs(struct kernel *k)
{
    uint32_t failures = 0;
    struct node_program p;
    for (uint32_t i = 0; node_config_program(&config, i, &p); i++) {
        int64_t pid = kernel_spawn(k, p.name, p.argv, p.argc);
        if (pid < 0) {
            kprintf("cumulonimbus: run=%s: cannot start: %s\n", p.name, abi_error_name((int)pid));
            failures++;
        }
    }
    return failures;
}

static void print_ready(bool nic, bool disk)
{
    uint8_t mac[6] = {0};
    if (nic)
        e1000_mac(mac);
    uint32_t ip = config.ipv4;
    char disk_text[32] = "none";
    if (disk)
        ksnprintf(disk_text, sizeof disk_text, "%llu sectors %s", (unsigned long long)ata_sector_count(),
                  ata_mode_name());
    kprintf("cumulonimbus: node %u ready: ip %u.%u.%u.%u mac %02x:%02x:%02x:%02x:%02x:%02x "
            "nodes %u, loader %s, memory %llu MiB, screen %s, nic %s, disk %s, up %llu ms\n",
            config.node_id, ip >> 24, ip >> 16 & 0xFF, ip >> 8 & 0xFF, ip & 0xFF, mac[0], mac[1], mac[2],
            mac[3], mac[4], mac[5], config.node_count, boot.loader,
            (unsigned long long)(pages_total() * PAGE_BYTES >> 20), screen_mode(),
            !nic              ? "none"
            : e1000_link_up() ? "e1000 link up"
                              : "e1000 link down",
            disk_text, (unsigned long long)(clock_now_ns() / 1000000u));
}

void kmain(uint32_t magic, uint32_t info_addr)
{
    serial_init();
    cpu_tables_setup();
    if (!bootinfo_parse(magic, info_addr, &boot))
        panic("started by an unknown boot loader");
    pages_init(&boot);
    node_programs_init(&boot);
    screen_init(&boot.fb);
    kprint_use_screen(true);
    clock_init();
    entropy_init();
    serial_enable_input();
    read_config();
    bool nic = start_nic();
    bool disk = ata_probe(!config.ata_pio);
    struct kernel *k = start_kernel(nic, disk);
    shell_init(k, &config);
    uint32_t failures = spawn_boot_programs(k);
    print_ready(nic, disk);
    if (config.selftest[0] != '\0')
        node_selftest_run(config.selftest, k);
    node_loop_run(k, &config, nic, failures);
}
