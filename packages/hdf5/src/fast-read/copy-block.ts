/**
 * Copying the selected elements of one block (a decoded chunk, or a span of contiguous data) into
 * the result of a read, by bytes: runs along the last axis where the step is 1, single elements
 * otherwise.
 */

/** One block of source elements and where they sit in the dataset. */
export interface Block {
  readonly bytes: Uint8Array;
  /** Byte position in `bytes` of the block's element at `origin` (may be negative for spans). */
  readonly base: number;
  /** Dataset index of the block's first element along each axis. */
  readonly origin: readonly number[];
  /** Elements between neighbours along each axis of the block (row-major). */
  readonly strides: readonly number[];
}

/** The selection: start, count, step per axis (as in a Hyperslab). */
export interface Selection {
  readonly start: readonly number[];
  readonly count: readonly number[];
  readonly step: readonly number[];
}

/**
 * Copies the elements of `sel` whose selection indices are in `[from[d], to[d])` from `block` into
 * `out` (row-major over `sel.count`), `elementSize` bytes each.
 */
export function copyBlock(
  block: Block,
  sel: Selection,
  from: readonly number[],
  to: readonly number[],
  out: Uint8Array,
  elementSize: number,
): void {
  const rank = sel.count.length;
  const outStrides = new Array<number>(rank);
  let acc = 1;
  for (let d = rank - 1; d >= 0; d--) {
    outStrides[d] = acc;
    acc *= sel.count[d]!;
  }
  const last = rank - 1;
  const idx = [...from];
  const runLength = to[last]! - from[last]!;
  if (runLength <= 0) return;
  for (let d = 0; d < rank; d++) if (to[d]! <= from[d]!) return;
  const lastStep = sel.step[last]!;
  const srcLastStride = block.strides[last]! * elementSize;
  for (;;) {
    let src = block.base;
    let dst = 0;
    for (let d = 0; d < rank; d++) {
      const position = sel.start[d]! + idx[d]! * sel.step[d]! - block.origin[d]!;
      src += position * block.strides[d]! * elementSize;
      dst += idx[d]! * outStrides[d]!;
    }
    dst *= elementSize;
    if (lastStep === 1 && block.strides[last] === 1) {
      out.set(block.bytes.subarray(src, src + runLength * elementSize), dst);
    } else {
      const srcStep = lastStep * srcLastStride;
      for (let k = 0; k < runLength; k++, src += srcStep, dst += elementSize) {
        out.set(block.bytes.subarray(src, src + elementSize), dst);
      }
    }
    // Next position over all axes but the last (odometer).
    let d = last - 1;
    while (d >= 0) {
      idx[d]!++;
      if (idx[d]! < to[d]!) break;
      idx[d] = from[d]!;
      d--;
    }
    if (d < 0) return;
  }
}
