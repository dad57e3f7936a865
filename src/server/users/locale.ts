import { z } from 'zod';

/** Dates are written for this locale when the browser names none we can format. */
export const FALLBACK_LOCALE = 'en-GB';

/** The date formats a person can choose in Account settings (else their browser's language decides). */
export const CHOOSABLE_LOCALES = {
  'en-GB': 'English (United Kingdom)',
  'en-US': 'English (United States)',
  'en-IE': 'English (Ireland)',
  'en-AU': 'English (Australia)',
  'cy-GB': 'Cymraeg',
  'fr-FR': 'Français (France)',
  'de-DE': 'Deutsch (Deutschland)',
  'es-ES': 'Español (España)',
} as const;
export type ChoosableLocale = keyof typeof CHOOSABLE_LOCALES;
export const choosableLocaleSchema = z.enum(
  Object.keys(CHOOSABLE_LOCALES) as [ChoosableLocale, ...ChoosableLocale[]],
);

const MAX_TAGS = 20;

/**
 * The locale to write dates in, from an `Accept-Language` header: the tag the browser prefers most
 * (by q-value, then order) that Intl can format, canonicalised (`en-gb` → `en-GB`). Used when the
 * person has chosen no date format in Account settings: a UK browser sees "Mon 30/11".
 */
export function localeFromAcceptLanguage(header: string | null | undefined): string {
  if (!header) return FALLBACK_LOCALE;
  const ranked = header
    .split(',')
    .slice(0, MAX_TAGS)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { tag: tag.trim(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    const supported = canonicalLocale(tag);
    if (supported) return supported;
  }
  return FALLBACK_LOCALE;
}

function canonicalLocale(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (!canonical) return null;
    return Intl.DateTimeFormat.supportedLocalesOf([canonical]).length > 0 ? canonical : null;
  } catch {
    // Not a well-formed language tag: the browser sent garbage; try the next one.
    return null;
  }
}
