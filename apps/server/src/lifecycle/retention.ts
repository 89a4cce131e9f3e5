import type { AppContext } from '../core/context.js';
import { backgroundPacer } from '../core/pacer.js';
import { pruneEmails } from '../mail/repository.js';
import { pruneDeliveries } from '../webhooks/repository.js';
import { archiveEndedSeats, pruneUsageEvents, RETENTION_BATCH } from './repository.js';

const DAY = 86_400_000;
/** Seats that ended this long ago leave the live table for activations_archive. */
export const SEAT_ARCHIVE_DAYS = 90;
/** A webhook delivery's or an email's log entry is kept this long once it is done. */
export const DELIVERY_LOG_DAYS = 30;

/**
 * Keeps the growing tables to what is used: usage-log rows older than the retention setting are deleted
 * (the time series read their hourly sums, which stay), and seats that ended more than 90 days ago move
 * to activations_archive, and webhook deliveries and emails done more than 30 days ago leave their logs.
 * The event log is never touched. In batches, safe to run again.
 */
export async function runRetention(ctx: AppContext, accountId: string | null = null) {
  const now = ctx.clock.now().getTime();
  const usageBefore = new Date(now - ctx.config.usageRetentionDays * DAY);
  const seatsBefore = new Date(now - SEAT_ARCHIVE_DAYS * DAY);
  const pacer = backgroundPacer();
  let usageRows = 0;
  let seats = 0;
  for (let n = RETENTION_BATCH; n === RETENTION_BATCH; usageRows += n)
    n = await pacer.run(() => pruneUsageEvents(ctx.db.sql, usageBefore, accountId));
  for (let n = RETENTION_BATCH; n === RETENTION_BATCH; seats += n)
    n = await pacer.run(() => archiveEndedSeats(ctx.db.sql, seatsBefore, accountId));
  const deliveriesBefore = new Date(now - DELIVERY_LOG_DAYS * DAY);
  let deliveries = 0;
  for (let n = RETENTION_BATCH; n === RETENTION_BATCH; deliveries += n)
    n = await pacer.run(() => pruneDeliveries(ctx.db.sql, deliveriesBefore, accountId, RETENTION_BATCH));
  let emails = 0;
  for (let n = RETENTION_BATCH; n === RETENTION_BATCH; emails += n)
    n = await pacer.run(() => pruneEmails(ctx.db.sql, deliveriesBefore, accountId, RETENTION_BATCH));
  return {
    usage_rows_deleted: usageRows,
    seats_archived: seats,
    deliveries_deleted: deliveries,
    emails_deleted: emails,
  };
}
