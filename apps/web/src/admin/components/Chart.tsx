import { formatDate, formatNumber } from '../../lib/format';

export interface Series {
  label: string;
  color: string;
  points: { at: string; value: number }[];
}

/**
 * Small dependency-free SVG line chart (per-day counts). Each series also renders as a visually hidden
 * table so screen readers get the numbers.
 */
export function LineChart({ series, days = 30 }: { series: Series[]; days?: number }) {
  const width = 600;
  const height = 160;
  const pad = 24;
  const end = new Date();
  end.setUTCHours(0, 0, 0, 0);
  const buckets = Array.from({ length: days }, (_, i) => {
    const d = new Date(end.getTime() - (days - 1 - i) * 86_400_000);
    return d.toISOString().slice(0, 10);
  });
  const values = series.map((s) => {
    const byDay = new Map(s.points.map((p) => [p.at.slice(0, 10), p.value]));
    return buckets.map((b) => byDay.get(b) ?? 0);
  });
  const max = Math.max(1, ...values.flat());
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, days - 1);
  const y = (v: number) => height - pad - (v * (height - 2 * pad)) / max;

  return (
    <figure>
      <svg viewBox={`0 0 ${width} ${height}`} className="h-40 w-full" aria-hidden="true">
        <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} stroke="#e4e4e7" />
        <text x={pad} y={12} fontSize="10" fill="#71717a">
          {formatNumber(max)}
        </text>
        <text x={pad} y={height - 6} fontSize="10" fill="#71717a">
          {formatDate(`${buckets[0]}T12:00:00Z`)}
        </text>
        <text x={width - pad} y={height - 6} fontSize="10" fill="#71717a" textAnchor="end">
          {formatDate(`${buckets[buckets.length - 1]}T12:00:00Z`)}
        </text>
        {values.map((vals, si) => (
          <polyline
            key={series[si]?.label}
            fill="none"
            stroke={series[si]?.color}
            strokeWidth="2"
            points={vals.map((v, i) => `${x(i)},${y(v)}`).join(' ')}
          />
        ))}
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs text-zinc-600">
        {series.map((s, si) => (
          <span key={s.label} className="inline-flex items-center gap-1">
            <span className="inline-block size-2 rounded-full" style={{ background: s.color }} />
            {s.label}: {formatNumber(values[si]?.reduce((a, b) => a + b, 0) ?? 0)}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
