import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { type ReactNode, useState } from 'react';
import { requestJson } from '../../../api/client';
import type { DemoDataResult, FirstRunStatus, License } from '../../../api/resources';
import { Button, Card, FormError, Icon, Input, useToast } from '../../../ui';
import { useCan, useInvalidate, usePlanOptions, useSubmit } from '../../hooks';
import { IntegrateStep } from './IntegrateStep';

export const firstRunQuery = {
  queryKey: ['/api/v1/first-run'],
  queryFn: ({ signal }: { signal: AbortSignal }) =>
    requestJson<FirstRunStatus>('/api/v1/first-run', { signal }),
};

/** Everything the checklist's steps change, so the overview and lists show it at once. */
const TOUCHED = [
  '/api/v1/first-run',
  '/api/v1/plans',
  '/api/v1/products',
  '/api/v1/licenses',
  '/api/v1/analytics',
];

/** Dismissal is per account and per browser: nothing on the server depends on it. */
function useDismissed(accountId: string | undefined) {
  const key = `keyward.first-run.dismissed.${accountId}`;
  const [dismissedNow, setDismissedNow] = useState(false);
  return {
    dismissed: dismissedNow || (accountId !== undefined && localStorage.getItem(key) === '1'),
    dismiss() {
      localStorage.setItem(key, '1');
      setDismissedNow(true);
    },
  };
}

function Step({
  n,
  done,
  title,
  children,
}: {
  n: number;
  done: boolean;
  title: string;
  children: ReactNode;
}) {
  return (
    <li className="flex gap-3" data-testid={`first-run-step-${n}`} data-done={done}>
      <span
        className={
          done
            ? 'grid size-7 shrink-0 place-items-center rounded-full bg-emerald-600 text-white'
            : 'grid size-7 shrink-0 place-items-center rounded-full border border-zinc-300 text-sm font-medium text-zinc-600'
        }
      >
        {done ? <Icon name="check" /> : n}
        <span className="sr-only">{done ? ' (done)' : ' (to do)'}</span>
      </span>
      <div className="flex min-w-0 flex-1 flex-col gap-2">
        <h3
          className={
            done ? 'text-sm font-medium text-zinc-500 line-through' : 'text-sm font-medium text-zinc-900'
          }
        >
          {title}
        </h3>
        {!done && children}
      </div>
    </li>
  );
}

/** A product in one line: name and code, for vendors who start from nothing. */
function NewProduct({ onDone }: { onDone: () => Promise<void> }) {
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const { busy, error, run } = useSubmit();
  const slug =
    code ||
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  const create = async () => {
    await run(async () => {
      await requestJson('/api/v1/products', { method: 'POST', body: { name: name.trim(), code: slug } });
      await onDone();
    });
  };
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        void create();
      }}
    >
      <Input label="Product name" value={name} onChange={(e) => setName(e.target.value)} required />
      <Input label="Product code" value={slug} onChange={(e) => setCode(e.target.value)} required />
      <Button type="submit" variant="secondary" loading={busy} disabled={!name.trim() || !slug}>
        Create product
      </Button>
      <FormError>{error}</FormError>
    </form>
  );
}

/**
 * The overview's first-run checklist: a catalogue, a license, the integration. Each step is ticked from
 * the account's real data (`GET /api/v1/first-run`); the card hides when all are done or it is dismissed.
 */
export function FirstRunChecklist({ accountId }: { accountId: string | undefined }) {
  const status = useQuery(firstRunQuery);
  const plans = usePlanOptions();
  const { dismissed, dismiss } = useDismissed(accountId);
  const invalidate = useInvalidate();
  const toast = useToast();
  const canLoadDemo = useCan('demo_data:load');
  const canWriteProducts = useCan('products:write');
  const canIssue = useCan('licenses:create');
  const submit = useSubmit<'demo' | 'license'>();
  const busy = submit.running;
  const error = submit.error;
  const s = status.data;
  if (!s || dismissed || (s.steps.catalogue && s.steps.license && s.steps.integrate)) return null;

  const refresh = () => invalidate(...TOUCHED);
  const run = (what: 'demo' | 'license', action: () => Promise<void>) =>
    submit.run(async () => {
      await action();
      await refresh();
    }, what);
  const loadDemo = () =>
    run('demo', async () => {
      const result = await requestJson<DemoDataResult>('/api/v1/demo-data', { method: 'POST' });
      toast({
        tone: 'success',
        title: result.created > 0 ? 'Demo data loaded' : 'The demo data was already there',
        description: `Plans ${result.plans.map((p) => p.code).join(', ')}`,
      });
    });
  const firstPlan = plans.data?.[0];
  const issueTestLicense = () =>
    run('license', async () => {
      if (!firstPlan) return;
      const license = await requestJson<License>('/api/v1/licenses', {
        method: 'POST',
        body: { plan_id: firstPlan.id, metadata: { test: true } },
      });
      toast({ tone: 'success', title: 'Test license issued', description: `••••${license.key_last4}` });
    });

  return (
    <Card
      title="Get started"
      description="Three steps from an empty account to a licensed app."
      aria-label="First-run checklist"
      actions={
        <Button variant="ghost" size="sm" onClick={dismiss}>
          Dismiss
        </Button>
      }
    >
      <ol className="flex flex-col gap-5">
        <Step n={1} done={s.steps.catalogue} title="Create a product and a plan">
          <p className="text-sm text-zinc-600">
            A product is what you license; its plans are the tiers you sell, with their features and limits.
          </p>
          {!s.has_product && canWriteProducts && <NewProduct onDone={refresh} />}
          <div className="flex flex-wrap items-center gap-2">
            {!s.has_plan && (
              <Link to="/plans" className="text-sm font-medium text-brand-700 hover:underline">
                Create a plan on the Plans page
              </Link>
            )}
            {canLoadDemo && !s.demo_loaded && (
              <Button variant="secondary" size="sm" loading={busy === 'demo'} onClick={() => void loadDemo()}>
                Load demo data
              </Button>
            )}
          </div>
          {canLoadDemo && !s.demo_loaded && (
            <p className="text-xs text-zinc-500">
              The demo data is an ERP-style app with plans free, basic, professional and enterprise; edit or
              archive it later.
            </p>
          )}
        </Step>
        <Step n={2} done={s.steps.license} title="Issue a license">
          <p className="text-sm text-zinc-600">
            A license is what a customer enters in your app. Issue one from a customer's page or{' '}
            <Link to="/licenses" className="font-medium text-brand-700 hover:underline">
              Licenses
            </Link>
            , or a test license to try the integration with.
          </p>
          {canIssue && firstPlan && (
            <Button
              variant="secondary"
              size="sm"
              className="w-fit"
              loading={busy === 'license'}
              onClick={() => void issueTestLicense()}
            >
              Issue a test license ({firstPlan.code})
            </Button>
          )}
        </Step>
        <Step n={3} done={s.steps.integrate} title="Integrate">
          <IntegrateStep status={s} />
        </Step>
      </ol>
      {error && (
        <div className="mt-4">
          <FormError>{error}</FormError>
        </div>
      )}
    </Card>
  );
}
