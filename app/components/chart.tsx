import { useId, type CSSProperties } from "react";
import { TableScroll } from "./table-scroll";

export type ChartProps = {
  chart: { title: string; description: string; svg: string; width: number };
  /** The numbers behind the chart, shown as a table for screen readers and anyone who wants them. */
  table?: { columns: string[]; rows: Array<Array<string | number>> };
};

/** Shrunk below this share of its own width, a chart's 11 px labels get too small to read (it scrolls instead). */
const MIN_READABLE_SCALE = 0.72;

/** A server-rendered chart (see app/lib/charts.server.ts): readable without JavaScript. */
export function Chart({ chart, table }: ChartProps) {
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {chart.title}
      </figcaption>
      {/* Produced on the server by Observable Plot, which escapes every label and title it writes;
          the svg carries the title and the description (<title>, <desc>) as its accessible name. */}
      <div
        className="chart-svg"
        role="group"
        aria-labelledby={`${id}-title`}
        tabIndex={0}
        // On a phone a wide chart keeps a readable size and scrolls sideways in its own box.
        style={{ "--chart-min-width": `${Math.round(chart.width * MIN_READABLE_SCALE)}px` } as CSSProperties}
        dangerouslySetInnerHTML={{ __html: chart.svg }}
      />
      {table && table.rows.length > 0 ? (
        <details className="chart-data">
          <summary>Data</summary>
          <TableScroll label={`${chart.title}: data`}>
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
          </TableScroll>
        </details>
      ) : null}
    </figure>
  );
}
