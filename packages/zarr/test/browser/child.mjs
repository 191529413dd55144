/**
 * The browser-mode program of test/browser.test.ts, run as
 * `node --conditions=browser --import ./register-guard.mjs child.mjs BASE_URL`: the package
 * resolves to its browser build, any import of a Node built-in throws, and the Node-only globals
 * `process` and `Buffer` are hidden from module code. It writes and reads a Map store, reads stores over
 * HTTP from BASE_URL (`fixture/` and `node/`), and prints one JSON report on stdout.
 */
/* global console, btoa, crypto */
const base = globalThis.process.argv[2];

/**
 * Hides a Node global from user-land code: module code (file: URLs) sees `undefined`, as in a
 * browser, while Node's own internals (its fetch, its streams) keep their global.
 */
function hideFromModules(name) {
  const value = globalThis[name];
  Object.defineProperty(globalThis, name, {
    configurable: true,
    get() {
      const caller = new Error().stack.split('\n')[2] ?? '';
      return caller.includes('file://') ? undefined : value;
    },
  });
}
hideFromModules('process');
hideFromModules('Buffer');

const report = {};

// The guard itself must be active, or the rest proves nothing.
report.guard = await import('node:fs').then(
  () => ({ blocked: false }),
  (error) => ({ blocked: true, message: String(error.message) }),
);

const { NWBZarrIO, openZarr, setCodecWorkers } = await import('@nwbjs/zarr');
const { isDatasetHandle } = await import('@nwbjs/core');
const { wholeHyperslab } = await import('@nwbjs/core/backend');
const { SERIES, holdsExpectedFrames, sampleFile } = await import('./sample-file.mjs');

/** For every series of the sample file: whether it decodes to the expected frames, and its compression. */
async function checkSeries(reader) {
  const out = {};
  for (const name of Object.keys(SERIES)) {
    const at = `/acquisition/${name}/data`;
    const info = await reader.stat(at);
    const data = await reader.readData(at, wholeHyperslab(info.shape));
    out[name] = { equal: holdsExpectedFrames(data), compression: info.compression ?? null };
  }
  return out;
}

function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function errorReport(error) {
  return { tag: error._tag ?? error.name, feature: error.feature, message: String(error.message) };
}

// A path string: no directories in the browser.
await openZarr('data/movie.nwb.zarr', 'w').then(
  () => (report.directory = { refused: false }),
  (error) => (report.directory = { refused: true, ...errorReport(error) }),
);
await new NWBZarrIO('data/movie.nwb.zarr').read().then(
  () => (report.directoryRead = { refused: false }),
  (error) => (report.directoryRead = { refused: true, ...errorReport(error) }),
);

// Accepted for API compatibility; coding stays in-thread.
await setCodecWorkers(2);

// Write an NWB file into a Map (gzip on CompressionStream, Blosc/Zstd/LZ4 on numcodecs WASM).
const store = new Map();
const writer = new NWBZarrIO(store, 'w');
await writer.write(sampleFile('browser-written'));
await writer.close();

// Read it back through the storage API and through core's model.
const reader = await openZarr(store);
report.roundTrip = await checkSeries(reader);
await reader.close();
const io = new NWBZarrIO(store);
const file = await io.read();
const gzipped = file.acquisition.get('gzipped').data;
report.model = {
  identifier: file.identifier,
  acquisition: file.acquisition.names().sort(),
  gzippedFrames: isDatasetHandle(gzipped) && holdsExpectedFrames(await gzipped.read()),
};
await io.close();

// A store of the caller's (zarrita's contract: absolute keys) that cannot list itself: opened
// through its .zmetadata.
const keysAsked = [];
const custom = {
  get: async (key) => {
    keysAsked.push(key);
    return store.get(key.slice(1));
  },
};
const customReader = await openZarr(custom);
report.customStore = { series: await checkSeries(customReader), firstKey: keysAsked[0] };
await customReader.close();

// Over HTTP with the global fetch: a zarr-python fixture (gzip and Blosc), and a store the Node
// build wrote.
const fixture = await openZarr(`${base}fixture/`);
const at = '/acquisition/CompressedSeries/data';
const info = await fixture.stat(at);
const frames = await fixture.readData(at, wholeHyperslab(info.shape));
const bytes = new Uint8Array(frames.data.buffer, frames.data.byteOffset, frames.data.byteLength);
const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
report.fixtureOverHttp = {
  shape: info.shape,
  compression: info.compression,
  sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
};
await fixture.close();

const nodeWritten = await openZarr(`${base}node/`);
report.nodeOverHttp = await checkSeries(nodeWritten);
await nodeWritten.close();

report.entries = [...store].map(([key, value]) => [key, toBase64(value)]);
console.log(JSON.stringify(report));
