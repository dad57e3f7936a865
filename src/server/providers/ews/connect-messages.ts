/** The connect form's plain messages (a file of their own: the connect code reads them without loading EWS). */
export const EXCHANGE_CHECK_MESSAGES = {
  wrong_password: 'Exchange refused that user name and password. Check them and try again.',
  unreachable: 'We could not reach that server. Check the address, or try again later.',
  not_exchange:
    'That address answers, but not as Exchange Server. Check the EWS address (…/EWS/Exchange.asmx).',
} as const;
