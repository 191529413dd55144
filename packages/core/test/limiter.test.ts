/**
 * Limiter: at most `max` tasks at once, waiting ones in order, a failure frees its place, and the
 * two waits a producer uses (a free place; nothing left running).
 */
import { describe, expect, it } from 'vitest';
import { Limiter } from '../src/async/limiter.js';

/** A task that runs until `finish()` is called, recording when it started. */
function gate() {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { done, finish, fail };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Limiter', () => {
  it('runs at most max tasks at once, the others in the order they came', async () => {
    const limit = new Limiter(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      limit.run(async () => {
        started.push(i);
        await g.done;
        return i;
      }),
    );
    await turn();
    expect(started).toEqual([0, 1]);
    expect(limit.active).toBe(2);
    gates[1]!.finish();
    await turn();
    expect(started).toEqual([0, 1, 2]);
    expect(limit.active).toBe(2);
    gates[0]!.finish();
    gates[2]!.finish();
    gates[3]!.finish();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(limit.active).toBe(0);
  });

  it('a failing task rejects with its error and hands its place on', async () => {
    const limit = new Limiter(1);
    const failing = limit.run(() => Promise.reject(new Error('broken')));
    const next = limit.run(async () => 'ran');
    await expect(failing).rejects.toThrow('broken');
    expect(await next).toBe('ran');
    expect(limit.active).toBe(0);
  });

  it('whenFree holds a producer back while every place is taken; idle waits for the last task', async () => {
    const limit = new Limiter(2);
    const [a, b] = [gate(), gate()];
    void limit.run(() => a.done);
    await limit.whenFree(); // one of two places taken: at once
    void limit.run(() => b.done);
    let free = false;
    let idle = false;
    void limit.whenFree().then(() => (free = true));
    void limit.idle().then(() => (idle = true));
    await turn();
    expect([free, idle]).toEqual([false, false]);
    a.finish();
    await turn();
    expect([free, idle]).toEqual([true, false]);
    b.finish();
    await turn();
    expect(idle).toBe(true);
    await limit.idle(); // nothing running: at once
  });

  it('takes 100 000 waiting tasks (a queue that shifted its array took minutes)', async () => {
    const limit = new Limiter(4);
    let ran = 0;
    await Promise.all(Array.from({ length: 100_000 }, () => limit.run(async () => void ran++)));
    expect(ran).toBe(100_000);
  });

  it('counts max as at least one', async () => {
    const limit = new Limiter(0);
    expect(await limit.run(async () => 'one at a time')).toBe('one at a time');
  });
});
