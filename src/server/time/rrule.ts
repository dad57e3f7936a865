import * as rruleModule from 'rrule';

// rrule ships a UMD bundle as `main` and ESM as `module`: bundlers and Vitest see named exports,
// plain Node ESM (tsx scripts, the bench) sees only `default`. Read both ways, in one place.
const rrule = (rruleModule as unknown as { default?: typeof rruleModule }).default ?? rruleModule;

export const { RRule, RRuleSet, rrulestr } = rrule;
