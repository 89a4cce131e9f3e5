import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { requestJson } from '../../api/client';
import type { Plan, PlanFeature, PlanInput } from '../../api/resources';
import { formatMoney, formatNumber } from '../../lib/format';
import {
  Badge,
  Button,
  type Column,
  ConfirmDialog,
  Dialog,
  Input,
  NameCell,
  PageHeader,
  Select,
  useToast,
} from '../../ui';
import { statusLabel } from '../../ui/StatusBadge';
import { ListView } from '../components/ListView';
import { PolicyEditor, policyDefaultsQuery } from '../components/PolicyEditor';
import { useCan, useInvalidate, usePending, useSubmit } from '../hooks';
import { type PolicyOverrides, policyOverrides } from '../policy';

const LICENSE_TYPES = [
  'subscription',
  'perpetual',
  'trial',
  'evaluation',
  'concurrent',
  'named_user',
] as const;
const LICENSE_MODELS = ['per_device', 'per_seat', 'per_cpu', 'per_core', 'site', 'enterprise'] as const;

function PlanActions({ plan, onEdit }: { plan: Plan; onEdit: (p: Plan) => void }) {
  const confirm = usePending<'duplicate' | 'archive'>();
  const toast = useToast();
  const invalidate = useInvalidate();
  if (!useCan('plans:write')) return null;
  const run = async () => {
    const action = confirm.pending;
    if (action === 'duplicate') {
      const copy = await requestJson<Plan>(`/api/v1/plans/${plan.id}/duplicate`, {
        method: 'POST',
        body: { code: `${plan.code}-copy-${Date.now().toString(36).slice(-4)}`, name: `${plan.name} (copy)` },
      });
      toast({ tone: 'success', title: 'Plan duplicated', description: copy.name });
    } else {
      await requestJson(`/api/v1/plans/${plan.id}/archive`, { method: 'POST', body: {} });
      toast({ tone: 'success', title: 'Plan archived', description: plan.name });
    }
    await invalidate('/api/v1/plans');
  };
  return (
    <div className="flex justify-end gap-2">
      <Button size="sm" variant="secondary" onClick={() => onEdit(plan)} aria-label={`Edit ${plan.name}`}>
        Edit
      </Button>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => confirm.open('duplicate')}
        aria-label={`Duplicate ${plan.name}`}
      >
        Duplicate
      </Button>
      {!plan.archived_at && (
        <Button
          size="sm"
          variant="danger"
          onClick={() => confirm.open('archive')}
          aria-label={`Archive ${plan.name}`}
        >
          Archive
        </Button>
      )}
      <ConfirmDialog
        open={confirm.pending !== null}
        onClose={confirm.close}
        title={confirm.pending === 'archive' ? `Archive ${plan.name}?` : `Duplicate ${plan.name}?`}
        description={
          confirm.pending === 'archive'
            ? 'Existing licenses keep working; no new licenses can be issued from this plan.'
            : 'Creates an inactive copy with the same features, limits and prices.'
        }
        confirmLabel={confirm.pending === 'archive' ? 'Archive' : 'Duplicate'}
        tone={confirm.pending === 'archive' ? 'danger' : 'primary'}
        onConfirm={run}
      />
    </div>
  );
}

const columns = (onEdit: (p: Plan) => void): Column<Plan>[] => [
  {
    id: 'name',
    header: 'Plan',
    cell: (p) => <NameCell name={p.name} sub={p.code} mono />,
  },
  { id: 'type', header: 'License type', cell: (p) => statusLabel(p.license_type), secondary: true },
  {
    id: 'monthly',
    header: 'Monthly',
    align: 'right',
    className: 'tabular',
    cell: (p) => formatMoney(p.price_monthly_cents, p.currency),
  },
  {
    id: 'yearly',
    header: 'Yearly',
    align: 'right',
    className: 'tabular',
    secondary: true,
    cell: (p) => formatMoney(p.price_yearly_cents, p.currency),
  },
  {
    id: 'features',
    header: 'Features',
    align: 'right',
    className: 'tabular',
    secondary: true,
    cell: (p) => formatNumber(p.features.length),
  },
  {
    id: 'devices',
    header: 'Max devices',
    align: 'right',
    className: 'tabular',
    secondary: true,
    cell: (p) => (p.max_activations == null ? 'Unlimited' : formatNumber(p.max_activations)),
  },
  {
    id: 'visibility',
    header: 'Visibility',
    cell: (p) => (
      <div className="flex gap-1">
        {p.archived_at ? (
          <Badge>Archived</Badge>
        ) : p.active ? (
          <Badge tone="success">Active</Badge>
        ) : (
          <Badge>Inactive</Badge>
        )}
        {p.public && <Badge tone="brand">Public</Badge>}
      </div>
    ),
  },
  {
    id: 'actions',
    header: <span className="sr-only">Actions</span>,
    align: 'right',
    cell: (p) => <PlanActions plan={p} onEdit={onEdit} />,
  },
];

