;; A switch: br_table over four cases and a default, each case leaving a different value.
(module
  (func (export "switch") (param $i i32) (result i32)
    (local $r i32)
    (block $default
      (block $c2
        (block $c1
          (block $c0
            (br_table $c0 $c1 $c2 $default (local.get $i)))
          ;; case 0
          (local.set $r (i32.const 100))
          (br $default))
        ;; case 1
        (local.set $r (i32.const 200))
        (br $default))
      ;; case 2
      (local.set $r (i32.const 300)))
    (local.get $r))
  ;; br_table carrying a value from above a leftover operand: the value must be copied into the
  ;; targets' result slot, through one stub per target (the function's label becomes a return).
  (func (export "switch_value") (param $i i32) (param $v i32) (result i32)
    (block $outer (result i32)
      (block $inner (result i32)
        (i32.const 1)
        (i32.mul (local.get $v) (i32.const 2))
        (local.get $i)
        (br_table $inner $outer 2))
      (i32.add (i32.const 1000)))))
