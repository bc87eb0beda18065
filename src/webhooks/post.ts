// One webhook delivery on the wire: a POST to the configured URL and nowhere else (no
// redirects followed), with a deadline, refusing loopback and link-local addresses unless
// WEBHOOK_ALLOW_PRIVATE is set. The address is checked after DNS resolution, and the
// connection goes to the address that was checked, so a name that resolves differently
// the second time cannot lead the request elsewhere.
import { request as httpRequest, type RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP } from 'node:net'

const PRIVATE = new BlockList()
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('0.0.0.0', 8, 'ipv4')
PRIVATE.addSubnet('169.254.0.0', 16, 'ipv4')
PRIVATE.addAddress('::1', 'ipv6')
PRIVATE.addAddress('::', 'ipv6')
PRIVATE.addSubnet('fe80::', 10, 'ipv6')

/** Loopback, link-local or unspecified (IPv4-mapped IPv6 addresses included). */
export function isPrivateTarget (address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped !== null) return PRIVATE.check(mapped[1]!, 'ipv4')
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')
}

/** The URL points at an address deliveries may not go to. */
export class RefusedTarget extends Error {
  constructor (address: string) {
    super(`the webhook URL resolves to ${address}, a loopback or link-local address; set WEBHOOK_ALLOW_PRIVATE=true to allow it`)
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/** dns.lookup that refuses private addresses. */
function guardedLookup (hostname: string, options: object, callback: LookupCallback): void {
  dnsLookup(hostname, options, (err, address, family) => {
    if (err !== null) { callback(err, ''); return }
    const all = Array.isArray(address) ? address : [{ address, family }]
    const bad = all.find((a) => isPrivateTarget(a.address))
    if (bad !== undefined) { callback(new RefusedTarget(bad.address), ''); return }
    callback(null, address, family)
  })
}

/**
 * POSTs `body` to `url`; resolves with the response status (the body is read and dropped),
 * rejects on a network error, a refused target or the deadline.
 */
export async function postWebhook (
  url: URL, body: string, headers: Record<string, string>, options: { timeoutMs: number, allowPrivate: boolean }
): Promise<number> {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (!options.allowPrivate && isIP(host) !== 0 && isPrivateTarget(host)) throw new RefusedTarget(host)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  const request: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    signal: AbortSignal.timeout(options.timeoutMs),
    ...(options.allowPrivate ? {} : { lookup: guardedLookup as unknown as RequestOptions['lookup'] })
  }
  return await new Promise<number>((resolve, reject) => {
    const req = send(url, request, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}
