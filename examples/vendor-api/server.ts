// Run: KEYWARD_URL=http://localhost:8080 KEYWARD_API_KEY=kw_... npm start -w examples/vendor-api
// Several processes behind one load balancer: give each the same REDIS_URL, so quotas are shared.
import { Redis } from 'ioredis';
import { createVendorApi } from './app.js';

const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL, { lazyConnect: true }) : undefined;
// Connected before serving: the shared quota refuses (fail closed) while Redis is not ready.
await redis?.connect();
const { app } = createVendorApi({
  keywardUrl: process.env.KEYWARD_URL ?? 'http://localhost:8080',
  apiKey: process.env.KEYWARD_API_KEY ?? '',
  failMode: process.env.FAIL_MODE === 'open' ? 'open' : 'closed',
  redis,
  ...(process.env.REQUESTS_PER_HOUR ? { requestsPerHour: Number(process.env.REQUESTS_PER_HOUR) } : {}),
});
app.addHook('onClose', async () => redis?.disconnect());
const url = await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
console.log(`vendor API on ${url} — send X-License-Key`);
