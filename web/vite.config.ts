/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is served by `trivium serve` from dist/ (src/webapp): hashed files
// under /assets/ are cached for a year, index.html is revalidated. `npm run dev`
// proxies the API to a server on 127.0.0.1:8080 (scripts/run.sh starts one).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // The server's CSP allows no inline script; Vite never inlines its
    // entry, and assets are always files (no data: URLs for scripts).
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});
