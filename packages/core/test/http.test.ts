/** The redirect policy and the timeouts every remote backend follows. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { fetchChecked, isRedirectAllowed } from '../src/storage/http.js';

const allowed = (from: string, to: string) => isRedirectAllowed(new URL(from), new URL(to));

describe('isRedirectAllowed', () => {
  it('follows the same origin, and HTTPS elsewhere on its default port', () => {
    expect(allowed('http://127.0.0.1:8000/a.nwb', 'http://127.0.0.1:8000/b.nwb')).toBe(true);
    expect(allowed('https://api.dandiarchive.org/x', 'https://dandiarchive.s3.amazonaws.com/blobs/1')).toBe(
      true,
    );
    expect(allowed('http://example.org/x', 'https://example.org/x')).toBe(true);
  });

  it('refuses other ports, plain HTTP elsewhere, downgrades and other schemes', () => {
    expect(allowed('http://127.0.0.1:8000/a', 'http://127.0.0.1:22/')).toBe(false);
    expect(allowed('https://example.org/a', 'https://example.org:8443/a')).toBe(false);
    expect(allowed('https://example.org/a', 'http://example.org/a')).toBe(false);
    expect(allowed('http://example.org/a', 'http://169.254.169.254/latest/meta-data')).toBe(false);
    expect(allowed('http://example.org/a', 'file:///etc/passwd')).toBe(false);
    expect(allowed('http://example.org/a', 'data:text/plain,hi')).toBe(false);
  });
});

describe('fetchChecked timeouts', () => {
  it(
    'gives up on a fetch that never settles, even one that ignores the abort',
    { timeout: 10_000 },
    async () => {
      const started = performance.now();
      const never = () => new Promise<Response>(() => undefined);
      await expect(
        fetchChecked(new Request('http://127.0.0.1:9/x'), { fetch: never, timeoutMs: 100 }),
      ).rejects.toThrow('http://127.0.0.1:9/x: no answer within 0.1 s (timed out)');
      expect(performance.now() - started).toBeLessThan(5_000);
    },
  );

  it('turns a custom fetch that throws instead of rejecting into an HttpRequestError', async () => {
    const throwing = (): Promise<Response> => {
      throw new TypeError('no network here');
    };
    await expect(
      fetchChecked(new Request('http://127.0.0.1:9/x'), { fetch: throwing, timeoutMs: 100 }),
    ).rejects.toThrow('http://127.0.0.1:9/x: no network here');
  });

  it('times out a silent server while the garbage collector runs', { timeout: 10_000 }, async () => {
    // Node's fetch lost the abort of a copied Request once the collector had taken the copy.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const sockets: Promise<void>[] = [];
    const server = createServer(
      (req) => void sockets.push(new Promise((done) => req.socket.on('close', done))),
    );
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const collector = setInterval(gc, 10);
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
      const answer = fetchChecked(new Request(url), { timeoutMs: 200 });
      const limit = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('still waiting after 5 s')), 5_000),
      );
      await expect(Promise.race([answer, limit])).rejects.toThrow('no answer within 0.2 s (timed out)');
      // The request on the wire was given up too, not only the promise.
      await Promise.race([Promise.all(sockets), limit]);
    } finally {
      clearInterval(collector);
      server.closeAllConnections();
      server.close();
    }
  });
});
