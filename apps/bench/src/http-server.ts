/**
 * A static file server on 127.0.0.1 for the remote case: serves a directory read-only (GET, with
 * single Range requests) and counts requests and body bytes, as a CDN's log would.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import path from 'node:path';

/** A running server and its counters. */
export interface CountingServer {
  readonly url: string;
  readonly requests: number;
  readonly bytes: number;
  close(): Promise<void>;
}

/** Serves `root` on a free port of 127.0.0.1, answering each request after `latencyMs`. */
export async function serveDirectory(root: string, latencyMs = 0): Promise<CountingServer> {
  let requests = 0;
  let bytes = 0;
  const base = path.resolve(root);
  const server: Server = createServer((request, response) => {
    requests++;
    const fail = (status: number): void => {
      response.writeHead(status).end();
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return fail(405);
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = path.resolve(base, `.${pathname}`);
    if (file !== base && !file.startsWith(base + path.sep)) return fail(403);
    const answered =
      latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, latencyMs)) : Promise.resolve();
    answered
      .then(() => stat(file))
      .then(
        (info) => {
          if (!info.isFile()) return fail(404);
          let start = 0;
          let end = info.size - 1;
          const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
          if (range !== null) {
            start = Number(range[1]);
            end = range[2] === '' ? end : Math.min(end, Number(range[2]));
            if (start > end) return fail(416);
          }
          const length = end - start + 1;
          response.writeHead(range !== null ? 206 : 200, {
            'content-length': String(length),
            'content-type': 'application/octet-stream',
            ...(range !== null ? { 'content-range': `bytes ${start}-${end}/${info.size}` } : {}),
          });
          if (request.method === 'HEAD' || length === 0) return void response.end();
          bytes += length;
          createReadStream(file, { start, end }).pipe(response);
        },
        () => fail(404),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the bench HTTP server has no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    get requests() {
      return requests;
    },
    get bytes() {
      return bytes;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
