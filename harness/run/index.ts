// The run: from a run request (start.ts) through its session (session.ts) to its ending.
export { STANDARD_TAG, startRun, type RunRequest } from './start.ts';
