import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { requestJson, unwrap } from '../../api/client';
import type { PortalPlan, PortalPlanFeature } from '../../api/resources';
import { formatMoney, formatNumber, formatPercent } from '../../lib/format';
import { Badge, Button, cx, EmptyState, ErrorState, Icon, Skeleton } from '../../ui';
import { customerApi } from '../session';

type Cycle = 'monthly' | 'yearly';

const PERIOD_LABEL: Record<NonNullable<PortalPlanFeature['period']>, string> = {
  hour: 'per hour',
  day: 'per day',
  month: 'per month',
  total: 'in total',
};

/** The account whose plans the portal shows: `?account=<slug>` (a deployment with several), else the default. */
const accountFromAddress = () => new URLSearchParams(window.location.search).get('account') ?? 'default';

const plansQuery = (account: string) => ({
  queryKey: ['portal', 'plans', account],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    requestJson<{ data: PortalPlan[] }>('/api/v1/portal/plans', { auth: false, signal, query: { account } }),
  staleTime: 5 * 60_000,
});

/** Who buys: a visitor of `account` (Checkout asks for their email), or the signed-in customer. */
type Buyer = { account: string } | 'customer';

/** Largest yearly saving across plans, as a ratio (0.17 for "save 17 %"), or null when there is none. */
export function bestYearlySaving(plans: readonly PortalPlan[]): number | null {
  let best = 0;
  for (const p of plans) {
    if (!p.price_monthly_cents || p.price_yearly_cents == null) continue;
    best = Math.max(best, 1 - p.price_yearly_cents / (p.price_monthly_cents * 12));
  }
  return best >= 0.01 ? best : null;
}

function featureText(feature: PortalPlanFeature): string {
  if (feature.limit_value == null) return feature.period ? `${feature.name}: unlimited` : feature.name;
  const period = feature.period ? ` ${PERIOD_LABEL[feature.period]}` : '';
  return `${feature.name}: ${formatNumber(feature.limit_value)}${period}`;
}

function Price({ plan, cycle }: { plan: PortalPlan; cycle: Cycle }) {
  const cents = cycle === 'monthly' ? plan.price_monthly_cents : plan.price_yearly_cents;
  if (cents == null) {
    return (
      <p className="text-lg font-semibold text-zinc-900">
        {cycle === 'yearly' ? 'Monthly only' : 'Yearly only'}
      </p>
    );
  }
  if (cents === 0) return <p className="text-4xl font-semibold tracking-tight text-zinc-900">Free</p>;
  return (
    <div>
      <p className="flex items-baseline gap-1">
        <span className="text-4xl font-semibold tracking-tight text-zinc-900 tabular">
          {formatMoney(cents, plan.currency, { whole: true })}
        </span>
        <span className="text-sm text-zinc-500">/ {cycle === 'monthly' ? 'month' : 'year'}</span>
      </p>
      {cycle === 'yearly' && (
        <p className="mt-1 text-xs text-zinc-500 tabular">
          {formatMoney(Math.round(cents / 12), plan.currency)} per month, billed yearly
        </p>
      )}
    </div>
  );
}

/** "Buy": a Stripe Checkout for the plan and cycle, opened in this tab; paying provisions the license. */
function BuyButton({ plan, cycle, buyer }: { plan: PortalPlan; cycle: Cycle; buyer: Buyer }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const billing = cycle === 'monthly' ? 'monthly' : 'annual';
  if (!plan.for_sale?.[billing]) return null;
  const buy = async () => {
    setState({ busy: true, error: null });
    try {
      const body = { plan_id: plan.id, billing_cycle: billing } as const;
      const session =
        buyer === 'customer'
          ? await unwrap(customerApi.POST('/api/v1/portal/me/checkout', { body }))
          : await requestJson<{ url: string }>('/api/v1/portal/checkout', {
              method: 'POST',
              auth: false,
              body: { account: buyer.account, ...body },
            });
      window.location.assign(session.url);
    } catch (err) {
      setState({ busy: false, error: (err as Error).message || 'Checkout is unavailable right now' });
    }
  };
  return (
    <div className="mt-6">
      <Button className="w-full" onClick={() => void buy()} disabled={state.busy}>
        {state.busy ? 'Opening checkout…' : `Buy ${plan.name}`}
      </Button>
      {state.error && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {state.error}
        </p>
      )}
    </div>
  );
}

