import { describe, expect, it } from 'vitest';
import { ReadCache, ReadScheduler } from '../src/provider/read-cache.js';

/** A read that resolves when told, and records whether its signal was aborted. */
function controllable() {
  const started: string[] = [];
  const aborted: string[] = [];
  const finish = new Map<string, (value: number) => void>();
  const read = (key: string) => (signal: AbortSignal) => {
    started.push(key);
    signal.addEventListener('abort', () => aborted.push(key));
    return new Promise<number>((resolve) => finish.set(key, resolve));
  };
  return { started, aborted, finish, read };
}

const abortError = () => new DOMException('moved on', 'AbortError');
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('ReadCache', () => {
  it('reads a key once for everyone who asks, and keeps it', async () => {
    const reads = controllable();
    const cache = new ReadCache<number>(new ReadScheduler(2), () => 1, 10);
    const a = cache.get('k', reads.read('k'));
    const b = cache.get('k', reads.read('k'));
    await settle();
    reads.finish.get('k')!(42);
    expect(await a).toBe(42);
    expect(await b).toBe(42);
    expect(await cache.get('k', reads.read('k'))).toBe(42);
    expect(reads.started).toEqual(['k']);
  });

  it('drops a queued read when its only caller aborts: it never starts', async () => {
    const reads = controllable();
    const cache = new ReadCache<number>(new ReadScheduler(1), () => 1, 10);
    const first = new AbortController();
    const second = new AbortController();
    const a = cache.get('a', reads.read('a'), { signal: first.signal });
    const b = cache.get('b', reads.read('b'), { signal: second.signal });
    await settle();
    second.abort(abortError());
    await expect(b).rejects.toThrow('moved on');
    reads.finish.get('a')!(1);
    expect(await a).toBe(1);
    await settle();
    expect(reads.started).toEqual(['a']);
  });

  it('aborts a running read once every caller has aborted, not before', async () => {
    const reads = controllable();
    const cache = new ReadCache<number>(new ReadScheduler(4), () => 1, 10);
    const one = new AbortController();
    const two = new AbortController();
    const a = cache.get('k', reads.read('k'), { signal: one.signal });
    const b = cache.get('k', reads.read('k'), { signal: two.signal });
    await settle();
    one.abort(abortError());
    await expect(a).rejects.toThrow('moved on');
    expect(reads.aborted).toEqual([]);
    two.abort(abortError());
    await expect(b).rejects.toThrow('moved on');
    expect(reads.aborted).toEqual(['k']);
    // Asked again, the key is read again.
    void cache.get('k', reads.read('k'));
    await settle();
    expect(reads.started).toEqual(['k', 'k']);
  });

  it('runs reads asked for now before prefetches', async () => {
    const reads = controllable();
    const cache = new ReadCache<number>(new ReadScheduler(1), () => 1, 10);
    void cache.get('busy', reads.read('busy'));
    void cache.get('ahead', reads.read('ahead'), { priority: 'later' });
    void cache.get('shown', reads.read('shown'), { priority: 'now' });
    await settle();
    reads.finish.get('busy')!(0);
    await settle();
    expect(reads.started).toEqual(['busy', 'shown']);
  });

  it('forgets the least recently used values beyond its byte budget', async () => {
    let reads = 0;
    const cache = new ReadCache<number>(new ReadScheduler(4), () => 4, 8);
    const read = async () => ++reads;
    await cache.get('a', read);
    await cache.get('b', read);
    await cache.get('a', read);
    await cache.get('c', read);
    await settle();
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.has('c')).toBe(true);
  });
});
