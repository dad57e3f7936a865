import { z } from 'zod';

/** Inputs of the enterprise procedures (validated in the router, DESIGN.md §2). */

export const enterpriseProviderSchema = z.strictObject({ provider: z.enum(['microsoft']) });

export const microsoftSetupSchema = z.strictObject({
  directory: z
    .string()
    .trim()
    .min(3, 'Enter the directory (tenant) id or the domain')
    .max(253)
    .regex(/^[A-Za-z0-9.-]+$/, 'A tenant id or a domain such as contoso.onmicrosoft.com'),
  clientId: z.string().trim().min(1, 'Enter the application (client) id').max(100),
  clientSecret: z.string().max(500).optional(),
});

export const testAccessSchema = z.strictObject({
  provider: z.enum(['microsoft']),
  address: z.email('Enter the email address of a mailbox to test with'),
});

export const bulkSelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('learners') }),
  z.strictObject({ kind: z.literal('tutors') }),
  z.strictObject({
    kind: z.literal('picked'),
    userIds: z.array(z.string().min(1).max(100)).min(1).max(5000),
  }),
  z.strictObject({ kind: z.literal('csv'), emails: z.array(z.string().max(320)).min(1).max(5000) }),
]);

export const bulkInputSchema = z.strictObject({
  provider: z.enum(['microsoft']),
  selection: bulkSelectionSchema,
});

export const bulkRunIdSchema = z.strictObject({ runId: z.uuid() });
