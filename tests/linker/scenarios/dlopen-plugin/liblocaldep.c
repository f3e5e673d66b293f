// Needed by pluginlocal.wasm only: loaded by its RTLD_LOCAL dlopen, so it joins that local scope.
int local_helper(void) { return 2; }
