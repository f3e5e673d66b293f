/* zlib-like compression: an LZ77 compressor with a hash-chain match finder (3-byte hashes, chains
 * searched up to a fixed depth, lazy evaluation of one position), writing literal/match tokens into a
 * byte stream, then the decompressor, then a CRC-32 of the round trip checked against the input. The
 * input is generated text with repetition at several distances, so both literals and matches are
 * frequent. n = number of rounds over a 64 KiB input. */
#include "bench.h"

#define WINDOW 65536
#define HASH_BITS 14
#define MAX_CHAIN 32
#define MIN_MATCH 3
#define MAX_MATCH 258

static unsigned char input[WINDOW], packed[WINDOW * 2], output[WINDOW];
static int head[1 << HASH_BITS], prev_pos[WINDOW];
static u32 crc_table[256];

static u32 hash3(const unsigned char* p) { return ((p[0] << 10) ^ (p[1] << 5) ^ p[2]) & ((1 << HASH_BITS) - 1); }

static void make_input(u32 seed) {
  static const char* words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
                                "wasm ", "linker ", "table ", "memory ", "\n"};
  u32 at = 0;
  while (at < WINDOW) {
    u32 r = bench_rand(&seed);
    if ((r & 7) == 0 && at > 300) {  // repeat an earlier stretch
      u32 dist = 1 + (r >> 8) % 280, len = 4 + (r >> 20) % 40;
      for (u32 k = 0; k < len && at < WINDOW; ++k, ++at) input[at] = input[at - dist];
    } else {
      const char* w = words[(r >> 4) % 13];
      for (; *w && at < WINDOW; ++w) input[at++] = (unsigned char)(*w ^ ((r >> 28) == 0 ? 0x20 : 0));
    }
  }
}

static u32 match_length(u32 a, u32 b, u32 limit) {
  u32 len = 0;
  while (len < limit && input[a + len] == input[b + len]) ++len;
  return len;
}

static void longest_match(u32 pos, u32* best_len, u32* best_dist) {
  u32 limit = WINDOW - pos < MAX_MATCH ? WINDOW - pos : MAX_MATCH;
  *best_len = 0;
  int cand = head[hash3(input + pos)];
  for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; ++chain, cand = prev_pos[cand]) {
    u32 len = match_length((u32)cand, pos, limit);
    if (len > *best_len) {
      *best_len = len;
      *best_dist = pos - (u32)cand;
      if (len == limit) break;
    }
  }
}

static void insert(u32 pos) {
  u32 h = hash3(input + pos);
  prev_pos[pos] = head[h];
  head[h] = (int)pos;
}

/* Tokens: 0x00-0x7f literal run of (b+1) bytes follows; 0x80 | (len-3 high bits)... kept simple:
 * [0, len-1, bytes...] for up to 128 literals, [1, len-3, dist_lo, dist_hi] for a match. */
static u32 compress(void) {
  for (u32 i = 0; i < (1u << HASH_BITS); ++i) head[i] = -1;
  u32 out = 0, pos = 0, lit_start = 0;
  while (pos + MIN_MATCH <= WINDOW) {
    u32 len, dist = 0;
    longest_match(pos, &len, &dist);
    if (len >= MIN_MATCH && pos + 1 + MIN_MATCH <= WINDOW) {  // lazy: is the next position better?
      u32 len2, dist2 = 0;
      insert(pos);
      longest_match(pos + 1, &len2, &dist2);
      if (len2 > len) {
        ++pos;
        len = len2;
        dist = dist2;
      }
    } else if (len >= MIN_MATCH) {
      insert(pos);
    }
    if (len < MIN_MATCH) {
      insert(pos);
      ++pos;
      continue;
    }
    while (lit_start < pos) {  // flush literals before the match
      u32 run = pos - lit_start > 128 ? 128 : pos - lit_start;
      packed[out++] = 0;
      packed[out++] = (unsigned char)(run - 1);
      for (u32 k = 0; k < run; ++k) packed[out++] = input[lit_start + k];
      lit_start += run;
    }
    packed[out++] = 1;
    packed[out++] = (unsigned char)(len - MIN_MATCH);
    packed[out++] = (unsigned char)(dist & 255);
    packed[out++] = (unsigned char)(dist >> 8);
    for (u32 k = 1; k < len && pos + k + MIN_MATCH <= WINDOW; ++k) insert(pos + k);
    pos += len;
    lit_start = pos;
  }
  pos = WINDOW;
  while (lit_start < pos) {
    u32 run = pos - lit_start > 128 ? 128 : pos - lit_start;
    packed[out++] = 0;
    packed[out++] = (unsigned char)(run - 1);
    for (u32 k = 0; k < run; ++k) packed[out++] = input[lit_start + k];
    lit_start += run;
  }
  return out;
}

static u32 decompress(u32 size) {
  u32 in = 0, out = 0;
  while (in < size) {
    if (packed[in] == 0) {
      u32 run = packed[in + 1] + 1u;
      for (u32 k = 0; k < run; ++k) output[out++] = packed[in + 2 + k];
      in += 2 + run;
    } else {
      u32 len = packed[in + 1] + (u32)MIN_MATCH, dist = packed[in + 2] | (packed[in + 3] << 8);
      for (u32 k = 0; k < len; ++k, ++out) output[out] = output[out - dist];
      in += 4;
    }
  }
  return out;
}

static u32 crc32(const unsigned char* p, u32 len) {
  u32 c = 0xffffffffu;
  for (u32 i = 0; i < len; ++i) c = crc_table[(c ^ p[i]) & 255] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

int run(int n) {
  for (u32 i = 0; i < 256; ++i) {
    u32 c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
  u32 sum = 0;
  for (int round = 0; round < n; ++round) {
    make_input(0x9e3779b9u + (u32)round);
    u32 size = compress();
    u32 got = decompress(size);
    u32 crc = crc32(output, got);
    if (got != WINDOW || crc != crc32(input, WINDOW)) return -1;  // a wrong round trip is a wrong checksum
    sum = sum * 31 + size + crc;
  }
  return (int)sum;
}
