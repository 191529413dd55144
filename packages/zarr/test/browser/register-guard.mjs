/** `node --import` entry of the browser test: installs guard-node-builtins.mjs before the program loads. */
import { register } from 'node:module';

register('./guard-node-builtins.mjs', import.meta.url);
