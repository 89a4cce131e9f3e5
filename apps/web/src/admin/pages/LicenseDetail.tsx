import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { requestJson } from '../../api/client';
import type { Activation, AuditEvent, Feature, License, Page } from '../../api/resources';
import { formatDate, formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import {
  Badge,
  Button,
  Card,
  type Column,
  ConfirmDialog,
  DataTable,
  Dialog,
  EmptyState,
  ErrorState,
  FormError,
  Input,
  NameCell,
  PageHeader,
  Select,
  Skeleton,
  useToast,
} from '../../ui';
import { StatusBadge } from '../../ui/StatusBadge';
import { CustomerName, findCustomerByEmail } from '../components/customers';
import { eventColumns } from '../components/events';
import { NamedUsersCard } from '../components/NamedUsers';
import { EmergencyCodeButton, EmergencyCodesCard, OfflineActivationCard } from '../components/Offline';
import { useCan, useInvalidate, usePending, usePlanOptions, useSubmit } from '../hooks';
import type { Action as Permission } from '../permissions';
import { POLICY_FIELDS, POLICY_KEYS, type Policy, policyValueLabel, seatCeiling, termLabel } from '../policy';

type LicenseAction =
  | 'activate'
  | 'suspend'
  | 'reinstate'
  | 'revoke'
  | 'renew'
  | 'transfer'
  | 'change-plan'
  | 'regenerate-key';

interface ActionSpec {
  label: string;
  permission: Permission;
  /** Statuses in which the action is offered. */
  when: readonly string[];
  tone?: 'primary' | 'danger';
  confirm: string;
  input?: 'reason' | 'days' | 'customer' | 'plan';
}

const ACTIONS: Record<LicenseAction, ActionSpec> = {
  activate: {
    label: 'Activate',
    permission: 'licenses:write',
    when: ['pending'],
    confirm: 'The license starts now and devices can activate it.',
  },
  suspend: {
    label: 'Suspend',
    permission: 'licenses:write',
    when: ['active', 'pending'],
    tone: 'danger',
    confirm: 'Devices stop validating until the license is reinstated.',
    input: 'reason',
  },
  reinstate: {
    label: 'Reinstate',
    permission: 'licenses:write',
    when: ['suspended'],
    confirm: 'Devices validate again at their next check.',
  },
  renew: {
    label: 'Renew',
    permission: 'licenses:write',
    when: ['active', 'expired', 'suspended'],
    confirm: 'Extends the expiry date by the given number of days.',
    input: 'days',
  },
  transfer: {
    label: 'Transfer',
    permission: 'licenses:write',
    when: ['active', 'pending', 'suspended', 'expired'],
    confirm: 'Moves the license to another customer.',
    input: 'customer',
  },
  'change-plan': {
    label: 'Change plan',
    permission: 'licenses:write',
    when: ['active', 'pending', 'suspended'],
    confirm: "Replaces the license's features, limits and device count with the new plan's.",
    input: 'plan',
  },
  'regenerate-key': {
    label: 'Regenerate key',
    permission: 'licenses:write',
    when: ['active', 'pending', 'suspended'],
    tone: 'danger',
    confirm:
      'The old key stops working at once and the devices activated with it are signed out; give the customer the new one.',
  },
  revoke: {
    label: 'Revoke',
    permission: 'licenses:revoke',
    when: ['active', 'pending', 'suspended', 'expired'],
    tone: 'danger',
    confirm: 'Revoking is permanent: every device loses access and the license cannot be reinstated.',
    input: 'reason',
  },
};

function ActionButton({ action, onClick }: { action: LicenseAction; onClick: () => void }) {
  const spec = ACTIONS[action];
  const allowed = useCan(spec.permission);
  if (!allowed) return null;
  return (
    <Button size="sm" variant={spec.tone === 'danger' ? 'danger' : 'secondary'} onClick={onClick}>
      {spec.label}
    </Button>
  );
}

function ActionDialog({
  license,
  action,
  onClose,
}: {
  license: License;
  action: LicenseAction | null;
  onClose: () => void;
}) {
  const spec = action ? ACTIONS[action] : null;
  const toast = useToast();
  const invalidate = useInvalidate();
  const plans = usePlanOptions();
  const [value, setValue] = useState('');
  const { busy, error, run } = useSubmit();

  const confirm = async () => {
    if (!action || !spec) return;
    await run(async () => {
      let body: Record<string, unknown> | undefined;
      if (spec.input === 'reason') body = value.trim() ? { reason: value.trim() } : {};
      if (spec.input === 'days') body = { duration_days: Number(value || 365) };
      if (spec.input === 'plan') body = { plan_id: value || plans.data?.[0]?.id };
      if (spec.input === 'customer') body = { customer_id: (await findCustomerByEmail(value)).id };
      const result = await requestJson<License & { seats_ended?: number }>(
        `/api/v1/licenses/${license.id}/${action}`,
        {
          method: 'POST',
          body: body ?? {},
        },
      );
      await invalidate('/api/v1/licenses', '/api/v1/events', '/api/v1/analytics');
      toast({
        tone: 'success',
        title: `${spec.label}: done`,
        description:
          action === 'regenerate-key' && result.key
            ? `New key: ${result.key} (${result.seats_ended ?? 0} device(s) signed out)`
            : `License is now ${result.effective_status ?? result.status}.`,
        duration: action === 'regenerate-key' ? 0 : 5000,
      });
      setValue('');
      onClose();
    });
  };

  return (
    <Dialog
      open={action !== null}
      onClose={busy ? () => {} : onClose}
      role="alertdialog"
      title={spec ? `${spec.label} license ••••${license.key_last4}?` : ''}
      description={spec?.confirm}
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button variant={spec?.tone ?? 'primary'} onClick={confirm} loading={busy}>
            {spec?.label}
          </Button>
        </>
      }
    >
      <form
        className="flex flex-col gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void confirm();
        }}
      >
        {spec?.input === 'reason' && (
          <Input label="Reason (optional)" value={value} onChange={(e) => setValue(e.target.value)} />
        )}
        {spec?.input === 'days' && (
          <Input
            label="Extend by (days)"
            type="number"
            min={1}
            placeholder="365"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
        {spec?.input === 'customer' && (
          <Input
            label="New customer's email"
            type="email"
            required
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
        {spec?.input === 'plan' && (
          <Select
            label="New plan"
            options={(plans.data ?? [])
              .filter((p) => p.id !== license.plan_id)
              .map((p) => ({ value: p.id, label: p.name }))}
            placeholder="Choose a plan"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
        <FormError>{error}</FormError>
      </form>
    </Dialog>
  );
}

function DeviceActions({ device }: { device: Activation }) {
  const canDeactivate = useCan('activations:deactivate');
  const canBlock = useCan('devices:block');
  const canIssueCode = useCan('emergency_codes:write');
  const confirm = usePending<'deactivate' | 'block'>();
  const invalidate = useInvalidate();
  const toast = useToast();
  if (device.status !== 'active' || (!canDeactivate && !canBlock && !canIssueCode)) return null;
  const run = async () => {
    const action = confirm.pending;
    await requestJson(`/api/v1/activations/${device.id}/${action}`, {
      method: 'POST',
      body: action === 'block' ? { reason: 'blocked_by_staff' } : {},
    });
    await invalidate('/api/v1/activations', '/api/v1/licenses', '/api/v1/device-blocks');
    toast({ tone: 'success', title: action === 'block' ? 'Device blocked' : 'Device deactivated' });
  };
  return (
    <div className="flex justify-end gap-2">
      <EmergencyCodeButton device={device} />
      {canDeactivate && (
        <Button size="sm" variant="secondary" onClick={() => confirm.open('deactivate')}>
          Deactivate
        </Button>
      )}
      {canBlock && (
        <Button size="sm" variant="danger" onClick={() => confirm.open('block')}>
          Block
        </Button>
      )}
      <ConfirmDialog
        open={confirm.pending !== null}
        onClose={confirm.close}
        title={confirm.pending === 'block' ? 'Block this device?' : 'Deactivate this device?'}
        description={
          confirm.pending === 'block'
            ? 'The device is deactivated and can never activate a license of this account again.'
            : 'The seat is freed; the device can activate again later.'
        }
        confirmLabel={confirm.pending === 'block' ? 'Block device' : 'Deactivate'}
        tone="danger"
        onConfirm={run}
      />
    </div>
  );
}

export const deviceColumns: Column<Activation>[] = [
  {
    id: 'device',
    header: 'Device',
    cell: (a) => <NameCell name={a.machine_name ?? a.hostname ?? a.device_id} sub={a.device_id} mono />,
  },
  { id: 'platform', header: 'Platform', cell: (a) => a.platform ?? '—', secondary: true },
  { id: 'version', header: 'App', cell: (a) => a.app_version ?? '—', secondary: true },
  { id: 'status', header: 'Status', cell: (a) => <StatusBadge status={a.status} /> },
  {
    id: 'seats',
    header: 'Seats',
    cell: (a) => (
      <span>
        {a.seats}
        {a.user_ref && <span className="block text-xs text-zinc-500">{a.user_ref}</span>}
        {a.lease_expires_at && a.status === 'active' && (
          <span className="flex items-center gap-1 text-xs text-zinc-500">
            <time dateTime={a.lease_expires_at}>lease until {formatDateTime(a.lease_expires_at)}</time>
            {new Date(a.lease_expires_at).getTime() < Date.now() && (
              <Badge tone="warning" className="ml-1">
                lapsed
              </Badge>
            )}
          </span>
        )}
      </span>
    ),
    secondary: true,
  },
  {
    id: 'heartbeat',
    header: 'Last seen',
    cell: (a) => (
      <time
        dateTime={a.last_heartbeat_at ?? a.activated_at}
        title={formatDateTime(a.last_heartbeat_at ?? a.activated_at)}
      >
        {formatRelative(a.last_heartbeat_at ?? a.last_validated_at ?? a.activated_at)}
      </time>
    ),
  },
  {
    id: 'actions',
    header: <span className="sr-only">Actions</span>,
    align: 'right',
    cell: (a) => <DeviceActions device={a} />,
  },
];

/**
 * The license's effective policy in brief: the fields that matter under it (lease fields only for floating
 * seats, and so on), the ones set by the plan or the license marked.
 */
function PolicySummary({ policy, overrides }: { policy: Policy; overrides: Record<string, unknown> }) {
  const shown = POLICY_KEYS.filter((k) => POLICY_FIELDS[k].applies?.(policy) ?? true);
  return (
    <dl
      className="grid gap-x-6 gap-y-1.5 text-xs sm:grid-cols-2 lg:grid-cols-3"
      aria-label="Effective policy"
    >
      {shown.map((k) => (
        <div key={k} className="flex justify-between gap-2 border-b border-zinc-100 py-1">
          <dt className="text-zinc-500">{POLICY_FIELDS[k].label}</dt>
          <dd className="text-right font-medium text-zinc-900">
            {policyValueLabel(k, policy[k])}
            {k in overrides && (
              <span className="ml-1 font-normal text-brand-700" title="Set by the plan or the license">
                (set)
              </span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Seats in use against the limit, with the overage allowance. */
function SeatsUsed({ license, devices }: { license: License; devices: Activation[] | undefined }) {
  const policy = license.effective_policy;
  if (policy.seat_unit === 'none') return <>Not counted ({devices?.length ?? 0} devices listed)</>;
  const used = devices?.filter((d) => d.status === 'active').reduce((n, d) => n + d.seats, 0);
  const ceiling = seatCeiling(policy, license.max_activations);
  return (
    <>
      <span data-testid="seats-used">
        {used ?? '…'} / {license.max_activations == null ? '∞' : license.max_activations}
      </span>
      {ceiling !== null && ceiling > (license.max_activations ?? 0) && (
        <span className="ml-1 text-xs text-zinc-500">
          (overage {policy.overage}: up to {ceiling})
        </span>
      )}
      {used !== undefined && license.max_activations != null && used > license.max_activations && (
        <Badge tone="warning" className="ml-2">
          Over the limit
        </Badge>
      )}
    </>
  );
}

interface UsageLine {
  name: string;
  used: number;
  limit: number | null;
  percentage: number | null;
  period: string;
  reset_at: string | null;
}
interface LicenseUsage {
  usage: UsageLine[];
  alerts: Array<{ type: string; severity: string; message: string }>;
  recommendations: Array<{ type: string; message: string }>;
}

/** One bar per limit; amber from 75 %, red from 90 % (the alert thresholds). */
function UsageBars({ usage }: { usage: LicenseUsage }) {
  if (usage.usage.length === 0)
    return (
      <EmptyState icon="search" title="Nothing metered" description="This license has no usage limits." />
    );
  return (
    <div className="space-y-3">
      {usage.usage.map((u) => {
        const pct = Math.min(100, u.percentage ?? 0);
        const tone = pct >= 90 ? 'bg-red-500' : pct >= 75 ? 'bg-amber-500' : 'bg-emerald-500';
        return (
          <div key={u.name}>
            <div className="flex justify-between text-sm">
              <span className="font-medium">{u.name}</span>
              <span className="text-slate-600">
                {formatNumber(u.used)} / {u.limit === null ? 'unlimited' : formatNumber(u.limit)} ({u.period})
              </span>
            </div>
            <div
              className="mt-1 h-2 w-full rounded bg-slate-200"
              role="progressbar"
              aria-label={`${u.name} usage`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(pct)}
            >
              <div className={`h-2 rounded ${tone}`} style={{ width: `${pct}%` }} />
            </div>
          </div>
        );
      })}
      {usage.alerts.map((a) => (
        <p key={a.type + a.message} className="text-sm text-amber-700" role="status">
          {a.message}
        </p>
      ))}
      {usage.recommendations.map((r) => (
        <p key={r.type + r.message} className="text-sm text-slate-600">
          {r.message}
        </p>
      ))}
    </div>
  );
}

function FeatureList({ features, limits }: { features: Feature[]; limits: Record<string, number | null> }) {
  if (features.length === 0 && Object.keys(limits).length === 0)
    return <EmptyState icon="search" title="No features or limits" description="The plan grants none." />;
  return (
    <div className="flex flex-col gap-4">
      <ul className="grid gap-2 sm:grid-cols-2">
        {features.map((f) => (
          <li
            key={f.feature_id}
            className="flex items-center justify-between gap-2 rounded-md border border-zinc-200 px-3 py-2 text-sm"
          >
            <span>
              <span className="font-medium text-zinc-900">{f.name}</span>{' '}
              <span className="font-mono text-xs text-zinc-500">{f.feature_id}</span>
            </span>
            <span className="flex items-center gap-2">
              {f.limit_value != null && (
                <span className="text-xs text-zinc-600">
                  {formatNumber(f.limit_value)}
                  {f.period ? ` / ${f.period}` : ''}
                </span>
              )}
              {f.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
            </span>
          </li>
        ))}
      </ul>
      {Object.keys(limits).length > 0 && (
        <dl className="grid gap-2 text-sm sm:grid-cols-3">
          {Object.entries(limits).map(([name, v]) => (
            <div key={name} className="rounded-md bg-zinc-50 px-3 py-2">
              <dt className="text-zinc-500">{name}</dt>
              <dd className="font-medium text-zinc-900">{v == null ? 'Unlimited' : formatNumber(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

/** One license: key, status, devices, entitlements, history and the staff actions. */
export function LicenseDetailPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const [action, setAction] = useState<LicenseAction | null>(null);
  const license = useQuery({
    queryKey: ['/api/v1/licenses', id],
    queryFn: ({ signal }) => requestJson<License>(`/api/v1/licenses/${id}`, { signal }),
  });
  const devices = useQuery({
    queryKey: ['/api/v1/licenses', id, 'activations'],
    queryFn: ({ signal }) =>
      requestJson<Page<Activation>>(`/api/v1/licenses/${id}/activations`, {
        query: { limit: 100, offset: 0 },
        signal,
      }),
  });
  const usage = useQuery({
    queryKey: ['/api/v1/licenses', id, 'usage'],
    queryFn: ({ signal }) => requestJson<LicenseUsage>(`/api/v1/licenses/${id}/usage`, { signal }),
  });
  const events = useQuery({
    queryKey: ['/api/v1/events', { subject_id: id }],
    queryFn: ({ signal }) =>
      requestJson<Page<AuditEvent>>('/api/v1/events', {
        query: { subject_id: id, limit: 25, offset: 0 },
        signal,
      }),
  });
  // A seat over the limit is an event of the seat (its subject) made by the license (its actor).
  const overages = useQuery({
    queryKey: ['/api/v1/events', { actor_id: id, type: 'license.overage' }],
    queryFn: ({ signal }) =>
      requestJson<Page<AuditEvent>>('/api/v1/events', {
        query: { actor_id: id, type: 'license.overage', limit: 25, offset: 0 },
        signal,
      }),
  });
  const history =
    events.data &&
    [...events.data.data, ...(overages.data?.data ?? [])].sort((a, b) =>
      b.created_at.localeCompare(a.created_at),
    );

  if (license.isError)
    return (
      <Card>
        <ErrorState
          error={license.error}
          onRetry={() => void license.refetch()}
          title="Could not load this license"
        />
      </Card>
    );
  const l = license.data;
  const status = l?.effective_status ?? l?.status ?? '';
  const actions = (Object.keys(ACTIONS) as LicenseAction[]).filter((a) =>
    ACTIONS[a].when.includes(l?.status ?? ''),
  );

  return (
    <>
      <PageHeader
        title={l ? `License ••••${l.key_last4}` : 'License'}
        description={
          <Link to="/licenses" className="text-brand-700 hover:underline">
            ← All licenses
          </Link>
        }
        actions={l && actions.map((a) => <ActionButton key={a} action={a} onClick={() => setAction(a)} />)}
      />
      <div className="flex flex-col gap-6">
        <Card title="Summary">
          {!l ? (
            <Skeleton className="h-24 w-full" />
          ) : (
            <dl className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
              <div className="sm:col-span-2">
                <dt className="text-zinc-500">License key</dt>
                <dd className="mt-1 font-mono break-all text-zinc-900" data-testid="license-key">
                  {l.key ?? l.key_masked}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Status</dt>
                <dd className="mt-1" data-testid="license-status">
                  <StatusBadge status={status} />
                  {l.status_reason && <span className="ml-2 text-xs text-zinc-500">{l.status_reason}</span>}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Plan</dt>
                <dd className="mt-1 font-medium">{l.plan_name}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Customer</dt>
                <dd className="mt-1">
                  {l.customer_id ? (
                    <Link
                      to="/customers/$id"
                      params={{ id: l.customer_id }}
                      className="text-brand-700 hover:underline"
                    >
                      {l.customer_company || l.customer_email || <CustomerName id={l.customer_id} />}
                    </Link>
                  ) : (
                    'Unassigned'
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Expires</dt>
                <dd className="mt-1" data-testid="license-term">
                  {termLabel(l, formatDate)}
                  {l.days_remaining != null && (
                    <span className="ml-1 text-xs text-zinc-500">({l.days_remaining} days)</span>
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">
                  Seats ({policyValueLabel('seat_unit', l.effective_policy.seat_unit).toLowerCase()})
                </dt>
                <dd className="mt-1">
                  <SeatsUsed license={l} devices={devices.data?.data} />
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Type</dt>
                <dd className="mt-1">
                  {l.license_type} · {l.license_model}
                </dd>
              </div>
              {l.maintenance_expires_at && (
                <div>
                  <dt className="text-zinc-500">Maintenance until</dt>
                  <dd className="mt-1">{formatDate(l.maintenance_expires_at)}</dd>
                </div>
              )}
            </dl>
          )}
        </Card>
        {l && (
          <Card
            title="Policy"
            description="What this license lives by: its type and model's defaults, then the plan's and its own changes (set)."
          >
            <PolicySummary policy={l.effective_policy} overrides={l.policy} />
          </Card>
        )}
        {l?.effective_policy.seat_unit === 'named_users' && (
          <NamedUsersCard licenseId={l.id} max={l.max_activations} />
        )}
        <Card title="Devices" flush>
          {devices.isError ? (
            <ErrorState error={devices.error} onRetry={() => void devices.refetch()} />
          ) : (
            <DataTable
              caption="Devices of this license"
              columns={deviceColumns}
              rows={devices.data?.data}
              rowKey={(a) => a.id}
              loading={devices.isPending}
              empty={
                <EmptyState
                  title="No devices yet"
                  description="Devices appear here when they activate the key."
                />
              }
            />
          )}
        </Card>
        {l && <EmergencyCodesCard licenseId={l.id} devices={devices.data?.data} />}
        {l && <OfflineActivationCard licenseId={l.id} />}
        <Card title="Usage">
          {usage.isError ? (
            <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />
          ) : usage.data ? (
            <UsageBars usage={usage.data} />
          ) : (
            <Skeleton className="h-16 w-full" />
          )}
        </Card>
        <Card title="Features and limits">
          {l ? (
            <FeatureList features={l.features as unknown as Feature[]} limits={l.limits} />
          ) : (
            <Skeleton className="h-16 w-full" />
          )}
        </Card>
        <Card title="History" flush>
          {events.isError ? (
            <ErrorState error={events.error} onRetry={() => void events.refetch()} />
          ) : (
            <DataTable
              caption="Events of this license"
              columns={eventColumns}
              rows={history}
              rowKey={(e) => e.id}
              loading={events.isPending}
              empty={<EmptyState title="No events" />}
            />
          )}
        </Card>
      </div>
      {l && <ActionDialog license={l} action={action} onClose={() => setAction(null)} />}
    </>
  );
}
