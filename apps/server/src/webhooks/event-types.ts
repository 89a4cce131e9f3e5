/**
 * Every event type of the audit log, each deliverable by webhook: what it means. The OpenAPI document
 * lists them under `webhooks` (OpenAPI 3.1) with the envelope and an example; docs/webhooks.md links
 * there. `event-types.test.ts` checks that every type the code records is here.
 */
export const EVENT_TYPES: Record<string, string> = {
  'account.created': 'An account was created (first start, `keyward accounts create` or the accounts API)',
  'account.disabled': "The server's operator disabled the account: its staff and API keys are refused",
  'account.enabled': "The server's operator enabled the account again",
  'account.branding_updated': "The account's email branding changed",
  'account.email_settings_updated': 'The account turned an email on or off (Settings → Email)',
  'activation.created': 'A device took a seat of a license',
  'activation.deactivated': 'A seat was released (by the device, staff, or a lapsed lease)',
  'activation.blocked': 'An activation was refused because the device is blocked',
  'activation.fingerprint_mismatch': "A device's hardware no longer matches its seat",
  'api_key.created': 'An API key was created',
  'api_key.revoked': 'An API key was revoked (and the keys it made)',
  'auth.login_failed': 'A staff sign-in failed',
  'auth.login_succeeded': 'A staff member signed in',
  'auth.refresh_reuse_detected': 'A used refresh token came back: the session was ended',
  'compliance.violation_raised':
    'A compliance detector found new evidence (over-deployment, use after expiry, key sharing, tampering): a violation',
  'compliance.violation_acknowledged': 'Staff acknowledged a compliance violation',
  'compliance.violation_resolved':
    'A compliance violation was resolved or marked a false positive (`details.to_status`); its evidence is not raised again',
  'compliance.violation_reopened': 'A resolved or dismissed compliance violation was reopened',
  'compliance.audit_completed': 'A compliance audit ran (the daily scan, or on demand) and kept its findings',
  'compliance.customer_notified': "Staff emailed a violation's customer a compliance notice",
  'customer.created': 'A customer was created',
  'customer.updated': 'A customer was changed',
  'customer.signed_in': 'A customer signed in to the portal with an emailed link',
  'customer.signed_out': 'A customer signed out of the portal',
  'device_block.created': 'A device was blocked',
  'device_block.deleted': 'A device block was lifted',
  'emergency_code.issued': 'An emergency offline code was issued',
  'emergency_code.redeemed': 'An emergency offline code was used',
  'license.created': 'A license was issued',
  'license.updated': "A license's fields were changed",
  'license.activated': 'A pending license was activated',
  'license.term_started': "A term that starts on first use started (the license's expiry is now set)",
  'license.suspended': 'A license was suspended (by staff, or by its subscription)',
  'license.reinstated': 'A suspended license works again',
  'license.revoked': 'A license was revoked (final; its seats freed)',
  'license.renewed': "A license's expiry moved on (a renewal, or its subscription's new period)",
  'license.extended': 'A license was kept working while its subscription is past due',
  'license.expiring': 'A license ends in 30, 7 or 1 days (`details.days_before`)',
  'license.trial_ending': 'A trial ends in 3 or 1 days',
  'license.grace_started': 'A license passed its end and is in its grace period',
  'license.expired': 'A license expired (its grace ended, or its subscription ended)',
  'license.trial_ended': 'A trial or evaluation ended',
  'license.plan_changed': 'A license moved to another plan or seat count (`over_limit_by` after a downgrade)',
  'license.transferred': 'A license moved to another customer',
  'license.key_regenerated': 'A license got a new key; the old one stopped working',
  'license.overage': 'A license went over its seat limit within the overage its policy allows',
  'license.user_assigned': 'A named user was given a seat',
  'license.user_unassigned': 'A named user lost their seat',
  'license_file.issued': 'An offline license file was issued',
  'plan.created': 'A plan was created',
  'plan.updated': 'A plan was changed',
  'plan.duplicated': 'A plan was copied',
  'plan.archived': 'A plan was archived',
  'product.created': 'A product was created',
  'product.updated': 'A product was changed',
  'product.archived': 'A product was archived',
  'product.token_settings_changed': "A product's token signing settings changed",
  'security.suspicious_activity': 'An app reported tampering, or the server saw a piracy signal',
  'signing_key.created': 'A signing key was created',
  'signing_key.rotated': 'A new signing key took over; the old one verifies until its overlap ends',
  'signing_key.retired': 'A signing key past its overlap was retired',
  'subscription.created': 'A subscription was created (and its license issued)',
  'subscription.updated': "A subscription's fields were changed",
  'subscription.plan_changed': "A subscription's plan or quantity changed (its licenses moved)",
  'subscription.renewed': 'A subscription period was paid: the next one began',
  'subscription.trial_converted': 'A trial became a paid subscription',
  'subscription.past_due': 'A payment failed: the dunning window started (`details.dunning_ends_at`)',
  'subscription.suspended': 'A subscription and its licenses were suspended',
  'subscription.canceled':
    'A subscription was canceled, now or at the end of its period (`details.at_period_end`)',
  'subscription.reactivated': 'A canceled, suspended or expired subscription came back',
  'subscription.expired': 'A subscription ended (with its licenses)',
  'subscription.trial_ended': 'A trial ended without being converted',
  'payment.flagged_for_review':
    'A Stripe payment was refunded in full or disputed: what it paid for was suspended for staff to review',
  'order.created': 'A draft order was created',
  'order.updated': 'A draft order changed (lines, discount, tax, notes)',
  'order.submitted': 'An order was submitted and waits for approval',
  'order.approved': 'An order was approved (or needed no approval when submitted)',
  'order.paid': 'An order was paid (its receipt is emailed)',
  'order.fulfilled': 'A paid order issued its licenses',
  'order.cancelled': 'An unpaid order was cancelled',
  'order.refunded': 'An order was refunded; the licenses it issued were suspended',
  'user.created': 'A staff user was added',
  'user.updated': "A staff user's role or details changed",
  'user.deleted': 'A staff user was removed',
  'user.invited': 'A staff user was invited by email (or sent a new invitation link)',
  'user.invitation_accepted': 'An invited staff user chose their password and signed in',
  'user.password_reset_requested': 'A staff user asked for a password reset link',
  'user.password_reset': 'A staff user set a new password with a reset link (their sessions ended)',
  'webhook_endpoint.created': 'A webhook endpoint was added',
  'webhook_endpoint.updated': 'A webhook endpoint was changed',
  'webhook_endpoint.deleted': 'A webhook endpoint was deleted',
  'webhook_endpoint.secret_rotated': "A webhook endpoint's signing secret was rotated",
  'webhook_endpoint.disabled': 'A webhook endpoint was disabled (410 Gone, or 5 days of failures)',
  'webhook_endpoint.test': 'A test event, sent to one endpoint on request',
};

