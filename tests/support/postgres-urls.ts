/** The same server and credentials, another database. */
export function databaseUrlFor(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** CREATE/DROP DATABASE cannot run while connected to the database concerned: use `postgres`. */
export function adminUrl(baseUrl: string): string {
  return databaseUrlFor(baseUrl, 'postgres');
}
