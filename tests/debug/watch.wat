;; The guest of the `wi debug` session sessions/watch-bulk (tests/debug/meson.build): each kind of
;; memory access the watchpoints know (host/watch.cc) touching the bytes 0x100..0x10f once, a
;; zero-length fill that touches nothing, then (with a non-zero argument) a store that runs past the end
;; of memory and traps without writing.
(module
  (memory 1)
  (data $d "abcd")
  (func (export "run") (param $trap i32) (result i32)
    (i32.store8 offset=0x100 (i32.const 0) (i32.const 1))
    (i64.store offset=0xf8 (i32.const 0x10) (i64.const -1))
    (memory.fill (i32.const 0x104) (i32.const 7) (i32.const 4))
    (memory.copy (i32.const 0x200) (i32.const 0x100) (i32.const 16))
    (memory.init $d (i32.const 0x10c) (i32.const 0) (i32.const 4))
    (v128.store offset=0x100 (i32.const 0) (v128.const i64x2 0x1122334455667788 0))
    (drop (v128.load32_zero offset=0x10c (i32.const 0)))
    (memory.fill (i32.const 0x100) (i32.const 0) (i32.const 0))
    (if (local.get $trap) (then (i32.store (i32.const 0xfffe) (i32.const 0))))
    (i32.load offset=0x100 (i32.const 0))))
