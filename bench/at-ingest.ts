// AT ingest throughput: bytes per second through the AT engine (framing, classification, URC
// routing, transcript) on a realistic capture, against the line rate of a 921600-baud UART and
// against a parser-readline + regular expressions baseline, interleaved in the same run.
//
// The engine is measured through both of its command APIs, send() (a promise per command, what the
// harness's own steps await) and submit() (callbacks, for readers that send commands by the
// thousand), and in two states: fresh, and with its transcript at its entry limit (where any run
// settles after 100 000 entries, about 1 MB of AT traffic), since recording costs differ.
import { AtEngine } from '../harness/at/index.ts';
import { ScaledClock } from '../harness/time/clock.ts';
import { chunked, recordCapture, repeatCapture, type Capture } from './capture.ts';
import { figure, progress, runBenchmark } from './figures.ts';
import { ReadlineBaseline } from './readline-baseline.ts';
import { median, spread } from './stats.ts';

/** Small enough that a fresh engine's transcript stays under its limit for the whole pass. */
const CAPTURE_BYTES = 1_000_000;
/** Above what a fresh pass records, so that it never drops entries (the engine's default limit is 20 000). */
const TRANSCRIPT_LIMIT = 100_000;
const RECORDED_CYCLES = 20;
/** Passes before the measured ones: V8 needs about five to optimise the engine's hot paths. */
const WARMUPS = 6;
const RUNS = 9;
/** 8N1 framing: a start bit, 8 data bits and a stop bit carry each byte. */
const UART_BYTES_PER_S = 921_600 / 10;
const MB = 1e6;

interface Segment {
  command?: string;
  chunks: Uint8Array[];
}

interface Workload {
  segments: Segment[];
  bytes: number;
  commands: number;
}

interface Pass {
  ms: number;
  answered: number;
  /** The engine or baseline that ran the pass: kept until the next pass of its contender has run. */
  instance: object;
}

function workload(capture: Capture): Workload {
  return {
    segments: capture.segments.map((s, i) => ({ ...(s.command !== undefined && { command: s.command }), chunks: chunked(s.bytes, i + 1) })),
    bytes: capture.bytes,
    commands: capture.commands,
  };
}

type CommandApi = 'send' | 'submit';

/** Feeds the workload as a port would: each command goes out before its answer comes in. */
async function engineIngest(work: Workload, api: CommandApi, prefill: boolean): Promise<Pass> {
  const engine = new AtEngine({ write: () => {}, clock: new ScaledClock(1), transcriptLimit: TRANSCRIPT_LIMIT });
  engine.onUrc(() => {});
  if (prefill) {
    // The state any run reaches after its first 100 000 entries.
    for (let i = 0; i < TRANSCRIPT_LIMIT; i++) engine.transcript.record({ mono: 0, wall: 0, rig: 0, dir: 'rx', kind: 'info', text: '+CEREG: 2,5' });
    // In that state the entries have long been tenured: collect now, or the pass pays for moving
    // 100 000 new objects to the old generation, which no steady run does.
    globalThis.gc?.();
  }
  let answered = 0;
  const onResponse = () => answered++;
  const onError = () => {};
  const started = performance.now();
  for (const segment of work.segments) {
    if (segment.command !== undefined) {
      if (api === 'send') void engine.send(segment.command).then(onResponse);
      else engine.submit(segment.command, onResponse, onError);
    }
    for (const chunk of segment.chunks) engine.feed(chunk);
  }
  const ms = performance.now() - started;
  await new Promise((resolve) => setImmediate(resolve));
  if (!prefill && engine.transcript.entries().length >= TRANSCRIPT_LIMIT) throw new Error('the capture filled a fresh transcript: make it smaller');
  engine.close();
  return { ms, answered, instance: engine };
}

async function baselineIngest(work: Workload): Promise<Pass> {
  let answered = 0;
  const baseline = new ReadlineBaseline(() => {}, () => answered++);
  const started = performance.now();
  for (const segment of work.segments) {
    if (segment.command !== undefined) baseline.send(segment.command);
    for (const chunk of segment.chunks) baseline.feed(chunk);
  }
  return { ms: performance.now() - started, answered, instance: baseline };
}

interface Contender {
  name: string;
  work: Workload;
  pass: (work: Workload) => Promise<Pass>;
  rates: number[];
  /**
   * The previous pass's engine or baseline. A process that reads a port has a reader alive at any
   * time; one that let every reader die between passes would lose, at each collection, the object
   * shapes that V8's optimised code is compiled against (the shapes an object gains field by field
   * are only weakly kept), and would measure re-optimisation, not reading.
   */
  previous?: object;
}

async function measure() {
  const capture = repeatCapture(recordCapture(RECORDED_CYCLES), CAPTURE_BYTES);
  const full = workload(capture);
  progress(`capture: ${(full.bytes / MB).toFixed(2)} MB, ${full.commands} commands, ${full.segments.reduce((n, s) => n + s.chunks.length, 0)} chunks of 1–256 bytes`);

  const contenders: Contender[] = [
    { name: 'engine', work: full, pass: (w) => engineIngest(w, 'send', false), rates: [] },
    { name: 'engine through submit()', work: full, pass: (w) => engineIngest(w, 'submit', false), rates: [] },
    { name: 'engine at transcript limit', work: full, pass: (w) => engineIngest(w, 'send', true), rates: [] },
    { name: 'baseline', work: full, pass: baselineIngest, rates: [] },
  ];
  for (let run = -WARMUPS; run < RUNS; run++) {
    // Rotate who goes first, so that none always runs on another's leftover garbage.
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + run + WARMUPS) % contenders.length]!;
      globalThis.gc?.();
      const pass = await c.pass(c.work);
      c.previous = pass.instance;
      // A pass that lost commands measured something other than the real path.
      if (pass.answered !== c.work.commands) throw new Error(`${c.name}: ${pass.answered} of ${c.work.commands} commands answered`);
      if (run >= 0) c.rates.push(c.work.bytes / (pass.ms / 1000) / MB);
    }
    progress(run < 0 ? `warm-up ${run + WARMUPS + 1} of ${WARMUPS}` : `run ${run + 1} of ${RUNS}`);
  }

  const [fresh, callbacks, atLimit, baseline] = contenders.map((c) => ({ value: median(c.rates), spread: spread(c.rates) }));
  const uart = { name: '921600-baud UART line rate', value: UART_BYTES_PER_S / MB };
  const target = { on: 'ratio', op: '>=', limit: 1000 } as const;
  return [
    figure({ name: 'at-ingest.engine', unit: 'MB/s', reference: uart, target, ...fresh!, note: 'send(): a promise per command' }),
    figure({ name: 'at-ingest.engine-submit', unit: 'MB/s', reference: uart, target, ...callbacks!, note: 'submit(): callbacks per command' }),
    figure({
      name: 'at-ingest.engine-transcript-full',
      unit: 'MB/s',
      reference: uart,
      target,
      ...atLimit!,
      note: `transcript at its ${TRANSCRIPT_LIMIT.toLocaleString('en-US')}-entry limit`,
    }),
    figure({ name: 'at-ingest.baseline', unit: 'MB/s', reference: uart, ...baseline! }),
    ...([['engine', fresh!], ['engine-submit', callbacks!]] as const).map(([name, engine]) =>
      figure({ name: `at-ingest.${name}-vs-baseline`, unit: 'MB/s', value: engine.value, reference: { name: 'parser-readline + regex baseline', value: baseline!.value }, target: { on: 'ratio', op: '>=', limit: 2 } }),
    ),
  ];
}

await runBenchmark(measure);
