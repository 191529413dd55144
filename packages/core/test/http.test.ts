/** The redirect policy every remote backend follows. */
import { describe, expect, it } from 'vitest';
import { isRedirectAllowed } from '../src/storage/http.js';

const allowed = (from: string, to: string) => isRedirectAllowed(new URL(from), new URL(to));

describe('isRedirectAllowed', () => {
  it('follows the same origin, and HTTPS elsewhere on its default port', () => {
    expect(allowed('http://127.0.0.1:8000/a.nwb', 'http://127.0.0.1:8000/b.nwb')).toBe(true);
    expect(allowed('https://api.dandiarchive.org/x', 'https://dandiarchive.s3.amazonaws.com/blobs/1')).toBe(
      true,
    );
    expect(allowed('http://example.org/x', 'https://example.org/x')).toBe(true);
  });

  it('refuses other ports, plain HTTP elsewhere, downgrades and other schemes', () => {
    expect(allowed('http://127.0.0.1:8000/a', 'http://127.0.0.1:22/')).toBe(false);
    expect(allowed('https://example.org/a', 'https://example.org:8443/a')).toBe(false);
    expect(allowed('https://example.org/a', 'http://example.org/a')).toBe(false);
    expect(allowed('http://example.org/a', 'http://169.254.169.254/latest/meta-data')).toBe(false);
    expect(allowed('http://example.org/a', 'file:///etc/passwd')).toBe(false);
    expect(allowed('http://example.org/a', 'data:text/plain,hi')).toBe(false);
  });
});
