// A process that holds a bench under guardBench, as `hil run` does, and is then taken down the way
// its first argument says: `SIGTERM` (it waits for the signal), `uncaughtException` or `unhandledRejection`.
// When its partial report would be written, it records the bench's power state as its exec switch left it.
import { readFileSync, writeFileSync } from 'node:fs';
import { RigController } from '../../harness/rig/controller.ts';
import { loadRigFile } from '../../harness/rig/rig-file.ts';
import { guardBench } from '../../harness/rig/safe-state.ts';

const [how, rigFile, stateFile, reportFile] = process.argv.slice(2) as [string, string, string, string];
const rig = await RigController.open(await loadRigFile(rigFile));
await rig.powerOn();
guardBench(() => rig.safeState(), async (why) => writeFileSync(reportFile, `${why}; power ${readFileSync(stateFile, 'utf8').trim()}\n`));
process.stdout.write('bench on\n');
if (how === 'uncaughtException') setTimeout(() => { throw new Error('boom'); }, 0);
if (how === 'unhandledRejection') void Promise.reject(new Error('boom'));
setInterval(() => {}, 1_000); // held until the guard exits
