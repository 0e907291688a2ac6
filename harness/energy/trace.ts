// A power monitor's samples in rig time, and what they say of a window between two rig times:
// charge, energy, average and peak current, each with its ± bound.

/** One stretch of the trace: the mean and peak current the monitor saw over it. */
export interface TraceBin {
  /** Rig ms the stretch starts. */
  start: number;
  /** Rig ms it lasts. */
  duration: number;
  /** Amperes, mean over the stretch. */
  mean: number;
  /** Amperes, the highest sample in it. */
  peak: number;
  /** Amperes the mean may be off by rounding alone (half an ADC step). */
  rounding: number;
  /** Digital inputs seen high in the stretch (D0 = bit 0). */
  logic: number;
}

export class CurrentTrace {
  readonly bins: TraceBin[] = [];

  push(bin: TraceBin): void {
    this.bins.push(bin);
  }

  get start(): number | undefined {
    return this.bins[0]?.start;
  }

  get end(): number | undefined {
    const last = this.bins.at(-1);
    return last && last.start + last.duration;
  }

  /** The bins that overlap [from, to], with the rig ms of each that falls inside. */
  *overlapping(from: number, to: number): Generator<{ bin: TraceBin; inside: number }> {
    for (const bin of this.bins) {
      const inside = Math.min(to, bin.start + bin.duration) - Math.max(from, bin.start);
      if (inside > 0) yield { bin, inside };
    }
  }

  /** The highest peak within [from, to]; 0 where no bin overlaps. */
  peakBetween(from: number, to: number): number {
    let peak = 0;
    for (const { bin } of this.overlapping(from, to)) peak = Math.max(peak, bin.peak);
    return peak;
  }
}

export interface WindowEdges {
  from: number;
  to: number;
  /** Rig ms each edge may be off from where the trace puts it: the anchor's ± plus the monitor's alignment. */
  fromUncertainty: number;
  toUncertainty: number;
}

/** A figure with its ± bound, in SI units (coulombs, joules, amperes). */
export interface Bounded {
  value: number;
  uncertainty: number;
}

export interface WindowFigures {
  charge: Bounded;
  energy: Bounded;
  average: Bounded;
  peak: Bounded;
  /** Rig ms of the window. */
  duration: number;
}

const MS_PER_S = 1000;

/**
 * What the trace says of a window. The charge's ± is the rounding of every sample in it plus, at each
 * edge, the most the window could gain or lose if the edge sat anywhere within its uncertainty and a
 * bin's length (a bin's current is taken as even over it): the peak there times that span.
 */
export function windowFigures(trace: CurrentTrace, edges: WindowEdges, supplyVolts: number): WindowFigures {
  const { from, to } = edges;
  if (!(to > from)) throw new RangeError(`energy window: it must end after it starts, got ${from} to ${to} rig ms`);
  const start = trace.start;
  const end = trace.end;
  if (start === undefined || end === undefined || start > from || end < to) {
    const covered = start === undefined ? 'no samples at all' : `samples from ${seconds(start)} to ${seconds(end!)}`;
    throw new Error(`the power monitor has ${covered}, not the whole window ${seconds(from)} to ${seconds(to)} (rig time): start it before the window opens`);
  }
  let charge = 0;
  let rounding = 0;
  let peak = 0;
  let peakRounding = 0;
  for (const { bin, inside } of trace.overlapping(from, to)) {
    charge += (bin.mean * inside) / MS_PER_S;
    rounding += (bin.rounding * inside) / MS_PER_S;
    if (bin.peak >= peak) {
      peak = bin.peak;
      peakRounding = bin.rounding;
    }
  }
  const edge = (at: number, uncertainty: number) => {
    const binLength = [...trace.overlapping(at - uncertainty, at + uncertainty + 1e-9)].reduce((longest, { bin }) => Math.max(longest, bin.duration), 0);
    const span = uncertainty + binLength;
    return (trace.peakBetween(at - span, at + span) * span) / MS_PER_S;
  };
  const chargeUncertainty = rounding + edge(from, edges.fromUncertainty) + edge(to, edges.toUncertainty);
  const duration = to - from;
  const seconds_ = duration / MS_PER_S;
  const lengthUncertainty = (edges.fromUncertainty + edges.toUncertainty) / MS_PER_S;
  return {
    charge: { value: charge, uncertainty: chargeUncertainty },
    energy: { value: charge * supplyVolts, uncertainty: chargeUncertainty * supplyVolts },
    average: { value: charge / seconds_, uncertainty: chargeUncertainty / seconds_ + (charge * lengthUncertainty) / seconds_ ** 2 },
    peak: { value: peak, uncertainty: peakRounding },
    duration,
  };
}

const seconds = (rigMs: number) => `${(rigMs / MS_PER_S).toFixed(3)} s`;
