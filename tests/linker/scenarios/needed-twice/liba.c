// Needed by both main and libb: loaded once, so its state is shared.
#include <stdio.h>

int a_count;
void a_bump(const char *who) { printf("a_bump from %s: %d\n", who, ++a_count); }
