/** Pure (no database): the admin page reads an uploaded CSV with it too. */

/** The addresses of a CSV: the first column of each line, a header line allowed, case folded. */
export function csvAddresses(csv: string): string[] {
  return csv
    .split(/\r?\n/)
    .map((line) => (line.split(',')[0] ?? '').trim().replace(/^"|"$/g, ''))
    .filter((cell, index) => cell.length > 0 && !(index === 0 && /^e-?mail/i.test(cell)));
}
