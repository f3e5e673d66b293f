;; Control flow under --trace: which instructions count as steps (loop once, end on every arrival,
;; else only from the then-branch), the values of branches, returns from nested blocks through
;; br_if/br_table, multi-value blocks, call_indirect, and a trap.
;; wi exec control.wasm --invoke sum_to 3
;; wi exec control.wasm --invoke pick 0
;; wi exec control.wasm --invoke pick 7
;; wi exec control.wasm --invoke early 1
;; wi exec control.wasm --invoke early 0
;; wi exec control.wasm --invoke swap_sub 10 3
;; wi exec control.wasm --invoke apply 1 21
;; wi exec control.wasm --invoke apply 5 21
(module
  (type $unop (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $double $negate)
  (memory 1)
  (global $count (mut i32) (i32.const 0))
  (func $double (type $unop) (i32.mul (local.get 0) (i32.const 2)))
  (func $negate (type $unop) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "sum_to") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (i32.store (i32.const 16) (local.get $acc))
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.load (i32.const 16)))
  (func (export "pick") (param $i i32) (result i32)
    (block $default (result i32)
      (block $one (result i32)
        (block $zero (result i32)
          (i32.const 100)
          (local.get $i)
          (br_table $zero $one $default))
        (i32.add (i32.const 1)))
      (i32.add (i32.const 10))))
  (func (export "early") (param $x i32) (result i32)
    (block
      (drop (br_if 1 (i32.const 42) (local.get $x)))
      (nop))
    (if (result i32) (local.get $x)
      (then (i32.const 1))
      (else (select (i32.const 2) (i32.const 3) (local.get $x)))))
  (func $swap (param i32 i32) (result i32 i32)
    (local.get 1) (local.get 0))
  (func (export "swap_sub") (param i32 i32) (result i32)
    (call $swap (local.get 0) (local.get 1))
    (i32.sub))
  (func (export "apply") (param $f i32) (param $x i32) (result i32)
    (call_indirect (type $unop) (local.tee $x (local.get $x)) (local.get $f))))
