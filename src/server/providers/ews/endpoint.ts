/** Where Exchange Server answers EWS on every version since 2007 (IIS virtual directory `EWS`). */
export const EWS_PATH = '/EWS/Exchange.asmx';

/**
 * The EWS endpoint for what a user typed: the full `…/EWS/Exchange.asmx` as is, or just the
 * server (`https://mail.example.org`), which is what people know from Outlook on the web.
 */
export function ewsEndpointOf(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.pathname === '/' || url.pathname === '') url.pathname = EWS_PATH;
  url.hash = '';
  return url.toString();
}
