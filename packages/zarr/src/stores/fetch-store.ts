/**
 * Stores over HTTP(S): zarrita's FetchStore (`get` is one GET, `getRange` one Range request, 404 is
 * absent) on a fetch that checks every response first. This is the one place where what comes back
 * from a server is checked before anything reads it (its size, its status) and where a failed request
 * is put in words a user can act on (refused, no such host, timed out). FetchStore is imported from its
 * own entry: `@zarrita/storage`'s main entry also loads its file-system store, which needs node:fs.
 */
import FetchStore from '@zarrita/storage/fetch';
import { HttpRequestError } from '@nwbjs/core';
import { fetchChecked } from '@nwbjs/core/backend';
import type { ZarrStore } from './store.js';

/** Options of the stores opened from an http(s) URL. */
export interface HttpStoreOptions {
  /** A fetch to use instead of the global one (auth, presigning, counting). */
  fetch?: (request: Request) => Promise<Response>;
  /** Largest response accepted, in bytes (default 1 GiB). */
  maxResponseBytes?: number;
  /**
   * Largest metadata document accepted (`.zmetadata`, `.zattrs`, `.zarray`, `.zgroup`, `zarr.json`),
   * in bytes (default 64 MiB): metadata is parsed whole in memory, so a server cannot make the
   * reader take in an endless one.
   */
  maxMetadataBytes?: number;
  /**
   * How long a request may wait for the server to start answering (its status and headers), in
   * milliseconds (default 30 000). A body that then streams slowly is not cut off.
   */
  timeoutMs?: number;
}

/**
 * A fetch for zarrita's FetchStore on core's {@link fetchChecked} (timeout, redirect policy, failures
 * in words): it refuses statuses other than 200, 206 and 404 (absent), and responses larger than
 * `maxResponseBytes` (metadata documents: `maxMetadataBytes`), by their Content-Length before the
 * body is read and by counting as the body streams.
 */
export function checkedFetch(options: HttpStoreOptions = {}): (request: Request) => Promise<Response> {
  const dataLimit = options.maxResponseBytes ?? 1 << 30;
  const metadataLimit = options.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES;
  return async (request) => {
    const response = await fetchChecked(request, options);
    const { status } = response;
    if (status !== 200 && status !== 206 && status !== 404) {
      await response.body?.cancel();
      const reason = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
      throw new HttpRequestError(request.url, reason, { status });
    }
    const document = METADATA_NAME.exec(new URL(request.url).pathname)?.[2];
    const limit = document === undefined ? dataLimit : Math.min(metadataLimit, dataLimit);
    const tooLarge = (size: string) =>
      document === undefined
        ? `response of ${size} bytes exceeds the ${limit}-byte limit`
        : `${document} of ${size} bytes exceeds the ${limit}-byte limit for metadata`;
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > limit) {
      await response.body?.cancel();
      throw new HttpRequestError(request.url, tooLarge(String(length)), { status });
    }
    return limitBody(
      response,
      limit,
      () => new HttpRequestError(request.url, tooLarge(`more than ${limit}`)),
    );
  };
}

/** Default of {@link HttpStoreOptions.maxMetadataBytes}. */
const DEFAULT_MAX_METADATA_BYTES = 64 * 1024 * 1024;
/** Paths of the metadata documents Zarr stores hold. */
const METADATA_NAME = /(^|\/)(\.zmetadata|\.zattrs|\.zarray|\.zgroup|zarr\.json)$/;

/**
 * The response with its body cut off by an error past `limit` bytes: a server that sends no
 * Content-Length (or a wrong one) is held to the limit as it streams.
 */
function limitBody(response: Response, limit: number, tooLarge: () => HttpRequestError): Response {
  if (response.body === null) return response;
  let received = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(piece, controller) {
        received += piece.length;
        if (received > limit) {
          controller.error(tooLarge());
          return;
        }
        controller.enqueue(piece);
      },
    }),
  );
  return new Response(counted, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * A read-only store at an http(s) URL, on zarrita's FetchStore and {@link checkedFetch}. Typed as
 * the package's own store type, so that the published types do not name `@zarrita/storage/fetch`,
 * a subpath that `moduleResolution: node10` cannot resolve.
 */
export function fetchStore(url: string | URL, options: HttpStoreOptions = {}): ZarrStore {
  return new FetchStore(url, { fetch: checkedFetch(options) });
}
