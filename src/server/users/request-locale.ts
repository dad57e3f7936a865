import 'server-only';
import { headers } from 'next/headers';
import { localeFromAcceptLanguage } from './locale';

/** The locale of the browser making this request (pages pass it to client components). */
export async function requestLocale(): Promise<string> {
  return localeFromAcceptLanguage((await headers()).get('accept-language'));
}
