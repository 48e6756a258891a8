/** Time as a dependency, so tests can move it (token expiry, throttling windows). */
export type Clock = { now: () => Date };

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };
