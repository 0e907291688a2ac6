// Figures: what every benchmark reports, one line each, and how it reaches the runner's JSON file.
// A figure is a value with its unit, a reference in the same unit and the ratio between them, and,
// where the project set one, the target it is judged against.

export interface Reference {
  /** What the value is compared with, in words: "921600-baud UART line rate". */
  name: string;
  value: number;
}

export interface Target {
  /** On the value itself or on the ratio to the reference. */
  on: 'value' | 'ratio';
  op: '>=' | '<=' | '<';
  limit: number;
}

export interface Spread {
  /** The smallest and largest of the per-run values the figure is the median of. */
  min: number;
  max: number;
  runs: number;
}

export interface Figure {
  /** `<benchmark>.<figure>`, e.g. `at-ingest.engine`. */
  name: string;
  value: number;
  unit: string;
  reference: Reference;
  /** value / reference.value */
  ratio: number;
  target?: Target & { met: boolean };
  spread?: Spread;
  note?: string;
}

export interface FigureInput {
  name: string;
  value: number;
  unit: string;
  reference: Reference;
  target?: Target;
  spread?: Spread;
  note?: string;
}

export function figure(input: FigureInput): Figure {
  const ratio = input.value / input.reference.value;
  const { target, ...rest } = input;
  const out: Figure = { ...rest, ratio };
  if (target) {
    const judged = target.on === 'value' ? input.value : ratio;
    const met = target.op === '>=' ? judged >= target.limit : target.op === '<=' ? judged <= target.limit : judged < target.limit;
    out.target = { ...target, met };
  }
  return out;
}

/** Three significant digits, without exponent notation for the magnitudes benchmarks produce. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs === 0) return '0';
  return value.toPrecision(3).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

const OPS = { '>=': '≥', '<=': '≤', '<': '<' } as const;

/** `name  value unit  ×ratio of reference (value unit)  [runs: min–max]  target ≥ limit: met  (note)` */
export function formatFigure(f: Figure): string {
  const parts = [
    f.name.padEnd(34),
    `${num(f.value)} ${f.unit}`.padEnd(16),
    `×${num(f.ratio)} of ${f.reference.name} (${num(f.reference.value)} ${f.unit})`,
  ];
  if (f.spread) parts.push(`[${f.spread.runs} runs: ${num(f.spread.min)}–${num(f.spread.max)}]`);
  if (f.target) {
    const t = f.target;
    const limit = t.on === 'value' ? `${num(t.limit)} ${f.unit}` : `${num(t.limit)}×`;
    parts.push(`target ${OPS[t.op]} ${limit}: ${t.met ? 'met' : 'NOT MET'}`);
  }
  if (f.note) parts.push(`(${f.note})`);
  return parts.join('  ');
}

/**
 * The body of a benchmark script: runs `measure`, prints each figure, and hands the figures to the
 * runner (bench/main.ts) when it started this script. Run on its own, a script just prints.
 */
export async function runBenchmark(measure: () => Promise<Figure[]>): Promise<void> {
  try {
    const figures = await measure();
    for (const f of figures) console.log(formatFigure(f));
    if (process.send) await new Promise<void>((resolve) => process.send!({ figures }, () => resolve()));
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  }
}

/** Progress for the person watching, on stderr so that stdout holds only figures. */
export function progress(text: string): void {
  process.stderr.write(`  … ${text}\n`);
}
