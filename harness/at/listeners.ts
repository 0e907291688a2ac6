/**
 * Subscribers to one kind of event. A listener that throws neither stops the others nor reaches the
 * code that emitted: its error is rethrown from a microtask, so it surfaces as an uncaught exception
 * (as with Node's EventTarget) instead of corrupting the emitter's state halfway through a line.
 */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    const entry = (value: T) => listener(value); // own identity: the same function may subscribe twice
    this.set.add(entry);
    return () => {
      this.set.delete(entry);
    };
  }

  emit(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
