#!/usr/bin/env node
// The `nwb-convert` executable; everything it does is in main.ts, where tests can call it.
import { exitCleanlyOnSignals } from './interrupt.js';
import { main } from './main.js';

exitCleanlyOnSignals();
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
