/**
 * The places that limit how much work runs at once (all through one Limiter): reading ahead a
 * file's small datasets runs at most `concurrency` reads, and copying stored chunks runs at most 8
 * batches while reading no further in the chunk listing. (readTree's limit: read-tree.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { prefetchSmallDatasets } from '../src/mapping/prefetch.js';
import type { DatasetDefinition, StorageWriter } from '../src/storage/backend.js';
import { ndarray } from '../src/storage/values.js';
import type { NdArray } from '../src/storage/values.js';
import type { ChunkSource } from '../src/tree/chunk-copy.js';
import { copyStoredChunks } from '../src/tree/chunk-copy.js';
import type { DatasetHandle } from '../src/tree/nodes.js';
import { datasetNode, groupNode } from '../src/tree/nodes.js';

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Work that waits until released; counts how many wait at once. */
function gated() {
  const releases: (() => void)[] = [];
  let running = 0;
  let peak = 0;
  const wait = async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise<void>((go) => releases.push(go));
    running--;
  };
  const releaseAll = async () => {
    while (releases.length > 0 || running > 0) {
      releases.splice(0).forEach((go) => go());
      await turn();
    }
  };
  return { wait, releaseAll, started: () => releases.length, peak: () => peak };
}

describe('concurrency limits', () => {
  it('reads ahead at most `concurrency` small datasets at once, and every one of them', async () => {
    const gate = gated();
    const handle = (i: number): DatasetHandle =>
      ({
        kind: 'handle',
        path: `/g/d${i}`,
        dtype: 'float64',
        shape: [],
        read: async () => {
          await gate.wait();
          return ndarray('float64', [], Float64Array.of(i));
        },
      }) as unknown as DatasetHandle;
    const names = Array.from({ length: 20 }, (_, i) => `d${i}`);
    const root = groupNode(undefined, [
      [
        'g',
        groupNode(
          undefined,
          names.map((name, i) => [name, datasetNode(handle(i))]),
        ),
      ],
    ]);
    const reads = prefetchSmallDatasets(root, 3);
    await turn();
    expect(gate.started()).toBe(3);
    await gate.releaseAll();
    const values = await Promise.all([...reads.values()].map((r) => r.then((a: NdArray) => a.data[0])));
    expect(values.sort((a, b) => Number(a) - Number(b))).toEqual(names.map((_, i) => i));
    expect(gate.peak()).toBe(3);
  });

  it('copies at most 8 batches of chunks at once, reading no further in the listing meanwhile', async () => {
    const gate = gated();
    let listed = 0;
    const stored = new Map<string, number>();
    const source: ChunkSource = {
      reader: {
        chunkEncoding: async () => undefined,
        readStoredChunk: async (_path, index) => {
          await gate.wait();
          return Uint8Array.of(index[0]!);
        },
        async *storedChunks() {
          for (let r = 0; r < 30; r++) {
            listed++;
            yield [r];
          }
        },
      },
      path: '/data',
      encoding: { dtype: 'uint8', chunks: [1], codecs: [] },
    };
    const writer = {
      createEncodedDataset: async () => true,
      writeStoredChunk: async (_path: string, index: readonly number[], bytes: Uint8Array) => {
        stored.set(index.join(','), bytes[0]!);
      },
    } as unknown as StorageWriter;
    const definition: DatasetDefinition = { dtype: 'uint8', shape: [30], chunks: [1] };
    const copying = copyStoredChunks(source, writer, '/data', definition, {}, async () => {});
    for (let i = 0; i < 5; i++) await turn();
    expect(gate.started()).toBe(8);
    expect(listed).toBe(8);
    await gate.releaseAll();
    expect(await copying).toBe(true);
    expect(stored.size).toBe(30);
    expect(gate.peak()).toBe(8);
  });
});
