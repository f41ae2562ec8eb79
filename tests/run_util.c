/* run_util.c - see run_util.h. */
#include "run_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

int run_nimbus(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/nimbus %s", NIMBUS_BINARY_DIR, args);
    int status = system(cmd);
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            char *bigger = realloc(buf, cap + 1);
            if (bigger == NULL)
                free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    if (buf != NULL)
        buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

int files_equal(const char *a, const char *b)
{
    size_t la, lb;
    char *da = read_file(a, &la), *db = read_file(b, &lb);
    int same = da != NULL && db != NULL && la == lb && memcmp(da, db, la) == 0;
    free(da);
    free(db);
    return same;
}

static int line_matches(const char *line, const char *ev, const char *field, const char *value)
{
    cJSON *obj = cJSON_Parse(line);
    if (obj == NULL)
        return 0;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(obj, "ev");
    int match = cJSON_IsString(e) && strcmp(e->valuestring, ev) == 0;
    if (match && field != NULL) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, field);
        match = cJSON_IsString(f) && strcmp(f->valuestring, value) == 0;
    }
    cJSON_Delete(obj);
    return match;
}

int count_trace_events(const char *run_dir, const char *ev, const char *field, const char *value)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/trace.jsonl", run_dir);
    char *text = read_file(path, NULL);
    if (text == NULL)
        return -1;
    int count = 0;
    for (char *line = strtok(text, "\n"); line != NULL; line = strtok(NULL, "\n"))
        count += line_matches(line, ev, field, value);
    free(text);
    return count;
}

int console_contains(const char *run_dir, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/console.log", run_dir);
    char *log = read_file(path, NULL);
    int found = log != NULL && strstr(log, text) != NULL;
    free(log);
    return found;
}
