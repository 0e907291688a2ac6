import type { Suite, Step } from '../../harness/suite/suite-file.ts';
import type { Rig } from '../../harness/rig/rig-file.ts';
type Expand<T> = T extends object ? T extends RegExp ? T : { [K in keyof T]: Expand<T[K]> } : T;
export type S = Expand<Suite>;
export type St = Expand<Step>;
export type R = Expand<Rig>;
export declare const s: S; export declare const st: St; export declare const r: R;
