/** lookup3 against the test vectors of Bob Jenkins' lookup3.c driver. */
import { describe, expect, it } from 'vitest';
import { lookup3 } from '../../src/format/lookup3.js';

describe('lookup3 hashlittle', () => {
  const text = new TextEncoder().encode('Four score and seven years ago');
  it('matches the reference values', () => {
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(text, 0)).toBe(0x17770551);
    expect(lookup3(text, 1)).toBe(0xcd628161);
  });
});
