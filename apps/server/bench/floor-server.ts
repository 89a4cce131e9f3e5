// The least an activation can do, for `floor-activation.ts`: a Fastify route that digests the key,
// writes a seat row and its event row in one batched, durable commit (one statement per batch, as
// Keyward's SeatBatcher does) and returns an Ed25519-signed token. No license read or lock, no seat
// count, no usage log, no emergency commitments. FLOOR_SEAT_INDEXES=7 gives the seat table as many
// indexes as Keyward's `activations` has; the default is 2.
import { createHmac, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import Fastify from 'fastify';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: 4, onnotice: () => {} });
const EXTRA_SEAT_INDEXES = [
  '(license, created_at desc, id desc)',
  '(license, created_at desc)',
  '(device)',
  '(license, device, id)',
  '(device, license)',
];
await sql`create table floor_seats (id uuid primary key, license text not null, device text not null,
  created_at timestamptz not null default now())`;
await sql`create index on floor_seats (license, device)`;
for (const columns of EXTRA_SEAT_INDEXES.slice(0, Number(process.env.FLOOR_SEAT_INDEXES ?? 2) - 2))
  await sql.unsafe(`create index on floor_seats ${columns}`);
await sql`create table floor_events (id bigint generated always as identity primary key, account text not null,
  type text not null, subject text, data jsonb not null, row_hash text not null,
  created_at timestamptz not null default now())`;
for (const columns of ['(account, id desc)', '(account, type, id desc)', '(account, subject, id desc)'])
  await sql.unsafe(`create index on floor_events ${columns}`);

interface Waiting {
  seat: [string, string, string];
  resolve: () => void;
  reject: (e: unknown) => void;
}
const queue: Waiting[] = [];
let inFlight = 0;
let scheduled = false;

function schedule() {
  if (scheduled || inFlight >= 2 || queue.length === 0) return;
  scheduled = true;
  setImmediate(async () => {
    scheduled = false;
    const batch = queue.splice(0, 64);
    inFlight++;
    schedule();
    try {
      await sql`
        with seats as (
          insert into floor_seats (id, license, device)
          select * from unnest(${batch.map((w) => w.seat[0])}::uuid[], ${batch.map((w) => w.seat[1])}::text[],
                               ${batch.map((w) => w.seat[2])}::text[])
          returning id, license, device)
        insert into floor_events (account, type, subject, data, row_hash)
        select 'account', 'activation.created', id::text, jsonb_build_object('license', license, 'device', device),
               md5(id::text)
        from seats`;
      for (const w of batch) w.resolve();
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
    inFlight--;
    schedule();
  });
}

const digestKey = randomBytes(32);
const { privateKey } = generateKeyPairSync('ed25519');
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

const app = Fastify({ logger: false });
app.post(
  '/activate',
  {
    schema: {
      body: {
        type: 'object',
        required: ['license_key', 'device_fingerprint'],
        properties: {
          license_key: { type: 'string', maxLength: 200 },
          device_fingerprint: { type: 'string', maxLength: 200 },
          device_info: { type: 'object' },
        },
      },
    },
  },
  async (request) => {
    const body = request.body as {
      license_key: string;
      device_fingerprint: string;
      device_info?: { device_id?: string };
    };
    const license = createHmac('sha256', digestKey).update(body.license_key).digest('hex');
    const device = body.device_info?.device_id ?? body.device_fingerprint;
    const id = randomUUID();
    await new Promise<void>((resolve, reject) => {
      queue.push({ seat: [id, license, device], resolve, reject });
      schedule();
    });
    const input = `${b64({ alg: 'EdDSA', typ: 'JWT' })}.${b64({ sub: id, license, device, iat: Math.floor(Date.now() / 1000) })}`;
    const signature = sign(null, Buffer.from(input), privateKey).toString('base64url');
    return { success: true, activation_id: id, signed_token: `${input}.${signature}` };
  },
);
const address = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
process.on('SIGTERM', () =>
  app
    .close()
    .then(() => sql.end())
    .then(() => process.exit(0)),
);
