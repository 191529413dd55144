// @ts-check
/**
 * `npm run viewer` ends here: serves the built viewer, and a folder of NWB files to try it on
 * (the repo's fixtures by default) under /data/, listed on the start page.
 *
 *   node scripts/serve.mjs [--port 4173] [--host 127.0.0.1] [--data DIR | --no-data]
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startStaticServer } from './static-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const app = resolve(here, '../dist');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4173' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: resolve(here, '../../../fixtures') },
    'no-data': { type: 'boolean', default: false },
  },
});

if (!existsSync(resolve(app, 'index.html'))) {
  console.error(
    `serve: ${app} has no build; run npm run build in apps/viewer (or npm run viewer at the root)`,
  );
  process.exit(1);
}
/** @type {import('./static-server.mjs').Mount[]} */
const mounts = [{ prefix: '/', dir: app, cors: false, app: true }];
const data = values['no-data'] ? undefined : resolve(values.data);
if (data !== undefined && existsSync(data))
  mounts.push({ prefix: '/data/', dir: data, cors: true, index: true });

const server = await startStaticServer({ mounts, port: Number(values.port), host: values.host });
console.log(`NWB viewer: ${server.url}`);
if (data !== undefined && existsSync(data)) console.log(`  examples: ${data} at ${server.url}data/`);
console.log('  Ctrl-C stops it.');
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
