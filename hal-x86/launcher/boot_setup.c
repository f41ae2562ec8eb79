/* boot_setup.c - see boot_state.h: the run's files, sockets and QEMUs. */
#define _POSIX_C_SOURCE 200809L /* ftruncate, O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_env.h"
#include "boot_qemu.h"
#include "boot_state.h"

/* "<dir>/<stem><node><ext>" into buf (PATH_MAX bytes); false if too long. */
static bool boot_path(char *buf, const char *dir, const char *stem, uint32_t node, const char *ext)
{
    return (size_t)snprintf(buf, PATH_MAX, "%s/%s%u%s", dir, stem, node, ext) < PATH_MAX;
}

static bool boot_node_paths(struct boot_state *st, uint32_t i)
{
    struct boot_node *n = &st->node[i];
    const char *out = st->setup->out_dir, *tmp = st->temp_dir;
    return boot_path(n->log_path, out, "node", i, ".log") &&
           boot_path(n->pcap_path, out, "node", i, ".pcap") &&
           boot_path(n->qemu_log_path, out, "node", i, ".qemu.log") &&
           boot_path(n->disk_path, out, "node", i, ".disk") &&
           boot_path(n->serial_sock, tmp, "serial", i, ".sock") &&
           boot_path(n->lan_sock, tmp, "lan", i, ".sock") && boot_path(n->node_sock, tmp, "node", i, ".sock");
}

/* A raw disk image of at least --disk MiB; what it holds stays. */
static int boot_make_disk(const char *path, uint32_t mib)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    struct stat sb;
    off_t want = (off_t)mib << 20;
    int r = fd < 0 || fstat(fd, &sb) < 0 || (sb.st_size < want && ftruncate(fd, want) < 0) ? -1 : 0;
    if (fd >= 0)
        close(fd);
    if (r < 0)
        boot_warn("cannot make the disk image %s: %s", path, strerror(errno));
    return r;
}

/* nimbus kvd's port of the LAN and its log. */
static bool boot_kvd_paths(struct boot_state *st)
{
    uint32_t id = boot_args_kvd_node(st->opt);
    return boot_path(st->kvd.lan_sock, st->temp_dir, "lan", id, ".sock") &&
           boot_path(st->kvd.sock, st->temp_dir, "node", id, ".sock") &&
           (size_t)snprintf(st->kvd.log_path, PATH_MAX, "%s/" BOOT_KVD_LOG, st->setup->out_dir) < PATH_MAX;
}

/* Port i is node i's; with --kvd, the last one is nimbus kvd's. */
static int boot_open_lan(struct boot_state *st)
{
    const char *ours[BOOT_MAX_NODES], *theirs[BOOT_MAX_NODES];
    char err[BOOT_ERROR_BYTES];
    uint32_t ports = boot_args_cluster_nodes(st->opt);
    for (uint32_t i = 0; i < st->opt->nodes; i++) {
        ours[i] = st->node[i].lan_sock;
        theirs[i] = st->node[i].node_sock;
    }
    if (st->opt->kvd_dir != NULL) {
        if (!boot_kvd_paths(st)) {
            boot_warn("the output directory's path is too long: %s", st->setup->out_dir);
            return -1;
        }
        ours[st->opt->nodes] = st->kvd.lan_sock;
        theirs[st->opt->nodes] = st->kvd.sock;
    }
    if (boot_lan_open(&st->lan, ports, ours, theirs, err, sizeof err) < 0) {
        boot_warn("%s", err);
        return -1;
    }
    return 0;
}

int boot_prepare(struct boot_state *st)
{
    char err[BOOT_ERROR_BYTES];
    if (boot_env_make_temp(st->temp_dir, sizeof st->temp_dir, err, sizeof err) < 0) {
        st->temp_dir[0] = '\0';
        boot_warn("%s", err);
        return -1;
    }
    for (uint32_t i = 0; i < st->opt->nodes; i++) {
        if (!boot_node_paths(st, i)) {
            boot_warn("the output directory's path is too long: %s", st->setup->out_dir);
            return -1;
        }
        if (boot_console_open(&st->node[i].console, i, st->node[i].serial_sock, st->node[i].log_path, err,
                              sizeof err) < 0) {
            boot_warn("%s", err);
            return -1;
        }
        if (st->opt->disk_mib > 0 && boot_make_disk(st->node[i].disk_path, st->opt->disk_mib) < 0)
            return -1;
    }
    return boot_open_lan(st);
}

static int boot_node_argv(struct boot_state *st, uint32_t i, struct boot_qemu_argv *argv)
{
    const struct boot_node *n = &st->node[i];
    struct boot_qemu_paths p = {
        .qemu = st->setup->qemu,
        .image = st->setup->image,
        .serial_sock = n->serial_sock,
        .lan_sock = n->lan_sock,
        .node_sock = n->node_sock,
        .pcap = n->pcap_path,
        .disk = st->opt->disk_mib > 0 ? n->disk_path : NULL,
    };
    if (boot_qemu_argv(st->opt, i, &p, argv) < 0) {
        boot_warn("node %u's QEMU command line is too long (paths too long?)", i);
        return -1;
    }
    return 0;
}

/* Write every node's QEMU command into the output directory, then start
 * them all. */
int boot_start_nodes(struct boot_state *st)
{
    static struct boot_qemu_argv argv[BOOT_MAX_NODES]; /* 8 KiB each: not on the stack */
    char path[PATH_MAX], err[BOOT_ERROR_BYTES];
    if ((size_t)snprintf(path, sizeof path, "%s/" BOOT_COMMANDS_FILE, st->setup->out_dir) >= sizeof path)
        return -1;
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        boot_warn("cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "# Each node's QEMU command; its sockets were in %s, removed when the run ended.\n",
            st->temp_dir);
    for (uint32_t i = 0; i < st->opt->nodes; i++) {
        if (boot_node_argv(st, i, &argv[i]) < 0) {
            fclose(f);
            return -1;
        }
        boot_qemu_print(&argv[i], f);
    }
    if (fclose(f) != 0) {
        boot_warn("cannot write %s", path);
        return -1;
    }
    if (st->opt->kvd_dir != NULL && boot_kvd_start(st) < 0)
        return -1;
    for (uint32_t i = 0; i < st->opt->nodes; i++) {
        st->node[i].started_ms = boot_now_ms();
        if (boot_proc_start(&st->proc[i], argv[i].argv, st->node[i].qemu_log_path, &st->wait_mask, err,
                            sizeof err) < 0) {
            boot_warn("node %u: %s", i, err);
            return -1;
        }
    }
    return 0;
}
