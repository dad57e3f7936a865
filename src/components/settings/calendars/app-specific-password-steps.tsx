/** How to make an app-specific password for iCloud (Apple refuses the Apple ID password over CalDAV). */
export function AppSpecificPasswordSteps() {
  return (
    <div className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-800">
      <p className="font-medium">First create an app-specific password:</p>
      <ol className="mt-1 list-decimal space-y-0.5 pl-5">
        <li>
          Sign in at{' '}
          <a
            href="https://appleid.apple.com"
            target="_blank"
            rel="noreferrer"
            className="text-brand-700 underline"
          >
            appleid.apple.com
          </a>
          .
        </li>
        <li>Open Sign-In and Security, then App-Specific Passwords.</li>
        <li>Add one named “Tandem” and copy the password Apple shows you.</li>
        <li>Enter your Apple ID and that password below.</li>
      </ol>
    </div>
  );
}
