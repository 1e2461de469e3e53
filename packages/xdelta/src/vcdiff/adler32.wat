;; Adler-32 with WebAssembly SIMD, for src/vcdiff/adler32-simd.ts.
;; Build: wat2wasm adler32.wat -o adler32.wasm, then base64 into ADLER32_WASM.
;; adler32(ptr, len, adler) continues `adler` over memory[ptr, ptr + len).
(module
  (memory (export "memory") 17)
  (func (export "adler32") (param $ptr i32) (param $len i32) (param $adler i32) (result i32)
    (local $a i32) (local $b i32) (local $end i32) (local $n i32) (local $blockEnd i32)
    (local $vs v128) (local $vw v128) (local $vp v128) (local $x v128)
    (local.set $a (i32.and (local.get $adler) (i32.const 0xffff)))
    (local.set $b (i32.shr_u (local.get $adler) (i32.const 16)))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    ;; Blocks of up to 5552 bytes (a multiple of 16, zlib's NMAX): the block's share of b,
    ;; sum of (n - j) * x_j, stays below 2^32.
    (block $blocksDone
      (loop $blocks
        (local.set $n (i32.and (i32.sub (local.get $end) (local.get $ptr)) (i32.const -16)))
        (br_if $blocksDone (i32.eqz (local.get $n)))
        (if (i32.gt_u (local.get $n) (i32.const 5552)) (then (local.set $n (i32.const 5552))))
        (local.set $blockEnd (i32.add (local.get $ptr) (local.get $n)))
        (local.set $vs (v128.const i32x4 0 0 0 0))
        (local.set $vw (v128.const i32x4 0 0 0 0))
        (local.set $vp (v128.const i32x4 0 0 0 0))
        (loop $chunks
          (local.set $x (v128.load (local.get $ptr)))
          ;; vp accumulates the byte sums of the earlier chunks (each counts 16 more per chunk)
          (local.set $vp (i32x4.add (local.get $vp) (local.get $vs)))
          (local.set $vs
            (i32x4.add (local.get $vs)
              (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $x)))))
          ;; vw: bytes weighted 16, 15, ..., 1 within the chunk
          (local.set $vw
            (i32x4.add (local.get $vw)
              (i32x4.add
                (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $x))
                  (v128.const i16x8 16 15 14 13 12 11 10 9))
                (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $x))
                  (v128.const i16x8 8 7 6 5 4 3 2 1)))))
          (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
          (br_if $chunks (i32.lt_u (local.get $ptr) (local.get $blockEnd))))
        ;; b += n * a + 16 * P + W ; a += S   (all mod 65521)
        (local.set $b
          (i32.rem_u
            (i32.add
              (i32.add (local.get $b)
                (i32.rem_u (i32.mul (local.get $n) (local.get $a)) (i32.const 65521)))
              (i32.rem_u
                (i32.add
                  (i32.shl
                    (i32.add
                      (i32.add (i32x4.extract_lane 0 (local.get $vp)) (i32x4.extract_lane 1 (local.get $vp)))
                      (i32.add (i32x4.extract_lane 2 (local.get $vp)) (i32x4.extract_lane 3 (local.get $vp))))
                    (i32.const 4))
                  (i32.add
                    (i32.add (i32x4.extract_lane 0 (local.get $vw)) (i32x4.extract_lane 1 (local.get $vw)))
                    (i32.add (i32x4.extract_lane 2 (local.get $vw)) (i32x4.extract_lane 3 (local.get $vw)))))
                (i32.const 65521)))
            (i32.const 65521)))
        (local.set $a
          (i32.rem_u
            (i32.add (local.get $a)
              (i32.add
                (i32.add (i32x4.extract_lane 0 (local.get $vs)) (i32x4.extract_lane 1 (local.get $vs)))
                (i32.add (i32x4.extract_lane 2 (local.get $vs)) (i32x4.extract_lane 3 (local.get $vs)))))
            (i32.const 65521)))
        (br $blocks)))
    ;; The last bytes, fewer than 16, one at a time.
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $a (i32.rem_u (i32.add (local.get $a) (i32.load8_u (local.get $ptr))) (i32.const 65521)))
        (local.set $b (i32.rem_u (i32.add (local.get $b) (local.get $a)) (i32.const 65521)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 1)))
        (br $tail)))
    (i32.or (i32.shl (local.get $b) (i32.const 16)) (local.get $a))))
