let context: AudioContext | null = null;

/**
 * A short, soft two-tone beep generated with WebAudio (no sound file to ship). Returns false
 * where audio is unavailable (tests, a blocked autoplay policy).
 */
export function playBeep(): boolean {
  try {
    const Ctor = window.AudioContext;
    if (!Ctor) return false;
    context ??= new Ctor();
    const ctx = context;
    if (ctx.state === 'suspended') void ctx.resume();
    const t = ctx.currentTime;
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.15, t + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.25);
    for (const [freq, start] of [
      [880, 0],
      [1320, 0.09],
    ] as const) {
      const osc = ctx.createOscillator();
      osc.type = 'sine';
      osc.frequency.setValueAtTime(freq, t + start);
      osc.connect(gain);
      osc.start(t + start);
      osc.stop(t + start + 0.14);
    }
    return true;
  } catch {
    return false;
  }
}
