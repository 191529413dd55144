/**
 * Stores over HTTP(S): zarrita's FetchStore (`get` is one GET, `getRange` one Range request, 404 is
 * absent) on a fetch that checks every response first. This is the one place where what comes back
 * from a server is checked before anything reads it (its size, its status) and where a failed request
 * is put in words a user can act on (refused, no such host, timed out). FetchStore is imported from its
 * own entry: `@zarrita/storage`'s main entry also loads its file-system store, which needs node:fs.
 */
import FetchStore from '@zarrita/storage/fetch';
import type { ZarrStore } from './store.js';

/** Options of the stores opened from an http(s) URL. */
export interface HttpStoreOptions {
  /** A fetch to use instead of the global one (auth, presigning, counting). */
  fetch?: (request: Request) => Promise<Response>;
  /** Largest response accepted, in bytes (default 1 GiB). */
  maxResponseBytes?: number;
  /**
   * How long a request may wait for the server to start answering (its status and headers), in
   * milliseconds (default 30 000). A body that then streams slowly is not cut off.
   */
  timeoutMs?: number;
}

/** Default of {@link HttpStoreOptions.timeoutMs}. */
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

/**
 * A request that failed: `reason` is what went wrong in a few words (`connection refused by
 * example.org:443`, `HTTP 500 Internal Server Error`), the message is the URL and the reason, and
 * `cause` keeps what fetch threw.
 */
export class HttpRequestError extends Error {
  override readonly name = 'HttpRequestError';
  /** The HTTP status when the server answered, else undefined. */
  readonly status: number | undefined;

  constructor(
    readonly url: string,
    readonly reason: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(`${url}: ${reason}`, { cause: options.cause });
    this.status = options.status;
  }
}

/**
 * A fetch that gives up on a server that does not start answering within `timeoutMs`, says why a
 * request failed, refuses statuses other than 200, 206 and 404 (absent), and refuses responses larger
 * than `maxResponseBytes` before their body is read.
 */
export function checkedFetch(options: HttpStoreOptions = {}): (request: Request) => Promise<Response> {
  const limit = options.maxResponseBytes ?? 1 << 30;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const base = options.fetch ?? ((request: Request) => fetch(request));
  return async (request) => {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(new TimedOut(timeoutMs)), timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timer.signal]) : timer.signal;
    let response: Response;
    try {
      response = await base(new Request(request, { signal }));
    } catch (cause) {
      // The caller's own abort is theirs to recognise: pass it on as it is.
      if (request.signal?.aborted) throw cause;
      throw new HttpRequestError(request.url, describeFetchFailure(cause, request.url), { cause });
    } finally {
      clearTimeout(timeout);
    }
    const { status } = response;
    if (status !== 200 && status !== 206 && status !== 404) {
      await response.body?.cancel();
      const reason = `HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
      throw new HttpRequestError(request.url, reason, { status });
    }
    const length = Number(response.headers.get('content-length') ?? '0');
    if (length > limit) {
      await response.body?.cancel();
      throw new HttpRequestError(request.url, `response of ${length} bytes exceeds the ${limit}-byte limit`, {
        status,
      });
    }
    return response;
  };
}

/** The abort reason of a request that waited longer than its timeout. */
class TimedOut extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly ms: number) {
    super(`no answer within ${ms / 1000} s`);
  }
}

/** The error codes of Node's fetch (undici) and the system, in words. */
const REASONS: Record<string, (host: string) => string> = {
  ECONNREFUSED: (host) => `connection refused by ${host}`,
  ENOTFOUND: (host) => `no such host (DNS lookup of ${hostname(host)} failed)`,
  EAI_AGAIN: (host) => `DNS lookup of ${hostname(host)} failed (try again later)`,
  ETIMEDOUT: (host) => `connection to ${host} timed out`,
  UND_ERR_CONNECT_TIMEOUT: (host) => `connection to ${host} timed out`,
  UND_ERR_HEADERS_TIMEOUT: (host) => `${host} did not answer in time (timed out)`,
  ECONNRESET: (host) => `connection reset by ${host}`,
  UND_ERR_SOCKET: (host) => `connection to ${host} closed before the answer`,
  EHOSTUNREACH: (host) => `host ${hostname(host)} unreachable`,
  ENETUNREACH: (host) => `network unreachable (to ${host})`,
};

function hostname(host: string): string {
  return host.replace(/:\d+$/, '');
}

/** Why fetch threw, in a few words; falls back on the innermost message. */
export function describeFetchFailure(error: unknown, url: string): string {
  if (error instanceof TimedOut) return `${error.message} (timed out)`;
  let host = url;
  try {
    const parsed = new URL(url);
    host = parsed.port ? parsed.host : `${parsed.hostname}:${parsed.protocol === 'https:' ? 443 : 80}`;
  } catch {
    // Keep the URL as it is.
  }
  // fetch wraps the system's error in `TypeError: fetch failed`; the code is on a cause.
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in REASONS) return REASONS[code]!(host);
    if (typeof code === 'string' && /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code))
      return `TLS: ${e.message}`;
    if (e.cause === undefined) return e.message;
  }
  return String(error);
}

/**
 * A read-only store at an http(s) URL, on zarrita's FetchStore and {@link checkedFetch}. Typed as
 * the package's own store type, so that the published types do not name `@zarrita/storage/fetch`,
 * a subpath that `moduleResolution: node10` cannot resolve.
 */
export function fetchStore(url: string | URL, options: HttpStoreOptions = {}): ZarrStore {
  return new FetchStore(url, { fetch: checkedFetch(options) });
}
