// Suite files: declarative tests a certification engineer can read. Each suite states the
// requirement it checks, declares its measurements with units and limits, then lists its steps.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, didYouMean, expectedGot, expecting, loadYamlFile, onlyWhenValid, problemAt, type ConfigProblem } from '../config/index.ts';
import { fitsUnit, unitsOf, WEEKLY_CHECKS_PER_YEAR, type EnergyQuantity } from '../energy/index.ts';
import { durationSchema, formatDuration } from '../time/duration.ts';

/** Points in time every run records, usable in `from:` besides the suite's own marks. */
export const BUILT_IN_ANCHORS = ['power-on', 'ready', 'force-check', 'last-close'] as const;
/** Units a time measurement (`measure`, `measureWindow`) may use, in milliseconds each. */
export const TIME_UNIT_MS = { d: 86_400_000, h: 3_600_000, min: 60_000, s: 1000, ms: 1 } as const;
const COUNT_UNIT = 'count';
const TIME_UNITS = Object.keys(TIME_UNIT_MS).map((unit) => `"${unit}"`).join(', ');

const anchors: readonly string[] = BUILT_IN_ANCHORS; // widened, so that any name can be looked up

const snakeCaseName = z.string().regex(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/, expecting('a snake_case name like "boot_delay"'));

const regexSchema = z.string().transform((source, ctx) => {
  try {
    return new RegExp(source);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `${expectedGot('a regular expression', source)}: ${(e as Error).message}` });
    return z.NEVER;
  }
});

/** Status words as 4 hex digits; `xx` as the last two matches any byte (`91xx`: a proactive command is pending). */
const statusWordSchema = z
  .string()
  .regex(/^[0-9A-Fa-f]{2}(?:[0-9A-Fa-f]{2}|xx)$/, expecting('a status word like "9000" or "91xx"'));

const measurementSchema = z
  .strictObject({
    name: snakeCaseName,
    description: z.string().min(1),
    /** s | ms | count, or any other unit (the runner only converts s and ms). */
    unit: z.string().min(1),
    min: z.number().optional(),
    max: z.number().optional(),
    /** A band inside the limits, in the same unit, where a pass is reported as marginal. */
    marginal: z.number().positive().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.min === undefined && m.max === undefined) {
      ctx.addIssue({ code: 'custom', message: 'expected at least one limit, "min" or "max", got neither' });
    }
    if (m.min !== undefined && m.max !== undefined) {
      if (m.max < m.min) ctx.addIssue({ code: 'custom', path: ['max'], message: expectedGot(`a number >= min (${m.min})`, m.max) });
      else if (m.marginal !== undefined && 2 * m.marginal >= m.max - m.min) {
        const half = (m.max - m.min) / 2;
        const message = expectedGot(`less than half the span between min and max (${half})`, m.marginal);
        ctx.addIssue({ code: 'custom', path: ['marginal'], message });
      }
    }
  }, onlyWhenValid);

/** A step whose options form a map: the map's fields plus the step's kind. */
function mapStep<K extends string, S extends z.ZodObject>(kind: K, options: S) {
  return options.transform((o) => ({ kind, ...o }));
}

const apn = z.string().min(1);

/** The engine ends a command with CR, so one with CR, LF or another control character in it cannot be sent. */
const atCommandLine = z
  .string()
  .regex(/^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$/, expecting('an AT command on one line, without CR, LF or other control characters'));

/**
 * A step that runs only where an update is known to be pending when the suite's OTA check comes:
 * `update-pending`, or `imsi-switch` for one that switches the SIM's IMSI. Elsewhere it is skipped,
 * and the test says what was not checked.
 */
export const CONDITIONS = ['update-pending', 'imsi-switch'] as const;
export type Condition = (typeof CONDITIONS)[number];
const onlyIf = z.enum(CONDITIONS).optional();

