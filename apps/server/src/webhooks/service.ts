import type { Principal } from '../auth/principal.js';
import type { AppContext } from '../core/context.js';
import { notFound } from '../core/errors.js';
import { encryptAtRest } from '../crypto/master-key.js';
import { insertRow, updateRow } from '../db/patch.js';
import { announceWork } from '../db/work-notices.js';
import { recordEvent } from '../events/record.js';
import * as repo from './repository.js';
import type {
  CreateWebhookEndpointInput,
  ListDeliveriesFilters,
  ListEndpointsFilters,
  UpdateWebhookEndpointInput,
  WebhookEndpointRow,
} from './schemas.js';
import { newWebhookSecret } from './signature.js';
import { parseAllowList, resolveWebhookTarget } from './url-guard.js';

/** During a rotation the previous secret signs too, this long, so receivers can switch without a gap. */
const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** The API shape of an endpoint: never its secrets. */
export function presentEndpoint(row: WebhookEndpointRow, now: Date) {
  const { secret_enc: _s, previous_secret_enc: _p, previous_secret_expires_at, ...rest } = row;
  return {
    ...rest,
    secret_rotating_until:
      previous_secret_expires_at && previous_secret_expires_at > now ? previous_secret_expires_at : null,
  };
}

function event(p: Principal, type: string, id: string, ip: string, data: Record<string, unknown> = {}) {
  return {
    accountId: p.accountId,
    type,
    actor: { type: p.actorType, id: p.actorId },
    subject: { type: 'webhook_endpoint', id },
    ip,
    data,
  };
}

/** The URL must pass the guard now (and passes it again at each delivery). */
async function checkUrl(ctx: AppContext, url: string) {
  await resolveWebhookTarget(url, parseAllowList(ctx.config.webhookAllowedHosts));
}

export async function listEndpoints(ctx: AppContext, accountId: string, f: ListEndpointsFilters) {
  const now = ctx.clock.now();
  return (await repo.listEndpoints(ctx.db.sql, accountId, f)).map((r) => presentEndpoint(r, now));
}

export async function getEndpoint(ctx: AppContext, accountId: string, id: string) {
  const row = await repo.findEndpoint(ctx.db.sql, accountId, id);
  if (!row) throw notFound('Webhook endpoint');
  return presentEndpoint(row, ctx.clock.now());
}

/** Creates an endpoint; the answer carries its signing secret, this once. */
export async function createEndpoint(
  ctx: AppContext,
  p: Principal,
  input: CreateWebhookEndpointInput,
  ip: string,
) {
  await checkUrl(ctx, input.url);
  const secret = newWebhookSecret();
  const row = await ctx.db.tx(async (tx) => {
    const created = await insertRow<WebhookEndpointRow>(
      tx,
      'webhook_endpoints',
      p.accountId,
      { ...input, secret_enc: encryptAtRest(ctx.keyring, secret) },
      [],
    );
    await recordEvent(tx, event(p, 'webhook_endpoint.created', created.id, ip, { url: created.url }));
    return created;
  });
  return { ...presentEndpoint(row, ctx.clock.now()), secret };
}

/** Changes an endpoint; enabling a disabled one clears why it was disabled and its failure streak. */
export async function updateEndpoint(
  ctx: AppContext,
  p: Principal,
  id: string,
  patch: UpdateWebhookEndpointInput,
  ip: string,
) {
  if (patch.url) {
    await getEndpoint(ctx, p.accountId, id); // another account's id is a 404, whatever the URL
    await checkUrl(ctx, patch.url);
  }
  const values: Record<string, unknown> = { ...patch };
  if (patch.enabled === true)
    Object.assign(values, { disabled_at: null, disabled_reason: null, failing_since: null });
  if (patch.enabled === false)
    Object.assign(values, { disabled_at: ctx.clock.now(), disabled_reason: 'Disabled by staff' });
  const row = await ctx.db.tx(async (tx) => {
    const updated = await updateRow<WebhookEndpointRow>(tx, 'webhook_endpoints', p.accountId, id, values, []);
    if (!updated) throw notFound('Webhook endpoint');
    await recordEvent(tx, event(p, 'webhook_endpoint.updated', id, ip, { changed: Object.keys(patch) }));
    return updated;
  });
  return presentEndpoint(row, ctx.clock.now());
}

export async function deleteEndpoint(ctx: AppContext, p: Principal, id: string, ip: string) {
  await ctx.db.tx(async (tx) => {
    if (!(await repo.deleteEndpoint(tx, p.accountId, id))) throw notFound('Webhook endpoint');
    await recordEvent(tx, event(p, 'webhook_endpoint.deleted', id, ip));
  });
}

/** A new secret, shown once; the old one keeps signing (beside it) for 24 hours. */
export async function rotateSecret(ctx: AppContext, p: Principal, id: string, ip: string) {
  const secret = newWebhookSecret();
  const now = ctx.clock.now();
  const row = await ctx.db.tx(async (tx) => {
    const current = await repo.findEndpoint(tx, p.accountId, id, true);
    if (!current) throw notFound('Webhook endpoint');
    const rotated = await repo.setEndpointSecrets(tx, id, {
      secretEnc: encryptAtRest(ctx.keyring, secret),
      previousEnc: current.secret_enc,
      previousExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS),
    });
    await recordEvent(tx, event(p, 'webhook_endpoint.secret_rotated', id, ip));
    return rotated;
  });
  return { ...presentEndpoint(row, now), secret };
}

/** Records a `webhook_endpoint.test` event: the fan-out sends it to this endpoint only. */
export async function sendTestEvent(ctx: AppContext, p: Principal, id: string, ip: string) {
  const endpoint = await getEndpoint(ctx, p.accountId, id);
  await recordEvent(
    ctx.db.sql,
    event(p, 'webhook_endpoint.test', id, ip, { message: 'A test event from Keyward', url: endpoint.url }),
  );
}

export async function listDeliveries(
  ctx: AppContext,
  accountId: string,
  endpointId: string,
  f: ListDeliveriesFilters,
) {
  await getEndpoint(ctx, accountId, endpointId);
  return repo.listDeliveries(ctx.db.sql, accountId, endpointId, f);
}

/** Sends a delivery again now, with its webhook-id (a receiver that saw it may ignore it). */
export async function resendDelivery(ctx: AppContext, p: Principal, endpointId: string, id: string) {
  if (!(await repo.requeueDelivery(ctx.db.sql, p.accountId, endpointId, id)))
    throw notFound('Webhook delivery');
  // An update, which the table's trigger does not announce (migration 0038): the senders hear it here.
  await announceWork(ctx.db.sql, 'webhooks');
}
