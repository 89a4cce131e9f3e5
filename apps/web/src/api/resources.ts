/**
 * Shapes of admin resources whose endpoints are not in the generated schema yet. Each type mirrors the
 * domain model of the product spec; replace it with `components['schemas'][...]` once `npm run gen:api`
 * publishes the resource, and delete it from here.
 */

/** The envelope of every admin list (limit/offset paging with a look-ahead `has_more`). */
export interface Page<T> {
  data: T[];
  pagination: { limit: number; offset: number; has_more: boolean };
}

export interface ListParams {
  limit: number;
  offset: number;
  q?: string;
  sort?: string;
  [filter: string]: string | number | boolean | undefined;
}

export interface Customer {
  id: string;
  email: string;
  company_name: string | null;
  first_name: string | null;
  last_name: string | null;
  status: 'active' | 'suspended' | 'cancelled';
  created_at: string;
}

export type LicenseStatus = 'pending' | 'active' | 'suspended' | 'expired' | 'revoked';

export interface License {
  id: string;
  key: string;
  status: LicenseStatus;
  license_type: string;
  plan?: { id: string; name: string } | null;
  customer?: { id: string; email: string; company_name: string | null } | null;
  max_activations: number | null;
  activations_count?: number;
  expires_at: string | null;
  created_at: string;
}

export interface Activation {
  id: string;
  device_id: string;
  machine_name: string | null;
  hostname: string | null;
  platform: string | null;
  app_version: string | null;
  status: 'active' | 'deactivated' | 'expired' | 'blocked';
  license_id: string;
  last_heartbeat_at: string | null;
  activated_at: string;
}

export interface Plan {
  id: string;
  code: string;
  name: string;
  rank: number;
  license_type: string;
  price_monthly_cents: number | null;
  price_yearly_cents: number | null;
  currency: string;
  max_activations: number | null;
  active: boolean;
  public: boolean;
}

export interface Subscription {
  id: string;
  status: 'trialing' | 'active' | 'past_due' | 'canceled' | 'expired' | 'suspended';
  billing_cycle: 'monthly' | 'annual';
  price_cents: number;
  currency: string;
  quantity: number;
  customer?: { id: string; email: string } | null;
  plan?: { id: string; name: string } | null;
  current_period_end: string | null;
  cancel_at_period_end: boolean;
}

export interface AuditEvent {
  id: string;
  type: string;
  actor: { type: string; id: string | null; label?: string | null } | null;
  subject: { type: string; id: string } | null;
  ip: string | null;
  occurred_at: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: string;
  last_used_at: string | null;
  expires_at: string | null;
  created_at: string;
}

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: string;
  status: 'active' | 'disabled';
  last_login_at: string | null;
}

/** Public plan of the customer portal (`GET /api/v1/portal/plans`). */
export interface PortalPlan {
  id: string;
  code: string;
  name: string;
  rank: number;
  price_monthly_cents: number | null;
  price_yearly_cents: number | null;
  currency: string;
  features: PortalPlanFeature[];
  popular: boolean;
}

export interface PortalPlanFeature {
  feature_id: string;
  name: string;
  enabled: boolean;
  limit_value: number | null;
  period: 'hour' | 'day' | 'month' | 'total' | null;
}
