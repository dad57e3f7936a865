/** Plain code (no client hooks): the /admin/calendar page reads the answer on the server. */

/** What Microsoft's admin consent endpoint put on the redirect URI (/admin/calendar), under its names. */
export interface AdminConsentAnswer {
  state: string;
  admin_consent?: string;
  tenant?: string;
  error?: string;
  error_description?: string;
}

/** Microsoft's answer read off the page's query; null when the page was opened some other way. */
export function adminConsentAnswerOf(
  params: Record<string, string | string[] | undefined>,
): AdminConsentAnswer | null {
  const one = (name: string) => {
    const value = params[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const state = one('state');
  if (!state || (!one('admin_consent') && !one('error'))) return null;
  const answer: AdminConsentAnswer = { state };
  for (const name of ['admin_consent', 'tenant', 'error', 'error_description'] as const) {
    const value = one(name);
    if (value) answer[name] = value;
  }
  return answer;
}
