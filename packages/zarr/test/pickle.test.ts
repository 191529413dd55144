import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PickleError, decodePickledArray } from '../src/index.js';
import { compressorFromMetadata } from '../src/codecs.js';
import type { JsonValue } from '../src/conventions/json.js';
import { parseJson } from '../src/conventions/json.js';
import { fixturesDir } from './helpers.js';

async function fixtureChunk(): Promise<Uint8Array> {
  const dir = path.join(fixturesDir, 'tutorial_images.nwb.zarr/stimulus/templates/raccoons/order_of_images');
  const meta = parseJson(readFileSync(path.join(dir, '.zarray'), 'utf8')) as Map<string, JsonValue>;
  const codec = await compressorFromMetadata(meta.get('compressor') ?? null, 'x');
  return codec!.decode(new Uint8Array(readFileSync(path.join(dir, '0'))));
}

const enc = new TextEncoder();
const cat = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const shortStr = (s: string) => cat([0x8c, enc.encode(s).length], enc.encode(s));

describe('restricted pickle decoder', () => {
  it("decodes hdmf-zarr's pickled ZarrReference arrays (protocol 5)", async () => {
    const decoded = decodePickledArray(await fixtureChunk());
    expect(decoded.shape).toEqual([2]);
    expect(decoded.elements).toEqual([
      {
        source: '.',
        path: '/stimulus/templates/raccoons/rgb_face',
        object_id: null,
        source_object_id: 'f3ad7509-799b-5dcf-84da-f63bc03b0284',
      },
      {
        source: '.',
        path: '/stimulus/templates/raccoons/gs_face',
        object_id: null,
        source_object_id: 'f3ad7509-799b-5dcf-84da-f63bc03b0284',
      },
    ]);
  });

  it('refuses unknown globals (os.system), by GLOBAL and STACK_GLOBAL', () => {
    const global = cat([0x80, 2], enc.encode('cos\nsystem\n'), [0x2e]);
    expect(() => decodePickledArray(global)).toThrow(/refusing global os\.system/);
    const stackGlobal = cat([0x80, 4], shortStr('os'), shortStr('system'), [0x93, 0x2e]);
    expect(() => decodePickledArray(stackGlobal)).toThrow(PickleError);
    const builtins = cat(
      [0x80, 4],
      shortStr('builtins'),
      shortStr('eval'),
      [0x93],
      shortStr('1'),
      [0x85, 0x52, 0x2e],
    );
    expect(() => decodePickledArray(builtins)).toThrow(/refusing global builtins\.eval/);
  });

  it('refuses truncated input at every length', async () => {
    const chunk = await fixtureChunk();
    for (let n = 0; n < chunk.length; n += 7)
      expect(() => decodePickledArray(chunk.subarray(0, n))).toThrow(PickleError);
  });

  it('refuses huge lengths without allocating', () => {
    const huge = cat([0x80, 4, 0x58, 0xff, 0xff, 0xff, 0x7f, 0x61]);
    expect(() => decodePickledArray(huge)).toThrow(/truncated/);
    const huge8 = cat([0x80, 4, 0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(() => decodePickledArray(huge8)).toThrow(PickleError);
    const frame = cat([0x80, 4, 0x95, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(() => decodePickledArray(frame)).toThrow(PickleError);
  });

  it('refuses unknown opcodes, non-array results and other dtypes', () => {
    expect(() => decodePickledArray(Uint8Array.of(0x80, 4, 0x69, 0x2e))).toThrow(/opcode/);
    expect(() => decodePickledArray(Uint8Array.of(0x80, 4, 0x4e, 0x2e))).toThrow(/numpy array/);
    const dtype = cat(
      [0x80, 4],
      shortStr('numpy'),
      shortStr('dtype'),
      [0x93],
      shortStr('f8'),
      [0x85, 0x52, 0x2e],
    );
    expect(() => decodePickledArray(dtype)).toThrow(/refusing numpy dtype/);
    expect(() => decodePickledArray(Uint8Array.of(0x80, 4, 0x68, 0x05, 0x2e))).toThrow(/memo/);
  });
});
