/**
 * Stores over HTTP(S): zarrita's FetchStore (`get` is one GET, `getRange` one Range request, 404 is
 * absent) on a fetch that checks every response first. This is the one place where what comes back
 * from a server is checked before anything reads it; today that is the size limit. FetchStore is
 * imported from its own entry: `@zarrita/storage`'s main entry also loads its file-system store,
 * which needs node:fs.
 */
import FetchStore from '@zarrita/storage/fetch';

/** Options of the stores opened from an http(s) URL. */
export interface HttpStoreOptions {
  /** A fetch to use instead of the global one (auth, presigning, counting). */
  fetch?: (request: Request) => Promise<Response>;
  /** Largest response accepted, in bytes (default 1 GiB). */
  maxResponseBytes?: number;
}

/** A fetch that refuses responses larger than `maxResponseBytes` before their body is read. */
export function checkedFetch(options: HttpStoreOptions = {}): (request: Request) => Promise<Response> {
  const limit = options.maxResponseBytes ?? 1 << 30;
  const base = options.fetch ?? ((request: Request) => fetch(request));
  return async (request) => {
    const response = await base(request);
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > limit) {
      await response.body?.cancel();
      throw new Error(`${request.url}: response of ${length} bytes exceeds the ${limit}-byte limit`);
    }
    return response;
  };
}

/** A read-only store at an http(s) URL, on zarrita's FetchStore and {@link checkedFetch}. */
export function fetchStore(url: string | URL, options: HttpStoreOptions = {}): FetchStore {
  return new FetchStore(url, { fetch: checkedFetch(options) });
}
