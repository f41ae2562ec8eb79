/*
 * shell.c - see shell.h. Runs in the main loop (never in an interrupt
 * handler): commands call the kernel core's entry points directly.
 */
#include "shell.h"

#include "clock.h"
#include "core/abi.h"
#include "core/param.h"
#include "kprint.h"
#include "kstring.h"
#include "shell_line.h"
#include "shell_parse.h"
#include "textfmt.h"
#include "node_programs.h"

#define SHELL_PROMPT "nimbus> "
#define SHELL_MAX_WORDS (ABI_ARGS_MAX_COUNT + 2u) /* "spawn", the program, its arguments */
#define SHELL_MAX_PEERS 1024u /* node_config.h: nodes=1..1024 */

struct shell_command {
    const char *name, *args, *help;
    uint32_t min_args, max_args;
    void (*run)(char **args, uint32_t count);
};

static struct kernel *shell_kernel;
static const struct node_config *shell_cfg;
static struct shell_line line;
static bool prompt_shown;   /* the console's last line is the prompt and `line` */
static bool printing;       /* the shell's own output is going out */
static bool output_seen;    /* other output since the last shell_poll */
static uint64_t quiet_since_ns;

static void shell_write(const char *text, size_t len)
{
    printing = true;
    kputs_n(text, len);
    printing = false;
}

static void __attribute__((format(printf, 1, 2))) shell_print(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printing = true;
    kvprintf(fmt, ap);
    printing = false;
    va_end(ap);
}

/* ---- the commands ------------------------------------------------------ */

static void run_help(char **args, uint32_t count);

static const char *proc_state(const struct kernel_proc_info *p)
{
    return p->moving ? "moving" : p->blocked ? "blocked" : "run";
}

static void run_ps(char **args, uint32_t count)
{
    (void)args, (void)count;
    static struct kernel_proc_info procs[KERNEL_MAX_PROCS];
    uint32_t n = kernel_list_processes(shell_kernel, procs, KERNEL_MAX_PROCS);
    if (n == 0) {
        shell_print("no processes\n");
        return;
    }
    shell_print("%-10s %-10s %-8s %6s %6s %14s  %s\n", "PID", "PARENT", "STATE", "PAGES", "MOVES", "INSNS", "NAME");
    for (uint32_t i = 0; i < n; i++) {
        const struct kernel_proc_info *p = &procs[i];
        char pid[TEXTFMT_BYTES], parent[TEXTFMT_BYTES];
        textfmt_pid(pid, sizeof pid, p->pid);
        textfmt_pid(parent, sizeof parent, p->parent_pid);
        shell_print("%-10s %-10s %-8s %6u %6u %14llu  %s%s\n", pid, parent, proc_state(p), p->pages, p->moves,
                    (unsigned long long)p->insns, p->name, p->pinned ? " (pinned)" : "");
    }
}

static void run_peers(char **args, uint32_t count)
{
    (void)args, (void)count;
    static struct kernel_peer_info peers[SHELL_MAX_PEERS];
    uint32_t n = kernel_list_peers(shell_kernel, peers, SHELL_MAX_PEERS);
    if (n == 0) {
        shell_print("no peers heard from yet (cluster of %u node%s)\n", shell_cfg->node_count,
                    shell_cfg->node_count == 1 ? "" : "s");
        return;
    }
    uint64_t now = clock_now_ns();
    shell_print("%-6s %8s  %s\n", "NODE", "LOAD", "HEARD");
    for (uint32_t i = 0; i < n; i++) {
        char load[TEXTFMT_BYTES];
        textfmt_load(load, sizeof load, peers[i].load_milli);
        uint64_t ago_ms = now > peers[i].heard_ns ? (now - peers[i].heard_ns) / 1000000u : 0;
        shell_print("%-6u %8s  %llu ms ago\n", peers[i].node, load, (unsigned long long)ago_ms);
    }
}

static void run_load(char **args, uint32_t count)
{
    (void)args, (void)count;
    const struct kernel_stats *s = kernel_stats(shell_kernel);
    char load[TEXTFMT_BYTES];
    textfmt_load(load, sizeof load, s->load_milli);
    shell_print("load %s, %u processes\n", load, kernel_process_count(shell_kernel));
    shell_print("instructions %llu (translated %llu); spawned %u, exited %u, faulted %u\n",
                (unsigned long long)s->insns, (unsigned long long)s->insns_translated, s->spawned, s->exited,
                s->faulted);
    shell_print("messages sent %llu, delivered %llu, dropped %llu, forwarded %llu\n",
                (unsigned long long)s->msgs_sent, (unsigned long long)s->msgs_delivered,
                (unsigned long long)s->msgs_dropped, (unsigned long long)s->forwarded);
    shell_print("frames rx %llu, tx %llu, bad %llu; retransmits %llu, peer resets %llu\n",
                (unsigned long long)s->frames_rx, (unsigned long long)s->frames_tx,
                (unsigned long long)s->frames_bad, (unsigned long long)s->retransmits,
                (unsigned long long)s->peer_resets);
    shell_print("migrations out %u, in %u, aborted %u (%llu bytes sent)\n", s->migrations_out, s->migrations_in,
                s->migrations_aborted, (unsigned long long)s->migration_bytes);
    shell_print("pages in use %u (peak %u)\n", s->pages_in_use, s->pages_peak);
}

