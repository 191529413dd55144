/** The dataspace message (versions 1 and 2): a dataset's shape and maximum shape. */
import type { Cursor } from './cursor.js';
import { corrupt, unread } from './errors.js';

/** Shape of a dataset; `maxShape` has `null` for an unlimited axis. A null dataspace has no shape. */
export interface Dataspace {
  readonly kind: 'scalar' | 'simple' | 'null';
  readonly shape: readonly number[];
  readonly maxShape: readonly (number | null)[];
}

/** Reads a dataspace message body. */
export function parseDataspace(c: Cursor): Dataspace {
  const version = c.u8();
  const rank = c.u8();
  const flags = c.u8();
  let kind: Dataspace['kind'];
  if (version === 1) {
    c.skip(5);
    kind = rank === 0 ? 'scalar' : 'simple';
  } else if (version === 2) {
    const type = c.u8();
    if (type > 2) corrupt(`dataspace type ${type}`);
    kind = (['scalar', 'simple', 'null'] as const)[type]!;
  } else {
    return unread(`dataspace version ${version}`);
  }
  if (rank > 32) corrupt(`dataspace of rank ${rank}`);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(c.length());
  const maxShape: (number | null)[] = [...shape];
  if (flags & 1) {
    for (let i = 0; i < rank; i++) {
      const all = c.bytes.subarray(c.pos, c.pos + c.sizes.lengthSize).every((b) => b === 0xff);
      if (all) {
        c.skip(c.sizes.lengthSize);
        maxShape[i] = null;
      } else {
        maxShape[i] = c.length();
      }
    }
  }
  return { kind, shape, maxShape };
}
