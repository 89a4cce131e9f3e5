import { useState } from 'react';
import { toApiError } from '../../api/errors';
import { Button, Dialog, FormError, Input, useToast } from '../../ui';
import { statusLabel } from '../../ui/StatusBadge';
import { useInvalidate, useSubmit } from '../hooks';
import { ORDER_ACTIONS, type OrderAction, sendOrderAction } from './actions';
import { IssuedKeys } from './IssuedKeys';
import { orderNumber } from './OrderStatusBadge';
import type { FulfilledOrder, Order } from './types';

/** Everything an order's action may change elsewhere: its licenses, subscriptions, events and totals. */
const TOUCHED = [
  '/api/v1/orders',
  '/api/v1/licenses',
  '/api/v1/subscriptions',
  '/api/v1/customers',
  '/api/v1/events',
  '/api/v1/analytics',
  '/api/v1/emails',
];

/**
 * Confirms one action on an order and asks what it needs (a reason, a payment reference). Paying and
 * fulfilling end on the keys of the licenses issued, shown this once.
 */
export function OrderActionDialog({
  order,
  action,
  onClose,
}: {
  order: Order;
  action: OrderAction;
  onClose: () => void;
}) {
  const spec = ORDER_ACTIONS[action];
  const toast = useToast();
  const invalidate = useInvalidate();
  const [text, setText] = useState('');
  const [done, setDone] = useState<FulfilledOrder | null>(null);
  const { busy, error, run } = useSubmit();

  const confirm = () =>
    run(async () => {
      const input = spec.input === 'reference' ? { reference: text.trim() } : { reason: text.trim() };
      const result = await sendOrderAction(order.id, action, input).catch(async (e: unknown) => {
        // Refused for the state it is in: the page was stale, so show the order as it now is.
        if (toApiError(e).status === 409) await invalidate('/api/v1/orders');
        throw e;
      });
      await invalidate(...TOUCHED);
      toast({
        tone: 'success',
        title: `${spec.label}: done`,
        description: `Order ${orderNumber(result.order)} is now ${statusLabel(result.order.status).toLowerCase()}.`,
      });
      if (result.issued_licenses.length > 0) setDone(result);
      else onClose();
    });

  if (done)
    return (
      <Dialog
        open
        onClose={onClose}
        title="Licenses issued"
        description="Copy the license keys now: this is the only time they are shown. Give them to the customer."
        footer={
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        }
      >
        <IssuedKeys order={done.order} issued={done.issued_licenses} />
      </Dialog>
    );

  return (
    <Dialog
      open
      onClose={busy ? () => {} : onClose}
      role="alertdialog"
      title={`${spec.label}?`}
      description={spec.confirm}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Back
          </Button>
          <Button variant={spec.tone ?? 'primary'} type="submit" form="order-action" loading={busy}>
            {spec.label}
          </Button>
        </>
      }
    >
      <form
        id="order-action"
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        {spec.input === 'reference' && (
          <Input
            label="Payment reference (optional)"
            hint="The bank transfer or invoice reference; it is printed on the receipt."
            maxLength={200}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
        {spec.input === 'reason' && (
          <Input
            label="Reason (optional)"
            maxLength={500}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
        <FormError>{error}</FormError>
      </form>
    </Dialog>
  );
}
