;; Call micro-benchmarks: each export makes $n calls of a one-instruction function; the C++ side
;; reports ns per call. `baseline` does the same work inline.
(module
  (type $t (func (param i32) (result i32)))
  (import "env" "host_inc" (func $host_inc (type $t)))
  (table 8 funcref)
  (elem (i32.const 0) $inc1 $inc2 $inc3 $inc4 $inc5 $inc6 $inc7 $inc8)

  (func $inc1 (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func $inc2 (type $t) (i32.add (local.get 0) (i32.const 2)))
  (func $inc3 (type $t) (i32.add (local.get 0) (i32.const 3)))
  (func $inc4 (type $t) (i32.add (local.get 0) (i32.const 4)))
  (func $inc5 (type $t) (i32.add (local.get 0) (i32.const 5)))
  (func $inc6 (type $t) (i32.add (local.get 0) (i32.const 6)))
  (func $inc7 (type $t) (i32.add (local.get 0) (i32.const 7)))
  (func $inc8 (type $t) (i32.add (local.get 0) (i32.const 8)))
  (export "leaf" (func $inc1))

  (func $sum4 (param i32 i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (i32.add (local.get 2) (local.get 3))))

  (func (export "baseline") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $acc))

  (func (export "direct") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $acc (call $inc1 (local.get $acc)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $acc))

  ;; Four arguments and a result: argument placement cost.
  (func (export "direct_4args") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $acc (call $sum4 (local.get $acc) (local.get $i) (i32.const 1) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $acc))

  (func (export "indirect_mono") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.const 0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $acc))

  ;; Targets cycle through 4 table slots: predictable for the branch predictor.
  (func (export "indirect_cycle4") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.and (local.get $i) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $acc))

  ;; Targets picked pseudo-randomly among 8 slots (an LCG's top bits): mostly mispredicted.
  (func (export "indirect_random8") (param $n i32) (result i32)
    (local $i i32) (local $acc i32) (local $x i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1664525)) (i32.const 1013904223)))
        (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.shr_u (local.get $x) (i32.const 29))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $acc))

  (func (export "host") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $acc (call $host_inc (local.get $acc)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.ne (local.get $i) (local.get $n)))))
    (local.get $acc))
)
