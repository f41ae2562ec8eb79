/* textfmt.c - see textfmt.h. */
#include "textfmt.h"

#include "core/abi.h"
#include "kprint.h"

#define NS_PER_SECOND 1000000000ull

void textfmt_pid(char *buf, size_t size, uint32_t pid)
{
    ksnprintf(buf, size, "n%u.%u", ABI_PID_NODE(pid), ABI_PID_LOCAL(pid));
}

void textfmt_load(char *buf, size_t size, uint32_t load_milli)
{
    uint32_t hundredths = load_milli / 10u + (load_milli % 10u >= 5u);
    ksnprintf(buf, size, "%u.%02u", hundredths / 100u, hundredths % 100u);
}

void textfmt_uptime(char *buf, size_t size, uint64_t ns)
{
    uint64_t s = ns / NS_PER_SECOND;
    ksnprintf(buf, size, "%llu:%02u:%02u", (unsigned long long)(s / 3600u), (unsigned)(s / 60u % 60u),
              (unsigned)(s % 60u));
}
