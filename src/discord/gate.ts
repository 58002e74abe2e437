/** Why a request was turned away: too soon after the user's last one, or too much work in flight. */
export type Refusal = { reason: 'cooldown'; retryAfterMs: number } | { reason: 'busy' };

export type Admission = { admitted: true; release: () => void } | ({ admitted: false } & Refusal);

export interface GateSettings {
  cooldownMs: number;
  maxConcurrent: number;
  now?: () => number;
}

/**
 * Per-user cooldown plus a bound on concurrent work. The excess is refused at once (never queued),
 * so every interaction still gets its reply within Discord's 3 seconds.
 */
export class RequestGate {
  private readonly lastStart = new Map<string, number>();
  private active = 0;
  private readonly now: () => number;

  constructor(private readonly settings: GateSettings) {
    this.now = settings.now ?? Date.now;
  }

  get inFlight(): number {
    return this.active;
  }

  /**
   * `reserved`: a moderator's command (it passed its preconditions), which may take one slot more
   * than questions can, so /reload and /article are never refused as busy because questions fill the slots.
   */
  tryEnter(userId: string, { reserved = false }: { reserved?: boolean } = {}): Admission {
    const now = this.now();
    const { cooldownMs, maxConcurrent } = this.settings;
    const last = this.lastStart.get(userId);
    if (last !== undefined && now - last < cooldownMs) return { admitted: false, reason: 'cooldown', retryAfterMs: cooldownMs - (now - last) };
    const slots = reserved ? maxConcurrent + 1 : maxConcurrent;
    if (this.active >= slots) return { admitted: false, reason: 'busy' };
    this.active += 1;
    if (cooldownMs > 0) this.lastStart.set(userId, now);
    if (this.lastStart.size > 10_000) this.forgetExpired(now);
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (released) return;
        released = true;
        this.active -= 1;
      },
    };
  }

  private forgetExpired(now: number): void {
    for (const [user, at] of this.lastStart) if (now - at >= this.settings.cooldownMs) this.lastStart.delete(user);
  }
}
