/**
 * A confirmation of what just happened ("Meeting sent"). The live region is always in the page,
 * so screen readers announce each new message; it stays until the next one replaces it.
 */
export function StatusMessage({ message, className = '' }: { message: string | null; className?: string }) {
  return (
    <p
      role="status"
      className={
        message
          ? `rounded-md border border-emerald-300 bg-emerald-50 px-4 py-2 text-sm text-emerald-900 ${className}`
          : 'sr-only'
      }
    >
      {message}
    </p>
  );
}
