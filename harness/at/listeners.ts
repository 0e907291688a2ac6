/**
 * Subscribers to one kind of event. A listener that throws neither stops the others nor reaches the
 * code that emitted: its error is rethrown from a microtask, so it surfaces as an uncaught exception
 * (as with Node's EventTarget) instead of corrupting the emitter's state halfway through a line.
 */
export class Listeners<T> {
  /**
   * Replaced, never changed in place: an emit goes through the listeners there were when it began,
   * whoever subscribes or unsubscribes meanwhile, without copying them for every event.
   */
  private list: ReadonlyArray<(value: T) => void> = [];

  add(listener: (value: T) => void): () => void {
    const entry = (value: T) => listener(value); // own identity: the same function may subscribe twice
    this.list = [...this.list, entry];
    return () => {
      this.list = this.list.filter((l) => l !== entry);
    };
  }

  /** Whether anyone listens: an emitter can skip building an event nobody will see. */
  get active(): boolean {
    return this.list.length > 0;
  }

  emit(value: T): void {
    for (const listener of this.list) {
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
