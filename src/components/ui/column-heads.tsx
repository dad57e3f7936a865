/** A table's header row: one column heading per name, as the admin tables draw them. */
export function ColumnHeads({ names }: { names: readonly string[] }) {
  return (
    <thead className="border-b border-slate-300 text-slate-700">
      <tr>
        {names.map((name) => (
          <th key={name} scope="col" className="py-2 pr-3">
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}
