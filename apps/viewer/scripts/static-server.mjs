// @ts-check
/**
 * A small static HTTP server for the built viewer and for NWB files to open in it: GET and HEAD,
 * byte ranges (what streaming HDF5 needs), CORS on the data, and a hook that sees every request
 * (the tests count requests per frame with it). Files are served only from inside their root.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.tiff': 'image/tiff',
  '.nwb': 'application/x-hdf5',
};

/**
 * @typedef {object} Mount
 * @property {string} prefix URL path prefix, starting and ending with `/` (`/`, `/data/`).
 * @property {string} dir Directory served under it.
 * @property {boolean} [cors] Send `Access-Control-Allow-Origin: *` (default true).
 * @property {boolean} [index] Answer `<prefix>index.json` with the NWB files and stores in `dir`.
 * @property {boolean} [app] The built viewer: its hashed `assets/` may be cached for good. Other
 *   mounts are served with `no-store`, so every read reaches the server (and is counted).
 */

/**
 * @typedef {object} ServedRequest
 * @property {string} method
 * @property {string} path URL path, decoded.
 * @property {string | undefined} range The Range header.
 * @property {number} status
 * @property {number} bytes Body bytes sent.
 * @property {number} arrived When the request arrived (`performance.now()` of this process).
 * @property {number} finished When its response ended.
 */

/**
 * @typedef {object} ServerOptions
 * @property {Mount[]} mounts Longest prefix wins.
 * @property {number} [port] 0 (default) picks a free port.
 * @property {string} [host] Default 127.0.0.1.
 * @property {number} [latencyMs] Delay before each response, to act like a distant server.
 * @property {(request: ServedRequest) => void} [onRequest] Called as each response ends.
 */

/**
 * Starts a server; resolves once it listens.
 * @param {ServerOptions} options
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startStaticServer(options) {
  const mounts = [...options.mounts].sort((a, b) => b.prefix.length - a.prefix.length);
  const server = createServer((request, response) => {
    const arrived = performance.now();
    const answer = () =>
      handle(mounts, request, response, arrived, options.onRequest).catch((error) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    if (options.latencyMs) setTimeout(answer, options.latencyMs);
    else void answer();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok(undefined));
      }),
  };
}

/**
 * @param {Mount[]} mounts
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 * @param {number} arrived
 * @param {((request: ServedRequest) => void) | undefined} onRequest
 */
async function handle(mounts, request, response, arrived, onRequest) {
  const method = request.method ?? 'GET';
  const url = new URL(request.url ?? '/', 'http://localhost');
  let path;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    path = url.pathname;
  }
  const range = request.headers.range;
  let bytes = 0;
  response.on('finish', () =>
    onRequest?.({
      method,
      path,
      range,
      status: response.statusCode,
      bytes,
      arrived,
      finished: performance.now(),
    }),
  );
  const mount = mounts.find((m) => path.startsWith(m.prefix) || `${path}/` === m.prefix);
  const headers = /** @type {Record<string, string>} */ ({});
  if (mount !== undefined && mount.cors !== false) {
    headers['access-control-allow-origin'] = '*';
    headers['access-control-allow-headers'] = 'range';
    headers['access-control-expose-headers'] = 'content-length, content-range, accept-ranges';
  }
  const send = (
    /** @type {number} */ status,
    /** @type {string} */ body,
    type = 'text/plain; charset=utf-8',
  ) => {
    const buffer = Buffer.from(body);
    bytes = method === 'HEAD' ? 0 : buffer.length;
    response.writeHead(status, { ...headers, 'content-type': type, 'content-length': String(buffer.length) });
    response.end(method === 'HEAD' ? undefined : buffer);
  };
  if (method === 'OPTIONS') {
    response.writeHead(204, { ...headers, 'access-control-allow-methods': 'GET, HEAD' });
    response.end();
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') return send(405, 'method not allowed');
  if (mount === undefined) return send(404, 'not found');
  const root = resolve(mount.dir);
  const inside = path.length < mount.prefix.length ? '' : path.slice(mount.prefix.length);
  if (mount.index && inside === 'index.json')
    return send(200, JSON.stringify(await listData(root, mount.prefix)), TYPES['.json']);
  const file = resolve(root, normalize(inside === '' ? '.' : inside));
  const rel = relative(root, file);
  if (rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(root, rel) !== file)
    return send(403, 'forbidden');
  let info;
  try {
    info = await stat(file);
  } catch {
    return send(404, 'not found');
  }
  let target = file;
  if (info.isDirectory()) {
    target = join(file, 'index.html');
    try {
      info = await stat(target);
    } catch {
      return send(404, 'not found');
    }
  }
  const type = /** @type {Record<string, string>} */ (TYPES)[extname(target)] ?? 'application/octet-stream';
  const size = info.size;
  let start = 0;
  let end = size - 1;
  let status = 200;
  if (typeof range === 'string') {
    const m = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
    if (m === null || (m[1] === '' && m[2] === '')) return send(416, 'bad range');
    if (m[1] === '') {
      start = Math.max(0, size - Number(m[2]));
    } else {
      start = Number(m[1]);
      end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    }
    if (start >= size || start > end) {
      response.writeHead(416, { ...headers, 'content-range': `bytes */${size}` });
      response.end();
      return;
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
  }
  const length = size === 0 ? 0 : end - start + 1;
  response.writeHead(status, {
    ...headers,
    'content-type': type,
    'content-length': String(length),
    'accept-ranges': 'bytes',
    'cache-control': !mount.app
      ? 'no-store'
      : inside.startsWith('assets/')
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
  });
  if (method === 'HEAD' || length === 0) {
    response.end();
    return;
  }
  bytes = length;
  await new Promise((ok, fail) => {
    createReadStream(target, { start, end })
      .on('error', fail)
      .pipe(response)
      .on('finish', () => ok(undefined));
  });
}

/**
 * The NWB files (`.nwb`) and Zarr stores (`.zarr` folders) directly in `dir`, for the start page.
 * @param {string} dir
 * @param {string} prefix
 */
async function listData(dir, prefix) {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => (e.isFile() && e.name.endsWith('.nwb')) || (e.isDirectory() && e.name.endsWith('.zarr')))
    .map((e) => ({ name: e.name, url: `${prefix.replace(/^\//, '')}${e.name}` }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
