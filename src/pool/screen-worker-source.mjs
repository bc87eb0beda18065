// The worker thread's entry when the service runs from source (`npm run dev`, tests):
// worker threads do not inherit tsx's loader from `node --import tsx`, so the thread
// registers it before loading the TypeScript worker. Compiled builds use screen-worker.js.
import { register } from 'tsx/esm/api'

register()
const { default: screenTask } = await import('./screen-worker.ts')
export default screenTask
