#include <stdio.h>
#include "errors.h"

static int translate(int kind) {
  try {
    return parse_or_throw(kind);
  } catch (int v) {
    printf("    pipe: int %d becomes a ParseError\n", v);
    throw ParseError(v, 0);  // a new exception thrown from a handler
  }
}

int run_stage(int kind) {
  Tracer t("stage");
  try {
    return translate(kind);
  } catch (NetError &e) {
    printf("    pipe: %s tag=%s, rethrow\n", e.what(), e.tag());
    throw;
  } catch (IoError &e) {
    printf("    pipe: %s code %d\n", e.what(), e.code);
    if (e.code == 2) throw;  // rethrow the same object
    return -e.code;
  }
}
