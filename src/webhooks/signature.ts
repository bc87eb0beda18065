// Signing webhook deliveries, and checking them on the site's side. Dependency-free (only
// node:crypto) so that a site running Node can copy this one file, or import it from the
// package ("moderato/verify-webhook").
//
// The header, in the style of Stripe's:
//   Moderato-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…]
// with one v1 per secret the site has configured, so a site can rotate its secret: add the
// new one to Moderato, switch the receiver over, then remove the old one.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'moderato-signature'

function hmac (secret: string, timestamp: number, rawBody: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')
}

/** The Moderato-Signature value for `rawBody`, signed with each of `secrets` at `timestamp` (unix seconds). */
export function signWebhook (rawBody: string, secrets: readonly string[], timestamp = Math.floor(Date.now() / 1000)): string {
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmac(s, timestamp, rawBody)}`)].join(',')
}

/**
 * True when `header` (the Moderato-Signature value) signs `rawBody` (the body exactly as
 * received, before any JSON parsing) with one of `secrets`, at a time within
 * `toleranceSeconds` of now. A replayed old delivery, a changed body or an unknown secret
 * is false.
 */
export function verifyWebhook (
  rawBody: string | Uint8Array, header: string | undefined | null, secrets: string | readonly string[], toleranceSeconds = 300, nowMs = Date.now()
): boolean {
  if (typeof header !== 'string') return false
  let timestamp: number | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2)
    if (k === 't' && v !== undefined && /^\d+$/.test(v)) timestamp = Number(v)
    else if (k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)) signatures.push(v)
  }
  if (timestamp === undefined || signatures.length === 0) return false
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceSeconds) return false
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = Buffer.from(hmac(secret, timestamp, rawBody), 'hex')
    if (signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected))) return true
  }
  return false
}
