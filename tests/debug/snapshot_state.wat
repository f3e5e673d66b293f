;; tests/debug/reverse_snapshots.py's guest: state a snapshot must put back besides the stack and
;; memory bytes — a memory that grows (and must shrink again when going back), a mutable global, and
;; a table slot that is set and cleared (its contents decide what call_indirect adds to the global).
(module
  (type $t (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (table $tab 2 funcref)
  (global $g (export "g") (mut i32) (i32.const 0))
  (func $add7 (type $t) (i32.add (local.get 0) (i32.const 7)))
  (elem declare func $add7)
  (func (export "_start")
    (local $i i32)
    (loop $l
      (global.set $g (i32.add (global.get $g) (i32.const 3)))
      (if (i32.eqz (i32.and (local.get $i) (i32.const 63)))
        (then (drop (memory.grow (i32.const 1)))))
      (if (i32.and (local.get $i) (i32.const 4))
        (then (table.set $tab (i32.const 0) (ref.func $add7)))
        (else (table.set $tab (i32.const 0) (ref.null func))))
      (if (i32.eqz (ref.is_null (table.get $tab (i32.const 0))))
        (then (global.set $g (call_indirect $tab (type $t) (global.get $g) (i32.const 0)))))
      (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4)) (global.get $g))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 300))))))
