#!/usr/bin/env node
// moderato-rules: check, test, screen, backtest and export, for ops. See rules/README.md.
import { main } from './main.js'

main(process.argv.slice(2)).then((r) => {
  if (r.out !== '') (r.code === 0 ? process.stdout : process.stderr).write(r.out + '\n')
  process.exitCode = r.code
}, (err: Error) => {
  process.stderr.write(`moderato-rules: ${err.message}\n`)
  process.exitCode = 1
})
