import { useState } from 'react';
import { toApiError } from '../../api/errors';
import type { Plan, Subscription } from '../../api/resources';
import { formatDate } from '../../lib/format';
import { Button, Dialog, FormError, Input, Select, useToast } from '../../ui';
import { statusLabel } from '../../ui/StatusBadge';
import { useInvalidate, usePlanOptions, useSubmit } from '../hooks';
import { ACTIONS, canCancelAtPeriodEnd, type SubscriptionAction, sendAction } from './actions';

/** The plans to choose from, with the current one even when it is no longer offered (archived). */
function planChoices(offered: Plan[] | undefined, current: Plan | undefined): Plan[] {
  const list = offered ?? [];
  return current && !list.some((p) => p.id === current.id) ? [current, ...list] : list;
}

/** Confirms one action on a subscription, asks what it needs, then refreshes the page's data. */
export function ActionDialog({
  subscription: s,
  plan,
  action,
  onClose,
}: {
  subscription: Subscription;
  /** The subscription's plan (for its dunning window). */
  plan: Plan | undefined;
  action: SubscriptionAction;
  onClose: () => void;
}) {
  const spec = ACTIONS[action];
  const toast = useToast();
  const invalidate = useInvalidate();
  const plans = usePlanOptions();
  const [reason, setReason] = useState('');
  const [atPeriodEnd, setAtPeriodEnd] = useState(canCancelAtPeriodEnd(s));
  const [planId, setPlanId] = useState(s.plan_id);
  const [quantity, setQuantity] = useState(String(s.quantity));
  const { busy, error, setError, run } = useSubmit();

  const confirm = async () => {
    const changed = {
      planId: planId !== s.plan_id ? planId : undefined,
      quantity: Number(quantity) !== s.quantity ? Number(quantity) : undefined,
    };
    if (action === 'change' && !changed.planId && !changed.quantity)
      return setError('Choose another plan or a different quantity.');
    await run(async () => {
      const result = await sendAction(s.id, action, { reason: reason.trim(), atPeriodEnd, ...changed }).catch(
        async (e: unknown) => {
          // Refused for the state it is in: the page was stale, so show the subscription as it now is.
          if (toApiError(e).status === 409) await invalidate('/api/v1/subscriptions', '/api/v1/licenses');
          throw e;
        },
      );
      await invalidate('/api/v1/subscriptions', '/api/v1/licenses', '/api/v1/events', '/api/v1/analytics');
      toast({
        tone: 'success',
        title: `${spec.label}: done`,
        description: result.cancel_at_period_end
          ? `Subscription ends on ${formatDate(result.current_period_end)}.`
          : `Subscription is now ${statusLabel(result.status).toLowerCase()}.`,
      });
      onClose();
    });
  };

  const dunning =
    action === 'past-due' && plan ? ` On the ${plan.name} plan that is ${plan.dunning_days} days.` : '';
  return (
    <Dialog
      open
      onClose={busy ? () => {} : onClose}
      role="alertdialog"
      title={`${spec.label}?`}
      description={spec.confirm + dunning}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Back
          </Button>
          <Button variant={spec.tone ?? 'primary'} type="submit" form="subscription-action" loading={busy}>
            {spec.label}
          </Button>
        </>
      }
    >
      <form
        id="subscription-action"
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        {spec.input === 'cancel' && (
          <fieldset className="flex flex-col gap-2 text-sm">
            <legend className="mb-1 font-medium text-zinc-800">When</legend>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="cancel-when"
                className="size-4"
                checked={atPeriodEnd}
                disabled={!canCancelAtPeriodEnd(s)}
                onChange={() => setAtPeriodEnd(true)}
              />
              At the end of the period ({formatDate(s.current_period_end)})
              {s.cancel_at_period_end && <span className="text-zinc-500">: already set</span>}
            </label>
            <label className="flex items-center gap-2">
              <input
                type="radio"
                name="cancel-when"
                className="size-4"
                checked={!atPeriodEnd}
                onChange={() => setAtPeriodEnd(false)}
              />
              Now
            </label>
          </fieldset>
        )}
        {spec.input === 'plan' && (
          <>
            <Select
              label="Plan"
              options={planChoices(plans.data, plan).map((p) => ({
                value: p.id,
                label: `${p.name} (${p.code})`,
              }))}
              value={planId}
              onChange={(e) => setPlanId(e.target.value)}
            />
            <Input
              label="Quantity"
              type="number"
              min={1}
              required
              hint="Each license gets the plan's seats × this."
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
            />
          </>
        )}
        {(spec.input === 'reason' || spec.input === 'cancel') && (
          <Input
            label="Reason (optional)"
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        )}
        <FormError>{error}</FormError>
      </form>
    </Dialog>
  );
}
