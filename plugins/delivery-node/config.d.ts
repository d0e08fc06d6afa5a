import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Jenkins, in the community Jenkins plugin's shape. `baseUrl`, `username`
   * and `apiKey` at this level are the instance named `default`.
   */
  jenkins?: {
    /**
     * Base URL of the default Jenkins instance, e.g. https://jenkins.example.com.
     */
    baseUrl?: string;
    /**
     * User of the default instance, for Basic auth with `apiKey`.
     */
    username?: string;
    /**
     * API token of `username` on the default instance.
     * @visibility secret
     */
    apiKey?: string;
    /**
     * Further Jenkins instances; an annotation names one as `name:folder/job`.
     */
    instances?: Array<{
      /**
       * Instance name, used in annotations; `default` is used when none is named.
       */
      name: string;
      /**
       * Base URL of the instance, e.g. https://jenkins.example.com.
       */
      baseUrl: string;
      /**
       * User for Basic auth with `apiKey`.
       */
      username?: string;
      /**
       * API token of `username`.
       * @visibility secret
       */
      apiKey?: string;
    }>;
  };

  /**
   * SonarQube, in the community SonarQube plugin's shape. `baseUrl`,
   * `externalBaseUrl` and `apiKey` at this level are the instance `default`.
   */
  sonarqube?: {
    /**
     * Base URL of the default SonarQube instance's API.
     */
    baseUrl?: string;
    /**
     * URL users open in the browser, when it differs from `baseUrl`.
     */
    externalBaseUrl?: string;
    /**
     * User token of the default instance.
     * @visibility secret
     */
    apiKey?: string;
    /**
     * Further SonarQube instances; an annotation names one as `name/project-key`.
     */
    instances?: Array<{
      /**
       * Instance name, used in annotations; `default` is used when none is named.
       */
      name: string;
      /**
       * Base URL of the instance's API.
       */
      baseUrl: string;
      /**
       * URL users open in the browser, when it differs from `baseUrl`.
       */
      externalBaseUrl?: string;
      /**
       * User token.
       * @visibility secret
       */
      apiKey?: string;
    }>;
  };

  /**
   * Argo CD, in the Roadie Argo CD plugin's shape.
   */
  argocd?: {
    /**
     * Username used for instances that configure neither a token nor a username.
     */
    username?: string;
    /**
     * Password that goes with `username`.
     * @visibility secret
     */
    password?: string;
    /**
     * Base URL of a single Argo CD instance (named `default`), used only when
     * `appLocatorMethods` is absent; needs `username` and `password`.
     */
    baseUrl?: string;
    /**
     * Where Argo CD instances are found. Only `type: config` is supported.
     */
    appLocatorMethods?: Array<{
      /**
       * Locator type; `config`.
       */
      type: string;
      /**
       * The Argo CD instances; the first one is used when an entity names none
       * (annotation `argocd/instance-name`).
       */
      instances: Array<{
        /**
         * Instance name, used in the `argocd/instance-name` annotation.
         */
        name: string;
        /**
         * Base URL of the Argo CD server, e.g. https://argocd.example.com.
         */
        url: string;
        /**
         * An API token of an Argo CD account.
         * @visibility secret
         */
        token?: string;
        /**
         * Username for a session login, when there is no token.
         */
        username?: string;
        /**
         * Password for a session login.
         * @visibility secret
         */
        password?: string;
      }>;
    }>;
  };

  /**
   * Slipway delivery settings shared by the delivery backend and scaffolder module.
   */
  delivery?: {
    /**
     * Per-call timeouts for upstream requests: milliseconds, a duration
     * string ('10s', 'PT10S') or an object ({ seconds: 10 }). Default 10 seconds.
     */
    timeouts?: {
      /**
       * Timeout of every tool without its own value.
       */
      default?: number | string | HumanDuration;
      /**
       * Timeout of Jenkins calls.
       */
      jenkins?: number | string | HumanDuration;
      /**
       * Timeout of SonarQube calls.
       */
      sonarqube?: number | string | HumanDuration;
      /**
       * Timeout of Argo CD calls.
       */
      argocd?: number | string | HumanDuration;
      /**
       * Timeout of ECR calls.
       */
      ecr?: number | string | HumanDuration;
    };
    /**
     * ECR settings. Credentials come from the `aws` config of
     * @backstage/integration-aws-node (mainAccount, accounts, accountDefaults).
     */
    ecr?: {
      /**
       * Overrides the ECR endpoint, e.g. http://localhost:4566 for a local
       * simulator. Leave unset for AWS.
       */
      endpoint?: string;
    };
  };
}
