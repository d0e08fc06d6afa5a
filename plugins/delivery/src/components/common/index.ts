export * from './annotations';
export * from './CardStates';
export * from './status';
export * from './useDelivery';
