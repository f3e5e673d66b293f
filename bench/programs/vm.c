/* A switch-dispatched stack-bytecode VM (a typical interpreter loop: the switch becomes br_table) running
 * a small program: a counted loop computing a few arithmetic recurrences and a memory-backed array. */
#include "bench.h"

enum {
  OP_PUSH, OP_LOAD, OP_STORE, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR, OP_AND, OP_DUP, OP_SWAP, OP_DROP,
  OP_JNZ, OP_JMP, OP_LT, OP_ALOAD, OP_ASTORE, OP_HALT
};

/* Locals: 0 = i, 1 = n, 2 = a, 3 = b, 4 = h. */
static const int program[] = {
    /* 0 */ OP_PUSH, 0, OP_STORE, 0,
    /* loop: 4 */
    OP_LOAD, 2, OP_LOAD, 3, OP_ADD, OP_PUSH, 1103515245, OP_MUL, OP_PUSH, 12345, OP_ADD, OP_STORE, 2,
    OP_LOAD, 3, OP_LOAD, 2, OP_PUSH, 7, OP_SHR, OP_XOR, OP_STORE, 3,
    /* arr[i & 255] += a; h ^= arr[(b) & 255] */
    OP_LOAD, 0, OP_PUSH, 255, OP_AND, OP_DUP, OP_ALOAD, OP_LOAD, 2, OP_ADD, OP_ASTORE,
    OP_LOAD, 4, OP_LOAD, 3, OP_PUSH, 255, OP_AND, OP_ALOAD, OP_XOR, OP_PUSH, 33, OP_MUL, OP_STORE, 4,
    /* i += 1; if (i < n) goto loop */
    OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_DUP, OP_STORE, 0, OP_LOAD, 1, OP_LT, OP_JNZ, 4,
    OP_LOAD, 4, OP_LOAD, 2, OP_XOR, OP_HALT};

static int execute(const int* code, int n) {
  int stack[64];
  int locals[8] = {0, n, 1, 2, 3, 0, 0, 0};
  static int arr[256];
  for (int i = 0; i < 256; ++i) arr[i] = i;
  int sp = 0, pc = 0;
  for (;;) {
    int op = code[pc++];
    switch (op) {
      case OP_PUSH: stack[sp++] = code[pc++]; break;
      case OP_LOAD: stack[sp++] = locals[code[pc++]]; break;
      case OP_STORE: locals[code[pc++]] = stack[--sp]; break;
      case OP_ADD: sp--; stack[sp - 1] = (int)((u32)stack[sp - 1] + (u32)stack[sp]); break;
      case OP_SUB: sp--; stack[sp - 1] = (int)((u32)stack[sp - 1] - (u32)stack[sp]); break;
      case OP_MUL: sp--; stack[sp - 1] = (int)((u32)stack[sp - 1] * (u32)stack[sp]); break;
      case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case OP_SHR: sp--; stack[sp - 1] = (int)((u32)stack[sp - 1] >> (stack[sp] & 31)); break;
      case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_SWAP: { int t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case OP_DROP: sp--; break;
      case OP_JNZ: { int t = code[pc++]; if (stack[--sp]) pc = t; break; }
      case OP_JMP: pc = code[pc]; break;
      case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case OP_ALOAD: stack[sp - 1] = arr[stack[sp - 1] & 255]; break;
      case OP_ASTORE: sp -= 2; arr[stack[sp] & 255] = stack[sp + 1]; break;
      case OP_HALT: return stack[sp - 1];
      default: return -1;
    }
  }
}

int run(int n) { return execute(program, n); }