// Each key is a step name; its value holds the step's options. Durations are milliseconds of rig time.
const stepKinds = z.strictObject({
  power: z.enum(['off', 'on', 'cycle']).transform((action) => ({ kind: 'power' as const, action })),
  /** Waits for the module to answer AT and report the SIM ready; timeout defaults to the rig's bootTimeout. */
  ready: mapStep('ready', z.strictObject({ timeout: durationSchema.optional() })),
  /** Waits for network registration (+CEREG home or roaming); timeout defaults to the rig's bootTimeout. */
  registered: mapStep('registered', z.strictObject({ timeout: durationSchema.optional() })),
  at: mapStep(
    'at',
    z.strictObject({
      send: atCommandLine,
      expect: z.enum(['OK', 'ERROR']).default('OK'),
      /** Some information line of the answer must match. */
      match: regexSchema.optional(),
      timeout: durationSchema.optional(),
      /** Keep the first information line under this name, for a later differsFrom or sameAs. */
      capture: snakeCaseName.optional(),
      /** The first information line must differ from (or equal) the one captured under this name. */
      differsFrom: snakeCaseName.optional(),
      sameAs: snakeCaseName.optional(),
      failureMeans: z.string().min(1).optional(),
      onlyIf,
    }),
  ),
  /**
   * Stages an OTA update on the SIM vendor's server. The virtual rig and a simulator behind its control
   * socket do it themselves; on a real bench the step notes what to stage through the vendor's console.
   */
  stageUpdate: mapStep(
    'stageUpdate',
    z.strictObject({
      blocks: z.int().positive().default(1),
      packages: z.array(z.strictObject({ name: z.string().min(1), version: z.string().min(1) })).min(1).prefault([{ name: 'operator-settings', version: '2' }]),
      newImsi: z.string().regex(/^\d{6,15}$/, expecting('an IMSI of 6 to 15 digits')).optional(),
    }),
  ),
  /** The newest update staged on the OTA server has this status (where the rig can see the server). */
  expectUpdate: mapStep('expectUpdate', z.strictObject({ status: z.enum(['scheduled', 'in-progress', 'successful', 'failed']) })),
  /** Sends the rig's sim.forceCheckApdu with AT+CSIM. */
  forceCheck: mapStep('forceCheck', z.strictObject({ expectStatus: z.array(statusWordSchema).min(1).default(['9000', '91xx']) })),
  expectSession: mapStep(
    'expectSession',
    z
      .strictObject({
        /** Defaults to the rig's sim.otaApn. */
        apn: apn.optional(),
        /** A built-in anchor or the name of an earlier mark. */
        from: z.string().min(1),
        within: z.strictObject({ min: durationSchema.optional(), max: durationSchema }),
        /** Extra wait after within.max before declaring that no session opened. */
        grace: durationSchema.prefault(0),
        /**
         * Sessions expected back to back; `update`: the pending update's blocks, where one is known to
         * be pending, and otherwise every follow-on session that comes is counted.
         */
        count: z.union([z.int().positive(), z.literal('update')]).default(1),
        /** Longest gap allowed between one session's close and the next one's open. */
        followOnWithin: durationSchema.optional(),
        /** Time from `from` to the first session's open. */
        measure: snakeCaseName.optional(),
        /** Time from `from` to the last session's close: how long the device must stay awake. */
        measureWindow: snakeCaseName.optional(),
        /** Number of sessions seen. */
        measureCount: snakeCaseName.optional(),
        /** The stay-awake timer a device should use: the measured window plus `stayAwakeMargin`. */
        measureStayAwake: snakeCaseName.optional(),
        stayAwakeMargin: durationSchema.prefault('30 s'),
        /** Every session must exchange data with the OTA server (seen as SEND/RECEIVE DATA, where the module shows them). */
        requireData: z.boolean().default(false),
        /** What a failure of this step means for the device, added to its message. */
        failureMeans: z.string().min(1).optional(),
      })
      .superRefine((s, ctx) => {
        if (s.within.min !== undefined && s.within.min > s.within.max) {
          const message = `expected a duration no longer than within.max (${formatDuration(s.within.max)}), got ${formatDuration(s.within.min)}`;
          ctx.addIssue({ code: 'custom', path: ['within', 'min'], message });
        }
        if (s.followOnWithin !== undefined && s.count === 1) {
          const message = 'expected only with count > 1 (it limits the gap between sessions), got count 1';
          ctx.addIssue({ code: 'custom', path: ['followOnWithin'], message });
        }
      }, onlyWhenValid),
  ),
  /**
   * No session opens during this window of rig time: from the step's start, or from an anchor
   * (`from:`) so that the window does not move with the steps before; apn defaults to sim.otaApn.
   */
  expectNoSession: mapStep(
    'expectNoSession',
    z.strictObject({ for: durationSchema, from: z.string().min(1).optional(), apn: apn.optional(), failureMeans: z.string().min(1).optional() }),
  ),
  /** Starts the rig's power monitor (its `monitor:` block), or stops it and lets it go. */
  monitor: z.enum(['start', 'stop']).transform((action) => ({ kind: 'monitor' as const, action })),
  /** Charge, energy, average and peak current between two anchors, from the power monitor's trace. */
  energy: mapStep(
    'energy',
    z.strictObject({
      /** Built-in anchors or the names of earlier marks. */
      from: z.string().min(1),
      to: z.string().min(1),
      /** The window's charge: unit mC, µAh or another of ENERGY_UNITS.charge. */
      measureCharge: snakeCaseName.optional(),
      /** Its energy at the monitor's supply voltage: mJ, J, µJ or mWh. */
      measureEnergy: snakeCaseName.optional(),
      /** Mean and highest current of the monitor's samples in the window: mA, µA or A. */
      measureAverage: snakeCaseName.optional(),
      measurePeak: snakeCaseName.optional(),
      /** The window's charge taken `checksPerYear` times: µAh/year or mAh/year. */
      measureYearly: snakeCaseName.optional(),
      /** That yearly charge as a share of `batteryCapacity`: %. */
      measureBatteryShare: snakeCaseName.optional(),
      checksPerYear: z.number().positive().default(WEEKLY_CHECKS_PER_YEAR),
      /** mAh. */
      batteryCapacity: z.number().positive().optional(),
    }),
  ),
  wait: durationSchema.transform((duration) => ({ kind: 'wait' as const, duration })),
  mark: snakeCaseName
    .refine((name) => !anchors.includes(name), { error: (issue) => expectedGot('a name that is not a built-in anchor', issue.input) })
    .transform((name) => ({ kind: 'mark' as const, name })),
});

