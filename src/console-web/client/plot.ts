// The geometry of the budget plot: samples of used/limit over time as an SVG polyline. Pure, tested in Node.
export interface Sample {
  at: number;
  share: number;
}

export interface PlotGeometry {
  points: string;
  /** y of a share, for threshold lines. */
  y(share: number): number;
}

export function plotGeometry(samples: readonly Sample[], width: number, height: number): PlotGeometry {
  const first = samples[0]?.at ?? 0;
  const last = samples.at(-1)?.at ?? first;
  const span = Math.max(last - first, 1);
  const y = (share: number) => round(height - Math.min(Math.max(share, 0), 1) * height);
  const x = (at: number) => (samples.length === 1 ? width : round(((at - first) / span) * width));
  return { points: samples.map((s) => `${x(s.at)},${y(s.share)}`).join(' '), y };
}

/** Adds a sample when the usage report is new; keeps the newest `max`. */
export function addSample(samples: readonly Sample[], sample: Sample, max = 500): Sample[] {
  if (samples.some((s) => s.at === sample.at)) return [...samples];
  return [...samples, sample].sort((a, b) => a.at - b.at).slice(-max);
}

const round = (n: number) => Math.round(n * 10) / 10;

export interface Bar {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One bar per value (a day), left to right, scaled so `max` fills the height (clamped); a missing value has no bar. */
export function barGeometry(
  values: ReadonlyArray<number | null>,
  width: number,
  height: number,
  max: number,
): Array<Bar | null> {
  const slot = width / Math.max(values.length, 1);
  return values.map((value, i) => {
    if (value === null) return null;
    // A day with any use shows at least a sliver, so it is told from a day without a figure.
    const h = value > 0 ? Math.max(1, round((Math.min(value, max) / (max || 1)) * height)) : 0;
    return { x: round(i * slot + slot * 0.15), y: round(height - h), width: round(slot * 0.7), height: h };
  });
}

/** The top of an axis for values up to `value`: 1, 2 or 5 times a power of ten (at least 1). */
export function niceMax(value: number): number {
  if (!(value > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}
