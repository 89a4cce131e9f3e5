import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';

/** ReDoc's standalone bundle, served from node_modules: no CDN (self-hosted installs may have no internet). */
export const REDOC_BUNDLE = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');

export const redocBundle = () => createReadStream(REDOC_BUNDLE);

/**
 * The page's own CSP: ReDoc styles with injected <style> tags (styled-components), searches in a blob:
 * worker and shows data: images; scripts still come only from this origin, so no inline script.
 */
export const REDOC_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** The page: ReDoc's custom element reads the spec itself, so the page needs no inline script. */
export const REDOC_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keyward API reference</title>
</head>
<body style="margin:0">
<redoc spec-url="/openapi.json"></redoc>
<script src="/redoc/redoc.standalone.js"></script>
</body>
</html>
`;