const stepNames = Object.keys(stepKinds.shape);

const stepSchema = z
  .record(z.string(), z.unknown(), expecting('a step: a map with one key naming it, like "wait: 5 s"'))
  .superRefine((step, ctx) => {
    const keys = Object.keys(step);
    if (keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: `expected one step name (${stepNames.join(', ')}), got an empty map` });
    } else if (keys.length > 1) {
      ctx.addIssue({ code: 'custom', message: `expected one step name per list entry, got ${keys.join(', ')}; give each step its own "-"` });
    }
  })
  .pipe(stepKinds.partial())
  // The entry has exactly one key, so the only value is the step.
  .transform((step) => Object.values(step)[0]!);

const isTimeUnit = (unit: string) => Object.hasOwn(TIME_UNIT_MS, unit);

export const suiteSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, expecting('a kebab-case id like "boot-delay"')),
    title: z.string().min(1),
    tags: z.array(z.string().min(1)).default([]),
    requirement: z.strictObject({ source: z.string().min(1), text: z.string().min(1) }),
    measurements: z.array(measurementSchema).default([]),
    /**
     * Run the steps for several cycles. `judge` names the statistic held against each measurement's
     * limits (e.g. p95 ≤ 120 s); with `each`, every cycle's figures must be within the limits.
     */
    repeat: z
      .strictObject({
        cycles: z.int().min(2).max(1000),
        judge: z.enum(['each', 'min', 'median', 'p95', 'max']).default('each'),
      })
      .optional(),
    steps: z.array(stepSchema).min(1),
  })
  .superRefine((suite, ctx) => {
    const units = new Map<string, string>();
    suite.measurements.forEach((m, i) => {
      if (!units.has(m.name)) units.set(m.name, m.unit);
      else ctx.addIssue({ code: 'custom', path: ['measurements', i, 'name'], message: expectedGot('a name not declared before', m.name) });
    });
    const declared = [...units.keys()];

    const marks = new Map<string, number>();
    suite.steps.forEach((step, i) => {
      if (step.kind === 'mark') {
        if (!marks.has(step.name)) marks.set(step.name, i);
        else {
          const message = expectedGot(`a new name (steps[${marks.get(step.name)}] set this mark)`, step.name);
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'mark'], message });
        }
      }
    });

    const captures = new Map<string, number>();
    suite.steps.forEach((step, i) => {
      if (step.kind !== 'at') return;
      for (const key of ['differsFrom', 'sameAs'] as const) {
        const name = step[key];
        if (name === undefined || captures.has(name)) continue;
        const earlier = [...captures.keys()];
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'at', key],
          message: expectedGot(`a name captured by an earlier at step${earlier.length ? ` (${earlier.join(', ')})` : ' (none are)'}`, name) + didYouMean(name, earlier),
        });
      }
      if (step.capture !== undefined) captures.set(step.capture, i);
    });

    /** An anchor named at steps[i]: built in, or a mark an earlier step sets. */
    const checkAnchor = (name: string, i: number, path: (string | number)[]) => {
      const markStep = marks.get(name);
      if (anchors.includes(name) || (markStep !== undefined && markStep < i)) return;
      const earlier = [...marks].filter(([, j]) => j < i).map(([mark]) => mark);
      const expected = `${BUILT_IN_ANCHORS.join(', ')} or a mark set by an earlier step${earlier.length ? ` (${earlier.join(', ')})` : ''}`;
      const later = markStep === undefined ? '' : `, which is only set later, by steps[${markStep}]`;
      ctx.addIssue({ code: 'custom', path, message: expectedGot(expected, name) + later + didYouMean(name, [...anchors, ...earlier]) });
    };
    /** A measurement a step names: declared, with a unit that fits. */
    const checkReference = (name: string | undefined, path: (string | number)[], unitFits: (unit: string) => boolean, unitWanted: string) => {
      if (name === undefined) return;
      const unit = units.get(name);
      if (unit === undefined) {
        const expected = `a declared measurement (${declared.length ? declared.join(', ') : 'none are declared'})`;
        ctx.addIssue({ code: 'custom', path, message: expectedGot(expected, name) + didYouMean(name, declared) });
      } else if (!unitFits(unit)) {
        ctx.addIssue({ code: 'custom', path, message: `${expectedGot(`a measurement with unit ${unitWanted}`, name)} (its unit is "${unit}")` });
      }
    };

    const started = suite.steps.map((step) => step.kind === 'monitor' && step.action === 'start').lastIndexOf(true);
    if (started >= 0 && !suite.steps.slice(started).some((step) => step.kind === 'monitor' && step.action === 'stop')) {
      ctx.addIssue({ code: 'custom', path: ['steps', started, 'monitor'], message: 'expected a later "monitor: stop", got none: the monitor would stay open after the suite' });
    }

    suite.steps.forEach((step, i) => {
      if (step.kind !== 'energy') return;
      const at = (key: string) => ['steps', i, 'energy', key];
      checkAnchor(step.from, i, at('from'));
      checkAnchor(step.to, i, at('to'));
      const references: [string, string | undefined, EnergyQuantity][] = [
        ['measureCharge', step.measureCharge, 'charge'],
        ['measureEnergy', step.measureEnergy, 'energy'],
        ['measureAverage', step.measureAverage, 'current'],
        ['measurePeak', step.measurePeak, 'current'],
        ['measureYearly', step.measureYearly, 'yearly'],
        ['measureBatteryShare', step.measureBatteryShare, 'share'],
      ];
      for (const [key, name, quantity] of references) {
        checkReference(name, at(key), (unit) => fitsUnit(quantity, unit), unitsOf(quantity).map((unit) => `"${unit}"`).join(', '));
      }
      if (step.measureBatteryShare !== undefined && step.batteryCapacity === undefined) {
        ctx.addIssue({ code: 'custom', path: at('measureBatteryShare'), message: 'expected a batteryCapacity (mAh) to take the share of, got none' });
      }
    });

    suite.steps.forEach((step, i) => {
      if (step.kind === 'expectNoSession' && step.from !== undefined) checkAnchor(step.from, i, ['steps', i, 'expectNoSession', 'from']);
      if (step.kind !== 'expectSession') return;
      const at = (key: string) => ['steps', i, 'expectSession', key];
      checkAnchor(step.from, i, at('from'));
      const references = [
        ['measure', step.measure, isTimeUnit, TIME_UNITS],
        ['measureWindow', step.measureWindow, isTimeUnit, TIME_UNITS],
        ['measureCount', step.measureCount, (unit: string) => unit === COUNT_UNIT, `"${COUNT_UNIT}"`],
        ['measureStayAwake', step.measureStayAwake, isTimeUnit, TIME_UNITS],
      ] as const;
      for (const [key, name, unitFits, unitWanted] of references) checkReference(name, at(key), unitFits, unitWanted);
    });
  }, onlyWhenValid);

