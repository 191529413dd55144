/**
 * A v3 `fill_value` of a number type, as a number. The spec allows, besides JSON numbers, the
 * strings `"NaN"`, `"Infinity"` and `"-Infinity"` and, for floats, the raw bits in hex
 * (`"0x7fc00000"`, a float32 NaN), which zarr-python writes for NaNs other than the default one.
 */
import { InvalidFileError } from '@nwbjs/core';
import type { JsonValue } from '../conventions/json.js';
import { JsonNumber } from '../conventions/json.js';

const FLOAT_BYTES: Readonly<Record<string, number>> = { float16: 2, float32: 4, float64: 8 };

const SPECIAL: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

/** The bits of a float in hex (`0x` and 2 digits a byte), as the float. */
function floatOfHex(hex: string, bytes: number, path: string): number {
  if (!new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`).test(hex))
    throw new InvalidFileError(`fill_value ${hex} is not the ${bytes * 8}-bit hex of a float`, { path });
  const view = new DataView(new ArrayBuffer(8));
  const bits = BigInt(hex);
  if (bytes === 8) return (view.setBigUint64(0, bits), view.getFloat64(0));
  if (bytes === 4) return (view.setUint32(0, Number(bits)), view.getFloat32(0));
  return float16Of(Number(bits));
}

/** An IEEE half-precision number from its 16 bits. */
function float16Of(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * The fill value of an array of `dataType` (a v3 number type name) as a number (a bigint for
 * 64-bit integers); undefined when `value` is not a number's spelling.
 */
export function numericFill(value: JsonValue, dataType: string, path: string): number | bigint | undefined {
  const floatBytes = FLOAT_BYTES[dataType];
  if (value instanceof JsonNumber) {
    if (dataType === 'int64' || dataType === 'uint64') return value.isFloat ? undefined : value.big;
    return value.value;
  }
  if (typeof value !== 'string' || floatBytes === undefined) return undefined;
  if (value in SPECIAL) return SPECIAL[value];
  if (value.startsWith('0x')) return floatOfHex(value, floatBytes, path);
  return undefined;
}
