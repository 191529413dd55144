/**
 * Servers that fail or lie, each read ending in one HttpRequestError whose message names the URL
 * and says what went wrong, within the timeout; never a hang, never bytes taken for the file's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpRequestError } from '@nwbjs/core';
import { HttpRangeSource } from '../../src/remote/http-range-source.js';
import { FIXTURES } from '../helpers.js';
import { type Override, type RangeServer, rangeServer } from './range-server.js';

const NAME = 'compressed_imageseries.nwb';
const HEAD = 1024;

const servers: RangeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server whose answers to reads past the head (the "chunks") are `override`'s. */
async function hostile(override: Override): Promise<RangeServer> {
  const server = await rangeServer(FIXTURES, {
    override: (req, res, path) => req.headers.range !== `bytes=0-${HEAD - 1}` && override(req, res, path),
  });
  servers.push(server);
  return server;
}

/** Opens the fixture (the head is served well), then reads past it; returns what the read threw. */
async function failedRead(server: RangeServer, timeoutMs = 5000): Promise<HttpRequestError> {
  const source = new HttpRangeSource(server.url(NAME), { headBytes: HEAD, tailBytes: 0, timeoutMs });
  await source.open();
  const error = await source.read(50_000, 1000).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HttpRequestError);
  return error as HttpRequestError;
}

describe('remote HDF5 against hostile servers', () => {
  it('404 for a chunk', async () => {
    const server = await hostile((_req, res) => (res.writeHead(404, 'Not Found').end(), true));
    expect((await failedRead(server)).message).toBe(`${server.url(NAME)}: HTTP 404 Not Found`);
  });

  it('500 for a chunk', async () => {
    const server = await hostile((_req, res) => (res.writeHead(500, 'Internal Server Error').end(), true));
    const error = await failedRead(server);
    expect(error.message).toBe(`${server.url(NAME)}: HTTP 500 Internal Server Error`);
    expect(error.status).toBe(500);
  });

  it('a body cut short of its Content-Length (connection closed)', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(206, { 'content-length': 1000, 'content-range': 'bytes 50000-50999/366886' });
      res.write(Buffer.alloc(300));
      setTimeout(() => res.destroy(), 50);
      return true;
    });
    expect((await failedRead(server)).message).toMatch(
      new RegExp(`^${server.url(NAME)}: the body was cut short after 300 of 1000 bytes \\(.+\\)$`),
    );
  });

  it('a Content-Length shorter than the range it claims', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(206, { 'content-length': 10, 'content-range': 'bytes 50000-50999/366886' });
      res.end(Buffer.alloc(10));
      return true;
    });
    expect((await failedRead(server)).message).toBe(
      `${server.url(NAME)}: the body was cut short: 10 of 1000 bytes`,
    );
  });

  it('a Content-Range other than the range asked for', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(206, { 'content-length': 1000, 'content-range': 'bytes 0-999/366886' });
      res.end(Buffer.alloc(1000));
      return true;
    });
    expect((await failedRead(server)).message).toBe(
      `${server.url(NAME)}: asked for bytes 50000-50999, the server sent 0-999 of 366886`,
    );
  });

  it('a file whose size changes between answers', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(206, { 'content-length': 1000, 'content-range': 'bytes 50000-50999/999999' });
      res.end(Buffer.alloc(1000));
      return true;
    });
    expect((await failedRead(server)).message).toBe(
      `${server.url(NAME)}: the file's size changed while reading it (366886 bytes, then 999999)`,
    );
  });

  it('a 206 without Content-Range', async () => {
    const server = await hostile((_req, res) => (res.writeHead(206, { 'content-length': 0 }).end(), true));
    expect((await failedRead(server)).message).toBe(
      `${server.url(NAME)}: answered 206 without a valid Content-Range (none); a server read from a web page must send Access-Control-Expose-Headers: Content-Range`,
    );
  });

  it('a redirect to another port of the same host is refused, and nothing is asked there', async () => {
    let asked = 0;
    const other = createServer((_req, res) => (asked++, res.writeHead(200).end('secret')));
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}/admin`;
    try {
      const server = await hostile((_req, res) => (res.writeHead(302, { location: target }).end(), true));
      expect((await failedRead(server)).message).toBe(
        `${server.url(NAME)}: redirected to ${target}, which is refused (only the same origin, or HTTPS on its default port)`,
      );
      expect(asked).toBe(0);
    } finally {
      other.closeAllConnections();
      await new Promise((done) => other.close(done));
    }
  });

  it('a redirect to file:// is refused', async () => {
    const server = await hostile(
      (_req, res) => (res.writeHead(302, { location: 'file:///etc/passwd' }).end(), true),
    );
    expect((await failedRead(server)).message).toBe(
      `${server.url(NAME)}: redirected to file:///etc/passwd, which is refused (only the same origin, or HTTPS on its default port)`,
    );
  });

  it('a server that never answers: a timeout within the stated time', async () => {
    const server = await hostile(() => true);
    const started = Date.now();
    expect((await failedRead(server, 300)).message).toBe(
      `${server.url(NAME)}: no answer within 0.3 s (timed out)`,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a body that stalls after its headers: a timeout too', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(206, { 'content-length': 1000, 'content-range': 'bytes 50000-50999/366886' });
      res.write(Buffer.alloc(100));
      return true;
    });
    expect((await failedRead(server, 300)).message).toBe(
      `${server.url(NAME)}: the body stalled for 0.3 s (timed out)`,
    );
  });

  it('a refused connection', async () => {
    const server = await rangeServer(FIXTURES);
    const url = server.url(NAME);
    await server.close();
    const error = await new HttpRangeSource(url).open().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`^${url}: connection refused by 127\\.0\\.0\\.1:\\d+$`),
    );
  });
});
