/** The browser: no file system; reference files come as URLs, text or objects. */
import type { Platform } from './types.js';

export const platform: Platform = { files: undefined };
