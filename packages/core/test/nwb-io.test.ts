/**
 * NWBIO, the one whole-file IO every backend's IO class is: mode checks, the NWB-root check on
 * read, write defaults from the descriptor, write-once, abort.
 */
import { describe, expect, it } from 'vitest';
import type { BackendDescriptor } from '../src/backend.js';
import { NWBIO } from '../src/index.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';
import { pattern, tutorialFile } from './tutorial-file.js';
import { ImageSeries } from '../src/model/index.js';

function memoryDescriptor(
  volume: MemoryVolume,
  defaults = {},
): BackendDescriptor<string, undefined, MemoryBackend> {
  return {
    format: 'memory',
    extensions: ['.mem'],
    headBytes: 0,
    recognizes: (probe) => probe.location.endsWith('.mem'),
    open: async (location, mode) =>
      mode === 'r' ? MemoryBackend.open(volume, location) : MemoryBackend.create(volume, location, mode),
    describe: (location) => location,
    writeDefaults: defaults,
  };
}

describe('NWBIO', () => {
  it('writes once, reads back, and checks modes', async () => {
    const volume = new MemoryVolume();
    const memory = memoryDescriptor(volume);
    expect(() => new NWBIO(memory, 'a.mem', 'x' as 'r')).toThrow(/unknown mode "x"/);
    const writer = new NWBIO(memory, 'a.mem', 'w');
    await expect(writer.read()).rejects.toMatchObject({
      _tag: 'BackendError',
      path: 'a.mem',
      backend: 'memory',
    });
    await writer.write(tutorialFile(2));
    await expect(writer.write(tutorialFile(2))).rejects.toThrow(/already written/);
    await writer.close();
    await expect(writer.backend()).rejects.toThrow(/is closed/);

    const reader = new NWBIO(memory, 'a.mem');
    await expect(reader.write(tutorialFile(2))).rejects.toThrow(/needs mode 'w'/);
    const file = await reader.read();
    expect(file.identifier).toBe('fixture-tutorial-images');
    await reader.close();
  });

  it('refuses to read a store that is not NWB, saying why', async () => {
    const volume = new MemoryVolume();
    const memory = memoryDescriptor(volume);
    const writer = new NWBIO(memory, 'empty.mem', 'w');
    await (await writer.backend()).createGroup('/', {}).catch(() => undefined);
    await writer.close();
    const reader = new NWBIO(memory, 'empty.mem');
    await expect(reader.read()).rejects.toMatchObject({
      _tag: 'InvalidFileError',
      path: 'empty.mem',
      message: expect.stringMatching(/is empty/),
    });
  });

  it('applies the descriptor write defaults only where the caller sets no compression', async () => {
    const volume = new MemoryVolume();
    const memory = memoryDescriptor(volume, { compression: { codec: 'gzip', level: 1 } });
    const file = tutorialFile(2);
    file.addAcquisition(
      new ImageSeries({ name: 'plain', unit: 'n.a.', data: pattern([4, 3, 2], Uint16Array), rate: 1 }),
    );
    const writer = new NWBIO(memory, 'd.mem', 'w');
    await writer.write(file);
    await writer.close();
    const reader = await new NWBIO(memory, 'd.mem').backend();
    const info = await reader.stat('/acquisition/plain/data');
    expect(info).toMatchObject({ compression: { codec: 'gzip', level: 1 } });

    const none = new NWBIO(memory, 'n.mem', 'w');
    await none.write(file, { compression: null });
    await none.close();
    const plain = await (await new NWBIO(memory, 'n.mem').backend()).stat('/acquisition/plain/data');
    expect(plain).not.toHaveProperty('compression');
  });

  it('abort leaves nothing behind', async () => {
    const volume = new MemoryVolume();
    const writer = new NWBIO(memoryDescriptor(volume), 'x.mem', 'w');
    await writer.write(tutorialFile(2));
    await writer.abort();
    expect(volume.files.has('x.mem')).toBe(false);
  });
});
