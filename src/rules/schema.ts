// JSON Schemas of the structured rule files, written once with TypeBox: the same objects
// validate the files at load time and are published in rules/schemas/ for editors.
import { Type, type Static, type TOptional } from 'typebox'
import { CATEGORIES, LANES, SEVERITIES } from '../screening/types.js'
import { MODEL_KINDS } from '../screening/model.js'

const Category = Type.Enum(CATEGORIES)
const Severity = Type.Enum(SEVERITIES)
const Lane = Type.Enum(LANES)
const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$', description: 'lower-case letters, digits and dashes' })

const Score = Type.Number({ minimum: 0, maximum: 1 })
const ModelCategory = Type.Object({
  threshold: Type.Optional(Score),
  lane: Type.Optional(Lane)
}, { additionalProperties: false })

const ModelPolicy = Type.Object({
  enabled: Type.Boolean(),
  within: Type.Optional(Score),
  extend: Type.Optional(Score),
  aimed: Type.Optional(Score),
  categories: Type.Optional(Type.Object(
    Object.fromEntries(MODEL_KINDS.map((k) => [k, Type.Optional(ModelCategory)])) as Record<typeof MODEL_KINDS[number], TOptional<typeof ModelCategory>>,
    { additionalProperties: false }
  ))
}, { additionalProperties: false })

const CategoryPolicy = Type.Object({
  action: Type.Union([Type.Literal('review'), Type.Literal('reject')]),
  lane: Lane,
  minSeverity: Type.Optional(Severity),
  reason: Type.Optional(Type.String({ minLength: 1 }))
}, { additionalProperties: false })

export const PolicyFile = Type.Object({
  clean: Type.Object({
    action: Type.Union([Type.Literal('review'), Type.Literal('approve')]),
    lane: Lane
  }, { additionalProperties: false }),
  language: Type.Object({
    action: Type.Union([Type.Literal('review'), Type.Literal('reject')]),
    lane: Lane,
    reason: Type.String({ minLength: 1 }),
    minLetters: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    minWords: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    allowed: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z]{3}$', description: 'An ISO 639-3 code, as screening.language.code reports it (eng, deu, fra …)' }), { minItems: 1, uniqueItems: true, description: 'The languages accepted (default: eng); text clearly in another gets the action above. Undetermined text never does.' }))
  }, { additionalProperties: false }),
  defaultLane: Lane,
  categories: Type.Object(
    Object.fromEntries(CATEGORIES.map((c) => [c, Type.Optional(CategoryPolicy)])) as Record<typeof CATEGORIES[number], TOptional<typeof CategoryPolicy>>,
    { additionalProperties: false }
  ),
  reasons: Type.Array(Id, { minItems: 1, uniqueItems: true }),
  readerMessages: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 1000 }), { description: 'The text a site shows the reader for each reason code (in the decisions feed as readerMessage)' })),
  reportThresholds: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 1000 }), { description: 'Per reason code, how many readers must report an approved comment for that reason before it goes back to review (the reported lane). Unlisted codes: 1 for threat and libel, 3 for the others.' })),
  model: Type.Optional(ModelPolicy)
}, { additionalProperties: false })
export type PolicyFile = Static<typeof PolicyFile>

/** sites/<site>/policy.yaml: any section of policy.yaml, each one whole; categories are merged one by one. */
export const SitePolicyFile = Type.Partial(PolicyFile, { additionalProperties: false })
export type SitePolicyFile = Static<typeof SitePolicyFile>

const When = Type.Object({ you: Type.Optional(Category), person: Type.Optional(Category), group: Type.Optional(Category) }, { additionalProperties: false })

export const ListsFile = Type.Object({
  lists: Type.Array(Type.Object({
    id: Id,
    file: Type.Optional(Type.String({ minLength: 1 })),
    source: Type.Optional(Type.Literal('bad-words')),
    category: Category,
    severity: Severity,
    mode: Type.Union([Type.Literal('always'), Type.Literal('aimed'), Type.Literal('patterns')]),
    when: Type.Optional(When)
  }, { additionalProperties: false })),
  targets: Type.Object({
    before: Type.Integer({ minimum: 0, maximum: 10 }),
    after: Type.Integer({ minimum: 0, maximum: 10 }),
    names: Type.Boolean(),
    you: Type.String({ minLength: 1 }),
    person: Type.String({ minLength: 1 }),
    group: Type.String({ minLength: 1 }),
    /** Adjectives ("trans", "jewish") that name a group before a word of groupNouns ("people"). */
    groupAdjectives: Type.Optional(Type.String({ minLength: 1 })),
    /** Words for people ("people", "women", "community") that a group adjective makes a group. */
    groupNouns: Type.Optional(Type.String({ minLength: 1 })),
    /** Group words misspelt by one slip ("Mulsims", "imigrants") name the group too. */
    misspellings: Type.Optional(Type.Boolean()),
    breakers: Type.String({ minLength: 1 })
  }, { additionalProperties: false })
}, { additionalProperties: false })
export type ListsFile = Static<typeof ListsFile>

/** sites/<site>/lists.yaml: more word lists for one site (files relative to its folder), added to the shared ones. */
export const SiteListsFile = Type.Object({ lists: ListsFile.properties.lists }, { additionalProperties: false })
export type SiteListsFile = Static<typeof SiteListsFile>

export const PatternsFile = Type.Object({
  patterns: Type.Array(Type.Object({
    id: Id,
    category: Category,
    severity: Severity,
    match: Type.Optional(Type.String({ minLength: 1 })),
    regex: Type.Optional(Type.String({ minLength: 1 })),
    on: Type.Optional(Type.Union([Type.Literal('words'), Type.Literal('text')]))
  }, { additionalProperties: false })),
  spam: Type.Object({
    minLinks: Type.Integer({ minimum: 0, maximum: 100 }),
    charRun: Type.Integer({ minimum: 0, maximum: 1000 }),
    wordRun: Type.Integer({ minimum: 0, maximum: 1000 })
  }, { additionalProperties: false })
}, { additionalProperties: false })
export type PatternsFile = Static<typeof PatternsFile>

export const TestsFile = Type.Object({
  tests: Type.Array(Type.Object({
    text: Type.String({ minLength: 1 }),
    people: Type.Optional(Type.Array(Type.String())),
    /** Categories that must be flagged; [] means "not flagged". */
    expect: Type.Array(Category),
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')])),
    note: Type.Optional(Type.String())
  }, { additionalProperties: false }))
}, { additionalProperties: false })
export type TestsFile = Static<typeof TestsFile>
