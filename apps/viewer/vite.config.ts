import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Relative asset paths: the built folder works from any URL path (a subfolder, a file server).
export default defineConfig({
  base: './',
  plugins: [react()],
  build: {
    target: 'es2022',
    // h5wasm's browser build embeds its WASM in one ~3 MB module, loaded only for HDF5 files.
    chunkSizeWarningLimit: 4096,
  },
});
