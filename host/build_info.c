/* build_info.c - see build_info.h. The values come from a header the
 * build writes (build_info_values.h), so only this file is recompiled
 * when the commit changes. */
#include "build_info.h"

#include "build_info_values.h"

const char *build_info_version(void)
{
    return NIMBUS_BUILD_VERSION;
}

const char *build_info_commit(void)
{
    return NIMBUS_BUILD_COMMIT;
}

const char *build_info_type(void)
{
    return NIMBUS_BUILD_TYPE;
}
