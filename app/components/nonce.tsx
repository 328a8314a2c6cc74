import { createContext, useContext } from "react";

/**
 * The per-request CSP nonce, given by the server (entry.server.tsx) to Remix's inline
 * scripts. In the browser it is empty: browsers hide nonce values from the page.
 */
const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
