/**
 * The compression a v3 array's `codecs` describe, in core's terms, so that data read from a v3
 * store keep their compression when written elsewhere. The v3 names (`zstd`, `gzip`, `blosc`) and
 * the `numcodecs.*` wrappers hdmf-zarr writes when converting are mapped onto the v2 reading of
 * `compressor` + `filters`, which knows the codecs' settings.
 */
import type { Compression } from '@nwbjs/core';
import { compressionFromMetadata } from '../codecs.js';
import type { JsonObject, JsonValue } from '../conventions/json.js';
import { JsonNumber } from '../conventions/json.js';

function asV2(codec: JsonObject): JsonObject {
  const name = (codec.get('name') as string).replace(/^numcodecs\./, '');
  const config = codec.get('configuration');
  const out = new Map<string, JsonValue>([['id', name]]);
  if (config instanceof Map) for (const [k, v] of config) out.set(k, v);
  // v3's Blosc names its shuffle; format 2 (which the reading below knows) numbers it.
  const shuffle = out.get('shuffle');
  if (name === 'blosc' && typeof shuffle === 'string') {
    const number = ['noshuffle', 'shuffle', 'bitshuffle'].indexOf(shuffle);
    if (number >= 0) out.set('shuffle', new JsonNumber(String(number), false));
  }
  return out;
}

/** The compression of `codecs` (the first compressor after the serializer), if any. */
export function compressionOfCodecs(codecs: readonly JsonObject[]): Compression | undefined {
  const byName = codecs.map(asV2);
  const compressor = byName.find((c) =>
    ['zstd', 'gzip', 'zlib', 'blosc', 'lz4'].includes(c.get('id') as string),
  );
  if (compressor === undefined) return undefined;
  const filters = byName.filter((c) => c.get('id') === 'shuffle');
  const found = compressionFromMetadata(compressor, filters);
  // zstd level 0 is zstd's default level, which core spells by leaving the level out.
  if (found?.codec === 'zstd' && found.level === 0)
    return { codec: 'zstd', ...(found.shuffle ? { shuffle: true } : {}) };
  return found;
}
