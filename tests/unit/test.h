/*
 * test.h — what every cmocka unit test includes: the standard headers cmocka
 * needs before it, cmocka itself, and ferry's common definitions.
 */
#ifndef FERRY_TEST_H
#define FERRY_TEST_H

#include "core/common.h"

#include <setjmp.h>
#include <cmocka.h>

/* assert_string_contains(haystack, needle) */
#define assert_contains(hay, needle)                                              \
    do {                                                                          \
        const char *h_ = (hay);                                                   \
        if (!h_ || !strstr(h_, (needle)))                                         \
            fail_msg("\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", (needle)); \
    } while (0)

#endif
