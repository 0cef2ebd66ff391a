// The emulator clock: real time plus an offset tests can advance. Every expiry decision reads it.
import type { EmulatorClock } from "./types.js";

/** Real time shifted by `offsetMs`; only ever moves forward through {@link Clock.advance}. */
export class Clock implements EmulatorClock {
  constructor(public offsetMs = 0) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Seconds since the epoch, rounded down. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError("advanceClock needs a non-negative number of ms");
    this.offsetMs += ms;
  }
}
