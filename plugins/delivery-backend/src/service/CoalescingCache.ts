import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { JsonValue } from '@backstage/types';

/** Bounds the in-process copy (a few KB each). */
const MAX_LOCAL_ENTRIES = 2000;

/**
 * Upstream results, cached through the Backstage cache service (so replicas
 * with a shared store share them) and coalesced in this process: concurrent
 * requests for the same key share one upstream call.
 *
 * Failures are never cached; the next request tries again.
 */
export class CoalescingCache {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /**
   * This process's copy of recent answers, in front of the cache service: a
   * warm request then costs no (de)serialisation. Values are shared, so
   * callers never mutate them.
   */
  private readonly local = new Map<
    string,
    { value: unknown; expiresAt: number }
  >();

  constructor(
    private readonly cache: CacheService,
    private readonly ttlMs: number,
    private readonly logger: LoggerService,
  ) {}

  /**
   * The cached value of `key`, else the value `load` resolves to, which is
   * then cached. `undefined` is a value too ("no report", "no such image").
   */
  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const local = this.local.get(key);
    if (local && local.expiresAt > Date.now()) {
      return local.value as T;
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      return pending as Promise<T>;
    }
    const promise = this.readThrough(key, load).finally(() => {
      this.inFlight.delete(key);
    });
    this.inFlight.set(key, promise);
    return promise;
  }

  private async readThrough<T>(
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    if (this.ttlMs > 0) {
      const hit = await this.cache
        .get<{ v?: JsonValue }>(key)
        .catch(error => this.warn('read', key, error));
      if (hit && typeof hit === 'object') {
        this.remember(key, hit.v);
        return hit.v as T;
      }
    }
    const value = await load();
    if (this.ttlMs > 0) {
      this.remember(key, value);
      // Wrapped, because the cache cannot tell a stored `undefined` from a miss.
      await this.cache
        .set(key, value === undefined ? {} : { v: value as JsonValue }, {
          ttl: this.ttlMs,
        })
        .catch(error => this.warn('write', key, error));
    }
    return value;
  }

  private remember(key: string, value: unknown) {
    if (this.local.size >= MAX_LOCAL_ENTRIES) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.local.keys().next().value;
      if (oldest !== undefined) {
        this.local.delete(oldest);
      }
    }
    this.local.delete(key);
    this.local.set(key, { value, expiresAt: Date.now() + this.ttlMs });
  }

  // A broken cache store slows requests down but never fails them.
  private warn(action: string, key: string, error: unknown): undefined {
    this.logger.warn(`Delivery cache ${action} failed; continuing without`, {
      key,
      error: (error as Error)?.name ?? 'Error',
    });
    return undefined;
  }
}
