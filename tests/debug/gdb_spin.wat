;; The packet-level stub test's guest (gdb_packets.py): a loop that never ends, so the test can
;; interrupt it, with a parameter, a local, a global and a memory to read. Each iteration also stores
;; i at 0x9000 and loads 0x9004, for watchpoints (both outside the first 32 KiB, which the test reads
;; as zeros, and the last bytes of the page). Its export probe keeps values on the operand stack, of
;; both widths, across a call: qWasmStackValue of the innermost frame and of a caller.
(module
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 42))
  (func $spin (export "spin") (param $n i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (global.set $g (local.get $i))
      (i32.store (i32.const 0x9000) (local.get $i))
      (drop (i32.load offset=4 (i32.const 0x9000)))
      (br $l)))
  (func $twice (param $x i32) (result i32)
    (i32.add (local.get $x) (local.get $x)))
  (func $probe (export "probe") (param $n i32) (result i32)
    (drop (i64.add (i64.const 0x1122334455667788) (i64.extend_i32_u (local.get $n))))
    (i32.add
      (i32.mul (local.get $n) (i32.const 3))
      (call $twice (i32.add (local.get $n) (i32.const 1))))))
