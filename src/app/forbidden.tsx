import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-xl p-8">
      <h1 className="text-2xl font-semibold">You don’t have access to this page</h1>
      <p className="mt-2 text-slate-700">
        This page needs the <strong>Manage Tenant Settings</strong> permission. Ask an administrator of your
        organisation if you need it.
      </p>
      <p className="mt-4">
        <Link href="/calendar" className="text-brand-700 underline">
          Back to your calendar
        </Link>
      </p>
    </main>
  );
}
