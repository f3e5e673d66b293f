;; The packet-level stub test's guest (gdb_packets.py): a loop that never ends, so the test can
;; interrupt it, with a parameter, a local, a global and a memory to read.
(module
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 42))
  (func $spin (export "spin") (param $n i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (global.set $g (local.get $i))
      (br $l))))
