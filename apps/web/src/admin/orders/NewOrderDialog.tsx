import { useNavigate } from '@tanstack/react-router';
import { formatMoney } from '../../lib/format';
import { Button, Dialog, FormError, Input, Textarea, useToast } from '../../ui';
import { CustomerPicker } from './CustomerPicker';
import { OrderLineFields } from './OrderLineFields';
import { orderNumber } from './OrderStatusBadge';
import { useOrderForm } from './useOrderForm';

/**
 * A draft order for a customer: one or more lines priced from plans (or at a price typed here), a
 * discount and tax. Once created, its page takes it on (submit, approval, payment).
 */
export function NewOrderDialog({ onClose }: { onClose: () => void }) {
  const form = useOrderForm();
  const toast = useToast();
  const navigate = useNavigate();
  const money = (label: string) => `${label} (${form.currency.toUpperCase()})`;

  const create = async () => {
    const order = await form.create();
    if (!order) return;
    toast({
      tone: 'success',
      title: `Order ${orderNumber(order)} created`,
      description: 'Submit it when it is ready.',
    });
    onClose();
    void navigate({ to: '/orders/$id', params: { id: order.id } });
  };

  return (
    <Dialog
      open
      size="lg"
      onClose={form.busy ? () => {} : onClose}
      title="New order"
      description="A draft: lines are priced from their plan unless you type a price. Paying it issues a license per line; monthly and annual lines also start a subscription billed by hand."
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button type="submit" form="order-form" loading={form.busy} disabled={!form.plans.data?.length}>
            Create order
          </Button>
        </>
      }
    >
      <form
        id="order-form"
        className="flex flex-col gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <CustomerPicker
          value={form.customer}
          onChange={form.setCustomer}
          error={form.fieldErrors.customer_id}
        />
        {form.plans.data?.length === 0 && (
          <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            There is no plan to sell yet: create one under Plans first.
          </p>
        )}
        {form.lines.map((line, index) => (
          <OrderLineFields key={line.key} form={form} index={index} />
        ))}
        <div>
          <Button size="sm" variant="secondary" onClick={form.addLine}>
            Add line
          </Button>
        </div>
        <div className="grid gap-3 sm:grid-cols-3">
          <Input
            label={money('Discount')}
            inputMode="decimal"
            placeholder="0.00"
            value={form.discount}
            error={form.fieldErrors.discount_cents}
            onChange={(e) => form.setDiscount(e.target.value)}
          />
          <Input
            label={money('Tax')}
            inputMode="decimal"
            placeholder="0.00"
            value={form.tax}
            error={form.fieldErrors.tax_cents}
            onChange={(e) => form.setTax(e.target.value)}
          />
          <div className="flex flex-col justify-end gap-0.5 pb-2 text-sm sm:items-end">
            <span className="text-zinc-500">Comes to</span>
            <span className="tabular text-base font-semibold text-zinc-900" data-testid="order-estimate">
              {form.estimate === null ? '—' : formatMoney(form.estimate, form.currency)}
            </span>
          </div>
        </div>
        <Textarea
          label="Notes (optional)"
          rows={2}
          maxLength={5000}
          value={form.notes}
          error={form.fieldErrors.notes}
          onChange={(e) => form.setNotes(e.target.value)}
        />
        <FormError>{form.error}</FormError>
      </form>
    </Dialog>
  );
}
