/** The write-behind queue: bounded, one write per chunk at a time, failures reported later. */
import { describe, expect, it } from 'vitest';
import { ChunkWriteQueue } from '../src/chunk-queue.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('ChunkWriteQueue', () => {
  it('keeps at most `limit` writes in flight and at most maxBytes (but always one)', async () => {
    const queue = new ChunkWriteQueue({ limit: 3, maxBytes: 250 });
    let running = 0;
    let peak = 0;
    const job = async () => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
    };
    for (let i = 0; i < 20; i++) await queue.add(`k${i}`, 100, job);
    await queue.drain();
    expect(peak).toBe(2); // 3 x 100 bytes would exceed 250
    const big = new ChunkWriteQueue({ limit: 8, maxBytes: 10 });
    await big.add('huge', 1000, job);
    expect(big.size).toBe(1);
    await big.drain();
  });

  it('takes a write of several keys as one write, which every key waits for', async () => {
    const queue = new ChunkWriteQueue({ limit: 2, maxBytes: 1 << 20 });
    const order: string[] = [];
    const job = (name: string, ms: number) => async () => {
      order.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      order.push(`end ${name}`);
    };
    await queue.add(['a', 'b', 'c'], 3, job('abc', 10));
    expect(queue.size).toBe(1);
    await queue.add('x', 1, job('x', 1)); // room: the batch takes one place
    expect(queue.size).toBe(2);
    await queue.add(['c', 'd'], 2, job('cd', 1)); // waits for the batch writing c
    await queue.waitFor('b');
    await queue.drain();
    expect(order.indexOf('start cd')).toBeGreaterThan(order.indexOf('end abc'));
    expect(order.indexOf('start x')).toBeLessThan(order.indexOf('end abc'));
    expect(queue.size).toBe(0);
  });

  it('serializes writes of the same key and lets readers wait for them', async () => {
    const queue = new ChunkWriteQueue({ limit: 8, maxBytes: 1 << 20 });
    const order: string[] = [];
    const job = (name: string, ms: number) => async () => {
      order.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      order.push(`end ${name}`);
    };
    await queue.add('a', 1, job('a1', 10));
    await queue.add('a', 1, job('a2', 1));
    await queue.waitFor('a');
    expect(order).toEqual(['start a1', 'end a1', 'start a2', 'end a2']);
  });

  it('throws a failure from the next add and from drain, after the other writes settle', async () => {
    const queue = new ChunkWriteQueue({ limit: 2, maxBytes: 1 << 20 });
    const boom = new Error('disk full');
    await queue.add('x', 1, async () => {
      await tick();
      throw boom;
    });
    await tick();
    await tick();
    await expect(queue.add('y', 1, async () => undefined)).rejects.toBe(boom);
    await expect(queue.drain()).rejects.toBe(boom);
    expect(queue.failure?.error).toBe(boom);
  });
});
