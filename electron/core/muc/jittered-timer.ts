// One pending run of a task, at a jittered delay: the self-ping round and the retry after a room service
// shut down each keep one (so there is never a second timer for the same work), and a random spread keeps
// many accounts and rooms from acting in lockstep after a wake. Unref'd: it never keeps the process alive.
export class JitteredTimer {
  readonly #task: () => unknown;
  #timer: NodeJS.Timeout | null = null;

  constructor(task: () => unknown) {
    this.#task = task;
  }

  get pending(): boolean {
    return this.#timer !== null;
  }

  /** Runs the task once after `ms` times a random factor in [low, high), unless a run is pending already. */
  schedule(ms: number, low: number, high: number): void {
    if (this.#timer) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = null;
        this.#task();
      },
      ms * (low + Math.random() * (high - low)),
    );
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
