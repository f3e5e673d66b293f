;; local.tee: a result written straight into the local and reused from there; an older read of the
;; same local must be preserved before the local changes.
(module
  (func (export "tee") (param $x i32) (result i32)
    (local $y i32)
    ;; y = x * 3, and y + 5 from the same value
    (i32.add (local.tee $y (i32.mul (local.get $x) (i32.const 3))) (i32.const 5))
    ;; old x, then x = x + 1: the old x must survive
    (local.get $x)
    (local.tee $x (i32.add (local.get $x) (i32.const 1)))
    (i32.sub)
    (i32.add)
    (local.get $y)
    (i32.add)))
