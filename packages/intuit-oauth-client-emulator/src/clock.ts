// The emulator clock: real time plus an offset tests can advance. Every expiry decision reads it;
// JWT time claims do not (validators check those against the real clock).
import type { EmulatorClock } from "./types.js";

/** Real time shifted by `offsetMs`; only ever moves forward through {@link Clock.advance}. */
export class Clock implements EmulatorClock {
  constructor(public offsetMs = 0) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError("advanceClock needs a non-negative number of ms");
    this.offsetMs += ms;
  }
}
