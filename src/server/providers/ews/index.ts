export { createEwsProvider, EwsCalendarProvider } from './provider';
export type { EwsConnectionConfig } from './config';
export { checkExchangeCalendar, checkExchangeServer, EXCHANGE_CHECK_MESSAGES } from './connect-check';
export { ewsEndpointOf } from './endpoint';
