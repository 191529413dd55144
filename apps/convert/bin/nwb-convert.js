#!/usr/bin/env node
// Committed (not built) so that `npm ci` can link `nwb-convert` before the first build; the CLI
// itself is compiled to dist/ by `npm run build`.
import '../dist/cli.js';