export type Suite = z.output<typeof suiteSchema> & {
  /** The suite file, as given to loadSuiteFile. */
  file: string;
};
export type Measurement = Suite['measurements'][number];
export type Step = Suite['steps'][number];

export async function loadSuiteFile(path: string): Promise<Suite> {
  return { ...(await loadYamlFile(path, suiteSchema)), file: path };
}

/** The names a suite file may have. */
export const SUITE_FILE_EXTENSIONS = ['.yaml', '.yml'] as const;

export const isSuiteFileName = (name: string) => SUITE_FILE_EXTENSIONS.some((ext) => name.endsWith(ext));

/** A suite file that could not be loaded: it is skipped, and its problems go to the run's output and summary. */
export interface BrokenSuiteFile {
  file: string;
  problems: ConfigProblem[];
  /** The id and tags the file declares, where it can be read that far: they tell whether a run would have selected it. */
  id?: string;
  tags?: string[];
}

export interface SuiteFolder {
  suites: Suite[];
  broken: BrokenSuiteFile[];
}

// Read from a file that fails the full schema, each only when well-formed.
const declaredSelection = z.object({
  id: z.string().optional().catch(undefined),
  tags: z.array(z.string()).optional().catch(undefined),
});

/** What a broken suite file still says of its id and tags (nothing where even its YAML is broken). */
async function declaredIn(file: string): Promise<Pick<BrokenSuiteFile, 'id' | 'tags'>> {
  try {
    const { id, tags } = await loadYamlFile(file, declaredSelection);
    return { ...(id !== undefined ? { id } : {}), ...(tags !== undefined ? { tags } : {}) };
  } catch {
    return {};
  }
}

