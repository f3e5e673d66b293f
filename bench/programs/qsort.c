/* A libc-style generic qsort (element size and comparator passed at run time, bytewise swaps, median of
 * three, insertion sort for small ranges) sorting pseudo-random ints, then a structure-of-records sort. */
#include "bench.h"

#define MAXN (1 << 20)

typedef int (*cmp_fn)(const void*, const void*);

static void swap_bytes(unsigned char* a, unsigned char* b, usize size) {
  if (size == 4) {
    u32 t = *(u32*)a;
    *(u32*)a = *(u32*)b;
    *(u32*)b = t;
    return;
  }
  while (size--) {
    unsigned char t = *a;
    *a++ = *b;
    *b++ = t;
  }
}

static void sort_range(unsigned char* base, usize n, usize size, cmp_fn cmp) {
  while (n > 12) {
    unsigned char* lo = base;
    unsigned char* mid = base + (n / 2) * size;
    unsigned char* hi = base + (n - 1) * size;
    if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
    if (cmp(hi, mid) < 0) {
      swap_bytes(hi, mid, size);
      if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
    }
    swap_bytes(mid, base, size); /* pivot to the front */
    unsigned char* i = base + size;
    unsigned char* j = hi;
    for (;;) {
      while (cmp(i, base) < 0) i += size;
      while (cmp(base, j) < 0) j -= size;
      if (i >= j) break;
      swap_bytes(i, j, size);
      i += size;
      j -= size;
    }
    swap_bytes(base, j, size);
    usize left = (usize)(j - base) / size;
    usize right = n - left - 1;
    /* Recurse into the smaller side, loop on the larger: O(log n) stack. */
    if (left < right) {
      sort_range(base, left, size, cmp);
      base = j + size;
      n = right;
    } else {
      sort_range(j + size, right, size, cmp);
      n = left;
    }
  }
  for (usize k = 1; k < n; ++k)
    for (unsigned char* p = base + k * size; p > base && cmp(p, p - size) < 0; p -= size)
      swap_bytes(p, p - size, size);
}

#if defined(WI_LIBC)
/* wi-dyn: musl's qsort in libc.wasm (a different algorithm: smoothsort), a cross-module call whose
 * comparator calls come back through the table. Both comparators are total orders, so any correct sort
 * gives the same checksum. Native and static wasm keep the same quicksort, so their ratio is fair. */
#define my_qsort qsort
#else
static void my_qsort(void* base, usize n, usize size, cmp_fn cmp) { sort_range((unsigned char*)base, n, size, cmp); }
#endif

static int cmp_int(const void* a, const void* b) {
  int x = *(const int*)a, y = *(const int*)b;
  return (x > y) - (x < y);
}

struct rec {
  u32 key;
  u32 id;
  u32 pad[2];
};

static int cmp_rec(const void* a, const void* b) {
  const struct rec* x = (const struct rec*)a;
  const struct rec* y = (const struct rec*)b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return x->id < y->id ? -1 : x->id > y->id;
}

static int ints[MAXN];
static struct rec recs[MAXN / 4];

int run(int n) {
  if (n > MAXN) n = MAXN;
  u32 seed = 2463534242u;
  for (int i = 0; i < n; ++i) ints[i] = (int)(bench_rand(&seed) % 1000000u) - 500000;
  my_qsort(ints, (usize)n, sizeof(int), cmp_int);
  int m = n / 4;
  for (int i = 0; i < m; ++i) {
    recs[i].key = bench_rand(&seed) % 1000u;
    recs[i].id = (u32)i;
    recs[i].pad[0] = recs[i].pad[1] = 0;
  }
  my_qsort(recs, (usize)m, sizeof(struct rec), cmp_rec);
  u32 h = 0;
  for (int i = 0; i < n; ++i) h = h * 31u + (u32)ints[i];
  for (int i = 0; i < m; ++i) h = h * 17u + recs[i].key * 3u + recs[i].id;
  for (int i = 1; i < n; ++i)
    if (ints[i - 1] > ints[i]) return -1;
  return (int)h;
}
