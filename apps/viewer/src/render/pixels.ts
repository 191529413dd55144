/**
 * Frames to screen pixels. A grayscale frame goes through a contrast window: `low` draws black,
 * `high` white, linearly between (so a uint8 frame with the window [0, 255] draws its values
 * exactly). RGB and RGBA frames are drawn as colour, through the same kind of window per channel.
 */
import type { Frame } from '../provider/index.js';

/** The values drawn black and white. */
export interface ContrastWindow {
  readonly low: number;
  readonly high: number;
}

/** The window a frame's dtype implies: its whole range for 8-bit and bool data, else the frame's own. */
export function defaultWindow(frame: Frame): ContrastWindow {
  if (frame.dtype === 'uint8') return { low: 0, high: 255 };
  if (frame.dtype === 'bool') return { low: 0, high: 1 };
  return autoWindow(frame);
}

/**
 * The smallest and largest finite values of a frame; a flat frame gets a window centred on its
 * value, so it draws mid-gray rather than black.
 */
export function autoWindow(frame: Frame): ContrastWindow {
  let low = Infinity;
  let high = -Infinity;
  const values = frame.values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (!Number.isFinite(low) || !Number.isFinite(high)) return { low: 0, high: 1 };
  return low === high ? { low: low - 1, high: high + 1 } : { low, high };
}

/** One value through the window, as an 8-bit level. */
export function level(value: number, window: ContrastWindow): number {
  if (Number.isNaN(value)) return 0;
  const span = window.high - window.low;
  const scaled = span > 0 ? ((value - window.low) * 255) / span : value >= window.high ? 255 : 0;
  return scaled <= 0 ? 0 : scaled >= 255 ? 255 : Math.round(scaled);
}

/** The RGBA bytes of a frame (row-major), for `ImageData`. */
export function toRGBA(frame: Frame, window: ContrastWindow, out?: Uint8ClampedArray): Uint8ClampedArray {
  const pixels = frame.rows * frame.cols;
  const rgba = out !== undefined && out.length === pixels * 4 ? out : new Uint8ClampedArray(pixels * 4);
  const values = frame.values;
  const channels = frame.channels;
  // The common case, uint8 through [0, 255], is a copy.
  const identity = window.low === 0 && window.high === 255 && frame.dtype === 'uint8';
  for (let p = 0; p < pixels; p++) {
    const o = p * 4;
    if (channels === 1) {
      const g = identity ? values[p]! : level(values[p]!, window);
      rgba[o] = g;
      rgba[o + 1] = g;
      rgba[o + 2] = g;
      rgba[o + 3] = 255;
    } else {
      const i = p * channels;
      for (let c = 0; c < 3; c++) rgba[o + c] = identity ? values[i + c]! : level(values[i + c]!, window);
      rgba[o + 3] = channels === 4 ? (identity ? values[i + 3]! : level(values[i + 3]!, window)) : 255;
    }
  }
  return rgba;
}
