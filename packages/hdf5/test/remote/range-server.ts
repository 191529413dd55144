/**
 * A local HTTP server for the remote HDF5 tests: serves files from a directory with Range requests
 * (or, when told, ignoring them), logs every request, delays answers to make round trips countable,
 * and lets a test take over a request to misbehave.
 */
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** One request as the server saw it. */
export interface LoggedRequest {
  path: string;
  range: string | undefined;
  /** When it arrived, in ms since the server started. */
  at: number;
  headers: IncomingMessage['headers'];
}

/** Takes over a request (returns true) or lets the server answer it (false). */
export type Override = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
) => boolean | Promise<boolean>;

export interface RangeServerOptions {
  /** Answer 200 with the whole file instead of honouring Range. */
  ignoreRange?: boolean;
  /** Delay before each answer, in ms. */
  latencyMs?: number;
  override?: Override;
}

export interface RangeServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  origin: string;
  url(name: string): string;
  log: LoggedRequest[];
  /**
   * Round trips so far: groups of requests that arrived while an earlier one of the group was still
   * unanswered (each group cost the client one wait).
   */
  roundTrips(): number;
  close(): Promise<void>;
}

export async function rangeServer(root: string, options: RangeServerOptions = {}): Promise<RangeServer> {
  const log: LoggedRequest[] = [];
  const started = Date.now();
  /** [arrival, answered] of every request, for counting round trips. */
  const spans: { at: number; done: number }[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const entry: LoggedRequest = {
      path,
      range: req.headers.range,
      at: Date.now() - started,
      headers: req.headers,
    };
    log.push(entry);
    const span = { at: entry.at, done: Number.POSITIVE_INFINITY };
    spans.push(span);
    res.on('finish', () => (span.done = Date.now() - started));
    void (async () => {
      if (options.latencyMs) await new Promise((done) => setTimeout(done, options.latencyMs));
      if (options.override && (await options.override(req, res, path))) return;
      await serveFile(join(root, path), req, res, options.ignoreRange === true);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (name) => `${origin}/${name}`,
    log,
    roundTrips: () => {
      let trips = 0;
      let waitingUntil = Number.NEGATIVE_INFINITY;
      for (const s of [...spans].sort((a, b) => a.at - b.at)) {
        if (s.at >= waitingUntil) {
          trips++;
          waitingUntil = s.done;
        } else {
          waitingUntil = Math.max(waitingUntil, s.done);
        }
      }
      return trips;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** Serves one file, honouring a single `bytes=a-b` range unless told not to. */
async function serveFile(file: string, req: IncomingMessage, res: ServerResponse, ignoreRange: boolean) {
  const handle = await open(file, 'r').catch(() => undefined);
  if (handle === undefined) return void res.writeHead(404).end();
  try {
    const size = (await handle.stat()).size;
    const match = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (ignoreRange || match === null) {
      const bytes = Buffer.alloc(size);
      await handle.read(bytes, 0, size, 0);
      return void res.writeHead(200, { 'content-length': size, 'accept-ranges': 'none' }).end(bytes);
    }
    const start = Number(match[1]);
    const end = Math.min(match[2] === '' ? size - 1 : Number(match[2]), size - 1);
    if (start >= size || end < start) {
      return void res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    }
    const bytes = Buffer.alloc(end - start + 1);
    await handle.read(bytes, 0, bytes.length, start);
    res
      .writeHead(206, { 'content-length': bytes.length, 'content-range': `bytes ${start}-${end}/${size}` })
      .end(bytes);
  } finally {
    await handle.close();
  }
}
