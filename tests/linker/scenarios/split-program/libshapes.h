// The interface of libshapes.wasm, shared by main.c and libshapes.c.
#include <stdio.h>

struct shape {
  const char *name;
  double (*area)(const struct shape *);  // a function pointer stored in data
  double size;
};

extern struct shape shapes[];        // library data read by main
extern int shape_count;
extern double (*scale_hook)(double); // library data holding a pointer to a main function
const char *lib_describe(const struct shape *s, char *buf, size_t n);
double lib_total(double (*weight)(const struct shape *));  // calls back into main
int lib_same_pointer(double (*f)(const struct shape *));   // compares a pointer from main with its own
void lib_log(FILE *to, const char *what);                    // main passes its stdout/stderr view
double circle_area(const struct shape *s);
