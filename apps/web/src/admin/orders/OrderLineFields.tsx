import { formatMoney } from '../../lib/format';
import { Button, Icon, Input, Select } from '../../ui';
import { toAmountText } from './money';
import { type BillingCycle, CYCLES } from './types';
import { listedUnit, type OrderForm } from './useOrderForm';

/** One line of the new order form: plan, billing cycle, quantity and unit price, with their errors. */
export function OrderLineFields({ form, index }: { form: OrderForm; index: number }) {
  const line = form.lines[index]!;
  const plan = form.planOf(line);
  const listed = listedUnit(line, plan);
  const err = (field: string) => form.fieldErrors[`items/${index}/${field}`];
  const oneTime = line.cycle === 'one_time';
  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-zinc-200 p-3">
      <legend className="px-1 text-sm font-medium text-zinc-700">Line {index + 1}</legend>
      <div className="grid gap-3 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_5.5rem_minmax(0,1.2fr)_2rem]">
        <Select
          label="Plan"
          required
          options={(form.plans.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (${p.code})` }))}
          value={plan?.id ?? ''}
          error={err('plan_id')}
          onChange={(e) => form.updateLine(index, { planId: e.target.value })}
        />
        <Select
          label="Billing cycle"
          options={CYCLES}
          value={line.cycle}
          error={err('billing_cycle')}
          onChange={(e) => form.updateLine(index, { cycle: e.target.value as BillingCycle })}
        />
        <Input
          label="Quantity"
          type="number"
          min={1}
          required
          value={line.quantity}
          error={err('quantity')}
          onChange={(e) => form.updateLine(index, { quantity: e.target.value })}
        />
        <Input
          label={`Unit price (${form.currency.toUpperCase()})`}
          inputMode="decimal"
          required={oneTime}
          placeholder={listed !== undefined ? toAmountText(listed, form.currency) : '0.00'}
          hint={
            oneTime
              ? 'Required for a one-time line.'
              : listed !== undefined
                ? `Default: the plan's, ${formatMoney(listed, form.currency)}.`
                : undefined
          }
          value={line.unitAmount}
          error={err('unit_amount_cents')}
          onChange={(e) => form.updateLine(index, { unitAmount: e.target.value })}
        />
        {form.lines.length > 1 && (
          <Button
            size="sm"
            variant="ghost"
            className="justify-self-end px-2 sm:mt-7.5"
            aria-label={`Remove line ${index + 1}`}
            title="Remove this line"
            onClick={() => form.removeLine(index)}
          >
            <Icon name="x" />
          </Button>
        )}
      </div>
      {form.fieldErrors[`items/${index}`] && (
        <p className="text-xs font-medium text-red-700">{form.fieldErrors[`items/${index}`]}</p>
      )}
    </fieldset>
  );
}
