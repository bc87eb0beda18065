// @ts-check
// The console's only way to the service: the moderator's key from sessionStorage (never a
// cookie or a URL) as a Bearer token, and the service's { code, message } errors as ApiError.

const KEY = 'moderato.key'

export const session = {
  /** @returns {string | null} */
  key: () => sessionStorage.getItem(KEY),
  /** @param {string} key */
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY)
}

export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor (status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

/**
 * Calls the API; resolves with the JSON body, or rejects with an ApiError.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {{ keepalive?: boolean }} [options] keepalive: still sent when the page is closing
 * @returns {Promise<any>}
 */
export async function api (method, path, body, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { authorization: `Bearer ${session.key() ?? ''}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), keepalive: options.keepalive === true })
  const data = await res.json().catch(() => ({}))
  if (!res.ok) throw new ApiError(res.status, data.code ?? `HTTP_${res.status}`, data.message ?? res.statusText)
  return data
}

/**
 * A query string of the defined, non-empty values.
 * @param {Record<string, string | number | undefined>} params
 */
export function query (params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s === '' ? '' : `?${s}`
}

/** @param {string} id */
export const enc = (id) => encodeURIComponent(id)
