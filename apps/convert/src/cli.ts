#!/usr/bin/env node
// The `nwb-convert` executable; everything it does is in main.ts, where tests can call it.
import { main } from './main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
