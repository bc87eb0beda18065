// `npm start` must stop cleanly on SIGTERM sent to the npm process (what an orchestrator or
// a terminal sends): a shell between npm and node does not pass the signal on, and the
// server kept running under pid 1. The start script of package.json is run by npm as it is,
// in a scratch folder where dist/src/server.js is a small stand-in that reports the
// signals it receives (the real server's shutdown is tested in processes/server.test.ts).
import t from 'tap'
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, tempDir } from './helper.js'

const STAND_IN = `
process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(0) })
console.log('listening ' + process.pid)
setInterval(() => {}, 1000)
`

t.test('SIGTERM to npm start reaches the server, which exits', async (t) => {
  const dir = await tempDir(t)
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'start-check', private: true, scripts: { start: scripts.start } }))
  mkdirSync(join(dir, 'dist/src'), { recursive: true })
  writeFileSync(join(dir, 'dist/src/server.js'), STAND_IN)
  const npm = spawn('npm', ['start', '--silent'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const pid = await new Promise<number>((resolve, reject) => {
    npm.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening (\d+)/.exec(out)
      if (m !== null) resolve(Number(m[1]))
    })
    npm.once('exit', () => reject(new Error(`npm exited before the server started: ${out}`)))
  })
  npm.kill('SIGTERM')
  await new Promise((resolve) => npm.once('exit', resolve))
  t.match(out, /got SIGTERM/, 'the server received the signal')
  let alive = true
  for (let i = 0; i < 100 && alive; i++) {
    try { process.kill(pid, 0); await new Promise((resolve) => setTimeout(resolve, 20)) } catch { alive = false }
  }
  t.notOk(alive, 'and no server process is left behind')
  if (alive) process.kill(pid, 'SIGKILL')
})
