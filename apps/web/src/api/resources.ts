/**
 * Resource types of the admin and portal, taken from the generated OpenAPI schema (`npm run gen:api`),
 * so a server change that breaks the dashboard fails `tsc` (and `npm run check:api` fails when stale).
 */
import type { components, paths } from './schema';

type Schemas = components['schemas'];

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

export type Customer = Schemas['Customer'];
export type License = Schemas['License'];
export type LicenseStatus = 'pending' | 'active' | 'suspended' | 'expired' | 'revoked';
export type Activation = Schemas['Activation'];
export type Plan = Schemas['Plan'];
export type Product = Schemas['Product'];
export type Subscription = Schemas['Subscription'];
/** A new subscription with the license it issued; the key is in this answer only. */
export type CreatedSubscription = Schemas['CreatedSubscription'];
export type AuditEvent = Schemas['Event'];
export type ApiKey = Schemas['ApiKey'];
export type StaffUser = Schemas['User'];
export type SigningKey = Schemas['SigningKey'];
export type DeviceBlock = Schemas['DeviceBlock'];
export type FirstRunStatus = Schemas['FirstRunStatus'];
export type DemoDataResult = Schemas['DemoDataResult'];
export type WebhookEndpoint = Schemas['WebhookEndpoint'];
/** A new or rotated webhook endpoint: its signing secret is in this answer only. */
export type WebhookEndpointWithSecret = Schemas['WebhookEndpointWithSecret'];
export type WebhookDelivery = Schemas['WebhookDelivery'];

type JsonBody<P extends keyof paths, M extends 'post' | 'patch'> = paths[P][M] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;
type JsonOk<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer R } } };
}
  ? R
  : paths[P][M] extends { responses: { 201: { content: { 'application/json': infer R } } } }
    ? R
    : unknown;

export type PlanInput = JsonBody<'/api/v1/plans', 'post'>;
export type PlanFeature = NonNullable<PlanInput['features']>[number];
export type CustomerInput = JsonBody<'/api/v1/customers', 'post'>;
export type LicenseInput = JsonBody<'/api/v1/licenses', 'post'>;

/** A feature entry as stored on plans and licenses. */
export interface Feature {
  feature_id: string;
  name: string;
  enabled: boolean;
  limit_value?: number | null;
  limit_type?: string;
  period?: string | null;
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
  /** Whether the portal sells it for the cycle (Stripe set up, price mapped). */
  for_sale: { monthly: boolean; annual: boolean };
}

export interface PortalPlanFeature {
  feature_id: string;
  name: string;
  enabled: boolean;
  limit_value: number | null;
  period: 'hour' | 'day' | 'month' | 'total' | null;
}

/** `GET /api/v1/analytics/overview` (the route declares no response schema yet). */
export interface Overview {
  licenses_by_status: Record<string, number>;
  licenses_total: number;
  customers: number;
  active_devices_24h: number;
  tier_distribution: { code: string; name: string; rank: number; licenses: number; mrr_cents: number }[];
  mrr_cents: number;
  expiring_30d: {
    count: number;
    licenses: {
      id: string;
      key_last4: string;
      expires_at: string;
      plan_code: string;
      customer_id: string | null;
    }[];
  };
  recent_activations: {
    id: string;
    license_id: string;
    device_id: string;
    platform: string | null;
    activated_at: string;
  }[];
  alerts: { type: string; severity: string; message: string }[];
  generated_at: string;
}

export interface TimeSeries {
  metric: string;
  interval: string;
  range: string;
  points: { at: string; total: number; failed: number }[];
}

/** `POST /api/v1/portal/license-lookup`. */
export interface PortalLookup {
  license: {
    key_last4: string;
    tier: string;
    tier_name: string;
    status: string;
    status_reason: string | null;
    starts_at: string;
    expires_at: string | null;
    days_until_expiry: number | null;
    is_in_grace_period: boolean;
    features: Feature[];
    limits: Record<string, number | null>;
    max_activations: number | null;
  };
  devices: {
    id: string;
    device_id: string;
    machine_name: string | null;
    hostname: string | null;
    platform: string | null;
    app_version: string | null;
    status: string;
    activated_at: string;
    last_heartbeat_at: string | null;
    last_validated_at: string | null;
  }[];
  alerts: { type?: string; code?: string; severity?: string; message: string }[];
}

export type LicenseByKey = JsonOk<'/api/v1/licenses/by-key', 'post'>;

/** A signed license file for an offline device (`POST /api/v1/offline/activate` and the client route). */
export type LicenseFile = JsonOk<'/api/v1/offline/activate', 'post'>;
/** A freshly issued emergency code; `code` is in this answer only. */
export type IssuedEmergencyCode = JsonOk<'/api/v1/activations/{id}/emergency-codes', 'post'>;
/** An emergency code as listed later (without the code). */
export type EmergencyCodeRecord = JsonOk<'/api/v1/licenses/{id}/emergency-codes', 'get'>['data'][number];
