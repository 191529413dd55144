/** The filter pipeline message (versions 1 and 2): the filters chunks pass through, in order. */
import type { Cursor } from './cursor.js';
import { unread } from './errors.js';

/** Well-known filter ids. */
export const FilterId = {
  deflate: 1,
  shuffle: 2,
  fletcher32: 3,
  szip: 4,
  nbit: 5,
  scaleOffset: 6,
  lzf: 32000,
} as const;

/** One filter of a pipeline. */
export interface Filter {
  readonly id: number;
  readonly name?: string;
  /** Bit 0 set: the filter is optional (a chunk may skip it, which its filter mask then says). */
  readonly optional: boolean;
  readonly values: readonly number[];
}

/** Reads a filter pipeline message body. */
export function parseFilters(c: Cursor): Filter[] {
  const version = c.u8();
  const count = c.u8();
  if (version !== 1 && version !== 2) unread(`filter pipeline version ${version}`);
  if (version === 1) c.skip(6);
  const filters: Filter[] = [];
  for (let i = 0; i < count; i++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    const flags = c.u16();
    const nValues = c.u16();
    let name: string | undefined;
    if (nameLength > 0) {
      const raw = c.take(version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength);
      const end = raw.indexOf(0);
      name = new TextDecoder().decode(raw.subarray(0, end < 0 ? raw.length : end));
    }
    const values: number[] = [];
    for (let v = 0; v < nValues; v++) values.push(c.u32());
    if (version === 1 && nValues % 2 === 1) c.skip(4);
    filters.push({ id, ...(name === undefined ? {} : { name }), optional: (flags & 1) !== 0, values });
  }
  return filters;
}
