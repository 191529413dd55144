/**
 * The fetch every remote read goes through: it counts requests and bytes (shown on the page and
 * checked by the tests) and remembers how the last requests ended, so an error can say what the
 * server answered instead of only what the library concluded.
 */
import type { NetworkStats } from './types.js';

/** How one request ended. */
export interface RequestOutcome {
  /** Position in the log: the n-th request made. */
  readonly sequence: number;
  readonly url: string;
  /** The HTTP status, or undefined when no response came (network error, CORS, abort). */
  readonly status: number | undefined;
  /** The thrown error when no response came. */
  readonly error?: unknown;
}

const KEPT_OUTCOMES = 16;

/** Counts and remembers the requests of one opened file. */
export class RequestLog {
  #requests = 0;
  #bytes = 0;
  readonly #outcomes: RequestOutcome[] = [];

  /** Requests started and bytes received so far. */
  stats(): NetworkStats {
    return { requests: this.#requests, bytes: this.#bytes };
  }

  /** The last few outcomes, oldest first; with `since` (a {@link mark}), only those after it. */
  outcomes(since = 0): readonly RequestOutcome[] {
    return this.#outcomes.filter((o) => o.sequence > since);
  }

  /** A mark to pass to {@link outcomes}: the requests made so far. */
  mark(): number {
    return this.#requests;
  }

  /** A `fetch` that logs; give it to the library wherever it takes one. */
  readonly fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const sequence = ++this.#requests;
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      this.#remember({ sequence, url, status: undefined, error });
      throw error;
    }
    this.#remember({ sequence, url, status: response.status });
    const length = Number(response.headers.get('content-length') ?? 'NaN');
    if (Number.isFinite(length)) this.#bytes += length;
    return response;
  };

  #remember(outcome: RequestOutcome): void {
    this.#outcomes.push(outcome);
    if (this.#outcomes.length > KEPT_OUTCOMES) this.#outcomes.shift();
  }
}
