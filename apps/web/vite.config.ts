import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { type Connect, defineConfig, type Plugin } from 'vite';

const page = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The same path → page mapping the server applies, so `vite dev` and `vite preview` answer /admin/* too. */
function spaFallback(): Plugin {
  const rewrite: Connect.NextHandleFunction = (req, _res, next) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    for (const app of ['admin', 'portal']) {
      if (path === `/${app}` || path.startsWith(`/${app}/`)) req.url = `/${app}.html`;
    }
    next();
  };
  return {
    name: 'keyward-spa-fallback',
    configureServer: (server) => void server.middlewares.use(rewrite),
    configurePreviewServer: (server) => void server.middlewares.use(rewrite),
  };
}

/**
 * Two single-page apps from one build: the staff dashboard (admin.html, served at /admin/*) and the
 * public customer portal (portal.html, served at /portal/*). Both load hashed assets from /assets/,
 * which the server serves as immutable files.
 */
export default defineConfig({
  base: '/',
  plugins: [react(), tailwindcss(), spaFallback()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: { admin: page('admin.html'), portal: page('portal.html') },
    },
  },
  server: {
    port: 5173,
    // `npm run dev` against a local server: API calls go to Keyward on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  preview: { port: 4173 },
});
