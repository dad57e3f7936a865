export { createEwsProvider, EwsCalendarProvider } from './provider';
export type { EwsConnectionConfig } from './config';
