// Entry point of the doctest unit-test executable; the tests live in the other tests/test_*.cc files.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