/** Loads one suite file; a file that is not a valid suite comes back as broken, with its problems. */
export async function tryLoadSuiteFile(file: string): Promise<Suite | BrokenSuiteFile> {
  try {
    return await loadSuiteFile(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { file, problems: e.problems, ...(await declaredIn(file)) };
  }
}

export const isBroken = (loaded: Suite | BrokenSuiteFile): loaded is BrokenSuiteFile => 'problems' in loaded;

/**
 * Loads every `*.yaml` and `*.yml` suite in `dir`, sorted by file name. A file that is not a valid
 * suite, or reuses the id of an earlier file, is broken: it is returned with its problems, and the
 * others still load.
 */
export async function loadSuites(dir: string): Promise<SuiteFolder> {
  const files = (await readdir(dir)).filter(isSuiteFileName).sort();
  const suites: Suite[] = [];
  const broken: BrokenSuiteFile[] = [];
  const firstFileById = new Map<string, string>();
  for (const file of files) {
    const loaded = await tryLoadSuiteFile(join(dir, file));
    if (isBroken(loaded)) {
      broken.push(loaded);
      continue;
    }
    const first = firstFileById.get(loaded.id);
    if (first === undefined) {
      firstFileById.set(loaded.id, loaded.file);
      suites.push(loaded);
    } else {
      const text = await readFile(loaded.file, 'utf8');
      const problem = problemAt(text, loaded.file, ['id'], expectedGot(`an id no other suite uses (${first} has it)`, loaded.id));
      broken.push({ file: loaded.file, problems: [problem], id: loaded.id, tags: loaded.tags });
    }
  }
  return { suites, broken };
}
