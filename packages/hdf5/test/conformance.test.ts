import { afterAll } from 'vitest';
import { describeStorageConformance } from '@nwbjs/core/testing';
import type { StorageWriter } from '@nwbjs/core';
import { join } from 'node:path';
import type { Hdf5Backend } from '../src/index.js';
import { openHdf5 } from '../src/index.js';
import { tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);
let n = 0;

describeStorageConformance('hdf5', {
  create: () => openHdf5(join(dir, `store-${n++}.nwb`), 'w'),
  reopen: (writer: StorageWriter) => openHdf5((writer as Hdf5Backend).location, 'r'),
});
