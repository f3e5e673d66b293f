;; call_indirect through a table, with a value live below the arguments.
(module
  (type $unop (func (param i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $double $negate)
  (func $double (type $unop) (i32.mul (local.get 0) (i32.const 2)))
  (func $negate (type $unop) (i32.sub (i32.const 0) (local.get 0)))
  (func (export "apply") (param $f i32) (param $x i32) (result i32)
    (i32.add
      (i32.const 10)
      (call_indirect (type $unop) (local.get $x) (local.get $f)))))
