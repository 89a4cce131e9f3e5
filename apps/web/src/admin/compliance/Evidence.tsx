import type { ReactNode } from 'react';
import { formatDateTime, formatNumber } from '../../lib/format';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** "seats_in_use" → "Seats in use"; "ip_count" → "IP count". */
export function evidenceLabel(key: string): string {
  const words = key
    .split('_')
    .map((w) => (w === 'ip' || w === 'ips' ? w.toUpperCase().replace('IPS', 'IPs') : w))
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function Value({ value }: { value: unknown }): ReactNode {
  if (value === null || value === undefined) return <span className="text-zinc-400">—</span>;
  if (typeof value === 'number') return <span className="tabular">{formatNumber(value)}</span>;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string')
    return ISO_TIME.test(value) && !Number.isNaN(Date.parse(value)) ? formatDateTime(value) : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="text-zinc-400">None</span>;
    if (value.every((v) => typeof v !== 'object' || v === null))
      return (
        <ul className="flex flex-wrap gap-1">
          {value.map((v, i) => (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: evidence lists may repeat a value
              key={i}
              className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-700"
            >
              {String(v)}
            </li>
          ))}
        </ul>
      );
    return (
      <ol className="flex flex-col gap-2">
        {value.map((v, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: evidence lists have no ids
          <li key={i} className="rounded border border-zinc-200 p-2">
            <Value value={v} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === 'object') return <EvidenceList evidence={value as Record<string, unknown>} nested />;
  return String(value);
}

/**
 * A violation's evidence as a readable list: labels in words, times in the reader's zone, counts
 * formatted, lists as chips, nested objects (the app's report details) as their own lists.
 */
export function EvidenceList({
  evidence,
  nested = false,
}: {
  evidence: Record<string, unknown>;
  nested?: boolean;
}) {
  const entries = Object.entries(evidence);
  if (entries.length === 0) return <p className="text-sm text-zinc-500">No evidence recorded.</p>;
  return (
    <dl
      className={
        nested
          ? 'grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]'
          : 'grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[14rem_1fr]'
      }
    >
      {entries.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className="font-medium text-zinc-500">{evidenceLabel(key)}</dt>
          <dd className="min-w-0 break-words text-zinc-900">
            <Value value={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
