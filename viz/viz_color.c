/* viz_color.c - see viz_color.h. */
#include "viz_color.h"

#include "viz_param.h"
#include "viz_trace.h"

const struct viz_rgb viz_bg = {22, 25, 31};
const struct viz_rgb viz_panel_bg = {32, 36, 44};
const struct viz_rgb viz_text_fg = {230, 232, 236};
const struct viz_rgb viz_text_dim = {150, 156, 168};
const struct viz_rgb viz_node_border = {205, 210, 220};
const struct viz_rgb viz_crashed_fill = {62, 62, 66};
const struct viz_rgb viz_crashed_border = {96, 96, 100};
const struct viz_rgb viz_link = {70, 78, 92};
const struct viz_rgb viz_link_cut = {230, 60, 60};
const struct viz_rgb viz_highlight = {255, 220, 0};
const struct viz_rgb viz_migration_ring = {255, 255, 255};
const struct viz_rgb viz_abort_ring = {255, 70, 70};
const struct viz_rgb viz_message = {140, 200, 255};
const struct viz_rgb viz_kernel_message = {255, 180, 60};
const struct viz_rgb viz_load_avg = {255, 80, 200};
const struct viz_rgb viz_lost = {255, 120, 40};
const struct viz_rgb viz_graph = {90, 200, 190};
const struct viz_rgb viz_cursor_line = {255, 255, 255};
const struct viz_rgb viz_overview_window = {110, 140, 200};

static const struct {
    uint32_t milli;
    struct viz_rgb c;
} stops[] = {
    {0, {49, 110, 189}},
    {1000, {80, 180, 100}},
    {2000, {230, 210, 80}},
    {4000, {245, 140, 50}},
    {VIZ_LOAD_FULL_MILLI, {215, 40, 40}},
};
#define STOP_COUNT (sizeof stops / sizeof stops[0])

unsigned viz_color_load_stops(void) { return STOP_COUNT; }

uint32_t viz_color_load_stop_milli(unsigned i) { return stops[i < STOP_COUNT ? i : 0].milli; }

static uint8_t mix(uint8_t a, uint8_t b, uint32_t num, uint32_t den)
{
    return (uint8_t)((a * (den - num) + b * num) / den);
}

struct viz_rgb viz_color_load(uint32_t load_milli)
{
    if (load_milli >= stops[STOP_COUNT - 1].milli)
        return stops[STOP_COUNT - 1].c;
    unsigned i = 1;
    while (load_milli >= stops[i].milli)
        i++;
    uint32_t den = stops[i].milli - stops[i - 1].milli, num = load_milli - stops[i - 1].milli;
    struct viz_rgb a = stops[i - 1].c, b = stops[i].c;
    return (struct viz_rgb){mix(a.r, b.r, num, den), mix(a.g, b.g, num, den),
                            mix(a.b, b.b, num, den)};
}

struct viz_rgb viz_color_runq(uint32_t runq)
{
    return viz_color_load(runq >= VIZ_LOAD_FULL_MILLI / 1000 ? VIZ_LOAD_FULL_MILLI : runq * 1000);
}

struct viz_rgb viz_color_box(uint32_t load_milli)
{
    struct viz_rgb c = viz_color_load(load_milli);
    return (struct viz_rgb){(uint8_t)(c.r * 2 / 5), (uint8_t)(c.g * 2 / 5), (uint8_t)(c.b * 2 / 5)};
}

/* Distinct hues that stay visible on both the dark box and the bar. */
static const struct viz_rgb program_colors[] = {
    {120, 220, 255}, {255, 150, 220}, {190, 255, 120}, {255, 200, 120},
    {180, 160, 255}, {120, 255, 210}, {255, 255, 140}, {200, 200, 200},
};

struct viz_rgb viz_color_program(uint32_t program)
{
    return program_colors[program % (sizeof program_colors / sizeof program_colors[0])];
}

static const struct viz_rgb group_colors[] = {
    {100, 200, 255}, {255, 130, 80}, {170, 120, 255}, {120, 230, 120}, {255, 210, 90},
};

struct viz_rgb viz_color_group(uint32_t group)
{
    return group_colors[group % (sizeof group_colors / sizeof group_colors[0])];
}

struct viz_rgb viz_mark_color(uint8_t kind)
{
    static const struct viz_rgb restart = {120, 220, 120}, pause = {200, 160, 255},
                                crash = {150, 150, 156};
    switch (kind) {
    case VIZ_EV_CRASH: return crash;
    case VIZ_EV_RESTART: return restart;
    case VIZ_EV_PAUSE:
    case VIZ_EV_RESUME: return pause;
    case VIZ_EV_HEAL: return viz_text_dim;
    default: return viz_link_cut; /* partitions */
    }
}
