import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { usd } from './format.js';
import type { UsageSeries } from './types.js';

const PALETTE = 9;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/** Keeps a colour per series key for the page's lifetime, so "work" stays indigo as filters change. */
const colourOf = new Map<string, number>();
function colourIndex(key: string): number {
  if (key === '(other)' || key === '(none)') return PALETTE - 1;
  let i = colourOf.get(key);
  if (i === undefined) {
    i = colourOf.size % (PALETTE - 1);
    colourOf.set(key, i);
  }
  return i;
}

/**
 * Spend per UTC day as stacked bars. uPlot draws series in order, so each series is the running sum of
 * those below it, drawn from the top of the stack down: every bar overpaints the ones beneath. The legend
 * shows each series' own value, not the running sum.
 */
export function SpendChart({ data, label }: { data: UsageSeries; label: string }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el || !data.days.length) return;
    let plot: uPlot | undefined;

    const draw = () => {
      plot?.destroy();
      const xs = data.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
      const layers = data.series;
      const cum: number[][] = [];
      layers.forEach((s, i) => cum.push(s.costUsd.map((v, d) => v + (i ? cum[i - 1][d] : 0))));
      const order = layers.map((_, i) => layers.length - 1 - i);
      const muted = cssVar('--muted');
      const grid = cssVar('--border');
      const bars = uPlot.paths.bars!({ size: [0.7, 48], gap: 1 });
      const narrow = el.clientWidth < 520;
      const opts: uPlot.Options = {
        width: Math.max(280, el.clientWidth),
        height: narrow ? 240 : 300,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        cursor: { points: { show: false }, drag: { x: false, y: false } },
        legend: { show: true, live: true },
        scales: { x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] } },
        axes: [
          { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
          { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: (_u, vals) => vals.map((v) => usd(v)), size: 64 },
        ],
        series: [
          { label: 'Day', value: (_u, v) => (v == null ? 'total' : new Date(v * 1000).toISOString().slice(0, 10)) },
          ...order.map((i) => {
            const s = layers[i];
            const colour = cssVar(`--chart-${colourIndex(s.label) + 1}`);
            return {
              label: s.label,
              stroke: colour,
              fill: colour,
              width: 0,
              paths: bars,
              points: { show: false },
              // Hovering shows that day's figure; otherwise the series' total for the range.
              value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => usd(idx == null ? s.costUsd.reduce((a, b) => a + b, 0) : s.costUsd[idx]),
            } satisfies uPlot.Series;
          }),
        ],
      };
      plot = new uPlot(opts, [xs, ...order.map((i) => cum[i])], el);
    };

    draw();
    let lastWidth = el.clientWidth;
    const ro = new ResizeObserver(() => {
      if (Math.abs(el.clientWidth - lastWidth) < 4) return;
      lastWidth = el.clientWidth;
      plot?.setSize({ width: Math.max(280, el.clientWidth), height: el.clientWidth < 520 ? 240 : 300 });
    });
    ro.observe(el);
    const mq = matchMedia('(prefers-color-scheme: dark)');
    mq.addEventListener('change', draw);
    return () => {
      ro.disconnect();
      mq.removeEventListener('change', draw);
      plot?.destroy();
    };
  }, [data]);

  if (!data.days.length) return <div class="chart-empty">No spend in this range.</div>;
  const total = data.total.costUsd.reduce((a, b) => a + b, 0);
  return <div class="chart" ref={box} role="img" aria-label={`${label}: ${usd(total)} over ${data.days.length} days`} />;
}
