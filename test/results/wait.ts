// Bounded waits for the results tests: poll a condition, fail naming what never happened.
export async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 20_000, detail = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