static void run_spawn(char **args, uint32_t count)
{
    int64_t pid = kernel_spawn(shell_kernel, args[0], (const char *const *)&args[1], count - 1);
    if (pid < 0) {
        shell_print("spawn %s: %s%s\n", args[0], abi_error_name((int)pid),
                    pid == ERR_NOT_FOUND ? " (see 'programs')" : "");
        return;
    }
    char text[TEXTFMT_BYTES];
    textfmt_pid(text, sizeof text, (uint32_t)pid);
    shell_print("spawned %s (%s)\n", text, args[0]);
}

static void run_migrate(char **args, uint32_t count)
{
    (void)count;
    uint32_t pid, node;
    int status = shell_parse_pid(args[0], &pid);
    if (status != SHELL_PARSE_OK) {
        shell_print("migrate: '%s' is %s\n", args[0], shell_parse_status_text(status));
        return;
    }
    status = shell_parse_u32(args[1], UINT16_MAX, &node);
    if (status != SHELL_PARSE_OK || node >= shell_cfg->node_count) {
        shell_print("migrate: '%s' is not a node of this cluster (nodes 0..%u)\n", args[1],
                    shell_cfg->node_count - 1u);
        return;
    }
    if (node == shell_cfg->node_id) {
        shell_print("migrate: node %u is this node\n", node);
        return;
    }
    int err = kernel_migrate(shell_kernel, pid, (uint16_t)node);
    if (err != 0)
        shell_print("migrate %s: %s\n", args[0], abi_error_name(err));
    else
        shell_print("migrating %s to node %u\n", args[0], node);
}

static void run_programs(char **args, uint32_t count)
{
    (void)args, (void)count;
    for (uint32_t i = 0; i < node_program_count(); i++) {
        const struct user_program *p = node_program_at(i);
        shell_print("%-16s %8u bytes%s\n", p->name, p->size, i >= user_program_count ? " (boot module)" : "");
    }
}

static const struct shell_command commands[] = {
    {"help", "", "the commands", 0, 0, run_help},
    {"ps", "", "processes on this node", 0, 0, run_ps},
    {"peers", "", "the peers heard from, with their loads", 0, 0, run_peers},
    {"load", "", "this node's load and counters", 0, 0, run_load},
    {"spawn", "PROG [ARG...]", "start a program", 1, ABI_ARGS_MAX_COUNT + 1u, run_spawn},
    {"migrate", "PID NODE", "move a process (PID as n<node>.<local>)", 2, 2, run_migrate},
    {"programs", "", "the programs in the image and the boot modules", 0, 0, run_programs},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void run_help(char **args, uint32_t count)
{
    (void)args, (void)count;
    for (uint32_t i = 0; i < COMMAND_COUNT; i++)
        shell_print("  %-8s %-14s %s\n", commands[i].name, commands[i].args, commands[i].help);
}

/* ---- the line ---------------------------------------------------------- */

static void run_line(char *text)
{
    char *words[SHELL_MAX_WORDS];
    int n = shell_split(text, words, SHELL_MAX_WORDS);
    if (n == 0)
        return;
    if (n < 0) {
        shell_print("too many words (at most %u)\n", SHELL_MAX_WORDS);
        return;
    }
    for (uint32_t i = 0; i < COMMAND_COUNT; i++) {
        const struct shell_command *c = &commands[i];
        if (strcmp(words[0], c->name) != 0)
            continue;
        uint32_t count = (uint32_t)n - 1u;
        if (count < c->min_args || count > c->max_args)
            shell_print("usage: %s %s\n", c->name, c->args);
        else
            c->run(words + 1, count);
        return;
    }
    shell_print("unknown command '%s' (try 'help')\n", words[0]);
}

static void show_prompt(void)
{
    shell_print(SHELL_PROMPT "%s", line.text);
    prompt_shown = true;
}

void shell_init(struct kernel *k, const struct node_config *cfg)
{
    shell_kernel = k;
    shell_cfg = cfg;
    shell_line_init(&line);
    prompt_shown = false;
    output_seen = true; /* the boot messages: the first prompt waits for quiet */
}

/* Enter or Ctrl-C on a shown prompt: run (or drop) the line, prompt again. */
static void finish_line(enum shell_key key)
{
    if (key == SHELL_KEY_CANCEL)
        shell_write("^C\n", 3);
    else
        shell_write("\n", 1);
    prompt_shown = false;
    if (key == SHELL_KEY_ENTER)
        run_line(line.text);
    shell_line_clear(&line);
    show_prompt();
}

void shell_input(char c)
{
    if (shell_kernel == NULL)
        return;
    enum shell_key key = shell_line_feed(&line, c);
    if (key == SHELL_KEY_NONE || key == SHELL_KEY_FULL)
        return;
    if (!prompt_shown) {
        /* Other output took the prompt away: bring it back with the line
         * as it is now, which already shows a typed or erased byte. */
        show_prompt();
        if (key == SHELL_KEY_TYPED || key == SHELL_KEY_ERASED || (key == SHELL_KEY_ENTER && line.len == 0))
            return;
    } else if (key == SHELL_KEY_TYPED) {
        shell_write(&line.text[line.len - 1], 1);
        return;
    } else if (key == SHELL_KEY_ERASED) {
        shell_write("\b \b", 3);
        return;
    }
    finish_line(key);
}

void shell_before_output(void)
{
    if (printing)
        return;
    output_seen = true;
    if (prompt_shown) {
        prompt_shown = false;
        shell_write("\n", 1);
    }
}

void shell_poll(uint64_t now_ns)
{
    if (shell_kernel == NULL || prompt_shown)
        return;
    if (output_seen) {
        output_seen = false;
        quiet_since_ns = now_ns;
    } else if (now_ns - quiet_since_ns >= SHELL_PROMPT_QUIET_NS) {
        show_prompt();
    }
}
