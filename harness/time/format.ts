/** Rig time as seconds with millisecond precision, e.g. "83.214 s". */
export function formatRigTime(rigMs: number): string {
  return `${(rigMs / 1000).toFixed(3)} s`;
}
