/* Strings and hashing: in rounds of ROUND words, build short strings, intern them in an open-addressing
 * hash table (FNV-1a, byte loops, string compares) whose keys live in a bump allocator, look every one
 * up again, then reset the arena and clear only the slots used. n = total number of words. */
#include "bench.h"

#define ARENA_SIZE (1u << 20)
#define TABLE_BITS 16
#define ROUND 16384
#define TABLE_SIZE (1u << TABLE_BITS)

static unsigned char arena[ARENA_SIZE];
static usize arena_used;

static void* bump_alloc(usize size) {
  usize at = (arena_used + 7) & ~(usize)7;
  if (at + size > ARENA_SIZE) return 0;
  arena_used = at + size;
  return arena + at;
}

struct entry {
  const char* key;
  u32 len;
  u32 hash;
  u32 count;
};

static struct entry table[TABLE_SIZE];
static u32 used_slots[ROUND];
static u32 num_used;

static u32 fnv1a(const char* s, u32 len) {
  u32 h = 2166136261u;
  for (u32 i = 0; i < len; ++i) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static int str_eq(const char* a, const char* b, u32 len) {
  for (u32 i = 0; i < len; ++i)
    if (a[i] != b[i]) return 0;
  return 1;
}

/* Writes a word derived from x: syllables from a small alphabet, 3..12 characters. */
static u32 make_word(char* out, u32 x) {
  static const char* const syl[16] = {"ka", "lo", "mi", "ne", "ru", "sa", "to", "vu",
                                      "xe", "zo", "qua", "bri", "st", "ph", "ng", "y"};
  u32 len = 0;
  u32 parts = 2 + (x % 4);
  for (u32 p = 0; p < parts; ++p) {
    const char* s = syl[(x >> (p * 4)) & 15];
    while (*s) out[len++] = *s++;
  }
  return len;
}

static struct entry* intern(const char* s, u32 len, int* inserted) {
  u32 h = fnv1a(s, len);
  u32 i = h & (TABLE_SIZE - 1);
  for (;;) {
    struct entry* e = &table[i];
    if (!e->key) {
      char* copy = (char*)bump_alloc(len);
      if (!copy) return 0;
      for (u32 k = 0; k < len; ++k) copy[k] = s[k];
      e->key = copy;
      e->len = len;
      e->hash = h;
      e->count = 0;
      used_slots[num_used++] = i;
      *inserted = 1;
      return e;
    }
    if (e->hash == h && e->len == len && str_eq(e->key, s, len)) {
      *inserted = 0;
      return e;
    }
    i = (i + 1) & (TABLE_SIZE - 1);
  }
}

int run(int n) {
  u32 seed = 88172645u, unique = 0, check = 0, arena_total = 0;
  char buf[32];
  for (int done = 0; done < n; done += ROUND) {
    int words = n - done < ROUND ? n - done : ROUND;
    u32 round_seed = seed;
    for (int i = 0; i < words; ++i) {
      u32 x = bench_rand(&seed) & 0xfffff;
      u32 len = make_word(buf, x);
      int inserted;
      struct entry* e = intern(buf, len, &inserted);
      if (!e) return -1;
      e->count++;
      unique += (u32)inserted;
    }
    for (int i = 0; i < words; ++i) {
      u32 x = bench_rand(&round_seed) & 0xfffff;
      u32 len = make_word(buf, x);
      int inserted;
      struct entry* e = intern(buf, len, &inserted);
      check = check * 31u + e->count + e->hash;
    }
    arena_total += (u32)arena_used;
    arena_used = 0;
    for (u32 k = 0; k < num_used; ++k) table[used_slots[k]].key = 0;
    num_used = 0;
  }
  return (int)(check ^ (unique * 2654435761u) ^ arena_total);
}
