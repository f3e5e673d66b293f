;; bench/reverse/reverse_bench.py's guest: a loop over a 64 KiB buffer of linear memory that runs about
;; 1.1e8 wasm instructions and keeps writing memory (so that snapshots, once there are some, have
;; dirty pages to copy). Each iteration (22 instructions) calls $fill, which does the store: a frame to
;; reverse-finish out of and a function to break on. $mark is called once, at about step 10^8: where
;; the gdb-remote measurement stops (a breakpoint on it). `_start` so wi debug runs it as a command.
(module
  (memory (export "memory") 2)
  (func $fill (param $i i32)
    (i32.store (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xfffc)) (local.get $i)))
  (func $mark)
  (func (export "_start")
    (local $i i32)
    (loop $l
      (call $fill (local.get $i))
      (if (i32.eq (local.get $i) (i32.const 4545454)) (then (call $mark)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 5000000))))))
