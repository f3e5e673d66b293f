;; Execution micro-benchmarks: each export runs a loop of $n iterations; the C++ side reports ns per
;; iteration. `baseline` is the bare counted loop, to subtract from the others.
(module
  (memory 1)

  (func (export "baseline") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $i))

  ;; Integer arithmetic on locals: add, shift, xor, rotate.
  (func (export "int_loop") (param $n i32) (result i32)
    (local $i i32) (local $a i32) (local $b i32)
    (local.set $b (i32.const 1))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $a (i32.add (local.get $a) (local.get $b)))
        (local.set $b (i32.xor (local.get $b) (i32.shl (local.get $a) (i32.const 3))))
        (local.set $a (i32.rotl (local.get $a) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (i32.add (local.get $a) (local.get $b)))

  ;; Memory: a read-modify-write of one word and a byte load, over a 64 KiB window.
  (func (export "mem_loop") (param $n i32) (result i32)
    (local $i i32) (local $addr i32) (local $acc i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $addr (i32.and (i32.mul (local.get $i) (i32.const 4)) (i32.const 0xfffc)))
        (i32.store (local.get $addr) (i32.add (i32.load (local.get $addr)) (local.get $i)))
        (local.set $acc (i32.add (local.get $acc)
                                 (i32.load8_u offset=3 (i32.and (i32.add (local.get $addr) (i32.const 4096))
                                                                (i32.const 0xfffc)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $acc))

  ;; br_table over 8 cases chosen by a pseudo-random sequence (the top bits of an LCG).
  (func (export "br_table") (param $n i32) (result i32)
    (local $i i32) (local $x i32) (local $acc i32)
    (local.set $x (i32.const 12345))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (block $next
          (block $c7 (block $c6 (block $c5 (block $c4 (block $c3 (block $c2 (block $c1 (block $c0
            (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
            (br_table $c0 $c1 $c2 $c3 $c4 $c5 $c6 $c7 (i32.shr_u (local.get $x) (i32.const 29))))
            (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $next))
            (local.set $acc (i32.sub (local.get $acc) (i32.const 3))) (br $next))
            (local.set $acc (i32.xor (local.get $acc) (local.get $x))) (br $next))
            (local.set $acc (i32.shl (local.get $acc) (i32.const 1))) (br $next))
            (local.set $acc (i32.shr_u (local.get $acc) (i32.const 1))) (br $next))
            (local.set $acc (i32.mul (local.get $acc) (i32.const 3))) (br $next))
            (local.set $acc (i32.add (local.get $acc) (local.get $i))) (br $next))
          (local.set $acc (i32.or (local.get $acc) (i32.const 0x100))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $acc))

  ;; f64: multiply-add, divide, sqrt, compare-and-select.
  (func (export "f64_loop") (param $n i32) (result f64)
    (local $i i32) (local $x f64) (local $y f64) (local $z f64)
    (local.set $x (f64.const 1.5))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $x (f64.add (f64.mul (local.get $x) (f64.const 0.999999)) (f64.const 0.5)))
        (local.set $y (f64.add (local.get $y) (f64.div (local.get $x) (f64.const 3.0))))
        (local.set $z (f64.sub (f64.sqrt (local.get $y)) (local.get $z)))
        (local.set $z (select (local.get $z) (f64.neg (local.get $z))
                              (f64.gt (local.get $z) (f64.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (f64.add (local.get $z) (local.get $y)))
)
