/** A source the entity or the config does not set up; the message says how. */
export class NotConfigured extends Error {
  name = 'NotConfigured';
}
