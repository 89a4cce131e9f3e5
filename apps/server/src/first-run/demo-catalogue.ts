import type { Feature, Limits } from '../plans/schemas.js';

/**
 * The demo catalogue: an ERP-style product and four tiers (seed 002 LICENSE_TIERS, seed 004 prices).
 * A new account starts empty; this is loaded only on request (`POST /api/v1/demo-data`, the overview's
 * "Load demo data", `keyward serve --demo`), and vendors edit or archive it freely afterwards.
 */

/** One plan of the demo catalogue. */
export interface DemoTier {
  code: string;
  name: string;
  rank: number;
  price_monthly_cents: number;
  price_yearly_cents: number;
  max_activations: number | null;
  limits: Limits;
  features: Feature[];
  popular: boolean;
  trial_days: number;
}

/** The demo product the tiers belong to. */
export const DEMO_PRODUCT = {
  code: 'demo-app',
  name: 'Demo app',
  version: '1.0',
  description: 'Demo data: an ERP-style app in four tiers. Edit or archive it freely.',
} as const;

/** Set in the metadata of every demo plan: how a second load tells its own plans from the vendor's. */
export const DEMO_MARK = 'keyward_demo';

const ALL_FEATURES = [
  ['api_access', 'API access'],
  ['sales_module', 'Sales module'],
  ['hr_module', 'HR module'],
  ['inventory_module', 'Inventory module'],
  ['manufacturing_module', 'Manufacturing module'],
  ['purchasing_module', 'Purchasing module'],
  ['accounting_module', 'Accounting module'],
  ['advanced_reporting', 'Advanced reporting'],
  ['webhook_support', 'Webhooks'],
  ['real_time_sync', 'Real-time sync'],
  ['priority_support', 'Priority support'],
  ['sso', 'Single sign-on'],
] as const;

type FeatureId = (typeof ALL_FEATURES)[number][0];

function features(enabled: FeatureId[], apiPerHour: number | null): Feature[] {
  return ALL_FEATURES.map(([feature_id, name]) => ({
    feature_id,
    name,
    enabled: enabled.includes(feature_id),
    ...(feature_id === 'api_access' && apiPerHour !== null
      ? { limit_value: apiPerHour, limit_type: 'count' as const, period: 'hour' as const }
      : {}),
  }));
}

/** The demo tiers, cheapest first. */
export const DEMO_TIERS: DemoTier[] = [
  {
    code: 'free',
    name: 'Free',
    rank: 0,
    price_monthly_cents: 0,
    price_yearly_cents: 0,
    max_activations: 1,
    popular: false,
    trial_days: 0,
    limits: {
      max_users: 1,
      max_api_requests_per_hour: 100,
      max_concurrent_connections: 1,
      storage_limit_gb: 1,
    },
    features: features(['api_access', 'sales_module'], 100),
  },
  {
    code: 'basic',
    name: 'Basic',
    rank: 1,
    price_monthly_cents: 2900,
    price_yearly_cents: 29000,
    max_activations: 3,
    popular: false,
    trial_days: 14,
    limits: {
      max_users: 5,
      max_api_requests_per_hour: 1000,
      max_concurrent_connections: 3,
      storage_limit_gb: 10,
    },
    features: features(
      [
        'api_access',
        'sales_module',
        'hr_module',
        'inventory_module',
        'purchasing_module',
        'accounting_module',
        'real_time_sync',
      ],
      1000,
    ),
  },
  {
    code: 'professional',
    name: 'Professional',
    rank: 2,
    price_monthly_cents: 9900,
    price_yearly_cents: 99000,
    max_activations: 10,
    popular: true,
    trial_days: 14,
    limits: {
      max_users: 50,
      max_api_requests_per_hour: 5000,
      max_concurrent_connections: 10,
      storage_limit_gb: 100,
    },
    features: features(
      [
        'api_access',
        'sales_module',
        'hr_module',
        'inventory_module',
        'manufacturing_module',
        'purchasing_module',
        'accounting_module',
        'advanced_reporting',
        'webhook_support',
        'real_time_sync',
      ],
      5000,
    ),
  },
  {
    code: 'enterprise',
    name: 'Enterprise',
    rank: 3,
    price_monthly_cents: 19900,
    price_yearly_cents: 199000,
    max_activations: null,
    popular: false,
    trial_days: 30,
    limits: {
      max_users: null,
      max_api_requests_per_hour: null,
      max_concurrent_connections: null,
      storage_limit_gb: null,
    },
    features: features(
      ALL_FEATURES.map(([id]) => id),
      null,
    ),
  },
];
