/**
 * A read-only store over HTTP(S), on @zarrita/storage's FetchStore and the global fetch (in Node
 * and in the browser): one GET per key, 404 meaning absent. Responses larger than a limit are
 * refused before their body is read. FetchStore is imported from its own entry: the package's main
 * entry also loads its file-system store, which needs node:fs.
 */
import FetchStore from '@zarrita/storage/fetch';
import type { ZarrStore } from './store.js';

/** Options of {@link HttpStore}. */
export interface HttpStoreOptions {
  /** A fetch to use instead of the global one (auth, presigning, counting). */
  fetch?: (request: Request) => Promise<Response>;
  /** Largest response accepted, in bytes (default 1 GiB). */
  maxResponseBytes?: number;
}

/** Reads a store at an http(s) URL. */
export class HttpStore implements ZarrStore {
  readonly local = false;
  /** FetchStore returns each response body in a new buffer. */
  readonly freshValues = true;
  readonly #store: FetchStore;

  constructor(
    readonly location: string,
    options: HttpStoreOptions = {},
  ) {
    const limit = options.maxResponseBytes ?? 1 << 30;
    const base = options.fetch ?? ((request: Request) => fetch(request));
    this.#store = new FetchStore(location, {
      fetch: async (request) => {
        const response = await base(request);
        const length = Number(response.headers.get('content-length') ?? '0');
        if (length > limit) {
          await response.body?.cancel();
          throw new Error(`${request.url}: response of ${length} bytes exceeds the ${limit}-byte limit`);
        }
        return response;
      },
    });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.#store.get(`/${key}`);
  }
}
