import { ConfigError, getConfig, type Config } from "../../app/lib/config.server";

/**
 * Loads the configuration for a command-line entry point, printing the list of problems
 * and exiting with status 2 when it is invalid, instead of a stack trace.
 */
export function bootConfig(): Config {
  try {
    return getConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
