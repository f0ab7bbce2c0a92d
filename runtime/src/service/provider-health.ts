/** Why a provider is being avoided, and until when (epoch ms). */
interface Mark {
  kind: "rate-limited" | "stalled";
  until: number;
}

/** How long a provider that failed with a server or network error is avoided. */
const STALL_MS = 30_000;

/**
 * What this process knows about provider failures. A marked provider is skipped when choosing
 * a first candidate, but only until its mark expires or one call to it succeeds, so a blip never
 * leaves it unavailable; and when every candidate is marked, they are all tried anyway.
 */
export class ProviderHealth {
  private readonly marks = new Map<string, Mark>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  markRateLimited(provider: string, cooldownMs: number): void {
    this.marks.set(provider, { kind: "rate-limited", until: this.now() + cooldownMs });
  }

  markStalled(provider: string): void {
    this.marks.set(provider, { kind: "stalled", until: this.now() + STALL_MS });
  }

  clear(provider: string): void {
    this.marks.delete(provider);
  }

  isAvailable(provider: string): boolean {
    const mark = this.marks.get(provider);
    if (mark === undefined) return true;
    if (mark.until > this.now()) return false;
    this.marks.delete(provider);
    return true;
  }

  /** The current marks, for GET /v1/_resolver. */
  snapshot(): Record<string, { state: Mark["kind"]; until: string }> {
    const result: Record<string, { state: Mark["kind"]; until: string }> = {};
    for (const [provider, mark] of this.marks) {
      if (mark.until > this.now()) result[provider] = { state: mark.kind, until: new Date(mark.until).toISOString() };
    }
    return result;
  }
}
