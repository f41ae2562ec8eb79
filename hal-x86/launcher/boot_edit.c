/* boot_edit.c - see boot_edit.h. One terminal, so one editor: its state
 * is this file's. */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include "boot_edit.h"

#include <histedit.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static EditLine *edit;
static History *history_list;
static bool hidden; /* the line was taken off the screen */

static char *boot_edit_prompt(EditLine *el)
{
    (void)el;
    return BOOT_EDIT_PROMPT;
}

bool boot_edit_start(void)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return false;
    HistEvent ev;
    history_list = history_init();
    edit = history_list != NULL ? el_init("nimbus", stdin, stdout, stderr) : NULL;
    if (edit == NULL) {
        if (history_list != NULL)
            history_end(history_list);
        history_list = NULL;
        return false;
    }
    history(history_list, &ev, H_SETSIZE, BOOT_EDIT_HISTORY);
    history(history_list, &ev, H_SETUNIQUE, 1);
    el_set(edit, EL_EDITOR, "emacs");
    el_set(edit, EL_HIST, history, history_list);
    el_set(edit, EL_PROMPT, boot_edit_prompt);
    el_set(edit, EL_UNBUFFERED, 1); /* raw mode, the prompt shown */
    hidden = false;
    return true;
}

bool boot_edit_active(void)
{
    return edit != NULL;
}

bool boot_edit_read(boot_edit_line_fn *fn, void *ctx)
{
    if (edit == NULL)
        return false;
    int count = 0;
    const char *text = el_gets(edit, &count);
    if (text == NULL && count < 0) { /* stdin closed or failed */
        boot_edit_end();
        return false;
    }
    if (text != NULL && count == 1 && text[0] == '\4') { /* Ctrl-D on an empty line */
        boot_edit_end();
        return false;
    }
    if (text == NULL || count == 0 || text[count - 1] != '\n')
        return true; /* the line goes on */
    char line[4096];
    snprintf(line, sizeof line, "%.*s", count - 1, text);
    if (line[strspn(line, " ")] != '\0') {
        HistEvent ev;
        history(history_list, &ev, H_ENTER, line);
    }
    /* The finished line stays on the screen above what it causes; out of
     * unbuffered mode and back in gives a fresh line and the prompt. */
    hidden = true;
    el_set(edit, EL_UNBUFFERED, 0);
    fn(ctx, line);
    el_set(edit, EL_UNBUFFERED, 1);
    hidden = false;
    return true;
}

void boot_edit_hide(void)
{
    if (edit == NULL || hidden)
        return;
    const LineInfo *li = el_line(edit);
    int columns = 0;
    if (el_get(edit, EL_GETTC, "co", &columns, NULL) != 0 || columns <= 0)
        columns = 80;
    size_t before_cursor = strlen(BOOT_EDIT_PROMPT) + (size_t)(li->cursor - li->buffer);
    size_t rows_up = before_cursor / (size_t)columns;
    fflush(stdout);
    if (rows_up > 0)
        printf("\033[%zuA", rows_up);
    fputs("\r\033[J", stdout); /* to the line's start, then clear the rest of the screen */
    hidden = true;
}

void boot_edit_show(void)
{
    if (edit == NULL || !hidden)
        return;
    hidden = false;
    el_set(edit, EL_REFRESH);
}

void boot_edit_end(void)
{
    if (edit == NULL)
        return;
    boot_edit_hide();
    fflush(stdout);
    el_end(edit); /* the terminal as it was */
    history_end(history_list);
    edit = NULL;
    history_list = NULL;
}
