import { describe, expect, it } from 'vitest';
import { PromiseCache } from '../src/backend.js';

describe('PromiseCache', () => {
  it('starts the work once per key and shares its answer', async () => {
    const cache = new PromiseCache<string, string>();
    let starts = 0;
    const start = async (key: string) => {
      starts++;
      return key.toUpperCase();
    };
    const first = cache.get('a', start);
    expect(cache.get('a', start)).toBe(first); // while it runs
    expect(await first).toBe('A');
    expect(cache.get('a', start)).toBe(first); // after
    expect(await cache.get('b', start)).toBe('B');
    expect(starts).toBe(2);
  });

  it('forgets a rejection, so the next ask starts again', async () => {
    const cache = new PromiseCache<number, number>();
    let starts = 0;
    const start = async (key: number) => {
      if (++starts === 1) throw new Error('timed out');
      return key * 2;
    };
    const failed = cache.get(1, start);
    expect(cache.get(1, start)).toBe(failed); // shared while pending
    await expect(failed).rejects.toThrow('timed out');
    expect(await cache.get(1, start)).toBe(2);
    expect(await cache.get(1, start)).toBe(2);
    expect(starts).toBe(2);
  });

  it('keeps what the caller answers for a failure', async () => {
    const cache = new PromiseCache<string, string | undefined>();
    let starts = 0;
    const start = () => {
      starts++;
      return Promise.reject(new Error('not understood')).catch(() => undefined);
    };
    expect(await cache.get('x', start)).toBeUndefined();
    expect(await cache.get('x', start)).toBeUndefined();
    expect(starts).toBe(1);
  });

  it('does not forget a newer promise when an older one rejects after a clear', async () => {
    const cache = new PromiseCache<string, number>();
    let fail!: (error: Error) => void;
    const old = cache.get('k', () => new Promise<number>((_, reject) => (fail = reject)));
    cache.clear();
    let starts = 0;
    const start = async () => ++starts;
    const newer = cache.get('k', start);
    fail(new Error('late failure'));
    await expect(old).rejects.toThrow('late failure');
    expect(cache.get('k', start)).toBe(newer);
    expect(starts).toBe(1);
  });

  it('lets start clear the cache before it begins', async () => {
    const cache = new PromiseCache<number, number>();
    const one = cache.get(1, async () => 1);
    const two = cache.get(2, async () => {
      cache.clear();
      return 2;
    });
    expect(await two).toBe(2);
    expect(cache.get(2, async () => 0)).toBe(two);
    expect(cache.get(1, async () => 10)).not.toBe(one);
  });

  it('lists the promises it keeps, without those that rejected', async () => {
    const cache = new PromiseCache<string, number>();
    const kept = cache.get('a', async () => 1);
    const failed = cache.get('b', async () => {
      throw new Error('no');
    });
    await expect(failed).rejects.toThrow('no');
    expect([...cache.values()]).toEqual([kept]);
  });
});
