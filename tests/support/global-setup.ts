// Filled in by the database test support (see tests/support/database.ts).
export default async function setup(): Promise<void> {}
