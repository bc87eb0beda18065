// The model on disk: models/<name>.bin holds the weights (16-bit integers, little-endian,
// scaled), and models/<name>.json its manifest: what it was trained on, how, and how well it
// did on data it never saw. The version is a hash of the weights, so equal files, equal
// version, and a verdict's modelVersion names exactly the weights that judged it.
import { createHash } from 'node:crypto'
import { readFile, writeFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { K, MODEL_CLASSES, type ModelThresholds, type TokenModel } from '../screening/model.js'

export const MODEL_NAME = 'toxic-tokens'

export interface ModelManifest {
  name: string
  version: string
  classes: readonly string[]
  bits: number
  /** A stored integer times `scale` is the weight. */
  scale: number
  /** Per-class thresholds and the extension threshold chosen on the tuning split. */
  thresholds: ModelThresholds
  [key: string]: unknown
}

export interface LoadedModel { model: TokenModel, manifest: ModelManifest }

export class ModelFileError extends Error { override name = 'ModelFileError' }

/** Weights as 16-bit integers: half the size of 32-bit floats, and the model scores the same. */
export function encodeWeights (weights: Float32Array): { bytes: Buffer, scale: number } {
  let max = 0
  for (const w of weights) if (Math.abs(w) > max) max = Math.abs(w)
  const scale = max === 0 ? 1 : max / 32767
  const bytes = Buffer.alloc(weights.length * 2)
  for (let i = 0; i < weights.length; i++) bytes.writeInt16LE(Math.round(weights[i]! / scale), i * 2)
  return { bytes, scale }
}

export const versionOf = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex').slice(0, 12)

export async function writeModel (dir: string, model: TokenModel, manifest: { thresholds: ModelThresholds, [key: string]: unknown }): Promise<ModelManifest> {
  const { bytes, scale } = encodeWeights(model.weights)
  const full: ModelManifest = { name: MODEL_NAME, version: versionOf(bytes), classes: MODEL_CLASSES, bits: model.bits, scale, ...manifest }
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, `${MODEL_NAME}.bin`), bytes)
  await writeFile(join(dir, `${MODEL_NAME}.json`), JSON.stringify(full, null, 2) + '\n')
  return full
}

export async function readModel (dir: string): Promise<LoadedModel> {
  let bytes: Buffer
  let manifest: ModelManifest
  try {
    [bytes, manifest] = await Promise.all([
      readFile(join(dir, `${MODEL_NAME}.bin`)),
      readFile(join(dir, `${MODEL_NAME}.json`), 'utf8').then((s) => JSON.parse(s) as ModelManifest)
    ])
  } catch (err) {
    throw new ModelFileError(`cannot read the model in ${dir} (${(err as Error).message}); run "npm run train", or set model.enabled: false in policy.yaml`)
  }
  const size = (2 ** manifest.bits) * K
  if (manifest.classes?.join() !== MODEL_CLASSES.join() || bytes.length !== size * 2) {
    throw new ModelFileError(`${dir}/${MODEL_NAME}.bin does not match its manifest (expected ${size * 2} bytes for classes ${MODEL_CLASSES.join(', ')})`)
  }
  if (versionOf(bytes) !== manifest.version) throw new ModelFileError(`${dir}/${MODEL_NAME}.bin is not the file its manifest describes (version ${manifest.version})`)
  // Rules reload on every save in RULES_DIR; the model seldom changes. The same weights give
  // the same model object, whose per-word cache (model.ts) then survives the reload.
  if (last?.version === manifest.version && last.bits === manifest.bits) return { model: last, manifest }
  const weights = new Float32Array(size)
  for (let i = 0; i < size; i++) weights[i] = bytes.readInt16LE(i * 2) * manifest.scale
  last = { version: manifest.version, bits: manifest.bits, weights }
  return { model: last, manifest }
}

/** The model read last (see readModel). */
let last: TokenModel | undefined
