;; bench/reverse/reverse_step.py's guest: a loop over a 64 KiB buffer of linear memory, 15 wasm
;; instructions per iteration, that runs about 1.05e8 instructions and keeps writing memory (so that
;; snapshots, once there are some, have dirty pages to copy). `_start` so wi debug runs it as a command.
(module
  (memory (export "memory") 2)
  (func (export "_start")
    (local $i i32)
    (loop $l
      (i32.store (i32.and (i32.shl (local.get $i) (i32.const 2)) (i32.const 0xfffc)) (local.get $i))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 7000000))))))
