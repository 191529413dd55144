/**
 * What TypeScript users of zarrita and PyNWB expect: reads typed by dtype, frames by `for await`,
 * AbortSignal on reads, `await using` on an IO, typed getters, and nested JS arrays as data.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DatasetHandle, NdArray } from '../src/index.js';
import type { BackendDescriptor } from '../src/backend.js';
import {
  ImageSeries,
  NWBIO,
  NotFoundError,
  TimeSeries,
  ValidationError,
  hasDType,
  isHandleOf,
  ndarray,
} from '../src/index.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';
import { tutorialFile } from './tutorial-file.js';

const volume = new MemoryVolume();
const memory: BackendDescriptor<string, undefined, MemoryBackend> = {
  format: 'memory',
  extensions: [],
  headBytes: 0,
  recognizes: () => true,
  open: async (location, mode) =>
    mode === 'r' ? MemoryBackend.open(volume, location) : MemoryBackend.create(volume, location),
  describe: (location) => location,
  writeDefaults: {},
};

async function written(location: string): Promise<void> {
  const io = new NWBIO(memory, location, 'w');
  await io.write(tutorialFile(5));
  await io.close();
}

async function opened(location: string) {
  await written(location);
  return new NWBIO(memory, location, 'r');
}

describe('TypeScript conveniences', () => {
  it('`await using` closes (and so commits) an IO when the block ends', async () => {
    {
      await using io = new NWBIO(memory, 'disposed', 'w');
      await io.write(tutorialFile(2));
    }
    await using io = new NWBIO(memory, 'disposed', 'r');
    expect((await io.read()).identifier).toBe('fixture-tutorial-images');
  });

  it('types reads by dtype, and iterates frames with `for await`', async () => {
    const io = await opened('frames');
    const file = await io.read();
    const series = file.acquisition.get('ImageSeries', ImageSeries)!;
    expectTypeOf(series).toEqualTypeOf<ImageSeries>();
    const data = series.data;
    if (!isHandleOf(data, 'uint8')) throw new Error(`expected a uint8 handle, got ${data.dtype}`);
    expectTypeOf(data).toEqualTypeOf<DatasetHandle<'uint8'>>();
    const first = await data.read([0]);
    expectTypeOf(first.data).toEqualTypeOf<Uint8Array>();
    const frames: Uint8Array[] = [];
    for await (const frame of data) {
      expectTypeOf(frame).toEqualTypeOf<NdArray<Uint8Array>>();
      expect(frame.shape).toEqual(data.shape.slice(1));
      frames.push(frame.data);
    }
    expect(frames).toHaveLength(data.shape[0]!);
    expect(frames[0]).toEqual(first.data);
    const array: NdArray = first;
    if (hasDType(array, 'uint8')) expectTypeOf(array.data).toEqualTypeOf<Uint8Array>();
    await io.close();
  });

  it('stops a read on an aborted signal, and names the dataset for a bad selection', async () => {
    const io = await opened('signal');
    const data = (await io.read()).acquisition.get('ImageSeries', ImageSeries)!.data as DatasetHandle;
    const controller = new AbortController();
    controller.abort(new Error('user scrolled on'));
    await expect(data.read([0], { signal: controller.signal })).rejects.toThrow('user scrolled on');
    await expect(data.read([99])).rejects.toThrow(ValidationError);
    await expect(data.read([99])).rejects.toThrow(/^\/acquisition\/ImageSeries\/data: /);
    await io.close();
  });

  it('gets a child by type, or says what it is', () => {
    const file = tutorialFile(2);
    expect(file.acquisition.get('ImageSeries', TimeSeries)?.name).toBe('ImageSeries');
    expect(file.acquisition.get('nothing', ImageSeries)).toBeUndefined();
    expect(() => file.acquisition.require('nothing', ImageSeries)).toThrow(NotFoundError);
    const [images] = file.acquisition.values().filter((o) => o.neurodataType === 'Images');
    if (images !== undefined) {
      expect(() => file.acquisition.get(images.name, ImageSeries)).toThrow(/is a Images, not a ImageSeries/);
    }
  });

  it('takes nested JS arrays as data, with numpy dtypes, and says what to pass otherwise', () => {
    const ints = new TimeSeries({
      name: 'ints',
      unit: 'm',
      rate: 1,
      data: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(ints.data).toEqual(ndarray('int64', [2, 2], BigInt64Array.of(1n, 2n, 3n, 4n)));
    const floats = new TimeSeries({ name: 'floats', unit: 'm', rate: 1, data: [0.5, 1, 2] });
    expect(floats.data).toEqual(ndarray('float64', [3], Float64Array.of(0.5, 1, 2)));
    const flags = new TimeSeries({ name: 'flags', unit: 'n/a', rate: 1, data: [true, false] });
    expect(flags.data.dtype).toBe('bool');
    expect(() => new TimeSeries({ name: 'ragged', unit: 'm', rate: 1, data: [[1, 2], [3]] })).toThrow(
      /^ragged\/data: nested arrays are not rectangular: data\[1\] has 1 elements where 2 were expected; pass a typed array/,
    );
    expect(() => new TimeSeries({ name: 'mixed', unit: 'm', rate: 1, data: [1, 'a'] })).toThrow(
      /mixed\/data: nested arrays mix number and string/,
    );
  });
});
