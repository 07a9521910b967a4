/**
 * Injected faults, for reliability tests and benchmarks of the client.
 *
 * Each request whose path starts with one of `paths` draws from a seeded generator, always the same number of
 * draws per request, so a sequential run with the same seed sees the same faults in the same order.
 *
 * What a fault does to a POST (log-following clients depend on this):
 * - `reset`, `stall`, `unavailable`, `error` are decided and applied BEFORE the request is handled: the POST
 *   has no effect at all (no job started, cancelled or resumed).
 * - `malformed` is applied AFTER the request is handled: the POST took effect, only its 200 answer is broken.
 * - `latencyMs`/`jitterMs` delay the handling, so the action happens after the delay.
 * No fault ever changes a job or its log, so no log line is lost or duplicated by a fault.
 */
import { mulberry32 } from './prng';

export interface FaultOptions {
  /** Delay added to every matching request, in ms. */
  latencyMs: number;
  /** Uniform extra delay in [0, jitterMs). */
  jitterMs: number;
  /** Probability of a 500 (body JSON or HTML, alternating at random). */
  errorRate: number;
  /** Probability of a 503 with `Retry-After: retryAfterSeconds`. */
  unavailableRate: number;
  retryAfterSeconds: number;
  /** Probability that the socket is destroyed without an answer. */
  resetRate: number;
  /** Probability that nothing is answered for `stallMs` (then the socket is destroyed); 0 = never answered. */
  stallRate: number;
  stallMs: number;
  /** Probability of a 200 whose JSON body is truncated or has a string where a number belongs. */
  malformedRate: number;
  /** Path prefixes the faults apply to. */
  paths: string[];
  seed: number;
}

export const DEFAULT_FAULTS: FaultOptions = {
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  unavailableRate: 0,
  retryAfterSeconds: 1,
  resetRate: 0,
  stallRate: 0,
  stallMs: 0,
  malformedRate: 0,
  paths: ['/bin/guides'],
  seed: 1,
};

export type FaultKind = 'reset' | 'stall' | 'unavailable' | 'error' | 'malformed';

export interface FaultDecision {
  delayMs: number;
  kind: FaultKind | undefined;
  /** A second draw, for the variant of a fault (HTML or JSON 500, truncated or mistyped body). */
  variant: number;
}

const RATE_KEYS = ['errorRate', 'unavailableRate', 'resetRate', 'stallRate', 'malformedRate'] as const;
const NUMBER_KEYS = ['latencyMs', 'jitterMs', 'retryAfterSeconds', 'stallMs', 'seed'] as const;

/** Validates a full or partial fault setting coming from JSON; throws with a message naming the bad field. */
export function parseFaults(input: unknown, base: FaultOptions = DEFAULT_FAULTS): FaultOptions {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('faults must be a JSON object');
  const src = input as Record<string, unknown>;
  const out: FaultOptions = { ...base, paths: [...base.paths] };
  for (const key of Object.keys(src)) {
    const v = src[key];
    if ((RATE_KEYS as readonly string[]).includes(key)) {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${key} must be a number from 0 to 1`);
      out[key as (typeof RATE_KEYS)[number]] = v;
    } else if ((NUMBER_KEYS as readonly string[]).includes(key)) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${key} must be a number >= 0`);
      out[key as (typeof NUMBER_KEYS)[number]] = v;
    } else if (key === 'paths') {
      if (!Array.isArray(v) || !v.every((p) => typeof p === 'string')) throw new Error('paths must be an array of strings');
      out.paths = v as string[];
    } else {
      throw new Error(`unknown fault setting ${key}`);
    }
  }
  const total = RATE_KEYS.reduce((s, k) => s + out[k], 0);
  if (total > 1) throw new Error('the fault rates must add up to at most 1');
  return out;
}

export class FaultInjector {
  private rand: () => number;
  readonly counts: Record<FaultKind, number> = { reset: 0, stall: 0, unavailable: 0, error: 0, malformed: 0 };

  constructor(private settings: FaultOptions) {
    this.rand = mulberry32(settings.seed);
  }

  get options(): FaultOptions {
    return { ...this.settings, paths: [...this.settings.paths] };
  }

  /** Replaces the settings and restarts the generator, so setting the same seed again replays the same faults. */
  set(settings: FaultOptions): void {
    this.settings = settings;
    this.rand = mulberry32(settings.seed);
  }

  applies(path: string): boolean {
    return this.settings.paths.some((p) => path.startsWith(p));
  }

  decide(): FaultDecision {
    const s = this.settings;
    const r = this.rand();
    const variant = this.rand();
    const jitter = this.rand();
    let kind: FaultKind | undefined;
    let edge = 0;
    const order: Array<[FaultKind, number]> = [
      ['reset', s.resetRate], ['stall', s.stallRate], ['unavailable', s.unavailableRate],
      ['error', s.errorRate], ['malformed', s.malformedRate],
    ];
    for (const [k, rate] of order) {
      edge += rate;
      if (r < edge) {
        kind = k;
        break;
      }
    }
    if (kind) this.counts[kind]++;
    return { delayMs: s.latencyMs + Math.floor(jitter * s.jitterMs), kind, variant };
  }
}

/**
 * Breaks a JSON body: `variant < 0.5` truncates it (invalid JSON); otherwise the first number found is turned
 * into a string (valid JSON, wrong type), falling back to truncation when the body holds no number.
 */
export function malformJson(body: string, variant: number): string {
  if (variant >= 0.5) {
    const m = /":\s*(-?\d+(?:\.\d+)?)/.exec(body);
    if (m) {
      const at = m.index + m[0].length - m[1].length;
      return `${body.slice(0, at)}"${m[1]}"${body.slice(at + m[1].length)}`;
    }
  }
  return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
}
