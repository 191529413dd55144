import { describeStorageConformance } from '../src/testing/index.js';
import { MemoryBackend, MemoryVolume } from './memory-backend.js';

const volume = new MemoryVolume();
let counter = 0;

describeStorageConformance('memory', {
  create: async () => MemoryBackend.create(volume, `store-${counter++}`),
  reopen: async (writer) => MemoryBackend.open(volume, writer.location),
});

// The same suite where the backend lacks most features, so the capability-dependent branches run.
describeStorageConformance('memory (minimal capabilities)', {
  create: async () =>
    MemoryBackend.create(volume, `minimal-${counter++}`, 'w-', {
      capabilities: { compression: [], shuffle: false, externalLinks: false, compound: false },
    }),
  reopen: async (writer) => MemoryBackend.open(volume, writer.location),
});
