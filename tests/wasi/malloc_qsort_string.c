// malloc/free/realloc/calloc stress (memory.grow through sbrk), qsort, bsearch and string.h: mostly an
// interpreter workout, with fd_write for the results.
// node: agrees. (A heavier variant that grew memory to ~150 MiB made node 20.20 segfault at exit.)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 12345;
static uint32_t next(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

static int cmp_int(const void* a, const void* b) {
  int x = *(const int*)a, y = *(const int*)b;
  return (x > y) - (x < y);
}
static int cmp_str(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

int main(void) {
  // Stress: many live blocks of varied sizes, freed in random order, with content checks.
  enum { N = 1000 };
  static unsigned char* blocks[N];
  static size_t sizes[N];
  unsigned long checksum = 0;
  for (int round = 0; round < 8; ++round) {
    for (int i = 0; i < N; ++i) {
      unsigned op = next() % 4;
      if (blocks[i] && op < 2) {
        for (size_t k = 0; k < sizes[i]; ++k)
          if (blocks[i][k] != (unsigned char)(i + k)) { printf("corrupt block %d\n", i); return 1; }
        free(blocks[i]);
        blocks[i] = 0;
      } else if (!blocks[i]) {
        sizes[i] = next() % (op == 3 ? 20000 : 300) + 1;
        blocks[i] = op == 2 ? calloc(sizes[i], 1) : malloc(sizes[i]);
        if (!blocks[i]) { printf("malloc failed\n"); return 1; }
        if (op == 2)
          for (size_t k = 0; k < sizes[i]; ++k)
            if (blocks[i][k]) { printf("calloc not zeroed\n"); return 1; }
        for (size_t k = 0; k < sizes[i]; ++k) blocks[i][k] = (unsigned char)(i + k);
      } else {
        size_t ns = sizes[i] * 2 + 1;
        unsigned char* p = realloc(blocks[i], ns);
        if (!p) { printf("realloc failed\n"); return 1; }
        for (size_t k = 0; k < sizes[i]; ++k)
          if (p[k] != (unsigned char)(i + k)) { printf("realloc lost data\n"); return 1; }
        for (size_t k = sizes[i]; k < ns; ++k) p[k] = (unsigned char)(i + k);
        blocks[i] = p;
        sizes[i] = ns;
      }
    }
  }
  for (int i = 0; i < N; ++i) {
    if (blocks[i]) checksum += sizes[i];
    free(blocks[i]);
  }
  printf("malloc stress ok, live bytes at end %lu\n", checksum);
  void* big = malloc(8 << 20);
  printf("8 MiB block: %s\n", big ? "ok" : "failed");
  free(big);

  // qsort and bsearch.
  static int arr[10000];
  for (int i = 0; i < 10000; ++i) arr[i] = (int)(next() % 100000) - 50000;
  qsort(arr, 10000, sizeof arr[0], cmp_int);
  int sorted = 1;
  for (int i = 1; i < 10000; ++i) sorted &= arr[i - 1] <= arr[i];
  printf("qsort ints sorted=%d min=%d max=%d median=%d\n", sorted, arr[0], arr[9999], arr[5000]);
  int key = arr[1234];
  int* found = bsearch(&key, arr, 10000, sizeof arr[0], cmp_int);
  printf("bsearch found=%d\n", found && *found == key);
  char* words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape"};
  qsort(words, 8, sizeof words[0], cmp_str);
  for (int i = 0; i < 8; ++i) printf("%s%s", words[i], i < 7 ? " " : "\n");

  // string.h
  char buf[128];
  strcpy(buf, "Hello");
  strcat(buf, ", World");
  printf("strlen=%zu strcmp=%d strncmp=%d\n", strlen(buf), strcmp("abc", "abd") < 0, strncmp("abcx", "abcy", 3));
  printf("strchr=%s strrchr=%s strstr=%s\n", strchr(buf, 'o'), strrchr(buf, 'o'), strstr(buf, "Wor"));
  printf("strspn=%zu strcspn=%zu strpbrk=%s\n", strspn("aaabbc", "ab"), strcspn("hello world", " "), strpbrk(buf, ",!"));
  char tok[] = "a,b;;c,d";
  for (char* t = strtok(tok, ",;"); t; t = strtok(0, ",;")) printf("[%s]", t);
  printf("\n");
  memset(buf, 'x', 10);
  buf[10] = 0;
  memmove(buf + 2, buf, 5);
  printf("memset/memmove: %s memcmp=%d\n", buf, memcmp("abc", "abd", 3) < 0);
  char* dup = strdup("duplicate me");
  printf("strdup: %s strndup: ", dup);
  free(dup);
  dup = strndup("duplicate me", 4);
  printf("%s\n", dup);
  free(dup);
  printf("strtol=%ld strtoul=%lu strtod=%g atoi=%d\n", strtol("-0x1f", 0, 16), strtoul("777", 0, 8),
         strtod("1.5e3", 0), atoi("  42abc"));
  // Overlapping large memmove and memcpy (bulk memory paths).
  static char big1[100000];
  for (int i = 0; i < 100000; ++i) big1[i] = (char)(i % 251);
  memmove(big1 + 1, big1, 99999);
  int ok = 1;
  for (int i = 1; i < 100000; ++i) ok &= big1[i] == (char)((i - 1) % 251);
  printf("large memmove ok=%d\n", ok);
  return 0;
}
