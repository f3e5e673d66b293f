// Defines half_fn but not half_data, which mainref.c expects.
int half_fn(void) { return 1; }
