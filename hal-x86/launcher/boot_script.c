/* boot_script.c - see boot_script.h. */
#include "boot_script.h"

#include <string.h>

void boot_script_init(struct boot_script *s, const struct boot_options *o)
{
    *s = (struct boot_script){.opt = o, .wait = BOOT_EXEC_NONE};
    for (uint32_t i = 0; i < o->run_count; i++)
        for (uint32_t n = 0; n < o->nodes; n++)
            if (o->runs[i].node == n || o->runs[i].node == BOOT_ALL_NODES)
                s->node[n].busy = true;
}

static void boot_script_match_expects(struct boot_script *s, const char *line)
{
    for (uint32_t i = 0; i < s->opt->expect_count; i++)
        if (!s->expect_met[i] && strstr(line, s->opt->expects[i]) != NULL)
            s->expect_met[i] = true;
}

/* Track the outstanding --exec command on its node's console. */
static void boot_script_track_exec(struct boot_script *s, uint32_t node, const char *line, bool complete)
{
    if (s->wait == BOOT_EXEC_NONE || s->opt->execs[s->next_exec - 1].node != node)
        return;
    const char *command = s->opt->execs[s->next_exec - 1].text;
    if (s->wait == BOOT_EXEC_ECHO && complete && strcmp(boot_notice_skip_prompts(line), command) == 0)
        s->wait = BOOT_EXEC_PROMPT;
    else if (s->wait == BOOT_EXEC_PROMPT && boot_notice_is_prompt(line))
        s->wait = BOOT_EXEC_NONE;
}

static void boot_script_note(struct boot_script *s, uint32_t node, const struct boot_notice *n, uint64_t now_ms)
{
    struct boot_script_node *st = &s->node[node];
    if (n->kind == BOOT_NOTICE_READY) {
        st->ready = true;
        st->ready_ms = now_ms;
    } else if (n->kind == BOOT_NOTICE_IDLE) {
        st->idle = true;
        st->idle_status = n->status;
    } else if (n->kind == BOOT_NOTICE_PANIC)
        st->panicked = true;
    else if (n->kind == BOOT_NOTICE_PROCESS)
        st->busy = true;
}

enum boot_notice_kind boot_script_line(struct boot_script *s, uint32_t node, const char *line, bool complete,
                                       uint64_t now_ms, struct boot_notice *notice)
{
    *notice = (struct boot_notice){.kind = BOOT_NOTICE_NONE};
    if (node >= s->opt->nodes)
        return BOOT_NOTICE_NONE;
    boot_script_match_expects(s, line);
    boot_script_track_exec(s, node, line, complete);
    if (!complete)
        return BOOT_NOTICE_NONE;
    if (boot_notice_parse(line, notice) != BOOT_NOTICE_NONE)
        boot_script_note(s, node, notice, now_ms);
    return notice->kind;
}

/* When the LAN has settled: BOOT_LAN_SETTLE_MS after the last node's
 * ready line; false while a node is not ready. */
static bool boot_script_settled_at(const struct boot_script *s, uint64_t *at_ms)
{
    uint64_t last = 0;
    for (uint32_t n = 0; n < s->opt->nodes; n++) {
        if (!s->node[n].ready)
            return false;
        if (s->node[n].ready_ms > last)
            last = s->node[n].ready_ms;
    }
    *at_ms = last + BOOT_LAN_SETTLE_MS;
    return true;
}

int64_t boot_script_exec_wait_ms(const struct boot_script *s, uint64_t now_ms)
{
    uint64_t at;
    if (s->wait != BOOT_EXEC_NONE || s->next_exec == s->opt->exec_count || !boot_script_settled_at(s, &at))
        return -1;
    return now_ms >= at ? 0 : (int64_t)(at - now_ms);
}

const struct boot_node_text *boot_script_next_exec(struct boot_script *s, uint64_t now_ms)
{
    if (boot_script_exec_wait_ms(s, now_ms) != 0)
        return NULL;
    const struct boot_node_text *e = &s->opt->execs[s->next_exec];
    s->next_exec++;
    s->wait = BOOT_EXEC_ECHO;
    return e;
}

bool boot_script_has_goal(const struct boot_script *s)
{
    return s->opt->expect_count > 0 || s->opt->until_idle;
}

static bool boot_script_any_busy(const struct boot_script *s)
{
    for (uint32_t n = 0; n < s->opt->nodes; n++)
        if (s->node[n].busy)
            return true;
    return false;
}

bool boot_script_done(const struct boot_script *s)
{
    if (!boot_script_has_goal(s) || s->next_exec < s->opt->exec_count || s->wait != BOOT_EXEC_NONE)
        return false;
    for (uint32_t i = 0; i < s->opt->expect_count; i++)
        if (!s->expect_met[i])
            return false;
    if (!s->opt->until_idle)
        return true;
    for (uint32_t n = 0; n < s->opt->nodes; n++)
        if (s->node[n].busy && !s->node[n].idle)
            return false;
    return boot_script_any_busy(s);
}

void boot_script_print_unmet(const struct boot_script *s, FILE *f)
{
    const struct boot_options *o = s->opt;
    for (uint32_t n = 0; n < o->nodes; n++)
        if (!s->node[n].ready)
            fprintf(f, "  - node %u never printed its ready line\n", n);
    if (s->wait != BOOT_EXEC_NONE)
        fprintf(f, "  - --exec '%u:%s' was sent but not answered (%s)\n", o->execs[s->next_exec - 1].node,
                o->execs[s->next_exec - 1].text,
                s->wait == BOOT_EXEC_ECHO ? "no echo" : "no prompt after it");
    for (uint32_t i = s->next_exec; i < o->exec_count; i++)
        fprintf(f, "  - --exec '%u:%s' was not sent\n", o->execs[i].node, o->execs[i].text);
    for (uint32_t i = 0; i < o->expect_count; i++)
        if (!s->expect_met[i])
            fprintf(f, "  - --expect '%s' did not appear\n", o->expects[i]);
    for (uint32_t n = 0; o->until_idle && n < o->nodes; n++)
        if (s->node[n].busy && !s->node[n].idle)
            fprintf(f, "  - node %u did not become idle\n", n);
    if (o->until_idle && !boot_script_any_busy(s))
        fprintf(f, "  - no node had a process to wait for (--run, or spawn with --exec)\n");
}
