// RULES_DIR and MODEL_DIR, read on their own. The service reads them through config.ts with
// every other setting; the rules CLI's offline commands (check, test, screen, a backtest from
// a file) need only these two, so they work where the service's required settings are not
// set (a one-off `docker run … rules.js check` has no API_KEYS) and start without loading
// the settings' schema.
export const DEFAULT_RULES_DIR = './rules'
export const DEFAULT_MODEL_DIR = './models'

/** RULES_DIR, or ./rules when it is unset or empty. */
export const rulesDirFromEnv = (env: NodeJS.ProcessEnv = process.env): string => env.RULES_DIR !== undefined && env.RULES_DIR !== '' ? env.RULES_DIR : DEFAULT_RULES_DIR

/** MODEL_DIR, or ./models when it is unset or empty. */
export const modelDirFromEnv = (env: NodeJS.ProcessEnv = process.env): string => env.MODEL_DIR !== undefined && env.MODEL_DIR !== '' ? env.MODEL_DIR : DEFAULT_MODEL_DIR
