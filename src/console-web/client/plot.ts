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
