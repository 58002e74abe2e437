export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** How long an open circuit refuses calls before it lets one through to try. */
  coolDownMs: number;
  /** Called once when the circuit opens (not again while the endpoint keeps failing), and once when a call succeeds again. */
  onOpen(reason: string): void;
  onClose(): void;
  now?: () => number;
}

/**
 * Stops calling an endpoint that keeps failing: after `threshold` failures in a row, calls are
 * refused for `coolDownMs`; then calls try again, and one failure refuses them again at once.
 */
export class CircuitBreaker {
  private failures = 0;
  private tripped = false;
  private openUntil = 0;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** False while the circuit is open: answer without the endpoint. */
  allows(): boolean {
    return this.now() >= this.openUntil;
  }

  success(): void {
    if (this.tripped) this.options.onClose();
    this.failures = 0;
    this.tripped = false;
    this.openUntil = 0;
  }

  failure(reason: string): void {
    this.failures += 1;
    if (!this.tripped && this.failures < this.options.threshold) return;
    if (!this.tripped) this.options.onOpen(reason);
    this.tripped = true;
    this.openUntil = this.now() + this.options.coolDownMs;
  }
}
