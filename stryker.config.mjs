// Mutation testing (`npm run test:mutation`): the code where evidence becomes a verdict, each area
// with only the test files that exercise it; every mutant runs only the tests that cover it.
// `MUTATION_AREAS=lock,stk npm run test:mutation` runs some areas; to mutate more code, add an area.
const AREAS = {
  measurements: { mutate: ['harness/suite/measurements.ts'], spec: ['test/suite/measurements.test.ts'] },
  evidence: {
    mutate: ['harness/report/evidence.ts', 'harness/report/certificate.ts'],
    spec: ['test/report/certificate.test.ts', 'test/report/evidence.test.ts'],
  },
  lock: { mutate: ['harness/rig/lock.ts'], spec: ['test/rig/lock.test.ts'] },
  'safe-state': { mutate: ['harness/rig/safe-state.ts'], spec: ['test/rig/safe-state.test.ts', 'test/rig/bench-guard.test.ts'] },
  stk: { mutate: ['harness/stk/tlv.ts'], spec: ['test/stk/tlv.test.ts', 'test/stk/proactive.test.ts', 'test/stk/envelope.test.ts'] },
  observer: {
    mutate: ['harness/ota/observer.ts', 'harness/module/contexts.ts'],
    spec: ['test/ota/observer.test.ts', 'test/ota/observer-sequences.test.ts', 'test/module/contexts.test.ts'],
  },
  steps: { mutate: ['harness/suite/steps.ts', 'harness/suite/session-wait.ts'], spec: ['test/suite/steps.test.ts'] },
};

function chosenAreas() {
  const names = process.env.MUTATION_AREAS?.split(',').map((name) => name.trim()) ?? Object.keys(AREAS);
  const unknown = names.filter((name) => !(name in AREAS));
  if (unknown.length > 0) throw new Error(`MUTATION_AREAS: no area ${unknown.join(', ')} (areas: ${Object.keys(AREAS).join(', ')})`);
  return names.map((name) => AREAS[name]);
}

const areas = chosenAreas();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'mocha',
  // tsx for the TypeScript; the other file lets the mocha runner load mocha 12 (see it).
  testRunnerNodeArgs: ['--import', 'tsx', '--require', './test/stryker-mocha12.cjs'],
  mochaOptions: { config: '.mocharc.json', spec: [...new Set(areas.flatMap((area) => area.spec))] },
  coverageAnalysis: 'perTest',
  // A mutant of a module-level constant runs every test of every area (most of a run's time) and is
  // left out; what the tests read of such constants they check through the functions that use them.
  ignoreStatic: true,
  // No type check of each mutant: it checks the whole project each time and made a run ten times
  // longer; a mutant that would not compile but runs is judged by the tests like any other.
  mutate: areas.flatMap((area) => area.mutate),
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportMutants: true, reportTests: false },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
};
