// A program whose dlopen'ed plugin makes host calls from its constructor (clock, random, stdout), so a
// recording holds events made inside the dlopen call: run_replay_scenario.sh checks their replay.
#include <dlfcn.h>
#include <stdio.h>

int main(void) {
  printf("main: before dlopen\n");
  fflush(stdout);
  void *h = dlopen("pluginctor.wasm", RTLD_NOW);
  if (!h) {
    printf("dlopen failed: %s\n", dlerror());
    return 1;
  }
  long long (*stamp)(void) = (long long (*)(void))dlsym(h, "plugin_stamp");
  printf("main: the plugin's constructor read the clock at %lld\n", stamp());
  return 0;
}
