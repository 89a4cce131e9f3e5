import { useQuery } from '@tanstack/react-query';
import { requestJson } from '../../api/client';
import { Button, Input, Select } from '../../ui';
import {
  type ChoiceField,
  type NumberField,
  POLICY_FIELDS,
  POLICY_GROUPS,
  POLICY_KEYS,
  POLICY_PRESETS,
  type Policy,
  type PolicyDefaults,
  type PolicyKey,
  type PolicyOverrides,
  type PolicyPreset,
  policyOptionHelp,
  policyValueLabel,
  type SwitchField,
} from '../policy';

/** The server's defaults per license type × model (its own `policyDefaults()`; they never change at run time). */
export const policyDefaultsQuery = {
  queryKey: ['/api/v1/plans/policy-defaults'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    requestJson<PolicyDefaults>('/api/v1/plans/policy-defaults', { signal }),
  staleTime: Number.POSITIVE_INFINITY,
};

/** The help under a field: what it is, what the chosen value does, and whether it is the default. */
function FieldHint({ help, value, chosen, fallback, spec, k }: HintProps) {
  const shown = chosen === undefined ? fallback : chosen;
  const optionHelp = policyOptionHelp(k, shown);
  const isDefault = chosen === undefined || chosen === fallback;
  return (
    <>
      <span className="block">{help}</span>
      {optionHelp && (
        <span className="block text-zinc-700">
          {value}: {optionHelp}
        </span>
      )}
      <span className="block">
        {fallback === undefined && spec.kind !== 'number'
          ? null
          : isDefault
            ? `Default for this license type: ${policyValueLabel(k, fallback)}.`
            : `Changed from the default (${policyValueLabel(k, fallback)}).`}
      </span>
    </>
  );
}
interface HintProps {
  k: PolicyKey;
  spec: ChoiceField | SwitchField | NumberField;
  help: string;
  value: string;
  chosen: unknown;
  fallback: unknown;
}

/**
 * The plan's policy: the presets, then every field grouped, each with its help line and the help of the
 * chosen option, showing the license type × model default; only what the vendor changes is kept.
 */
export function PolicyEditor({
  type,
  model,
  values,
  onChange,
  onPreset,
}: {
  type: string;
  model: string;
  values: PolicyOverrides;
  onChange: (values: PolicyOverrides) => void;
  onPreset: (preset: PolicyPreset) => void;
}) {
  const defaults: Policy | undefined = useQuery(policyDefaultsQuery).data?.[type]?.[model];
  const set = (k: PolicyKey, v: unknown) => {
    const next: Record<string, unknown> = { ...values };
    if (v === undefined || (defaults && v === defaults[k])) delete next[k];
    else next[k] = v;
    onChange(next as PolicyOverrides);
  };
  const changed = POLICY_KEYS.filter((k) => values[k] !== undefined && values[k] !== defaults?.[k]);

  return (
    <fieldset className="flex flex-col gap-3" aria-label="Policy">
      <legend className="mb-1 text-sm font-semibold text-zinc-900">Policy</legend>
      <p className="text-xs text-zinc-500">
        A preset sets the license type, model, seats, duration and policy in one go; every field below starts
        at the default of the license type and model, and only what you change is saved.
      </p>
      <div className="flex flex-wrap gap-2">
        {POLICY_PRESETS.map((p) => (
          <Button
            key={p.label}
            type="button"
            variant="secondary"
            size="sm"
            title={p.description}
            onClick={() => onPreset(p)}
          >
            {p.label}
          </Button>
        ))}
      </div>
      {POLICY_GROUPS.map((group) => (
        <div key={group} className="flex flex-col gap-2">
          <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{group}</h3>
          <div className="grid gap-3 sm:grid-cols-2">
            {POLICY_KEYS.filter((k) => POLICY_FIELDS[k].group === group).map((k) => {
              const spec = POLICY_FIELDS[k] as ChoiceField | SwitchField | NumberField;
              const chosen = values[k];
              const fallback = defaults?.[k];
              const shown = chosen === undefined ? fallback : chosen;
              const hint = (
                <FieldHint
                  k={k}
                  spec={spec}
                  help={spec.help}
                  value={policyValueLabel(k, shown)}
                  chosen={chosen}
                  fallback={fallback}
                />
              );
              if (spec.kind === 'number')
                return (
                  <Input
                    key={k}
                    label={spec.label}
                    hint={hint}
                    type="number"
                    min={spec.min}
                    max={spec.max}
                    placeholder={fallback === null ? (spec.empty ?? '') : String(fallback ?? '')}
                    value={chosen === undefined || chosen === null ? '' : String(chosen)}
                    onChange={(e) => set(k, e.target.value === '' ? undefined : Number(e.target.value))}
                  />
                );
              const options =
                spec.kind === 'switch'
                  ? [
                      { value: 'true', label: 'Required' },
                      { value: 'false', label: 'Optional' },
                    ]
                  : Object.entries(spec.options).map(([value, [label]]) => ({ value, label }));
              return (
                <Select
                  key={k}
                  label={spec.label}
                  hint={hint}
                  placeholder={shown === undefined ? 'Default' : undefined}
                  options={options.map((o) => ({
                    ...o,
                    label: o.value === String(fallback) ? `${o.label} (default)` : o.label,
                  }))}
                  value={shown === undefined ? '' : String(shown)}
                  onChange={(e) => {
                    const v = e.target.value;
                    set(k, spec.kind === 'switch' ? (v === '' ? undefined : v === 'true') : v || undefined);
                  }}
                />
              );
            })}
          </div>
        </div>
      ))}
      {changed.length > 0 && (
        <div className="flex items-center justify-between gap-2 text-xs text-zinc-600">
          <span>
            Saved as overrides:{' '}
            {changed.map((k) => `${POLICY_FIELDS[k].label} ${policyValueLabel(k, values[k])}`).join(' · ')}
          </span>
          <Button type="button" size="sm" variant="ghost" onClick={() => onChange({})}>
            Back to the defaults
          </Button>
        </div>
      )}
    </fieldset>
  );
}
