// One of the two processes of `npm run test:fast`: see layer.ts.
import { runShard } from './layer.js'

await runShard(1, 2)
