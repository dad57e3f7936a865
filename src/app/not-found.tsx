import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-4">
        <Link href="/calendar" className="text-brand-700 underline">
          Go to your calendar
        </Link>
      </p>
    </main>
  );
}
