/**
 * A fixed rate-limit window, as Zendesk and Calendly count: a window's budget, spent request by
 * request, back in full when the next window starts. Windows start on the clock's minutes (scaled:
 * multiples of their length) until `forget` starts a fresh one at that moment.
 */
export class FixedWindow {
  private index = -1;
  private originMs = 0;
  /** Requests counted in the current window. */
  used = 0;

  constructor(readonly lengthMs: number) {}

  /** Moves to the window `nowMs` falls in (counting from 0 when it is a new one); when it ends. */
  at(nowMs: number): { endMs: number } {
    const index = Math.floor((nowMs - this.originMs) / this.lengthMs);
    if (index !== this.index) {
      this.index = index;
      this.used = 0;
    }
    return { endMs: (index + 1) * this.lengthMs + this.originMs };
  }

  /** A fresh window, starting at `nowMs`: a whole window's budget until it ends. */
  forget(nowMs: number): void {
    this.originMs = nowMs % this.lengthMs;
    this.index = Math.floor((nowMs - this.originMs) / this.lengthMs);
    this.used = 0;
  }

  /** Seconds until the window ends: whole ones for a real minute, to the millisecond (at least 1 ms) when scaled. */
  resetSeconds(nowMs: number, endMs: number): number {
    return this.lengthMs === 60_000
      ? Math.ceil((endMs - nowMs) / 1000)
      : Number((Math.max(1, endMs - nowMs) / 1000).toFixed(3));
  }
}
