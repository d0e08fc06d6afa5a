/**
 * The Slipway delivery backend plugin: one API for the whole road of a
 * service.
 *
 * @packageDocumentation
 */

export { deliveryPlugin as default } from './plugin';
