/**
 * Node: result memory that is not zeroed. Zeroing a read's result costs about as much as copying
 * chunks from the page cache into it, and every byte of such a result is written anyway.
 */
import type { UnfilledMemory } from '../contract.js';

export const unfilledMemory: UnfilledMemory = (bytes) => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
