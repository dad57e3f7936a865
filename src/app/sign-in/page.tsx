import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { appDeps } from '@/server/app-deps';
import { currentIdentity } from '@/server/auth/config';
import { DEMO_PASSWORD, NORTHBRIDGE_ACCOUNTS, RIVERSIDE_ACCOUNTS } from '@/server/demo/accounts';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentIdentity()) redirect('/calendar');
  const { next = '/calendar' } = await searchParams;
  const { demo } = await appDeps();
  return (
    <main className="mx-auto flex min-h-screen max-w-4xl flex-col items-center justify-center gap-8 p-6 md:flex-row md:items-start md:pt-24">
      <section
        aria-labelledby="sign-in-heading"
        className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      >
        <h1 id="sign-in-heading" className="text-2xl font-semibold">
          Sign in to Tandem
        </h1>
        <p className="mb-6 mt-1 text-sm text-slate-600">Your tasks, meetings and reviews in one calendar.</p>
        <SignInForm next={next} />
      </section>
      {demo ? (
        <section
          aria-labelledby="demo-heading"
          className="w-full max-w-sm rounded-lg border border-sky-200 bg-sky-50 p-6 text-sm"
        >
          <h2 id="demo-heading" className="text-base font-semibold text-sky-950">
            Demo accounts
          </h2>
          <p className="mt-1 text-sky-950">
            Every account uses the password <code className="rounded bg-white px-1">{DEMO_PASSWORD}</code>.
          </p>
          {[
            { tenant: 'Northbridge Training', accounts: NORTHBRIDGE_ACCOUNTS },
            { tenant: 'Riverside Skills', accounts: RIVERSIDE_ACCOUNTS },
          ].map(({ tenant, accounts }) => (
            <div key={tenant} className="mt-4">
              <h3 className="font-medium text-sky-950">{tenant}</h3>
              <ul className="mt-1 space-y-0.5 text-sky-950">
                {accounts.map((account) => (
                  <li key={account.email}>
                    <span className="font-mono">{account.email}</span> — {account.name}, {account.role}
                    {account.manageTenantSettings ? ' (Manage Tenant Settings)' : ''}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ) : null}
    </main>
  );
}
