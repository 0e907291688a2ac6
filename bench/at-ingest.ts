// AT ingest throughput: bytes per second through the AT engine (framing, classification, URC
// routing, transcript) on a large realistic capture, against the line rate of a 921600-baud UART
// and against a parser-readline + regular expressions baseline, interleaved in the same run.
import { AtEngine } from '../harness/at/index.ts';
import { ScaledClock } from '../harness/time/clock.ts';
import { chunked, recordCapture, repeatCapture, type Capture } from './capture.ts';
import { figure, progress, runBenchmark } from './figures.ts';
import { ReadlineBaseline } from './readline-baseline.ts';
import { median, spread } from './stats.ts';

const CAPTURE_BYTES = 8_000_000;
const RECORDED_CYCLES = 20;
const WARMUPS = 2;
const RUNS = 7;
/** 8N1 framing: a start bit, 8 data bits and a stop bit carry each byte. */
const UART_BYTES_PER_S = 921_600 / 10;
const MB = 1e6;

interface Chunked {
  command?: string;
  chunks: Uint8Array[];
}

interface Pass {
  ms: number;
  urcs: number;
  answered: number;
}

async function engineIngest(segments: Chunked[]): Promise<Pass> {
  const engine = new AtEngine({ write: () => {}, clock: new ScaledClock(1) });
  let urcs = 0;
  let answered = 0;
  engine.onUrc(() => urcs++);
  const started = performance.now();
  for (const segment of segments) {
    // The module answers only what was asked: the command goes out before its answer comes in.
    if (segment.command !== undefined) void engine.send(segment.command).then(() => answered++);
    for (const chunk of segment.chunks) engine.feed(chunk);
  }
  const ms = performance.now() - started;
  await new Promise((resolve) => setImmediate(resolve));
  engine.close();
  return { ms, urcs, answered };
}

async function baselineIngest(segments: Chunked[]): Promise<Pass> {
  let urcs = 0;
  let answered = 0;
  const baseline = new ReadlineBaseline(() => urcs++, () => answered++);
  const started = performance.now();
  for (const segment of segments) {
    if (segment.command !== undefined) baseline.send(segment.command);
    for (const chunk of segment.chunks) baseline.feed(chunk);
  }
  return { ms: performance.now() - started, urcs, answered };
}

/** A pass that lost commands measured something other than the real path. */
function check(name: string, pass: Pass, capture: Capture): void {
  if (pass.answered !== capture.commands) throw new Error(`${name}: ${pass.answered} of ${capture.commands} commands answered`);
}

async function measure() {
  const capture = repeatCapture(recordCapture(RECORDED_CYCLES), CAPTURE_BYTES);
  const segments: Chunked[] = capture.segments.map((s, i) => ({ ...(s.command !== undefined && { command: s.command }), chunks: chunked(s.bytes, i + 1) }));
  progress(`capture: ${(capture.bytes / MB).toFixed(1)} MB, ${capture.commands} commands, ${segments.reduce((n, s) => n + s.chunks.length, 0)} chunks`);

  const engineRates: number[] = [];
  const baselineRates: number[] = [];
  for (let run = -WARMUPS; run < RUNS; run++) {
    // Alternate who goes first, so that neither always runs on the other's leftover garbage.
    const order = run % 2 === 0 ? [engineIngest, baselineIngest] : [baselineIngest, engineIngest];
    for (const ingest of order) {
      globalThis.gc?.();
      const pass = await ingest(segments);
      const isEngine = ingest === engineIngest;
      check(isEngine ? 'engine' : 'baseline', pass, capture);
      if (run >= 0) (isEngine ? engineRates : baselineRates).push(capture.bytes / (pass.ms / 1000) / MB);
    }
  }
  const uart = { name: '921600-baud UART line rate', value: UART_BYTES_PER_S / MB };
  const engine = median(engineRates);
  const baseline = median(baselineRates);
  return [
    figure({
      name: 'at-ingest.engine',
      value: engine,
      unit: 'MB/s',
      reference: uart,
      target: { on: 'ratio', op: '>=', limit: 1000 },
      spread: spread(engineRates),
    }),
    figure({ name: 'at-ingest.baseline', value: baseline, unit: 'MB/s', reference: uart, spread: spread(baselineRates) }),
    figure({ name: 'at-ingest.engine-vs-baseline', value: engine, unit: 'MB/s', reference: { name: 'parser-readline + regex baseline', value: baseline } }),
  ];
}

await runBenchmark(measure);
