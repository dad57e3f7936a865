import { LEGEND, stateClass } from './availability-states';

/** What each pattern means, in words: the grid never relies on colour alone (WCAG 1.4.1). */
export function AvailabilityLegend() {
  return (
    <section
      aria-labelledby="availability-legend"
      className="rounded-lg border border-slate-200 bg-white px-4 py-3"
    >
      <h2 id="availability-legend" className="text-sm font-semibold">
        Legend
      </h2>
      <ul className="mt-2 flex flex-wrap gap-x-5 gap-y-2 text-sm">
        {LEGEND.map((entry) => (
          <li key={entry.state} className="flex items-center gap-2">
            <span aria-hidden="true" className={`avail-swatch ${stateClass(entry.state)}`} />
            <span>
              {entry.label} <span className="sr-only">({entry.description})</span>
            </span>
          </li>
        ))}
      </ul>
      <p className="mt-2 text-xs text-slate-700">
        Other people’s events show only as busy time, never their titles; your own show their titles.
      </p>
    </section>
  );
}
