// Loaded with --preload: interposes on libweak's strong_fn (the program does not define it).
const char *strong_fn(void) { return "preloaded strong_fn"; }
