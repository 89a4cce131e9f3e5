// The baseline: a bare Fastify POST route with a validated JSON body, started the same way as Keyward
// (a separate Node process through tsx), so the ratio isolates Keyward's own work.
import Fastify from 'fastify';
import { VALIDATE_BODY_SCHEMA } from './validate-body.js';

const app = Fastify({ logger: false });
app.post(
  '/echo',
  {
    schema: {
      body: VALIDATE_BODY_SCHEMA,
    },
  },
  async (request) => ({ ok: true, device_id: (request.body as { device_id: string }).device_id }),
);
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
