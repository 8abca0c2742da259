/* test_phone.c - telephone numbers grouped as Chinese residents read and
 * dial them (phone_format): the connect screen shows hotlines so. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "phone.h"

static void check(const char *in, const char *want)
{
    char out[64];
    size_t n = phone_format(in, out, sizeof out);
    if (strcmp(out, want) != 0)
        fail_msg("phone_format(\"%s\") = \"%s\", want \"%s\"", in, out, want);
    assert_int_equal(n, strlen(want));
}

static void test_chinese_formats(void **state)
{
    (void)state;
    /* 400 and 800 service numbers: 3-3-4. */
    check("tel:4008207788", "400-820-7788");
    check("400 820 7788", "400-820-7788");
    check("tel:800-810-8888", "800-810-8888");
    check("tel:+86-400-820-7788", "400-820-7788");
    /* Mobiles: 3-4-4. */
    check("tel:13812345678", "138-1234-5678");
    check("tel:+8613812345678", "138-1234-5678");
    check("tel:+86 138 1234 5678", "138-1234-5678");
    check("tel:0086-138-1234-5678", "138-1234-5678");
    /* Landlines with a three-digit area code (010, 02x): 3-4-4. */
    check("tel:01012345678", "010-1234-5678");
    check("tel:(010)12345678", "010-1234-5678");
    check("tel:021.6888.9999", "021-6888-9999");
    check("tel:+86-10-1234-5678", "010-1234-5678");   /* Beijing: not a mobile */
    /* A four-digit area code: 4-4-4, or 4-3-4 with a 7-digit number. */
    check("tel:057188887777", "0571-8888-7777");
    check("tel:+86-571-8765-4321", "0571-8765-4321");
    check("tel:+86 0571 8765 4321", "0571-8765-4321");
    check("tel:07558887777", "0755-888-7777");
    check("tel:0571-888-7777", "0571-888-7777");
    /* Local numbers without the area code. */
    check("tel:87654321", "8765-4321");
    check("tel:8765432", "876-5432");
}

static void test_other_numbers_as_written(void **state)
{
    (void)state;
    /* Short numbers are dialled as they are. */
    check("tel:110", "110");
    check("tel:12345", "12345");
    check("tel:95588", "95588");
    /* Another country's number: as the office wrote it. */
    check("tel:+44-20-7946-0958", "+44-20-7946-0958");
    check("tel:001-212-555-0100", "001-212-555-0100");
    /* Lengths that match no pattern. */
    check("tel:0571-123", "0571-123");
    check("tel:1381234567", "1381234567");
    /* Not a number at all. */
    check("call us", "call us");
    check("", "");
}

static void test_truncated_and_terminated(void **state)
{
    (void)state;
    char out[8];
    memset(out, 'x', sizeof out);
    assert_int_equal(phone_format("tel:13812345678", out, sizeof out), 7);
    assert_string_equal(out, "138-123");
    memset(out, 'x', sizeof out);
    assert_int_equal(phone_format("tel:+44-20-7946-0958", out, sizeof out), 7);
    assert_string_equal(out, "+44-20-");
    assert_int_equal(phone_format("tel:110", out, 0), 0);
    /* Too many digits for any number: copied, not overrun. */
    char big[64];
    phone_format("tel:123456789012345678901234567890", big, sizeof big);
    assert_string_equal(big, "123456789012345678901234567890");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chinese_formats),
        cmocka_unit_test(test_other_numbers_as_written),
        cmocka_unit_test(test_truncated_and_terminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
