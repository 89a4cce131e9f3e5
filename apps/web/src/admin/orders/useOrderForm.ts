import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { toApiError } from '../../api/errors';
import type { Customer, Plan } from '../../api/resources';
import { useInvalidate, usePlanOptions, useSubmit } from '../hooks';
import { type FieldErrors, fieldErrorOf } from './fieldErrors';
import { toMinorUnits } from './money';
import type { BillingCycle, Order } from './types';

export interface LineDraft {
  /** Identity of the row while lines are added and removed. */
  key: number;
  planId: string;
  cycle: BillingCycle;
  quantity: string;
  /** As typed, in major units ("149.00"); empty: the plan's price. */
  unitAmount: string;
}

const LINE_FIELDS = ['plan_id', 'billing_cycle', 'quantity', 'unit_amount_cents'] as const;
const ORDER_FIELDS = ['customer_id', 'discount_cents', 'tax_cents', 'notes'];

/** The paths of every field the form shows, as the API's pointers name them ('items/0/quantity'). */
const fieldsOf = (lines: readonly LineDraft[]) => [
  ...ORDER_FIELDS,
  ...lines.flatMap((_, i) => [`items/${i}`, ...LINE_FIELDS.map((f) => `items/${i}/${f}`)]),
];

/** A line's unit price: the one typed, else the plan's for its cycle (undefined for one-time). */
export function listedUnit(line: LineDraft, plan: Plan | undefined): number | undefined {
  if (!plan || line.cycle === 'one_time') return undefined;
  return line.cycle === 'monthly' ? plan.price_monthly_cents : plan.price_yearly_cents;
}

let nextKey = 1;
const newLine = (planId = ''): LineDraft => ({
  key: nextKey++,
  planId,
  cycle: 'monthly',
  quantity: '1',
  unitAmount: '',
});

/**
 * The new order form: a customer, lines (plan, cycle, quantity, unit price), discount and tax. Amounts
 * are typed in the currency of the first line's plan, which the order takes. A refusal about one field
 * (its pointer) is shown under that field, anything else above the buttons.
 */
export function useOrderForm() {
  const plans = usePlanOptions();
  const invalidate = useInvalidate();
  const submit = useSubmit();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [lines, setLines] = useState<LineDraft[]>(() => [newLine()]);
  const [discount, setDiscount] = useState('');
  const [tax, setTax] = useState('');
  const [notes, setNotes] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

  const planOf = (line: LineDraft) => plans.data?.find((p) => p.id === (line.planId || plans.data?.[0]?.id));
  const currency = (lines[0] && planOf(lines[0])?.currency) ?? plans.data?.[0]?.currency ?? 'usd';

  const clear = (...fields: string[]) =>
    setFieldErrors((errors) =>
      Object.fromEntries(Object.entries(errors).filter(([f]) => !fields.includes(f))),
    );

  const updateLine = (index: number, patch: Partial<LineDraft>) => {
    setLines((all) => all.map((l, i) => (i === index ? { ...l, ...patch } : l)));
    clear(`items/${index}`, ...LINE_FIELDS.map((f) => `items/${index}/${f}`));
  };
  const addLine = () => setLines((all) => [...all, newLine(all.at(-1)?.planId)]);
  const removeLine = (index: number) => {
    setLines((all) => all.filter((_, i) => i !== index));
    setFieldErrors({}); // the errors' line numbers no longer hold
  };

  /** Amounts typed that are not amounts, by field; empty when all are. */
  const typingErrors = (): FieldErrors => {
    const errors: FieldErrors = {};
    const check = (field: string, text: string) => {
      if (Number.isNaN(toMinorUnits(text, currency))) errors[field] = 'Enter an amount, such as 149.00.';
    };
    for (const [i, l] of lines.entries()) check(`items/${i}/unit_amount_cents`, l.unitAmount);
    check('discount_cents', discount);
    check('tax_cents', tax);
    return errors;
  };

  /** What the lines come to as the server will price them (a preview; the server decides). */
  const estimate = (() => {
    let subtotal = 0;
    for (const l of lines) {
      const unit = toMinorUnits(l.unitAmount, currency) ?? listedUnit(l, planOf(l));
      if (unit === undefined || Number.isNaN(unit)) return null;
      subtotal += unit * Math.max(1, Number(l.quantity) || 1);
    }
    const minus = toMinorUnits(discount, currency) ?? 0;
    const plus = toMinorUnits(tax, currency) ?? 0;
    return Number.isNaN(minus) || Number.isNaN(plus) ? null : subtotal - minus + plus;
  })();

  /** Creates the draft order; resolves with it, or null when refused (errors shown). */
  const create = async (): Promise<Order | null> => {
    const typed = typingErrors();
    if (!customer) typed.customer_id = 'Choose a customer.';
    setFieldErrors(typed);
    if (Object.keys(typed).length > 0) return null;
    let created: Order | null = null;
    await submit.run(async () => {
      const money = (text: string) => toMinorUnits(text, currency);
      const discountCents = money(discount);
      const taxCents = money(tax);
      try {
        created = await unwrap(
          api.POST('/api/v1/orders', {
            body: {
              customer_id: customer!.id,
              items: lines.map((l) => {
                const unit = money(l.unitAmount);
                return {
                  plan_id: l.planId || plans.data?.[0]?.id || '',
                  billing_cycle: l.cycle,
                  quantity: Number(l.quantity || 1),
                  ...(unit !== undefined ? { unit_amount_cents: unit } : {}),
                };
              }),
              ...(discountCents !== undefined ? { discount_cents: discountCents } : {}),
              ...(taxCents !== undefined ? { tax_cents: taxCents } : {}),
              ...(notes.trim() ? { notes: notes.trim() } : {}),
            },
          }),
        );
      } catch (e) {
        const about = fieldErrorOf(toApiError(e), fieldsOf(lines));
        if (!about) throw e;
        setFieldErrors(about);
        return;
      }
      await invalidate('/api/v1/orders', '/api/v1/events');
    });
    return created;
  };

  return {
    plans,
    customer,
    setCustomer: (c: Customer | null) => {
      setCustomer(c);
      clear('customer_id');
    },
    lines,
    updateLine,
    addLine,
    removeLine,
    planOf,
    currency,
    discount,
    setDiscount: (v: string) => {
      setDiscount(v);
      clear('discount_cents');
    },
    tax,
    setTax: (v: string) => {
      setTax(v);
      clear('tax_cents');
    },
    notes,
    setNotes,
    estimate,
    fieldErrors,
    create,
    busy: submit.busy,
    error: submit.error,
  };
}

export type OrderForm = ReturnType<typeof useOrderForm>;
