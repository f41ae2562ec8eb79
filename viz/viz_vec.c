/* viz_vec.c - see viz_vec.h. */
#include "viz_vec.h"

#include "sim_util.h"

void *viz_vec_reserve(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    p = sim_xrealloc(p, c * elem);
    *cap = c;
    return p;
}
