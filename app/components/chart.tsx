import { useId } from "react";

export type ChartProps = {
  chart: { title: string; description: string; svg: string };
  /** The numbers behind the chart, shown as a table for screen readers and anyone who wants them. */
  table?: { columns: string[]; rows: Array<Array<string | number>> };
};

/** A server-rendered chart (see app/lib/charts.server.ts): readable without JavaScript. */
export function Chart({ chart, table }: ChartProps) {
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {chart.title}
      </figcaption>
      {/* Produced on the server by Observable Plot, which escapes every label and title it writes. */}
      <div className="chart-svg" dangerouslySetInnerHTML={{ __html: chart.svg }} />
      <p className="visually-hidden">{chart.description}</p>
      {table && table.rows.length > 0 ? (
        <details className="chart-data">
          <summary>Data</summary>
          <table className="data">
            <thead>
              <tr>
                {table.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <td key={j}>{typeof cell === "number" ? cell.toLocaleString("en-US") : cell}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </figure>
  );
}
