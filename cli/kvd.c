/*
 * kvd.c - `nimbus kvd`: serve the key-value back end on the host as a
 * node of a QEMU cluster's LAN (kvd/kvd_node.h), or show what a store
 * holds (--dump, --get).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "host/args.h"
#include "kvd/kvd_lmdb.h"
#include "kvd/kvd_node.h"

static const char kvd_usage[] =
    "Usage: nimbus kvd --db DIR --node N --port PATH --peer PATH [--nodes M]\n"
    "       nimbus kvd --db DIR --dump\n"
    "       nimbus kvd --db DIR --get KEY\n"
    "\n"
    "Serve the cluster's key-value store from the host: a node of the LAN\n"
    "(the same kernel core as every node, on a host platform) whose kernels'\n"
    "kv_put, kv_get, kv_del and kv_scan calls it answers from an LMDB store\n"
    "in DIR. A put is answered once the LMDB transaction holding it has\n"
    "committed. It runs until SIGINT or SIGTERM. 'nimbus boot --kvd DIR'\n"
    "starts it as one more node of its LAN; docs/storage.md has the details.\n"
    "\n"
    "  -d, --db DIR       the LMDB store, made if missing; one kvd at a time\n"
    "  -n, --node N       this node's id (the kernels' kv=N)\n"
    "      --nodes M      the cluster's size, nodes 0 to M-1 (default N+1)\n"
    "      --port PATH    the unix datagram socket kvd binds for its frames\n"
    "      --peer PATH    the socket it sends its frames to (the LAN switch's\n"
    "                     port, or a QEMU's -netdev dgram socket)\n"
    "      --dump         list every key and value, one a line: the key, a tab,\n"
    "                     the value's length, a tab, the value; bytes outside\n"
    "                     printable ASCII (and backslash) written \\xHH (\\\\)\n"
    "      --get KEY      write KEY's value to stdout as it is\n"
    "  -h, --help         this help\n"
    "\n"
    "Exit status: 0 stopped by a signal, or listed; 1 bad usage; 2 the store\n"
    "cannot be opened (a bad directory, or another kvd serves it), the\n"
    "socket cannot be bound, or --get found no such key.\n";

enum { OPT_DB, OPT_NODE, OPT_NODES, OPT_PORT, OPT_PEER, OPT_DUMP, OPT_GET, OPT_HELP };

static const struct args_option kvd_options[] = {
    {"db", 'd', "DIR", OPT_DB},       {"node", 'n', "N", OPT_NODE},     {"nodes", 0, "M", OPT_NODES},
    {"port", 0, "PATH", OPT_PORT},    {"peer", 0, "PATH", OPT_PEER},    {"dump", 0, NULL, OPT_DUMP},
    {"get", 0, "KEY", OPT_GET},       {"help", 'h', NULL, OPT_HELP},
};

struct kvd_args {
    struct kvd_config serve;
    bool node_given, nodes_given, dump;
    const char *get;
};

static int kvd_take(int id, const char *v, struct kvd_args *a)
{
    uint64_t n;
    switch (id) {
    case OPT_DB: a->serve.db_dir = v; return 0;
    case OPT_NODE:
    case OPT_NODES:
        if (!args_parse_u64(v, id == OPT_NODE ? 1022u : 1023u, &n) || (id == OPT_NODES && n == 0))
            return args_usage_error("kvd", "--%s %s: not a node %s", id == OPT_NODE ? "node" : "nodes", v,
                                    id == OPT_NODE ? "id from 0 to 1022" : "count from 1 to 1023");
        *(id == OPT_NODE ? &a->serve.node : &a->serve.nodes) = (uint16_t)n;
        *(id == OPT_NODE ? &a->node_given : &a->nodes_given) = true;
        return 0;
    case OPT_PORT: a->serve.port = v; return 0;
    case OPT_PEER: a->serve.peer = v; return 0;
    case OPT_DUMP: a->dump = true; return 0;
    default: a->get = v; return 0;
    }
}

static int kvd_parse(int argc, char **argv, struct kvd_args *a)
{
    struct args p;
    args_init(&p, "kvd", kvd_options, sizeof kvd_options / sizeof kvd_options[0], argc, argv);
    const char *v;
    for (int id; (id = args_next(&p, &v)) != ARGS_END;) {
        if (id == ARGS_ERROR)
            return CLI_EXIT_USAGE;
        if (id == ARGS_OPERAND)
            return args_usage_error("kvd", "unexpected argument '%s'", v);
        if (id == OPT_HELP) {
            fputs(kvd_usage, stdout);
            return -1;
        }
        int rc = kvd_take(id, v, a);
        if (rc != 0)
            return rc;
    }
    if (a->serve.db_dir == NULL)
        return args_usage_error("kvd", "--db DIR is required");
    if (a->dump || a->get != NULL)
        return a->dump && a->get != NULL ? args_usage_error("kvd", "--dump and --get exclude each other") : 0;
    if (!a->node_given || a->serve.port == NULL || a->serve.peer == NULL)
        return args_usage_error("kvd", "serving needs --node, --port and --peer (or give --dump or --get)");
    if (!a->nodes_given)
        a->serve.nodes = (uint16_t)(a->serve.node + 1u);
    if (a->serve.node >= a->serve.nodes)
        return args_usage_error("kvd", "--node %u is outside the cluster of --nodes %u", a->serve.node,
                                a->serve.nodes);
    return 0;
}

/* Bytes as --dump shows them. */
static void kvd_put_escaped(const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (b[i] == '\\')
            fputs("\\\\", stdout);
        else if (b[i] >= 0x20 && b[i] < 0x7f)
            putchar(b[i]);
        else
            printf("\\x%02x", b[i]);
    }
}

