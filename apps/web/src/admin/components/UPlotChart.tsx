import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: (number | null)[];
  /** Bars instead of a line (peak hours, counts per period). */
  bars?: boolean;
  /** Drawn against a second y axis on the right (ARR next to MRR). */
  right?: boolean;
}

export interface UPlotChartProps {
  /** X values: unix seconds when `time`, otherwise plain numbers (an hour of the day). */
  x: number[];
  series: ChartSeries[];
  /** Accessible name of the figure; the numbers are in the table next to it. */
  label: string;
  time?: boolean;
  height?: number;
  /** Formats a y value for the axis and the legend (money, counts). */
  format?: (value: number) => string;
  /** The legend's name of x when not `time` ("Hour"). */
  xLabel?: string;
  /** Formats an x value for the legend when not `time`. */
  formatX?: (value: number) => string;
}

/**
 * A uPlot chart (canvas, ~45 KiB) sized to its container. It redraws when the data change and follows
 * the container's width. Decorative for screen readers: every chart sits next to a table with its data.
 */
export function UPlotChart({
  x,
  series,
  label,
  time = true,
  height = 220,
  format,
  formatX,
  xLabel = 'x',
}: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const bars = uPlot.paths.bars?.({ size: [0.6, 48] });
    const fmt = format ?? ((v: number) => String(v));
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height,
        scales: { x: { time } },
        legend: { show: true, live: true },
        cursor: { drag: { x: false, y: false } },
        axes: [
          {
            stroke: '#71717a',
            grid: { stroke: '#f4f4f5' },
            ...(time
              ? {}
              : { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (formatX ?? String)(t)) }),
          },
          {
            stroke: '#71717a',
            grid: { stroke: '#f4f4f5' },
            size: 64,
            values: (_u: uPlot, ticks: number[]) => ticks.map(fmt),
          },
          ...(series.some((s) => s.right)
            ? [
                {
                  scale: 'right',
                  side: 1,
                  stroke: '#71717a',
                  grid: { show: false },
                  size: 64,
                  values: (_u: uPlot, ticks: number[]) => ticks.map(fmt),
                },
              ]
            : []),
        ],
        series: [
          time
            ? {}
            : {
                label: xLabel,
                value: (_u: uPlot, v: number | null) => (v == null ? '—' : (formatX ?? String)(v)),
              },
          ...series.map((s) => ({
            label: s.label,
            scale: s.right ? 'right' : 'y',
            stroke: s.color,
            width: s.bars ? 1 : 2,
            fill: s.bars ? `${s.color}cc` : undefined,
            paths: s.bars ? bars : undefined,
            points: { show: false },
            value: (_u: uPlot, v: number | null) => (v == null ? '—' : fmt(v)),
          })),
        ],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => {
      const width = Math.max(200, el.clientWidth);
      if (width !== plot.width) plot.setSize({ width, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, height, time, format, formatX, xLabel]);

  return <div ref={box} role="img" aria-label={label} className="w-full overflow-hidden" />;
}
