// Run: KEYWARD_URL=http://localhost:8080 KEYWARD_API_KEY=kw_... npm start -w examples/vendor-api
import { createVendorApi } from './app.js';

const { app } = createVendorApi({
  keywardUrl: process.env.KEYWARD_URL ?? 'http://localhost:8080',
  apiKey: process.env.KEYWARD_API_KEY ?? '',
  failMode: process.env.FAIL_MODE === 'open' ? 'open' : 'closed',
});
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log('vendor API on :3000 — send X-License-Key');
