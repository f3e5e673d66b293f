;; Multi-value: a block with two params and two results, a function returning two values, and a
;; br carrying two values out of a nested block.
(module
  (type $pair (func (param i32 i32) (result i32 i32)))
  (func $swap (export "swap") (param $a i32) (param $b i32) (result i32 i32)
    (local.get $a) (local.get $b)
    (block (type $pair) (param i32 i32) (result i32 i32)
      (local.set $a)
      (local.set $b)
      (local.get $a)
      (local.get $b)))
  (func (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    (block $out (result i32 i32)
      (block
        (br_if 0 (i32.eqz (local.get $b)))
        (br $out (i32.div_u (local.get $a) (local.get $b)) (i32.rem_u (local.get $a) (local.get $b))))
      (i32.const -1)
      (i32.const -1)))
  (func (export "use") (param i32 i32) (result i32)
    (call $swap (local.get 0) (local.get 1))
    (i32.sub)))
