/* One main() for every Check unit test binary: run the suite verbosely so
 * the closing "100%: Checks: N, Failures: 0, Errors: 0" line is printed. */
#ifndef MW_CHECK_MAIN_H
#define MW_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(make_suite)                                   \
    int main(void)                                               \
    {                                                            \
        SRunner *sr = srunner_create(make_suite());              \
        srunner_run_all(sr, CK_NORMAL);                          \
        int failed = srunner_ntests_failed(sr);                  \
        srunner_free(sr);                                        \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;        \
    }

#endif
