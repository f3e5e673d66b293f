// A plugin inside the sandbox that needs two libraries there: libsub.wasm (a bare name, found beside
// it) and deps/libdeep.wasm (a relative path, resolved from the plugin's own guest directory).
int sub_value(void);
int deep_value(void);
int plugin_value(void) { return sub_value() * 10 + deep_value(); }
