// A plugin inside the sandbox whose needed entry points at a file beside wi (see main.c, cmd).
int plugin_value(void) { return 1; }
