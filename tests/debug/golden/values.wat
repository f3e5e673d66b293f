;; Value syntax under --trace: i64, f32/f64 (negative zero, infinities, canonical and other NaNs),
;; v128, funcref, externref, memory.size/grow.
;; wi exec values.wasm --invoke floats
;; wi exec values.wasm --invoke refs
;; wi exec values.wasm --invoke vectors
(module
  (memory 1 2)
  (table 1 funcref)
  (func $target)
  (elem declare func $target)
  (func (export "floats") (result f64)
    (drop (f32.div (f32.const 0) (f32.const 0)))
    (drop (f32.neg (f32.const inf)))
    (drop (f64.reinterpret_i64 (i64.const 0x7ff4000000000000)))
    (drop (i64.mul (i64.const 4294967296) (i64.const -3)))
    (f64.mul (f64.const -0.5) (f64.const 0)))
  (func (export "refs") (result i32)
    (table.set 0 (i32.const 0) (ref.func $target))
    (drop (table.get 0 (i32.const 0)))
    (drop (ref.is_null (ref.null extern)))
    (memory.grow (i32.const 1))
    (drop)
    (memory.size))
  (func (export "vectors") (result i32)
    (i32x4.extract_lane 3
      (i32x4.add (v128.const i32x4 1 2 3 4) (i32x4.splat (i32.const -1))))))
