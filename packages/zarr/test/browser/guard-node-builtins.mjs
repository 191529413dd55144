/**
 * Module resolve hook of the browser test: any import of a Node built-in (`node:fs`, `fs`,
 * `fs/promises`, `worker_threads`, ...) fails, as it would in a browser bundle. Registered by
 * register-guard.mjs through `node --import`.
 */
import { builtinModules } from 'node:module';

const builtins = new Set(builtinModules);

function isBuiltin(specifier) {
  return specifier.startsWith('node:') || builtins.has(specifier) || builtins.has(specifier.split('/')[0]);
}

export async function resolve(specifier, context, nextResolve) {
  if (isBuiltin(specifier)) {
    throw new Error(
      `browser bundle imports the Node built-in ${JSON.stringify(specifier)} from ${context.parentURL ?? 'the entry point'}`,
    );
  }
  return nextResolve(specifier, context);
}
