import 'server-only';
import { headers } from 'next/headers';
import { localeFromAcceptLanguage } from './locale';

/**
 * How this person's dates are written: their own choice (Account settings), else what their
 * browser asks for. Pages pass it to client components.
 */
export async function requestLocale(chosen: string | null): Promise<string> {
  return chosen ?? localeFromAcceptLanguage((await headers()).get('accept-language'));
}
