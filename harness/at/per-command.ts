// What the engine derives from a command's text, worked out once per command: a host sends the
// same few commands over and over.

/** Commands whose results are kept, at most; a host cycling through more works them out again. */
const KNOWN_COMMANDS = 512;

/** `compute`, its result kept for each command it saw, up to KNOWN_COMMANDS of them, then started over. */
export function perCommand<V>(compute: (command: string) => V): (command: string) => V {
  const known = new Map<string, V>();
  return (command) => {
    const value = known.get(command);
    if (value !== undefined || known.has(command)) return value as V;
    const computed = compute(command);
    if (known.size >= KNOWN_COMMANDS) known.clear();
    known.set(command, computed);
    return computed;
  };
}
