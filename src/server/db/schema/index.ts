export * from './tenants';
export * from './users';
export * from './tasks';
export * from './meetings';
export * from './notifications';
export * from './connections';
export * from './meeting-links';
export * from './security';
