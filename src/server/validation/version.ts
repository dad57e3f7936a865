import { z } from 'zod';

/**
 * The version of a row (a meeting, a task) that an edit started from. The service refuses the
 * edit when the row has moved on since, so two people editing at once cannot lose one change.
 */
export const editedVersionSchema = z.int().min(1).max(2_147_483_647);
