import { ERROR_CATALOGUE } from '@keyward/sdk';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The catalogue as JSON: `{ code: { meaning, userMessage, vendorAction } }`. */
export function errorCatalogue() {
  return ERROR_CATALOGUE;
}

/** One page, one section per code (`#CODE`): what `KeywardError.docUrl` points into. */
export function errorCataloguePage(): string {
  const sections = Object.entries(ERROR_CATALOGUE)
    .map(
      ([code, e]) => `<section id="${code}">
  <h2><code>${code}</code></h2>
  <p>${escapeHtml(e.meaning)}</p>
  <dl><dt>Your user sees</dt><dd>${escapeHtml(e.userMessage)}</dd><dt>What to do</dt><dd>${escapeHtml(e.vendorAction)}</dd></dl>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keyward error codes</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#18181b}
section{border-top:1px solid #e4e4e7;padding:.5rem 0}section:target{background:#fef9c3}dt{font-weight:600}
h2{font-size:1.05rem;margin:.6rem 0 .2rem}dd{margin:0 0 .4rem}</style></head>
<body><h1>Error codes</h1>
<p>Every code <code>@keyward/sdk</code> raises (<code>err.code</code>), what it means, the sentence your
app can show (<code>err.userMessage</code>) and what to do about it. <a href="errors.json">As JSON</a>.</p>
${sections}
</body></html>`;
}
