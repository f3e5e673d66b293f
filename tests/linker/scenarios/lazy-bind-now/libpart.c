// Defines part of what main.c calls; `not_here` is defined nowhere.
int present(int x) { return x + 1; }