/** Tiers and license templates, ordered by rank. */
export function PlansPage() {
  const [editing, setEditing] = useState<Plan | 'new' | null>(null);
  const canWrite = useCan('plans:write');
  return (
    <>
      <PageHeader
        title="Plans"
        description="Tiers, prices and the entitlements each license gets."
        actions={canWrite && <Button onClick={() => setEditing('new')}>New plan</Button>}
      />
      <ListView<Plan>
        endpoint="/api/v1/plans"
        caption="Plans"
        columns={columns(setEditing)}
        searchLabel="Search by name or code"
        query={{ sort: 'rank' }}
        empty={{
          title: 'No plans yet',
          description: 'A plan defines the price, features and limits of the licenses it issues.',
        }}
      />
      {editing && <PlanEditor plan={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </>
  );
}

let rowSeq = 0;
const rowId = () => ++rowSeq;

interface FeatureRow {
  uid: number;
  feature_id: string;
  name: string;
  enabled: boolean;
  limit_value: string;
  period: string;
}
interface LimitRow {
  uid: number;
  name: string;
  value: string;
}

const toCents = (v: string) => Math.round(Number(v || 0) * 100);
const fromCents = (c: number | null | undefined) => (c ? String(c / 100) : '');

/** Create or edit a plan, with an editor for its features and numeric limits. */
function PlanEditor({ plan, onClose }: { plan: Plan | null; onClose: () => void }) {
  const toast = useToast();
  const invalidate = useInvalidate();
  const [form, setForm] = useState({
    code: plan?.code ?? '',
    name: plan?.name ?? '',
    license_type: plan?.license_type ?? 'subscription',
    license_model: plan?.license_model ?? 'per_device',
    rank: String(plan?.rank ?? ''),
    max_activations: plan?.max_activations == null ? '' : String(plan.max_activations),
    duration_days: plan?.duration_days == null ? '' : String(plan.duration_days),
    dunning_days: String(plan?.dunning_days ?? 14),
    price_monthly: fromCents(plan?.price_monthly_cents),
    price_yearly: fromCents(plan?.price_yearly_cents),
    currency: plan?.currency ?? 'usd',
    public: plan?.public ?? false,
    stripe_price_monthly: plan?.stripe_price_monthly ?? '',
    stripe_price_annual: plan?.stripe_price_annual ?? '',
    requires_approval: plan?.requires_approval ?? false,
  });
  const [features, setFeatures] = useState<FeatureRow[]>(
    ((plan?.features ?? []) as unknown as PlanFeature[]).map((f) => ({
      uid: rowId(),
      feature_id: f.feature_id,
      name: f.name,
      enabled: f.enabled,
      limit_value: f.limit_value == null ? '' : String(f.limit_value),
      period: f.period ?? '',
    })),
  );
  const [limits, setLimits] = useState<LimitRow[]>(
    Object.entries(plan?.limits ?? {}).map(([name, v]) => ({
      uid: rowId(),
      name,
      value: v == null ? '' : String(v),
    })),
  );
  const [policy, setPolicy] = useState<PolicyOverrides>({ ...(plan?.policy ?? {}) });
  const defaults = useQuery(policyDefaultsQuery).data;
  const { busy, error, run } = useSubmit();
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({
      ...form,
      [k]: e.target.type === 'checkbox' ? (e.target as HTMLInputElement).checked : e.target.value,
    });

  const submit = async () => {
    await run(async () => {
      const body: Partial<PlanInput> = {
        name: form.name.trim(),
        license_type: form.license_type as PlanInput['license_type'],
        license_model: form.license_model as PlanInput['license_model'],
        policy: policyOverrides(policy, defaults?.[form.license_type]?.[form.license_model]),
        max_activations: form.max_activations === '' ? null : Number(form.max_activations),
        duration_days: form.duration_days === '' ? null : Number(form.duration_days),
        price_monthly_cents: toCents(form.price_monthly),
        price_yearly_cents: toCents(form.price_yearly),
        currency: form.currency.trim().toLowerCase(),
        public: form.public,
        // Empty unmaps the price: Buy disappears for that cycle.
        stripe_price_monthly: form.stripe_price_monthly.trim() || null,
        stripe_price_annual: form.stripe_price_annual.trim() || null,
        requires_approval: form.requires_approval,
        features: features
          .filter((f) => f.feature_id.trim())
          .map((f) => ({
            feature_id: f.feature_id.trim(),
            name: f.name.trim() || f.feature_id.trim(),
            enabled: f.enabled,
            ...(f.limit_value !== '' ? { limit_value: Number(f.limit_value) } : {}),
            ...(f.period ? { period: f.period as NonNullable<PlanFeature['period']> } : {}),
          })),
        limits: Object.fromEntries(
          limits
            .filter((l) => l.name.trim())
            .map((l) => [l.name.trim(), l.value === '' ? null : Number(l.value)]),
        ),
      };
      if (form.rank !== '') body.rank = Number(form.rank);
      if (form.dunning_days !== '') body.dunning_days = Number(form.dunning_days);
      if (plan) {
        await requestJson(`/api/v1/plans/${plan.id}`, { method: 'PATCH', body });
      } else {
        await requestJson('/api/v1/plans', { method: 'POST', body: { ...body, code: form.code.trim() } });
      }
      await invalidate('/api/v1/plans');
      toast({ tone: 'success', title: plan ? 'Plan saved' : 'Plan created', description: form.name });
      onClose();
    });
  };

  return (
    <Dialog
      open
      onClose={busy ? () => {} : onClose}
      title={plan ? `Edit ${plan.name}` : 'New plan'}
      description={
        error ? (
          <span role="alert" className="block rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </span>
        ) : undefined
      }
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button type="submit" form="plan-form" loading={busy}>
            {plan ? 'Save plan' : 'Create plan'}
          </Button>
        </>
      }
    >
      <form
        id="plan-form"
        className="flex max-h-[65vh] flex-col gap-4 overflow-y-auto pr-1"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="grid gap-3 sm:grid-cols-2">
          <Input label="Name" required value={form.name} onChange={set('name')} />
          <Input
            label="Code"
            required
            disabled={plan !== null}
            pattern="[a-z0-9][a-z0-9_\-]*"
            hint="Lowercase letters, digits, - and _"
            value={form.code}
            onChange={set('code')}
          />
          <Select
            label="License type"
            options={LICENSE_TYPES.map((t) => ({ value: t, label: statusLabel(t) }))}
            value={form.license_type}
            onChange={set('license_type')}
          />
          <Select
            label="License model"
            options={LICENSE_MODELS.map((m) => ({ value: m, label: statusLabel(m) }))}
            value={form.license_model}
            onChange={set('license_model')}
          />
          <Input label="Rank" type="number" min={0} value={form.rank} onChange={set('rank')} />
          <Input
            label="Max seats"
            type="number"
            min={0}
            hint="Devices, cores, leases or users, by the policy. Empty = unlimited"
            value={form.max_activations}
            onChange={set('max_activations')}
          />
          <Input
            label="Duration (days)"
            type="number"
            min={1}
            hint="Empty = no expiry"
            value={form.duration_days}
            onChange={set('duration_days')}
          />
          <Input
            label="Dunning window (days)"
            type="number"
            min={0}
            max={90}
            hint="After a failed payment, a subscription's licenses keep working this long, then are suspended"
            value={form.dunning_days}
            onChange={set('dunning_days')}
          />
          <Input
            label="Monthly price"
            type="number"
            min={0}
            step="0.01"
            value={form.price_monthly}
            onChange={set('price_monthly')}
          />
          <Input
            label="Yearly price"
            type="number"
            min={0}
            step="0.01"
            value={form.price_yearly}
            onChange={set('price_yearly')}
          />
          <Input label="Currency" maxLength={3} value={form.currency} onChange={set('currency')} />
          <label className="flex items-center gap-2 self-end pb-2 text-sm">
            <input type="checkbox" checked={form.public} onChange={set('public')} className="size-4" />
            Show on the public pricing page
          </label>
          <Input
            label="Stripe price, monthly"
            placeholder="price_…"
            hint="The Stripe price id Checkout charges for monthly billing; empty: not sold monthly"
            value={form.stripe_price_monthly}
            onChange={set('stripe_price_monthly')}
          />
          <Input
            label="Stripe price, yearly"
            placeholder="price_…"
            hint="The Stripe price id for yearly billing"
            value={form.stripe_price_annual}
            onChange={set('stripe_price_annual')}
          />
          <label className="flex items-center gap-2 self-end pb-2 text-sm">
            <input
              type="checkbox"
              checked={form.requires_approval}
              onChange={set('requires_approval')}
              className="size-4"
            />
            Orders need approval before payment
          </label>
        </div>

        <PolicyEditor
          type={form.license_type}
          model={form.license_model}
          values={policy}
          onChange={setPolicy}
          onPreset={(p) => {
            setForm({
              ...form,
              license_type: p.license_type as typeof form.license_type,
              license_model: p.license_model as typeof form.license_model,
              max_activations: p.max_activations == null ? '' : String(p.max_activations),
              duration_days: p.duration_days == null ? '' : String(p.duration_days),
            });
            setPolicy(p.policy);
          }}
        />

        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-semibold text-zinc-900">Features</legend>
          {features.length === 0 && <p className="text-sm text-zinc-500">No features yet.</p>}
          {features.map((f, i) => {
            const update = (patch: Partial<FeatureRow>) =>
              setFeatures(features.map((x, j) => (j === i ? { ...x, ...patch } : x)));
            return (
              <div
                key={f.uid}
                className="grid grid-cols-2 items-end gap-2 rounded-md border border-zinc-200 p-2 sm:grid-cols-6"
              >
                <Input
                  label="Feature id"
                  value={f.feature_id}
                  onChange={(e) => update({ feature_id: e.target.value })}
                  fieldClassName="sm:col-span-2"
                />
                <Input
                  label="Feature name"
                  value={f.name}
                  onChange={(e) => update({ name: e.target.value })}
                  fieldClassName="sm:col-span-2"
                />
                <Input
                  label="Limit"
                  type="number"
                  min={0}
                  value={f.limit_value}
                  onChange={(e) => update({ limit_value: e.target.value })}
                />
                <Select
                  label="Period"
                  placeholder="—"
                  options={['hour', 'day', 'month', 'total'].map((p) => ({ value: p, label: p }))}
                  value={f.period}
                  onChange={(e) => update({ period: e.target.value })}
                />
                <label className="flex items-center gap-2 text-sm sm:col-span-3">
                  <input
                    type="checkbox"
                    className="size-4"
                    checked={f.enabled}
                    onChange={(e) => update({ enabled: e.target.checked })}
                  />
                  Enabled
                </label>
                <div className="text-right sm:col-span-3">
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setFeatures(features.filter((_, j) => j !== i))}
                    aria-label={`Remove feature ${f.feature_id || i + 1}`}
                  >
                    Remove
                  </Button>
                </div>
              </div>
            );
          })}
          <div>
            <Button
              size="sm"
              variant="secondary"
              onClick={() =>
                setFeatures([
                  ...features,
                  { uid: rowId(), feature_id: '', name: '', enabled: true, limit_value: '', period: '' },
                ])
              }
            >
              Add feature
            </Button>
          </div>
        </fieldset>

        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-semibold text-zinc-900">Limits</legend>
          {limits.map((l, i) => (
            <div key={l.uid} className="grid grid-cols-[1fr_1fr_auto] items-end gap-2">
              <Input
                label="Limit name"
                value={l.name}
                onChange={(e) =>
                  setLimits(limits.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))
                }
              />
              <Input
                label="Value"
                type="number"
                min={0}
                hint="Empty = unlimited"
                value={l.value}
                onChange={(e) =>
                  setLimits(limits.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))
                }
              />
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setLimits(limits.filter((_, j) => j !== i))}
                aria-label={`Remove limit ${l.name || i + 1}`}
              >
                Remove
              </Button>
            </div>
          ))}
          <div>
            <Button
              size="sm"
              variant="secondary"
              onClick={() => setLimits([...limits, { uid: rowId(), name: '', value: '' }])}
            >
              Add limit
            </Button>
          </div>
        </fieldset>
      </form>
    </Dialog>
  );
}
