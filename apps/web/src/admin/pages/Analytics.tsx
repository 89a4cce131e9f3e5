import { useState } from 'react';
import { cx, focusRing, PageHeader } from '../../ui';
import { RevenueTab } from '../analytics/RevenueTab';
import { UsageTab } from '../analytics/UsageTab';

const TABS = [
  { id: 'revenue', label: 'Revenue' },
  { id: 'usage', label: 'Usage' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** Revenue (MRR, movements, churn, by plan) and usage (activity, seats, features, versions) analytics. */
export function AnalyticsPage() {
  const [tab, setTab] = useState<Tab>('revenue');
  const move = (by: number) => {
    const next = TABS[(TABS.findIndex((t) => t.id === tab) + by + TABS.length) % TABS.length]!.id;
    setTab(next);
    document.getElementById(`analytics-tab-${next}`)?.focus();
  };
  return (
    <>
      <PageHeader title="Analytics" description="Revenue and usage, with every table as CSV." />
      <div role="tablist" aria-label="Analytics" className="mb-6 flex gap-1 border-b border-zinc-200">
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`analytics-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`analytics-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight') move(1);
              if (e.key === 'ArrowLeft') move(-1);
            }}
            className={cx(
              '-mb-px border-b-2 px-4 py-2 text-sm font-medium',
              focusRing,
              tab === t.id
                ? 'border-brand-600 text-brand-700'
                : 'border-transparent text-zinc-600 hover:text-zinc-900',
            )}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`analytics-panel-${tab}`} aria-labelledby={`analytics-tab-${tab}`}>
        {tab === 'revenue' ? <RevenueTab /> : <UsageTab />}
      </div>
    </>
  );
}
