// Slow clients: a request whose body trickles in is cut off after REQUEST_TIMEOUT_MS, and an
// idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS, so that no client can hold a
// connection open for minutes. Over a real socket: inject() has no connection to time out.
import t, { type Test } from 'tap'
import { connect, type Socket } from 'node:net'
import { startRedis, buildTestApp, KEYS } from './helper.js'

const redis = await startRedis(t)

/** Resolves with the time the server took to close the socket, or rejects after `deadline` ms. */
async function closedWithin (socket: Socket, deadline: number): Promise<{ ms: number, received: string }> {
  const started = Date.now()
  let received = ''
  socket.on('data', (d: Buffer) => { received += d.toString() })
  // A server that cuts the connection while the client is still writing may be answered
  // with a reset: the socket then errors before it closes, which is the same outcome here.
  socket.on('error', () => {})
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`still open after ${deadline} ms`)) }, deadline)
    socket.on('close', () => { clearTimeout(timer); resolve({ ms: Date.now() - started, received }) })
  })
}

async function listening (t: Test, env: Record<string, string>): Promise<number> {
  const { app } = await buildTestApp(t, redis.url, env)
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as { port: number }).port
}

t.test('a body that trickles in is cut off with 408 after REQUEST_TIMEOUT_MS', async (t) => {
  const port = await listening(t, { REQUEST_TIMEOUT_MS: '600' })
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(`POST /v1/comments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.site}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"articleId":`)
  // One byte every 100 ms: an idle timeout alone would never fire.
  const trickle = setInterval(() => { if (!socket.destroyed) socket.write(' ') }, 100)
  t.teardown(() => clearInterval(trickle))
  const { received } = await closedWithin(socket, 10000)
  t.match(received, /^HTTP\/1\.1 408/, 'answered 408 Request Timeout, then closed')
})

t.test('an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS', async (t) => {
  const port = await listening(t, { KEEP_ALIVE_TIMEOUT_MS: '300' })
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n')
  const { received } = await closedWithin(socket, 10000)
  t.match(received, /^HTTP\/1\.1 200/, 'the request was answered, and the idle connection closed after it')
})

t.test('shutdown does not wait for a body that is still arriving', async (t) => {
  const { app } = await buildTestApp(t, redis.url, { REQUEST_TIMEOUT_MS: '60000' })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const socket = connect(port, '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(`POST /v1/comments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEYS.site}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"articleId":`)
  const trickle = setInterval(() => { if (!socket.destroyed) socket.write(' ') }, 100)
  t.teardown(() => clearInterval(trickle))
  // A request sent after it is answered after its headers were read.
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200)
  const closed = closedWithin(socket, 30000)
  const started = Date.now()
  await app.close()
  const ms = Date.now() - started
  // Generous: without the cut, close() waits for the 60 s request timeout.
  t.ok(ms < 5000, `closed in ${ms} ms, not after the request timeout`)
  t.equal((await closed).received, '', 'the half-sent request got no answer: nothing of it was accepted')
})
