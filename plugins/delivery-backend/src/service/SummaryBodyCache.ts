import { createHash } from 'node:crypto';

/** A response body, serialised once, with its entity tag. */
export type SerializedBody = {
  body: Buffer;
  /** A weak ETag in express's own format, so `If-None-Match` answers 304. */
  etag: string;
};

/** Bounds the cache (a few KB per entity). */
const MAX_ENTRIES = 1000;

/**
 * Serialised summaries for a few seconds, so that a warm request costs the
 * catalog read and one write: no recomputation, no `JSON.stringify`, no ETag
 * hashing. Concurrent misses for one key share one computation.
 *
 * The body depends on the entity as the catalog returned it (its ref and
 * annotations, the key) and on upstream answers, never on who asks: the
 * caller's permissions decide only whether the entity is visible, and the
 * router reads it with the caller's credentials before asking here, on every
 * request. A body that reports an upstream failure is not kept, so a failed
 * source is retried on the next request, as the upstream cache does.
 */
export class SummaryBodyCache {
  private readonly entries = new Map<
    string,
    { value: SerializedBody; expiresAt: number }
  >();
  private readonly inFlight = new Map<string, Promise<SerializedBody>>();

  constructor(private readonly ttlMs: number) {}

  async get(
    key: string,
    load: () => Promise<{ value: unknown; keep: boolean }>,
  ): Promise<SerializedBody> {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > Date.now()) {
      return entry.value;
    }
    const pending = this.inFlight.get(key);
    if (pending) {
      return pending;
    }
    const promise = (async () => {
      const { value, keep } = await load();
      const serialized = serialize(value);
      if (keep && this.ttlMs > 0) {
        this.remember(key, serialized);
      }
      return serialized;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private remember(key: string, value: SerializedBody) {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
      }
    }
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
  }
}

function serialize(value: unknown): SerializedBody {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  const hash = createHash('sha1').update(body).digest('base64').slice(0, 27);
  return { body, etag: `W/"${body.length.toString(16)}-${hash}"` };
}
