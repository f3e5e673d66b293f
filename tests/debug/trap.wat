;; A trap two calls deep, for the `wi debug` post-mortem session (sessions/trap.session).
(module
  (func $div (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))
  (func $average (export "average") (param $sum i32) (param $count i32) (result i32)
    (call $div (local.get $sum) (local.get $count))))