/** The body of every delivery, as JSON Schema. */
const ENVELOPE = {
  type: 'object',
  required: ['type', 'timestamp', 'data'],
  properties: {
    type: { type: 'string', description: 'The event type' },
    timestamp: { type: 'string', format: 'date-time', description: 'When the event was recorded' },
    data: {
      type: 'object',
      properties: {
        event_id: { type: 'string', description: 'The id of the event in the audit log' },
        account_id: { type: 'string', format: 'uuid' },
        subject: {
          type: ['object', 'null'],
          properties: { type: { type: 'string' }, id: { type: 'string' } },
        },
        actor: {
          type: 'object',
          properties: {
            type: {
              type: 'string',
              enum: ['user', 'api_key', 'license', 'activation', 'customer', 'system', 'anonymous'],
            },
            id: { type: ['string', 'null'] },
          },
        },
        details: { type: 'object', description: 'What the event records (its `data` in the audit log)' },
      },
    },
  },
};

/** OpenAPI 3.1 `webhooks`: one entry per event type, the envelope, an example, the signature headers. */
export function webhooksDocument() {
  const header = (description: string) => ({ required: true, schema: { type: 'string' }, description });
  return Object.fromEntries(
    Object.entries(EVENT_TYPES).map(([type, summary]) => {
      const [subject] = type.split('.');
      return [
        type,
        {
          post: {
            summary,
            tags: ['webhook events'],
            parameters: [
              { in: 'header', name: 'webhook-id', ...header('The delivery id, the same on every attempt') },
              { in: 'header', name: 'webhook-timestamp', ...header("The attempt's time, in Unix seconds") },
              {
                in: 'header',
                name: 'webhook-signature',
                ...header('v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>"> (Standard Webhooks)'),
              },
            ],
            requestBody: {
              content: {
                'application/json': {
                  schema: ENVELOPE,
                  example: {
                    type,
                    timestamp: '2026-12-04T10:00:00.000Z',
                    data: {
                      event_id: '8812',
                      account_id: '5b0e8c1a-2f7d-4c3e-9a61-0d2b7f4e6a10',
                      subject: { type: subject, id: '0f6c3d2e-8b1a-4f5e-9c7d-2a3b4c5d6e7f' },
                      actor: { type: 'user', id: '7d9e1f2a-3b4c-4d5e-8f6a-1b2c3d4e5f60' },
                      details: {},
                    },
                  },
                },
              },
            },
            responses: { '2XX': { description: 'Received; anything else is retried' } },
          },
        },
      ];
    }),
  );
}