function PlanCard({ plan, cycle, buyer }: { plan: PortalPlan; cycle: Cycle; buyer: Buyer }) {
  const titleId = useId();
  return (
    <article
      aria-labelledby={titleId}
      className={cx(
        'relative flex flex-col rounded-xl border bg-white p-6 shadow-xs',
        plan.popular ? 'border-brand-500 ring-1 ring-brand-500' : 'border-zinc-200',
      )}
    >
      <div className="flex items-center justify-between gap-2">
        <h3 id={titleId} className="text-lg font-semibold text-zinc-900">
          {plan.name}
        </h3>
        {plan.popular && <Badge tone="brand">Most popular</Badge>}
      </div>
      <div className="mt-4">
        <Price plan={plan} cycle={cycle} />
      </div>
      <ul className="mt-6 flex flex-col gap-2.5 text-sm">
        {plan.features.map((feature) => (
          <li
            key={feature.feature_id}
            className={cx('flex gap-2', feature.enabled ? 'text-zinc-700' : 'text-zinc-400 line-through')}
          >
            <Icon
              name={feature.enabled ? 'check' : 'x'}
              className={cx('mt-0.5 size-4 shrink-0', feature.enabled ? 'text-brand-600' : 'text-zinc-300')}
            />
            <span>
              {featureText(feature)}
              {!feature.enabled && <span className="sr-only"> (not included)</span>}
            </span>
          </li>
        ))}
      </ul>
      <div className="mt-auto">
        <BuyButton plan={plan} cycle={cycle} buyer={buyer} />
      </div>
    </article>
  );
}

function CycleToggle({
  cycle,
  onChange,
  saving,
}: {
  cycle: Cycle;
  onChange: (c: Cycle) => void;
  saving: number | null;
}) {
  const options: { value: Cycle; label: string }[] = [
    { value: 'monthly', label: 'Monthly' },
    { value: 'yearly', label: 'Yearly' },
  ];
  return (
    <fieldset className="inline-flex rounded-lg bg-zinc-100 p-1">
      <legend className="sr-only">Billing cycle</legend>
      {options.map((option) => (
        <label
          key={option.value}
          className={cx(
            'relative cursor-pointer rounded-md px-4 py-1.5 text-sm font-medium transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-600',
            cycle === option.value ? 'bg-white text-zinc-900 shadow-sm' : 'text-zinc-600 hover:text-zinc-900',
          )}
        >
          <input
            type="radio"
            name="billing-cycle"
            value={option.value}
            checked={cycle === option.value}
            onChange={() => onChange(option.value)}
            className="sr-only"
          />
          {option.label}
          {option.value === 'yearly' && saving && (
            <span className="ml-1.5 text-xs font-semibold text-emerald-700">
              save {formatPercent(saving, 0)}
            </span>
          )}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Public plans (`GET /api/v1/portal/plans`) as pricing cards with a monthly/yearly switch. On the
 * signed-in account page (`account` given) Buy checks out as that customer.
 */
export function Pricing({ account }: { account?: string } = {}) {
  const [cycle, setCycle] = useState<Cycle>('monthly');
  const plans = useQuery(plansQuery(account ?? accountFromAddress()));
  const buyer: Buyer = account ? 'customer' : { account: accountFromAddress() };
  const sorted = plans.data ? [...plans.data.data].sort((a, b) => a.rank - b.rank) : [];

  return (
    <section id="pricing" aria-labelledby="pricing-title" className="scroll-mt-4 py-14 sm:py-16">
      <div className="mx-auto max-w-6xl px-4 sm:px-6">
        <div className="flex flex-col items-center gap-5 text-center">
          <div>
            <h2 id="pricing-title" className="text-2xl font-semibold tracking-tight text-zinc-900">
              Pricing
            </h2>
            <p className="mt-1 text-sm text-zinc-600">
              Prices shown in each plan's currency, taxes excluded.
            </p>
          </div>
          <CycleToggle cycle={cycle} onChange={setCycle} saving={bestYearlySaving(sorted)} />
        </div>
        <div className="mt-10">
          {plans.isPending && (
            <div className="grid gap-6 md:grid-cols-3" aria-busy="true">
              {[0, 1, 2].map((i) => (
                <div key={i} className="rounded-xl border border-zinc-200 bg-white p-6">
                  <Skeleton className="h-6 w-24" />
                  <Skeleton className="mt-5 h-10 w-32" />
                  <Skeleton className="mt-8 h-4 w-full" />
                  <Skeleton className="mt-3 h-4 w-5/6" />
                  <Skeleton className="mt-3 h-4 w-4/6" />
                </div>
              ))}
            </div>
          )}
          {plans.isError && (
            <div className="rounded-xl border border-zinc-200 bg-white">
              <ErrorState
                error={plans.error}
                title="Pricing is unavailable right now"
                onRetry={() => void plans.refetch()}
                retrying={plans.isFetching}
              />
            </div>
          )}
          {plans.isSuccess && sorted.length === 0 && (
            <div className="rounded-xl border border-zinc-200 bg-white">
              <EmptyState
                title="No public plans"
                description="Plans will be listed here once they are published."
              />
            </div>
          )}
          {sorted.length > 0 && (
            <div
              className={cx(
                'grid gap-6',
                sorted.length === 2 && 'md:grid-cols-2',
                sorted.length === 3 && 'md:grid-cols-3',
                sorted.length >= 4 && 'md:grid-cols-2 xl:grid-cols-4',
              )}
            >
              {sorted.map((plan) => (
                <PlanCard key={plan.id} plan={plan} cycle={cycle} buyer={buyer} />
              ))}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
