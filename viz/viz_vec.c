/* viz_vec.c - see viz_vec.h. */
#include "viz_vec.h"

#include "host/xalloc.h"

void *viz_vec_reserve(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    p = xrealloc(p, c * elem);
    *cap = c;
    return p;
}
