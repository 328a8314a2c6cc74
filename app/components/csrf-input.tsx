import { useRouteLoaderData } from "@remix-run/react";
import type { RootData } from "../root";

/** Every form that changes state carries the session's CSRF token; requireSession checks it. */
export function CsrfInput() {
  const data = useRouteLoaderData("root") as RootData | undefined;
  return <input type="hidden" name="csrf" value={data?.csrfToken ?? ""} />;
}
