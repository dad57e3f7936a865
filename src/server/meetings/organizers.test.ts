import { describe, expect, it } from 'vitest';
import { ROLES } from '@/server/db/schema';
import { canOrganize } from './organizers';

describe('canOrganize', () => {
  it('lets tutors and admins send meetings, and no other role', () => {
    expect(ROLES.filter(canOrganize)).toEqual(['admin', 'tutor']);
  });
});
