/** Browser: result memory (an ArrayBuffer, zeroed: there is no other kind). */
import type { UnfilledMemory } from '../contract.js';

export const unfilledMemory: UnfilledMemory = (bytes) => new ArrayBuffer(bytes);
