;; The packet-level stub test's guest (gdb_packets.py): a loop that never ends, so the test can
;; interrupt it, with a parameter, a local, a global and a memory to read. Each iteration also stores
;; i at 0x9000 and loads 0x9004, for watchpoints (both outside the first 32 KiB, which the test reads
;; as zeros, and the last bytes of the page).
(module
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 42))
  (func $spin (export "spin") (param $n i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (global.set $g (local.get $i))
      (i32.store (i32.const 0x9000) (local.get $i))
      (drop (i32.load offset=4 (i32.const 0x9000)))
      (br $l))))
