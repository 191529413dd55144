/**
 * Requests to an HTTP(S) server, as every remote backend makes them: one timeout rule, one redirect
 * policy, and failures in words a user can act on (refused, no such host, timed out, HTTP 500). The
 * Zarr stores and the HDF5 range reader both go through {@link fetchChecked}, so a remote file is
 * judged the same way whatever its format.
 */

/** How long a request may wait for the server to start answering, by default (ms). */
export const DEFAULT_HTTP_TIMEOUT_MS = 30_000;

/** Redirects followed for one request, at most. */
const MAX_REDIRECTS = 10;

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
    /** The URL asked for. */
    readonly url: string,
    /** What went wrong, in a few words. */
    readonly reason: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(`${url}: ${reason}`, { cause: options.cause });
    this.status = options.status;
  }
}

/** How {@link fetchChecked} makes a request. */
export interface CheckedFetchOptions {
  /** A fetch to use instead of the global one (auth, presigning, counting). */
  fetch?: (request: Request) => Promise<Response>;
  /**
   * How long the server may take to start answering (status and headers), in milliseconds (default
   * {@link DEFAULT_HTTP_TIMEOUT_MS}). A body that then streams slowly is not cut off.
   */
  timeoutMs?: number;
}

/**
 * Whether a redirect from `from` to `to` is followed: to the same origin, or to another host over
 * HTTPS on its default port (as DANDI's API sends downloads to S3). Anything else, such as another
 * port of the same host, plain HTTP elsewhere, `file:` or `data:`, is refused: a server must not
 * be able to turn a read into a request to a local service or a read of a local file.
 */
export function isRedirectAllowed(from: URL, to: URL): boolean {
  if (to.origin === from.origin && (to.protocol === 'http:' || to.protocol === 'https:')) return true;
  return to.protocol === 'https:' && to.port === '';
}

/**
 * Makes `request`, following redirects by {@link isRedirectAllowed}; gives up on a server that does
 * not start answering within the timeout. Throws {@link HttpRequestError} for a request that failed
 * (connection, timeout, refused redirect); the caller's own abort is rethrown as it came. Returns the
 * response whatever its status (the caller decides what a 404 means); `response.url` is where the
 * answer came from, after redirects.
 */
export async function fetchChecked(request: Request, options: CheckedFetchOptions = {}): Promise<Response> {
  const base = options.fetch ?? ((r: Request) => fetch(r));
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  let current = request;
  for (let hop = 0; ; hop++) {
    const response = await fetchOnce(base, new Request(current, { redirect: 'manual' }), timeoutMs);
    // A browser hides a manual redirect's target (an opaque answer): let it follow, then judge where it went.
    if (response.type === 'opaqueredirect') {
      const followed = await fetchOnce(base, new Request(current, { redirect: 'follow' }), timeoutMs);
      const landed = followed.url || current.url;
      if (!isRedirectAllowed(new URL(current.url), new URL(landed))) {
        await followed.body?.cancel();
        throw new HttpRequestError(request.url, `redirected to ${landed}, which is refused (another origin)`);
      }
      return followed;
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    await response.body?.cancel();
    let target: URL;
    try {
      target = new URL(location, current.url);
    } catch (cause) {
      throw new HttpRequestError(request.url, `redirected to an invalid URL (${location})`, { cause });
    }
    if (!isRedirectAllowed(new URL(current.url), target)) {
      throw new HttpRequestError(
        request.url,
        `redirected to ${target.href}, which is refused (only the same origin, or HTTPS on its default port)`,
        { status: response.status },
      );
    }
    if (hop >= MAX_REDIRECTS) throw new HttpRequestError(request.url, `more than ${MAX_REDIRECTS} redirects`);
    const headers = new Headers(current.headers);
    // Credentials meant for one origin are not handed to another (as browsers do).
    if (target.origin !== new URL(current.url).origin) headers.delete('authorization');
    current = new Request(target.href, { method: current.method, headers, signal: current.signal });
  }
}

/**
 * One request with a timeout on the answer's start, failures in words. The answer is raced against
 * the abort itself, so a fetch that lets the abort slip by cannot hold the caller: Node's fetch
 * (undici) follows a Request's signal through a weak reference to the AbortController of the
 * Request it was copied from, and once the garbage collector has taken that copy, aborting no
 * longer reaches the request on the wire (a timed-out request then hung forever under memory
 * pressure). Keeping `sent` alive until the end fixes that path; the race covers custom fetches too.
 */
async function fetchOnce(
  base: (request: Request) => Promise<Response>,
  request: Request,
  timeoutMs: number,
): Promise<Response> {
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new TimedOut(timeoutMs)), timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timer.signal]) : timer.signal;
  const sent = new Request(request, { signal });
  let onAbort: (() => void) | undefined;
  const abandoned = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  let answer: Promise<Response> | undefined;
  try {
    // Inside the try: a custom fetch that throws instead of rejecting fails in words too.
    answer = base(sent);
    return await Promise.race([answer, abandoned]);
  } catch (cause) {
    // An answer that comes after all is nobody's: close it, and keep its failure quiet.
    answer
      ?.then(
        (late) => late.body?.cancel(),
        () => undefined,
      )
      .catch(() => undefined);
    // The caller's own abort is theirs to recognise: pass it on as it is.
    if (request.signal?.aborted) throw cause;
    throw new HttpRequestError(request.url, describeFetchFailure(cause, request.url), { cause });
  } finally {
    clearTimeout(timeout);
    signal.removeEventListener('abort', onAbort!);
    // Read after the answer so that `sent` (and the AbortController its copies follow) outlives it.
    void sent.signal;
  }
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

/** Why fetch (or reading a body) threw, in a few words; falls back on the innermost message. */
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
    if (e instanceof TimedOut) return `${e.message} (timed out)`;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in REASONS) return REASONS[code]!(host);
    if (typeof code === 'string' && /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code))
      return `TLS: ${e.message}`;
    if (e.cause === undefined) return e.message;
  }
  return String(error);
}
