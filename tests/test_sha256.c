/*
 * test_sha256.c - host/sha256.c against the FIPS 180-4 examples (one
 * block, two blocks, the empty string, a million 'a's) and lengths
 * around the padding boundary (values from sha256sum): a scenario_sha256
 * in metrics.json is what sha256sum prints for the same bytes.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "host/sha256.h"

static void expect_hex(const void *data, size_t len, const char *want)
{
    char hex[SHA256_HEX_BYTES];
    sha256_hex(data, len, hex);
    cr_expect_str_eq(hex, want, "length %zu", len);
}

Test(sha256, fips_180_examples)
{
    expect_hex("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect_hex("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: two blocks */
    expect_hex(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    size_t million = 1000000;
    char *a = malloc(million);
    cr_assert_not_null(a);
    memset(a, 'a', million);
    expect_hex(a, million, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

Test(sha256, lengths_around_the_padding)
{
    /* 55 bytes fit the length in one block, 56 and 64 need a second. */
    char text[65];
    memset(text, 'x', sizeof text);
    expect_hex(text, 55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
    expect_hex(text, 56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
    expect_hex(text, 64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
}
