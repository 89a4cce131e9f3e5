import type { components } from '../../api/schema';

type Schemas = components['schemas'];

/** A sale to a customer: numbered lines priced from plans, a discount and tax, and where it stands. */
export type Order = Schemas['Order'];
export type OrderItem = Schemas['OrderItem'];
export type OrderStatus = Order['status'];
/** A paid or fulfilled order with the keys of the licenses it issued (in this answer only). */
export type FulfilledOrder = Schemas['FulfilledOrder'];
export type IssuedLicense = FulfilledOrder['issued_licenses'][number];
/** One of Stripe's events as received, with how it was applied. */
export type PaymentEvent = Schemas['StripeEvent'];
export type BillingCycle = 'monthly' | 'annual' | 'one_time';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'draft',
  'pending_approval',
  'approved',
  'paid',
  'fulfilled',
  'cancelled',
  'refunded',
];

export const CYCLES: readonly { value: BillingCycle; label: string }[] = [
  { value: 'monthly', label: 'Monthly' },
  { value: 'annual', label: 'Annual' },
  { value: 'one_time', label: 'One-time' },
];

/** "Monthly", "Annual", "One-time". */
export const cycleLabel = (cycle: string) => CYCLES.find((c) => c.value === cycle)?.label ?? cycle;

/** Receipts exist once an order is paid (a refund keeps its receipt, marked refunded). */
export const hasReceipt = (o: Order) => ['paid', 'fulfilled', 'refunded'].includes(o.status);
