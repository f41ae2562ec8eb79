/* sim_clock.c - see sim_clock.h. */
#include "sim_clock.h"

#include "scenario.h"

_Static_assert(SCN_MAX_CLOCK_DRIFT_PPM < SIM_CLOCK_PPM_UNIT, "a clock never stops or runs backwards");

/* floor(d * m / 10^6) (or its ceiling) without overflow: d = q*10^6 + r. */
static uint64_t scaled(uint64_t d, uint64_t m, int round_up)
{
    uint64_t q = d / SIM_CLOCK_PPM_UNIT, r = d % SIM_CLOCK_PPM_UNIT;
    uint64_t rm = r * m;
    return q * m + rm / SIM_CLOCK_PPM_UNIT + (round_up && rm % SIM_CLOCK_PPM_UNIT != 0);
}

uint64_t sim_clock_local_ns(int32_t ppm, uint64_t sim_ns)
{
    if (ppm >= 0) {
        uint64_t extra = scaled(sim_ns, (uint64_t)ppm, 0);
        return extra >= UINT64_MAX - 1 - sim_ns ? UINT64_MAX - 1 : sim_ns + extra;
    }
    return sim_ns - scaled(sim_ns, (uint64_t)-(int64_t)ppm, 1);
}

uint64_t sim_clock_sim_ns(int32_t ppm, uint64_t local_ns)
{
    if (ppm == 0 || local_ns == UINT64_MAX)
        return local_ns;
    if (local_ns > UINT64_MAX / 4)
        return UINT64_MAX; /* centuries away: as good as never */
    /* Estimate local * 10^6 / (10^6 + ppm) in parts that cannot overflow,
     * then step to the first time that reads local_ns (a step or two). */
    uint64_t rate = (uint64_t)((int64_t)SIM_CLOCK_PPM_UNIT + ppm);
    uint64_t q = local_ns / rate, r = local_ns % rate;
    uint64_t t = q * SIM_CLOCK_PPM_UNIT + r * SIM_CLOCK_PPM_UNIT / rate;
    while (sim_clock_local_ns(ppm, t) < local_ns)
        t++;
    while (t > 0 && sim_clock_local_ns(ppm, t - 1) >= local_ns)
        t--;
    return t;
}
