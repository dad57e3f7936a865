/**
 * The most calls one /api/trpc request may carry. The browser's batch link splits above it, so
 * only hand-made requests meet the server's refusal (src/server/api/http-handler.ts).
 */
export const MAX_TRPC_BATCH_SIZE = 20;
