import { type Static, Type } from 'typebox';

/** The longest range one request reads: three years of days. */
export const MAX_RANGE_DAYS = 1096;

const Day = (description: string) => Type.String({ format: 'date', description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Cents = (description: string) => Type.Number({ description });
const Ratio = (description: string) =>
  Nullable(
    Type.Number({
      description: `${description}; a ratio rounded to 4 places (0.0415 = 4.15 %), null when its base is 0`,
    }),
  );

export const RevenueQuery = Type.Object(
  {
    from: Type.Optional(Day('First day (UTC, inclusive); default 29 days before `to`')),
    to: Type.Optional(
      Day('Last day (UTC, inclusive); default today. Days the job has not stored yet are left out'),
    ),
    interval: Type.Optional(
      Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], {
        default: 'day',
        description: 'One point per day, ISO week (Monday to Sunday) or calendar month, cut to from…to',
      }),
    ),
    currency: Type.Optional(
      Type.String({
        pattern: '^[a-z]{3}$',
        description: 'One currency (ISO 4217, lower case); default each',
      }),
    ),
    plan_id: Type.Optional(
      Type.String({ format: 'uuid', description: "One plan: every figure within the plan's subscriptions" }),
    ),
    billing_cycle: Type.Optional(
      Type.Union([Type.Literal('monthly'), Type.Literal('annual')], {
        description: "One billing cycle: every figure within that cycle's subscriptions",
      }),
    ),
  },
  { additionalProperties: false },
);

export const REVENUE_TABLES = ['summary', 'series', 'by_plan', 'by_billing_cycle'] as const;

export const RevenueCsvQuery = Type.Object(
  {
    ...RevenueQuery.properties,
    table: Type.Optional(
      Type.Union(
        REVENUE_TABLES.map((t) => Type.Literal(t)),
        {
          default: 'series',
          description: 'Which table of GET /api/v1/analytics/revenue, one row per currency and row',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A period's revenue: balances at its start and end, movements and rates over it (docs/analytics.md). */
export const RevenuePeriodSchema = Type.Object({
  period_start: Day('First day of the period'),
  period_end: Day('Last day of the period'),
  mrr_start_cents: Cents('MRR at the end of the day before the period'),
  mrr_cents: Cents('MRR at the end of the period (minor units, normalised monthly)'),
  arr_cents: Cents('ARR: 12 × MRR at the end'),
  customers_start: Type.Integer({ description: 'Paying customers at the end of the day before the period' }),
  customers: Type.Integer({ description: 'Paying customers at the end' }),
  subscribers: Type.Integer({ description: 'Paid-for subscriptions at the end' }),
  arpa_cents: Nullable(Type.Integer({ description: 'ARPA: MRR / paying customers at the end, rounded' })),
  new_cents: Cents('MRR of customers paying for the first time'),
  expansion_cents: Cents('MRR added by paying customers'),
  contraction_cents: Cents('MRR lost by customers who still pay'),
  churn_cents: Cents('MRR of customers who stopped paying'),
  reactivation_cents: Cents('MRR of customers paying again after having stopped'),
  net_new_cents: Cents('new + expansion + reactivation − contraction − churn = MRR end − MRR start'),
  new_customers: Type.Integer(),
  reactivated_customers: Type.Integer(),
  churned_customers: Type.Integer(),
  customer_churn_rate: Ratio('Churned customers / paying customers at the start'),
  revenue_churn_rate: Ratio('(churn + contraction) / MRR at the start'),
  net_revenue_churn_rate: Ratio('(churn + contraction − expansion) / MRR at the start'),
  nrr: Ratio(
    'Net revenue retention: (MRR at the start − churn − contraction + expansion) / MRR at the start',
  ),
  trials_started: Type.Integer(),
  trials_converted: Type.Integer({ description: 'Trials that ended paid for' }),
  trials_lapsed: Type.Integer({ description: 'Trials that ended without being paid for' }),
  trial_conversion_rate: Ratio('Converted / (converted + lapsed): of the trials that ended, the paid ones'),
});

const BreakdownFields = {
  mrr_cents: Cents('MRR on the last day'),
  arr_cents: Cents('12 × MRR'),
  subscribers: Type.Integer(),
  customers: Type.Integer(),
  arpa_cents: Nullable(Type.Integer()),
};

export const RevenueReportSchema = Type.Object(
  {
    from: Day('First day asked for'),
    to: Day('Last day asked for'),
    through: Nullable(Day('Last day answered: `to`, or the last day the job stored if earlier')),
    interval: Type.String(),
    plan_id: Nullable(Type.String({ format: 'uuid' })),
    billing_cycle: Nullable(Type.String()),
    computed_at: Nullable(
      Type.String({ format: 'date-time', description: 'When the revenue-snapshots job last stored days' }),
    ),
    currencies: Type.Array(
      Type.Object({
        currency: Type.String(),
        summary: RevenuePeriodSchema,
        series: Type.Array(RevenuePeriodSchema),
        by_plan: Type.Array(
          Type.Object({
            plan_id: Type.String({ format: 'uuid' }),
            plan_code: Nullable(Type.String()),
            plan_name: Nullable(Type.String()),
            ...BreakdownFields,
          }),
        ),
        by_billing_cycle: Type.Array(Type.Object({ billing_cycle: Type.String(), ...BreakdownFields })),
      }),
      { description: 'One entry per currency: amounts are never added across currencies' },
    ),
  },
  { $id: 'RevenueReport' },
);

export type RevenueFilter = Static<typeof RevenueQuery>;
export type RevenueCsvFilter = Static<typeof RevenueCsvQuery>;
export type RevenuePeriod = Static<typeof RevenuePeriodSchema>;
export type RevenueReport = Static<typeof RevenueReportSchema>;
