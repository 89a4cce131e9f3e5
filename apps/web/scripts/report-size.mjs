#!/usr/bin/env node
// Prints the gzip size of what each page loads before first paint (the entry script, its
// modulepreloaded chunks and stylesheets referenced by the HTML) and fails above the budget.
// Lazy-loaded route chunks are not counted: they are fetched on navigation.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KIB = 250;
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const ASSET_REF = /<(?:script|link)\b[^>]*?\b(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g;

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const pages = readdirSync(dist).filter((f) => f.endsWith('.html'));
if (pages.length === 0) {
  console.error(`report-size: no HTML pages in ${dist}; run vite build first`);
  process.exit(1);
}

let failed = false;
console.log(`\nInitial load per page (gzip -9, budget ${BUDGET_KIB} KiB):`);
for (const page of pages.sort()) {
  const html = readFileSync(join(dist, page), 'utf8');
  const assets = [...new Set([...html.matchAll(ASSET_REF)].map((m) => m[1]))];
  let js = 0;
  let css = 0;
  for (const asset of assets) {
    const size = gzipSync(readFileSync(join(dist, asset)), { level: 9 }).length;
    if (asset.endsWith('.css')) css += size;
    else js += size;
  }
  const total = js + css;
  const over = total > BUDGET_KIB * 1024;
  failed ||= over;
  console.log(
    `  ${page.padEnd(12)} JS ${kib(js).padStart(10)}  CSS ${kib(css).padStart(9)}  total ${kib(total).padStart(10)}` +
      `  (${assets.length} files)${over ? '  OVER BUDGET' : ''}`,
  );
}
if (failed) {
  console.error(`\nreport-size: initial JS+CSS exceeds ${BUDGET_KIB} KiB gzip`);
  process.exit(1);
}
