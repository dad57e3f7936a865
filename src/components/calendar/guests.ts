/** Outside guests as typed in the meeting form: one row each, email required, name optional. */
export interface GuestRow {
  key: string;
  email: string;
  name: string;
}

export interface Guest {
  email: string;
  name: string | null;
}

export const MAX_GUESTS = 20;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The guests to send (`meetings.create` gains `guests: { email, name }[]`), and a message per
 * row that is not one: empty rows are ignored, the same address twice is refused.
 */
export function parseGuests(rows: GuestRow[]): { guests: Guest[]; errors: Map<string, string> } {
  const errors = new Map<string, string>();
  const guests: Guest[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    const email = row.email.trim();
    const name = row.name.trim();
    if (!email && !name) continue;
    if (!email) errors.set(row.key, 'Enter the guest’s email address');
    else if (!EMAIL.test(email) || email.length > 320)
      errors.set(row.key, 'Enter an email address like name@example.com');
    else if (seen.has(email.toLowerCase())) errors.set(row.key, 'This guest is already on the list');
    else if (name.length > 200) errors.set(row.key, 'Keep the name under 200 characters');
    else {
      seen.add(email.toLowerCase());
      guests.push({ email, name: name || null });
    }
  }
  if (guests.length > MAX_GUESTS) {
    const last = rows.at(-1);
    if (last) errors.set(last.key, `Invite at most ${MAX_GUESTS} outside guests`);
  }
  return { guests, errors };
}

export function emptyGuestRow(): GuestRow {
  return { key: crypto.randomUUID(), email: '', name: '' };
}