static uint8_t kvd_value[HAL_KV_VALUE_MAX];

static int kvd_dump(struct kvd_lmdb *db)
{
    uint8_t key[HAL_KV_KEY_MAX], cursor[HAL_KV_KEY_MAX];
    uint32_t key_len = 0;
    int32_t n;
    while ((n = kvd_lmdb_scan(db, NULL, 0, cursor, key_len, key)) > 0) {
        key_len = (uint32_t)n;
        memcpy(cursor, key, key_len);
        int32_t len = kvd_lmdb_get(db, key, key_len, kvd_value, sizeof kvd_value);
        if (len < 0)
            break;
        kvd_put_escaped(key, key_len);
        printf("\t%d\t", (int)len);
        kvd_put_escaped(kvd_value, (size_t)len < sizeof kvd_value ? (size_t)len : sizeof kvd_value);
        putchar('\n');
    }
    return n < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

static int kvd_get(struct kvd_lmdb *db, const char *dir, const char *key)
{
    int32_t len = kvd_lmdb_get(db, (const uint8_t *)key, (uint32_t)strlen(key), kvd_value, sizeof kvd_value);
    if (len < 0) {
        fprintf(stderr, "nimbus kvd: %s: %s: %s\n", dir, key,
                len == HAL_ERR_NOT_FOUND ? "no such key" : len == HAL_ERR_INVALID ? "not a key (1 to 255 bytes)"
                                                                                   : "cannot read the store");
        return CLI_EXIT_FAILED;
    }
    fwrite(kvd_value, 1, (size_t)len, stdout);
    return CLI_EXIT_OK;
}

static int kvd_show(const struct kvd_args *a)
{
    char err[512];
    struct kvd_lmdb *db = kvd_lmdb_open(a->serve.db_dir, true, KVD_MAP_BYTES_DEFAULT, err, sizeof err);
    if (db == NULL) {
        fprintf(stderr, "nimbus kvd: %s\n", err);
        return CLI_EXIT_FAILED;
    }
    int rc = a->dump ? kvd_dump(db) : kvd_get(db, a->serve.db_dir, a->get);
    kvd_lmdb_close(db);
    if (rc == CLI_EXIT_FAILED && a->dump)
        fprintf(stderr, "nimbus kvd: %s: cannot read the store\n", a->serve.db_dir);
    return rc;
}

static int kvd_main(int argc, char **argv)
{
    struct kvd_args a = {.serve = {.map_bytes = KVD_MAP_BYTES_DEFAULT}};
    int rc = kvd_parse(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? CLI_EXIT_OK : rc;
    if (a.dump || a.get != NULL)
        return kvd_show(&a);
    return kvd_serve(&a.serve);
}

const struct cli_command cli_kvd = {
    .name = "kvd",
    .usage = kvd_usage,
    .main = kvd_main,
};
