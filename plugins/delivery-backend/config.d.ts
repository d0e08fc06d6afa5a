export interface Config {
  /**
   * Slipway delivery settings. The tool connections (`jenkins`, `sonarqube`,
   * `argocd`, `aws`, `delivery.timeouts`, `delivery.ecr`) are documented by
   * @slipway/plugin-delivery-node, which reads them.
   */
  delivery?: {
    /**
     * Caching of upstream answers by the delivery backend.
     */
    cache?: {
      /**
       * How long an upstream answer is reused, in seconds. Default 30; 0
       * turns caching off (concurrent identical calls are still shared).
       * With a shared cache store (backend.cache.store: redis), all replicas
       * share the cached answers. Each replica also reuses a serialised
       * summary for this long, at most 5 seconds.
       */
      ttlSeconds?: number;
    };
  };
}
